//! Sandboxed extension functions end to end: modules written in WAT, declared with `extern`,
//! called from conditions, run under fuel and memory limits. A hostile or broken module stops at
//! its limit, its promotion does not apply with the reason in the trace, and every other
//! promotion prices exactly as before.

// A failing test panics: that is how it reports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use std::sync::Arc;

use promo::lang::{Ruleset, check, lower, source_hash};
use promo::runtime::input::{Cart, Customer, State};
use promo::runtime::{CompiledRuleset, Engine, Outcome, price};
use rust_decimal::Decimal;
use serde_json::json;

/// The loyalty service and a rogues' gallery, one function each.
const MODULE: &str = r#"
(module
  (memory 1)
  ;; One point per 100 loyalty points, five per order, at most 100.
  (func (export "loyalty") (param $points i64) (param $orders i64) (result i64)
    (local $s i64)
    (local.set $s (i64.add (i64.div_s (local.get $points) (i64.const 100))
                           (i64.mul (local.get $orders) (i64.const 5))))
    (if (i64.gt_s (local.get $s) (i64.const 100)) (then (local.set $s (i64.const 100))))
    (local.get $s))
  ;; Never returns.
  (func (export "spin") (param i64) (result i64)
    (loop $forever (br $forever))
    (i64.const 0))
  ;; Grows its memory a page at a time until refused.
  (func (export "hog") (param i64) (result i64)
    (loop $more
      (br_if $more (i32.ne (memory.grow (i32.const 1)) (i32.const -1))))
    (i64.const 0))
  ;; Traps.
  (func (export "crash") (param i64) (result i64)
    unreachable)
  ;; Declared bool, returns 7: not a bool.
  (func (export "seven") (param i64) (result i32)
    (i32.const 7))
  ;; Divides by its argument: traps on 0.
  (func (export "ratio") (param i64) (result i64)
    (i64.div_s (i64.const 1000) (local.get 0)))
)
"#;

const SCHEMA: &str = r#"
schema {
  customer { points: int, orders: int }
}
settings {
  currency USD
  extension fuel 20000
  extension memory 262144
}
extern loyalty(points: int, orders: int) -> int from "gallery.wat"
extern spin(points: int) -> int from "gallery.wat"
extern hog(points: int) -> int from "gallery.wat"
extern crash(points: int) -> int from "gallery.wat"
extern seven(points: int) -> bool from "gallery.wat"
extern ratio(points: int) -> int from "gallery.wat"

promotion "Everyone: 5.00 off 50.00" {
  level platform
  scope all
  discount 5.00 when spend 50.00
}
"#;

fn compile(promotions: &str) -> CompiledRuleset {
    compile_with(promotions, MODULE.as_bytes())
}

fn compile_with(promotions: &str, module: &[u8]) -> CompiledRuleset {
    let mut ruleset = Ruleset::new();
    ruleset.add_file("schema.promo", SCHEMA);
    ruleset.add_file("promotions.promo", promotions);
    ruleset.add_module("gallery.wat", module.to_vec());
    let checked = check(&ruleset);
    let errors: Vec<String> = checked.diagnostics.iter().map(|d| d.message()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    lower(&checked.program, source_hash(&ruleset)).unwrap()
}

fn gated(call: &str) -> String {
    format!(
        r#"
promotion "Gated: 20% off" {{
  level item
  scope sku == "BOOK"
  eligible {call}
  discount 20%
}}
"#
    )
}

fn cart() -> Cart {
    serde_json::from_value(json!({"lines": [
        {"id": "book", "sku": "BOOK", "unit_price": "40.00", "quantity": 1},
        {"id": "pen", "sku": "PEN", "unit_price": "20.00", "quantity": 1}
    ]}))
    .unwrap()
}

fn customer(points: i64, orders: i64) -> Customer {
    serde_json::from_value(json!({"attributes": {"points": points, "orders": orders}})).unwrap()
}

fn priced(r: &CompiledRuleset, c: &Customer) -> Outcome {
    price(r, &cart(), c, &State::default(), 1_781_748_000).unwrap()
}

fn money(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn candidate<'o>(o: &'o Outcome, promotion: &str) -> &'o promo::runtime::price::outcome::Candidate {
    o.lines[0].candidates.iter().find(|c| c.promotion == promotion).unwrap()
}

/// The hostile call stopped: "Gated" not applied with `reason`, in the trace too; "Everyone"
/// still gives its 5.00 on the 60.00 cart.
fn assert_stopped(call: &str, reason: &str) {
    let r = compile(&gated(call));
    let o = priced(&r, &customer(2500, 6));
    let gated = candidate(&o, "Gated: 20% off");
    assert!(!gated.applied);
    assert!(gated.reason.to_string().contains(reason), "{}", gated.reason);
    assert!(
        o.trace.iter().any(|t| t.to_string().contains("`Gated: 20% off`") && t.to_string().contains(reason)),
        "{:#?}",
        o.trace
    );
    assert_eq!(o.discount_total, money("5.00"), "the other promotion still prices");
    assert_eq!(o.total, money("55.00"));
}

#[test]
fn a_loyalty_function_gates_eligibility() {
    let r = compile(&gated("loyalty(customer.points, customer.orders) >= 50"));
    // 2500 points and 6 orders: 25 + 30 = 55.
    let loyal = priced(&r, &customer(2500, 6));
    assert!(candidate(&loyal, "Gated: 20% off").applied);
    assert_eq!(loyal.discount_total, money("13.00"), "8.00 off the book and 5.00 off the order");
    assert_eq!(loyal.lines[0].final_line_price, money("28.67"));
    assert_eq!(loyal.total, money("47.00"));
    // 300 points and 1 order: 3 + 5 = 8.
    let new = priced(&r, &customer(300, 1));
    let gated = candidate(&new, "Gated: 20% off");
    assert!(!gated.applied);
    assert_eq!(gated.reason, "the customer is not eligible");
    assert_eq!(new.total, money("55.00"));
}

#[test]
fn a_missing_argument_makes_the_call_false_without_calling() {
    let r = compile(&gated("loyalty(customer.points, customer.orders) >= 50"));
    let o = priced(&r, &Customer::default());
    assert_eq!(candidate(&o, "Gated: 20% off").reason, "the customer is not eligible");
    assert!(o.trace.iter().all(|t| !t.to_string().contains("extension")), "{:#?}", o.trace);
}

#[test]
fn an_endless_loop_runs_out_of_fuel() {
    assert_stopped("spin(customer.points) > 0", "extension `spin` ran out of fuel (limit 20000)");
}

#[test]
fn a_memory_hog_is_stopped_at_its_limit() {
    assert_stopped("hog(customer.points) > 0", "extension `hog` asked for more memory than its limit of 262144 bytes");
}

#[test]
fn a_trap_is_reported() {
    assert_stopped("crash(customer.points) > 0", "extension `crash` trapped");
    // A trap that depends on the argument: 1000 / 0.
    assert_stopped("ratio(0) > 0", "extension `ratio` trapped: ");
}

#[test]
fn a_result_of_the_wrong_shape_is_malformed() {
    assert_stopped("seven(customer.points)", "extension `seven` returned a malformed result: 7 is not a bool (0 or 1)");
}

#[test]
fn failing_closed_holds_under_not() {
    // `not spin(…) > 0` must not become true because the call failed.
    assert_stopped("not spin(customer.points) > 0", "ran out of fuel");
}

#[test]
fn a_failed_call_in_a_scope_fails_closed() {
    // Nothing else conditions the promotion (no dates, eligibility, limits): only its scope's
    // failed call keeps it from applying.
    let r = compile(
        r#"
promotion "Scoped: 20% off" {
  level item
  scope sku == "BOOK" and ratio(0) > 0
  discount 20%
}
"#,
    );
    let o = priced(&r, &customer(2500, 6));
    let scoped = candidate(&o, "Scoped: 20% off");
    assert!(!scoped.applied);
    assert!(scoped.reason.to_string().contains("extension `ratio` trapped"), "{}", scoped.reason);
    assert!(o.trace.iter().any(|t| t.to_string().contains("`Scoped: 20% off`")), "{:#?}", o.trace);
    assert_eq!(o.discount_total, money("5.00"), "only the other promotion prices");
    assert_eq!(o.total, money("55.00"));
}

#[test]
fn a_module_without_its_export_at_run_time_fails_closed() {
    // The compiler refuses such a module (spec/conformance/extensions.promo); a compiled ruleset
    // whose module was replaced afterwards is caught when the call is prepared.
    let mut r = compile(&gated("loyalty(customer.points, customer.orders) >= 50"));
    r.extensions.modules[0].wasm = wat::parse_str("(module (func (export \"other\")))").unwrap();
    let o = priced(&r, &customer(2500, 6));
    let gated = candidate(&o, "Gated: 20% off");
    assert!(!gated.applied);
    assert!(gated.reason.to_string().contains("its module does not export a function `loyalty`"), "{}", gated.reason);
    assert_eq!(o.total, money("55.00"));
    // Bytes that are not WebAssembly at all.
    r.extensions.modules[0].wasm = b"not wasm".to_vec();
    let o = priced(&r, &customer(2500, 6));
    assert!(candidate(&o, "Gated: 20% off").reason.to_string().contains("does not compile"));
    assert_eq!(o.total, money("55.00"));
}

#[test]
fn an_initial_memory_beyond_the_limit_is_refused() {
    let big = MODULE.replace("(memory 1)", "(memory 100)");
    let r = compile_with(&gated("loyalty(customer.points, customer.orders) >= 50"), big.as_bytes());
    let o = priced(&r, &customer(2500, 6));
    assert!(candidate(&o, "Gated: 20% off").reason.to_string().contains("asked for more memory"));
    assert_eq!(o.total, money("55.00"));
}

#[test]
fn extension_calls_are_deterministic_and_shared_across_threads() {
    let r = compile(&gated("loyalty(customer.points, customer.orders) >= 50 and not crash(customer.points) > 0"));
    let engine = Arc::new(Engine::new(r));
    let first =
        serde_json::to_string(&engine.price(&cart(), &customer(2500, 6), &State::default(), 0).unwrap()).unwrap();
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let engine = Arc::clone(&engine);
            std::thread::spawn(move || {
                (0..25)
                    .map(|_| {
                        serde_json::to_string(&engine.price(&cart(), &customer(2500, 6), &State::default(), 0).unwrap())
                            .unwrap()
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    for t in threads {
        for out in t.join().unwrap() {
            assert_eq!(out, first);
        }
    }
}

#[test]
fn a_compiled_ruleset_carries_its_modules() {
    let r = compile(&gated("loyalty(customer.points, customer.orders) >= 50"));
    let text = r.to_json().unwrap();
    let back = CompiledRuleset::from_json(&text).unwrap();
    assert_eq!(back, r);
    let o = priced(&back, &customer(2500, 6));
    assert_eq!(o.total, money("47.00"));
}

#[test]
fn a_product_page_shows_an_extension_gated_promotion_only_to_whom_it_applies() {
    let ruleset =
        promo::scenario::compile(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/loyalty-extension"))
            .unwrap();
    let engine = Engine::new(ruleset);
    let beans: promo::runtime::input::Line = serde_json::from_value(json!({
        "id": "beans", "sku": "BEANS-1KG", "unit_price": "24.00", "quantity": 1,
        "attributes": {"category": "coffee", "partner_id": 7, "merchant": "roastery"}
    }))
    .unwrap();
    let state = State::default();
    let loyal = engine.display(&beans, &customer(2500, 6), &state, 1_781_776_800).unwrap();
    assert!(loyal.labels.iter().any(|l| l.text == "Loyalty week"), "{loyal:#?}");
    assert_eq!(loyal.final_price, money("20.40"), "15% off 24.00");
    let new = engine.display(&beans, &customer(300, 1), &state, 1_781_776_800).unwrap();
    assert!(new.labels.is_empty(), "{new:#?}");
    assert_eq!(new.final_price, money("24.00"));
}

#[test]
fn a_product_page_hides_a_promotion_whose_extension_fails() {
    let r = compile(&gated("spin(customer.points) > 0").replace("discount 20%", "discount 20%\n  label \"Gated\""));
    let engine = Engine::new(r);
    let book: promo::runtime::input::Line =
        serde_json::from_value(json!({"id": "book", "sku": "BOOK", "unit_price": "40.00", "quantity": 1})).unwrap();
    let page = engine.display(&book, &customer(2500, 6), &State::default(), 0).unwrap();
    assert!(page.labels.is_empty(), "{page:#?}");
    assert_eq!(page.final_price, money("40.00"));
}
