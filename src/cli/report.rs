//! Printing diagnostics for `check` and `compile`: human (stderr, colour on a terminal) or JSON
//! (one array on stdout).

use std::io::{IsTerminal, Write};

use promo::lang::{Checked, Severity, Sources};
use promo::load::LoadedRuleset;
use promo::render::{JsonDiagnostic, JsonSpan, human, to_json};

use super::Format;

/// Collects diagnostics of one or more rulesets and prints them in the chosen format.
pub struct Reporter {
    format: Format,
    colour: bool,
    json: Vec<JsonDiagnostic>,
    /// Errors so far.
    pub errors: usize,
    /// Warnings so far.
    pub warnings: usize,
}

impl Reporter {
    pub fn new(format: Format) -> Reporter {
        let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        Reporter { format, colour, json: Vec::new(), errors: 0, warnings: 0 }
    }

    /// Reports files of `loaded` that are not text. Returns whether there were any.
    pub fn unreadable(&mut self, loaded: &LoadedRuleset) -> bool {
        for (path, offset) in &loaded.unreadable {
            self.errors += 1;
            let message = format!("`{}` is not UTF-8 text (invalid byte at offset {offset})", path.display());
            match self.format {
                Format::Json => self.json.push(JsonDiagnostic {
                    code: "promo::io::not_utf8".into(),
                    severity: Severity::Error,
                    message,
                    file: path.display().to_string(),
                    span: JsonSpan { start: *offset, end: *offset },
                    line: 0,
                    column: 0,
                    end_line: 0,
                    end_column: 0,
                    help: Some("save the file as UTF-8".into()),
                }),
                Format::Human => eprintln!("error[promo::io::not_utf8]: {message}"),
            }
        }
        !loaded.unreadable.is_empty()
    }

    /// Reports the diagnostics of a checked ruleset.
    pub fn checked(&mut self, checked: &Checked, sources: &Sources) {
        let mut stderr = std::io::stderr().lock();
        for d in &checked.diagnostics {
            match d.severity() {
                Severity::Error => self.errors += 1,
                Severity::Warning => self.warnings += 1,
            }
            match self.format {
                Format::Json => self.json.push(to_json(d, sources)),
                Format::Human => {
                    let _ = write!(stderr, "{}", human(d, sources, self.colour));
                }
            }
        }
    }

    /// Whether output is for people.
    pub fn is_human(&self) -> bool {
        self.format == Format::Human
    }

    /// Prints the JSON array (JSON format); returns false if it could not be written.
    pub fn finish(self) -> bool {
        if self.format == Format::Json {
            match serde_json::to_string_pretty(&self.json) {
                Ok(text) => println!("{text}"),
                Err(e) => {
                    eprintln!("error: cannot write JSON: {e}");
                    return false;
                }
            }
        }
        true
    }
}

/// `n thing` / `n things`.
pub fn plural(n: usize, thing: &str) -> String {
    if n == 1 { format!("{n} {thing}") } else { format!("{n} {thing}s") }
}
