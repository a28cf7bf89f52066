//! A cart checked against one ruleset, once: read, checked and bound to the ruleset's symbols,
//! its customer's choice resolved. A storefront then reads the state the cart needs from its
//! store and prices it — without checking and binding the cart a second time, and on the ruleset
//! the names of that state came from.
//!
//! Binding is a large part of pricing a small cart (some 40 % of the 20-line benchmark cart's
//! instructions, README "Speed"): a storefront that asked for the state's names with
//! [`Prepared::state_needed`] and then priced with [`price_prepared`](crate::price_prepared)
//! bound every cart twice.

use std::borrow::Cow;

use smol_str::SmolStr;

use crate::bind::{BoundCart, InputError, bind_with};
use crate::display::{Display, one_unit_cart};
use crate::index::Prepared;
use crate::input::{Cart, Customer, Line, State};
use crate::price::Outcome;

/// A cart and its customer checked against one [`Prepared`] ruleset ([`Prepared::check`]).
///
/// ```
/// # use promo_runtime::{Prepared, input::{Cart, Customer, State}};
/// # fn storefront(prepared: &Prepared, cart: &Cart, customer: &Customer,
/// #     read: impl Fn(&[promo_runtime::SmolStr]) -> State) -> Result<(), promo_runtime::bind::InputError> {
/// let checked = prepared.check(cart, customer)?; // a malformed cart is an error here
/// let state = read(&checked.state_needed()); // the storefront's store, read for these names only
/// let outcome = checked.price(&state, 1_800_000_000);
/// # let _ = outcome;
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct CheckedCart<'a> {
    prepared: &'a Prepared,
    cart: Cow<'a, Cart>,
    bound: BoundCart,
    /// The promotions the customer chose (`cart.choose`), by index, in the cart's order.
    forced: Vec<usize>,
}

/// A product checked against one [`Prepared`] ruleset for its display ([`Prepared::check_product`]):
/// the one-unit cart a display prices ([`one_unit_cart`]), checked once.
#[derive(Debug)]
pub struct CheckedProduct<'a> {
    // INVARIANT: its cart is `one_unit_cart(product)`: one line, the product's.
    checked: CheckedCart<'a>,
}

impl Prepared {
    /// Checks `cart` and `customer` against this ruleset and binds them to it: every error a
    /// pricing would give — a malformed line, attribute or currency, a line id given twice, a
    /// chosen promotion (`cart.choose`) the ruleset does not have — naming its place.
    pub fn check<'a>(&'a self, cart: &'a Cart, customer: &Customer) -> Result<CheckedCart<'a>, InputError> {
        CheckedCart::new(self, Cow::Borrowed(cart), customer)
    }

    /// Checks `product` for its display: [`check`](Self::check) of the one-unit cart a display
    /// prices.
    pub fn check_product(&self, product: &Line, customer: &Customer) -> Result<CheckedProduct<'_>, InputError> {
        Ok(CheckedProduct { checked: CheckedCart::new(self, Cow::Owned(one_unit_cart(product)), customer)? })
    }
}

impl<'a> CheckedCart<'a> {
    fn new(prepared: &'a Prepared, cart: Cow<'a, Cart>, customer: &Customer) -> Result<CheckedCart<'a>, InputError> {
        let bound = bind_with(&prepared.ruleset, &prepared.binder, &cart, customer)?;
        // The customer's choice, in the cart's order: each name found by a hashed look-up (a
        // pass over a ruleset of 100,000 promotions per name would cost more than the pricing).
        let forced = cart
            .choose
            .iter()
            .map(|name| {
                prepared.position_named(name).ok_or_else(|| InputError {
                    place: "cart.choose".into(),
                    message: format!("no promotion is called `{name}`"),
                })
            })
            .collect::<Result<Vec<usize>, InputError>>()?;
        Ok(CheckedCart { prepared, cart, bound, forced })
    }

    /// The names of the promotions whose entries of the state pricing this cart may read
    /// ([`Prepared::state_needed`]), for the storefront to read from its store.
    pub fn state_needed(&self) -> Vec<SmolStr> {
        self.prepared.state_needed_bound(&self.bound)
    }

    /// Prices the cart at `at` (Unix seconds) with `state`. The same inputs always give the same
    /// outcome, equal to [`price_prepared`](crate::price_prepared)'s; pricing itself cannot fail.
    pub fn price(&self, state: &State, at: i64) -> Outcome {
        crate::price::Pricing::new(self, state, at).outcome(at)
    }

    /// The ruleset it was checked against.
    pub fn prepared(&self) -> &'a Prepared {
        self.prepared
    }

    /// The cart.
    pub fn cart(&self) -> &Cart {
        &self.cart
    }

    /// The cart bound to the ruleset's symbols.
    pub(crate) fn bound(&self) -> &BoundCart {
        &self.bound
    }

    /// The promotions the customer chose, by index, in the cart's order.
    pub(crate) fn forced(&self) -> &[usize] {
        &self.forced
    }
}

impl CheckedProduct<'_> {
    /// The names of the promotions whose entries of the state its display may read.
    pub fn state_needed(&self) -> Vec<SmolStr> {
        self.checked.state_needed()
    }

    /// What a product page shows for it at `at` with `state`, equal to
    /// [`display`](crate::display())'s.
    pub fn display(&self, state: &State, at: i64) -> Display {
        crate::display::display_checked(&self.checked, state, at)
    }
}
