//! The formatter: one canonical layout, comments kept where they belong, idempotent, and never a
//! change of meaning — checked on every example, the standard library, the conformance corpus,
//! and (proptest) examples with their layout scrambled or their tokens mutated.

// A failing test panics: that is how it reports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use std::path::{Path, PathBuf};

use promo_lang::format::format;
use promo_lang::{Ruleset, check, lower, source_hash};
use proptest::prelude::*;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_owned()
}

/// What `files` (the last one possibly replaced by `text`) mean: the compiled ruleset without its
/// source hash, or the diagnostics (code and message) when it does not compile.
fn meaning(context: &[String], text: &str) -> String {
    let mut ruleset = Ruleset::new();
    for (i, c) in context.iter().enumerate() {
        ruleset.add_file(format!("context{i}.promo"), c.clone());
    }
    ruleset.add_file("file.promo", text.to_owned());
    let module = root().join("examples/loyalty-extension/loyalty.wat");
    ruleset.add_module("loyalty.wat", std::fs::read(module).unwrap());
    let checked = check(&ruleset);
    if checked.has_errors() {
        let mut d: Vec<String> = checked.diagnostics.iter().map(|d| format!("{}: {}", d.code(), d.message())).collect();
        d.sort();
        return d.join("\n");
    }
    let mut compiled = match lower(&checked.program, source_hash(&ruleset)) {
        Ok(compiled) => compiled,
        Err(e) => return e.to_string(),
    };
    compiled.source_hash.clear();
    serde_json::to_string(&compiled).unwrap()
}

/// Every example ruleset: (the other files of its folder, the file).
fn examples() -> Vec<(Vec<String>, String, PathBuf)> {
    let mut out = Vec::new();
    let mut dirs: Vec<PathBuf> =
        std::fs::read_dir(root().join("examples")).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    dirs.sort();
    for dir in dirs {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "promo"))
            .collect();
        files.sort();
        let texts: Vec<String> = files.iter().map(|f| std::fs::read_to_string(f).unwrap()).collect();
        for (i, f) in files.iter().enumerate() {
            let context: Vec<String> =
                texts.iter().enumerate().filter(|(j, _)| *j != i).map(|(_, t)| t.clone()).collect();
            out.push((context, texts[i].clone(), f.clone()));
        }
    }
    out
}

#[test]
fn the_layout_is_canonical_and_keeps_comments() {
    let messy = r#"// The store.
use std::{ spend_and_save ,percent_off, };
schema { enum tier: silver<gold
  customer { tier: tier, points: int, }
  product { tags: set < text > } }
settings { currency USD   extension fuel 5000 }
extern score(points:int)->int from "loyalty.wat"
pool shoes=category=="shoes"   // footwear
promotion "Shoes" from percent_off( off : 10% ) { level item scope shoes and tags has "new"  // new in
eligible customer.tier>=gold   and not ( customer.points <  100 )
  discount 10%



  // display
  label "Shoes" priority 5 }
"#;
    let expected = r#"// The store.
use std::{spend_and_save, percent_off}

schema {
  enum tier: silver < gold
  customer {
    tier: tier
    points: int
  }
  product {
    tags: set<text>
  }
}

settings {
  currency USD
  extension fuel 5000
}

extern score(points: int) -> int from "loyalty.wat"
pool shoes = category == "shoes"  // footwear

promotion "Shoes" from percent_off(off: 10%) {
  level item
  scope shoes and tags has "new"  // new in
  eligible customer.tier >= gold and not (customer.points < 100)
  discount 10%

  // display
  label "Shoes" priority 5
}
"#;
    let formatted = format(messy).unwrap();
    assert_eq!(formatted, expected, "got:\n{formatted}");
    assert_eq!(format(&formatted).unwrap(), formatted);
    assert_eq!(meaning(&[], messy), meaning(&[], &formatted));
}

#[test]
fn long_clauses_keep_their_line_breaks_as_continuations() {
    let text = "settings { currency USD }\n\npromotion \"P\" {\n  level item\n  scope category == \"a\"   // first\n  or category == \"b\"\n      or category == \"c\"\n  discount 10%\n}\n";
    let expected = "settings {\n  currency USD\n}\n\npromotion \"P\" {\n  level item\n  scope category == \"a\"  // first\n      or category == \"b\"\n      or category == \"c\"\n  discount 10%\n}\n";
    let formatted = format(text).unwrap();
    assert_eq!(formatted, expected, "got:\n{formatted}");
}

#[test]
fn trailing_comments_of_consecutive_lines_are_aligned() {
    let text = "settings {\n  currency USD // money\n  calculation parallel // on the original price\n}\n";
    let expected =
        "settings {\n  currency USD          // money\n  calculation parallel  // on the original price\n}\n";
    assert_eq!(format(text).unwrap(), expected);
}

#[test]
fn a_file_with_syntax_errors_is_not_formatted() {
    assert!(format("promotion \"P\" { level item scope category == }").is_err());
    assert_eq!(format("").unwrap(), "");
    assert_eq!(format("// only a comment\n").unwrap(), "// only a comment\n");
}

#[test]
fn every_example_and_library_file_is_formatted_and_keeps_its_meaning() {
    for (context, text, path) in examples() {
        let formatted = format(&text).unwrap();
        assert_eq!(format(&formatted).unwrap(), formatted, "{} is not idempotent", path.display());
        assert_eq!(meaning(&context, &text), meaning(&context, &formatted), "{} changed meaning", path.display());
        assert_eq!(formatted, text, "{} is not formatted: run `promo fmt examples`", path.display());
    }
    for module in promo_stdlib::MODULES {
        let formatted = format(module.source).unwrap();
        assert_eq!(formatted, module.source, "std/{}.promo is not formatted", module.name);
    }
}

#[test]
fn every_conformance_case_that_parses_formats_without_changing_its_diagnostics() {
    let dir = root().join("spec/conformance");
    let mut checked = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "promo") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for case in text.split("\n// --- ").skip(1) {
            let case = format!("// --- {case}");
            let case = case.as_str();
            let Ok(formatted) = format(case) else { continue };
            assert_eq!(format(&formatted).unwrap(), formatted, "{}: not idempotent:\n{case}", path.display());
            assert_eq!(meaning(&[], case), meaning(&[], &formatted), "{}: changed:\n{case}", path.display());
            checked += 1;
        }
    }
    assert!(checked >= 100, "only {checked} cases formatted");
}

/// Whitespace runs of `text` (outside strings and comments is not needed: a run inside a string
/// is left alone by choosing only runs that contain a newline or sit between tokens of code).
fn scramble(text: &str, picks: &[(usize, usize)]) -> String {
    const LAYOUTS: &[&str] = &[" ", "\n", "  \n\n\n    ", "\t", "\n// a comment\n", "   "];
    let bytes: Vec<char> = text.chars().collect();
    let mut in_string = false;
    let mut in_comment = false;
    let mut runs = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if in_comment {
            in_comment = c != '\n';
        } else if in_string {
            if c == '\\' {
                i += 1;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
        } else if c == '/' && bytes.get(i + 1) == Some(&'/') {
            in_comment = true;
        } else if c == '\n' {
            runs.push(i);
        }
        i += 1;
    }
    let mut out: String = String::new();
    let chosen: Vec<(usize, &str)> = picks
        .iter()
        .filter(|_| !runs.is_empty())
        .map(|(r, l)| (runs[r % runs.len()], LAYOUTS[l % LAYOUTS.len()]))
        .collect();
    for (i, c) in bytes.iter().enumerate() {
        match chosen.iter().find(|(at, _)| *at == i) {
            Some((_, layout)) => out.push_str(if layout.contains('\n') { layout } else { "\n" }),
            None => out.push(*c),
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn a_scrambled_layout_formats_back_to_the_same_meaning(
        example in 0usize..64,
        picks in proptest::collection::vec((any::<usize>(), any::<usize>()), 1..12),
    ) {
        let all = examples();
        let (context, text, path) = &all[example % all.len()];
        let scrambled = scramble(text, &picks);
        if let Ok(formatted) = format(&scrambled) {
            prop_assert_eq!(format(&formatted).unwrap(), formatted.clone(), "{} not idempotent", path.display());
            prop_assert_eq!(meaning(context, text), meaning(context, &formatted), "{} changed", path.display());
        }
    }

    #[test]
    fn a_mutated_example_that_parses_keeps_its_meaning(
        example in 0usize..64,
        cut in any::<usize>(),
        len in 1usize..12,
    ) {
        let all = examples();
        let (context, text, path) = &all[example % all.len()];
        // Delete a few characters somewhere: many results still parse, with other meanings.
        let chars: Vec<char> = text.chars().collect();
        let at = cut % chars.len().max(1);
        let mutated: String = chars.iter().take(at).chain(chars.iter().skip(at + len)).collect();
        if let Ok(formatted) = format(&mutated) {
            prop_assert_eq!(format(&formatted).unwrap(), formatted.clone(), "{} not idempotent", path.display());
            prop_assert_eq!(meaning(context, &mutated), meaning(context, &formatted), "{} changed", path.display());
        }
    }
}

#[test]
fn a_list_closed_on_its_own_line_ends_with_a_comma_and_parentheses_never_get_one() {
    let text = "settings { currency USD }\npromotion \"P\" from percent_off(\n  off: 10%\n) {\n  level item\n  scope (category == \"a\"\n    or category == \"b\"\n  )\n}\nuse std::{percent_off}\n";
    let formatted = format(text).unwrap();
    assert!(formatted.contains("from percent_off(\n  off: 10%,\n) {"), "{formatted}");
    assert!(formatted.contains("  scope (category == \"a\"\n    or category == \"b\"\n  )\n"), "{formatted}");
    assert_eq!(meaning(&[], text), meaning(&[], &formatted));
    let one_line = format("use std::{percent_off, flash_sale,}\n").unwrap();
    assert_eq!(one_line, "use std::{percent_off, flash_sale}\n");
}
