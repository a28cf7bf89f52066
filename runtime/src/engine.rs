//! The engine a storefront embeds: a loaded ruleset that prices carts, shared by every thread,
//! swapped for a new one without blocking readers.

use std::sync::Arc;

use arc_swap::ArcSwap;
use smol_str::SmolStr;

use crate::bind::InputError;
use crate::index::Prepared;
use crate::input::{Cart, Customer, State};
use crate::ir::CompiledRuleset;
use crate::price::{Outcome, price_prepared};

/// Prices carts with the current ruleset, indexed once at load. `Send + Sync`: share one behind
/// an `Arc`.
#[derive(Debug)]
pub struct Engine {
    ruleset: ArcSwap<Prepared>,
}

impl Engine {
    /// An engine with `ruleset`.
    pub fn new(ruleset: CompiledRuleset) -> Engine {
        Engine { ruleset: ArcSwap::from_pointee(Prepared::new(ruleset)) }
    }

    /// Replaces the ruleset atomically (indexing it first, outside any lock): a pricing already
    /// under way finishes with the old one, every later one uses the new one.
    pub fn swap(&self, ruleset: CompiledRuleset) {
        self.ruleset.store(Arc::new(Prepared::new(ruleset)));
    }

    /// The ruleset in use now.
    pub fn ruleset(&self) -> Arc<Prepared> {
        self.ruleset.load_full()
    }

    /// What a product page shows for `product`.
    pub fn display(
        &self,
        product: &crate::input::Line,
        customer: &Customer,
        state: &State,
        at: i64,
    ) -> Result<crate::display::Display, InputError> {
        crate::display::display(&self.ruleset.load(), product, customer, state, at)
    }

    /// Prices `cart` for `customer` at `at` (Unix seconds), given `state`.
    pub fn price(&self, cart: &Cart, customer: &Customer, state: &State, at: i64) -> Result<Outcome, InputError> {
        price_prepared(&self.ruleset.load(), cart, customer, state, at)
    }

    /// Prices `cart` for `customer` at `at` with the state a storefront reads for it: `read` is
    /// handed the names of the promotions whose entries of the state the pricing may read
    /// ([`Prepared::state_needed`]) and returns those entries, read from the storefront's store.
    ///
    /// The names and the pricing come from one ruleset: one swapped in while `read` runs is used
    /// from the next pricing on (two calls — the names, then [`price`](Self::price) — could
    /// straddle a swap and price a promotion whose entries were never read as if it had its
    /// whole stock). The cart is checked and bound once, for the names and the pricing
    /// ([`Prepared::check`]): a malformed cart, or a choice of a promotion the ruleset does not
    /// have, is an error before `read` is called; `read`'s own error is returned as it is.
    pub fn price_with<E: From<InputError>>(
        &self,
        cart: &Cart,
        customer: &Customer,
        at: i64,
        read: impl FnOnce(&[SmolStr]) -> Result<State, E>,
    ) -> Result<Outcome, E> {
        let prepared = self.ruleset.load_full();
        // Checked and bound once, for the names and the pricing.
        let checked = prepared.check(cart, customer)?;
        let state = read(&checked.state_needed())?;
        Ok(checked.price(&state, at))
    }

    /// [`display`](Self::display) with the state a storefront reads for `product`, as
    /// [`price_with`](Self::price_with) prices: the names handed to `read` and the display come
    /// from one ruleset.
    pub fn display_with<E: From<InputError>>(
        &self,
        product: &crate::input::Line,
        customer: &Customer,
        at: i64,
        read: impl FnOnce(&[SmolStr]) -> Result<State, E>,
    ) -> Result<crate::display::Display, E> {
        let prepared = self.ruleset.load_full();
        let checked = prepared.check_product(product, customer)?;
        let state = read(&checked.state_needed())?;
        Ok(checked.display(&state, at))
    }
}

#[cfg(test)]
mod tests {
    use super::Engine;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn the_engine_is_shared_across_threads() {
        assert_send_sync::<Engine>();
    }
}
