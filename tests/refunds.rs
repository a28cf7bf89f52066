//! Refund reversal (seed 004 §5): the three policies give 5.00 / 9.50 / refused; a full return
//! refunds exactly what was paid; any sequence of partial returns refunds what one return would;
//! nothing is refunded beyond what was paid.

// A failing test panics: that is how it reports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod support;

use promo::runtime::input::{Cart, Customer, State};
use promo::runtime::refund::{RefundError, Return};
use promo::runtime::{CompiledRuleset, Order};
use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::json;

fn gift_return() -> CompiledRuleset {
    promo::scenario::compile(&support::root().join("examples/gift-return")).unwrap()
}

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// A 10 + B 90 in `shop`.
fn seed_order(shop: &str) -> Order {
    let cart: Cart = serde_json::from_value(json!({"lines": [
        {"id": "A", "sku": "A", "unit_price": "10.00", "quantity": 1, "attributes": {"merchant": shop}},
        {"id": "B", "sku": "B", "unit_price": "90.00", "quantity": 1, "attributes": {"merchant": shop}},
    ]}))
    .unwrap();
    let order = Order::new(gift_return(), cart, Customer::default(), State::default(), 0).unwrap();
    assert_eq!(order.outcome.total, d("100.00"));
    assert_eq!(order.outcome.gifts.len(), 1, "C is earned");
    order
}

fn ret(v: serde_json::Value) -> Return {
    serde_json::from_value(v).unwrap()
}

#[test]
fn deduct_gift_return_a_refunds_5() {
    let r = seed_order("seed-shop").refund(&ret(json!({"lines": [{"id": "A", "quantity": 1}]}))).unwrap();
    assert_eq!(r.refund, d("5.00"));
    assert_eq!(r.deductions.len(), 1);
    assert_eq!(r.deductions[0].amount, d("5.00"));
    assert!(r.deductions[0].reason.contains("no longer earn"), "{}", r.deductions[0].reason);
}

#[test]
fn allocated_return_a_refunds_9_50() {
    let r = seed_order("allocated-demo").refund(&ret(json!({"lines": [{"id": "A", "quantity": 1}]}))).unwrap();
    assert_eq!(r.refund, d("9.50"));
    assert_eq!(r.deductions[0].amount, d("0.50"));
    let b = seed_order("allocated-demo").refund(&ret(json!({"lines": [{"id": "B", "quantity": 1}]}))).unwrap();
    assert_eq!(b.refund, d("85.50"), "B carried 4.50 of the gift's value");
}

#[test]
fn require_gift_refuses_a_return_that_keeps_the_gift() {
    let e = seed_order("require-gift-demo").refund(&ret(json!({"lines": [{"id": "A", "quantity": 1}]}))).unwrap_err();
    let RefundError::Refused { reason } = e else { panic!("refused, not {e:?}") };
    assert!(reason.contains("return the gift too"), "{reason}");
    let with_gift = seed_order("require-gift-demo")
        .refund(&ret(json!({"lines": [{"id": "A", "quantity": 1}], "gifts": [{"promotion": "Spend 100, get C free (gift must come back)", "quantity": 1}]})))
        .unwrap();
    assert_eq!(with_gift.refund, d("10.00"));
}

#[test]
fn a_full_return_refunds_exactly_what_was_paid() {
    for shop in ["seed-shop", "allocated-demo", "require-gift-demo"] {
        let order = seed_order(shop);
        let promotion = order.outcome.gifts[0].promotion.clone();
        let r = order
            .refund(&ret(json!({"lines": [{"id": "A", "quantity": 1}, {"id": "B", "quantity": 1}], "gifts": [{"promotion": promotion, "quantity": 1}]})))
            .unwrap();
        assert_eq!(r.refund, d("100.00"), "{shop}");
    }
}

#[test]
fn returning_the_gift_later_gives_its_deduction_back() {
    let mut order = seed_order("seed-shop");
    let first = ret(json!({"lines": [{"id": "A", "quantity": 1}]}));
    let r1 = order.refund(&first).unwrap();
    order.record(first, &r1);
    let second = ret(
        json!({"lines": [{"id": "B", "quantity": 1}], "gifts": [{"promotion": "Spend 100, get C free", "quantity": 1}]}),
    );
    let r2 = order.refund(&second).unwrap();
    assert_eq!((r1.refund, r2.refund), (d("5.00"), d("95.00")));
    assert_eq!(r2.cumulative, d("100.00"));
    // By line, never more than a line paid: A gets the 5.00 withheld for the gift back, B its 90.00.
    let by_line: Vec<(&str, Decimal)> = r2.lines.iter().map(|l| (l.line.as_str(), l.amount)).collect();
    assert_eq!(by_line, vec![("A", d("5.00")), ("B", d("90.00"))]);
}

#[test]
fn returning_more_than_was_bought_is_refused() {
    let e = seed_order("seed-shop").refund(&ret(json!({"lines": [{"id": "A", "quantity": 2}]}))).unwrap_err();
    assert!(matches!(e, RefundError::TooMany { returned: 2, bought: 1, .. }), "{e:?}");
    let e = seed_order("seed-shop").refund(&ret(json!({"lines": [{"id": "Z", "quantity": 1}]}))).unwrap_err();
    assert_eq!(e.to_string(), "the order has no line `Z`");
}

fn threshold_order(quantities: &[u32]) -> Order {
    let ruleset = promo::scenario::compile_text(
        "settings { currency USD }\n\
         promotion \"30 off 200\" { level store scope all discount 30.00 when spend 200.00 }\n\
         promotion \"Flash\" { level item scope sku == \"F\" price 5.00 limit 3 per customer stock 100 }\n\
         promotion \"B2G1\" { level item scope sku == \"G\" buy 2 get 1 free }",
    )
    .unwrap();
    let skus = ["F", "G", "H"];
    let prices = ["12.00", "20.00", "75.50"];
    let lines: Vec<serde_json::Value> = quantities
        .iter()
        .enumerate()
        .map(|(i, q)| json!({"id": format!("l{i}"), "sku": skus[i % 3], "unit_price": prices[i % 3], "quantity": q}))
        .collect();
    let cart: Cart = serde_json::from_value(json!({ "lines": lines })).unwrap();
    Order::new(ruleset, cart, Customer::default(), State::default(), 0).unwrap()
}

#[test]
fn kept_items_lose_a_threshold_they_no_longer_reach() {
    // l0: F 2 × 12 at 5 (paid 10), l1: G 3 × 20 (one free, 40), l2: H 2 × 75.50 = 151; subtotal 235;
    // the store threshold (200 on the original 235) gives 30 more.
    let order = threshold_order(&[2, 3, 2]);
    let paid = order.outcome.total;
    let r = order.refund(&ret(json!({"lines": [{"id": "l2", "quantity": 2}]}))).unwrap();
    // Kept: F and G only (84 at original prices, below 200): they cost 10 + 40 = 50 now.
    assert_eq!(r.cumulative, paid - d("50.00"));
    assert!(r.cumulative <= order.outcome.lines[2].final_line_price, "never more than the line paid");
    assert_eq!(r.restored, vec![]);
    let r = order.refund(&ret(json!({"lines": [{"id": "l0", "quantity": 1}]}))).unwrap();
    assert_eq!(r.restored.len(), 1, "a flash-sale unit goes back to the limit and stock");
    assert_eq!(r.restored[0].units, 1);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Any order of partial returns refunds in all what one return of the same units refunds,
    /// less what is owed when a later return broke a threshold an earlier refund counted on;
    /// never more than was paid; a full return refunds exactly what was paid.
    #[test]
    fn partial_returns_add_up(quantities in proptest::collection::vec(1u32..4, 1..5), picks in proptest::collection::vec((0usize..5, 1u32..3), 1..6)) {
        let order = threshold_order(&quantities);
        let mut left: Vec<u32> = quantities.clone();
        let mut sequence = order.clone();
        let mut total = Decimal::ZERO;
        let mut owed = Decimal::ZERO;
        let mut all: Vec<(String, u32)> = Vec::new();
        for (line, q) in picks {
            let i = line % quantities.len();
            let q = q.min(left[i]);
            if q == 0 { continue; }
            left[i] -= q;
            let r = ret(json!({"lines": [{"id": format!("l{i}"), "quantity": q}]}));
            let out = sequence.refund(&r).unwrap();
            prop_assert!(out.refund >= Decimal::ZERO);
            total += out.refund;
            owed = out.owed;
            prop_assert_eq!(out.lines.iter().map(|l| l.amount).sum::<Decimal>(), out.refund, "the lines add up to the refund");
            sequence.record(r, &out);
            for line in &order.outcome.lines {
                let refunded = sequence.refunded_lines.get(line.id.as_str()).copied().unwrap_or_default();
                prop_assert!(refunded <= line.final_line_price, "line {} refunded {refunded} of {}", line.id, line.final_line_price);
            }
            all.push((format!("l{i}"), q));
        }
        prop_assert!(total <= order.outcome.total, "refunded {total} of {}", order.outcome.total);
        let lines: Vec<serde_json::Value> = all.iter().map(|(id, q)| json!({"id": id, "quantity": q})).collect();
        let once = order.refund(&ret(json!({ "lines": lines }))).unwrap();
        prop_assert_eq!(once.refund, total - owed, "one return of the same units");
        let everything: Vec<serde_json::Value> =
            quantities.iter().enumerate().map(|(i, q)| json!({"id": format!("l{i}"), "quantity": q})).collect();
        let full = order.refund(&ret(json!({ "lines": everything }))).unwrap();
        prop_assert_eq!(full.refund, order.outcome.total);
    }
}
