//! The standard library checks clean on its own, and every template is documented and used by an
//! example.

// A failing test panics: that is how it reports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use promo_lang::{Ruleset, check};

#[test]
fn the_standard_library_checks_clean() {
    let checked = check(&Ruleset::new());
    let problems: Vec<String> = checked.diagnostics.iter().map(|d| format!("{}: {}", d.code(), d.message())).collect();
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn every_template_is_documented_and_used_by_an_example() {
    let mut examples = String::new();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    for dir in std::fs::read_dir(&root).unwrap() {
        for file in std::fs::read_dir(dir.unwrap().path()).unwrap() {
            let path = file.unwrap().path();
            if path.extension().is_some_and(|e| e == "promo") {
                examples.push_str(&std::fs::read_to_string(path).unwrap());
            }
        }
    }
    for module in promo_stdlib::MODULES {
        let lines: Vec<&str> = module.source.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let Some(rest) = line.strip_prefix("template ") else { continue };
            let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            assert!(i > 0 && lines[i - 1].starts_with("//"), "template `{name}` has no comment saying what it does");
            assert!(examples.contains(&format!("from {name}(")), "template `{name}` is used by no example");
        }
    }
}
