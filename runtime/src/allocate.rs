//! Allocation: spreading an amount (an order-level discount, a gift's value) over lines in
//! proportion to their amounts, in the currency's minor unit, so that the parts always add up to
//! the amount exactly.
//!
//! The rule (spec/allocation.md), *largest remainder*:
//! 1. each line's exact share is `amount × weight / Σ weights`;
//! 2. each share is rounded towards zero to the minor unit;
//! 3. the minor units left over are given, one each, to the lines with the largest discarded
//!    remainders; equal remainders go to the earlier line.
//!
//! Seed 004: a gift worth 5.00 earned by A (10.00) and B (90.00) is allocated 0.50 and 4.50, so A
//! is valued at 9.50 and B at 85.50.

use rust_decimal::{Decimal, RoundingStrategy};
use smallvec::SmallVec;

use crate::money::scaled;

/// Why an amount could not be allocated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AllocationError {
    /// A negative amount or weight.
    #[error("cannot allocate a negative amount or by a negative weight")]
    Negative,
    /// An amount finer than the minor unit.
    #[error("{amount} has more decimals than the currency's minor unit ({minor_units})")]
    TooPrecise {
        /// The amount.
        amount: Decimal,
        /// Decimals of the minor unit.
        minor_units: u32,
    },
    /// An amount over no lines.
    #[error("cannot allocate {amount} over no lines")]
    NoLines {
        /// The amount.
        amount: Decimal,
    },
    /// The computation does not fit in a decimal.
    #[error("amount overflow while allocating")]
    Overflow,
}

/// Splits `amount` over `weights` (see the module documentation). When every weight is zero the
/// amount is split evenly, by the same remainder rule.
pub fn allocate(amount: Decimal, weights: &[Decimal], minor_units: u32) -> Result<Vec<Decimal>, AllocationError> {
    shares(amount, weights, minor_units).map(SmallVec::into_vec)
}

/// Shares of an amount, inline for up to eight lines (the engine allocates over a group's lines,
/// nearly always a few).
pub(crate) type Shares = SmallVec<[Decimal; 8]>;

/// [`allocate`], without a heap allocation for up to eight lines.
pub(crate) fn shares(amount: Decimal, weights: &[Decimal], minor_units: u32) -> Result<Shares, AllocationError> {
    if amount.is_sign_negative() && !amount.is_zero() || weights.iter().any(|w| w.is_sign_negative() && !w.is_zero()) {
        return Err(AllocationError::Negative);
    }
    if amount.scale() > minor_units && amount.normalize().scale() > minor_units {
        return Err(AllocationError::TooPrecise { amount, minor_units });
    }
    if weights.is_empty() {
        return if amount.is_zero() { Ok(Shares::new()) } else { Err(AllocationError::NoLines { amount }) };
    }
    match in_integers(amount, weights, minor_units) {
        Some(shares) => Ok(shares),
        None => in_decimals(amount, weights, minor_units).map(Shares::from_vec),
    }
}

/// The rule computed in decimals: for amounts whose integer products do not fit an `i128`.
fn in_decimals(amount: Decimal, weights: &[Decimal], minor_units: u32) -> Result<Vec<Decimal>, AllocationError> {
    let total_weight =
        weights.iter().try_fold(Decimal::ZERO, |acc, w| acc.checked_add(*w)).ok_or(AllocationError::Overflow)?;
    let even;
    let (weights, total_weight) = if total_weight.is_zero() {
        even = vec![Decimal::ONE; weights.len()];
        (even.as_slice(), Decimal::from(weights.len()))
    } else {
        (weights, total_weight)
    };
    let mut shares = Vec::with_capacity(weights.len());
    let mut remainders = Vec::with_capacity(weights.len());
    for (i, w) in weights.iter().enumerate() {
        // `amount × w / Σw`; when the product does not fit, `amount × (w / Σw)` (a share ≤ 1).
        let exact = amount
            .checked_mul(*w)
            .and_then(|x| x.checked_div(total_weight))
            .or_else(|| w.checked_div(total_weight).and_then(|ratio| amount.checked_mul(ratio)))
            .ok_or(AllocationError::Overflow)?;
        let floor = exact.round_dp_with_strategy(minor_units, RoundingStrategy::ToZero);
        shares.push(floor);
        remainders.push((exact.checked_sub(floor).ok_or(AllocationError::Overflow)?, i));
    }
    let allocated =
        shares.iter().try_fold(Decimal::ZERO, |acc, s| acc.checked_add(*s)).ok_or(AllocationError::Overflow)?;
    let unit = Decimal::new(1, minor_units);
    let left = amount.checked_sub(allocated).ok_or(AllocationError::Overflow)?;
    let units_left = left.checked_div(unit).ok_or(AllocationError::Overflow)?.round();
    // INVARIANT: each share lost less than one minor unit, so fewer units are left than lines.
    remainders.sort_by(|(ra, ia), (rb, ib)| rb.cmp(ra).then(ia.cmp(ib)));
    let count = usize::try_from(units_left.mantissa()).unwrap_or(0);
    for (_, i) in remainders.into_iter().take(count) {
        if let Some(share) = shares.get_mut(i) {
            *share = share.checked_add(unit).ok_or(AllocationError::Overflow)?;
        }
    }
    Ok(shares)
}

/// The same rule in integers: the amount in minor units, the weights at their common scale.
/// Every share and remainder is then exact (`amount × w mod Σw`), with no decimal rounding at
/// all. `None` when a product does not fit an `i128`; [`allocate`] then computes in decimals.
/// The inputs are already checked: nothing negative, the amount in minor units, weights given.
fn in_integers(amount: Decimal, weights: &[Decimal], minor_units: u32) -> Option<Shares> {
    let units = scaled(amount, minor_units).or_else(|| scaled(amount.normalize(), minor_units))?;
    let scale = weights.iter().map(|w| w.scale()).max()?;
    let mut ws: SmallVec<[i128; 8]> = SmallVec::with_capacity(weights.len());
    for w in weights {
        ws.push(scaled(*w, scale)?);
    }
    let mut shares: SmallVec<[i128; 8]> = smallvec::smallvec![0; ws.len()];
    split(units, &mut ws, &mut shares)?;
    shares.into_iter().map(|s| Decimal::try_from_i128_with_scale(s, minor_units).ok()).collect()
}

/// The rule on integers: `units` (≥ 0) split over the weights `ws` (≥ 0, all at one scale) into
/// `shares` (as long as `ws`), each in the same units as `units`. `ws` is overwritten. `None`
/// when a product does not fit an `i128`.
pub(crate) fn split(units: i128, ws: &mut [i128], shares: &mut [i128]) -> Option<()> {
    if split_narrow(units, ws, shares) {
        return Some(());
    }
    split_wide(units, ws, shares)
}

/// [`split`] in 128-bit arithmetic, for any values (`None` when a product does not fit).
fn split_wide(units: i128, ws: &mut [i128], shares: &mut [i128]) -> Option<()> {
    let mut total = ws.iter().try_fold(0i128, |acc, w| acc.checked_add(*w))?;
    if total == 0 {
        // Every weight zero: evenly.
        ws.iter_mut().for_each(|w| *w = 1);
        total = i128::try_from(ws.len()).ok()?;
    }
    let mut allocated = 0i128;
    // Each weight's product with the amount, divided: the share, and the remainder kept for
    // the minor units left over (overwriting the weight, which is not read again).
    for (w, share) in ws.iter_mut().zip(shares.iter_mut()) {
        let (q, remainder) = div_rem(mul(units, *w)?, total)?;
        allocated += q;
        *w = remainder;
        *share = q;
    }
    // INVARIANT: each share lost less than one minor unit, so fewer units are left than lines;
    // they go to the largest remainders, the earlier line first on a tie.
    let left = usize::try_from(units - allocated).unwrap_or(0);
    if left == 0 {
        return Some(());
    }
    if ws.len() <= 8 {
        // A few lines: pick the largest remainder left each time (a taken one is marked −1;
        // remainders are never negative).
        for _ in 0..left {
            let mut best: Option<usize> = None;
            for (k, &r) in ws.iter().enumerate() {
                if r >= 0 && best.is_none_or(|b| ws.get(b).is_some_and(|&rb| r > rb)) {
                    best = Some(k);
                }
            }
            let k = best?;
            if let (Some(share), Some(r)) = (shares.get_mut(k), ws.get_mut(k)) {
                *share += 1;
                *r = -1;
            }
        }
    } else {
        let mut remainders: Vec<(i128, usize)> = ws.iter().enumerate().map(|(i, &r)| (r, i)).collect();
        remainders.sort_unstable_by(|(ra, ia), (rb, ib)| rb.cmp(ra).then(ia.cmp(ib)));
        for (_, i) in remainders.iter().take(left) {
            if let Some(share) = shares.get_mut(*i) {
                *share += 1;
            }
        }
    }
    Some(())
}

/// [`split`] where the amount and every weight fit 32 bits and the weights are not all zero —
/// nearly always: a discount and line amounts below 2^32 minor units — so each product fits 64
/// bits and takes one machine multiplication and division. Returns whether it split (when not,
/// nothing is written).
fn split_narrow(units: i128, ws: &mut [i128], shares: &mut [i128]) -> bool {
    let Ok(units) = u32::try_from(units) else { return false };
    let mut total = 0u64;
    for &w in ws.iter() {
        let Ok(w) = u32::try_from(w) else { return false };
        total += u64::from(w);
    }
    // A few lines (the search for each leftover unit reads them all): more take `split`'s sort.
    if total == 0 || shares.len() != ws.len() || ws.len() > 8 {
        return false;
    }
    // INVARIANT: every weight fits 32 bits (checked above), so `w as u64` keeps it and
    // `units × w` < 2^64; each share is at most `units`, so the shares' sum fits too.
    let mut allocated = 0u64;
    for (w, share) in ws.iter_mut().zip(shares.iter_mut()) {
        let product = u64::from(units) * *w as u64;
        let q = product / total;
        allocated += q;
        *w = i128::from(product % total);
        *share = i128::from(q);
    }
    // The units left over (fewer than the lines) go to the largest remainders, the earlier line
    // first on a tie — as in `split`.
    for _ in 0..u64::from(units) - allocated {
        let mut best: Option<(usize, i128)> = None;
        for (k, &r) in ws.iter().enumerate() {
            if best.is_none_or(|(_, b)| r > b) {
                best = Some((k, r));
            }
        }
        let Some((k, _)) = best else { break };
        if let (Some(share), Some(r)) = (shares.get_mut(k), ws.get_mut(k)) {
            *share += 1;
            *r = -1;
        }
    }
    true
}

/// `a × b`, in one machine multiplication when both fit 64 bits (the product then fits 128).
fn mul(a: i128, b: i128) -> Option<i128> {
    match (i64::try_from(a), i64::try_from(b)) {
        (Ok(a), Ok(b)) => Some(i128::from(a) * i128::from(b)),
        _ => a.checked_mul(b),
    }
}

/// `n / d` and `n % d` (`d > 0`), in 64 bits when both fit: one machine division instead of
/// two 128-bit library calls.
pub(crate) fn div_rem(n: i128, d: i128) -> Option<(i128, i128)> {
    match (i64::try_from(n), i64::try_from(d)) {
        (Ok(n), Ok(d)) if d > 0 => Some((i128::from(n / d), i128::from(n % d))),
        _ => Some((n.checked_div(d)?, n.checked_rem(d)?)),
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use proptest::prelude::*;

    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn the_seed_gift_allocation() {
        // Seed 004 §5: A 10 + B 90, gift C worth 5 → A 9.50, B 85.50.
        let shares = allocate(d("5.00"), &[d("10.00"), d("90.00")], 2).unwrap();
        assert_eq!(shares, vec![d("0.50"), d("4.50")]);
        assert_eq!(d("10.00") - shares[0], d("9.50"));
        assert_eq!(d("90.00") - shares[1], d("85.50"));
    }

    #[test]
    fn leftover_cents_go_to_the_largest_remainders_then_the_earlier_line() {
        // 10.00 over three equal lines: 3.33 each, one cent left, to the first line.
        assert_eq!(allocate(d("10.00"), &[d("1"), d("1"), d("1")], 2).unwrap(), vec![d("3.34"), d("3.33"), d("3.33")]);
        // 1.00 over 1 : 2 : 3 → exact 0.1666…, 0.3333…, 0.5 → 0.16, 0.33, 0.50 and one cent to the
        // largest remainder (0.0066… of the first line).
        assert_eq!(allocate(d("1.00"), &[d("1"), d("2"), d("3")], 2).unwrap(), vec![d("0.17"), d("0.33"), d("0.50")]);
    }

    #[test]
    fn amounts_whose_product_overflows_still_allocate_exactly() {
        let big = d("100000000000000000000.00"); // 10^20
        let shares = allocate(big, &[d("1000000000000000"), d("1000000000000000")], 2).unwrap();
        assert_eq!(shares.iter().sum::<Decimal>(), big);
        assert_eq!(shares[0], d("50000000000000000000.00"));
    }

    #[test]
    fn currencies_without_minor_units() {
        assert_eq!(allocate(d("100"), &[d("1"), d("1"), d("1")], 0).unwrap(), vec![d("34"), d("33"), d("33")]);
    }

    #[test]
    fn all_zero_weights_split_evenly_and_bad_inputs_are_errors() {
        assert_eq!(allocate(d("1.00"), &[d("0"), d("0")], 2).unwrap(), vec![d("0.50"), d("0.50")]);
        assert_eq!(allocate(d("-1.00"), &[d("1")], 2), Err(AllocationError::Negative));
        assert_eq!(allocate(d("1.00"), &[d("-1")], 2), Err(AllocationError::Negative));
        assert!(matches!(allocate(d("1.001"), &[d("1")], 2), Err(AllocationError::TooPrecise { .. })));
        assert!(matches!(allocate(d("1.00"), &[], 2), Err(AllocationError::NoLines { .. })));
        assert_eq!(allocate(d("0"), &[], 2), Ok(vec![]));
    }

    #[test]
    fn a_split_in_64_bits_is_the_split_in_128() {
        // A remainder to the earlier of two equal lines; one to the largest of three; every
        // weight at 32 bits' edge; a taken first line passed over for the next largest.
        for (units, ws) in [
            (101i128, vec![1i128, 1]),
            (100, vec![1, 2, 3]),
            (i128::from(u32::MAX), vec![i128::from(u32::MAX); 8]),
            (7, vec![5, 3, 3, 3]),
            (0, vec![4, 0, 9]),
        ] {
            let (mut narrow_ws, mut wide_ws) = (ws.clone(), ws.clone());
            let (mut narrow, mut wide) = (vec![0; ws.len()], vec![0; ws.len()]);
            assert!(split_narrow(units, &mut narrow_ws, &mut narrow), "{units} over {ws:?} fits 64 bits");
            assert_eq!(split_wide(units, &mut wide_ws, &mut wide), Some(()));
            assert_eq!(narrow, wide, "{units} over {ws:?}");
            assert_eq!(narrow.iter().sum::<i128>(), units);
        }
        assert_eq!(split_both(10, &[1, 1, 1]), vec![4, 3, 3]);
        // Past 32 bits, all zero, or more than eight lines: left to the 128-bit split, untouched.
        for (units, ws) in [(1i128 << 32, vec![1i128, 1]), (5, vec![1 << 32, 1]), (5, vec![0, 0]), (5, vec![1; 9])] {
            let mut untouched = ws.clone();
            let mut shares = vec![0; ws.len()];
            assert!(!split_narrow(units, &mut untouched, &mut shares), "{units} over {ws:?}");
            assert_eq!((untouched, shares), (ws.clone(), vec![0; ws.len()]));
            assert_eq!(split_both(units, &ws).iter().sum::<i128>(), units);
        }
    }

    /// `split` of `units` over `ws`, its shares.
    fn split_both(units: i128, ws: &[i128]) -> Vec<i128> {
        let (mut ws, mut shares) = (ws.to_vec(), vec![0; ws.len()]);
        assert_eq!(split(units, &mut ws, &mut shares), Some(()));
        shares
    }

    fn cents() -> impl Strategy<Value = Decimal> {
        (0i64..10_000_000).prop_map(|c| Decimal::new(c, 2))
    }

    proptest! {
        #[test]
        fn integers_and_decimals_allocate_alike(amount in cents(), weights in proptest::collection::vec(cents(), 1..40)) {
            let exact = in_integers(amount, &weights, 2).map(SmallVec::into_vec);
            prop_assert!(exact.is_some(), "cents always fit in integers");
            prop_assert_eq!(exact, in_decimals(amount, &weights, 2).ok());
        }

        #[test]
        fn splits_in_64_and_128_bits_agree(units in 0u32.., ws in proptest::collection::vec(0u32.., 1..9)) {
            let ws: Vec<i128> = ws.into_iter().map(i128::from).collect();
            let (mut narrow_ws, mut wide_ws) = (ws.clone(), ws.clone());
            let (mut narrow, mut wide) = (vec![0; ws.len()], vec![0; ws.len()]);
            let split = split_narrow(i128::from(units), &mut narrow_ws, &mut narrow);
            prop_assert_eq!(split, ws.iter().any(|&w| w != 0));
            prop_assert_eq!(split_wide(i128::from(units), &mut wide_ws, &mut wide), Some(()));
            if split {
                prop_assert_eq!(narrow, wide);
            }
        }

        #[test]
        fn shares_sum_exactly_and_stay_within_a_cent(amount in cents(), weights in proptest::collection::vec(cents(), 1..40)) {
            let shares = allocate(amount, &weights, 2).unwrap();
            prop_assert_eq!(shares.len(), weights.len());
            prop_assert_eq!(shares.iter().sum::<Decimal>(), amount);
            let total: Decimal = weights.iter().sum();
            for (share, w) in shares.iter().zip(&weights) {
                prop_assert!(!share.is_sign_negative() || share.is_zero());
                prop_assert!(share.normalize().scale() <= 2);
                let exact = if total.is_zero() { amount / Decimal::from(weights.len()) } else { amount * w / total };
                prop_assert!((*share - exact).abs() < Decimal::new(1, 2), "{share} vs {exact}");
            }
            prop_assert_eq!(allocate(amount, &weights, 2).unwrap(), shares, "deterministic");
        }
    }
}
