//! What a product page shows (seed 004 §4.1): labels by priority, the countdown target, the final
//! price of one unit, upcoming promotions with their start time, and remaining promotion stock.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use smol_str::SmolStr;

use crate::bind::InputError;
use crate::checked::CheckedCart;
use crate::cond::holds;
use crate::index::Prepared;
use crate::input::{Cart, Customer, Line, State};

/// A label to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Label {
    /// The text.
    pub text: String,
    /// Higher shows first.
    pub priority: i64,
    /// The promotion it belongs to.
    pub promotion: SmolStr,
}

/// What the countdown counts to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Countdown {
    /// The promotion.
    pub promotion: SmolStr,
    /// `ends` (a running promotion) or `starts` (an upcoming one).
    pub event: String,
    /// Unix seconds.
    pub at: i64,
}

/// A promotion about to start on this product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Upcoming {
    /// The promotion.
    pub promotion: SmolStr,
    /// Its label, if it has one.
    pub label: Option<String>,
    /// Unix seconds.
    pub starts_at: i64,
}

/// Stock left of a promotion with a `stock` clause.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockLeft {
    /// The promotion.
    pub promotion: SmolStr,
    /// Units left.
    pub left: u64,
}

/// Everything a product page needs from the engine.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Display {
    /// The product's SKU.
    pub sku: SmolStr,
    /// Its price before promotions.
    pub unit_price: Decimal,
    /// What one unit costs this customer now, with the best combination.
    pub final_price: Decimal,
    /// Labels of the promotions running on it, highest priority first.
    pub labels: Vec<Label>,
    /// The countdown: the end of the running promotion with the highest priority, else the start
    /// of the next one.
    pub countdown: Option<Countdown>,
    /// Promotions that will start on it, soonest first.
    pub upcoming: Vec<Upcoming>,
    /// Stock left of its promotions that have stock.
    pub stock: Vec<StockLeft>,
}

/// The cart a product's display prices: one unit of the product, alone. Its
/// [`state_needed`](Prepared::state_needed) names the state entries a display reads.
pub fn one_unit_cart(product: &Line) -> Cart {
    let mut one = product.clone();
    one.quantity = 1;
    Cart { currency: None, lines: vec![one], coupons: vec![], choose: vec![] }
}

/// The display data of `product` for `customer` at `at`: [`Prepared::check_product`], then
/// [`CheckedProduct::display`](crate::CheckedProduct::display).
pub fn display(
    prepared: &Prepared,
    product: &Line,
    customer: &Customer,
    state: &State,
    at: i64,
) -> Result<Display, InputError> {
    Ok(prepared.check_product(product, customer)?.display(state, at))
}

/// The display data of the product `checked` holds (the one line of its one-unit cart) at `at`.
pub(crate) fn display_checked(checked: &CheckedCart<'_>, state: &State, at: i64) -> Display {
    let (prepared, bound) = (checked.prepared(), checked.bound());
    let r = &prepared.ruleset;
    let outcome = checked.price(state, at);
    // INVARIANT: a checked product's cart is its one-unit cart, so it has its one line.
    let product = checked.cart().lines.first();
    let (sku, unit_price) = product.map_or_else(Default::default, |p| (p.sku.clone(), p.unit_price));
    let final_price = outcome.lines.first().map_or(unit_price, |l| l.final_line_price);
    // Moved into: one of its two calls runs.
    let shown = move |labels, countdown, upcoming, stock| Display {
        sku,
        unit_price,
        final_price,
        labels,
        countdown,
        upcoming,
        stock,
    };
    let Some(values) = bound.line(0) else {
        return shown(Vec::new(), None, Vec::new(), Vec::new());
    };
    let mut labels = Vec::new();
    let mut upcoming = Vec::new();
    let mut stock = Vec::new();
    let mut running: Vec<(i64, SmolStr, i64)> = Vec::new();
    // Promotions withdrawing the others on this product (from `start − D` until their end).
    let candidates = prepared.index.candidates(values);
    // An extension call that fails hides the promotion (fail closed).
    let mut calls = crate::extension::Calls::new(&prepared.sandbox);
    let withdrawing: Vec<u32> = candidates
        .iter()
        .copied()
        .filter(|i| prepared.index.withdrawing.contains(i))
        .filter(|&i| {
            r.promotions.get(i as usize).is_some_and(|q| match (q.withdraw_others, q.window) {
                (Some(d), Some((s, e))) => {
                    at >= s.saturating_sub(d) && at < e && holds(&q.scope, values, &mut calls).unwrap_or(false)
                }
                _ => false,
            })
        })
        .collect();
    for i in candidates {
        let Some(p) = r.promotions.get(i as usize) else { continue };
        let shown = holds(&p.scope, values, &mut calls).unwrap_or(false)
            && holds(&p.eligible, bound.customer(), &mut calls).unwrap_or(false);
        if !shown {
            continue;
        }
        let stock_left =
            p.stock.map(|s| state.stock_left.get(p.name.as_str()).copied().unwrap_or(u64::try_from(s).unwrap_or(0)));
        let ended = p.window.is_some_and(|(_, end)| at >= end);
        if let (Some(left), false) = (stock_left, ended) {
            stock.push(StockLeft { promotion: p.name.clone(), left });
        }
        match p.window {
            Some((start, _)) if at < start => {
                upcoming.push(Upcoming {
                    promotion: p.name.clone(),
                    label: p.label.as_ref().map(|l| l.0.clone()),
                    starts_at: start,
                });
            }
            Some((_, end)) if at >= end => continue,
            window => {
                let withdrawn = withdrawing.iter().any(|&q| q != i);
                if stock_left == Some(0) || p.coupon.is_some() || withdrawn {
                    continue;
                }
                if let Some((text, priority)) = &p.label {
                    labels.push(Label { text: text.clone(), priority: *priority, promotion: p.name.clone() });
                }
                if let Some((_, end)) = window {
                    let priority = p.label.as_ref().map_or(0, |l| l.1);
                    running.push((priority, p.name.clone(), end));
                }
            }
        }
    }
    labels.sort_by(|a, b| b.priority.cmp(&a.priority).then(a.promotion.cmp(&b.promotion)));
    upcoming.sort_by(|a, b| a.starts_at.cmp(&b.starts_at).then(a.promotion.cmp(&b.promotion)));
    running.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let countdown = running
        .first()
        .map(|(_, name, end)| Countdown { promotion: name.clone(), event: "ends".into(), at: *end })
        .or_else(|| {
            upcoming.first().map(|u| Countdown {
                promotion: u.promotion.clone(),
                event: "starts".into(),
                at: u.starts_at,
            })
        });
    shown(labels, countdown, upcoming, stock)
}
