//! The auditors' scenarios: every `examples/*/scenarios/*.ron` and `tests/scenarios/*.ron` is
//! priced, its pinned numbers asserted, and its whole outcome kept as a RON snapshot — review
//! changes with `cargo insta review`.

// A failing test panics: that is how it reports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod support;

use promo::scenario::{mismatches, read, return_mismatches, run, run_returns};

fn check(path: &std::path::Path) {
    let scenario = read(path).unwrap_or_else(|e| panic!("{e}"));
    let outcome = run(&support::root(), &scenario).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let wrong = mismatches(&scenario.expect, &outcome);
    assert!(wrong.is_empty(), "{}: {}\n{}", path.display(), scenario.description, wrong.join("\n"));
    // Deterministic: the same inputs, the same outcome, byte for byte.
    let again = run(&support::root(), &scenario).unwrap();
    assert_eq!(serde_json::to_string(&outcome).unwrap(), serde_json::to_string(&again).unwrap());
    // Named after the scenario: `examples/gift-return/scenarios/x.ron` → `gift-return__x`.
    let stem = path.file_stem().unwrap().to_string_lossy();
    let owner = path.parent().and_then(|p| p.parent()).and_then(|p| p.file_name()).unwrap().to_string_lossy();
    let name = if owner == "tests" { stem.to_string() } else { format!("{owner}__{stem}") };
    insta::with_settings!({
        description => scenario.description.clone(),
        omit_expression => true,
        snapshot_path => "snapshots/scenarios",
        prepend_module_to_snapshot => false,
    }, {
        insta::assert_ron_snapshot!(name.clone(), outcome);
    });
    if !scenario.returns.is_empty() {
        let results = run_returns(&support::root(), &scenario).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let wrong = return_mismatches(&scenario.returns, &results);
        assert!(wrong.is_empty(), "{}: {}\n{}", path.display(), scenario.description, wrong.join("\n"));
        insta::with_settings!({
            description => scenario.description.clone(),
            omit_expression => true,
            snapshot_path => "snapshots/scenarios",
            prepend_module_to_snapshot => false,
        }, {
            insta::assert_ron_snapshot!(format!("{name}__returns"), results);
        });
    }
}

#[test]
fn example_scenarios() {
    insta::glob!("../examples", "*/scenarios/*.ron", check);
}

#[test]
fn test_scenarios() {
    insta::glob!("scenarios/*.ron", check);
}
