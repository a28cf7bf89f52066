//! Which promotions' entries of the [`State`](crate::input::State) a pricing may read, so a
//! storefront reads only those from its store.
//!
//! The state is what a storefront keeps between orders: the stock left of each promotion with
//! stock, the budget left, the units each customer bought under a per-customer limit, the members
//! a group buy has. A pricing reads the entries of the promotions whose scope matches a line of
//! the cart, and no others (`price/available.rs`). A store of a thousand flash sales holds a
//! thousand stock counters, but a product page or a cart concerns a few of them: reading them all
//! for every request would cost the storefront far more than pricing does.

use smol_str::SmolStr;

use crate::bind::{BoundCart, InputError};
use crate::index::Prepared;
use crate::input::{Cart, Customer};
use crate::ir::{Benefit, Promotion};

/// Whether a pricing reads an entry of the state for `p`: it has stock, a budget or a limit, or
/// it is a group buy (whose members the state counts).
fn keeps_state(p: &Promotion) -> bool {
    p.stock.is_some()
        || p.budget.is_some()
        || p.limit.is_some()
        || p.benefits.iter().any(|b| matches!(b, Benefit::Group { .. }))
}

impl Prepared {
    /// The names of the promotions whose entries of the state a pricing of `cart` for
    /// `customer` (or its [`display`](crate::display)) may read, in the ruleset's order, each
    /// once: every promotion that keeps state (stock, a budget, a limit, a group buy) and that the
    /// scope index lists for a line of the cart. The index lists every promotion whose scope can
    /// hold on a line, and some whose scope then does not; so the list holds every entry the
    /// pricing reads, and perhaps a few more.
    ///
    /// A storefront reads these entries from its store, builds the [`State`](crate::input::State)
    /// of them alone, and prices `cart` with this same `Prepared` — a ruleset swapped in between
    /// may have other promotions. An entry left out of the state is read as none: the full stock,
    /// budget and allowance, no group members.
    ///
    /// The cart and customer are checked as a pricing checks them: a malformed input is the same
    /// error, naming its place. A storefront that then prices the cart checks it once instead
    /// ([`Prepared::check`], then [`CheckedCart::state_needed`] and [`CheckedCart::price`]).
    ///
    /// [`CheckedCart::state_needed`]: crate::CheckedCart::state_needed
    /// [`CheckedCart::price`]: crate::CheckedCart::price
    pub fn state_needed(&self, cart: &Cart, customer: &Customer) -> Result<Vec<SmolStr>, InputError> {
        Ok(self.check(cart, customer)?.state_needed())
    }

    /// [`state_needed`](Self::state_needed) of a cart already bound to this ruleset.
    pub(crate) fn state_needed_bound(&self, bound: &BoundCart) -> Vec<SmolStr> {
        // What the index lists, sorted: the cost follows the cart's matches, not the ruleset's
        // size (a flag per promotion would be a pass over a hundred thousand for a few matches).
        let mut listed: Vec<u32> = Vec::new();
        for values in bound.lines() {
            self.index.for_each_candidate(values, |i| listed.push(i));
        }
        listed.sort_unstable();
        listed.dedup();
        listed
            .into_iter()
            .filter_map(|i| self.ruleset.promotions.get(i as usize))
            .filter(|p| keeps_state(p))
            .map(|p| p.name.clone())
            .collect()
    }

    /// The promotion called `name`: the first of that name, when a ruleset not made by the
    /// compiler (which refuses two of one name) has several.
    pub fn promotion_named(&self, name: &str) -> Option<&Promotion> {
        self.position_named(name).and_then(|i| self.ruleset.promotions.get(i))
    }

    /// The index in the ruleset of the promotion called `name` ([`promotion_named`]): a hashed
    /// look-up, not a pass over the ruleset, unless names repeat.
    ///
    /// [`promotion_named`]: Self::promotion_named
    pub fn position_named(&self, name: &str) -> Option<usize> {
        match self.indexed_position(name) {
            Some(found) => found,
            None => self.ruleset.promotions.iter().position(|p| p.name == name),
        }
    }
}
