//! Pricing a cart (spec/evaluation.md): availability → groups → what each kind gives → the best
//! combination → allocations, gifts, hints, flags and a trace.

mod available;
mod evaluate;
mod kinds;
pub mod outcome;
mod report;
mod search;
mod stacking;

use rust_decimal::Decimal;

pub use outcome::Outcome;
pub use search::SEARCH_BUDGET;

use crate::bind::{InputError, bind};
use crate::input::{Cart, Customer, State};
use crate::ir::CompiledRuleset;
use available::Availability;
use kinds::Rules;

/// Everything about one cart that every evaluation shares.
pub(crate) struct Pricing<'a> {
    ruleset: &'a CompiledRuleset,
    cart: &'a Cart,
    rules: Rules,
    available: Vec<Availability>,
    /// Original line amounts.
    original: Vec<Decimal>,
    quantities: Vec<u64>,
    skus: Vec<&'a str>,
    merchants: Vec<Option<&'a str>>,
    bound: crate::bind::BoundCart,
}

/// Prices `cart` for `customer` at `at` (Unix seconds) with `state`. The same inputs always give
/// the same outcome. A malformed input is an error naming its place; pricing itself cannot fail.
pub fn price(
    ruleset: &CompiledRuleset,
    cart: &Cart,
    customer: &Customer,
    state: &State,
    at: i64,
) -> Result<Outcome, InputError> {
    let bound = bind(ruleset, cart, customer)?;
    for name in &cart.choose {
        if !ruleset.promotions.iter().any(|p| p.name == *name) {
            return Err(InputError {
                place: "cart.choose".into(),
                message: format!("no promotion is called `{name}`"),
            });
        }
    }
    let available = available::availability(ruleset, &bound, state, at);
    let pricing = Pricing {
        ruleset,
        cart,
        rules: Rules { minor_units: ruleset.settings.minor_units, rounding: ruleset.settings.rounding },
        available,
        original: cart.lines.iter().map(|l| l.unit_price * Decimal::from(l.quantity)).collect(),
        quantities: cart.lines.iter().map(|l| u64::from(l.quantity)).collect(),
        skus: cart.lines.iter().map(|l| l.sku.as_str()).collect(),
        merchants: cart.lines.iter().map(|l| l.attributes.get("merchant").and_then(|m| m.as_str())).collect(),
        bound,
    };
    Ok(pricing.outcome(at))
}
