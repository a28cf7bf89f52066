//! The storefront's JSON API under `/api/v1/` (described in `host/openapi.yaml`): price a cart,
//! place an order, return items, report page events; for managers, stats and reload.
//!
//! Carts name products by SKU and quantity; prices and attributes come from the catalog, never
//! from the request.

mod error;
mod events;
mod manage;
mod orders;
mod price;
mod providers;
mod returns;

use std::collections::BTreeMap;

use promo_runtime::input::{Cart, Customer};
use serde::Deserialize;

pub use error::{ApiError, parse_json};
pub use events::{entry_point, post_event};
pub use manage::{get_stats, post_reload};
pub use orders::{get_order, post_order};
pub use price::post_price;
pub use providers::{MAX_ASSET_REQUEST, post_asset, post_provider, post_provider_status, sniff_image};
pub use returns::post_return;

use crate::catalog::Catalog;

/// The most units of one line.
pub const MAX_QUANTITY: u32 = 10_000;
/// The most lines in one cart.
pub const MAX_LINES: usize = 500;

/// One line of a request's cart.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LineRequest {
    /// The product.
    pub sku: String,
    /// How many units.
    pub quantity: u32,
    /// The line's id (default: its position, from 1).
    #[serde(default)]
    pub id: Option<String>,
}

/// A cart as a client sends it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CartRequest {
    /// The customer (an anonymous one when left out of a price request).
    #[serde(default)]
    pub customer: Option<Customer>,
    /// The lines.
    pub lines: Vec<LineRequest>,
    /// Coupon codes.
    #[serde(default)]
    pub coupons: Vec<String>,
    /// Promotions the customer chose.
    #[serde(default)]
    pub choose: Vec<String>,
}

impl CartRequest {
    /// The runtime's cart, with prices and attributes from `catalog`.
    pub fn cart(&self, catalog: &Catalog, currency: &str) -> Result<Cart, ApiError> {
        if self.lines.is_empty() {
            return Err(ApiError::invalid("lines", "a cart needs at least one line"));
        }
        if self.lines.len() > MAX_LINES {
            return Err(ApiError::invalid("lines", format!("at most {MAX_LINES} lines")));
        }
        let mut ids: BTreeMap<String, usize> = BTreeMap::new();
        let mut lines = Vec::with_capacity(self.lines.len());
        for (i, l) in self.lines.iter().enumerate() {
            let product = catalog.product(&l.sku).ok_or_else(|| {
                ApiError::invalid(format!("lines[{i}].sku"), format!("no product with SKU `{}` in the catalog", l.sku))
                    .with_code("unknown_sku")
            })?;
            if l.quantity == 0 || l.quantity > MAX_QUANTITY {
                return Err(ApiError::invalid(
                    format!("lines[{i}].quantity"),
                    format!("expected a quantity from 1 to {MAX_QUANTITY}, got {}", l.quantity),
                ));
            }
            let id = l.id.clone().unwrap_or_else(|| (i + 1).to_string());
            if let Some(first) = ids.insert(id.clone(), i) {
                return Err(ApiError::invalid(
                    format!("lines[{i}].id"),
                    format!("line id `{id}` is already used by lines[{first}]"),
                ));
            }
            lines.push(product.line(id, l.quantity));
        }
        Ok(Cart {
            currency: Some(currency.to_owned()),
            lines,
            coupons: self.coupons.clone(),
            choose: self.choose.clone(),
        })
    }
}

/// The runtime's complaint about an input, as a 422 naming the place.
fn input_error(e: promo_runtime::bind::InputError) -> ApiError {
    let field = e.place.strip_prefix("cart.").unwrap_or(&e.place).to_owned();
    ApiError::invalid(field, e.message).with_code("invalid_input")
}
