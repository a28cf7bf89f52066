//! The rulesets and carts the pricing benchmarks price, shared by `pricing.rs` (criterion
//! timings) and `instructions.rs` (a loop to count instructions under callgrind), so both measure
//! the same work.

use std::collections::BTreeMap;

use promo::runtime::input::{Cart, Line, State};
use rust_decimal::Decimal;

/// How the workload's promotions are named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Names {
    /// `p0`, `p1`, …: short enough to be stored inline in a `SmolStr`.
    Short,
    /// `p0: a promotion with a name as long as a real one`, some 50 bytes, as real names are
    /// ("Acme shoes: every 300 off 40, at most 3 times"): each is shared text.
    Long,
}

/// Whether the workload's promotions have the limits a flash sale has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limits {
    /// None: available whenever their scope matches.
    None,
    /// Each runs within a window (which [`IN_THE_WINDOWS`] is in), at most 5 units a customer,
    /// 1,000 in stock, as the flash sales of DESIGN.md's example do.
    FlashSale,
}

/// A time within every window of [`Limits::FlashSale`]: 2027-01-15 08:00 UTC.
pub const IN_THE_WINDOWS: i64 = 1_800_000_000;

/// A time before every window of [`Limits::FlashSale`] (2023-11-14 22:13 UTC): each flash sale
/// is scheduled, not started.
pub const BEFORE_THE_WINDOWS: i64 = 1_700_000_000;

/// `n` promotions of mixed kinds over categories `c0..c99` and SKUs `S0..`, plus `dead`
/// promotions on SKUs no cart has, named as `names` says, limited as `limits` says.
pub fn ruleset_text(n: usize, dead: usize, names: Names, limits: Limits) -> String {
    let limited = match limits {
        Limits::None => "",
        Limits::FlashSale => " window 2026-01-01 00:00 .. 2028-01-01 00:00 limit 5 per customer stock 1000",
    };
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
        let name = promotion_name(i, names);
        s.push_str(&format!("promotion \"{name}\" {{ {body}{limited} }}\n"));
    }
    for i in 0..dead {
        s.push_str(&format!("promotion \"dead{i}\" {{ level item scope sku == \"NOPE-{i}\" discount 10% }}\n"));
    }
    s
}

/// The state a storefront prices [`Limits::FlashSale`]'s promotions with, as the host reads it
/// from its store (`host/src/store/state.rs`): the stock left of every promotion with stock
/// (each has sold a few units), and this customer's units under every tenth promotion.
pub fn storefront_state(n: usize, names: Names) -> State {
    let mut state = State::default();
    for i in 0..n {
        let name = promotion_name(i, names);
        state.stock_left.insert(name.clone(), 1000 - (i as u64 % 7));
        if i % 10 == 0 {
            state.used_by_customer.insert(name, 1 + i as u64 % 3);
        }
    }
    state
}

/// What a storefront's store returns when asked for the entries of the promotions `needed`
/// names (`Prepared::state_needed`): those entries of `state` alone.
#[allow(dead_code, reason = "the memory benchmark prices no storefront request")]
pub fn returned_for(state: &State, needed: &[promo::runtime::SmolStr]) -> State {
    let mut returned = state.clone();
    returned.stock_left.retain(|name, _| needed.iter().any(|n| n == name.as_str()));
    returned.used_by_customer.retain(|name, _| needed.iter().any(|n| n == name.as_str()));
    returned.budget_left.retain(|name, _| needed.iter().any(|n| n == name.as_str()));
    returned.group_members.retain(|name, _| needed.iter().any(|n| n == name.as_str()));
    returned
}

/// Promotion `i`'s name, as `names` says.
fn promotion_name(i: usize, names: Names) -> String {
    match names {
        Names::Short => format!("p{i}"),
        Names::Long => format!("p{i}: a promotion with a name as long as a real one"),
    }
}

pub fn cart(lines: usize) -> Cart {
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
