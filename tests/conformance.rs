//! Runs every case of `spec/conformance/*.promo` and compares its diagnostics with the ones
//! written inline (see `tests/support/mod.rs` for the format).

// A failing test panics: that is how it reports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod support;

use promo::lang::{Severity, check};
use support::{Expected, cases};

fn actual(case: &support::Case) -> Vec<Expected> {
    let (ruleset, file) = support::ruleset(case);
    let checked = check(&ruleset);
    let source = ruleset.sources().get(file).unwrap();
    checked
        .diagnostics
        .iter()
        .map(|d| {
            assert_eq!(d.file, file, "{}: a diagnostic points outside the case: {}", case.name, d.message());
            let span = d.span();
            Expected {
                severity: match d.severity() {
                    Severity::Error => "error".into(),
                    Severity::Warning => "warning".into(),
                },
                code: d.code(),
                line: source.lines.line_col(&source.text, span.start).line,
                text: source.slice(span).to_owned(),
            }
        })
        .collect()
}

#[test]
fn every_conformance_case_gives_exactly_its_annotated_diagnostics() {
    let cases = cases();
    let mut failures = Vec::new();
    for case in &cases {
        let mut got = actual(case);
        let mut want = case.expected.clone();
        got.sort_by(|a, b| (a.line, &a.code).cmp(&(b.line, &b.code)));
        want.sort_by(|a, b| (a.line, &a.code).cmp(&(b.line, &b.code)));
        if got != want {
            let show = |list: &[Expected]| {
                list.iter()
                    .map(|e| format!("\n    {}:{} {} `{}`", e.line, e.severity, e.code, e.text))
                    .collect::<String>()
            };
            failures.push(format!("{}\n  expected:{}\n  got:{}", case.name, show(&want), show(&got)));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases differ:\n{}", failures.len(), cases.len(), failures.join("\n"));
    assert!(cases.len() >= 100, "the corpus shrank to {} cases", cases.len());
}

#[test]
fn the_corpus_covers_at_least_80_error_cases() {
    let errors = cases().iter().filter(|c| c.expected.iter().any(|e| e.severity == "error")).count();
    assert!(errors >= 80, "only {errors} cases expect an error");
}
