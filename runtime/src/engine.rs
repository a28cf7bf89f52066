//! The engine a storefront embeds: a loaded ruleset that prices carts, shared by every thread,
//! swapped for a new one without blocking readers.

use std::sync::Arc;

use arc_swap::ArcSwap;

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
