//! What a kind says about a group — why it gave nothing, what reaching its goal would give — kept
//! as data while evaluations run (a search evaluates promotions thousands of times) and put into
//! words only when the outcome shows them.

use std::borrow::Cow;

use rust_decimal::Decimal;

use crate::ir::{CompiledRuleset, SymbolId};

/// Why a group got nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Note {
    /// Fixed words.
    Text(&'static str),
    /// `have` units of the `of` one set needs.
    Units { have: u64, of: u64 },
    /// A group buy with `have` of its `of` members.
    Members { have: u64, of: u64 },
}

impl From<&'static str> for Note {
    fn from(text: &'static str) -> Note {
        Note::Text(text)
    }
}

impl Note {
    /// In words.
    pub fn words(&self) -> Cow<'static, str> {
        match *self {
            Note::Text(text) => Cow::Borrowed(text),
            Note::Units { have, of } => Cow::Owned(format!("{have} of {of} units")),
            Note::Members { have, of } => Cow::Owned(format!("the group has {have} of {of} members")),
        }
    }
}

/// What reaching a goal gives.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Gives {
    /// An amount off.
    AmountOff(Decimal),
    /// A percentage off.
    PercentOff(Decimal),
    /// A discount of another form.
    ADiscount,
    /// A gift of this SKU.
    Gift(SymbolId),
    /// This SKU as an add-on at this price.
    Addon(SymbolId, Decimal),
    /// `m` units for a price.
    MultiBuy(u64, Decimal),
    /// `m` units rewarded (buy N get M).
    Rewarded(u64),
    /// A group-buy price.
    GroupPrice(Decimal),
    /// A bundle at a price.
    Bundle(Decimal),
}

impl Gives {
    /// In words, money with the currency's `minor_units` decimals: "40.00 off", "the gift TOTE".
    pub fn words(&self, ruleset: &CompiledRuleset, minor_units: u32) -> String {
        let money = |d: Decimal| crate::money::Fixed(d, minor_units);
        match *self {
            Gives::AmountOff(m) => format!("{} off", money(m)),
            Gives::PercentOff(p) => format!("{}% off", p.normalize()),
            Gives::ADiscount => "a discount".to_owned(),
            Gives::Gift(sku) => format!("the gift {}", ruleset.symbol(sku)),
            Gives::Addon(sku, price) => format!("{} at {}", ruleset.symbol(sku), money(price)),
            Gives::MultiBuy(m, price) => format!("{m} for {}", money(price)),
            Gives::Rewarded(m) => format!("{m} rewarded"),
            Gives::GroupPrice(price) => format!("the group price {}", money(price)),
            Gives::Bundle(price) => format!("the bundle at {}", money(price)),
        }
    }
}
