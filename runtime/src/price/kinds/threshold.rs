//! Threshold discounts: once, tiers, and "every X off Y". The group is measured; the discount is
//! allocated over its lines. A limit or stock counts uses (spec §3).

use rust_decimal::Decimal;

use super::{Allowance, Effect, Gives, GroupLine, KindCtx, Miss, Noun, Written, bound, measure, spend};
use crate::ir::{Threshold, ThresholdKind, Value};

fn describe(value: &Value) -> Gives {
    match value {
        Value::Money(m) => Gives::AmountOff(*m),
        Value::Percent(p) => Gives::PercentOff(*p),
        _ => Gives::ADiscount,
    }
}

pub(super) fn tiers(
    steps: &[(Value, Option<Threshold>)],
    group: &[GroupLine],
    a: &mut Allowance,
    ctx: &KindCtx<'_>,
    out: &mut Written<'_>,
) -> Effect {
    // INVARIANT: the checker gives every step of a tiered discount a threshold of one kind.
    let kind = steps.iter().find_map(|(_, t)| t.as_ref().map(|t| t.kind)).unwrap_or(ThresholdKind::Spend);
    let have = measure(kind, group, ctx.rules);
    let reached = steps.iter().rposition(|(_, t)| t.as_ref().is_none_or(|t| have >= bound(t)));
    let next = steps.iter().enumerate().find(|(i, (_, t))| reached.is_none_or(|r| *i > r) && t.is_some());
    let miss = next.and_then(|(_, (value, t))| {
        let t = t.as_ref()?;
        Some(Miss {
            missing: bound(t) - have,
            money: t.kind == ThresholdKind::Spend,
            noun: Noun::Item,
            gives: describe(value),
        })
    });
    let Some(r) = reached else {
        let miss = miss.and_then(|m| out.miss(m));
        return Effect { note: Some("the threshold is not reached".into()), miss, ..Effect::default() };
    };
    if a.take(1) == 0 {
        return Effect::nothing("limit or stock reached");
    }
    // A spend threshold measured the spend already.
    let spend = if kind == ThresholdKind::Spend { have } else { spend(group, ctx.rules) };
    let total = match steps.get(r).map(|(v, _)| v) {
        Some(Value::Money(m)) => (*m).min(spend),
        Some(Value::Percent(p)) => ctx.rules.round(spend * *p / Decimal::ONE_HUNDRED),
        _ => Decimal::ZERO,
    };
    ctx.rules.allocate_into(total, group, out.discounts);
    Effect { consumed: 1, miss: miss.and_then(|m| out.miss(m)), ..Effect::default() }
}

pub(super) fn every(
    amount: Decimal,
    every: Decimal,
    cap: Option<i64>,
    group: &[GroupLine],
    a: &mut Allowance,
    ctx: &KindCtx<'_>,
    out: &mut Written<'_>,
) -> Effect {
    let spend = spend(group, ctx.rules);
    if every <= Decimal::ZERO {
        return Effect::nothing("no step");
    }
    let mut times = (spend / every).floor();
    if let Some(cap) = cap {
        times = times.min(Decimal::from(cap));
    }
    let below_cap = cap.is_none_or(|c| times < Decimal::from(c));
    let miss = below_cap.then(|| Miss {
        missing: (times + Decimal::ONE) * every - spend,
        money: true,
        noun: Noun::Item,
        gives: Gives::AmountOff(amount),
    });
    if times.is_zero() {
        let miss = miss.and_then(|m| out.miss(m));
        return Effect { note: Some("the threshold is not reached".into()), miss, ..Effect::default() };
    }
    if a.take(1) == 0 {
        return Effect::nothing("limit or stock reached");
    }
    let total = amount.checked_mul(times).map_or(spend, |t| t.min(spend));
    ctx.rules.allocate_into(total, group, out.discounts);
    Effect { consumed: 1, miss: miss.and_then(|m| out.miss(m)), ..Effect::default() }
}
