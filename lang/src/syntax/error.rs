//! Syntax errors: what the parser reports. Each names the place and says what was expected.

use miette::Diagnostic;
use thiserror::Error;

use crate::source::Span;

/// An error found while parsing. The parser reports it and goes on with the next item.
#[derive(Debug, Clone, Error, Diagnostic)]
pub enum SyntaxError {
    /// The text does not fit the grammar here.
    #[error("expected {expected}, found {found}")]
    #[diagnostic(code(promo::syntax::unexpected))]
    Unexpected {
        /// What the grammar allows here, in words.
        expected: String,
        /// What is written here, in words.
        found: String,
        /// Where.
        #[label("expected {expected}")]
        span: Span,
        /// A fix, when one is known.
        #[help]
        help: Option<String>,
    },
    /// A `{` whose `}` never comes before the next item or the end of the file.
    #[error("unclosed `{{`: the block is never closed")]
    #[diagnostic(code(promo::syntax::unclosed_block), help("add `}}` at the end of the block"))]
    UnclosedBlock {
        /// The opening brace.
        #[label(primary, "this `{{` is never closed")]
        open: Span,
        /// Where the parser gave up: the next item or the end of the file.
        #[label("the block must be closed before this")]
        next: Span,
    },
    /// A string that runs to the end of its line.
    #[error("unterminated string")]
    #[diagnostic(code(promo::syntax::unterminated_string), help("add the closing `\"`"))]
    UnterminatedString {
        /// From the opening quote to the end of the line.
        #[label("this string is never closed")]
        span: Span,
    },
    /// Parentheses or brackets nested beyond [`crate::syntax::MAX_NESTING`].
    #[error("nesting deeper than {limit} levels")]
    #[diagnostic(code(promo::syntax::too_deep), help("split the expression into named pools"))]
    TooDeep {
        /// The limit.
        limit: usize,
        /// The bracket that goes one level too deep.
        #[label("nested too deeply here")]
        span: Span,
    },
    /// The parser built a tree it could not read back. Never expected: a bug in Promo.
    #[error("internal error: malformed syntax tree")]
    #[diagnostic(code(promo::syntax::internal), help("this is a bug in Promo; please report it with the file"))]
    Internal {
        /// The item being read.
        #[label("while reading this")]
        span: Span,
    },
}

impl SyntaxError {
    /// Moves every span by `by` bytes (a chunk parsed on its own, placed in its coordinates).
    pub(crate) fn shift(&mut self, by: usize) {
        let move_span = |s: &mut Span| {
            s.start += by;
            s.end += by;
        };
        match self {
            SyntaxError::Unexpected { span, .. }
            | SyntaxError::UnterminatedString { span, .. }
            | SyntaxError::TooDeep { span, .. }
            | SyntaxError::Internal { span, .. } => move_span(span),
            SyntaxError::UnclosedBlock { open, next } => {
                move_span(open);
                move_span(next);
            }
        }
    }
}
