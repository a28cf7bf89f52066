//! `POST /api/v1/price`: the runtime's outcome for a cart, with this customer's usage and the
//! promotions' stock as the database has them now.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use promo_runtime::Outcome;

use super::{ApiError, CartRequest, input_error, parse_json};
use crate::app::AppState;
use crate::store::Entries;

/// Prices a cart.
pub async fn post_price(State(app): State<AppState>, body: Bytes) -> Result<Json<Outcome>, ApiError> {
    let request: CartRequest = parse_json(&body)?;
    let loaded = app.shop.current();
    let cart = request.cart(&loaded.catalog, &loaded.ruleset().settings.currency)?;
    let customer = request.customer.unwrap_or_default();
    let who = (!customer.id.is_empty()).then_some(customer.id.as_str());
    // Checked once, for the counters it needs and its pricing: the stored counters of the
    // promotions this cart concerns, not every one the store keeps.
    let checked = loaded.prepared.check(&cart, &customer).map_err(input_error)?;
    let needed = checked.state_needed();
    let stored = app.store.state(&loaded.prepared, who, Entries::Of(&needed)).await.map_err(ApiError::internal)?;
    Ok(Json(checked.price(&stored.state, app.clock.now())))
}
