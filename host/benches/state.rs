//! Reading a request's stored state (criterion): a store of 1,000 flash sales, each with stock
//! and a per-customer limit, on SQLite; the state a cart of one product prices with, read whole
//! (every counter the store keeps) and read for the cart's own promotions
//! (`Prepared::state_needed`). Figures and the command are in the README.

// A benchmark that cannot set up panics: nothing to measure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::collections::BTreeMap;
use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use promo_host::store::{Entries, Store};
use promo_runtime::input::{Cart, Customer, Line};
use promo_runtime::{CompiledRuleset, Prepared};
use rust_decimal::Decimal;

/// Flash sales in the store.
const SALES: usize = 1_000;

/// `SALES` flash sales, one per SKU `S0`, `S1`, …: a window, one unit a customer, 100 in stock.
fn ruleset() -> CompiledRuleset {
    let mut text = String::from("settings { currency USD }\n");
    for i in 0..SALES {
        text.push_str(&format!(
            "promotion \"Flash sale {i}: S{i} at 5.00\" {{ level item scope sku == \"S{i}\" price 5.00 \
             window 2026-01-01 00:00 .. 2028-01-01 00:00 limit 1 per customer stock 100 }}\n"
        ));
    }
    let mut ruleset = promo_lang::Ruleset::new();
    ruleset.add_file("sales.promo", text.as_str());
    let checked = promo_lang::check(&ruleset);
    assert!(!checked.has_errors(), "the generated ruleset checks");
    promo_lang::lower(&checked.program, promo_lang::source_hash(&ruleset)).unwrap()
}

fn state(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = runtime.block_on(Store::open(&format!("sqlite://{}", dir.path().join("state.db").display()))).unwrap();
    let ruleset = ruleset();
    runtime.block_on(store.register_promotions(&ruleset)).unwrap();
    // Every sale has sold a few units, and the customer bought under every tenth.
    runtime.block_on(async {
        for (i, p) in ruleset.promotions.iter().enumerate() {
            sqlx::query("UPDATE promotion_sales SET sold = $1 WHERE promotion = $2")
                .bind((i % 7) as i64)
                .bind(p.name.as_str())
                .execute(store.pool())
                .await
                .unwrap();
            if i % 10 == 0 {
                sqlx::query("INSERT INTO customer_usage (customer, promotion, used) VALUES ('ana', $1, 1)")
                    .bind(p.name.as_str())
                    .execute(store.pool())
                    .await
                    .unwrap();
            }
        }
    });
    let prepared = Prepared::new(ruleset.clone());
    let line = Line {
        id: "1".into(),
        sku: "S70".into(),
        unit_price: Decimal::new(2000, 2),
        quantity: 1,
        attributes: BTreeMap::new(),
    };
    let cart = Cart { currency: None, lines: vec![line], coupons: vec![], choose: vec![] };
    let customer = Customer::default();

    let mut group = c.benchmark_group("state");
    group.bench_function("a cart of one product, every counter of 1000 flash sales read", |b| {
        b.iter(|| runtime.block_on(store.state(black_box(&prepared), Some("ana"), Entries::All)).unwrap())
    });
    group.bench_function("a cart of one product, its own promotions' counters read (state_needed)", |b| {
        b.iter(|| {
            let needed = prepared.state_needed(black_box(&cart), &customer).unwrap();
            runtime.block_on(store.state(&prepared, Some("ana"), Entries::Of(&needed))).unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, state);
criterion_main!(benches);
