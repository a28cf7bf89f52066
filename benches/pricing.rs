//! Pricing and compiling benchmarks (criterion). Figures and the command are in the README.
//!
//! `cargo bench --bench pricing`

// A benchmark that cannot set up panics: nothing to measure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic, missing_docs)]

use std::hint::black_box;

mod workload;

use criterion::{Criterion, criterion_group, criterion_main};
use promo::runtime::input::{Customer, State};
use promo::runtime::{Prepared, price_prepared};
use promo::scenario::compile_text;
use workload::{BEFORE_THE_WINDOWS, IN_THE_WINDOWS, Limits, Names, cart, returned_for, ruleset_text, storefront_state};

/// The allocator the `promo` binary runs with, so the figures are the server's. Remove these two
/// lines to measure with the system allocator (the README gives both).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn pricing(c: &mut Criterion) {
    let (customer, state) = (Customer::default(), State::default());
    let small = Prepared::new(compile_text(&ruleset_text(2, 0, Names::Short, Limits::None)).unwrap());
    let cart20 = cart(20);
    c.bench_function("price 20 lines, 2 promotions", |b| {
        b.iter(|| price_prepared(black_box(&small), black_box(&cart20), &customer, &state, 0).unwrap())
    });
    let mixed = Prepared::new(compile_text(&ruleset_text(1_000, 0, Names::Short, Limits::None)).unwrap());
    let cart200 = cart(200);
    c.bench_function("price 200 lines, 1000 promotions", |b| {
        b.iter(|| price_prepared(black_box(&mixed), black_box(&cart200), &customer, &state, 0).unwrap())
    });
    let long = Prepared::new(compile_text(&ruleset_text(1_000, 0, Names::Long, Limits::None)).unwrap());
    c.bench_function("price 200 lines, 1000 promotions named as real ones (50 bytes)", |b| {
        b.iter(|| price_prepared(black_box(&long), black_box(&cart200), &customer, &state, 0).unwrap())
    });
    let flash = Prepared::new(compile_text(&ruleset_text(1_000, 0, Names::Long, Limits::FlashSale)).unwrap());
    c.bench_function("price 200 lines, 1000 flash sales (window, limit, stock; names of 50 bytes)", |b| {
        b.iter(|| price_prepared(black_box(&flash), black_box(&cart200), &customer, &state, IN_THE_WINDOWS).unwrap())
    });
    let stored = storefront_state(1_000, Names::Long);
    c.bench_function("price 200 lines, 1000 flash sales with a storefront's state (stock left of each)", |b| {
        b.iter(|| price_prepared(black_box(&flash), black_box(&cart200), &customer, &stored, IN_THE_WINDOWS).unwrap())
    });
    c.bench_function("price 200 lines, 1000 flash sales before their windows (scheduled, not started)", |b| {
        b.iter(|| {
            price_prepared(black_box(&flash), black_box(&cart200), &customer, &state, BEFORE_THE_WINDOWS).unwrap()
        })
    });
    // A storefront's request: the names of the state a 20-line cart needs, then its pricing with
    // what the store returns for them, their entries alone (as `benches/instructions.rs` counts).
    let returned = returned_for(&stored, &flash.state_needed(&cart20, &customer).unwrap());
    c.bench_function("storefront: 20 lines of 1000 flash sales, state needed then priced (checked twice)", |b| {
        b.iter(|| {
            black_box(flash.state_needed(black_box(&cart20), &customer).unwrap());
            price_prepared(black_box(&flash), &cart20, &customer, &returned, IN_THE_WINDOWS).unwrap()
        })
    });
    c.bench_function("storefront: 20 lines of 1000 flash sales, checked once, state needed, priced", |b| {
        b.iter(|| {
            let checked = flash.check(black_box(&cart20), &customer).unwrap();
            black_box(checked.state_needed());
            checked.price(&returned, IN_THE_WINDOWS)
        })
    });
    let huge = Prepared::new(compile_text(&ruleset_text(1_000, 99_000, Names::Short, Limits::None)).unwrap());
    c.bench_function("price 200 lines, 100000 promotions (99000 never match)", |b| {
        b.iter(|| price_prepared(black_box(&huge), black_box(&cart200), &customer, &state, 0).unwrap())
    });
}

fn compiling(c: &mut Criterion) {
    let text = ruleset_text(10_000, 0, Names::Short, Limits::None);
    let mut group = c.benchmark_group("compile");
    group.sample_size(10);
    group.bench_function("compile 10000 promotions", |b| b.iter(|| compile_text(black_box(&text)).unwrap()));
    group.finish();
}

criterion_group!(benches, pricing, compiling);
criterion_main!(benches);
