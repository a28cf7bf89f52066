//! Bundles: a virtual product made of SKUs with quantities, at one price. The discount is the
//! bundled units' base value less the bundle price, allocated over them; the items stay
//! purchasable alone (units outside complete bundles pay their base price).

use rust_decimal::Decimal;

use super::{Allowance, Effect, Gives, GroupLine, KindCtx, Miss, Noun, Written};
use crate::ir::SymbolId;

pub(super) fn bundle(
    items: &[(SymbolId, i64)],
    price: Decimal,
    group: &[GroupLine],
    a: &mut Allowance,
    ctx: &KindCtx<'_>,
    out: &mut Written<'_>,
) -> Effect {
    // Units of each bundled SKU in the group, in cart order.
    let sku_of = |g: &GroupLine| ctx.skus.get(g.line).copied().unwrap_or("");
    let mut complete = u64::MAX;
    for (sku, need) in items {
        let need = u64::try_from(*need).unwrap_or(u64::MAX).max(1);
        let have: u64 = group.iter().filter(|g| sku_of(g) == ctx.ruleset.symbol(*sku)).map(|g| g.qty).sum();
        complete = complete.min(have / need);
    }
    if complete == 0 || complete == u64::MAX {
        return Effect {
            note: Some("the cart does not hold a complete bundle".into()),
            miss: out.miss(Miss { missing: Decimal::ONE, money: false, noun: Noun::Item, gives: Gives::Bundle(price) }),
            ..Effect::default()
        };
    }
    let bundles = a.take(complete);
    if bundles == 0 {
        return Effect::nothing("limit or stock reached");
    }
    // The bundled units: for each SKU, `need × bundles` units, taken in cart order.
    let mut lines: Vec<GroupLine> = Vec::new();
    for (sku, need) in items {
        let mut want = u64::try_from(*need).unwrap_or(0) * bundles;
        for g in group.iter().filter(|g| sku_of(g) == ctx.ruleset.symbol(*sku)) {
            if want == 0 {
                break;
            }
            let n = g.qty.min(want);
            want -= n;
            lines.push(GroupLine { line: g.line, qty: n, base: g.unit() * Decimal::from(n), minor: None });
        }
    }
    let value: Decimal = lines.iter().map(|l| l.base).sum();
    let Some(cost) = price.checked_mul(Decimal::from(bundles)) else {
        return Effect::nothing("too many bundles to price");
    };
    let off = ctx.rules.round(value - cost);
    if off <= Decimal::ZERO {
        return Effect::nothing("the bundle price is not lower than its items");
    }
    ctx.rules.allocate_into(off, &lines, out.discounts);
    Effect { consumed: bundles, ..Effect::default() }
}
