//! The auditors' and merchandisers' view of every error: each conformance case that expects a
//! diagnostic is snapshotted with its source and the diagnostics exactly as `promo check` renders
//! them (without colour). A changed message or span shows up as a snapshot diff to review.

// A failing test panics: that is how it reports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod support;

use promo::lang::check;
use promo::render::human;

#[test]
fn rendered_diagnostics_of_every_case() {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("snapshots/diagnostics");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        for case in support::cases().iter().filter(|c| !c.expected.is_empty()) {
            let (ruleset, _) = support::ruleset(case);
            let checked = check(&ruleset);
            let rendered: String =
                checked.diagnostics.iter().map(|d| human(d, ruleset.sources(), false)).collect::<Vec<_>>().join("\n");
            let snapshot = format!("----- SOURCE\n{}----- DIAGNOSTICS\n{}", case.source, rendered);
            insta::assert_snapshot!(case.slug.as_str(), snapshot);
        }
    });
}
