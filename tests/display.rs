//! Product page display data: labels, countdown, final price, upcoming promotions, stock.

// A failing test panics: that is how it reports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod support;

use std::collections::BTreeMap;

use promo::runtime::input::{Customer, Line, State};
use promo::runtime::{Engine, display};
use rust_decimal::Decimal;

fn engine() -> Engine {
    Engine::new(promo::scenario::compile(&support::root().join("examples/marketplace")).unwrap())
}

fn air_max() -> Line {
    let mut attributes = BTreeMap::new();
    attributes.insert("category".into(), serde_json::json!("shoes"));
    attributes.insert("brand".into(), serde_json::json!("Nike"));
    Line { id: "p".into(), sku: "AM-90-BLK".into(), unit_price: Decimal::new(69900, 2), quantity: 1, attributes }
}

fn gold() -> Customer {
    serde_json::from_value(serde_json::json!({"id": "c", "attributes": {"tier": "gold"}})).unwrap()
}

fn at(t: &str) -> i64 {
    t.parse::<jiff::Timestamp>().unwrap().as_second()
}

#[test]
fn during_the_flash_sale_the_page_counts_down_to_its_end() {
    let e = engine();
    let state: State =
        serde_json::from_value(serde_json::json!({"stock_left": {"618 flash: Air Max at 399": 120}})).unwrap();
    let d: display::Display = e.display(&air_max(), &gold(), &state, at("2026-06-18T10:30:00+08:00")).unwrap();
    assert_eq!(d.final_price, Decimal::new(39900, 2));
    assert_eq!(d.labels[0].text, "Flash Sale");
    assert_eq!(d.labels[0].priority, 100);
    let countdown = d.countdown.unwrap();
    assert_eq!((countdown.event.as_str(), countdown.at), ("ends", at("2026-06-18T12:00:00+08:00")));
    assert_eq!(d.stock.iter().find(|s| s.promotion.starts_with("618")).unwrap().left, 120);
    assert_eq!(d.upcoming[0].promotion, "Double 11: 50 off every 400, platform-wide");
    assert_eq!(d.upcoming[0].starts_at, at("2026-11-11T00:00:00+08:00"));
}

#[test]
fn before_the_flash_sale_the_page_counts_down_to_its_start_and_others_are_withdrawn() {
    let e = engine();
    let d = e.display(&air_max(), &gold(), &State::default(), at("2026-06-18T09:00:00+08:00")).unwrap();
    assert_eq!(d.final_price, Decimal::new(69900, 2), "nothing applies yet");
    assert!(d.labels.is_empty(), "the bundle is withdrawn two hours before the flash sale: {:?}", d.labels);
    let countdown = d.countdown.unwrap();
    assert_eq!((countdown.event.as_str(), countdown.at), ("starts", at("2026-06-18T10:00:00+08:00")));
    assert_eq!(d.upcoming.len(), 2, "the flash sale, then Double 11");
    assert_eq!(d.upcoming[0].label.as_deref(), Some("Flash Sale"));
}

#[test]
fn a_sold_out_flash_sale_shows_no_label_and_the_original_price() {
    let e = engine();
    let state: State =
        serde_json::from_value(serde_json::json!({"stock_left": {"618 flash: Air Max at 399": 0}})).unwrap();
    let d = e.display(&air_max(), &gold(), &state, at("2026-06-18T10:30:00+08:00")).unwrap();
    assert_eq!(d.final_price, Decimal::new(69900, 2));
    assert!(d.labels.iter().all(|l| l.text != "Flash Sale"));
    assert_eq!(d.stock.iter().find(|s| s.promotion.starts_with("618")).unwrap().left, 0);
}

#[test]
fn the_engine_swaps_rulesets_for_later_calls() {
    let e = engine();
    let before = e.display(&air_max(), &gold(), &State::default(), at("2026-06-18T10:30:00+08:00")).unwrap();
    assert_eq!(before.final_price, Decimal::new(39900, 2));
    e.swap(
        promo::scenario::compile_text(
            "settings { currency CNY }\npromotion \"p\" { level item scope all discount 10% }",
        )
        .unwrap(),
    );
    let after = e.display(&air_max(), &gold(), &State::default(), at("2026-06-18T10:30:00+08:00")).unwrap();
    assert_eq!(after.final_price, Decimal::new(62910, 2), "699.00 less 10%");
}
