//! Evaluating one set of promotions on a cart: stage by stage, group by group, with clamping so
//! no line goes below zero and budgets capping what a promotion gives (spec §3–4).

use std::cell::RefCell;

use rust_decimal::Decimal;

use super::Pricing;
use super::available::Availability;
use super::groups::Groups;
use super::kinds::{Effect, Extras, GiftEffect, GroupLine, KindCtx, Miss, Written, apply};
use super::stacking::{Stage, Traits};
use crate::ir::{Calculation, SymbolId};

/// What one promotion gave.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct PromotionResult {
    /// The promotion's index.
    pub index: usize,
    /// Each group it was evaluated on: where its lines end in `group_lines`, and its effect.
    // INVARIANT: the ends are ascending, the last one `group_lines.len()`.
    pub groups: Vec<(usize, Effect)>,
    /// The lines of every group in `groups`, one group after another: one list the result keeps
    /// from one pricing to the next, rather than a small vector made per group and moved with
    /// its effect into `groups` (a copy through the stack the time profile showed stall).
    pub group_lines: Vec<usize>,
    /// Its discount per line, after budget and clamping.
    // A vector, not an inline small one: only a chosen promotion's result fills it, and a
    // thread's stand-alone results keep their allocations from one pricing to the next, so the
    // results the search and the report read stay smaller.
    pub lines: Vec<(usize, Decimal)>,
    /// Its discount per line after the budget but before clamping, in minor units, in the order
    /// clamping takes them: what the search replays (`search.rs`, `Left::compose`).
    // A vector, not an inline small one: a thread's stand-alone results keep it, with its
    // allocation, from one pricing to the next, and pushing to it checks less.
    pub raw: Vec<(usize, i128)>,
    /// How many benefits its groups were evaluated for: every benefit is evaluated on the same
    /// groups, one after another, so `groups` holds that many runs of them (0: not evaluated).
    // INVARIANT: `groups.len()` is a multiple of `benefits` (when it is not 0).
    pub benefits: usize,
    /// Its whole discount (Σ `lines`) in minor units, as the search adds and compares it (one
    /// number: shown as a decimal by `Pricing::decimal` where the outcome writes it).
    pub discount_minor: i128,
    /// Units or uses consumed.
    pub consumed: u64,
    /// What its gifts are worth (Σ worth × quantity): clamping does not change it.
    pub gift_value: Decimal,
    /// Whether it gives anything (a discount before clamping, a gift, an add-on offer or a
    /// deposit): decided as each effect is made, so the search need not read them again.
    pub gives: bool,
    /// What its groups missed, each named by its group's effect (`Effect::miss`): only a result
    /// with one can give a hint, so the hints read no other result's effects.
    pub missed: Vec<Miss>,
    /// What its groups earned besides discounts — gifts, add-on offers, presale deposits — each
    /// named by its group's effect (`Effect::extras`).
    pub extras: Vec<Extras>,
}

/// What a promotion's benefits did on one line: every benefit's group that holds it, judged
/// together ([`PromotionResult::on_line`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct OnLine<'r> {
    /// The effect whose note says why the line got nothing: the first benefit's with a note, or
    /// the first benefit's.
    pub why: &'r Effect,
    /// Whether a benefit's group of the line got a discount, a gift, an add-on offer or a presale
    /// deposit.
    pub gives: bool,
    /// Whether one earned gifts.
    pub gifts: bool,
    /// Whether one unlocked add-on offers.
    pub addons: bool,
}

impl PromotionResult {
    /// What its benefits did on line `l`, when a group holds it: a promotion of a price change
    /// and a gift, say, may miss the one on the line and earn the other.
    // Inlined always: called for nearly every candidate of a cart, where a call's set-up and
    // returned value cost more than the look-up.
    #[inline(always)]
    pub fn on_line(&self, l: usize) -> Option<OnLine<'_>> {
        // The line's place among the first benefit's lines, then the group whose lines end after
        // it: two plain scans, not a slice of lines cut and searched per group.
        let at = self.group_lines.iter().position(|&x| x == l)?;
        let first = self.groups.iter().position(|(end, _)| at < *end)?;
        let mut line = self.judged(&self.groups.get(first)?.1);
        // One benefit (nearly always): that group is all. Otherwise the same group of each
        // later benefit is as many groups further on as a benefit has.
        if self.benefits > 1 {
            let per_benefit = self.groups_per_benefit();
            for b in 1..self.benefits {
                let Some((_, e)) = self.groups.get(first + b * per_benefit) else { break };
                let next = self.judged(e);
                if line.why.note.is_none() && e.note.is_some() {
                    line.why = e;
                }
                line.gives |= next.gives;
                line.gifts |= next.gifts;
                line.addons |= next.addons;
            }
        }
        Some(line)
    }

    /// How many groups each benefit was evaluated on (all of them, for one benefit).
    #[inline(always)]
    fn groups_per_benefit(&self) -> usize {
        debug_assert!(
            self.benefits == 0 || self.groups.len().is_multiple_of(self.benefits),
            "a run of groups per benefit"
        );
        self.groups.len() / self.benefits.max(1)
    }

    /// Its groups with their effects, one run per benefit, in the order the benefits are written.
    pub fn benefit_runs(&self) -> std::slice::Chunks<'_, (usize, Effect)> {
        self.groups.chunks(self.groups_per_benefit().max(1))
    }

    /// What group effect `e` of this result did on each of its lines.
    #[inline(always)]
    fn judged<'r>(&'r self, e: &'r Effect) -> OnLine<'r> {
        // Extras (gifts, add-on offers, deposits) are read only for an effect that has some.
        let (gifts, addons) = match self.extras_of(e) {
            Some(x) => (!x.gifts.is_empty(), !x.addons.is_empty()),
            None => (false, false),
        };
        OnLine { why: e, gives: e.gives_anything(), gifts, addons }
    }

    /// The effect of each group, in order.
    pub fn effects(&self) -> impl Iterator<Item = &Effect> {
        self.groups.iter().map(|(_, effect)| effect)
    }

    /// What group effect `e` of this result missed, if anything.
    pub fn miss(&self, e: &Effect) -> Option<&Miss> {
        self.missed.get(e.miss? as usize)
    }

    /// What group effect `e` of this result earned besides discounts, if anything.
    fn extras_of(&self, e: &Effect) -> Option<&Extras> {
        self.extras.get(e.extras? as usize)
    }

    /// The gifts group effect `e` of this result earned.
    pub fn gifts(&self, e: &Effect) -> &[GiftEffect] {
        self.extras_of(e).map_or(&[], |x| &x.gifts)
    }

    /// The add-on offers group effect `e` of this result unlocked: (SKU, price, most units).
    pub fn addons(&self, e: &Effect) -> &[(SymbolId, Decimal, Option<i64>)] {
        self.extras_of(e).map_or(&[], |x| &x.addons)
    }

    /// The presale deposits group effect `e` of this result made due: (line, deposit due now,
    /// balance due by).
    pub fn presale(&self, e: &Effect) -> &[(usize, Decimal, Option<i64>)] {
        self.extras_of(e).map_or(&[], |x| &x.presale)
    }

    /// Empties the result for another evaluation, keeping its lists' allocations: a thread's
    /// stand-alone results are refilled by every pricing (`search.rs`, `Alone::reused`).
    fn reset(&mut self) {
        // Every field named: a field added later cannot be left over from the last pricing.
        let PromotionResult {
            index,
            groups,
            group_lines,
            lines,
            raw,
            benefits,
            discount_minor,
            consumed,
            gift_value,
            gives,
            missed,
            extras,
        } = self;
        *index = 0;
        groups.clear();
        group_lines.clear();
        lines.clear();
        raw.clear();
        *benefits = 0;
        *discount_minor = 0;
        *consumed = 0;
        *gift_value = Decimal::ZERO;
        *gives = false;
        missed.clear();
        extras.clear();
    }
}

/// One promotion evaluated alone: its result, if it is available (for a chosen promotion,
/// clamped in place by the chosen set's evaluation).
pub(crate) type Solo = Option<PromotionResult>;

/// A set of promotions, evaluated.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Evaluation {
    /// In the order they were applied: by stage, then by index.
    pub results: Vec<PromotionResult>,
    /// Σ discounts.
    pub discount: Decimal,
    /// Σ gift values.
    pub gift_value: Decimal,
}

/// A promotion of a set, with its stage and its place in the set. Ordered as promotions apply:
/// by stage, then by index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Staged {
    stage: Stage,
    index: usize,
    place: usize,
}

/// Promotions with their stages, in the order they apply.
enum StageOrder<'s> {
    One(Option<Staged>),
    Many(std::vec::IntoIter<Staged>),
    /// An ascending set read once per stage, each stage's promotions in index order: no list is
    /// made. `stage` indexes `Stage::ALL`; `place` is the next place in `set` to read.
    Passes {
        set: &'s [usize],
        traits: &'s [Traits],
        stage: usize,
        place: usize,
    },
}

impl Iterator for StageOrder<'_> {
    type Item = Staged;

    fn next(&mut self) -> Option<Staged> {
        match self {
            StageOrder::One(one) => one.take(),
            StageOrder::Many(many) => many.next(),
            StageOrder::Passes { set, traits, stage, place } => loop {
                let current = *Stage::ALL.get(*stage)?;
                while let Some(&index) = set.get(*place) {
                    *place += 1;
                    if traits.get(index).is_some_and(|t| t.stage() == current) {
                        return Some(Staged { stage: current, index, place: *place - 1 });
                    }
                }
                *stage += 1;
                *place = 0;
            },
        }
    }
}

/// Whether an evaluation keeps each promotion's discount per line, or only their sum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lines {
    /// `PromotionResult::lines` set: what the outcome shows.
    Kept,
    /// Only `PromotionResult::discount_minor`: a stand-alone evaluation.
    Summed,
}

impl Evaluation {
    /// The customer's gain, for comparing combinations: discount, then gift value.
    pub fn value(&self) -> (Decimal, Decimal) {
        (self.discount, self.gift_value)
    }

    /// Adds what one promotion gave: its result and its gifts' value (the caller sums the
    /// discounts, in minor units).
    fn push(&mut self, result: PromotionResult) {
        if !result.gift_value.is_zero() {
            self.gift_value += result.gift_value;
        }
        self.results.push(result);
    }
}

/// Whether no line has two of the discounts `raw` (checked pair by pair, so only for a few: a
/// longer list is taken as possibly repeating one).
fn gives_each_line_once(raw: &[(usize, i128)]) -> bool {
    match raw {
        // One or two (nearly every promotion alone): decided at once.
        [] | [_] => true,
        [(a, _), (b, _)] => a != b,
        _ => raw.len() <= 8 && raw.iter().enumerate().all(|(x, (l, _))| raw.iter().skip(x + 1).all(|(m, _)| m != l)),
    }
}

/// What the lines an evaluation touches cost so far, in minor units, one slot per cart line
/// (`None`: untouched, so its original amount), reused from one evaluation to the next.
#[derive(Debug, Default)]
pub(crate) struct Amounts {
    slots: Vec<Option<i128>>,
    /// The lines whose slot is set, so clearing costs what was touched, not the cart's size.
    touched: Vec<usize>,
}

impl Amounts {
    fn get(&self, l: usize) -> Option<i128> {
        self.slots.get(l).copied().flatten()
    }

    /// The slot of line `l`, set to `original` if it was clear.
    fn entry(&mut self, l: usize, original: i128) -> Option<&mut i128> {
        let slot = self.slots.get_mut(l)?;
        if slot.is_none() {
            self.touched.push(l);
        }
        Some(slot.get_or_insert(original))
    }

    /// Room for `lines` lines, every slot clear, keeping the allocations.
    fn reset(&mut self, lines: usize) {
        self.touched.clear();
        self.slots.clear();
        self.slots.resize(lines, None);
    }

    fn clear(&mut self) {
        for l in self.touched.drain(..) {
            if let Some(slot) = self.slots.get_mut(l) {
                *slot = None;
            }
        }
    }

    /// Makes `self` what `other` is.
    fn copy_from(&mut self, other: &Amounts) {
        self.clear();
        for &l in &other.touched {
            if let (Some(slot), Some(v)) = (self.slots.get_mut(l), other.get(l)) {
                *slot = Some(v);
                self.touched.push(l);
            }
        }
    }
}

/// Scratch space for evaluations of one cart: what is left of each line, and (progressive
/// calculation) what the current stage sees.
// INVARIANT: every slot is clear between evaluations.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    net: Amounts,
    snapshot: Amounts,
    /// The group a kind is given, refilled for each group.
    group: Vec<GroupLine>,
    /// The groups of the promotion being evaluated, refilled for each promotion: read in place
    /// (a nested small vector returned and moved is copied through the stack every time).
    groups: Groups,
}

/// The largest cart (in lines) whose scratch a thread keeps for its next pricing: some 260 KB.
const KEPT_SCRATCH_LINES: usize = 4096;

thread_local! {
    /// This thread's scratch from its last pricing, for the next: a small cart's pricing would
    /// otherwise spend a noticeable part of its time allocating and freeing its lists.
    static KEPT: RefCell<Option<Scratch>> = const { RefCell::new(None) };
}

impl Scratch {
    /// Scratch for a cart of `lines` lines: this thread's from its last pricing when it kept
    /// one, every slot cleared and sized for this cart (so whatever the last pricing left, even
    /// one cut short, is gone), or new.
    pub fn for_cart(lines: usize) -> RefCell<Scratch> {
        let mut scratch = KEPT.with(|k| k.take()).unwrap_or_default();
        scratch.net.reset(lines);
        scratch.snapshot.reset(lines);
        RefCell::new(scratch)
    }

    /// Keeps this scratch for the thread's next pricing, unless its cart was larger than
    /// [`KEPT_SCRATCH_LINES`].
    pub fn keep_for_reuse(self) {
        if self.net.slots.len() <= KEPT_SCRATCH_LINES {
            KEPT.with(|k| k.replace(Some(self)));
        }
    }
}

impl Pricing<'_> {
    /// Line `l` as a group sees it, `left` of it in minor units (`None`: its original amount,
    /// copied from the cart's table: what every stand-alone evaluation measures).
    fn group_line(&self, l: usize, left: Option<i128>) -> GroupLine {
        let original = self.originals.get(l).copied();
        match left {
            None => original.unwrap_or(GroupLine { line: l, qty: 0, base: Decimal::ZERO, minor: Some(0) }),
            Some(left) => GroupLine {
                line: l,
                qty: original.map_or(0, |g| g.qty),
                base: self.decimal(left),
                // INVARIANT: what is left of a line is exact in minor units.
                minor: i64::try_from(left).ok(),
            },
        }
    }

    pub(super) fn original_minor(&self, l: usize) -> i128 {
        self.original_minor.get(l).copied().unwrap_or(0)
    }

    /// An amount in minor units as a decimal.
    pub(super) fn decimal(&self, minor: i128) -> Decimal {
        // INVARIANT: amounts are bounded far below 10^28 (ARCHITECTURE rule 5), so they fit.
        Decimal::try_from_i128_with_scale(minor, self.rules.minor_units).unwrap_or(Decimal::ZERO)
    }

    /// `set` with each promotion's stage, in the order they apply: by stage, then by index. A
    /// set of one (every stand-alone evaluation) needs no list.
    fn in_stage_order<'s>(&'s self, set: &'s [usize]) -> StageOrder<'s> {
        let staged = |place: usize, i: usize| self.traits.get(i).map(|t| Staged { stage: t.stage(), index: i, place });
        match set {
            [one] => StageOrder::One(staged(0, *one)),
            // Ascending already (the chosen set): a pass per stage keeps each in index order.
            _ if set.is_sorted() => StageOrder::Passes { set, traits: self.traits, stage: 0, place: 0 },
            _ => {
                let mut staged_set: Vec<Staged> = Vec::with_capacity(set.len());
                staged_set.extend(set.iter().enumerate().filter_map(|(place, &i)| staged(place, i)));
                staged_set.sort_unstable();
                StageOrder::Many(staged_set.into_iter())
            }
        }
    }

    /// Promotion `i` evaluated alone, for the search and the report: its result's `discount_minor` is
    /// set but not its `lines` (nothing reads a stand-alone result's lines; when the promotion is
    /// chosen, [`evaluate_chosen`](Self::evaluate_chosen) clamps it again and sets them).
    /// `a` is its availability (the caller holds it: no look-up); `scratch` is this cart's
    /// scratch, borrowed once by the caller's loop over every matching promotion.
    pub(crate) fn evaluate_alone(&self, scratch: &mut Scratch, i: usize, a: &Availability, solo: &mut Solo) {
        // `snapshot` is clear: the original amounts, whatever the calculation. A result left by
        // the thread's last pricing is emptied and refilled, its lists' allocations kept.
        let result = solo.get_or_insert_with(PromotionResult::default);
        result.reset();
        self.apply_promotion(i, Some(a), scratch, Lines::Summed, result);
        scratch.net.clear();
    }

    /// Evaluates the promotions `set` together. Only the lines they touch are tracked.
    pub(crate) fn evaluate(&self, set: &[usize]) -> Evaluation {
        let scratch = &mut *self.scratch.borrow_mut();
        let mut eval = Evaluation { results: Vec::with_capacity(set.len()), ..Evaluation::default() };
        // In stage order, then source order.
        let ordered = self.in_stage_order(set);
        let progressive = self.ruleset.settings.calculation == Calculation::Progressive;
        let mut current = None;
        // The discounts summed in minor units.
        let mut discount = 0i128;
        for Staged { stage: at, index: i, .. } in ordered {
            if current != Some(at) {
                current = Some(at);
                // Parallel: every stage sees the original amounts; progressive: what earlier
                // stages left.
                if progressive {
                    scratch.snapshot.copy_from(&scratch.net);
                }
            }
            let mut result = PromotionResult::default();
            self.apply_promotion(i, self.avail(i), scratch, Lines::Kept, &mut result);
            discount += result.discount_minor;
            eval.push(result);
        }
        scratch.net.clear();
        scratch.snapshot.clear();
        eval.discount = self.decimal(discount);
        eval
    }

    /// What promotion `i`, with availability `a` (none: it gives nothing), gives on what the
    /// scratch's `snapshot` holds, clamped to what is left in its `net`, written into `result`
    /// (empty: `Default`). Written in place rather than returned: a result is large, and every
    /// stand-alone evaluation's stays where the search and the report read it.
    fn apply_promotion(
        &self,
        i: usize,
        a: Option<&Availability>,
        scratch: &mut Scratch,
        lines: Lines,
        result: &mut PromotionResult,
    ) {
        let Scratch { net, snapshot: base, group, groups } = scratch;
        result.index = i;
        let (Some(p), Some(a)) = (self.ruleset.promotions.get(i), a) else { return };
        let ctx =
            KindCtx { rules: self.rules, ruleset: self.ruleset, skus: &self.skus, group_members: a.group_members() };
        // The groups are the same for every benefit: found once.
        self.groups(p, a, groups);
        // Filled where it stays: a small vector built on the stack and moved is read back before
        // its writes have settled (a stall the time profile shows). Not reserved first: a
        // thread's results keep their lists from one pricing to the next, so they have room.
        // The kinds write their discounts, rounded to the minor unit, straight into `raw`, and
        // what few groups have besides into the result's lists their effects name.
        let mut out = Written { discounts: &mut result.raw, missed: &mut result.missed, extras: &mut result.extras };
        result.benefits = p.benefits.len();
        for benefit in &p.benefits {
            let mut allowance = a.allowance();
            let mut consumed = 0;
            for lines in groups.iter() {
                let group: &[GroupLine] = match lines {
                    // Every line at its original amount (every stand-alone evaluation): one line
                    // is read where the cart's table keeps it, more are copied from there.
                    &[l] if base.touched.is_empty() => self.originals.get(l).map_or(&[], std::slice::from_ref),
                    _ if base.touched.is_empty() => {
                        group.clear();
                        group.extend(lines.iter().filter_map(|&l| self.originals.get(l)));
                        group
                    }
                    _ => {
                        group.clear();
                        group.extend(lines.iter().map(|&l| self.group_line(l, base.get(l))));
                        group
                    }
                };
                debug_assert!(
                    group.iter().all(|g| g.minor.is_none_or(|m| i128::from(m) == self.rules.minor(g.base))),
                    "a group line's minor units are its base's"
                );
                let effect = apply(benefit, group, &mut allowance, &ctx, &mut out);
                consumed += effect.consumed;
                result.gives |= effect.gives_anything();
                let earned = effect.extras.and_then(|at| out.extras.get(at as usize));
                for g in earned.iter().flat_map(|x| &x.gifts) {
                    result.gift_value += g.worth * Decimal::from(g.quantity);
                }
                // Line by line: a copy of a line or two is no call to copy memory.
                lines.iter().for_each(|&l| result.group_lines.push(l));
                result.groups.push((result.group_lines.len(), effect));
            }
            result.consumed = result.consumed.max(consumed);
        }
        let raw = out.discounts;
        // A budget caps the promotion's whole discount; the cap is allocated like any discount.
        if let Some(budget) = a.budget()
            && self.decimal(raw.iter().map(|(_, d)| *d).sum::<i128>()) > budget
        {
            let weights: Vec<Decimal> = raw.iter().map(|(_, d)| self.decimal(*d)).collect();
            let capped = self.rules.round(budget.max(Decimal::ZERO));
            if let Ok(shares) = crate::allocate::allocate(capped, &weights, self.rules.minor_units) {
                *raw = raw.iter().map(|(l, _)| *l).zip(shares.into_iter().map(|s| self.rules.minor(s))).collect();
            }
        }
        self.clamp(result, net, lines);
    }

    /// Cuts each of `result`'s discounts before clamping (`raw`) to what is left of its line in
    /// `net` — no line below zero — and sets its `discount_minor` (and, when `lines` says so, its
    /// `lines`) from what is left.
    fn clamp(&self, result: &mut PromotionResult, net: &mut Amounts, lines: Lines) {
        // Alone (nothing touched yet) and each line given once — one benefit, whose groups part
        // the lines: each discount is cut to its line's original amount, with no table of what
        // is left.
        if lines == Lines::Summed && net.touched.is_empty() && gives_each_line_once(&result.raw) {
            let discount = result.raw.iter().map(|&(l, d)| d.min(self.original_minor(l)).max(0)).sum::<i128>();
            result.lines.clear();
            result.discount_minor = discount;
            return;
        }
        result.lines.clear();
        if lines == Lines::Kept {
            result.lines.reserve_exact(result.raw.len());
        }
        // In minor units: every amount here is already rounded to them.
        let mut discount = 0i128;
        for &(l, d) in &result.raw {
            let Some(left) = net.entry(l, self.original_minor(l)) else { continue };
            let d = d.min(*left).max(0);
            if d == 0 {
                continue;
            }
            *left -= d;
            discount += d;
            if lines == Lines::Summed {
                continue;
            }
            let d = self.decimal(d);
            match result.lines.iter_mut().find(|(line, _)| *line == l) {
                Some((_, acc)) => *acc += d,
                None => result.lines.push((l, d)),
            }
        }
        result.discount_minor = discount;
    }

    /// [`evaluate`](Self::evaluate) of the chosen set (`choice`, with each promotion's place in
    /// `relevant`, so no look-up finds them), reusing what each promotion gave alone
    /// where that is exact: in parallel calculation every promotion measures the original
    /// amounts, so only the clamping depends on the others, and it is replayed here in the same
    /// order, on each result where it is kept in `alone` (not moved out of it). Progressive
    /// calculation evaluates the set afresh.
    pub(crate) fn evaluate_chosen(
        &self,
        choice: &super::search::Choice,
        alone: &mut super::search::Alone,
    ) -> ChosenEvaluation {
        let set = choice.set.as_slice();
        if self.ruleset.settings.calculation != Calculation::Parallel {
            let Evaluation { results, discount, gift_value } = self.evaluate(set);
            return ChosenEvaluation { placed: Placed::Owned(results), discount, gift_value };
        }
        let mut guard = self.scratch.borrow_mut();
        let scratch = &mut *guard;
        let mut positions = Vec::with_capacity(set.len());
        // The discount summed in minor units (each result's is), the gifts' worth as decimals.
        let (mut discount, mut gifts) = (0i128, Decimal::ZERO);
        for Staged { index: i, place, .. } in self.in_stage_order(set) {
            // INVARIANT: the search chooses only promotions of `relevant` that are available, so
            // each has its stand-alone result (`snapshot` is clear: the original amounts, what
            // evaluating one afresh here would measure).
            let Some(&k) = choice.places.get(place) else { continue };
            let Some(solo) = alone.0.get_mut(k) else { continue };
            // What its gifts are worth does not change with clamping: alone, it was kept.
            let gift = match solo {
                Some(result) => {
                    self.clamp(result, &mut scratch.net, Lines::Kept);
                    discount += result.discount_minor;
                    result.gift_value
                }
                None => {
                    let result = solo.insert(PromotionResult::default());
                    self.apply_promotion(i, self.avail(i), scratch, Lines::Kept, result);
                    discount += result.discount_minor;
                    result.gift_value
                }
            };
            if !gift.is_zero() {
                gifts += gift;
            }
            positions.push(k);
        }
        scratch.net.clear();
        drop(guard);
        let chosen = ChosenEvaluation {
            placed: Placed::InAlone(positions),
            discount: self.decimal(discount),
            gift_value: gifts,
        };
        // The reuse is exact: every test that prices a cart checks it against a fresh evaluation.
        debug_assert_eq!(
            Evaluation {
                results: chosen.results(alone).into_iter().cloned().collect(),
                discount: chosen.discount,
                gift_value: chosen.gift_value
            },
            self.evaluate(set),
            "the chosen set evaluated from its parts"
        );
        chosen
    }
}

/// The chosen set evaluated ([`Pricing::evaluate_chosen`]).
#[derive(Debug)]
pub(crate) struct ChosenEvaluation {
    /// Where its results are.
    placed: Placed,
    /// Σ discounts.
    pub discount: Decimal,
    /// Σ gift values.
    pub gift_value: Decimal,
}

/// Where the results of the chosen set are.
#[derive(Debug)]
enum Placed {
    /// Each where it was evaluated alone: positions in `relevant` (and the stand-alone results),
    /// in the order they applied (parallel calculation).
    InAlone(Vec<usize>),
    /// Evaluated afresh, in the order they applied (progressive calculation).
    Owned(Vec<PromotionResult>),
}

impl ChosenEvaluation {
    /// The positions in `relevant` of the chosen promotions, when each result is where it was
    /// evaluated alone (parallel calculation).
    pub fn positions(&self) -> Option<&[usize]> {
        match &self.placed {
            Placed::InAlone(positions) => Some(positions),
            Placed::Owned(_) => None,
        }
    }

    /// The results, in the order they applied; `alone` is the stand-alone results the
    /// evaluation was given.
    pub fn results<'a>(&'a self, alone: &'a super::search::Alone) -> Vec<&'a PromotionResult> {
        match &self.placed {
            Placed::InAlone(positions) => positions.iter().filter_map(|&k| alone.at(k)).collect(),
            Placed::Owned(results) => results.iter().collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{
        Effect, KEPT, KEPT_SCRATCH_LINES, PromotionResult, Scratch, Stage, StageOrder, Staged, Traits,
        gives_each_line_once,
    };

    #[test]
    fn an_ascending_set_is_read_stage_by_stage_in_index_order() {
        use Stage::*;
        // Promotions 0 to 5 at these stages; 6 has no traits (past the ruleset) and is left out.
        let traits: Vec<Traits> = [Store, Item, Coupon, Item, Platform, Store].map(Traits::plain_at).to_vec();
        let staged = |stage, index, place| Staged { stage, index, place };
        let set = [0, 1, 3, 4, 5, 6];
        let passes: Vec<Staged> = StageOrder::Passes { set: &set, traits: &traits, stage: 0, place: 0 }.collect();
        assert_eq!(
            passes,
            [staged(Item, 1, 1), staged(Item, 3, 2), staged(Store, 0, 0), staged(Store, 5, 4), staged(Platform, 4, 3)]
        );
        // The same order as sorting the set's promotions by stage, then index.
        let mut sorted: Vec<Staged> = set
            .iter()
            .enumerate()
            .filter_map(|(place, &i)| traits.get(i).map(|t| staged(t.stage(), i, place)))
            .collect();
        sorted.sort_unstable();
        assert_eq!(passes, sorted);
        // No stage, or an empty set: nothing.
        assert_eq!(StageOrder::Passes { set: &[], traits: &traits, stage: 0, place: 0 }.count(), 0);
        assert_eq!(StageOrder::Passes { set: &[2], traits: &traits, stage: 4, place: 0 }.count(), 0);
    }

    #[test]
    fn a_kept_scratch_comes_back_clear_and_sized_for_the_next_cart() {
        // A pricing of three lines leaves line 1 touched (as one cut short would).
        let mut scratch = Scratch::for_cart(3).into_inner();
        if let Some(left) = scratch.net.entry(1, 500) {
            *left -= 200;
        }
        assert_eq!(scratch.net.get(1), Some(300));
        scratch.keep_for_reuse();
        // The next cart on this thread: five lines, every one clear.
        let next = Scratch::for_cart(5).into_inner();
        assert_eq!(next.net.slots.len(), 5);
        assert!(next.net.slots.iter().chain(&next.snapshot.slots).all(Option::is_none));
        assert!(next.net.touched.is_empty() && next.snapshot.touched.is_empty());
        // A cart past the limit is not kept: the next scratch is new, not the large one.
        next.keep_for_reuse();
        Scratch::for_cart(KEPT_SCRATCH_LINES + 1).into_inner().keep_for_reuse();
        assert_eq!(Scratch::for_cart(2).into_inner().net.slots.len(), 2);
        assert!(KEPT.with(|k| k.borrow().is_none()), "taken, and the large one was not kept");
    }

    #[test]
    fn a_promotion_alone_is_clamped_directly_only_when_no_line_repeats() {
        // One benefit over two groups: each line once.
        assert!(gives_each_line_once(&[(0, 500), (3, 250)]));
        assert!(gives_each_line_once(&[]));
        // Two benefits on the same line: their sum must be cut to the line, through the table.
        assert!(!gives_each_line_once(&[(0, 500), (3, 250), (0, 700)]));
        assert!(!gives_each_line_once(&[(2, 1), (2, 1)]));
        // Past eight entries the pairwise check is not made: taken as possibly repeating.
        let many: Vec<(usize, i128)> = (0..9).map(|l| (l, 100)).collect();
        assert!(!gives_each_line_once(&many));
        assert!(gives_each_line_once(&many[..8]));
    }

    #[test]
    fn a_line_is_judged_by_the_group_of_every_benefit_that_holds_it() {
        use super::super::kinds::{Extras, GiftEffect, Note};
        use crate::ir::SymbolId;
        // Two benefits over the same three groups — lines 4 and 1, line 7 alone, lines 2, 9
        // and 5. The first benefit: the first group short (a note), the second given nothing
        // (no note), the third discounted. The second benefit: nothing on the first group, a
        // gift and an add-on on the second (extras 0 and 1), the third short (a note).
        let short = |words| Effect { note: Some(Note::Text(words)), ..Effect::default() };
        let discounted = Effect { discounted: true, ..Effect::default() };
        let earned = |at| Effect { extras: Some(at), ..Effect::default() };
        let gift = GiftEffect { sku: SymbolId(0), quantity: 1, worth: 5.into(), shares: Default::default() };
        let result = PromotionResult {
            benefits: 2,
            groups: vec![
                (2, short("first short")),
                (3, Effect::default()),
                (6, discounted),
                (8, Effect::default()),
                (9, earned(0)),
                (12, short("second short")),
            ],
            group_lines: vec![4, 1, 7, 2, 9, 5, 4, 1, 7, 2, 9, 5],
            extras: vec![
                Extras { gifts: [gift].into_iter().collect(), ..Extras::default() },
                Extras { addons: [(SymbolId(1), 9.into(), None)].into_iter().collect(), ..Extras::default() },
            ],
            ..PromotionResult::default()
        };
        let judged = |l| result.on_line(l).map(|on| (on.why.note, on.gives, on.gifts, on.addons));
        // The first group: neither benefit gives; the first one's note says why (each line of a
        // group alike, on a boundary too).
        for l in [4, 1] {
            assert_eq!(judged(l), Some((Some(Note::Text("first short")), false, false, false)), "line {l}");
        }
        // Line 7: the second benefit earns the gift; neither has a note.
        assert_eq!(judged(7), Some((None, true, true, false)));
        // Lines 2, 9, 5: the first benefit discounted them; the note is the second's, the first
        // with one.
        for l in [2, 9, 5] {
            assert_eq!(judged(l), Some((Some(Note::Text("second short")), true, false, false)), "line {l}");
        }
        // A line in no group.
        assert!(result.on_line(3).is_none());
        // The add-on, named by the gift group's effect instead: found through the second benefit.
        let mut with_addon = result.clone();
        if let Some((_, e)) = with_addon.groups.get_mut(4) {
            e.extras = Some(1);
        }
        assert_eq!(with_addon.on_line(7).map(|on| (on.gives, on.gifts, on.addons)), Some((true, false, true)));
        assert_eq!(result.effects().count(), 6);
    }
}
