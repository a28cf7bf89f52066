//! Properties of pricing over random carts against rulesets that mix every kind and level, in
//! both calculation modes: the money always adds up, no line goes below zero, the same inputs
//! give the same outcome, and the chosen combination is never worse for the customer than any
//! single promotion alone.

// A failing test panics: that is how it reports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod support;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use promo::runtime::bind::InputError;
use promo::runtime::input::{Cart, Customer, Line, State};
use promo::runtime::price::best_value_exhaustive;
use promo::runtime::{CompiledRuleset, Engine, Prepared, price, price_prepared};
use proptest::prelude::*;
use rust_decimal::Decimal;

const MIXED: &str = r#"
settings { currency USD  calculation MODE }
promotion "sp"    { level item     scope sku == "A"             price 7.00 }
promotion "pct"   { level item     scope category == "c1"       discount 15% }
promotion "amt"   { level item     scope sku == "B"             discount 2.50 }
promotion "tiers" { level store    scope category in ["c1", "c2"] discount 5.00 when spend 30.00, 12.00 when spend 60.00 }
promotion "every" { level platform scope all                    discount 4.00 every 25.00 up to 5 times }
promotion "mfn"   { level store    scope category == "c2"       buy 3 for 20.00 }
promotion "bg"    { level item     scope category == "c3"       buy 2 get 1 free }
promotion "half"  { level item     scope sku == "C"             buy 1 get 1 at 50% }
promotion "pack"  { level item     scope category == "c3"       bundle ["D", "E"] at 9.00 }
promotion "gift"  { level store    scope all                    gift "G" worth 3.33 when spend 40.00 }
promotion "excl"  { level item     scope sku == "E"             discount 40%  exclusive }
promotion "cpn"   { level platform scope all coupon "X1"        discount 10% }
promotion "lim"   { level item     scope sku == "F"             price 1.00  limit 2 per customer  stock 3 }
"#;

fn ruleset(mode: &str) -> CompiledRuleset {
    promo::scenario::compile_text(&MIXED.replace("MODE", mode)).unwrap()
}

fn rulesets() -> &'static [CompiledRuleset; 2] {
    static R: OnceLock<[CompiledRuleset; 2]> = OnceLock::new();
    R.get_or_init(|| [ruleset("parallel"), ruleset("progressive")])
}

fn line() -> impl Strategy<Value = (usize, i64, u32, usize)> {
    (0usize..7, 0i64..5000, 1u32..5, 0usize..2)
}

fn cart(lines: &[(usize, i64, u32, usize)], coupon: bool) -> Cart {
    let skus = [("A", "c1"), ("B", "c1"), ("C", "c2"), ("D", "c3"), ("E", "c3"), ("F", "c2"), ("H", "c4")];
    Cart {
        currency: None,
        lines: lines
            .iter()
            .enumerate()
            .map(|(i, &(s, cents, qty, shop))| {
                let (sku, category) = skus[s];
                let mut attributes = BTreeMap::new();
                attributes.insert("category".into(), serde_json::json!(category));
                attributes.insert("merchant".into(), serde_json::json!(["m1", "m2"][shop]));
                Line {
                    id: format!("l{i}").into(),
                    sku: sku.into(),
                    unit_price: Decimal::new(cents, 2),
                    quantity: qty,
                    attributes,
                }
            })
            .collect(),
        coupons: if coupon { vec!["X1".into()] } else { vec![] },
        choose: vec![],
    }
}

fn cents(d: Decimal) -> bool {
    d.normalize().scale() <= 2
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn the_money_adds_up(lines in proptest::collection::vec(line(), 1..8), coupon in any::<bool>(), mode in 0usize..2) {
        let r = &rulesets()[mode];
        let c = cart(&lines, coupon);
        let o = price(r, &c, &Customer::default(), &State::default(), 0).unwrap();
        let mut subtotal = Decimal::ZERO;
        let mut discounts = Decimal::ZERO;
        for l in &o.lines {
            prop_assert!(l.final_line_price >= Decimal::ZERO, "line {} below zero: {}", l.id, l.final_line_price);
            prop_assert!(l.final_line_price <= l.line_price);
            prop_assert_eq!(l.allocations.iter().map(|a| a.amount).sum::<Decimal>(), l.discount);
            prop_assert_eq!(l.line_price - l.discount, l.final_line_price);
            prop_assert!(cents(l.discount) && cents(l.final_line_price) && cents(l.final_unit_price));
            subtotal += l.line_price;
            discounts += l.discount;
        }
        prop_assert_eq!(o.subtotal, subtotal);
        prop_assert_eq!(o.discount_total, discounts);
        prop_assert_eq!(o.discounts.iter().map(|d| d.amount).sum::<Decimal>(), discounts, "per-promotion totals = per-line allocations");
        prop_assert_eq!(o.total, subtotal - discounts);
        for g in &o.gifts {
            let value = (g.worth * Decimal::from(g.quantity)).round_dp(2);
            prop_assert_eq!(g.allocations.iter().map(|a| a.amount).sum::<Decimal>(), value, "gift allocations sum to its value");
        }
    }

    #[test]
    fn the_same_inputs_give_the_same_outcome(lines in proptest::collection::vec(line(), 1..8), mode in 0usize..2) {
        let r = &rulesets()[mode];
        let c = cart(&lines, true);
        let a = serde_json::to_string(&price(r, &c, &Customer::default(), &State::default(), 0).unwrap()).unwrap();
        let b = serde_json::to_string(&price(r, &c, &Customer::default(), &State::default(), 0).unwrap()).unwrap();
        prop_assert_eq!(a, b);
    }

    /// A pricing reads the state's entries by promotion name however many it has: walked once
    /// when there are few, looked up promotion by promotion when there are many more than the
    /// cart matched. Entries naming no promotion of the ruleset change nothing either way, nor
    /// do entries of promotions without the clause they would count for (spec/inputs.md).
    #[test]
    fn the_state_reads_the_same_however_many_entries_it_has(
        lines in proptest::collection::vec(line(), 1..8),
        used in 0u64..4,
        stock in 0u64..4,
        mode in 0usize..2,
    ) {
        let r = &rulesets()[mode];
        let c = cart(&lines, true);
        let mut state = State::default();
        state.used_by_customer.insert("lim".into(), used);
        state.stock_left.insert("lim".into(), stock);
        let few = serde_json::to_string(&price(r, &c, &Customer::default(), &state, 0).unwrap()).unwrap();
        state.stock_left.insert("sp".into(), 0);
        state.used_by_customer.insert("pct".into(), 9);
        state.budget_left.insert("tiers".into(), Decimal::ZERO);
        state.group_members.insert("bg".into(), 3);
        let without_clauses = serde_json::to_string(&price(r, &c, &Customer::default(), &state, 0).unwrap()).unwrap();
        prop_assert_eq!(&few, &without_clauses);
        for i in 0..200 {
            state.used_by_customer.insert(format!("retired {i}"), 1);
            state.stock_left.insert(format!("retired {i}"), 0);
        }
        let many = serde_json::to_string(&price(r, &c, &Customer::default(), &state, 0).unwrap()).unwrap();
        prop_assert_eq!(few, many);
    }

    /// A thread keeps its buffer of stand-alone results from one pricing to the next: what an
    /// earlier pricing (a larger cart, the other calculation) left in it must not change the next.
    #[test]
    fn a_pricing_does_not_see_the_one_before_it(
        before in proptest::collection::vec(line(), 1..8),
        lines in proptest::collection::vec(line(), 1..4),
        mode in 0usize..2,
    ) {
        let r = &rulesets()[mode];
        // Without the coupon its promotion is not available: not evaluated alone, so whatever the
        // buffer held at its place would stay there.
        let c = cart(&lines, false);
        let fresh = {
            let (r, c) = (r.clone(), c.clone());
            std::thread::spawn(move || serde_json::to_string(&price(&r, &c, &Customer::default(), &State::default(), 0).unwrap()).unwrap())
                .join()
                .unwrap()
        };
        price(&rulesets()[1 - mode], &cart(&before, true), &Customer::default(), &State::default(), 0).unwrap();
        let after = serde_json::to_string(&price(r, &c, &Customer::default(), &State::default(), 0).unwrap()).unwrap();
        prop_assert_eq!(fresh, after);
    }

    #[test]
    fn never_worse_than_any_single_promotion(lines in proptest::collection::vec(line(), 1..7), coupon in any::<bool>(), mode in 0usize..2) {
        let r = &rulesets()[mode];
        let c = cart(&lines, coupon);
        let best = price(r, &c, &Customer::default(), &State::default(), 0).unwrap();
        prop_assume!(best.search.complete);
        for p in &r.promotions {
            // The outcome of the customer choosing only this promotion is a feasible alternative.
            let mut only = c.clone();
            only.choose = vec![p.name.to_string()];
            let alone = price(r, &only, &Customer::default(), &State::default(), 0).unwrap();
            let single: Decimal = alone.discounts.iter().filter(|d| d.promotion == p.name).map(|d| d.amount).sum();
            prop_assert!(best.discount_total >= single, "`{}` alone saves {single}, the chosen combination {}", p.name, best.discount_total);
        }
    }

    /// The search is exact: its choice is worth as much to the customer (discount, then gift
    /// value) as the best of every feasible combination, each evaluated in full.
    #[test]
    fn the_search_finds_the_best_of_every_combination(lines in proptest::collection::vec(line(), 1..8), coupon in any::<bool>(), mode in 0usize..2) {
        let r = &rulesets()[mode];
        let prepared = Prepared::new(r.clone());
        let c = cart(&lines, coupon);
        let (customer, state) = (Customer::default(), State::default());
        let chosen = price(r, &c, &customer, &state, 0).unwrap();
        prop_assume!(chosen.search.complete);
        let (discount, gifts) = best_value_exhaustive(&prepared, &c, &customer, &state, 0, 13).unwrap().unwrap();
        let gift_value: Decimal = chosen.gifts.iter().map(|g| g.worth * Decimal::from(g.quantity)).sum();
        prop_assert_eq!((chosen.discount_total, gift_value), (discount, gifts));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 100, ..ProptestConfig::default() })]

    /// Prices and quantities at the limits Promo accepts never overflow or panic, and the money
    /// still adds up.
    #[test]
    fn extreme_amounts_price_without_panic(lines in proptest::collection::vec((0usize..7, 0u32..1000, 0usize..2), 1..6), mode in 0usize..2) {
        let r = &rulesets()[mode];
        // Line amounts close to the 10^15 bound (amounts in cents).
        let big: Vec<(usize, i64, u32, usize)> =
            lines.iter().map(|&(s, q, shop)| (s, 9_999_999_999_999_999 / i64::from(q.max(1)), q.max(1), shop)).collect();
        let c = cart(&big, true);
        let o = price(r, &c, &Customer::default(), &State::default(), 0).unwrap();
        prop_assert_eq!(o.total, o.subtotal - o.discount_total);
        prop_assert!(o.lines.iter().all(|l| l.final_line_price >= Decimal::ZERO));
    }
}

/// Seventy item-level promotions on one line all clash: one search component wider than a
/// 64-bit word, so its clash rows and blocked sets span two words. The best is chosen wherever it
/// sits, with a store-level threshold beside it; a customer's choice is honoured and the better
/// choice suggested.
#[test]
fn a_component_wider_than_a_word_finds_the_best() {
    let mut text = String::from("settings { currency USD }\n");
    for k in 0..70 {
        // p66 gives the most: 90.00 off; the others 1.00 to 70.00.
        let off = if k == 66 { 90 } else { k + 1 };
        text.push_str(&format!("promotion \"p{k}\" {{ level item scope sku == \"A\" discount {off}.00 }}\n"));
    }
    text.push_str("promotion \"store\" { level store scope all discount 5.00 when spend 10.00 }\n");
    let prepared = Prepared::new(promo::scenario::compile_text(&text).unwrap());
    let mut attributes = BTreeMap::new();
    attributes.insert("category".into(), serde_json::json!("c1"));
    let mut c = Cart {
        currency: None,
        lines: vec![Line {
            id: "l1".into(),
            sku: "A".into(),
            unit_price: Decimal::new(10000, 2),
            quantity: 1,
            attributes,
        }],
        coupons: vec![],
        choose: vec![],
    };
    let (customer, state) = (Customer::default(), State::default());
    let o = promo::runtime::price_prepared(&prepared, &c, &customer, &state, 0).unwrap();
    assert_eq!(applied(&o), ["p66", "store"]);
    assert_eq!(o.discount_total, Decimal::new(9500, 2));
    assert_eq!(o.total, Decimal::new(500, 2));
    assert!(o.search.complete);

    c.choose = vec!["p3".into()];
    let o = promo::runtime::price_prepared(&prepared, &c, &customer, &state, 0).unwrap();
    assert_eq!(applied(&o), ["p3", "store"]);
    assert_eq!(o.discount_total, Decimal::new(900, 2));
    assert_eq!(o.switch_suggestions.len(), 1);
    assert_eq!(o.switch_suggestions[0].choose, ["p66", "store"]);
    assert_eq!(o.switch_suggestions[0].saves, Decimal::new(8600, 2));
}

/// A component whose values pass what 64 bits hold: a hundred lines at the 10^15 bound, two
/// promotions on all of them. The search adds and compares such values in 128 bits (it uses 64
/// only where every value it can reach fits), and chooses exactly.
#[test]
fn a_search_beyond_64_bits_chooses_exactly() {
    let text = "settings { currency USD }\n\
        promotion \"all at 0.01\" { level item scope all price 0.01 }\n\
        promotion \"all 90% off\" { level item scope all discount 90% }\n";
    let prepared = Prepared::new(promo::scenario::compile_text(text).unwrap());
    let c = Cart {
        currency: None,
        lines: (0..100)
            .map(|k| Line {
                id: format!("l{k}").into(),
                sku: format!("S{k}").into(),
                // 10^15, the largest line amount Promo prices: 10^17 cents, 10^19 for the cart.
                unit_price: Decimal::new(1_000_000_000_000_000, 0),
                quantity: 1,
                attributes: BTreeMap::new(),
            })
            .collect(),
        coupons: vec![],
        choose: vec![],
    };
    let o = promo::runtime::price_prepared(&prepared, &c, &Customer::default(), &State::default(), 0).unwrap();
    // 100 × (10^15 − 0.01) off, against 100 × 0.9 × 10^15: the special price saves more.
    assert_eq!(applied(&o), ["all at 0.01"]);
    assert_eq!(o.discount_total, "99999999999999999.00".parse::<Decimal>().unwrap());
    assert_eq!(o.total, Decimal::new(100, 2));
    assert!(o.search.complete);
}

/// The promotions that gave a discount, in the order they applied.
fn applied(o: &promo::runtime::Outcome) -> Vec<&str> {
    o.discounts.iter().map(|d| d.promotion.as_str()).collect()
}

/// The outcome of the ruleset `text` on a cart of one unit of SKU "A" at 10.00.
fn price_one_line_of_a_at_ten(text: &str) -> promo::runtime::Outcome {
    let prepared = Prepared::new(promo::scenario::compile_text(text).unwrap());
    let c = Cart {
        currency: None,
        lines: vec![Line {
            id: "l1".into(),
            sku: "A".into(),
            unit_price: Decimal::new(1000, 2),
            quantity: 1,
            attributes: BTreeMap::new(),
        }],
        coupons: vec![],
        choose: vec![],
    };
    promo::runtime::price_prepared(&prepared, &c, &Customer::default(), &State::default(), 0).unwrap()
}

/// Under parallel calculation a promotion that conflicts with none still undecided is not also
/// tried left out (spec/evaluation.md §5). Here the stand-alone gains overstate what they give
/// together (the line is clamped at zero), so the bound alone cannot cut those branches: without
/// the rule the search evaluates more combinations, and it chooses the same set either way.
#[test]
fn parallel_search_does_not_try_leaving_out_what_blocks_nothing() {
    let text = r#"
settings { currency USD }
promotion "sp"    { level item  scope sku == "A" price 1.00 }
promotion "two"   { level item  scope sku == "A" discount 2.00 }
promotion "five"  { level store scope all discount 5.00 when spend 6.00 }
promotion "gift"  { level store scope all gift "G" worth 1.00 when spend 5.00 }
"#;
    let o = price_one_line_of_a_at_ten(text);
    assert_eq!(applied(&o), ["sp", "five"]);
    // 9.00 from the special price, then the 5.00 cut to the 1.00 left: the line costs 0.
    assert_eq!(o.discount_total, Decimal::new(1000, 2));
    assert_eq!(o.gifts.len(), 1);
    assert!(o.search.complete);
    // {sp, five, gift}; without the rule, {sp, five} is evaluated too (its bound, 14.00, is above
    // the 10.00 found), and the count is 2.
    assert_eq!(o.search.evaluated, 1);
}

/// Under parallel calculation the search's bound counts the promotions already chosen at what they
/// give together, not at the sum of what each gives alone (spec/evaluation.md §5). Left without
/// "sp", {five, four, two} give 11.00 alone but only 10.00 together (the line is clamped at zero):
/// no more than the 10.00 found first, so that combination is not valued.
#[test]
fn parallel_search_bounds_what_is_chosen_by_its_value_together() {
    let text = r#"
settings { currency USD }
promotion "sp"    { level item     scope sku == "A" price 1.00 }
promotion "two"   { level item     scope sku == "A" discount 2.00 }
promotion "five"  { level store    scope all discount 5.00 when spend 6.00 }
promotion "four"  { level platform scope all discount 4.00 when spend 5.00 }
"#;
    let o = price_one_line_of_a_at_ten(text);
    // 9.00 from the special price, the 5.00 cut to the 1.00 left, nothing left for the 4.00.
    assert_eq!(applied(&o), ["sp", "five"]);
    assert_eq!(o.discount_total, Decimal::new(1000, 2));
    assert_eq!(o.total, Decimal::ZERO);
    assert!(o.search.complete);
    // {sp, five, four} only; bounded by the sum of stand-alone gains (11.00 for {five, four,
    // two}), the search would value that combination too, and the count would be 2.
    assert_eq!(o.search.evaluated, 1);
}

/// Choosing a member takes the gains of the members it newly blocks out of what the rest could
/// add (spec/evaluation.md §5), so the bound is tight inside the branch that chose it. Here two
/// item-level price changes clash, and two store-level ones: with "five" and "one-fifty" chosen
/// (6.50), leaving "one-fifty" out can add at most "one-twenty-five" (1.25), not the blocked
/// "three" too — the bound is 6.25, below 6.50, and that branch is not valued.
#[test]
fn choosing_a_member_takes_the_gains_it_blocks_out_of_the_bound() {
    let text = r#"
settings { currency USD }
promotion "five"            { level item  scope sku == "A" discount 5.00 }
promotion "three"           { level item  scope sku == "A" discount 3.00 }
promotion "one-fifty"       { level store scope all discount 1.50 when spend 2.00 }
promotion "one-twenty-five" { level store scope all discount 1.25 when spend 2.00 }
"#;
    let o = price_one_line_of_a_at_ten(text);
    assert_eq!(applied(&o), ["five", "one-fifty"]);
    assert_eq!(o.total, Decimal::new(350, 2));
    assert!(o.search.complete);
    // With "three" still counted as open after "five" blocks it, the bound would be 9.25 and
    // {five, one-twenty-five} (6.25) valued too: 2.
    assert_eq!(o.search.evaluated, 1);
}

/// A cart large enough (300 scope matches) that availability groups its matches by promotion
/// with the radix sort: each line gets exactly its own category's promotion, and the money adds
/// up (debug builds also check the matches come out ordered by promotion, then line).
#[test]
fn a_large_cart_groups_each_promotions_lines() {
    let text = r#"
settings { currency USD }
promotion "c0" { level item scope category == "c0" discount 10% }
promotion "c1" { level item scope category == "c1" discount 20% }
promotion "c2" { level item scope category == "c2" discount 30% }
"#;
    let prepared = Prepared::new(promo::scenario::compile_text(text).unwrap());
    let c = Cart {
        currency: None,
        lines: (0..300)
            .map(|i| {
                let mut attributes = BTreeMap::new();
                attributes.insert("category".into(), serde_json::json!(format!("c{}", i % 3)));
                Line {
                    id: format!("l{i}").into(),
                    sku: format!("S{i}").into(),
                    unit_price: Decimal::new(200, 2),
                    quantity: 1,
                    attributes,
                }
            })
            .collect(),
        coupons: vec![],
        choose: vec![],
    };
    let o = promo::runtime::price_prepared(&prepared, &c, &Customer::default(), &State::default(), 0).unwrap();
    for (i, line) in o.lines.iter().enumerate() {
        let k = i % 3;
        assert_eq!(line.candidates.len(), 1, "line {i}");
        assert_eq!(line.candidates[0].promotion, format!("c{k}"), "line {i}");
        assert_eq!(line.allocations.len(), 1, "line {i}");
        // 2.00 at 10 %, 20 % or 30 % off.
        assert_eq!(line.final_line_price, Decimal::new(200 - 20 * (k as i64 + 1), 2), "line {i}");
    }
    // 100 lines each: 20.00 + 40.00 + 60.00 off 600.00.
    assert_eq!(o.subtotal, Decimal::new(60000, 2));
    assert_eq!(o.discount_total, Decimal::new(12000, 2));
    assert_eq!(o.total, Decimal::new(48000, 2));
}

/// A promotion named as real ones are (more than the 23 bytes a `SmolStr` holds inline) is named
/// in the outcome by a static text, copied without a reference count — every candidate,
/// allocation, discount and trace step — and the words are the ruleset's.
#[test]
fn long_promotion_names_are_copied_without_a_reference_count() {
    let text = r#"
settings { currency USD }
promotion "Acme shoes: every 300 off 40, at most 3 times" { level store scope category == "shoes" discount 40.00 every 300.00 up to 3 times }
promotion "Shoes: 10 % off, one of the items of a shop"   { level item  scope category == "shoes" discount 10% }
"#;
    let prepared = Prepared::new(promo::scenario::compile_text(text).unwrap());
    let mut attributes = BTreeMap::new();
    attributes.insert("category".into(), serde_json::json!("shoes"));
    let line = |id: &str, cents: i64| Line {
        id: id.into(),
        sku: "RUN".into(),
        unit_price: Decimal::new(cents, 2),
        quantity: 1,
        attributes: attributes.clone(),
    };
    let c = Cart { currency: None, lines: vec![line("a", 32000), line("b", 4500)], coupons: vec![], choose: vec![] };
    let o = promo::runtime::price_prepared(&prepared, &c, &Customer::default(), &State::default(), 0).unwrap();
    // 365.00: 40.00 off once at store level, and 10 % of each line at item level (parallel).
    assert_eq!(o.discount_total, Decimal::new(4000 + 3200 + 450, 2));
    let mut named = 0;
    for line in &o.lines {
        for c in &line.candidates {
            assert!(c.promotion.len() > 23 && !c.promotion.is_heap_allocated(), "{:?}", c.promotion);
            named += 1;
        }
        for a in &line.allocations {
            assert!(!a.promotion.is_heap_allocated(), "{:?}", a.promotion);
        }
    }
    assert_eq!(named, 4, "two candidates a line");
    for d in &o.discounts {
        assert!(!d.promotion.is_heap_allocated(), "{:?}", d.promotion);
    }
    let names: Vec<&str> = o.discounts.iter().map(|d| d.promotion.as_str()).collect();
    assert_eq!(names, ["Shoes: 10 % off, one of the items of a shop", "Acme shoes: every 300 off 40, at most 3 times"]);
}

/// The units a per-customer limit and stock leave come from the state's entries of the promotion,
/// whether the state holds a few entries (read once, by the promotions' places) or many more
/// than the cart matched (each looked up by name), and an entry of stock exhausted withdraws it.
#[test]
fn the_state_limits_a_promotion_by_its_own_entries() {
    let text = r#"
settings { currency USD }
promotion "Flash: F at 1.00, 2 a customer" { level item scope sku == "F" price 1.00 limit 2 per customer stock 3 }
promotion "Other"                          { level item scope sku == "G" price 1.00 stock 10 }
"#;
    let prepared = Prepared::new(promo::scenario::compile_text(text).unwrap());
    let flash = "Flash: F at 1.00, 2 a customer";
    let c = Cart {
        currency: None,
        lines: vec![Line {
            id: "l0".into(),
            sku: "F".into(),
            unit_price: Decimal::new(500, 2),
            quantity: 4,
            attributes: BTreeMap::new(),
        }],
        coupons: vec![],
        choose: vec![],
    };
    let total =
        |state: &State| promo::runtime::price_prepared(&prepared, &c, &Customer::default(), state, 0).unwrap().total;
    // Nothing used: 2 units at 1.00, 2 at 5.00.
    assert_eq!(total(&State::default()), Decimal::new(1200, 2));
    // One used of the customer's two: 1 unit at 1.00, 3 at 5.00.
    let mut state = State::default();
    state.used_by_customer.insert(flash.into(), 1);
    state.stock_left.insert(flash.into(), 3);
    state.stock_left.insert("Other".into(), 10);
    assert_eq!(total(&state), Decimal::new(1600, 2));
    // The same with the entries of 100 promotions the ruleset no longer has.
    let mut many = state.clone();
    for i in 0..100 {
        many.used_by_customer.insert(format!("retired {i}"), 2);
        many.stock_left.insert(format!("retired {i}"), 0);
    }
    assert_eq!(total(&many), Decimal::new(1600, 2));
    // Stock exhausted: withdrawn, every unit at 5.00, however many entries the state has.
    state.stock_left.insert(flash.into(), 0);
    many.stock_left.insert(flash.into(), 0);
    assert_eq!(total(&state), Decimal::new(2000, 2));
    assert_eq!(total(&many), Decimal::new(2000, 2));
}

/// Promotions keeping state — stock, a per-customer limit, a budget, a group buy — and one
/// keeping none, on SKUs and categories the carts of [`stateful_cart`] have or lack.
const STATEFUL: &str = r#"
settings { currency USD }
promotion "a-stock"     { level item  scope sku == "A"           discount 10%  stock 5 }
promotion "a-plain"     { level item  scope sku == "A"           discount 1.00 }
promotion "b-limit"     { level item  scope sku == "B"           price 5.00  limit 2 per customer }
promotion "b-budget"    { level store scope sku == "B"           discount 3.00 when spend 10.00  budget 100.00 }
promotion "shoes-stock" { level store scope category == "shoes"  buy 2 get 1 free  stock 50 }
promotion "c-group"     { level item  scope sku == "C"           group of 3 at 2.00 }
promotion "d-stock"     { level item  scope sku == "D"           discount 50%  stock 1 }
"#;

fn stateful() -> &'static Prepared {
    static P: OnceLock<Prepared> = OnceLock::new();
    P.get_or_init(|| Prepared::new(promo::scenario::compile_text(STATEFUL).unwrap()))
}

/// A cart of `lines`, each (SKU of A, B, C, D or Z; category of shoes or hats; cents; units).
fn stateful_cart(lines: &[(usize, usize, i64, u32)]) -> Cart {
    Cart {
        currency: None,
        lines: lines
            .iter()
            .enumerate()
            .map(|(i, &(sku, category, cents, quantity))| {
                let mut attributes = BTreeMap::new();
                attributes.insert("category".into(), serde_json::json!(["shoes", "hats"][category]));
                Line {
                    id: format!("l{i}").into(),
                    sku: ["A", "B", "C", "D", "Z"][sku].into(),
                    unit_price: Decimal::new(cents, 2),
                    quantity,
                    attributes,
                }
            })
            .collect(),
        coupons: vec![],
        choose: vec![],
    }
}

fn needed(lines: &[(usize, usize, i64, u32)]) -> Vec<String> {
    let needed = stateful().state_needed(&stateful_cart(lines), &Customer::default()).unwrap();
    needed.iter().map(|n| n.to_string()).collect()
}

#[test]
fn the_state_needed_is_that_of_the_promotions_on_the_carts_lines_that_keep_state() {
    // A's promotions: the one with stock, not the one keeping nothing.
    assert_eq!(needed(&[(0, 1, 2000, 1)]), ["a-stock"]);
    // B in shoes and A: in the ruleset's order, each once.
    assert_eq!(
        needed(&[(1, 0, 2000, 1), (0, 1, 2000, 1), (1, 0, 900, 2)]),
        ["a-stock", "b-limit", "b-budget", "shoes-stock"]
    );
    assert_eq!(needed(&[(2, 1, 500, 1)]), ["c-group"]);
    // Nothing on the cart's lines keeps state; an empty cart needs nothing.
    assert!(needed(&[(4, 1, 2000, 1)]).is_empty());
    assert!(needed(&[]).is_empty());
    // Each named is found by its name, as a storefront reads its counters.
    assert_eq!(stateful().promotion_named("b-budget").and_then(|p| p.budget), Some(Decimal::new(10000, 2)));
    assert!(stateful().promotion_named("retired").is_none());
}

#[test]
fn the_state_needed_of_a_malformed_cart_is_the_error_a_pricing_gives() {
    let mut twice = stateful_cart(&[(0, 1, 2000, 1), (1, 1, 2000, 1)]);
    twice.lines[1].id = "l0".into();
    let needed = stateful().state_needed(&twice, &Customer::default()).unwrap_err();
    let priced = price_prepared(stateful(), &twice, &Customer::default(), &State::default(), 0).unwrap_err();
    assert_eq!(needed, priced);
    assert_eq!(needed.place, "cart.lines[1].id", "{needed}");
}

/// The entries of `whole` for the promotions `needed` names, as a storefront reads them.
fn only_needed(whole: &State, needed: &[promo::runtime::SmolStr]) -> State {
    fn only<V: Copy>(map: &BTreeMap<String, V>, needed: &[promo::runtime::SmolStr]) -> BTreeMap<String, V> {
        map.iter().filter(|(name, _)| needed.iter().any(|n| n == name.as_str())).map(|(k, v)| (k.clone(), *v)).collect()
    }
    State {
        used_by_customer: only(&whole.used_by_customer, needed),
        stock_left: only(&whole.stock_left, needed),
        budget_left: only(&whole.budget_left, needed),
        group_members: only(&whole.group_members, needed),
    }
}

/// A storefront's store as `Engine::price_with` reads it: a bad input, or the store down.
#[derive(Debug, PartialEq)]
enum ReadError {
    Input(InputError),
    Down,
}

impl From<InputError> for ReadError {
    fn from(e: InputError) -> ReadError {
        ReadError::Input(e)
    }
}

/// What a storefront keeps for [`STATEFUL`]: A's stock sold out, the customer's whole limit of B
/// bought, B's budget nearly spent.
fn kept_state() -> State {
    let mut whole = State::default();
    whole.stock_left.insert("a-stock".into(), 0);
    whole.stock_left.insert("shoes-stock".into(), 40);
    whole.stock_left.insert("d-stock".into(), 1);
    whole.used_by_customer.insert("b-limit".into(), 2);
    whole.budget_left.insert("b-budget".into(), Decimal::new(150, 2));
    whole.group_members.insert("c-group".into(), 2);
    whole
}

#[test]
fn an_engine_prices_with_the_state_read_for_the_cart_on_one_ruleset() {
    let engine = Engine::new(promo::scenario::compile_text(STATEFUL).unwrap());
    // A at 20.00 (a hat), two B at 9.00 (shoes).
    let cart = stateful_cart(&[(0, 1, 2000, 1), (1, 0, 900, 2)]);
    let whole = kept_state();
    let mut asked = Vec::new();
    let outcome = engine
        .price_with(&cart, &Customer::default(), 0, |needed| {
            asked = needed.iter().map(|n| n.to_string()).collect();
            // A ruleset swapped in while the store is read is not this pricing's.
            engine.swap(promo::scenario::compile_text(HALF_OFF_A).unwrap());
            Ok::<_, ReadError>(only_needed(&whole, needed))
        })
        .unwrap();
    assert_eq!(asked, ["a-stock", "b-limit", "b-budget", "shoes-stock"]);
    assert_eq!(outcome, price_prepared(stateful(), &cart, &Customer::default(), &whole, 0).unwrap());
    // A's stock is sold out (1.00 off, not 10 %); B's units are past the customer's limit (full
    // price) and B's budget caps its 3.00 off at 1.50: 38.00 − 1.00 − 1.50.
    assert_eq!(outcome.total, Decimal::new(3550, 2));
    let applied: Vec<&str> = outcome.discounts.iter().map(|d| d.promotion.as_str()).collect();
    assert_eq!(applied, ["a-plain", "b-budget"]);
    // The next pricing uses the ruleset swapped in: half off A, nothing on B.
    let next = engine.price(&cart, &Customer::default(), &whole, 0).unwrap();
    assert_eq!(next.total, Decimal::new(2800, 2));
}

#[test]
fn an_engine_reads_no_state_for_a_malformed_cart_and_passes_on_the_stores_error() {
    let engine = Engine::new(promo::scenario::compile_text(STATEFUL).unwrap());
    let mut twice = stateful_cart(&[(0, 1, 2000, 1), (1, 1, 2000, 1)]);
    twice.lines[1].id = "l0".into();
    let mut read = false;
    let err = engine
        .price_with(&twice, &Customer::default(), 0, |_| {
            read = true;
            Ok::<_, ReadError>(State::default())
        })
        .unwrap_err();
    assert!(!read, "a malformed cart reads nothing from the store");
    let ReadError::Input(e) = err else { panic!("{err:?}") };
    assert_eq!(e.place, "cart.lines[1].id", "{e}");
    let cart = stateful_cart(&[(0, 1, 2000, 1)]);
    let down = engine.price_with(&cart, &Customer::default(), 0, |_| Err::<State, _>(ReadError::Down));
    assert_eq!(down.unwrap_err(), ReadError::Down);
    let product = &cart.lines[0];
    let down = engine.display_with(product, &Customer::default(), 0, |_| Err::<State, _>(ReadError::Down));
    assert_eq!(down.unwrap_err(), ReadError::Down);
}

#[test]
fn an_engine_displays_a_product_with_the_state_read_for_it() {
    let engine = Engine::new(promo::scenario::compile_text(STATEFUL).unwrap());
    let mut whole = kept_state();
    whole.stock_left.insert("a-stock".into(), 3);
    let product = stateful_cart(&[(0, 1, 2000, 4)]).lines.remove(0);
    let mut asked = Vec::new();
    let shown = engine
        .display_with(&product, &Customer::default(), 0, |needed| {
            asked = needed.iter().map(|n| n.to_string()).collect();
            Ok::<_, ReadError>(only_needed(&whole, needed))
        })
        .unwrap();
    assert_eq!(asked, ["a-stock"]);
    assert_eq!(shown, promo::runtime::display(stateful(), &product, &Customer::default(), &whole, 0).unwrap());
    // One unit of 20.00 at 10 % off, the better of A's two item-level promotions (which do not
    // stack); three units of A's stock left.
    assert_eq!(shown.final_price, Decimal::new(1800, 2));
    let stock: Vec<(&str, u64)> = shown.stock.iter().map(|s| (s.promotion.as_str(), s.left)).collect();
    assert_eq!(stock, [("a-stock", 3)]);
}

#[test]
fn a_choice_of_a_promotion_that_does_not_exist_is_an_error_naming_it() {
    let mut cart = stateful_cart(&[(0, 1, 2000, 1)]);
    cart.choose = vec!["a-plain".into(), "retired".into()];
    let e = price_prepared(stateful(), &cart, &Customer::default(), &State::default(), 0).unwrap_err();
    assert_eq!(e.place, "cart.choose");
    assert_eq!(e.message, "no promotion is called `retired`");
    // A choice of promotions that exist is honoured.
    cart.choose.pop();
    let outcome = price_prepared(stateful(), &cart, &Customer::default(), &State::default(), 0).unwrap();
    assert!(outcome.discounts.iter().any(|d| d.promotion == "a-plain"), "{:?}", outcome.discounts);
}

#[test]
fn a_cart_checked_once_gives_the_state_needed_and_the_pricing_of_two_calls() {
    // A at 20.00 (a hat), two B at 9.00 (shoes), as a storefront prices them.
    let cart = stateful_cart(&[(0, 1, 2000, 1), (1, 0, 900, 2)]);
    let whole = kept_state();
    let checked = stateful().check(&cart, &Customer::default()).unwrap();
    let needed = checked.state_needed();
    assert_eq!(needed, stateful().state_needed(&cart, &Customer::default()).unwrap());
    assert_eq!(needed, ["a-stock", "b-limit", "b-budget", "shoes-stock"]);
    let outcome = checked.price(&only_needed(&whole, &needed), 0);
    assert_eq!(outcome, price_prepared(stateful(), &cart, &Customer::default(), &whole, 0).unwrap());
    assert_eq!(outcome.total, Decimal::new(3550, 2));
    // Priced again with no state kept (everything left): the checked cart is not used up.
    // 38.00 − 2.00 (10 % off A) − 8.00 (B at 5.00) − 3.00 (B's spend of 18.00 over 10.00).
    assert_eq!(checked.price(&State::default(), 0).total, Decimal::new(2500, 2));
    // A product, checked once for its display: the names it reads, and what it shows.
    let product = stateful_cart(&[(0, 1, 2000, 4)]).lines.remove(0);
    let checked = stateful().check_product(&product, &Customer::default()).unwrap();
    assert_eq!(checked.state_needed(), ["a-stock"]);
    let shown = checked.display(&whole, 0);
    assert_eq!(shown, promo::runtime::display(stateful(), &product, &Customer::default(), &whole, 0).unwrap());
    // A's stock sold out: one unit of 20.00 at 1.00 off.
    assert_eq!(shown.final_price, Decimal::new(1900, 2));
}

#[test]
fn a_choice_of_a_promotion_that_does_not_exist_is_an_error_before_any_state_is_read() {
    let engine = Engine::new(promo::scenario::compile_text(STATEFUL).unwrap());
    let mut cart = stateful_cart(&[(0, 1, 2000, 1)]);
    cart.choose = vec!["retired".into()];
    let e = stateful().check(&cart, &Customer::default()).unwrap_err();
    assert_eq!((e.place.as_str(), e.message.as_str()), ("cart.choose", "no promotion is called `retired`"));
    let mut read = false;
    let err = engine
        .price_with(&cart, &Customer::default(), 0, |_| {
            read = true;
            Ok::<_, ReadError>(State::default())
        })
        .unwrap_err();
    assert!(!read, "a cart choosing what does not exist reads nothing from the store");
    assert_eq!(err, ReadError::Input(e));
}

/// A ruleset swapped in for [`STATEFUL`]: half off A only.
const HALF_OFF_A: &str = r#"
settings { currency USD }
promotion "a-half" { level item  scope sku == "A"  discount 50% }
"#;

proptest! {
    /// A storefront reads only the entries `state_needed` names: a state of those alone prices
    /// every cart exactly as the state of every promotion does, however much of each is used.
    #[test]
    fn a_state_of_the_needed_entries_alone_prices_as_the_whole_state(
        lines in proptest::collection::vec((0usize..5, 0usize..2, 0i64..5000, 1u32..6), 0..7),
        stock in proptest::collection::vec(0u64..6, 3),
        used in 0u64..4,
        budget_cents in 0i64..20000,
        members in 0u64..4,
    ) {
        let mut whole = State::default();
        for (name, left) in ["a-stock", "shoes-stock", "d-stock"].into_iter().zip(stock) {
            whole.stock_left.insert(name.into(), left);
        }
        whole.used_by_customer.insert("b-limit".into(), used);
        whole.budget_left.insert("b-budget".into(), Decimal::new(budget_cents, 2));
        whole.group_members.insert("c-group".into(), members);
        let cart = stateful_cart(&lines);
        let needed = stateful().state_needed(&cart, &Customer::default()).unwrap();
        let part = only_needed(&whole, &needed);
        let by_whole = price_prepared(stateful(), &cart, &Customer::default(), &whole, 0).unwrap();
        let by_part = price_prepared(stateful(), &cart, &Customer::default(), &part, 0).unwrap();
        // Checked once, as a storefront prices: the same names, the same outcome.
        let checked = stateful().check(&cart, &Customer::default()).unwrap();
        prop_assert_eq!(&checked.state_needed(), &needed);
        prop_assert_eq!(&checked.price(&part, 0), &by_whole);
        prop_assert_eq!(by_part, by_whole);
    }
}
