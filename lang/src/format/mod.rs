//! The formatter behind `promo fmt`: one canonical layout for a Promo file.
//!
//! It works on the parse tree's tokens, not on the text: every word and value is printed as
//! written, optional separators the layout makes redundant (`,` after an attribute, `;` after a
//! `use`) are dropped, and every comment is kept where it belongs — on its own line before what
//! it describes, or at the end of the line it was on. A file with a syntax error is not
//! formatted. Formatting never changes what a file means (the property test compares the
//! compiled rulesets) and formatting twice changes nothing.

mod layout;
mod tokens;

use crate::source::FileId;
use crate::syntax::{self, SyntaxError};

/// Why a file was not formatted.
#[derive(Debug, Clone)]
pub enum FormatError {
    /// The file has syntax errors; formatting waits until it parses.
    Syntax(Vec<SyntaxError>),
}

impl std::fmt::Display for FormatError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FormatError::Syntax(errors) => write!(f, "not formatted: the file has {} syntax error(s)", errors.len()),
        }
    }
}

impl std::error::Error for FormatError {}

/// What a token is, for highlighting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// A keyword of the language (`promotion`, `scope`, `and`, `true` …).
    Keyword,
    /// Text in quotes, or a time zone.
    String,
    /// A number, amount, percentage, duration, date or time.
    Number,
    /// A `//` comment.
    Comment,
    /// A name: an attribute, pool, template, function, parameter or enum value.
    Name,
    /// A comparison, `not in`, `..` or `->`.
    Operator,
    /// Brackets, commas and colons.
    Punct,
}

/// Every token of `text` with its class, as byte ranges; empty when the file does not parse.
pub fn highlight(text: &str) -> Vec<(usize, usize, Class)> {
    if !syntax::parse(FileId(0), text).errors.is_empty() {
        return Vec::new();
    }
    tokens::tokens(text)
        .unwrap_or_default()
        .into_iter()
        .filter(|t| t.end > t.start)
        .map(|t| (t.start, t.end, t.class))
        .collect()
}

/// Formats `text`, a whole `.promo` file.
pub fn format(text: &str) -> Result<String, FormatError> {
    let parsed = syntax::parse(FileId(0), text);
    if !parsed.errors.is_empty() {
        return Err(FormatError::Syntax(parsed.errors));
    }
    // INVARIANT: a file that parses item by item also tokenizes.
    let tokens = tokens::tokens(text).ok_or_else(|| FormatError::Syntax(Vec::new()))?;
    if tokens.is_empty() {
        return Ok(String::new());
    }
    Ok(layout::layout(&tokens))
}
