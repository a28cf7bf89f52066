//! What an editor waits for on a 5,000-line ruleset file (criterion): the re-check after an edit
//! (diagnostics), and hover and completion on the checked file. Figures and the command are in the
//! README.
//!
//! `cargo bench -p promo-lsp --bench editor`

// A benchmark that cannot set up panics: nothing to measure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic, missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use promo_lsp::analysis;
use promo_lsp::workspace::Workspace;

/// A file of about 5,000 lines: a schema, settings, pools and 480 ten-line promotions; `edit` is
/// the label priority of the one in the middle.
fn big_file(edit: u32) -> String {
    let mut s = String::from(
        "schema {\n  enum tier: silver < gold\n  product {\n    brand: text\n  }\n  customer {\n    tier: tier\n  }\n}\n\nsettings {\n  currency USD\n}\n\npool shoes = category == \"shoes\"\n",
    );
    for i in 0..480 {
        let priority = if i == 240 { edit } else { i };
        s.push_str(&format!(
            "\n// Promotion {i}.\npromotion \"p{i}\" {{\n  level item\n  scope shoes and brand == \"B{i}\"\n  eligible customer.tier >= silver\n  discount 10%\n  limit 2 per customer\n  stock 100\n  label \"Sale {i}\" priority {priority}\n}}\n"
        ));
    }
    s
}

fn editor(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.promo");
    let text = big_file(240);
    assert!(text.lines().count() >= 4_900, "{} lines", text.lines().count());
    std::fs::write(&path, &text).unwrap();
    let mut workspace = Workspace::default();
    workspace.set(path.clone(), text.clone());
    let mut group = c.benchmark_group("editor, 5000-line file");
    group.sample_size(20);
    // Every edit is new (the priority counts up), so the edited promotion is checked afresh.
    let mut edit = 1_000;
    group.bench_function("re-check after an edit", |b| {
        b.iter(|| {
            edit += 1;
            workspace.set(path.clone(), big_file(edit));
            black_box(workspace.analysis(&path).checked.diagnostics.len())
        })
    });
    group.bench_function("check from scratch", |b| {
        b.iter(|| {
            let mut fresh = Workspace::default();
            fresh.set(path.clone(), text.clone());
            black_box(fresh.analysis(&path).checked.diagnostics.len())
        })
    });
    group.bench_function("first hover after an edit (re-check, then the trees moved to file offsets)", |b| {
        b.iter(|| {
            edit += 1;
            workspace.set(path.clone(), big_file(edit));
            let a = workspace.analysis(&path);
            let file = a.file(&path).unwrap();
            let at = a.text(file).find("promotion \"p240\"").unwrap() + 12;
            black_box(analysis::hover(&a, file, at).unwrap())
        })
    });
    let a = workspace.analysis(&path);
    let file = a.file(&path).unwrap();
    let source = a.text(file);
    let name = source.find("promotion \"p240\"").unwrap() + 12;
    let scope = source.find("scope shoes and brand == \"B240\"").unwrap() + 16;
    group.bench_function("hover on a promotion", |b| b.iter(|| analysis::hover(&a, file, black_box(name)).unwrap()));
    group.bench_function("completion in a scope", |b| b.iter(|| analysis::complete(&a, file, black_box(scope))));
    group.finish();
}

criterion_group!(benches, editor);
criterion_main!(benches);
