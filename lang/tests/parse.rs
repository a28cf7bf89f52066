//! The parser: every construct parses to the tree it should, and broken items cost only themselves.

// A failing test panics: that is how it reports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use promo_lang::source::{FileId, Span};
use promo_lang::syntax::ast::{ClauseKind, ExprKind, Item, Level, ValueKind};
use promo_lang::syntax::{SyntaxError, parse};

const FULL: &str = r#"
use std::{flash_sale, spend_and_save}

schema {
  enum tier: bronze < silver < gold < platinum
  enum channel: app, web, store
  product {
    color: text
    weight: decimal
  }
  customer {
    tier: tier
    channel: channel
  }
}

settings {
  currency USD
  calculation parallel
  rounding half_even
  stacking shared
  timezone Asia/Shanghai
  floor 70% for category == "electronics"
  refund deduct gift
}

pool shoes = category == "shoes" and brand != "Acme"

template half_off(skus: set<text>, cut: percent = 50%) {
  level item
  scope sku in skus
  discount cut
}

promotion "618 flash: Air Max at 399" {
  level item
  window 2026-06-18 10:00 .. 2026-06-18 12:00 Asia/Shanghai
  scope sku in ["AM-90-BLK", "AM-90-WHT"]
  eligible customer.tier >= silver or customer.is_fan
  price 399.00
  limit 2 per customer          // beyond the limit: original price
  stock 500
  exclusive
  withdraw others 2h before start
  pay within 15m
  label "Flash Sale" priority 100
  floor 350.00
}

promotion "Shoes: every 300 off 40, at most 3 times" {
  level store "acme"
  scope shoes except sku not in ["X"]
  discount 40.00 every 300.00 up to 3 times
  stacks with platform, coupons
}

promotion "Tiers" {
  level platform
  scope all
  discount 10.00 when spend 100.00, 25.00 when spend 200.00 USD
  budget 20000.00
  refund allocated
}

promotion "Gifts" {
  level store
  scope not (category == "gift-cards")
  gift 2 of "C" worth 5.00 when spend 100.00
  addon "D" at 9.90 up to 1 when buy 2
}

promotion "Every kind" {
  level item
  scope tags has "new"
  buy 2 get 1 free cheapest
}

promotion "Half price second" { level item scope all buy 1 get 1 at 50% priciest }
promotion "3 for 100" { level item scope all buy 3 for 100.00 }
promotion "Pack" { level item scope all bundle ["A", 2 of "B"] at 199.00 }
promotion "Pre" { level item scope all presale deposit 50.00 deducts 100.00 balance by 2026-06-20 }
promotion "Group" { level item scope all group of 3 at 59.00 within 24h }
promotion "Coupon" { level platform scope all coupon "WED500" discount 500.00 when spend 5000.00 refund require gift }
promotion "From template" from half_off(skus: ["A"], cut: 30%) {
  window 2026-06-18 .. 2026-06-19
}
"#;

fn file() -> FileId {
    FileId(0)
}

#[test]
fn every_construct_parses() {
    let parsed = parse(file(), FULL);
    assert!(parsed.errors.is_empty(), "{:#?}", parsed.errors);
    assert_eq!(parsed.file.items.len(), 17);
    let promotions: Vec<_> =
        parsed.file.items.iter().filter_map(|i| if let Item::Promotion(p) = i { Some(p) } else { None }).collect();
    assert_eq!(promotions.len(), 12);
    let flash = promotions[0];
    assert_eq!(flash.name.node, "618 flash: Air Max at 399");
    assert_eq!(flash.body.clauses.len(), 12);
    let ClauseKind::Level { level, .. } = &flash.body.clauses[0].kind else { panic!("level first") };
    assert_eq!(level.node, Level::Item);
    let ClauseKind::Window { timezone, .. } = &flash.body.clauses[1].kind else { panic!("window second") };
    assert_eq!(timezone.as_ref().map(|t| t.node.as_str()), Some("Asia/Shanghai"));
    let ClauseKind::Price(v) = &flash.body.clauses[4].kind else { panic!("price fifth") };
    assert_eq!(v.kind, ValueKind::Number { digits: "399.00".into(), currency: None });
    assert_eq!(&FULL[v.span.start..v.span.end], "399.00");
}

#[test]
fn except_binds_loosest_and_not_in_is_one_operator() {
    let parsed = parse(file(), r#"pool p = category == "a" or brand == "b" except sku not in ["X"]"#);
    assert!(parsed.errors.is_empty(), "{:#?}", parsed.errors);
    let Some(Item::Pool(pool)) = parsed.file.items.first() else { panic!("a pool") };
    let ExprKind::Except(left, right) = &pool.expr.kind else { panic!("except at the top: {:?}", pool.expr) };
    assert!(matches!(&left.kind, ExprKind::Or(parts) if parts.len() == 2));
    assert!(matches!(right.as_slice(), [r] if matches!(r.kind, ExprKind::In { negated: true, .. })));
}

#[test]
fn a_broken_promotion_costs_only_itself() {
    let text = "promotion \"a\" {\n  level item\n  scope all\n  pric 10.00\n}\n\npromotion \"b\" {\n  level item\n  scope all\n  price 10.00\n}\n";
    let parsed = parse(file(), text);
    assert_eq!(parsed.file.items.len(), 1, "the second promotion survives");
    let [SyntaxError::Unexpected { span, help, .. }] = parsed.errors.as_slice() else {
        panic!("one error: {:#?}", parsed.errors)
    };
    assert_eq!(&text[span.start..span.end], "pric");
    assert_eq!(help.as_deref(), Some("did you mean `price`?"));
}

#[test]
fn an_unclosed_block_points_at_its_brace() {
    let text = "promotion \"a\" {\n  level item\n  scope all\n\npromotion \"b\" {\n  level item\n  scope all\n  price 1.00\n}\n";
    let parsed = parse(file(), text);
    assert_eq!(parsed.file.items.len(), 1);
    let [SyntaxError::UnclosedBlock { open, next }] = parsed.errors.as_slice() else {
        panic!("one unclosed-block error: {:#?}", parsed.errors)
    };
    assert_eq!(*open, Span::new(file(), 14, 15));
    assert_eq!(&text[next.start..next.end], "promotion");
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let text = format!("pool p = {}all{}", "(".repeat(10_000), ")".repeat(10_000));
    let parsed = parse(file(), &text);
    assert!(matches!(parsed.errors.as_slice(), [SyntaxError::TooDeep { limit: 64, .. }]), "{:#?}", parsed.errors);
}

#[test]
fn a_long_run_of_not_is_too_deep_not_a_stack_overflow() {
    let text = format!("pool p = {}all", "not ".repeat(50_000));
    let parsed = parse(file(), &text);
    assert!(matches!(parsed.errors.as_slice(), [SyntaxError::TooDeep { .. }]), "{:#?}", parsed.errors);
}

#[test]
fn long_and_chains_stay_flat() {
    let text = format!("pool p = all{}", " and all".repeat(50_000));
    let parsed = parse(file(), &text);
    assert!(parsed.errors.is_empty());
    let Some(Item::Pool(pool)) = parsed.file.items.first() else { panic!("a pool") };
    assert!(matches!(&pool.expr.kind, ExprKind::And(parts) if parts.len() == 50_001));
}
