//! Lowering checked programs to compiled rulesets.

// A failing test panics: that is how it reports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use promo_lang::{LowerError, Ruleset, check, lower, source_hash};
use promo_runtime::ir::{self, Benefit, Cond, Op, Value};
use rust_decimal::Decimal;

fn marketplace() -> Ruleset {
    let mut r = Ruleset::new();
    for (name, text) in [
        ("schema.promo", include_str!("../../examples/marketplace/schema.promo")),
        ("settings.promo", include_str!("../../examples/marketplace/settings.promo")),
        ("pools.promo", include_str!("../../examples/marketplace/pools.promo")),
        ("item.promo", include_str!("../../examples/marketplace/item.promo")),
        ("store.promo", include_str!("../../examples/marketplace/store.promo")),
        ("platform.promo", include_str!("../../examples/marketplace/platform.promo")),
    ] {
        r.add_file(name, text);
    }
    r
}

fn compile(r: &Ruleset) -> ir::CompiledRuleset {
    let checked = check(r);
    assert!(!checked.has_errors(), "{:?}", checked.diagnostics.iter().map(|d| d.message()).collect::<Vec<_>>());
    lower(&checked.program, source_hash(r)).unwrap()
}

#[test]
fn attributes_and_symbols_are_interned_once() {
    let c = compile(&marketplace());
    assert_eq!(c.promotions.len(), 16);
    let mut names: Vec<(String, String)> =
        c.attributes.iter().map(|a| (format!("{:?}", a.subject), a.name.clone())).collect();
    let total = names.len();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), total, "an attribute appears twice: {names:?}");
    let mut symbols = c.symbols.clone();
    symbols.sort();
    symbols.dedup();
    assert_eq!(symbols.len(), c.symbols.len(), "a symbol appears twice");
    assert!(c.symbols.iter().any(|s| s == "electronics"));
    c.validate().unwrap();
}

#[test]
fn a_flash_sale_lowers_with_its_numbers() {
    let c = compile(&marketplace());
    let flash = c.promotions.iter().find(|p| p.name == "618 flash: Air Max at 399").unwrap();
    assert_eq!(flash.level, ir::Level::Item);
    assert_eq!(flash.benefits, vec![Benefit::SpecialPrice(Decimal::new(39900, 2))]);
    assert_eq!(flash.limit, Some((2, ir::LimitPer::Customer)));
    assert_eq!(flash.stock, Some(500));
    assert!(flash.exclusive);
    assert_eq!(flash.withdraw_others, Some(2 * 3600));
    assert_eq!(flash.pay_within, Some(15 * 60));
    // 2026-06-18 10:00 and 12:00 in Asia/Shanghai (UTC+8) are 02:00 and 04:00 UTC.
    assert_eq!(flash.window, Some((1_781_748_000, 1_781_755_200)));
    let Cond::Pred { attr, op: Op::In, value: Value::Set(skus) } = &flash.scope else {
        panic!("scope is `sku in [..]`: {:?}", flash.scope)
    };
    assert_eq!(c.attribute(*attr).unwrap().name, "sku");
    let skus: Vec<&str> = skus.iter().map(|v| if let Value::Text(s) = v { c.symbol(*s) } else { "" }).collect();
    assert_eq!(skus, ["AM-90-BLK", "AM-90-WHT"]);
    // `customer.tier >= silver`: silver is rank 1 of bronze < silver < gold < platinum.
    let Cond::Or(parts) = &flash.eligible else { panic!("eligible is an `or`") };
    assert!(matches!(parts[0], Cond::Pred { op: Op::Ge, value: Value::Enum(1), .. }));
}

#[test]
fn stacking_partners_and_settings_lower() {
    let c = compile(&marketplace());
    assert_eq!(c.settings.currency, "CNY");
    assert_eq!(c.settings.minor_units, 2);
    assert_eq!(c.settings.floors.len(), 2);
    assert_eq!(c.settings.floors[0].bound, ir::FloorBound::Rate(Decimal::from(70)));
    let every = c.promotions.iter().find(|p| p.name.starts_with("Acme shoes")).unwrap();
    assert_eq!(every.stacks_with, vec![ir::StackTarget::Level(ir::Level::Platform), ir::StackTarget::Coupons]);
    assert_eq!(
        every.benefits,
        vec![Benefit::DiscountEvery { amount: Decimal::new(4000, 2), every: Decimal::new(30000, 2), cap: Some(3) }]
    );
}

#[test]
fn lowering_is_deterministic() {
    let a = compile(&marketplace()).to_json().unwrap();
    let b = compile(&marketplace()).to_json().unwrap();
    assert_eq!(a, b);
}

#[test]
fn the_source_hash_follows_the_sources() {
    let a = source_hash(&marketplace());
    let mut changed = marketplace();
    changed.add_file("extra.promo", "pool x = all");
    assert_ne!(a, source_hash(&changed));
    let mut elsewhere = Ruleset::new();
    for (_, f) in marketplace().sources().iter().skip(promo_stdlib::MODULES.len()) {
        elsewhere.add_file(format!("/some/other/place/{}", f.name), f.text.clone());
    }
    assert_eq!(a, source_hash(&elsewhere), "the folder a ruleset is read from does not change its hash");
}

#[test]
fn a_ruleset_without_currency_does_not_compile() {
    let mut r = Ruleset::new();
    r.add_file("p.promo", "promotion \"p\" { level item scope all discount 10% }");
    let checked = check(&r);
    assert!(!checked.has_errors());
    assert_eq!(lower(&checked.program, source_hash(&r)), Err(LowerError::NoCurrency));
}
