//! The scope index: which promotions a line can match, looked up by the values their scopes
//! require. Every promotion whose scope holds on a line must be listed for it; a promotion
//! indexed by a value the line lacks must not be.

// A failing test panics: that is how it reports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use std::collections::BTreeMap;

use promo::runtime::Prepared;
use promo::runtime::bind::bind_with;
use promo::runtime::input::{Cart, Customer, Line};
use rust_decimal::Decimal;

const RULESET: &str = r#"
settings { currency USD }
promotion "sku A"          { level item  scope sku == "A"                          discount 1% }
promotion "x or y"         { level item  scope category in ["x", "y"]              discount 2% }
promotion "A or B"         { level item  scope sku in ["A", "B"]                   discount 3% }
promotion "x and B"        { level store scope category == "x" and sku == "B"      discount 4% }
promotion "everything"     { level store scope all                                 discount 5% }
promotion "not gift cards" { level store scope all except category == "gifts"      discount 6% }
promotion "sku C"          { level item  scope sku == "C"                          discount 7% }
promotion "brand Z"        { level item  scope brand == "Z"                        discount 8% }
"#;

/// A line of `sku` in `category`, of brand `brand` when given.
fn line(id: &str, sku: &str, category: &str, brand: Option<&str>) -> Line {
    let mut attributes = BTreeMap::new();
    attributes.insert("category".into(), serde_json::json!(category));
    if let Some(brand) = brand {
        attributes.insert("brand".into(), serde_json::json!(brand));
    }
    Line { id: id.into(), sku: sku.into(), unit_price: Decimal::new(1000, 2), quantity: 1, attributes }
}

/// The names of the promotions the index lists for each line of `lines`.
fn listed(prepared: &Prepared, lines: Vec<Line>) -> Vec<Vec<String>> {
    let cart = Cart { currency: None, lines, coupons: vec![], choose: vec![] };
    let bound = bind_with(&prepared.ruleset, &prepared.binder, &cart, &Customer::default()).unwrap();
    bound
        .lines()
        .map(|row| {
            let found = prepared.index.candidates(row);
            assert!(found.windows(2).all(|w| w[0] < w[1]), "ascending, each once: {found:?}");
            found.iter().map(|&i| prepared.ruleset.promotions[i as usize].name.to_string()).collect()
        })
        .collect()
}

#[test]
fn a_line_is_listed_the_promotions_indexed_by_its_values_and_those_indexed_by_none() {
    let prepared = Prepared::new(promo::scenario::compile_text(RULESET).unwrap());
    let lines = vec![
        line("1", "A", "x", None),
        line("2", "B", "y", Some("Z")),
        line("3", "B", "x", None),
        line("4", "Q", "gifts", None),
        // Values the ruleset never mentions: only the promotions indexed by none.
        line("5", "unknown", "unknown", Some("unknown")),
        // Values the ruleset mentions, but of other attributes: a SKU named as a category
        // (whose symbol lies outside the categories' span) and a category named as a SKU.
        line("6", "x", "A", Some("y")),
    ];
    let unindexed = ["everything", "not gift cards"];
    let with = |names: &[&str]| -> Vec<String> {
        let mut all: Vec<&str> = names.to_vec();
        all.extend(unindexed);
        let order: Vec<&str> = RULESET.lines().filter_map(|l| l.split('"').nth(1)).collect();
        all.sort_by_key(|n| order.iter().position(|o| o == n));
        all.into_iter().map(String::from).collect()
    };
    assert_eq!(
        listed(&prepared, lines),
        vec![
            // `x and B` is indexed by the first value its scope requires (category == "x"):
            // listed for every line in x, and its scope then decides.
            with(&["sku A", "x or y", "A or B", "x and B"]),
            with(&["x or y", "A or B", "brand Z"]),
            with(&["x or y", "A or B", "x and B"]),
            with(&[]),
            with(&[]),
            with(&[]),
        ]
    );
}

#[test]
fn only_a_promotion_indexed_by_its_whole_scope_is_exact() {
    let prepared = Prepared::new(promo::scenario::compile_text(RULESET).unwrap());
    let exact: Vec<bool> = (0..prepared.ruleset.promotions.len()).map(|i| prepared.index.exact(i)).collect();
    assert_eq!(exact, [true, true, true, false, false, false, true, true]);
}
