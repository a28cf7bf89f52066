//! Extension call overhead (criterion): one call of a small function in a fresh instance with
//! fuel metering and the memory limiter on, and a cart priced with and without an extension gate.
//! Figures and the command are in the README.
//!
//! `cargo bench --bench extensions`

// A benchmark that cannot set up panics: nothing to measure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic, missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use promo::lang::{Ruleset, check, lower, source_hash};
use promo::runtime::extension::abi::Raw;
use promo::runtime::input::{Cart, Customer, State};
use promo::runtime::{Prepared, price_prepared};

const LOYALTY: &str = r#"
(module
  (memory 1)
  (func (export "loyalty") (param $points i64) (param $orders i64) (result i64)
    (i64.add (i64.div_s (local.get $points) (i64.const 100)) (i64.mul (local.get $orders) (i64.const 5)))))
"#;

fn prepared(eligible: &str) -> Prepared {
    let mut ruleset = Ruleset::new();
    ruleset.add_file(
        "bench.promo",
        format!(
            r#"
schema {{ customer {{ points: int, orders: int }} }}
settings {{ currency USD }}
extern loyalty(points: int, orders: int) -> int from "loyalty.wat"
promotion "Gated" {{
  level item
  scope sku == "BOOK"
  eligible {eligible}
  discount 20%
}}
"#
        ),
    );
    ruleset.add_module("loyalty.wat", LOYALTY.as_bytes().to_vec());
    let checked = check(&ruleset);
    assert!(!checked.has_errors());
    Prepared::new(lower(&checked.program, source_hash(&ruleset)).unwrap())
}

fn extensions(c: &mut Criterion) {
    let gated = prepared("loyalty(customer.points, customer.orders) >= 50");
    let args = [Raw::I64(2500), Raw::I64(6)];
    c.bench_function("extension call (fresh instance, fuel on)", |b| {
        b.iter(|| gated.sandbox.call(0, black_box(&args)).unwrap())
    });
    let plain = prepared("customer.points >= 2500");
    let cart: Cart = serde_json::from_value(serde_json::json!({"lines": [
        {"id": "book", "sku": "BOOK", "unit_price": "40.00", "quantity": 1},
        {"id": "pen", "sku": "PEN", "unit_price": "20.00", "quantity": 1}
    ]}))
    .unwrap();
    let customer: Customer =
        serde_json::from_value(serde_json::json!({"attributes": {"points": 2500, "orders": 6}})).unwrap();
    let state = State::default();
    c.bench_function("price 2 lines, eligibility by attribute", |b| {
        b.iter(|| price_prepared(black_box(&plain), black_box(&cart), &customer, &state, 0).unwrap())
    });
    c.bench_function("price 2 lines, eligibility by extension", |b| {
        b.iter(|| price_prepared(black_box(&gated), black_box(&cart), &customer, &state, 0).unwrap())
    });
}

criterion_group!(benches, extensions);
criterion_main!(benches);
