//! What a kind says about a group — why it gave nothing, what reaching its goal would give — kept
//! as data while evaluations run (a search evaluates promotions thousands of times) and put into
//! words only when the outcome shows them.

use rust_decimal::Decimal;

use smol_str::{SmolStr, SmolStrBuilder};

use crate::ir::{CompiledRuleset, SymbolId};

/// Why a group got nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Note {
    /// Fixed words.
    Text(&'static str),
    /// `have` units of the `of` one set needs: "1 of 3 units".
    Units {
        /// Units the group has.
        have: u64,
        /// Units a set needs.
        of: u64,
    },
    /// A group buy with `have` of its `of` members: "the group has 2 of 5 members".
    Members {
        /// Members the group has.
        have: u64,
        /// Members it needs.
        of: u64,
    },
}

impl From<&'static str> for Note {
    fn from(text: &'static str) -> Note {
        Note::Text(text)
    }
}

impl Note {
    /// In words: inline, without an allocation, up to 23 bytes (a count of units always is).
    pub(crate) fn words(&self) -> SmolStr {
        match *self {
            Note::Text(text) => SmolStr::new_static(text),
            Note::Units { have, of } => out_of("", have, of, " units"),
            Note::Members { have, of } => out_of("the group has ", have, of, " members"),
        }
    }
}

/// `{before}{have} of {of}{after}`, written without the formatting machinery: a cart's outcome
/// writes one for every group short of a set.
fn out_of(before: &str, have: u64, of: u64, after: &str) -> SmolStr {
    let mut text = SmolStrBuilder::new();
    text.push_str(before);
    push_count(&mut text, have);
    text.push_str(" of ");
    push_count(&mut text, of);
    text.push_str(after);
    text.finish()
}

/// Appends `n` in decimal digits.
fn push_count(text: &mut SmolStrBuilder, mut n: u64) {
    let mut digits = [b'0'; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        if let Some(slot) = digits.get_mut(at) {
            *slot = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 {
            break;
        }
    }
    // INVARIANT: ASCII digits only.
    text.push_str(std::str::from_utf8(digits.get(at..).unwrap_or(&[])).unwrap_or(""));
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

#[cfg(test)]
mod tests {
    use super::Note;

    #[test]
    fn counts_read_as_written() {
        assert_eq!(Note::Units { have: 0, of: 3 }.words(), "0 of 3 units");
        assert_eq!(Note::Units { have: 12, of: 100 }.words(), "12 of 100 units");
        assert_eq!(
            Note::Members { have: u64::MAX, of: 10 }.words(),
            "the group has 18446744073709551615 of 10 members"
        );
    }
}
