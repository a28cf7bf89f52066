//! Diagnostics: every problem the compiler reports, with a stable code, a severity, a message, a
//! labelled span and a help line where a fix is known. Rendering (terminal, JSON, editor) is the
//! caller's business; this is plain data.

use miette::Diagnostic as _;
use serde::Serialize;

use crate::check::CheckError;
use crate::source::{FileId, Span};
use crate::syntax::SyntaxError;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The ruleset cannot be compiled.
    Error,
    /// Suspicious but valid.
    Warning,
}

/// A problem in one file.
#[derive(Debug, Clone, thiserror::Error, miette::Diagnostic)]
pub enum Problem {
    /// From the parser.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Syntax(#[from] SyntaxError),
    /// From the checker.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Check(#[from] CheckError),
}

/// A problem and the file it is in.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// The file all of the problem's spans are in.
    pub file: FileId,
    /// The problem.
    pub problem: Problem,
}

impl Diagnostic {
    /// A diagnostic for `problem` in `file`.
    pub fn new(file: FileId, problem: impl Into<Problem>) -> Diagnostic {
        Diagnostic { file, problem: problem.into() }
    }

    /// The stable code, e.g. `promo::type::currency_mismatch`.
    pub fn code(&self) -> String {
        self.problem.code().map(|c| c.to_string()).unwrap_or_else(|| "promo::unknown".to_owned())
    }

    /// Error or warning.
    pub fn severity(&self) -> Severity {
        match self.problem.severity() {
            Some(miette::Severity::Warning) | Some(miette::Severity::Advice) => Severity::Warning,
            _ => Severity::Error,
        }
    }

    /// The one-line message.
    pub fn message(&self) -> String {
        self.problem.to_string()
    }

    /// The help line, if a fix is known.
    pub fn help(&self) -> Option<String> {
        self.problem.help().map(|h| h.to_string())
    }

    /// The primary span: the label marked primary, else the first label.
    pub fn span(&self) -> Span {
        let labels: Vec<miette::LabeledSpan> = self.problem.labels().map(|l| l.collect()).unwrap_or_default();
        let chosen = labels.iter().find(|l| l.primary()).or(labels.first());
        match chosen {
            Some(l) => Span::new(self.file, l.offset(), l.offset() + l.len()),
            None => Span::new(self.file, 0, 0),
        }
    }
}
