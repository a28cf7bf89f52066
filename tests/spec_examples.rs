//! The spec is tested: every `promo` code block in `spec/*.md` checks clean (a block fenced
//! `promo,fails` must have an error), and every diagnostic code in the source is documented. The
//! extension modules an example names are those of `examples/loyalty-extension/`.

// A failing test panics: that is how it reports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod support;

use promo::lang::{Ruleset, check};

/// (page, line, fails, source) of every `promo` block.
fn blocks() -> Vec<(String, usize, bool, String)> {
    let mut out = Vec::new();
    let dir = support::root().join("spec");
    let mut pages: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    pages.sort();
    for page in pages.iter().filter(|p| p.extension().is_some_and(|e| e == "md")) {
        let text = std::fs::read_to_string(page).unwrap();
        let name = page.file_name().unwrap().to_string_lossy().to_string();
        let mut current: Option<(usize, bool, Vec<&str>)> = None;
        for (i, line) in text.lines().enumerate() {
            match (&mut current, line.trim()) {
                (None, "```promo") => current = Some((i + 1, false, Vec::new())),
                (None, "```promo,fails") => current = Some((i + 1, true, Vec::new())),
                (Some(_), "```") => {
                    let (at, fails, lines) = current.take().unwrap();
                    out.push((name.clone(), at, fails, lines.join("\n")));
                }
                (Some((_, _, lines)), _) => lines.push(line),
                (None, _) => {}
            }
        }
    }
    out
}

#[test]
fn every_spec_example_checks_as_it_says() {
    let blocks = blocks();
    assert!(blocks.len() >= 10, "only {} examples found", blocks.len());
    for (page, line, fails, source) in blocks {
        let mut ruleset = Ruleset::new();
        ruleset.add_file(format!("{page}:{line}"), source);
        let module = support::root().join("examples/loyalty-extension/loyalty.wat");
        ruleset.add_module("loyalty.wat", std::fs::read(module).unwrap());
        let checked = check(&ruleset);
        if fails {
            assert!(checked.has_errors(), "{page}:{line} should fail but checks clean");
        } else {
            let messages: Vec<String> =
                checked.diagnostics.iter().map(|d| format!("{}: {}", d.code(), d.message())).collect();
            assert!(messages.is_empty(), "{page}:{line} has diagnostics: {messages:#?}");
        }
    }
}

#[test]
fn every_diagnostic_code_is_documented() {
    let doc = std::fs::read_to_string(support::root().join("spec/diagnostics.md")).unwrap();
    let mut codes = Vec::new();
    for file in ["lang/src/syntax/error.rs", "lang/src/check/error.rs"] {
        let text = std::fs::read_to_string(support::root().join(file)).unwrap();
        for part in text.split("code(").skip(1) {
            let code: String = part
                .trim_start_matches('"')
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            codes.push(code);
        }
    }
    assert!(codes.len() >= 50, "found only {} codes", codes.len());
    for code in &codes {
        assert!(doc.contains(&format!("`{code}`")), "{code} is not in spec/diagnostics.md");
    }
}

#[test]
fn every_error_code_has_a_conformance_case() {
    let doc = std::fs::read_to_string(support::root().join("spec/diagnostics.md")).unwrap();
    let cases = support::cases();
    let covered: std::collections::HashSet<&str> =
        cases.iter().flat_map(|c| c.expected.iter().map(|e| e.code.as_str())).collect();
    // Not reachable from a single well-formed file: an internal invariant and a loader error.
    let exempt = ["promo::syntax::internal", "promo::io::not_utf8"];
    for line in doc.lines().filter(|l| l.starts_with("| `promo::")) {
        let code = line.split('`').nth(1).unwrap();
        assert!(covered.contains(code) || exempt.contains(&code), "{code} has no conformance case");
    }
}
