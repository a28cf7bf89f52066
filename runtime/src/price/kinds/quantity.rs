//! Quantity deals: M items for N, and buy N get M (cheapest units rewarded by default). Limits
//! and stock count the units that get a discount (spec §3).
//!
//! Both are computed in integer minor units when every line's amount divides evenly into its
//! units (always so on original prices): the same numbers as the decimal rule, which is kept for
//! the rest (a progressive stage's leftover amount of 10.00 over 3 units, say).

use rust_decimal::Decimal;
use smallvec::SmallVec;

use super::{
    Allowance, Discounts, Effect, Gives, GroupLine, KindCtx, LineAmounts, Miss, Note, Noun, Rules, Runs, Written,
    order, runs, take,
};
use crate::ir::{UnitChoice, Value};
use crate::money::scaled;

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
fn short(have: u64, per_set: u64, gives: Gives, out: &mut Written<'_>) -> Effect {
    Effect {
        note: Some(Note::Units { have, of: per_set }),
        miss: out.miss(Miss { missing: Decimal::from(per_set - have), money: false, noun: Noun::Item, gives }),
        ..Effect::default()
    }
}

/// [`runs`] in minor units, written into `runs` (empty), when every line's base is a whole
/// number of minor units that divides evenly into its units (so each unit price is exact); `None`
/// otherwise. Filled where the caller keeps it: a list of runs returned is copied whole.
fn minor_runs(group: &[GroupLine], cheapest_first: bool, rules: Rules, runs: &mut Runs<i128>) -> Option<()> {
    for (i, g) in group.iter().enumerate() {
        let base = g.minor.map(i128::from).or_else(|| scaled(g.base, rules.minor_units))?;
        let unit = match g.qty {
            0 => 0,
            qty => match crate::allocate::div_rem(base, i128::from(qty))? {
                (unit, 0) => unit,
                _ => return None,
            },
        };
        runs.push((i, unit, g.qty));
    }
    order(runs, cheapest_first);
    Some(())
}

/// Asserts, in debug builds (where every test runs), that what an integer rule gave — `effect`,
/// and the discounts it wrote to `out` from `before` on — is what `decimal_rule` gives.
fn check_by_decimals(
    effect: &Effect,
    out: &Discounts,
    before: usize,
    decimal_rule: impl FnOnce(&mut Discounts) -> Effect,
    rule: &str,
) {
    let mut by_decimals = Discounts::new();
    let effect_by_decimals = decimal_rule(&mut by_decimals);
    debug_assert_eq!(
        (effect, out.get(before..)),
        (&effect_by_decimals, Some(by_decimals.as_slice())),
        "{rule} in minor units gives what the decimal rule gives"
    );
}

/// The `sets` sets of `m` priciest units at `price` a set, in minor units, the discounts written
/// to `out`: `None` (nothing written) when a value is not exact in them (or does not fit), for the
/// decimal rule to decide.
fn m_for_n_minor(
    m: u64,
    sets: u64,
    price: Decimal,
    group: &[GroupLine],
    rules: Rules,
    out: &mut Discounts,
) -> Option<Effect> {
    let mut runs = Runs::new();
    minor_runs(group, false, rules, &mut runs)?;
    // The sets' units, priciest first: per run taken, its line and what its units taken cost
    // (the weight the discount is shared by, as the decimal rule shares it).
    let (mut lines, mut weights): (SmallVec<[usize; 4]>, SmallVec<[i128; 4]>) = (SmallVec::new(), SmallVec::new());
    let (mut value, mut left) = (0i128, sets.checked_mul(m)?);
    // [`take`] read in place.
    for &(i, unit, count) in &runs {
        if left == 0 {
            break;
        }
        let n = count.min(left);
        left -= n;
        let cost = unit.checked_mul(i128::from(n))?;
        value = value.checked_add(cost)?;
        lines.push(group.get(i)?.line);
        weights.push(cost);
    }
    let cost = scaled(price, rules.minor_units)?.checked_mul(i128::from(sets))?;
    // Exact in minor units: the decimal rule's rounding changes nothing.
    let total_off = value.checked_sub(cost)?;
    if total_off <= 0 {
        return Some(Effect::nothing("the multi-buy price is not lower"));
    }
    // Shared in minor units by the allocation rule (`Rules::allocate` on these weights, without
    // taking each amount to a decimal and back).
    let mut shares: SmallVec<[i128; 4]> = smallvec::smallvec![0; weights.len()];
    crate::allocate::split(total_off, &mut weights, &mut shares)?;
    // Each share makes a decimal, as an amount the outcome shows must.
    if !shares.iter().all(|&s| rules.fits_decimal(s)) {
        return None;
    }
    out.extend(lines.iter().copied().zip(shares));
    Some(Effect { consumed: sets * m, ..Effect::default() })
}

pub(super) fn m_for_n(
    count: i64,
    price: Decimal,
    group: &[GroupLine],
    a: &mut Allowance,
    ctx: &KindCtx<'_>,
    written: &mut Written<'_>,
) -> Effect {
    let m = u64::try_from(count).unwrap_or(u64::MAX).max(1);
    let have = units(group);
    let sets = have / m;
    if sets == 0 {
        return short(have, m, Gives::MultiBuy(m, price), written);
    }
    let out = &mut *written.discounts;
    let allowed_units = a.take(sets * m);
    let sets = allowed_units / m;
    if sets == 0 {
        return Effect::nothing("limit or stock reached");
    }
    // The priciest units make the sets: what a shopper expects of "any 3 for 100".
    let before = out.len();
    if let Some(effect) = m_for_n_minor(m, sets, price, group, ctx.rules, out) {
        // The integer rule gives what the decimal rule gives (tests run in debug builds).
        if cfg!(debug_assertions) {
            check_by_decimals(&effect, out, before, |d| m_for_n_decimal(m, sets, price, group, ctx, d), "M for N");
        }
        return effect;
    }
    debug_assert_eq!(out.len(), before, "the integer rule writes nothing when it cannot decide");
    m_for_n_decimal(m, sets, price, group, ctx, out)
}

/// `sets` sets of `m` priciest units at `price` a set, in decimals, the discounts written to `out`.
fn m_for_n_decimal(
    m: u64,
    sets: u64,
    price: Decimal,
    group: &[GroupLine],
    ctx: &KindCtx<'_>,
    out: &mut Discounts,
) -> Effect {
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
            group.get(*i).map(|g| GroupLine { line: g.line, qty: *n, base: *u * Decimal::from(*n), minor: None })
        })
        .collect();
    ctx.rules.allocate_into(total_off, &lines, out);
    Effect { consumed: sets * m, ..Effect::default() }
}

/// Buy `buy` get `get` (`(buy, get)`), the rewarded units free or at `at`.
pub(super) fn buy_get(
    (buy, get): (i64, i64),
    at: Option<&Value>,
    choice: UnitChoice,
    group: &[GroupLine],
    a: &mut Allowance,
    ctx: &KindCtx<'_>,
    written: &mut Written<'_>,
) -> Effect {
    let (n, m) = (u64::try_from(buy).unwrap_or(u64::MAX), u64::try_from(get).unwrap_or(u64::MAX));
    let per_set = n.saturating_add(m).max(1);
    let have = units(group);
    let sets = have / per_set;
    if sets == 0 {
        return short(have, per_set, Gives::Rewarded(m), written);
    }
    let out = &mut *written.discounts;
    let rewarded = a.take(sets * m);
    if rewarded == 0 {
        return Effect::nothing("limit or stock reached");
    }
    let cheapest_first = choice == UnitChoice::Cheapest;
    let before = out.len();
    if at.is_none()
        && let Some(effect) = free_units_minor(group, cheapest_first, rewarded, ctx.rules, out)
    {
        // The integer rule gives what the decimal rule gives (tests run in debug builds).
        if cfg!(debug_assertions) {
            let decimal_rule = |d: &mut Discounts| rewarded_decimal(at, group, cheapest_first, rewarded, ctx, d);
            check_by_decimals(&effect, out, before, decimal_rule, "free units");
        }
        return effect;
    }
    debug_assert_eq!(out.len(), before, "the integer rule writes nothing when it cannot decide");
    rewarded_decimal(at, group, cheapest_first, rewarded, ctx, out)
}

/// `rewarded` units, chosen cheapest (or priciest) first, free or at `at`, in decimals, the
/// discounts written to `out`.
fn rewarded_decimal(
    at: Option<&Value>,
    group: &[GroupLine],
    cheapest_first: bool,
    rewarded: u64,
    ctx: &KindCtx<'_>,
    out: &mut Discounts,
) -> Effect {
    let chosen = take(&runs(group, cheapest_first), rewarded);
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
    out.extend(discounts.into_iter().map(|(l, d)| (l, ctx.rules.minor(d))));
    Effect { consumed: rewarded, ..Effect::default() }
}

/// `rewarded` units free, chosen cheapest (or priciest) first, in minor units, the discounts
/// written to `out`: `None` (nothing written) when a unit price is not exact in them, for the
/// decimal rule to decide.
fn free_units_minor(
    group: &[GroupLine],
    cheapest_first: bool,
    rewarded: u64,
    rules: Rules,
    out: &mut Discounts,
) -> Option<Effect> {
    let mut runs = Runs::new();
    minor_runs(group, cheapest_first, rules, &mut runs)?;
    // Per group index, what its free units cost (a line is one run: at most one entry each).
    let mut by_index: SmallVec<[i128; 4]> = smallvec::smallvec![0; group.len()];
    // The `rewarded` units first in order ([`take`] read in place).
    let mut left = rewarded;
    for &(i, unit, count) in &runs {
        if left == 0 {
            break;
        }
        let n = count.min(left);
        left -= n;
        let slot = by_index.get_mut(i)?;
        *slot = slot.checked_add(unit.checked_mul(i128::from(n))?)?;
    }
    // Each discount makes a decimal, as an amount the outcome shows must.
    if !by_index.iter().all(|&d| rules.fits_decimal(d)) {
        return None;
    }
    if by_index.iter().all(|&d| d == 0) {
        return Some(Effect::nothing("the rewarded units cost nothing already"));
    }
    out.extend(group.iter().map(|g| g.line).zip(by_index).filter(|&(_, d)| d != 0));
    Some(Effect { consumed: rewarded, ..Effect::default() })
}
