//! # promo-runtime
//!
//! The part of Promo a storefront links. This crate knows nothing of the language's syntax: the
//! compiler (`promo-lang`) lowers checked programs into the types defined here.
//!
//! - [`money`]: currencies with their minor unit, amounts that carry their currency, and the
//!   rounding rules written in the spec (`spec/types.md`);
//! - [`allocate`]: spreading a discount or a gift's value over lines, to the cent, always summing
//!   exactly;
//! - [`input`]: the cart, customer and state a storefront sends; [`bind`] checks them against a
//!   ruleset (errors name the place) and interns their values; [`cond`] evaluates conditions;
//! - [`ir`]: the compiled ruleset a storefront loads — versioned, checksummed, with attributes and
//!   values interned to ids.
//!
//! - [`extension`]: sandboxed WebAssembly functions conditions may call — fuel and memory limits,
//!   deterministic, failing closed;
//! - [`names`]: promotion names as outcomes hold them — long ones as static texts kept once per
//!   process, copied without a shared reference count;
//! - [`display`]: what a product page shows — labels, countdown, final price, upcoming promotions,
//!   stock left;
//! - [`refund`]: orders and returns — what the kept items still earn, the three gift policies;
//! - [`state_needed`]: which promotions' entries of the state a pricing of a cart may read, so a
//!   storefront reads only those from its store;
//! - [`price`]: pricing a cart — every kind, stages and stacking, the best combination, allocations,
//!   gifts, hints, risk flags and a trace (spec/evaluation.md).

pub mod allocate;
pub mod bind;
pub mod checked;
pub mod cond;
pub mod display;
pub mod engine;
pub mod extension;
pub mod index;
pub mod input;
pub mod ir;
pub mod money;
pub mod names;
pub mod price;
pub mod refund;
pub mod state_needed;
mod text_index;

pub use checked::{CheckedCart, CheckedProduct};
pub use display::{Display, display};
pub use engine::Engine;
pub use index::Prepared;
pub use ir::CompiledRuleset;
pub use ir::file::LoadError;
pub use money::{Currency, Money, MoneyError, Rounding};
pub use price::{Outcome, price, price_prepared};
pub use refund::{Order, RefundOutcome, Return};
/// The string type of names and ids in inputs, rulesets and outcomes: short ones are stored inline
/// and every clone is O(1), so an outcome names promotions and lines without copying text.
pub use smol_str::SmolStr;
