//! Benefits given unit by unit: special price, percentage or amount off, presale, group buy.
//! Limits and stock count units, in cart order (spec §3).
//!
//! Price, percentage and amount off are computed exactly, in integer minor units: a line's
//! discount is its exact rational value (`base × N / 100 × units / qty`, …) rounded once, as
//! spec/evaluation.md §3 writes it. Only a value too large for 128 bits falls back to decimals.

use rust_decimal::Decimal;

use super::{Allowance, Discounts, Effect, Extras, Gives, GroupLine, KindCtx, Miss, Note, Noun, Rules, Written};
use crate::money::{Minor, power_of_ten, scaled};

/// A per-unit benefit in integers, for [`each_unit`]'s exact path.
#[derive(Debug, Clone, Copy)]
enum Exact {
    /// Each unit at this price (minor units).
    Price(i128),
    /// `mantissa / den` of each unit's price (a percentage N is `N / 100`).
    Share { mantissa: i128, den: i128 },
    /// This much off each unit (minor units), at most the unit's price.
    AmountOff(i128),
}

impl Exact {
    fn price(price: Decimal, rules: Rules) -> Option<Exact> {
        scaled(price, rules.minor_units).map(Exact::Price)
    }

    fn percent(pct: Decimal) -> Option<Exact> {
        // A percentage N at scale s is its mantissa over 100 × 10^s.
        Some(Exact::Share { mantissa: pct.mantissa(), den: power_of_ten(pct.scale() + 2)? })
    }

    fn amount_off(amount: Decimal, rules: Rules) -> Option<Exact> {
        scaled(amount, rules.minor_units).map(Exact::AmountOff)
    }

    /// Whether a unit of a line whose base is `base` minor units over `qty` units gets anything.
    fn gives(self, base: i128, qty: i128) -> Option<bool> {
        Some(match self {
            Exact::Price(p) => base > p.checked_mul(qty)?,
            Exact::Share { mantissa, .. } => base > 0 && mantissa > 0,
            Exact::AmountOff(a) => base > 0 && a > 0,
        })
    }

    /// What `units` of that line are given, in minor units, rounded once by `rules`: in 64-bit
    /// arithmetic where every value and product fits (one machine multiplication each), in 128
    /// bits otherwise. Where both give a value it is the same: the arithmetic is exact.
    // By reference: the benefit (48 bytes) is read where it is, not copied for each line (the
    // time profile put the copy's reads, stalled behind its writes, on this call).
    fn off(&self, base: i128, qty: i128, units: i128, rules: Rules) -> Option<i128> {
        self.off_in::<i64>(base, qty, units, rules).or_else(|| self.off_in::<i128>(base, qty, units, rules))
    }

    /// [`off`](Self::off) in `T`: `None` when a value or a product does not fit one.
    fn off_in<T: Minor>(&self, base: i128, qty: i128, units: i128, rules: Rules) -> Option<i128> {
        if units != qty {
            return self.off_part_in::<T>(base, qty, units, rules);
        }
        // Every unit of the line (no limit or stock cut it): the units cancel the line's
        // quantity, so there is no division by it — the same rational value as
        // `off_part_in`'s, so the same rounding (a unit test compares the two).
        let n = |x: i128| T::try_from(x).ok();
        let (base, qty) = (n(base)?, n(qty)?);
        let round = |num: T, den: T| num.divide(den, rules.rounding).map(Into::into);
        match *self {
            // (base / qty − p) × qty: exact.
            Exact::Price(p) => base.checked_sub(n(p)?.checked_mul(qty)?).map(Into::into),
            // base × mantissa / den, nearly always a whole percentage: a division by a constant,
            // which compiles to a multiplication.
            Exact::Share { mantissa, den: 100 } => round(base.checked_mul(n(mantissa)?)?, n(100)?),
            Exact::Share { mantissa, den } => round(base.checked_mul(n(mantissa)?)?, n(den)?),
            // min(a × qty, base): exact.
            Exact::AmountOff(a) => Some(n(a)?.checked_mul(qty)?.min(base).into()),
        }
    }

    /// [`off_in`](Self::off_in) for any number of the line's units, dividing by its quantity.
    fn off_part_in<T: Minor>(&self, base: i128, qty: i128, units: i128, rules: Rules) -> Option<i128> {
        let n = |x: i128| T::try_from(x).ok();
        let (base, qty, units) = (n(base)?, n(qty)?, n(units)?);
        let round = |num: T, den: T| num.divide(den, rules.rounding).map(Into::into);
        match *self {
            // (base / qty − p) × units
            Exact::Price(p) => round(units.checked_mul(base.checked_sub(n(p)?.checked_mul(qty)?)?)?, qty),
            // base / qty × mantissa / den × units
            Exact::Share { mantissa, den } => {
                round(units.checked_mul(base)?.checked_mul(n(mantissa)?)?, qty.checked_mul(n(den)?)?)
            }
            // min(a, base / qty) × units
            Exact::AmountOff(a) if n(a)?.checked_mul(qty)? <= base => n(a)?.checked_mul(units).map(Into::into),
            Exact::AmountOff(_) => round(units.checked_mul(base)?, qty),
        }
    }
}

/// Gives each unit (within the allowance) the discount `per_unit(unit price)`, written to `out`:
/// exactly, in integers, through `exact` when it is given and the values fit.
fn each_unit(
    group: &[GroupLine],
    allowance: &mut Allowance,
    ctx: &KindCtx<'_>,
    exact: Option<Exact>,
    per_unit: impl Fn(Decimal) -> Decimal,
    out: &mut Discounts,
) -> Effect {
    let rules = ctx.rules;
    let mut effect = Effect::default();
    let before = out.len();
    for g in group {
        // The line in integers, where it has units: its base in minor units and its units.
        let base = match g.minor {
            Some(minor) => Some(i128::from(minor)),
            None => scaled(g.base, rules.minor_units),
        };
        let qty = i128::from(g.qty);
        let line = match (&exact, base) {
            (Some(e), Some(base)) if qty > 0 => Some((e, base)),
            _ => None,
        };
        let gives = match line.and_then(|(e, base)| e.gives(base, qty)) {
            Some(gives) => gives,
            None => per_unit(g.unit()) > Decimal::ZERO,
        };
        if !gives {
            continue;
        }
        let units = allowance.take(g.qty);
        if units == 0 {
            continue;
        }
        effect.consumed += units;
        // In minor units as the integer rule gives them (where they make a decimal), or the
        // decimal rule's amount in them.
        let d = line
            .and_then(|(e, base)| e.off(base, qty, i128::from(units), rules))
            .filter(|&minor| rules.fits_decimal(minor))
            .unwrap_or_else(|| rules.minor(rules.round(per_unit(g.unit()) * Decimal::from(units))));
        if d != 0 {
            out.push((g.line, d));
        }
    }
    if out.len() == before {
        effect.note = Some(if allowance.exhausted() {
            "limit or stock reached: these units pay the base price".into()
        } else {
            "the price is not lower than the base price".into()
        });
    }
    effect
}

pub(super) fn special_price(
    price: Decimal,
    group: &[GroupLine],
    a: &mut Allowance,
    ctx: &KindCtx<'_>,
    out: &mut Discounts,
) -> Effect {
    each_unit(group, a, ctx, Exact::price(price, ctx.rules), |unit| unit - price, out)
}

pub(super) fn percent_off(
    pct: Decimal,
    group: &[GroupLine],
    a: &mut Allowance,
    ctx: &KindCtx<'_>,
    out: &mut Discounts,
) -> Effect {
    each_unit(group, a, ctx, Exact::percent(pct), |unit| unit * pct / Decimal::ONE_HUNDRED, out)
}

pub(super) fn amount_off(
    amount: Decimal,
    group: &[GroupLine],
    a: &mut Allowance,
    ctx: &KindCtx<'_>,
    out: &mut Discounts,
) -> Effect {
    each_unit(group, a, ctx, Exact::amount_off(amount, ctx.rules), |unit| amount.min(unit), out)
}

pub(super) fn presale(
    deposit: Decimal,
    deducts: Decimal,
    balance_by: Option<i64>,
    group: &[GroupLine],
    a: &mut Allowance,
    ctx: &KindCtx<'_>,
    out: &mut Written<'_>,
) -> Effect {
    let off = deducts - deposit;
    let mut effect = Effect::default();
    let mut deposits = Vec::new();
    for g in group {
        let units = a.take(g.qty);
        if units == 0 {
            continue;
        }
        effect.consumed += units;
        let n = Decimal::from(units);
        // The deduction never exceeds what the units cost.
        let d = ctx.rules.round((off * n).min(g.unit() * n));
        out.discounts.push((g.line, ctx.rules.minor(d)));
        deposits.push((g.line, ctx.rules.round(deposit * n), balance_by));
    }
    if deposits.is_empty() {
        effect.note = Some("limit or stock reached".into());
    } else {
        effect.extras = out.extras(Extras { presale: deposits, ..Extras::default() });
    }
    effect
}

pub(super) fn group_buy(
    size: i64,
    price: Decimal,
    group: &[GroupLine],
    a: &mut Allowance,
    ctx: &KindCtx<'_>,
    out: &mut Written<'_>,
) -> Effect {
    let size = u64::try_from(size).unwrap_or(u64::MAX);
    if ctx.group_members < size {
        let missing = size - ctx.group_members;
        return Effect {
            note: Some(Note::Members { have: ctx.group_members, of: size }),
            miss: out.miss(Miss {
                missing: Decimal::from(missing),
                money: false,
                noun: Noun::Member,
                gives: Gives::GroupPrice(price),
            }),
            ..Effect::default()
        };
    }
    each_unit(group, a, ctx, Exact::price(price, ctx.rules), |unit| unit - price, out.discounts)
}

#[cfg(test)]
mod tests {
    use super::{Exact, Rules};
    use crate::money::Rounding;

    const BENEFITS: [Exact; 4] = [
        Exact::Price(399),
        Exact::Share { mantissa: 125, den: 1000 },
        Exact::AmountOff(150),
        Exact::AmountOff(100_000),
    ];

    #[test]
    fn a_unit_discount_is_the_same_in_64_and_128_bits() {
        for rounding in [Rounding::HalfUp, Rounding::HalfEven, Rounding::Down, Rounding::Up] {
            let rules = Rules { minor_units: 2, rounding };
            for e in BENEFITS {
                for (base, qty, units) in [(1_999, 1, 1), (3_333, 3, 2), (10_001, 7, 7), (0, 2, 1), (5, 3, 3)] {
                    let narrow = e.off_in::<i64>(base, qty, units, rules);
                    assert!(narrow.is_some(), "{e:?} on {base}/{qty}×{units} fits 64 bits");
                    assert_eq!(narrow, e.off_in::<i128>(base, qty, units, rules), "{e:?} on {base}/{qty}×{units}");
                    assert_eq!(narrow, e.off(base, qty, units, rules));
                }
            }
        }
    }

    #[test]
    fn every_unit_of_a_line_is_given_what_dividing_by_its_quantity_gives() {
        // The shortcut for a whole line against the division by its quantity, on bases that
        // round every way (halves, just under, just over), negative ones and a percentage that
        // is not whole (a divisor other than 100).
        let benefits =
            [BENEFITS.as_slice(), &[Exact::Share { mantissa: 10, den: 100 }, Exact::Share { mantissa: 5, den: 100 }]]
                .concat();
        for rounding in [Rounding::HalfUp, Rounding::HalfEven, Rounding::Down, Rounding::Up] {
            let rules = Rules { minor_units: 2, rounding };
            for e in &benefits {
                for base in [-1_005, -5, 0, 5, 15, 25, 149, 150, 151, 1_005, 1_999, 3_333, 10_001, 123_457] {
                    for qty in 1..=7 {
                        let expected = e.off_part_in::<i128>(base, qty, qty, rules);
                        assert_eq!(
                            e.off_in::<i64>(base, qty, qty, rules),
                            expected,
                            "{e:?} on {base}/{qty}, {rounding:?}"
                        );
                        assert_eq!(
                            e.off_in::<i128>(base, qty, qty, rules),
                            expected,
                            "{e:?} on {base}/{qty}, {rounding:?}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn a_percentage_is_its_mantissa_over_a_hundred_times_its_scale() {
        let pct = |s: &str| Exact::percent(s.parse().unwrap_or_default());
        assert!(matches!(pct("15"), Some(Exact::Share { mantissa: 15, den: 100 })));
        assert!(matches!(pct("12.5"), Some(Exact::Share { mantissa: 125, den: 1000 })));
        assert!(matches!(pct("0.125"), Some(Exact::Share { mantissa: 125, den: 100_000 })));
    }

    #[test]
    fn a_unit_discount_past_64_bits_is_worked_out_in_128() {
        let rules = Rules { minor_units: 2, rounding: Rounding::HalfUp };
        // 12.5 % of a line of 5 × 10^17 minor units: the product 6.25 × 10^19 passes 64 bits.
        let share = Exact::Share { mantissa: 125, den: 1000 };
        let base = 500_000_000_000_000_000;
        assert_eq!(share.off_in::<i64>(base, 1, 1, rules), None);
        assert_eq!(share.off(base, 1, 1, rules), Some(62_500_000_000_000_000));
        // Two units at a special price: (10^19 / 2 − 399) × 2 passes 64 bits in the base alone.
        let price = Exact::Price(399);
        assert_eq!(price.off(10_000_000_000_000_000_000, 2, 2, rules), Some(9_999_999_999_999_999_202));
    }
}
