//! `POST /api/v1/orders/{id}/returns`: what returning items refunds, by the ruleset that priced the
//! order (seed 004's policies), recorded with the units given back to the promotions' stock and
//! the customer's limits.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use promo_runtime::CompiledRuleset;
use promo_runtime::refund::{RefundError, Return};

use super::orders::{Snapshot, backoff};
use super::{ApiError, parse_json};
use crate::app::AppState;
use crate::store::{CommitError, ReturnRow, StockRelease};

const MAX_ATTEMPTS: u32 = 16;

/// Records a return.
pub async fn post_return(
    State(app): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let id: i64 = id.parse().map_err(|_| ApiError::invalid("id", format!("expected an order number, got `{id}`")))?;
    let ret: Return = parse_json(&body)?;
    for attempt in 0..MAX_ATTEMPTS {
        let Some(stored) = app.store.order(id).await.map_err(ApiError::internal)? else {
            return Err(ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("no order {id}")));
        };
        let snapshot: Snapshot = serde_json::from_str(&stored.snapshot).map_err(ApiError::internal)?;
        let ruleset = CompiledRuleset::from_json(&stored.ruleset).map_err(ApiError::internal)?;
        let mut order = snapshot.into_order(ruleset);
        let refund = order.refund(&ret).map_err(|e| match e {
            RefundError::Refused { .. } => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "refused", e.to_string()),
            other => ApiError::invalid("lines", other.to_string()),
        })?;
        order.record(ret.clone(), &refund);
        let row = ReturnRow {
            order_id: id,
            created_at: app.clock.now_ms(),
            refund: refund.refund,
            outcome: serde_json::to_string(&refund).map_err(ApiError::internal)?,
            snapshot: serde_json::to_string(&Snapshot::of(&order)).map_err(ApiError::internal)?,
            released: refund
                .restored
                .iter()
                .map(|r| StockRelease { promotion: r.promotion.to_string(), units: r.units })
                .collect(),
        };
        match app.store.record_return(&row, &order.customer.id, &stored.snapshot).await {
            Ok(return_id) => {
                let body = serde_json::json!({ "return": return_id, "order": id, "refund": refund });
                return Ok((StatusCode::CREATED, Json(body)).into_response());
            }
            Err(CommitError::Conflict) => backoff(attempt).await,
            Err(CommitError::Store(e)) => return Err(ApiError::internal(e)),
        }
    }
    Err(ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "busy", "the order is being changed; try again"))
}
