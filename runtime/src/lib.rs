//! # promo-runtime
//!
//! The part of Promo a storefront links. This crate knows nothing of the language's syntax: the
//! compiler (`promo-lang`) lowers checked programs into the types defined here.
//!
//! Today it holds the value model every later stage agrees on — [`money`]: currencies with their
//! minor unit, amounts that carry their currency, and the rounding rules written in the spec
//! (`spec/types.md`). Evaluation, stacking, allocation and refunds build on it.

pub mod money;

pub use money::{Currency, Money, MoneyError, Rounding};
