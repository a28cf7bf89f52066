//! What a storefront sends to be priced: the cart, the customer, and the state of limits, stock
//! and budgets. The formats are written in `spec/inputs.md`; [`crate::bind`] checks them against a
//! compiled ruleset.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use smol_str::SmolStr;

/// A cart to price.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cart {
    /// The currency the prices are in; when given, it must be the ruleset's.
    #[serde(default)]
    pub currency: Option<String>,
    /// The lines, in the order the shopper sees them.
    pub lines: Vec<Line>,
    /// Coupon codes the customer presents.
    #[serde(default)]
    pub coupons: Vec<String>,
    /// Promotions the customer chose, by name: applied when available, the rest optimised
    /// around them.
    #[serde(default)]
    pub choose: Vec<String>,
}

/// One line of a cart: a product, its unit price before promotions, and a quantity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Line {
    /// Unique within the cart.
    pub id: SmolStr,
    /// The product's SKU.
    pub sku: SmolStr,
    /// Unit price before promotions, a decimal string in the ruleset's currency.
    pub unit_price: Decimal,
    /// How many units.
    pub quantity: u32,
    /// Other product attributes (`category`, `brand`, the schema's own …).
    #[serde(default)]
    pub attributes: BTreeMap<String, serde_json::Value>,
}

/// The customer.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Customer {
    /// The customer's id (for per-customer limits).
    #[serde(default)]
    pub id: String,
    /// Customer attributes (`tier`, `is_fan`, `tags` …).
    #[serde(default)]
    pub attributes: BTreeMap<String, serde_json::Value>,
}

/// What has already been used, by promotion name.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct State {
    /// Units this customer has already bought under each promotion (per-customer limits).
    #[serde(default)]
    pub used_by_customer: BTreeMap<String, u64>,
    /// Promotion stock left; a promotion with a `stock` clause and no entry has its full stock.
    #[serde(default)]
    pub stock_left: BTreeMap<String, u64>,
    /// Money budget left; a promotion with a `budget` clause and no entry has its full budget.
    #[serde(default)]
    pub budget_left: BTreeMap<String, Decimal>,
    /// Members a group-buy promotion's group already has (this customer not counted).
    #[serde(default)]
    pub group_members: BTreeMap<String, u64>,
}
