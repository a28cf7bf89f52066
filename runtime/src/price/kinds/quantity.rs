//! Quantity deals: M items for N, and buy N get M (cheapest units rewarded by default). Limits
//! and stock count the units that get a discount (spec §3).

use rust_decimal::Decimal;
use smallvec::SmallVec;

use super::{Allowance, Effect, Gives, GroupLine, KindCtx, LineAmounts, Miss, Note, Noun, runs, take};
use crate::ir::{UnitChoice, Value};

fn units(group: &[GroupLine]) -> u64 {
    group.iter().map(|g| g.qty).sum()
}

/// Discount per group index, rounded per line.
fn per_line(group: &[GroupLine], amounts: SmallVec<[(usize, Decimal); 4]>, ctx: &KindCtx<'_>) -> LineAmounts {
    let mut by_index: SmallVec<[Decimal; 4]> = smallvec::smallvec![Decimal::ZERO; group.len()];
    for (i, d) in amounts {
        if let Some(slot) = by_index.get_mut(i) {
            *slot += d;
        }
    }
    group.iter().zip(by_index).filter(|(_, d)| !d.is_zero()).map(|(g, d)| (g.line, ctx.rules.round(d))).collect()
}

/// A group with fewer units than one set: nothing yet, and how many more units give `gives`.
fn short(have: u64, per_set: u64, gives: Gives) -> Effect {
    Effect {
        note: Some(Note::Units { have, of: per_set }),
        miss: Some(Miss { missing: Decimal::from(per_set - have), money: false, noun: Noun::Item, gives }),
        ..Effect::default()
    }
}

pub(super) fn m_for_n(count: i64, price: Decimal, group: &[GroupLine], a: &mut Allowance, ctx: &KindCtx<'_>) -> Effect {
    let m = u64::try_from(count).unwrap_or(u64::MAX).max(1);
    let have = units(group);
    let sets = have / m;
    if sets == 0 {
        return short(have, m, Gives::MultiBuy(m, price));
    }
    let allowed_units = a.take(sets * m);
    let sets = allowed_units / m;
    if sets == 0 {
        return Effect::nothing("limit or stock reached");
    }
    // The priciest units make the sets: what a shopper expects of "any 3 for 100".
    let chosen = take(&runs(group, false), sets * m);
    let value: Decimal = chosen.iter().map(|(_, u, n)| *u * Decimal::from(*n)).sum();
    let Some(cost) = price.checked_mul(Decimal::from(sets)) else { return Effect::nothing("too many sets to price") };
    let total_off = ctx.rules.round(value - cost);
    if total_off <= Decimal::ZERO {
        return Effect::nothing("the multi-buy price is not lower");
    }
    let lines: SmallVec<[GroupLine; 4]> = chosen
        .iter()
        .filter_map(|(i, u, n)| {
            group.get(*i).map(|g| GroupLine { line: g.line, qty: *n, base: *u * Decimal::from(*n) })
        })
        .collect();
    Effect { discounts: ctx.rules.allocate(total_off, &lines), consumed: sets * m, ..Effect::default() }
}

pub(super) fn buy_get(
    buy: i64,
    get: i64,
    at: Option<&Value>,
    choice: UnitChoice,
    group: &[GroupLine],
    a: &mut Allowance,
    ctx: &KindCtx<'_>,
) -> Effect {
    let (n, m) = (u64::try_from(buy).unwrap_or(u64::MAX), u64::try_from(get).unwrap_or(u64::MAX));
    let per_set = n.saturating_add(m).max(1);
    let have = units(group);
    let sets = have / per_set;
    if sets == 0 {
        return short(have, per_set, Gives::Rewarded(m));
    }
    let rewarded = a.take(sets * m);
    if rewarded == 0 {
        return Effect::nothing("limit or stock reached");
    }
    let chosen = take(&runs(group, choice == UnitChoice::Cheapest), rewarded);
    let off = |unit: Decimal| match at {
        None => unit,
        Some(Value::Percent(p)) => unit * (Decimal::ONE_HUNDRED - *p) / Decimal::ONE_HUNDRED,
        Some(Value::Money(price)) => (unit - *price).max(Decimal::ZERO),
        Some(_) => Decimal::ZERO,
    };
    let amounts = chosen.iter().map(|(i, u, k)| (*i, off(*u) * Decimal::from(*k))).collect();
    let discounts = per_line(group, amounts, ctx);
    if discounts.is_empty() {
        return Effect::nothing("the rewarded units cost nothing already");
    }
    Effect { discounts, consumed: rewarded, ..Effect::default() }
}
