//! Diagnostics: every problem the compiler reports, with a stable code, a severity, a message, a
//! labelled span and a help line where a fix is known. Rendering (terminal, JSON, editor) is the
//! caller's business; this is plain data.

use std::sync::Arc;

use miette::Diagnostic as _;
use serde::Serialize;

use crate::check::CheckError;
use crate::source::{FileId, Relocation, Span};
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
///
/// The problem's spans are as its checker saw them, which may be item coordinates (see
/// [`Relocation`]); [`Diagnostic::span`] and the [`miette::Diagnostic`] labels of the diagnostic
/// itself are always in file offsets.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// The file all of the problem's spans are in.
    pub file: FileId,
    /// The problem.
    pub problem: Problem,
    relocation: Option<Arc<Relocation>>,
}

impl Diagnostic {
    /// A diagnostic for `problem` in `file`.
    pub fn new(file: FileId, problem: impl Into<Problem>) -> Diagnostic {
        Diagnostic { file, problem: problem.into(), relocation: None }
    }

    /// This diagnostic with its spans read through `relocation`.
    pub fn relocated(mut self, relocation: &Arc<Relocation>) -> Diagnostic {
        self.relocation = Some(Arc::clone(relocation));
        self
    }

    /// A file offset of one of the problem's offsets.
    fn offset(&self, offset: usize) -> usize {
        self.relocation.as_ref().map_or(offset, |r| r.offset(offset))
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
            Some(l) => Span::new(self.file, self.offset(l.offset()), self.offset(l.offset() + l.len())),
            None => Span::new(self.file, 0, 0),
        }
    }
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.problem.fmt(f)
    }
}

impl std::error::Error for Diagnostic {}

/// The problem's report, its labels in file offsets.
impl miette::Diagnostic for Diagnostic {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.problem.code()
    }

    fn severity(&self) -> Option<miette::Severity> {
        self.problem.severity()
    }

    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.problem.help()
    }

    fn url<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.problem.url()
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let labels = self.problem.labels()?;
        Some(Box::new(labels.map(|l| {
            let start = self.offset(l.offset());
            let end = self.offset(l.offset() + l.len());
            let span = miette::SourceSpan::from((start, end.saturating_sub(start)));
            if l.primary() {
                miette::LabeledSpan::new_primary_with_span(l.label().map(str::to_owned), span)
            } else {
                miette::LabeledSpan::new_with_span(l.label().map(str::to_owned), span)
            }
        })))
    }
}
