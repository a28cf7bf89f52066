//! Shared by the integration tests: the conformance corpus in `spec/conformance/`.
//!
//! A conformance file holds many cases, each starting with a line `// --- NAME`. A case is checked
//! as a ruleset of its own. Expected diagnostics are written inline, under the line their span
//! starts on:
//!
//! ```text
//!   scope categry == "shoes"
//! //~ error promo::name::unknown_attribute `categry`
//! ```
//!
//! `error` or `warning`, the code, and the exact source text of the span in backticks. A case
//! must produce exactly the diagnostics written for it, no more and no fewer.

// A failing test panics: that is how it reports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// One case of a conformance file.
#[derive(Debug, Clone)]
pub struct Case {
    /// `file.promo: name`
    pub name: String,
    /// A name fit for a snapshot file: `file__name`.
    pub slug: String,
    /// The case's source (annotations included: they are comments).
    pub source: String,
    /// Expected diagnostics.
    pub expected: Vec<Expected>,
}

/// An expected diagnostic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    /// `error` / `warning`.
    pub severity: String,
    /// The code.
    pub code: String,
    /// 1-based line the span starts on.
    pub line: usize,
    /// Source text under the span.
    pub text: String,
}

/// The workspace root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The ruleset of `case`: its file, with the extension modules of `spec/conformance/modules/`
/// beside it.
pub fn ruleset(case: &Case) -> (promo::lang::Ruleset, promo::lang::FileId) {
    let mut ruleset = promo::lang::Ruleset::new();
    let file = ruleset.add_file(case.name.clone(), case.source.clone());
    let dir = root().join("spec/conformance/modules");
    let mut modules: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    modules.sort();
    for module in modules {
        let name = module.file_name().unwrap().to_string_lossy().to_string();
        ruleset.add_module(name, std::fs::read(&module).unwrap());
    }
    (ruleset, file)
}

/// Every case of every `spec/conformance/*.promo` file, in file order.
pub fn cases() -> Vec<Case> {
    let dir = root().join("spec/conformance");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "promo"))
        .collect();
    files.sort();
    files.iter().flat_map(|f| parse_file(f)).collect()
}

fn slugify(s: &str) -> String {
    s.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).collect()
}

fn parse_file(path: &Path) -> Vec<Case> {
    let text = std::fs::read_to_string(path).unwrap();
    let stem = path.file_stem().unwrap().to_string_lossy().to_string();
    let mut cases: Vec<Case> = Vec::new();
    let mut current: Option<(String, Vec<&str>)> = None;
    let flush = |current: &mut Option<(String, Vec<&str>)>, cases: &mut Vec<Case>| {
        if let Some((name, lines)) = current.take() {
            cases.push(make_case(&stem, &name, &lines));
        }
    };
    for line in text.lines() {
        if let Some(name) = line.strip_prefix("// --- ") {
            flush(&mut current, &mut cases);
            current = Some((name.trim().to_owned(), Vec::new()));
        } else if let Some((_, lines)) = current.as_mut() {
            lines.push(line);
        }
    }
    flush(&mut current, &mut cases);
    cases
}

fn make_case(stem: &str, name: &str, lines: &[&str]) -> Case {
    let mut expected = Vec::new();
    let mut last_source_line = 0;
    for (i, line) in lines.iter().enumerate() {
        let Some(rest) = line.trim_start().strip_prefix("//~ ") else {
            last_source_line = i + 1;
            continue;
        };
        let mut words = rest.splitn(3, ' ');
        let severity = words.next().unwrap_or_default().to_owned();
        let code = words.next().unwrap_or_default().to_owned();
        let quoted = words.next().unwrap_or_default().trim();
        let text = quoted
            .strip_prefix('`')
            .and_then(|q| q.strip_suffix('`'))
            .unwrap_or_else(|| panic!("{stem}: {name}: annotation needs the span's text in backticks: {line}"))
            .to_owned();
        assert!(severity == "error" || severity == "warning", "{stem}: {name}: bad severity in {line}");
        expected.push(Expected { severity, code, line: last_source_line, text });
    }
    Case {
        name: format!("{stem}.promo: {name}"),
        slug: format!("{stem}__{}", slugify(name)),
        source: lines.join("\n") + "\n",
        expected,
    }
}
