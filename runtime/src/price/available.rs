//! Which promotions are available, and on which lines (spec/evaluation.md §1).

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use smol_str::{SmolStr, format_smolstr};

use super::kinds::Allowance;
use super::state_at::StateAt;
use super::words::Reason;

use crate::bind::BoundCart;
use crate::cond::holds;
use crate::extension::{CallError, Calls};
use crate::index::Prepared;
use crate::input::State;
use crate::ir::LimitPer;

/// The lines of a cart one promotion's scope holds on, ascending.
pub(crate) type ScopeLines = smallvec::SmallVec<[usize; 2]>;

/// From how many scope matches they are grouped through a bit set of the promotions rather than
/// by a comparison sort. The threshold is the one measured for the radix sort the bit set
/// replaced; a smaller cart does not pay for a bit set over the ruleset's promotions.
const BIT_SET_FROM: usize = 256;

/// How many promotions of the span the matched ones cover a table of places may spend per match
/// (4 bytes each): beyond it the place of each match is counted from the bit set instead.
const PLACE_TABLE_SPAN_PER_MATCH: usize = 8;

/// One promotion's availability for a cart.
// Kept small — 40 bytes, so a large cart's thousand fit the first-level cache (a pricing builds
// one per matching promotion, and every pass over the relevant promotions reads them): what few
// promotions have — a reason it is not available, a budget, group-buy members, a withdrawal, a
// failed extension call — is boxed, absent for the rest. Units left under a limit or stock are
// not rare (a flash sale has both) and are kept inline: boxed, every such promotion cost an
// allocation and its release on every pricing.
#[derive(Debug, Clone)]
pub(crate) struct Availability {
    /// Lines in its scope (most promotions match a line or two of a cart: inline).
    pub in_scope: ScopeLines,
    /// Units or uses it may still give under its limit and stock; [`UNLIMITED`] without either.
    left: u64,
    /// Why it is not available, its budget and group-buy members, a withdrawal on some of its
    /// lines, a failed extension call.
    rare: Option<Box<Rare>>,
}

/// [`Availability::left`] of a promotion without a limit or stock: more units than any cart has.
const UNLIMITED: u64 = u64::MAX;

// INVARIANT: an availability stays 40 bytes on 64-bit targets (see its comment).
#[cfg(target_pointer_width = "64")]
const _: () = assert!(std::mem::size_of::<Availability>() == 40);

/// What few promotions' availability has.
#[derive(Debug, Clone)]
struct Rare {
    /// Why it is not available; `None` when it is.
    unavailable: Option<Reason>,
    /// Group-buy members, this customer included.
    group_members: u64,
    /// Money it may still give.
    budget: Option<Decimal>,
    /// Lines in scope where another promotion withdraws it, with that promotion's index.
    withdrawn: Vec<(usize, usize)>,
    /// The lines in scope not withdrawn, when some are.
    fewer_lines: Option<Vec<usize>>,
    /// The extension call that failed in its scope or eligibility (it is then unavailable).
    extension_failure: Option<CallError>,
}

impl Availability {
    /// Why it is not available; `None` when it is.
    pub fn unavailable(&self) -> Option<&Reason> {
        self.rare.as_ref().and_then(|r| r.unavailable.as_ref())
    }

    /// Units or uses it may still give (no limit or stock: unlimited).
    pub fn allowance(&self) -> Allowance {
        Allowance { left: (self.left != UNLIMITED).then_some(self.left) }
    }

    /// Group-buy members, this customer included (none recorded: the customer alone).
    pub fn group_members(&self) -> u64 {
        self.rare.as_ref().map_or(1, |r| r.group_members)
    }

    /// Money it may still give, when its budget is limited.
    pub fn budget(&self) -> Option<Decimal> {
        self.rare.as_ref().and_then(|r| r.budget)
    }

    /// Lines it may apply to: in scope, not withdrawn (none when unavailable), ascending.
    pub fn lines(&self) -> &[usize] {
        match self.rare.as_deref() {
            None => &self.in_scope,
            Some(Rare { unavailable: Some(_), .. }) => &[],
            Some(r) => r.fewer_lines.as_deref().unwrap_or(&self.in_scope),
        }
    }

    /// Lines in scope where another promotion withdraws it, with that promotion's index.
    pub fn withdrawn(&self) -> &[(usize, usize)] {
        self.rare.as_ref().map_or(&[], |r| &r.withdrawn)
    }

    /// The extension call that failed in its scope or eligibility (it is then unavailable).
    pub fn extension_failure(&self) -> Option<&CallError> {
        self.rare.as_ref().and_then(|r| r.extension_failure.as_ref())
    }
}

/// The availability a promotion has before anything but its scope is read: available, on no line
/// yet, with no allowance or budget, the customer its group's only member.
fn placeholder() -> Availability {
    Availability { in_scope: ScopeLines::new(), left: UNLIMITED, rare: None }
}

/// The promotion and the line of a scope match (`availability`'s keys).
fn promotion(m: u64) -> usize {
    (m >> 32) as usize
}

fn line(m: u64) -> usize {
    (m & 0xffff_ffff) as usize
}

/// The promotions of `matches` (keys of a promotion and a line, found line by line, so each
/// promotion's lines come ascending; a key may repeat), ascending, each with a placeholder
/// availability holding its lines in scope, ascending, each once; a promotion beyond the
/// ruleset's `promotions` is left out.
fn by_promotion(matches: &mut Vec<u64>, promotions: usize) -> (Vec<usize>, Vec<Availability>) {
    let mut relevant = Vec::new();
    let mut available: Vec<Availability> = Vec::new();
    if matches.len() < BIT_SET_FROM {
        // A few: sorted by promotion then line, and read run by run.
        matches.sort_unstable();
        matches.dedup();
        for run in matches.chunk_by(|&a, &b| promotion(a) == promotion(b)) {
            let Some(i) = run.first().map(|&m| promotion(m)).filter(|&i| i < promotions) else { continue };
            relevant.push(i);
            available.push(placeholder());
            if let Some(a) = available.last_mut() {
                a.in_scope.extend(run.iter().map(|&m| line(m)));
            }
        }
        return (relevant, available);
    }
    // Many (a large cart): the promotions matched as a bit set, read in order; each promotion's
    // place among them is the number of bits set before its own (a word's count kept per word).
    // Each line is pushed in the order the matches were found: ascending. No sort at all. Only
    // the words from the lowest promotion matched to the highest are read, not the whole ruleset.
    let mut bits = vec![0u64; promotions.div_ceil(64)];
    let (mut lowest, mut highest) = (usize::MAX, 0);
    for i in matches.iter().map(|&m| promotion(m)).filter(|&i| i < promotions) {
        if let Some(word) = bits.get_mut(i / 64) {
            *word |= 1 << (i % 64);
        }
        lowest = lowest.min(i);
        highest = highest.max(i);
    }
    let first_word = lowest / 64;
    let span = bits.get(first_word..=highest / 64).unwrap_or(&[]);
    // `before[w]`: the bits set before word `first_word + w`.
    let mut before: Vec<u32> = Vec::with_capacity(span.len());
    let mut count = 0u32;
    for &word in span {
        before.push(count);
        count += word.count_ones();
    }
    relevant.reserve_exact(count as usize);
    for (w, &word) in span.iter().enumerate() {
        let mut rest = word;
        while rest != 0 {
            relevant.push((first_word + w) * 64 + rest.trailing_zeros() as usize);
            rest &= rest - 1;
        }
    }
    // Each list is filled where it stays: a small vector built on the stack and moved into a
    // larger value is read back before its writes have settled (a stall the time profile showed).
    available.resize_with(relevant.len(), placeholder);
    // Where the promotions matched are dense in the span they cover (a match for every
    // `PLACE_TABLE_SPAN_PER_MATCH` promotions of the span or more), each one's place is looked up
    // in a table over the span, made from `relevant`; sparse, it is counted from the bit set (a
    // count of bits per match, from `before`).
    let span_start = first_word * 64;
    let dense = span.len() * 64 <= matches.len() * PLACE_TABLE_SPAN_PER_MATCH;
    let mut place_of: Vec<u32> = Vec::new();
    if dense {
        place_of.resize(span.len() * 64, u32::MAX);
        for (place, &i) in relevant.iter().enumerate() {
            if let Some(slot) = place_of.get_mut(i - span_start) {
                *slot = place as u32;
            }
        }
    }
    for &m in matches.iter() {
        let i = promotion(m);
        // A promotion beyond the ruleset has no bit, and every bit set is below it: its place is
        // past the list (or none in the table), and it is left out.
        let place = if dense {
            i.checked_sub(span_start).and_then(|at| place_of.get(at)).copied().unwrap_or(u32::MAX)
        } else {
            let (Some(&word), Some(&rank)) = (bits.get(i / 64), before.get((i / 64).wrapping_sub(first_word))) else {
                continue;
            };
            rank + (word & ((1u64 << (i % 64)) - 1)).count_ones()
        };
        // A repeated match is its promotion's last line again (lines are found in order).
        if let Some(a) = available.get_mut(place as usize)
            && a.in_scope.last() != Some(&line(m))
        {
            a.in_scope.push(line(m));
        }
    }
    debug_assert!(relevant.is_sorted() && available.iter().all(|a| a.in_scope.is_sorted()));
    (relevant, available)
}

/// The most scope matches whose list a thread keeps between pricings: 512 KiB of them.
const KEPT_MATCHES: usize = 1 << 16;

thread_local! {
    /// This thread's list of scope matches, empty, from its last pricing.
    static MATCHES: std::cell::RefCell<Vec<u64>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The promotions whose scope matches a line of the cart (ascending), and their availability.
pub(crate) fn availability(
    prepared: &Prepared,
    bound: &BoundCart,
    state: &State,
    at: i64,
) -> (Vec<usize>, Vec<Availability>) {
    let r = &prepared.ruleset;
    let mut calls = Calls::new(&prepared.sandbox);
    // (promotion, line) for every line a promotion's scope holds on, found line by line.
    // A match of promotion `i` on line `l` is one key, `i` in the high half and `l` in the low
    // (`by_promotion` groups them by promotion, each with its lines ascending).
    // INVARIANT: promotion indices (the index's `u32`s) and lines (at most `MAX_LINES`) fit 32 bits.
    let key = |i: usize, l: usize| (i as u64) << 32 | l as u64;
    // This thread's list from its last pricing, emptied: a large cart's matches grew it by
    // doubling, ten times for the 200-line benchmark cart's 1,715, on every pricing.
    let mut matches: Vec<u64> = MATCHES.with(|m| m.take());
    matches.clear();
    // Promotions whose scope needed an extension call that failed: not applied (fail closed).
    let mut failed: BTreeMap<usize, CallError> = BTreeMap::new();
    for (l, values) in bound.lines().enumerate() {
        // In no particular order, a promotion possibly twice: `by_promotion` groups the matches
        // by promotion and drops a repeated one.
        prepared.index.for_each_candidate(values, |i| {
            let i = i as usize;
            let Some(p) = r.promotions.get(i) else { return };
            // A scope that is its index entry holds on the lines the index gives it.
            if prepared.index.exact(i) {
                debug_assert_eq!(holds(&p.scope, values, &mut calls), Ok(true), "an exact index entry");
                matches.push(key(i, l));
                return;
            }
            match holds(&p.scope, values, &mut calls) {
                Ok(true) => matches.push(key(i, l)),
                Ok(false) => {}
                Err(e) => {
                    failed.entry(i).or_insert(e);
                    matches.push(key(i, l));
                }
            }
        });
    }
    let (relevant, mut available) = by_promotion(&mut matches, r.promotions.len());
    if matches.capacity() <= KEPT_MATCHES {
        matches.clear();
        MATCHES.with(|m| m.replace(matches));
    }
    let scope_of = |q: usize| relevant.binary_search(&q).ok().and_then(|k| available.get(k)).map(|a| &a.in_scope);
    // Promotions withdrawing others: from `start − D` until their end, on the lines in their scope.
    let withdrawing: Vec<usize> = prepared
        .index
        .withdrawing
        .iter()
        .map(|&i| i as usize)
        .filter(|&i| match r.promotions.get(i).map(|p| (p.withdraw_others, p.window)) {
            Some((Some(d), Some((s, e)))) => at >= s.saturating_sub(d) && at < e,
            _ => false,
        })
        .collect();
    // Decided before any availability is written: it reads the scopes of others. None at all,
    // nearly always.
    let withdrawn: Vec<Vec<(usize, usize)>> = if withdrawing.is_empty() {
        Vec::new()
    } else {
        relevant
            .iter()
            .zip(&available)
            .map(|(&i, a)| {
                a.in_scope
                    .iter()
                    .filter_map(|&l| {
                        withdrawing
                            .iter()
                            .find(|&&q| q != i && scope_of(q).is_some_and(|s| s.contains(&l)))
                            .map(|&q| (l, q))
                    })
                    .collect()
            })
            .collect()
    };
    let mut withdrawn = withdrawn.into_iter();
    // Nothing withdrawn, no extension call failed, no group buy has members: then a promotion
    // available whenever it matches (`Prepared::unconditional`) is what its placeholder says —
    // available, no allowance or budget, the customer its group's only member — and its
    // promotion need not be read.
    let plain_cart = withdrawing.is_empty() && failed.is_empty() && state.group_members.is_empty();
    // The state's entries of the matched promotions, each map read once (`state_at.rs`).
    let stock_entries = StateAt::new(&state.stock_left, prepared, &relevant);
    let used_entries = StateAt::new(&state.used_by_customer, prepared, &relevant);
    let budget_entries = StateAt::new(&state.budget_left, prepared, &relevant);
    let member_entries = StateAt::new(&state.group_members, prepared, &relevant);
    for (place, a) in available.iter_mut().enumerate() {
        let Some(&i) = relevant.get(place) else { break };
        // INVARIANT: with no promotion withdrawing, `withdrawn` is empty, so a promotion skipped
        // here takes nothing from it that the next one would be given.
        if plain_cart && prepared.unconditional.get(i).copied().unwrap_or(false) {
            debug_assert!(
                a.rare.is_none() && a.allowance().left.is_none() && a.group_members() == 1,
                "an unconditional promotion's availability is its placeholder"
            );
            continue;
        }
        let Some(p) = r.promotions.get(i) else { continue };
        let withdrawn = withdrawn.next().unwrap_or_default();
        let in_scope = &a.in_scope;
        let name = &p.name;
        let stock_left = p.stock.map(|s| stock_entries.get(place, name).unwrap_or(u64::try_from(s).unwrap_or(0)));
        let limit_left = p.limit.map(|(n, per)| {
            let n = u64::try_from(n).unwrap_or(0);
            match per {
                LimitPer::Customer => n.saturating_sub(used_entries.get(place, name).unwrap_or(0)),
                LimitPer::Order => n,
            }
        });
        let budget = p.budget.map(|b| budget_entries.get(place, name).unwrap_or(b));
        let mut extension_failure = failed.remove(&i);
        // Kept as data: a window's instant or a coupon's code is put into words only when the
        // outcome is shown (a storefront of scheduled flash sales has many not started).
        let words = |text: &'static str| Reason::Unavailable(SmolStr::new_static(text));
        // An extension call that failed, in the scope or the eligibility: fail closed.
        let not_applied = |e: &CallError| Reason::Unavailable(format_smolstr!("{e}: not applied"));
        let unavailable = match p.window {
            Some((s, _)) if at < s => Some(Reason::NotStarted { starts: s }),
            Some((_, e)) if at >= e => Some(Reason::Ended { ended: e }),
            _ => None,
        }
        .or_else(|| extension_failure.as_ref().map(not_applied))
        .or_else(|| match holds(&p.eligible, bound.customer(), &mut calls) {
            Ok(true) => None,
            Ok(false) => Some(words("the customer is not eligible")),
            Err(e) => {
                let reason = not_applied(&e);
                extension_failure = Some(e);
                Some(reason)
            }
        })
        .or_else(|| p.coupon.filter(|c| !bound.coupons.contains(c)).map(|c| Reason::NeedsCoupon(r.symbol(c).into())))
        .or_else(|| (stock_left == Some(0)).then(|| words("stock exhausted: withdrawn")))
        .or_else(|| budget.filter(|b| *b <= Decimal::ZERO).map(|_| words("budget exhausted: withdrawn")));
        // Most promotions may apply to every line in their scope: those keep no second list.
        let fewer_lines = (!withdrawn.is_empty())
            .then(|| in_scope.iter().copied().filter(|l| !withdrawn.iter().any(|(w, _)| w == l)).collect());
        let left = match (limit_left, stock_left) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let group_members = member_entries.get(place, name).unwrap_or(0) + 1;
        // A stock the state gives as `u64::MAX` reads as unlimited: the same, for no cart has
        // that many units (at most 100,000 lines of `u32` units).
        a.left = left.unwrap_or(UNLIMITED);
        let plain = unavailable.is_none()
            && group_members == 1
            && budget.is_none()
            && withdrawn.is_empty()
            && extension_failure.is_none();
        // INVARIANT: `a` is its placeholder, whose `rare` is `None`: only a promotion that has
        // rare parts writes it.
        debug_assert!(a.rare.is_none(), "an availability is written once, over its placeholder");
        if !plain {
            a.rare =
                Some(Box::new(Rare { unavailable, group_members, budget, withdrawn, fewer_lines, extension_failure }));
        }
    }
    (relevant, available)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::{BIT_SET_FROM, PLACE_TABLE_SPAN_PER_MATCH, by_promotion};

    /// Whether promotion `i`'s scope holds on line `l`.
    type Holds = dyn Fn(usize, usize) -> bool;

    /// Matches found line by line on `lines` lines, promotion `i` on line `l` when `holds(i, l)`,
    /// in no order within a line (descending), every third promotion of a line found twice (as
    /// the index may give a promotion from two lists).
    fn found(lines: usize, promotions: usize, holds: impl Fn(usize, usize) -> bool) -> Vec<u64> {
        let mut matches = Vec::new();
        for l in 0..lines {
            let on_line: Vec<u64> =
                (0..promotions).rev().filter(|&i| holds(i, l)).map(|i| (i as u64) << 32 | l as u64).collect();
            matches.extend(&on_line);
            matches.extend(on_line.iter().step_by(3));
        }
        matches
    }

    #[test]
    fn matches_are_grouped_by_promotion_with_their_lines_ascending_whichever_the_way() {
        // A few matches (sorted); many, dense in the promotions they cover (places from a
        // table); and many, sparse (places counted from the bit set) — with none in the set's
        // first word, promotions past a word's 64, and one beyond the ruleset (left out).
        let dense = |i: usize, l: usize| i >= 70 && ((i * 7 + l * 3).is_multiple_of(5) || i == 149);
        let sparse = |i: usize, l: usize| i >= 70 && (i % 9_000 == 71 + l % 2 || i == 40_000);
        let cases: [(usize, usize, &Holds); 3] = [(5, 80, &dense), (300, 150, &dense), (100, 40_001, &sparse)];
        for (case, (lines, promotions, holds)) in cases.into_iter().enumerate() {
            let mut matches = found(lines, promotions, holds);
            let small = matches.len() < BIT_SET_FROM;
            assert_eq!(small, lines == 5, "each way is exercised");
            // Whether the matched promotions are dense in their span, as `by_promotion` decides.
            let (low, high) = matches.iter().fold((usize::MAX, 0), |(low, high), &m| {
                let i = (m >> 32) as usize;
                if i < promotions - 1 { (low.min(i), high.max(i)) } else { (low, high) }
            });
            let span = (high / 64 - low / 64 + 1) * 64;
            assert_eq!(small || span <= matches.len() * PLACE_TABLE_SPAN_PER_MATCH, case < 2, "case {case}");
            let mut expected: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
            for &m in &matches {
                let lines = expected.entry((m >> 32) as usize).or_default();
                // Each line once, however often it was found.
                if !lines.contains(&((m & 0xffff_ffff) as usize)) {
                    lines.push((m & 0xffff_ffff) as usize);
                }
            }
            // The last promotion is beyond a ruleset of `promotions − 1`.
            expected.remove(&(promotions - 1));
            let (relevant, available) = by_promotion(&mut matches, promotions - 1);
            let got: BTreeMap<usize, Vec<usize>> =
                relevant.iter().zip(&available).map(|(&i, a)| (i, a.in_scope.to_vec())).collect();
            assert!(relevant.is_sorted());
            assert_eq!(got, expected, "{lines} lines");
            assert!(available.iter().all(|a| a.unavailable().is_none() && a.group_members() == 1));
        }
    }
}
