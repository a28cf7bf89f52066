//! Diagnostics rendered for people (miette's graphical report, with or without colour) and for
//! tools (JSON with byte spans and 1-based lines and columns).

use miette::{GraphicalReportHandler, GraphicalTheme, NamedSource};
use promo_lang::{Diagnostic, Severity, Sources};
use serde::Serialize;

/// A diagnostic as `promo check --format json` prints it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct JsonDiagnostic {
    /// Stable code, e.g. `promo::type::currency_mismatch`.
    pub code: String,
    /// `error` or `warning`.
    pub severity: Severity,
    /// One-line message.
    pub message: String,
    /// File name as given.
    pub file: String,
    /// Byte range of the primary label.
    pub span: JsonSpan,
    /// 1-based line of the span's start.
    pub line: usize,
    /// 1-based column (in characters) of the span's start.
    pub column: usize,
    /// 1-based line of the span's end.
    pub end_line: usize,
    /// 1-based column of the span's end.
    pub end_column: usize,
    /// How to fix it, when known.
    pub help: Option<String>,
}

/// A byte range.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct JsonSpan {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

/// The JSON form of `d`.
pub fn to_json(d: &Diagnostic, sources: &Sources) -> JsonDiagnostic {
    let span = d.span();
    let (file, start, end) = match sources.get(d.file) {
        Some(f) => (f.name.clone(), f.lines.line_col(&f.text, span.start), f.lines.line_col(&f.text, span.end)),
        None => (String::new(), Default::default(), Default::default()),
    };
    JsonDiagnostic {
        code: d.code(),
        severity: d.severity(),
        message: d.message(),
        file,
        span: JsonSpan { start: span.start, end: span.end },
        line: start.line,
        column: start.column,
        end_line: end.line,
        end_column: end.column,
        help: d.help(),
    }
}

/// `d` as miette's graphical report, with source excerpt and labels.
pub fn human(d: &Diagnostic, sources: &Sources, colour: bool) -> String {
    let theme = if colour { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(100);
    let (name, text) = match sources.get(d.file) {
        Some(f) => (f.name.clone(), f.text.to_string()),
        None => (String::new(), String::new()),
    };
    let report = miette::Report::new(d.clone()).with_source_code(NamedSource::new(name, text));
    let mut out = String::new();
    if handler.render_report(&mut out, report.as_ref()).is_err() {
        out = format!("{}: {}\n", d.code(), d.message());
    }
    out
}
