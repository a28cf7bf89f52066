//! The outcome of pricing a cart: everything a storefront shows and an auditor checks. Money is
//! serialised as decimal strings.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use smol_str::SmolStr;

pub use super::words::{Note, Reason, Step};

/// The priced cart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    /// The currency of every amount.
    pub currency: SmolStr,
    /// Σ original line prices.
    pub subtotal: Decimal,
    /// Σ discounts.
    pub discount_total: Decimal,
    /// `subtotal − discount_total`.
    pub total: Decimal,
    /// Per line, in cart order.
    pub lines: Vec<LineOutcome>,
    /// Per applied promotion, its discount.
    pub discounts: Vec<PromotionDiscount>,
    /// Gifts earned.
    pub gifts: Vec<GiftOutcome>,
    /// Add-on offers unlocked.
    pub addons: Vec<AddonOffer>,
    /// Presale deposits due now.
    pub presale: Vec<PresaleDue>,
    /// What to add to reach more.
    pub hints: Vec<Hint>,
    /// A better choice than the customer's.
    pub switch_suggestions: Vec<SwitchSuggestion>,
    /// Risk flags.
    pub flags: Vec<Flag>,
    /// How the best combination was found.
    pub search: SearchReport,
    /// A readable account, step by step.
    pub trace: Vec<Step>,
}

/// One line, priced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LineOutcome {
    /// The line's id.
    pub id: SmolStr,
    /// Its SKU.
    pub sku: SmolStr,
    /// Units.
    pub quantity: u32,
    /// Unit price before promotions.
    pub unit_price: Decimal,
    /// `unit_price × quantity`.
    pub line_price: Decimal,
    /// Every promotion that could concern the line, applied or not, and why.
    pub candidates: Vec<Candidate>,
    /// The discount of each applied promotion on this line.
    pub allocations: Vec<Allocation>,
    /// Σ allocations.
    pub discount: Decimal,
    /// `line_price − discount`: what the line costs.
    pub final_line_price: Decimal,
    /// `final_line_price / quantity`, rounded (the line price is authoritative).
    pub final_unit_price: Decimal,
}

/// A promotion considered for a line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    /// Its name.
    pub promotion: SmolStr,
    /// Whether it gave this line anything.
    pub applied: bool,
    /// Why (not).
    pub reason: Reason,
}

/// A promotion's share of a discount on a line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Allocation {
    /// The promotion.
    pub promotion: SmolStr,
    /// The amount.
    pub amount: Decimal,
}

/// One applied promotion's whole discount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromotionDiscount {
    /// The promotion.
    pub promotion: SmolStr,
    /// `item`, `store`, `platform` or `coupon`.
    pub stage: SmolStr,
    /// The amount.
    pub amount: Decimal,
    /// Units it consumed (limits, stock) or uses for threshold promotions.
    pub units: u64,
}

/// A gift earned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GiftOutcome {
    /// The promotion.
    pub promotion: SmolStr,
    /// The gift's SKU.
    pub sku: SmolStr,
    /// Units.
    pub quantity: i64,
    /// Value per unit.
    pub worth: Decimal,
    /// Its value allocated over the lines that earned it.
    pub allocations: Vec<LineShare>,
}

/// A share of an amount on a line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineShare {
    /// The line's id.
    pub line: SmolStr,
    /// The amount.
    pub amount: Decimal,
}

/// An add-on the customer may buy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddonOffer {
    /// The promotion.
    pub promotion: SmolStr,
    /// The add-on's SKU.
    pub sku: SmolStr,
    /// Its reduced price.
    pub price: Decimal,
    /// At most this many.
    pub limit: Option<i64>,
}

/// A presale deposit due now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PresaleDue {
    /// The promotion.
    pub promotion: SmolStr,
    /// The line.
    pub line: SmolStr,
    /// Due now.
    pub deposit: Decimal,
    /// Due by (Unix seconds), if set.
    pub balance_by: Option<i64>,
}

/// What to add to get more.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hint {
    /// The promotion.
    pub promotion: SmolStr,
    /// How much more to spend (money) or buy (units), as text.
    pub missing: String,
    /// In words: "add 60.00 more to get 40.00 off".
    pub message: String,
}

/// A better choice than the customer's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SwitchSuggestion {
    /// The customer's choice.
    pub instead_of: Vec<SmolStr>,
    /// The better set.
    pub choose: Vec<SmolStr>,
    /// How much more it saves.
    pub saves: Decimal,
}

/// A risk flag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flag {
    /// `below_floor` or `zero_total`.
    pub kind: String,
    /// The line, for line flags.
    pub line: Option<SmolStr>,
    /// In words.
    pub message: String,
}

/// How the search went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchReport {
    /// Combinations evaluated.
    pub evaluated: u64,
    /// Whether the search was exhaustive (else the best found within the budget was used).
    pub complete: bool,
}
