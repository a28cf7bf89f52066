//! Which promotions are available, and on which lines (spec/evaluation.md §1).

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use smol_str::{SmolStr, format_smolstr};

use super::kinds::Allowance;

use crate::bind::BoundCart;
use crate::cond::holds;
use crate::extension::{CallError, Calls};
use crate::index::Prepared;
use crate::input::State;
use crate::ir::LimitPer;

/// The lines of a cart one promotion's scope holds on, ascending.
pub(crate) type ScopeLines = smallvec::SmallVec<[usize; 2]>;

/// From how many scope matches they are grouped by a radix sort rather than a comparison sort
/// (where the two cost about the same, measured in instructions).
const RADIX_SORT_FROM: usize = 256;

/// One promotion's availability for a cart.
// Kept small (a pricing builds one per matching promotion, and copies it once): what few
// promotions have is boxed, absent for the rest.
#[derive(Debug, Clone)]
pub(crate) struct Availability {
    /// Why it is not available; `None` when it is.
    pub unavailable: Option<SmolStr>,
    /// Lines in its scope (most promotions match a line or two of a cart: inline).
    pub in_scope: ScopeLines,
    /// Withdrawal on some of its lines, or a failed extension call.
    rare: Option<Box<Rare>>,
    /// Units or uses it may still give.
    pub allowance: Allowance,
    /// Money it may still give.
    pub budget: Option<Decimal>,
    /// Group-buy members, this customer included.
    pub group_members: u64,
}

/// What few promotions' availability has.
#[derive(Debug, Clone, Default)]
struct Rare {
    /// Lines in scope where another promotion withdraws it, with that promotion's index.
    withdrawn: Vec<(usize, usize)>,
    /// The lines in scope not withdrawn, when some are.
    fewer_lines: Option<Vec<usize>>,
    /// The extension call that failed in its scope or eligibility (it is then unavailable).
    extension_failure: Option<CallError>,
}

fn when(at: i64) -> String {
    jiff::Timestamp::from_second(at).map_or_else(|_| at.to_string(), |t| t.to_string())
}

impl Availability {
    /// Lines it may apply to: in scope, not withdrawn (none when unavailable), ascending.
    pub fn lines(&self) -> &[usize] {
        if self.unavailable.is_some() {
            return &[];
        }
        self.rare.as_ref().and_then(|r| r.fewer_lines.as_deref()).unwrap_or(&self.in_scope)
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
    // A match of promotion `i` on line `l` is one key, `i` in the high half and `l` in the low:
    // sorting the keys groups them by promotion, each with its lines ascending.
    // INVARIANT: promotion indices (the index's `u32`s) and lines (at most `MAX_LINES`) fit 32 bits.
    let key = |i: usize, l: usize| (i as u64) << 32 | l as u64;
    let mut matches: Vec<u64> = Vec::new();
    // Promotions whose scope needed an extension call that failed: not applied (fail closed).
    let mut failed: BTreeMap<usize, CallError> = BTreeMap::new();
    let mut candidates = Vec::new();
    for (l, values) in bound.lines().enumerate() {
        prepared.index.candidates_into(values, &mut candidates);
        for &i in &candidates {
            let i = i as usize;
            let Some(p) = r.promotions.get(i) else { continue };
            // A scope that is its index entry holds on the lines the index gives it.
            if prepared.index.exact(i) {
                debug_assert_eq!(holds(&p.scope, values, &mut calls), Ok(true), "an exact index entry");
                matches.push(key(i, l));
                continue;
            }
            match holds(&p.scope, values, &mut calls) {
                Ok(true) => matches.push(key(i, l)),
                Ok(false) => {}
                Err(e) => {
                    failed.entry(i).or_insert(e);
                    matches.push(key(i, l));
                }
            }
        }
    }
    // Each promotion with the lines in its scope, both ascending. Many matches (a large cart): the
    // matches were found line by line, so a stable sort by promotion alone leaves each
    // promotion's lines ascending, and a radix sort does that in a pass or two, one per byte of
    // the promotion indices that differs (a third cheaper than comparing on a 200-line cart).
    // A few: comparing costs less than the radix sort's tables.
    if matches.len() < RADIX_SORT_FROM {
        matches.sort_unstable();
    } else {
        radsort::sort_by_key(&mut matches, |&m| (m >> 32) as u32);
    }
    debug_assert!(matches.is_sorted(), "matches by promotion, then line");
    let promotion = |m: &u64| (m >> 32) as usize;
    // Each promotion's availability, its lines in scope first; the rest is decided below. Every
    // list is filled where it stays: a small vector built on the stack and moved into a larger
    // value is read back before its writes have settled (a stall the time profile showed).
    // Sized for the promotions matched, counted first: sized for the matches (on the 200-line
    // benchmark cart, 2,300 for 1,000 promotions), the list would take more than twice the memory.
    let promotions = matches.chunk_by(|a, b| promotion(a) == promotion(b)).count();
    let mut relevant = Vec::with_capacity(promotions);
    let mut available: Vec<Availability> = Vec::with_capacity(promotions);
    for run in matches.chunk_by(|a, b| promotion(a) == promotion(b)) {
        let Some(i) = run.first().map(promotion).filter(|&i| i < r.promotions.len()) else { continue };
        relevant.push(i);
        available.push(Availability {
            unavailable: None,
            in_scope: ScopeLines::new(),
            rare: None,
            allowance: Allowance { left: None },
            budget: None,
            group_members: 1,
        });
        if let Some(a) = available.last_mut() {
            a.in_scope.extend(run.iter().map(|&m| (m & 0xffff_ffff) as usize));
        }
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
    for (&i, a) in relevant.iter().zip(&mut available) {
        // INVARIANT: with no promotion withdrawing, `withdrawn` is empty, so a promotion skipped
        // here takes nothing from it that the next one would be given.
        if plain_cart && prepared.unconditional.get(i).copied().unwrap_or(false) {
            debug_assert!(
                a.unavailable.is_none()
                    && a.rare.is_none()
                    && a.allowance.left.is_none()
                    && a.budget.is_none()
                    && a.group_members == 1,
                "an unconditional promotion's availability is its placeholder"
            );
            continue;
        }
        let Some(p) = r.promotions.get(i) else { continue };
        let withdrawn = withdrawn.next().unwrap_or_default();
        let in_scope = &a.in_scope;
        let stock_left =
            p.stock.map(|s| state.stock_left.get(p.name.as_str()).copied().unwrap_or(u64::try_from(s).unwrap_or(0)));
        let limit_left = p.limit.map(|(n, per)| {
            let n = u64::try_from(n).unwrap_or(0);
            match per {
                LimitPer::Customer => {
                    n.saturating_sub(state.used_by_customer.get(p.name.as_str()).copied().unwrap_or(0))
                }
                LimitPer::Order => n,
            }
        });
        let budget = p.budget.map(|b| state.budget_left.get(p.name.as_str()).copied().unwrap_or(b));
        let mut extension_failure = failed.remove(&i);
        let unavailable = match p.window {
            Some((s, _)) if at < s => Some(format_smolstr!("not started: starts at {}", when(s))),
            Some((_, e)) if at >= e => Some(format_smolstr!("ended at {}", when(e))),
            _ => None,
        }
        .or_else(|| extension_failure.as_ref().map(|e| format_smolstr!("{e}: not applied")))
        .or_else(|| match holds(&p.eligible, bound.customer(), &mut calls) {
            Ok(true) => None,
            Ok(false) => Some(SmolStr::new_static("the customer is not eligible")),
            Err(e) => {
                let reason = format_smolstr!("{e}: not applied");
                extension_failure = Some(e);
                Some(reason)
            }
        })
        .or_else(|| {
            p.coupon
                .filter(|c| !bound.coupons.contains(c))
                .map(|c| format_smolstr!("needs the coupon `{}`", r.symbol(c)))
        })
        .or_else(|| (stock_left == Some(0)).then(|| SmolStr::new_static("stock exhausted: withdrawn")))
        .or_else(|| budget.filter(|b| *b <= Decimal::ZERO).map(|_| SmolStr::new_static("budget exhausted: withdrawn")));
        // Most promotions may apply to every line in their scope: those keep no second list.
        let fewer_lines = (!withdrawn.is_empty())
            .then(|| in_scope.iter().copied().filter(|l| !withdrawn.iter().any(|(w, _)| w == l)).collect());
        let rare = (!withdrawn.is_empty() || extension_failure.is_some())
            .then(|| Box::new(Rare { withdrawn, fewer_lines, extension_failure }));
        let left = match (limit_left, stock_left) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        a.unavailable = unavailable;
        a.rare = rare;
        a.allowance = Allowance { left };
        a.budget = budget;
        a.group_members = state.group_members.get(p.name.as_str()).copied().unwrap_or(0) + 1;
    }
    (relevant, available)
}
