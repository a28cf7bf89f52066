//! Pricing a cart (spec/evaluation.md): availability → groups → what each kind gives → the best
//! combination → allocations, gifts, hints, flags and a trace.

mod available;
mod evaluate;
mod groups;
mod kinds;
pub mod outcome;
mod per_line;
mod report;
mod search;
mod stacking;
mod state_at;
mod words;

use rust_decimal::Decimal;

pub use outcome::Outcome;
pub use search::SEARCH_BUDGET;
pub(crate) use stacking::Traits;

use crate::bind::InputError;
use crate::checked::CheckedCart;
use crate::index::Prepared;
use crate::input::{Cart, Customer, State};
use crate::ir::CompiledRuleset;
use available::Availability;
use kinds::Rules;
use per_line::PerLine;

impl Pricing<'_> {
    /// The merchant of line `l`, if its attributes name one.
    pub(crate) fn merchant(&self, l: usize) -> Option<&str> {
        self.merchants().get(l).copied().flatten()
    }

    /// Each line's merchant, if its attributes name one: read when a store-level promotion
    /// first asks.
    pub(crate) fn merchants(&self) -> &[Option<&str>] {
        self.merchants.get_or_init(|| {
            self.cart.lines.iter().map(|line| line.attributes.get("merchant").and_then(|m| m.as_str())).collect()
        })
    }

    /// The availability of promotion `i`, if its scope matches a line of the cart.
    pub(crate) fn avail(&self, i: usize) -> Option<&Availability> {
        self.relevant.binary_search(&i).ok().and_then(|k| self.available.get(k))
    }
}

/// Everything about one cart that every evaluation shares.
pub(crate) struct Pricing<'a> {
    ruleset: &'a CompiledRuleset,
    /// Per promotion of the ruleset, its stacking traits (`Prepared::traits`).
    traits: &'a [stacking::Traits],
    /// Per promotion of the ruleset, its name (`Prepared::names`).
    names: &'a [smol_str::SmolStr],
    /// Whether any floor can flag a line (`Prepared::has_floors`).
    has_floors: bool,
    sandbox: &'a crate::extension::Sandbox,
    cart: &'a Cart,
    rules: Rules,
    /// Promotions whose scope matches a line, ascending; `available` is parallel to it.
    relevant: Vec<usize>,
    available: Vec<Availability>,
    /// Per line, the positions in `relevant` of the promotions whose scope holds on it.
    by_line: PerLine<usize>,
    /// Each line at its original amount, as a group sees it (the amount, its units, the amount
    /// in minor units): what every stand-alone evaluation measures, its one-line groups read
    /// here in place, its larger ones copied from here.
    // INVARIANT: entry `l` is line `l`, its `minor` the amount's minor units (`original_minor`).
    originals: Vec<kinds::GroupLine>,
    /// The same in minor units, as evaluations clamp and the search compares.
    original_minor: Vec<i128>,
    skus: Vec<&'a str>,
    /// Each line's merchant, read from its attributes when a store-level promotion first groups
    /// by it.
    merchants: std::cell::OnceCell<Vec<Option<&'a str>>>,
    bound: &'a crate::bind::BoundCart,
    /// The promotions the customer chose (`cart.choose`), by index, in the cart's order.
    forced: &'a [usize],
    /// Reused by every evaluation of this cart.
    scratch: std::cell::RefCell<evaluate::Scratch>,
}

/// Prices `cart` for `customer` at `at` (Unix seconds) with `state`. The same inputs always give
/// the same outcome. A malformed input is an error naming its place; pricing itself cannot fail.
///
/// This indexes the ruleset first; a storefront pricing many carts keeps an
/// [`Engine`](crate::Engine) (or a [`Prepared`] ruleset) so the index is built once, and checks
/// each cart once ([`Prepared::check`]) to read the state it needs and price it.
pub fn price(
    ruleset: &CompiledRuleset,
    cart: &Cart,
    customer: &Customer,
    state: &State,
    at: i64,
) -> Result<Outcome, InputError> {
    price_prepared(&Prepared::new(ruleset.clone()), cart, customer, state, at)
}

/// [`price`] with a ruleset indexed once: [`Prepared::check`], then [`CheckedCart::price`].
pub fn price_prepared(
    prepared: &Prepared,
    cart: &Cart,
    customer: &Customer,
    state: &State,
    at: i64,
) -> Result<Outcome, InputError> {
    Ok(prepared.check(cart, customer)?.price(state, at))
}

/// The best value — discount, then gift value — over every combination of available promotions
/// in which no two clash, found by evaluating each one in full: the reference the search is
/// tested against. `None` when more than `max` promotions are available (2^n combinations).
#[doc(hidden)]
pub fn best_value_exhaustive(
    prepared: &Prepared,
    cart: &Cart,
    customer: &Customer,
    state: &State,
    at: i64,
    max: usize,
) -> Result<Option<(Decimal, Decimal)>, InputError> {
    let checked = prepared.check(cart, customer)?;
    let pricing = Pricing::new(&checked, state, at);
    let open: Vec<usize> = pricing
        .relevant
        .iter()
        .zip(&pricing.available)
        .filter(|(_, a)| a.unavailable().is_none() && !a.lines().is_empty())
        .map(|(&i, _)| i)
        .collect();
    if open.len() > max || open.len() >= 32 {
        return Ok(None);
    }
    let mut best = (Decimal::ZERO, Decimal::ZERO);
    for mask in 0u32..(1u32 << open.len()) {
        let set: Vec<usize> = open.iter().enumerate().filter(|(k, _)| mask & (1 << k) != 0).map(|(_, &i)| i).collect();
        let feasible = set.iter().enumerate().all(|(a, &i)| set.iter().skip(a + 1).all(|&j| !pricing.clash(i, j)));
        if feasible {
            best = best.max(pricing.evaluate(&set).value());
        }
    }
    Ok(Some(best))
}

impl Drop for Pricing<'_> {
    /// The scratch stays with the thread for its next pricing.
    fn drop(&mut self) {
        // Never borrowed here (every evaluation's borrow ends with it, even one cut short by a
        // panic, whose frames are left before this one's): checked all the same, not assumed.
        if let Ok(mut scratch) = self.scratch.try_borrow_mut() {
            std::mem::take(&mut *scratch).keep_for_reuse();
        }
    }
}

impl<'a> Pricing<'a> {
    /// Everything every evaluation of `checked` shares, with `state` at `at`.
    pub(crate) fn new(checked: &'a CheckedCart<'a>, state: &State, at: i64) -> Pricing<'a> {
        let (prepared, cart, bound) = (checked.prepared(), checked.cart(), checked.bound());
        let ruleset = &prepared.ruleset;
        let (relevant, available) = available::availability(prepared, bound, state, at);
        let by_line = PerLine::build(
            cart.lines.len(),
            available.iter().enumerate().flat_map(|(k, a)| a.in_scope.iter().map(move |&l| (l, k))),
        );
        let rules = Rules { minor_units: ruleset.settings.minor_units, rounding: ruleset.settings.rounding };
        let original = bound.amounts();
        let original_minor: Vec<i128> = original.iter().map(|&d| rules.minor(d)).collect();
        let originals = cart
            .lines
            .iter()
            .zip(original.iter().zip(&original_minor))
            .enumerate()
            .map(|(l, (line, (&base, &minor)))| kinds::GroupLine {
                line: l,
                qty: u64::from(line.quantity),
                base,
                minor: i64::try_from(minor).ok(),
            })
            .collect();
        Pricing {
            ruleset,
            traits: &prepared.traits,
            names: &prepared.names,
            has_floors: prepared.has_floors,
            sandbox: &prepared.sandbox,
            cart,
            rules,
            relevant,
            available,
            by_line,
            originals,
            original_minor,
            skus: cart.lines.iter().map(|l| l.sku.as_str()).collect(),
            merchants: std::cell::OnceCell::new(),
            bound,
            forced: checked.forced(),
            scratch: evaluate::Scratch::for_cart(cart.lines.len()),
        }
    }
}
