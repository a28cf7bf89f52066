//! Syntax: the pest grammar (`promo.pest`), the syntax tree and the parser that never fails.
//!
//! This module knows nothing of names, types or the incremental database: text in, tree and errors
//! out.

pub mod ast;
mod convert;
mod error;
mod recover;
mod spans;

pub use error::SyntaxError;
pub(crate) use recover::did_you_mean;
pub use recover::{ITEM_KEYWORDS, chunks, parse, parse_chunk};
pub use spans::Spans;

/// The deepest nesting of `(` and `[` the parser accepts. Deeper input gets
/// [`SyntaxError::TooDeep`] instead of exhausting the stack.
pub const MAX_NESTING: usize = 64;

mod grammar {
    //! The pest parser generated from `promo.pest`.
    #![allow(missing_docs)]

    /// The parser; `Rule` names every rule of the grammar.
    #[derive(pest_derive::Parser)]
    #[grammar = "syntax/promo.pest"]
    pub(crate) struct PromoParser;
}
pub(crate) use grammar::{PromoParser, Rule};

/// The outcome of parsing one file: the items that parsed and every error. Never fails.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    /// The tree of the items that parsed.
    pub file: ast::File,
    /// One error per item that did not parse.
    pub errors: Vec<SyntaxError>,
}
