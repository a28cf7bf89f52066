//! Carts and customers read against a compiled ruleset: bad input is refused with the place and
//! what was expected; conditions evaluate on what is bound.

// A failing test panics: that is how it reports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod support;

use promo::lang::{Ruleset, check, lower, source_hash};
use promo::runtime::CompiledRuleset;
use promo::runtime::bind::{InputError, bind};
use promo::runtime::input::{Cart, Customer};
use serde_json::json;

/// Whether `cond` holds on `values` (these conditions call no extension).
fn holds(cond: &promo::runtime::ir::Cond, values: Option<promo::runtime::bind::Row<'_>>) -> bool {
    let values = values.expect("the cart has this line");
    let sandbox = promo::runtime::extension::Sandbox::default();
    promo::runtime::cond::holds(cond, values, &mut promo::runtime::extension::Calls::new(&sandbox)).unwrap()
}

fn marketplace() -> CompiledRuleset {
    let mut r = Ruleset::new();
    let dir = support::root().join("examples/marketplace");
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    for f in files.iter().filter(|f| f.extension().is_some_and(|e| e == "promo")) {
        r.add_file(f.display().to_string(), std::fs::read_to_string(f).unwrap());
    }
    let checked = check(&r);
    assert!(!checked.has_errors());
    lower(&checked.program, source_hash(&r)).unwrap()
}

fn cart(v: serde_json::Value) -> Cart {
    serde_json::from_value(v).unwrap()
}

fn customer(v: serde_json::Value) -> Customer {
    serde_json::from_value(v).unwrap()
}

fn line(sku: &str, price: &str, attrs: serde_json::Value) -> serde_json::Value {
    json!({"id": sku, "sku": sku, "unit_price": price, "quantity": 1, "attributes": attrs})
}

fn err(r: &CompiledRuleset, c: serde_json::Value, cu: serde_json::Value) -> InputError {
    bind(r, &cart(c), &customer(cu)).unwrap_err()
}

#[test]
fn a_good_cart_binds_and_conditions_evaluate() {
    let r = marketplace();
    let c = cart(json!({
        "currency": "CNY",
        "lines": [
            line("AM-90-BLK", "699.00", json!({"category": "shoes", "brand": "Nike", "merchant": "nike-store"})),
            line("EB-1", "299.00", json!({"category": "electronics", "brand": "Sonic", "tags": ["refurbished"]})),
            line("EB-2", "299.00", json!({"category": "electronics", "brand": "Sonic"})),
        ],
        "coupons": ["WELCOME20", "NOT-A-CODE"]
    }));
    let cu = customer(json!({"id": "c1", "attributes": {"tier": "gold", "is_fan": false, "channel": "app"}}));
    let bound = bind(&r, &c, &cu).unwrap();
    assert_eq!(bound.len(), 3);
    assert_eq!(bound.coupons.len(), 1, "only codes the ruleset knows");

    let flash = r.promotions.iter().find(|p| p.name.starts_with("618 flash")).unwrap();
    assert!(holds(&flash.scope, bound.line(0)), "AM-90-BLK is in the flash sale");
    assert!(!holds(&flash.scope, bound.line(1)));
    assert!(holds(&flash.eligible, bound.line(0)), "gold >= silver");

    let earbuds = r.promotions.iter().find(|p| p.name.starts_with("Earbuds")).unwrap();
    assert!(!holds(&earbuds.scope, bound.line(1)), "refurbished electronics are excepted");
    assert!(holds(&earbuds.scope, bound.line(2)));
    assert!(holds(&earbuds.eligible, Some(bound.customer())), "app is in [app, mini_program]");
}

#[test]
fn each_set_is_read_from_its_own_line_or_customer() {
    let r = marketplace();
    let c = cart(json!({"lines": [
        line("T-1", "30.00", json!({"category": "apparel", "tags": ["cotton", "plain"]})),
        line("S-1", "10.00", json!({"category": "apparel", "tags": ["wool", "socks"]})),
        line("S-2", "10.00", json!({"category": "apparel", "tags": []})),
    ]}));
    let vip = bind(&r, &c, &customer(json!({"attributes": {"tags": ["new", "vip"], "first_order": false}}))).unwrap();
    let socks = r.promotions.iter().find(|p| p.name.starts_with("Socks")).unwrap();
    assert!(!holds(&socks.scope, vip.line(0)), "the first line's tags are cotton and plain");
    assert!(holds(&socks.scope, vip.line(1)), "the second line's tags hold socks");
    assert!(!holds(&socks.scope, vip.line(2)), "an empty set has nothing");
    let tiers = r.promotions.iter().find(|p| p.name == "Acme: tiers").unwrap();
    assert!(holds(&tiers.eligible, Some(vip.customer())), "the customer's tags hold vip");
    let plain = bind(&r, &c, &customer(json!({"attributes": {"tags": ["new"], "first_order": false}}))).unwrap();
    assert!(!holds(&tiers.eligible, Some(plain.customer())));
    assert!(holds(&socks.scope, plain.line(1)), "the line's set does not depend on the customer's");
}

#[test]
fn a_bronze_non_fan_is_not_eligible_and_missing_attributes_match_nothing() {
    let r = marketplace();
    let c = cart(json!({"lines": [line("AM-90-BLK", "699.00", json!({}))]}));
    let flash = r.promotions.iter().find(|p| p.name.starts_with("618 flash")).unwrap();
    let bronze = bind(&r, &c, &customer(json!({"attributes": {"tier": "bronze", "is_fan": false}}))).unwrap();
    assert!(!holds(&flash.eligible, Some(bronze.customer())));
    let nobody = bind(&r, &c, &customer(json!({}))).unwrap();
    assert!(!holds(&flash.eligible, Some(nobody.customer())), "no tier, no fan flag: not eligible");
    // `scope shoes` is `category == "shoes" and brand != "Acme"`: with no brand the `!=` is false too.
    let every = r.promotions.iter().find(|p| p.name.starts_with("Acme shoes")).unwrap();
    assert!(!holds(&every.scope, nobody.line(0)));
}

#[test]
fn bad_inputs_name_the_place() {
    let r = marketplace();
    let cases = [
        (
            json!({"lines": [line("A", "1.00", json!({}))]}),
            json!({"attributes": {"tier": "diamond"}}),
            "customer.attributes.tier",
            "expected one of bronze, silver, gold, platinum (`tier`), found \"diamond\"",
        ),
        (
            json!({"lines": [line("A", "1.00", json!({}))]}),
            json!({"attributes": {"is_fan": "yes"}}),
            "customer.attributes.is_fan",
            "expected true or false, found \"yes\"",
        ),
        (
            json!({"lines": [line("A", "1.00", json!({"tags": "new"}))]}),
            json!({}),
            "cart.lines[0].attributes.tags",
            "expected a list, found \"new\"",
        ),
        (
            json!({"lines": [line("A", "1.00", json!({"category": 7}))]}),
            json!({}),
            "cart.lines[0].attributes.category",
            "expected text, found 7",
        ),
        (
            json!({"lines": [line("A", "1.00", json!({})), line("A", "2.00", json!({}))]}),
            json!({}),
            "cart.lines[1].id",
            "line id `A` is used twice",
        ),
        (
            // The first line whose id an earlier line has is named, whatever repeats later.
            json!({"lines": [line("B", "1.00", json!({})), line("A", "1.00", json!({})), line("B", "1.00", json!({})), line("A", "1.00", json!({}))]}),
            json!({}),
            "cart.lines[2].id",
            "line id `B` is used twice",
        ),
        (
            // Problems are reported in cart order: a bad line before the repeated id comes first.
            json!({"lines": [{"id": "x", "sku": "A", "unit_price": "1.00", "quantity": 0}, line("A", "1.00", json!({})), line("A", "1.00", json!({}))]}),
            json!({}),
            "cart.lines[0].quantity",
            "expected at least 1",
        ),
        (
            json!({"lines": [line("A", "1.00", json!({"tags": ["new", 7]}))]}),
            json!({}),
            "cart.lines[0].attributes.tags[1]",
            "expected text, found 7",
        ),
        (
            json!({"lines": [{"id": "x", "sku": "A", "unit_price": "1.005", "quantity": 1}]}),
            json!({}),
            "cart.lines[0].unit_price",
            "1.005 has more decimals than CNY allows (2)",
        ),
        (
            json!({"lines": [{"id": "x", "sku": "A", "unit_price": "1.00", "quantity": 0}]}),
            json!({}),
            "cart.lines[0].quantity",
            "expected at least 1",
        ),
        (
            json!({"currency": "USD", "lines": []}),
            json!({}),
            "cart.currency",
            "the ruleset prices in CNY, but the cart is in USD",
        ),
        (
            json!({"lines": [line("A", "1.00", json!({"launched": "yesterday"}))]}),
            json!({}),
            "cart.lines[0].attributes.launched",
            "expected a time like \"2026-06-18T10:00:00+08:00\"",
        ),
    ];
    for (c, cu, place, message) in cases {
        let e = err(&r, c, cu);
        assert_eq!(e.place, place);
        assert!(e.message.starts_with(message), "{} does not start with {message}", e.message);
    }
}

#[test]
fn attributes_are_found_among_unknown_names() {
    let r = marketplace();
    // Names the schema lacks before, between and after the ones it has, written in any order:
    // each known one is bound, the rest ignored.
    let first = json!({"zz-last": 1, "category": "electronics", "aaa-first": true, "brand": "Sonic", "colour": "red"});
    let second = json!({"tags": ["refurbished"], "brand": "Sonic", "size": "M", "category": "electronics"});
    let c = cart(json!({"lines": [line("EB-1", "299.00", first), line("EB-2", "299.00", second)]}));
    let cu = customer(json!({"attributes": {"a": 1, "channel": "app", "tier": "gold", "zzz": 2}}));
    let bound = bind(&r, &c, &cu).unwrap();
    let earbuds = r.promotions.iter().find(|p| p.name.starts_with("Earbuds")).unwrap();
    assert!(holds(&earbuds.scope, bound.line(0)), "brand and category among unknown names are read");
    assert!(!holds(&earbuds.scope, bound.line(1)), "the tags after an unknown name are read: refurbished is excepted");
    assert!(holds(&earbuds.eligible, Some(bound.customer())), "the channel after an unknown name is read");
    // Two bad attributes: the first by name is the one named, as the cart's attributes are read.
    let e = err(&r, json!({"lines": [line("A", "1.00", json!({"tags": "new", "category": 7, "x": 1}))]}), json!({}));
    assert_eq!(e.place, "cart.lines[0].attributes.category");
}

#[test]
fn trailing_zeros_beyond_the_minor_unit_are_accepted() {
    let r = marketplace();
    let c = cart(json!({"lines": [{"id": "x", "sku": "A", "unit_price": "10.500", "quantity": 2}]}));
    let bound = bind(&r, &c, &customer(json!({}))).unwrap();
    assert_eq!(bound.len(), 1);
    let o = promo::runtime::price(&r, &c, &customer(json!({})), &promo::runtime::input::State::default(), 0).unwrap();
    assert_eq!(o.subtotal, rust_decimal::Decimal::new(2100, 2), "10.500 CNY × 2 = 21.00");
}

#[test]
fn unknown_fields_and_numeric_money_are_refused_by_the_reader() {
    let unknown = serde_json::from_value::<Cart>(json!({"lines": [], "cupons": []})).unwrap_err();
    assert!(unknown.to_string().contains("unknown field `cupons`"), "{unknown}");
    let numeric =
        serde_json::from_str::<Cart>(r#"{"lines": [{"id": "x", "sku": "A", "unit_price": 0.1, "quantity": 1}]}"#);
    assert!(numeric.is_err(), "money must be a decimal string, never a float: {numeric:?}");
}

#[test]
fn amounts_too_large_to_price_are_refused_not_a_panic() {
    let r = marketplace();
    let e = err(
        &r,
        json!({"lines": [{"id": "x", "sku": "A", "unit_price": "79228162514264337593543950335", "quantity": 4000000000u32}]}),
        json!({}),
    );
    assert_eq!(e.place, "cart.lines[0]");
    assert!(e.message.contains("too large"), "{}", e.message);
}
