//! `POST /api/v1/orders`: price the cart with the state as stored, then record the order in one
//! transaction that takes its stock, budget and per-customer usage — or, if another order took
//! them first, price again. A client that says what it expects to pay (`expected_total`) is told
//! (409, with the new outcome) when the price changed instead of being charged something else.

use std::collections::BTreeMap;
use std::time::Duration;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use promo_runtime::input::{Cart, Customer, State as PromoState};
use promo_runtime::ir::LimitPer;
use promo_runtime::refund::{Order, Return};
use promo_runtime::{CompiledRuleset, Outcome, Prepared};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{ApiError, CartRequest, LineRequest, input_error, parse_json};
use crate::app::AppState;
use crate::catalog::is_plain_name;
use crate::store::{CommitError, Consumed, Entries, NewOrder};

/// How many times an order is priced again after losing a race before the client is told to retry.
const MAX_ATTEMPTS: u32 = 64;

/// An order as a client places it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrderRequest {
    /// Who buys (the id counts for per-customer limits).
    pub customer: Customer,
    /// The lines.
    pub lines: Vec<LineRequest>,
    /// Coupon codes.
    #[serde(default)]
    pub coupons: Vec<String>,
    /// Promotions the customer chose.
    #[serde(default)]
    pub choose: Vec<String>,
    /// The total the customer agreed to; a different price now is a 409, not a charge.
    #[serde(default)]
    pub expected_total: Option<Decimal>,
    /// The entry point the shopper came from (`facebook`, `newsletter` …), for the stats.
    #[serde(default)]
    pub src: Option<String>,
}

/// What the database keeps of an order: everything a refund needs but the ruleset, which is
/// stored once per version.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Snapshot {
    /// When it was priced (Unix seconds).
    pub at: i64,
    /// The cart as bought.
    pub cart: Cart,
    /// The customer.
    pub customer: Customer,
    /// The state it was priced with.
    pub state: PromoState,
    /// What it cost.
    pub outcome: Outcome,
    /// Returns made so far.
    #[serde(default)]
    pub returns: Vec<Return>,
    /// Refunded so far.
    #[serde(default)]
    pub refunded: Decimal,
    /// Refunded so far, by line.
    #[serde(default)]
    pub refunded_lines: BTreeMap<String, Decimal>,
}

impl Snapshot {
    /// The runtime's order, priced by `ruleset`.
    pub fn into_order(self, ruleset: CompiledRuleset) -> Order {
        Order {
            ruleset,
            at: self.at,
            cart: self.cart,
            customer: self.customer,
            state: self.state,
            outcome: self.outcome,
            returns: self.returns,
            refunded: self.refunded,
            refunded_lines: self.refunded_lines,
        }
    }

    /// What the database keeps of `order`.
    pub fn of(order: &Order) -> Snapshot {
        Snapshot {
            at: order.at,
            cart: order.cart.clone(),
            customer: order.customer.clone(),
            state: order.state.clone(),
            outcome: order.outcome.clone(),
            returns: order.returns.clone(),
            refunded: order.refunded,
            refunded_lines: order.refunded_lines.clone(),
        }
    }
}

/// The answer to a placed order.
#[derive(Debug, Serialize)]
struct Placed<'a> {
    order: i64,
    total: Decimal,
    outcome: &'a Outcome,
}

/// What `outcome` takes from each promotion with stock, a budget or a per-customer limit.
pub fn consumed(prepared: &Prepared, outcome: &Outcome) -> Vec<Consumed> {
    let mut by: BTreeMap<&str, (u64, Decimal)> = BTreeMap::new();
    for d in &outcome.discounts {
        let e = by.entry(d.promotion.as_str()).or_default();
        e.0 += d.units;
        e.1 += d.amount;
    }
    // A gift promotion gives no discount: its units are the gifts.
    for g in &outcome.gifts {
        if !outcome.discounts.iter().any(|d| d.promotion == g.promotion) {
            by.entry(g.promotion.as_str()).or_default().0 += u64::try_from(g.quantity).unwrap_or(0);
        }
    }
    by.into_iter()
        .filter_map(|(name, (units, amount))| {
            let p = prepared.promotion_named(name)?;
            let per_customer = matches!(p.limit, Some((_, LimitPer::Customer)));
            let counted = p.stock.is_some() || p.budget.is_some() || per_customer;
            counted.then(|| Consumed {
                promotion: name.to_owned(),
                units,
                stock: p.stock.map(|s| u64::try_from(s).unwrap_or(0)),
                per_customer,
                budget: p.budget,
                amount,
            })
        })
        .collect()
}

/// Places an order.
pub async fn post_order(State(app): State<AppState>, body: Bytes) -> Result<Response, ApiError> {
    let request: OrderRequest = parse_json(&body)?;
    if request.customer.id.trim().is_empty() {
        return Err(ApiError::invalid("customer.id", "an order needs the customer's id"));
    }
    if let Some(src) = &request.src
        && (!is_plain_name(src) || src.len() > 40)
    {
        return Err(ApiError::invalid("src", "an entry point is a short tag: letters, digits, `-`, `_`"));
    }
    let cart_request = CartRequest {
        customer: Some(request.customer.clone()),
        lines: request.lines.clone(),
        coupons: request.coupons.clone(),
        choose: request.choose.clone(),
    };
    for attempt in 0..MAX_ATTEMPTS {
        let loaded = app.shop.current();
        let cart = cart_request.cart(&loaded.catalog, &loaded.ruleset().settings.currency)?;
        // The counters of the promotions this cart concerns: every one the order can consume.
        // Checked once, for those counters and its pricing.
        let checked = loaded.prepared.check(&cart, &request.customer).map_err(input_error)?;
        let needed = checked.state_needed();
        let read = app
            .store
            .state(&loaded.prepared, Some(&request.customer.id), Entries::Of(&needed))
            .await
            .map_err(ApiError::internal)?;
        let at = app.clock.now();
        let outcome = checked.price(&read.state, at);
        if let Some(expected) = request.expected_total
            && expected != outcome.total
        {
            let detail = serde_json::to_value(&outcome).map_err(ApiError::internal)?;
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "price_changed",
                format!("the cart now costs {} {}, not {expected}", outcome.total, outcome.currency),
            )
            .with_detail(detail));
        }
        let snapshot = Snapshot {
            at,
            cart,
            customer: request.customer.clone(),
            state: read.state.clone(),
            outcome,
            returns: Vec::new(),
            refunded: Decimal::ZERO,
            refunded_lines: BTreeMap::new(),
        };
        let order = NewOrder {
            customer: request.customer.id.clone(),
            created_at: app.clock.now_ms(),
            src: request.src.clone(),
            ruleset_hash: loaded.hash().to_owned(),
            total: snapshot.outcome.total,
            lines: snapshot
                .outcome
                .lines
                .iter()
                .map(|l| (l.id.to_string(), l.sku.to_string(), l.quantity, l.final_line_price))
                .collect(),
            snapshot: serde_json::to_string(&snapshot).map_err(ApiError::internal)?,
            consumed: consumed(&loaded.prepared, &snapshot.outcome),
        };
        match app.store.commit_order(&order, &read).await {
            Ok(id) => {
                let body = Placed { order: id, total: snapshot.outcome.total, outcome: &snapshot.outcome };
                let location = format!("/api/v1/orders/{id}");
                return Ok((StatusCode::CREATED, [(header::LOCATION, location)], Json(body)).into_response());
            }
            Err(CommitError::Conflict) => backoff(attempt).await,
            Err(CommitError::Store(e)) => return Err(ApiError::internal(e)),
        }
    }
    Err(ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "busy",
        "too many orders at once for these promotions; try again",
    ))
}

/// Waits a little before pricing again, longer after each lost race, never in step with the others.
pub(super) async fn backoff(attempt: u32) {
    let mut jitter = [0u8; 1];
    let _ = getrandom::fill(&mut jitter);
    let millis = u64::from(attempt.min(8)) * 2 + u64::from(jitter[0] % 8);
    tokio::time::sleep(Duration::from_millis(millis)).await;
}

/// `GET /api/v1/orders/{id}` (managers): the stored order.
pub async fn get_order(
    State(app): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if !app.auth.allows(&headers) {
        return Ok(crate::app::unauthorized());
    }
    let id: i64 = id.parse().map_err(|_| ApiError::invalid("id", format!("expected an order number, got `{id}`")))?;
    let row = app.store.order(id).await.map_err(ApiError::internal)?;
    let Some(row) = row else {
        return Err(ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("no order {id}")));
    };
    let snapshot: serde_json::Value = serde_json::from_str(&row.snapshot).map_err(ApiError::internal)?;
    Ok(Json(serde_json::json!({ "order": row.id, "customer": row.customer, "created_at": row.created_at, "snapshot": snapshot }))
        .into_response())
}
