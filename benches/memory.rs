//! Memory, counted exactly: what a loaded ruleset holds (the compiled ruleset, then what
//! indexing it for pricing adds) and what a pricing allocates, for the pricing benchmarks' own
//! rulesets and carts (`benches/workload`). dhat's heap profiler is the global allocator here,
//! counting every allocation and release; the figures and the command are in the README.
//!
//! `cargo bench --bench memory` (it prints a table; nothing is timed).

// A benchmark that cannot set up panics: nothing to measure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic, missing_docs)]

mod workload;

use promo::runtime::input::{Customer, State};
use promo::runtime::{Prepared, price_prepared};
use promo::scenario::compile_text;
use workload::{BEFORE_THE_WINDOWS, IN_THE_WINDOWS, Limits, Names, cart, ruleset_text, storefront_state};

#[global_allocator]
static ALLOCATOR: dhat::Alloc = dhat::Alloc;

/// Live bytes and blocks now.
fn live() -> (usize, usize) {
    let stats = dhat::HeapStats::get();
    (stats.curr_bytes, stats.curr_blocks)
}

/// Blocks and bytes allocated so far.
fn allocated() -> (u64, u64) {
    let stats = dhat::HeapStats::get();
    (stats.total_blocks, stats.total_bytes)
}

/// `bytes` as KiB or MiB, one decimal.
fn size(bytes: usize) -> String {
    let b = bytes as f64;
    if b >= 1024.0 * 1024.0 { format!("{:.1} MiB", b / (1024.0 * 1024.0)) } else { format!("{:.1} KiB", b / 1024.0) }
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else is read.
    let _profiler = dhat::Profiler::builder().testing().build();
    println!("| ruleset | the compiled ruleset | what indexing it adds (`Prepared`) | blocks held |");
    println!("|---|---|---|---|");
    let cases = [
        ("2 promotions", 2, 0, Names::Short, Limits::None),
        ("1,000 promotions", 1_000, 0, Names::Short, Limits::None),
        ("1,000 flash sales (names of 50 bytes; a window, a limit, stock)", 1_000, 0, Names::Long, Limits::FlashSale),
        ("100,000 promotions (99,000 never match)", 1_000, 99_000, Names::Short, Limits::None),
    ];
    let mut prepared = Vec::new();
    for (name, promotions, dead, names, limits) in cases {
        let text = ruleset_text(promotions, dead, names, limits);
        let (before, blocks_before) = live();
        let compiled = compile_text(&text).unwrap();
        let (with_ruleset, _) = live();
        let ready = Prepared::new(compiled);
        let (with_index, blocks) = live();
        println!(
            "| {name} | {} | {} | {} |",
            size(with_ruleset - before),
            size(with_index - with_ruleset),
            blocks - blocks_before
        );
        prepared.push(ready);
    }
    println!();
    println!("| pricing | allocations | bytes allocated | the outcome holds |");
    println!("|---|---|---|---|");
    let customer = Customer::default();
    let (none, stored) = (State::default(), storefront_state(1_000, Names::Long));
    let pricings = [
        ("20 lines, 2 promotions", 0, 20, &none, IN_THE_WINDOWS),
        ("200 lines, 1,000 promotions", 1, 200, &none, IN_THE_WINDOWS),
        ("200 lines, 1,000 flash sales with a storefront's state", 2, 200, &stored, IN_THE_WINDOWS),
        ("200 lines, 1,000 flash sales before their windows", 2, 200, &none, BEFORE_THE_WINDOWS),
        ("200 lines, 100,000 promotions", 3, 200, &none, IN_THE_WINDOWS),
    ];
    for (name, ruleset, lines, state, at) in pricings {
        let cart = cart(lines);
        // A thread's first pricing makes the lists later ones reuse: priced once before counting.
        drop(price_prepared(&prepared[ruleset], &cart, &customer, state, at).unwrap());
        let (blocks_before, bytes_before) = allocated();
        let (live_before, _) = live();
        let outcome = price_prepared(&prepared[ruleset], &cart, &customer, state, at).unwrap();
        let (live_after, _) = live();
        let (blocks_after, bytes_after) = allocated();
        println!(
            "| {name} | {} | {} | {} |",
            blocks_after - blocks_before,
            size((bytes_after - bytes_before) as usize),
            size(live_after - live_before)
        );
        drop(outcome);
    }
}
