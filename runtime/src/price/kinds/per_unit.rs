//! Benefits given unit by unit: special price, percentage or amount off, presale, group buy.
//! Limits and stock count units, in cart order (spec §3).

use rust_decimal::Decimal;

use super::{Allowance, Effect, Gives, GroupLine, KindCtx, Miss, Note};

/// Gives each unit (within the allowance) the discount `per_unit(unit price)`.
fn each_unit(
    group: &[GroupLine],
    allowance: &mut Allowance,
    ctx: &KindCtx<'_>,
    per_unit: impl Fn(Decimal) -> Decimal,
) -> Effect {
    let mut effect = Effect::default();
    for g in group {
        let off = per_unit(g.unit());
        if off <= Decimal::ZERO {
            continue;
        }
        let units = allowance.take(g.qty);
        if units == 0 {
            continue;
        }
        effect.consumed += units;
        let d = ctx.rules.round(off * Decimal::from(units));
        if !d.is_zero() {
            effect.discounts.push((g.line, d));
        }
    }
    if effect.discounts.is_empty() {
        effect.note = Some(if allowance.exhausted() {
            "limit or stock reached: these units pay the base price".into()
        } else {
            "the price is not lower than the base price".into()
        });
    }
    effect
}

pub(super) fn special_price(price: Decimal, group: &[GroupLine], a: &mut Allowance, ctx: &KindCtx<'_>) -> Effect {
    each_unit(group, a, ctx, |unit| unit - price)
}

pub(super) fn percent_off(pct: Decimal, group: &[GroupLine], a: &mut Allowance, ctx: &KindCtx<'_>) -> Effect {
    each_unit(group, a, ctx, |unit| unit * pct / Decimal::ONE_HUNDRED)
}

pub(super) fn amount_off(amount: Decimal, group: &[GroupLine], a: &mut Allowance, ctx: &KindCtx<'_>) -> Effect {
    each_unit(group, a, ctx, |unit| amount.min(unit))
}

pub(super) fn presale(
    deposit: Decimal,
    deducts: Decimal,
    balance_by: Option<i64>,
    group: &[GroupLine],
    a: &mut Allowance,
    ctx: &KindCtx<'_>,
) -> Effect {
    let off = deducts - deposit;
    let mut effect = Effect::default();
    for g in group {
        let units = a.take(g.qty);
        if units == 0 {
            continue;
        }
        effect.consumed += units;
        let n = Decimal::from(units);
        // The deduction never exceeds what the units cost.
        let d = ctx.rules.round((off * n).min(g.unit() * n));
        effect.discounts.push((g.line, d));
        effect.presale.push((g.line, ctx.rules.round(deposit * n), balance_by));
    }
    if effect.presale.is_empty() {
        effect.note = Some("limit or stock reached".into());
    }
    effect
}

pub(super) fn group_buy(
    size: i64,
    price: Decimal,
    group: &[GroupLine],
    a: &mut Allowance,
    ctx: &KindCtx<'_>,
) -> Effect {
    let size = u64::try_from(size).unwrap_or(u64::MAX);
    if ctx.group_members < size {
        let missing = size - ctx.group_members;
        return Effect {
            note: Some(Note::Members { have: ctx.group_members, of: size }),
            miss: Some(Miss {
                missing: Decimal::from(missing),
                money: false,
                noun: "member",
                gives: Gives::GroupPrice(price),
            }),
            ..Effect::default()
        };
    }
    each_unit(group, a, ctx, |unit| unit - price)
}
