//! # promo
//!
//! The facade over Promo's crates and the command-line tool's building blocks:
//!
//! - [`lang`] — the language: parser, checker, diagnostics;
//! - [`runtime`] — money and, as it grows, the engine a storefront embeds;
//! - [`load`] — finding rulesets on disk (a file, a folder of files, a folder of folders);
//! - [`render`] — diagnostics for people (colour, source excerpts) and for tools (JSON);
//! - [`scenario`] — auditors' RON scenarios: a ruleset, a cart, a customer, a time, pinned numbers.

pub use promo_lang as lang;
pub use promo_runtime as runtime;

pub use promo_lang::load;
pub mod render;
pub mod scenario;
