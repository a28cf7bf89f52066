//! Pricing and compiling benchmarks (criterion). Figures and the command are in the README.
//!
//! `cargo bench --bench pricing`

// A benchmark that cannot set up panics: nothing to measure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic, missing_docs)]

use std::collections::BTreeMap;
use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use promo::runtime::input::{Cart, Customer, Line, State};
use promo::runtime::{Prepared, price_prepared};
use promo::scenario::compile_text;
use rust_decimal::Decimal;

/// The allocator the `promo` binary runs with, so the figures are the server's. Remove these two
/// lines to measure with the system allocator (the README gives both).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `n` promotions of mixed kinds over categories `c0..c99` and SKUs `S0..`, plus `dead`
/// promotions on SKUs no cart has.
fn ruleset_text(n: usize, dead: usize) -> String {
    let mut s = String::from("settings { currency USD }\n");
    for i in 0..n {
        let c = i % 100;
        let body = match i % 7 {
            0 => format!("level item scope sku == \"S{}\" price 5.00", i % 200),
            1 => format!("level item scope category == \"c{c}\" discount 10%"),
            2 => format!("level store scope category == \"c{c}\" discount 5.00 when spend 50.00"),
            3 => format!("level item scope category == \"c{c}\" buy 2 get 1 free"),
            4 => format!("level store scope category == \"c{c}\" buy 3 for 20.00"),
            5 => format!("level store scope category == \"c{c}\" gift \"G{i}\" worth 1.00 when spend 30.00"),
            _ => format!("level item scope sku == \"S{}\" discount 1.50", i % 200),
        };
        s.push_str(&format!("promotion \"p{i}\" {{ {body} }}\n"));
    }
    for i in 0..dead {
        s.push_str(&format!("promotion \"dead{i}\" {{ level item scope sku == \"NOPE-{i}\" discount 10% }}\n"));
    }
    s
}

fn cart(lines: usize) -> Cart {
    Cart {
        currency: None,
        lines: (0..lines)
            .map(|i| {
                let mut attributes = BTreeMap::new();
                attributes.insert("category".into(), serde_json::json!(format!("c{}", i % 100)));
                attributes.insert("merchant".into(), serde_json::json!(format!("m{}", i % 4)));
                Line {
                    id: format!("l{i}").into(),
                    sku: format!("S{i}").into(),
                    unit_price: Decimal::new(1000 + (i as i64 * 37) % 9000, 2),
                    quantity: 1 + (i as u32 % 3),
                    attributes,
                }
            })
            .collect(),
        coupons: vec![],
        choose: vec![],
    }
}

fn pricing(c: &mut Criterion) {
    let (customer, state) = (Customer::default(), State::default());
    let small = Prepared::new(compile_text(&ruleset_text(2, 0)).unwrap());
    let cart20 = cart(20);
    c.bench_function("price 20 lines, 2 promotions", |b| {
        b.iter(|| price_prepared(black_box(&small), black_box(&cart20), &customer, &state, 0).unwrap())
    });
    let mixed = Prepared::new(compile_text(&ruleset_text(1_000, 0)).unwrap());
    let cart200 = cart(200);
    c.bench_function("price 200 lines, 1000 promotions", |b| {
        b.iter(|| price_prepared(black_box(&mixed), black_box(&cart200), &customer, &state, 0).unwrap())
    });
    let huge = Prepared::new(compile_text(&ruleset_text(1_000, 99_000)).unwrap());
    c.bench_function("price 200 lines, 100000 promotions (99000 never match)", |b| {
        b.iter(|| price_prepared(black_box(&huge), black_box(&cart200), &customer, &state, 0).unwrap())
    });
}

fn compiling(c: &mut Criterion) {
    let text = ruleset_text(10_000, 0);
    let mut group = c.benchmark_group("compile");
    group.sample_size(10);
    group.bench_function("compile 10000 promotions", |b| b.iter(|| compile_text(black_box(&text)).unwrap()));
    group.finish();
}

criterion_group!(benches, pricing, compiling);
criterion_main!(benches);
