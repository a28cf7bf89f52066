//! The parser and checker never panic, and every diagnostic points inside the input: on random
//! bytes, and on the examples with tokens deleted, duplicated or swapped.

// A failing test panics: that is how it reports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use promo_lang::{Ruleset, Severity, check};
use proptest::prelude::*;

const MARKETPLACE: &[&str] = &[
    include_str!("../../examples/marketplace/schema.promo"),
    include_str!("../../examples/marketplace/settings.promo"),
    include_str!("../../examples/marketplace/pools.promo"),
];
const SMP: &[&str] = &[include_str!("../../examples/smp-flash-sale/schema.promo")];

/// Example files to mutate, each with the files of its ruleset it needs beside it.
const EXAMPLES: &[(&[&str], &str)] = &[
    (MARKETPLACE, include_str!("../../examples/marketplace/item.promo")),
    (MARKETPLACE, include_str!("../../examples/marketplace/store.promo")),
    (MARKETPLACE, include_str!("../../examples/marketplace/platform.promo")),
    (SMP, include_str!("../../examples/smp-flash-sale/promotions.promo")),
    (&[], include_str!("../../examples/gift-return/promotions.promo")),
];

/// Checks `text` (with `context` files beside it) and asserts every diagnostic's span lies in its
/// file, on character boundaries. Returns whether any is an error in `text` itself.
fn check_in_bounds(context: &[&str], text: &str) -> bool {
    let mut ruleset = Ruleset::new();
    for (i, c) in context.iter().enumerate() {
        ruleset.add_file(format!("context{i}.promo"), *c);
    }
    let file = ruleset.add_file("mutated.promo", text);
    let checked = check(&ruleset);
    for d in &checked.diagnostics {
        let span = d.span();
        let source = ruleset.sources().get(d.file).expect("the diagnostic's file exists");
        assert!(span.start <= span.end && span.end <= source.text.len(), "{} out of bounds: {span:?}", d.code());
        assert!(source.text.is_char_boundary(span.start) && source.text.is_char_boundary(span.end), "{span:?}");
        assert!(!d.message().is_empty());
    }
    checked.diagnostics.iter().any(|d| d.file == file && d.severity() == Severity::Error)
}

/// Splits into tokens (runs of non-space, and runs of space), keeping every byte.
fn tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut last_space = None;
    for (i, c) in text.char_indices() {
        let space = c.is_whitespace();
        if last_space.is_some_and(|s| s != space) {
            out.push(&text[start..i]);
            start = i;
        }
        last_space = Some(space);
    }
    out.push(&text[start..]);
    out
}

#[derive(Debug, Clone)]
enum Mutation {
    Delete(usize),
    Duplicate(usize),
    Swap(usize, usize),
}

fn mutate(text: &str, m: &Mutation) -> String {
    let mut toks = tokens(text);
    let n = toks.len();
    match *m {
        Mutation::Delete(i) => {
            toks.remove(i % n);
        }
        Mutation::Duplicate(i) => {
            let t = toks[i % n];
            toks.insert(i % n, t);
        }
        Mutation::Swap(i, j) => toks.swap(i % n, j % n),
    }
    toks.concat()
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::Delete),
        any::<usize>().prop_map(Mutation::Duplicate),
        (any::<usize>(), any::<usize>()).prop_map(|(i, j)| Mutation::Swap(i, j)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        check_in_bounds(&[], &String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn random_promo_like_text_never_panics(
        words in proptest::collection::vec(
            prop_oneof![
                Just("promotion"), Just("\"p\""), Just("{"), Just("}"), Just("level"), Just("item"),
                Just("scope"), Just("all"), Just("price"), Just("10.00"), Just("discount"), Just("20%"),
                Just("when"), Just("spend"), Just("buy"), Just("get"), Just("free"), Just("and"), Just("or"),
                Just("not"), Just("("), Just(")"), Just("["), Just("]"), Just(","), Just("=="), Just("category"),
                Just("customer.tier"), Just("gold"), Just("pool"), Just("x"), Just("="), Just("\n"), Just("//"),
                Just("window"), Just("2026-06-18 10:00"), Just(".."), Just("Asia/Shanghai"), Just("USD"),
            ],
            0..80,
        )
    ) {
        check_in_bounds(MARKETPLACE, &words.join(" "));
    }

    #[test]
    fn mutated_examples_never_panic(example in 0..EXAMPLES.len(), mutations in proptest::collection::vec(mutation(), 1..4)) {
        let (context, original) = EXAMPLES[example];
        let mut text = original.to_owned();
        for m in &mutations {
            text = mutate(&text, m);
        }
        check_in_bounds(context, &text);
    }

    /// Deleting a brace or a clause's keyword makes a file invalid: there must be an error, and
    /// it must point inside the file.
    #[test]
    fn structural_deletions_are_always_reported(example in 0..EXAMPLES.len(), pick in any::<usize>()) {
        let (context, text) = EXAMPLES[example];
        let toks = tokens(text);
        // Offsets of tokens, to leave words inside comments alone.
        let offsets: Vec<usize> = toks.iter().scan(0, |at, t| { let o = *at; *at += t.len(); Some(o) }).collect();
        let in_comment = |offset: usize| {
            let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
            text[line_start..offset].contains("//")
        };
        let structural: Vec<usize> = toks
            .iter()
            .enumerate()
            .filter(|(i, t)| matches!(**t, "{" | "}" | "level" | "scope" | "discount" | "price") && !in_comment(offsets[*i]))
            .map(|(i, _)| i)
            .collect();
        prop_assume!(!structural.is_empty());
        let victim = structural[pick % structural.len()];
        let mutated = mutate(text, &Mutation::Delete(victim));
        prop_assert!(check_in_bounds(context, &mutated), "deleting `{}` went unreported", toks[victim]);
    }
}

#[test]
fn the_unmutated_examples_are_clean() {
    for (context, example) in EXAMPLES {
        assert!(!check_in_bounds(context, example), "an example has errors");
    }
}
