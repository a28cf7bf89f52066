//! From the chosen combination to the [`Outcome`]: lines with their candidates and allocations,
//! discounts, gifts, add-ons, presale deposits, hints, switch suggestions, risk flags, trace.

use rust_decimal::Decimal;
use rustc_hash::{FxHashMap, FxHashSet};
use smol_str::SmolStr;

use super::Pricing;
use super::available::Availability;
use super::evaluate::{ChosenEvaluation, PromotionResult};
use super::kinds::{Effect, Miss};
use super::outcome::*;
use super::per_line::PerLine;
use super::search::Alone;
use super::stacking::{FirstByClass, Traits, conflicts_with, plain_conflicts, stage};
use crate::cond::holds;
use crate::ir::FloorBound;
use crate::money::Fixed;

/// Writes into `slot` whether it applied and why. Called in each branch that decides, not once
/// with what the branches chose: a reason chosen that way is assembled on the stack and copied,
/// and the time profile showed the copy's reads stall on the assembly's writes.
fn set(slot: &mut Candidate, applied: bool, reason: Reason) {
    slot.applied = applied;
    write_over(&mut slot.reason, reason, &Reason::GivesNothing);
}

/// Writes `value` into `field` of a candidate's slot, which holds `placeholder` there — a value
/// that owns nothing (no text on the heap) — without dropping it: dropping a reason is a call
/// that decides its variant, 1,715 of them for the 200-line cart.
// INVARIANT: each slot is made with the placeholders (`candidates`) and each field written once
// (debug builds check it), so nothing is ever left undropped but a value that owns nothing.
fn write_over<T: PartialEq + std::fmt::Debug>(field: &mut T, value: T, placeholder: &T) {
    let old = std::mem::replace(field, value);
    debug_assert_eq!(&old, placeholder, "a candidate's field is written once, over its placeholder");
    std::mem::forget(old);
}

/// Writes into `slot` why `e` gave its line nothing (each reason written where it is decided).
fn gave_nothing(slot: &mut Candidate, e: &Effect) {
    match e.note {
        Some(note) => set(slot, false, Reason::Short(note)),
        None => set(slot, false, Reason::GivesNothing),
    }
}

/// What the candidates of one line work out for the others: computed once per cart.
#[derive(Default)]
struct Memo {
    /// Per promotion left out, the cart's discount with it.
    left_out: FxHashMap<usize, Decimal>,
}

/// What the candidates of every line are judged against.
struct Context<'c> {
    forced: &'c [usize],
    eval: &'c ChosenEvaluation,
    /// By position in `relevant`: whether it is chosen.
    chosen_at: &'c [bool],
    /// By position in `relevant`: what the report reads of each promotion, worked out once
    /// (candidates on every line and the hints ask), in one list so a candidate reads one place.
    judged: &'c [Judged<'c>],
}

/// What the report reads of one relevant promotion.
#[derive(Debug, Clone, Copy)]
struct Judged<'c> {
    /// The promotion.
    index: usize,
    /// What it gave: in the chosen set when it is chosen, alone otherwise.
    gave: Option<&'c PromotionResult>,
    /// For an available promotion not chosen, the first chosen one that clashes with it.
    clashing: Option<usize>,
    chosen: bool,
    /// Whether it is unavailable or withdrawn from a line: only then is its availability read.
    held_back: bool,
}

impl Pricing<'_> {
    fn name(&self, i: usize) -> SmolStr {
        self.names.get(i).map_or_else(SmolStr::default, SmolStr::clone)
    }

    fn money(&self, d: Decimal) -> String {
        self.shown(d).to_string()
    }

    /// `d` as shown: with exactly the currency's minor unit of decimals.
    fn shown(&self, d: Decimal) -> Fixed {
        Fixed(d, self.rules.minor_units)
    }

    /// `d` written with exactly the currency's minor unit of decimals (amounts here are already
    /// rounded to it, so this only pads: 0 → 0.00).
    #[inline]
    fn fix(&self, d: Decimal) -> Decimal {
        if d.scale() == self.rules.minor_units {
            return d;
        }
        self.rescaled(d)
    }

    /// [`fix`](Self::fix) of an amount at another scale (rare): out of line, so the usual case
    /// passes the amount on in registers — rescaled in place, it would be written to the stack
    /// and read back, and the time profile showed those reads stall.
    #[cold]
    fn rescaled(&self, d: Decimal) -> Decimal {
        let mut shown = d;
        shown.rescale(self.rules.minor_units);
        shown
    }

    pub(crate) fn outcome(&self, at: i64) -> Outcome {
        let _ = at;
        // Each available promotion evaluated alone, its result written where it stays: in this
        // thread's buffer from the pricing before, when there was one.
        let mut solos = Alone::reused(self.relevant.len());
        // A line for each chosen promotion's discount or gift, usually; first, each extension
        // that failed (in the same pass: each availability is read once here).
        let mut trace = Vec::new();
        // Borrowed once for every evaluation (none of them borrows it again).
        let mut scratch = self.scratch.borrow_mut();
        for ((&i, a), solo) in self.relevant.iter().zip(&self.available).zip(&mut solos) {
            if a.unavailable().is_none() {
                self.evaluate_alone(&mut scratch, i, a, solo);
                continue;
            }
            // Not available: no result (one left by the thread's last pricing is dropped).
            *solo = None;
            // INVARIANT: a promotion whose extension call failed is unavailable.
            if let Some(e) = a.extension_failure() {
                trace.push(Step::Words(format!("`{}`: {e}; the promotion is not applied", self.name(i))));
            }
        }
        drop(scratch);
        let mut alone = Alone(solos);
        let forced = self.forced;
        let choice = self.best(forced, &alone);
        // Without the customer's choice, for a switch suggestion: searched before the chosen
        // promotions' stand-alone results are clamped in place by the evaluation of the choice.
        let free = (!forced.is_empty()).then(|| self.best(&[], &alone));
        let eval = self.evaluate_chosen(&choice, &mut alone);
        // The chosen set's results in the order they applied (kept where they were evaluated).
        let chosen_results = eval.results(&alone);
        trace.reserve(choice.set.len() + 2);
        let mut switch_suggestions = Vec::new();
        if let Some(free) = free {
            let free_eval = self.evaluate(&free.set);
            if free_eval.discount > eval.discount {
                let saves = free_eval.discount - eval.discount;
                trace.push(Step::Words(format!(
                    "the customer's choice saves {}; another choice saves {} more",
                    self.shown(eval.discount),
                    self.shown(saves)
                )));
                switch_suggestions.push(SwitchSuggestion {
                    instead_of: forced.iter().map(|&i| self.name(i)).collect(),
                    choose: free.set.iter().map(|&i| self.name(i)).collect(),
                    saves: self.fix(saves),
                });
            }
        }
        // In minor units (each line amount is exact in them: binding refuses finer prices): a
        // sum of integers, not of decimals.
        let subtotal = self.decimal(self.original_minor.iter().sum());
        debug_assert_eq!(
            subtotal,
            self.originals.iter().map(|g| g.base).sum::<Decimal>(),
            "the subtotal in minor units"
        );
        // Per line: (promotion index, discount), in stage order — built once.
        let per_line = PerLine::build(
            self.cart.lines.len(),
            chosen_results.iter().flat_map(|r| r.lines.iter().map(move |&(l, d)| (l, (r.index, d)))),
        );
        // By position in `relevant`: whether it is chosen (the lines' lists hold positions).
        // The search handed the chosen set over with those positions.
        let mut chosen_at = vec![false; self.relevant.len()];
        for &k in &choice.places {
            if let Some(slot) = chosen_at.get_mut(k) {
                *slot = true;
            }
        }
        // Per line, the first chosen promotion of each conflict class: what a promotion left out
        // is checked against. Filled from the chosen positions (ascending, as the table wants
        // them), not from a flag per relevant promotion: a few hundred entries, not every match.
        let first_by_class = FirstByClass::new(
            self.cart.lines.len(),
            choice.places.iter().filter_map(|&k| {
                let (&q, a) = (self.relevant.get(k)?, self.available.get(k)?);
                Some((k, *self.traits.get(q)?, a.in_scope.as_slice()))
            }),
        );
        // What each promotion gave: where the chosen results are where they were evaluated alone
        // (parallel calculation: `eval.positions()`), a chosen promotion's stand-alone result is
        // its result in the chosen set; evaluated afresh (progressive), it is looked up below.
        let mut judged: Vec<Judged<'_>> = self
            .relevant
            .iter()
            .zip(&self.available)
            .zip(&chosen_at)
            .enumerate()
            .map(|(k, ((&i, a), &chosen))| {
                let clashing = if chosen || a.unavailable().is_some() {
                    None
                } else {
                    self.traits.get(i).and_then(|&t| self.clashing_chosen((i, a), t, &chosen_at, &first_by_class))
                };
                let held_back = a.unavailable().is_some() || !a.withdrawn().is_empty();
                Judged { index: i, gave: alone.at(k), clashing, chosen, held_back }
            })
            .collect();
        if eval.positions().is_none() {
            for &r in &chosen_results {
                if let Ok(k) = self.relevant.binary_search(&r.index)
                    && let Some(j) = judged.get_mut(k)
                {
                    j.gave = Some(r);
                }
            }
        }
        let context = Context { forced, eval: &eval, chosen_at: &chosen_at, judged: &judged };
        let mut memo = Memo::default();
        let zero = self.fix(Decimal::ZERO);
        // Collected from a mapped slice, so each line is written straight into the list (pushed,
        // each would be built on the stack and copied, 184 bytes a line).
        let lines: Vec<LineOutcome> = self
            .cart
            .lines
            .iter()
            .enumerate()
            .map(|(l, line)| {
                let applied = per_line.get(l);
                // From minor units (exact): made in registers, not read back from a table's decimal.
                let line_price = self.decimal(self.original_minor(l));
                let unit_price = self.fix(line.unit_price);
                // An untouched line sells at its unit price (already in the minor unit: binding checks it).
                let (allocations, discount, final_line_price, final_unit_price) = if applied.is_empty() {
                    (Vec::new(), zero, line_price, unit_price)
                } else {
                    let allocations: Vec<Allocation> = applied
                        .iter()
                        .map(|&(i, d)| Allocation { promotion: self.name(i), amount: self.fix(d) })
                        .collect();
                    // In minor units (every amount here is already rounded to them): sums and one
                    // integer division, rounded once by the currency's rule, not a decimal division.
                    let discount: i128 = applied.iter().map(|(_, d)| self.rules.minor(*d)).sum();
                    let final_line_price = self.original_minor(l) - discount;
                    let quantity = i128::from(line.quantity.max(1));
                    let final_unit_price = if discount == 0 {
                        unit_price
                    } else {
                        self.rules.rounding.divide(final_line_price, quantity).map_or_else(
                            || self.rules.round(self.decimal(final_line_price) / Decimal::from(quantity)),
                            |u| self.decimal(u),
                        )
                    };
                    let (discount, final_line_price) = (self.decimal(discount), self.decimal(final_line_price));
                    debug_assert_eq!(
                        final_unit_price,
                        if discount.is_zero() {
                            unit_price
                        } else {
                            self.fix(self.rules.round(final_line_price / Decimal::from(quantity)))
                        },
                        "the final unit price in integers is the decimal rule's"
                    );
                    (allocations, discount, final_line_price, self.fix(final_unit_price))
                };
                LineOutcome {
                    id: line.id.clone(),
                    sku: line.sku.clone(),
                    quantity: line.quantity,
                    unit_price,
                    line_price,
                    candidates: self.candidates(l, &context, &mut memo),
                    allocations,
                    discount,
                    final_line_price,
                    final_unit_price,
                }
            })
            .collect();
        // Sized before they are filled: the outcome keeps them, and grown by doubling they held
        // up to twice the room and were copied on the way (the gifts' list seven times for the
        // 200-line cart's 143 gifts). Each gift is kept in its result's extras (one per effect
        // that earned some), so they are counted there without reading the effects.
        let discounted = chosen_results.iter().filter(|r| r.discount_minor != 0).count();
        let earned: usize = chosen_results.iter().flat_map(|r| &r.extras).map(|x| x.gifts.len()).sum();
        let mut discounts = Vec::with_capacity(discounted);
        let mut gifts = Vec::with_capacity(earned);
        let mut addons = Vec::new();
        let mut presale = Vec::new();
        for &r in &chosen_results {
            let Some(p) = self.ruleset.promotions.get(r.index) else { continue };
            if r.discount_minor != 0 {
                let discount = self.fix(self.decimal(r.discount_minor));
                discounts.push(PromotionDiscount {
                    promotion: p.name.clone(),
                    stage: SmolStr::new_static(stage(p).name()),
                    amount: discount,
                    units: r.consumed,
                });
                trace.push(Step::Discount {
                    promotion: p.name.clone(),
                    stage: SmolStr::new_static(stage(p).name()),
                    amount: discount,
                });
            }
            for effect in r.effects() {
                for g in r.gifts(effect) {
                    // Made once, then copied: making a text reads it whole.
                    let sku: SmolStr = self.ruleset.symbol(g.sku).into();
                    trace.push(Step::Gift {
                        promotion: p.name.clone(),
                        quantity: g.quantity,
                        sku: sku.clone(),
                        worth: self.fix(g.worth),
                    });
                    gifts.push(GiftOutcome {
                        promotion: p.name.clone(),
                        sku,
                        quantity: g.quantity,
                        worth: self.fix(g.worth),
                        allocations: g
                            .shares
                            .iter()
                            .map(|(l, a)| LineShare { line: self.line_id(*l), amount: self.fix(*a) })
                            .collect(),
                    });
                }
                for (sku, price, limit) in r.addons(effect) {
                    addons.push(AddonOffer {
                        promotion: p.name.clone(),
                        sku: self.ruleset.symbol(*sku).into(),
                        price: self.fix(*price),
                        limit: *limit,
                    });
                }
                for (l, deposit, by) in r.presale(effect) {
                    presale.push(PresaleDue {
                        promotion: p.name.clone(),
                        line: self.line_id(*l),
                        deposit: self.fix(*deposit),
                        balance_by: *by,
                    });
                }
            }
        }
        debug_assert_eq!((discounts.len(), gifts.len()), (discounted, earned), "the lists sized exactly");
        let discount_total = eval.discount;
        let total = subtotal - discount_total;
        let hints = self.hints(&context);
        let flags = self.flags(&lines, &per_line, total, subtotal);
        if !choice.complete {
            trace.push(Step::Words(format!(
                "search stopped after {} combinations: the best found is used",
                choice.evaluated
            )));
        }
        let outcome = Outcome {
            currency: self.ruleset.settings.currency.as_str().into(),
            subtotal: self.fix(subtotal),
            discount_total: self.fix(discount_total),
            total: self.fix(total),
            lines,
            discounts,
            gifts,
            addons,
            presale,
            hints,
            switch_suggestions,
            flags,
            search: SearchReport { evaluated: choice.evaluated, complete: choice.complete },
            trace,
        };
        // The report's views of the stand-alone results end here: their buffer is kept.
        drop(judged);
        alone.keep_for_reuse();
        outcome
    }

    fn line_id(&self, l: usize) -> SmolStr {
        self.cart.lines.get(l).map_or_else(SmolStr::default, |x| x.id.clone())
    }

    /// Every promotion whose scope holds on line `l`, and why it did or did not apply.
    fn candidates(&self, l: usize, c: &Context<'_>, memo: &mut Memo) -> Vec<Candidate> {
        // Each candidate is filled field by field where it stays: one built whole and moved in
        // (pushed, or collected from a map) is assembled on the stack and copied, and the time
        // profile showed the copy's reads stall on the assembly's writes.
        let on_line = self.by_line.get(l);
        let mut out = Vec::with_capacity(on_line.len());
        out.resize_with(on_line.len(), || Candidate {
            promotion: SmolStr::default(),
            applied: false,
            reason: Reason::GivesNothing,
        });
        for (slot, &k) in out.iter_mut().zip(on_line) {
            self.candidate(slot, l, k, c, memo);
        }
        out
    }

    /// The promotion at position `k` of `relevant` as a candidate of line `l`, written into
    /// `slot` (a placeholder: no promotion, not applied, giving nothing).
    fn candidate(&self, slot: &mut Candidate, l: usize, k: usize, c: &Context<'_>, memo: &mut Memo) {
        // INVARIANT: a line's list holds positions in `relevant` (and `judged`, parallel to it).
        let Some(j) = c.judged.get(k) else { return };
        let i = j.index;
        write_over(&mut slot.promotion, self.name(i), &SmolStr::default());
        // Its availability is read only where it holds it back.
        let held_back = if j.held_back { self.available.get(k) } else { None };
        if let Some(why) = held_back.and_then(|a| a.unavailable()) {
            set(slot, false, why.clone())
        } else if let Some((_, q)) = held_back.and_then(|a| a.withdrawn().iter().find(|(line, _)| *line == l)) {
            set(slot, false, Reason::WithdrawnBy(self.name(*q)))
        } else if j.chosen {
            match j.gave {
                Some(r) => match r.lines.iter().find(|(x, _)| *x == l) {
                    Some((_, d)) => set(slot, true, Reason::Off(self.fix(*d))),
                    // No discount here: what any of its benefits earned on the line.
                    None => match r.on_line(l) {
                        Some(on) if on.gifts => set(slot, true, Reason::EarnsGift),
                        Some(on) if on.addons => set(slot, true, Reason::UnlocksAddon),
                        Some(on) => gave_nothing(slot, on.why),
                        None => set(slot, false, Reason::GivesNothing),
                    },
                },
                None => set(slot, false, Reason::GivesNothing),
            }
        } else {
            let alone = j.gave.and_then(|r| r.on_line(l));
            match (alone, j.clashing) {
                // Nothing to give here even alone, by any of its benefits: say why, whatever else
                // applies.
                (Some(on), _) if !on.gives => gave_nothing(slot, on.why),
                (_, Some(q)) => {
                    // The name is cloned into its place once the reason is there: a reason made
                    // with it is assembled on the stack and copied, like one chosen by branches.
                    set(
                        slot,
                        false,
                        Reason::ConflictsWith {
                            promotion: SmolStr::new_static(""),
                            customer_chose: c.forced.contains(&q),
                        },
                    );
                    if let Reason::ConflictsWith { promotion, .. } = &mut slot.reason {
                        *promotion = self.name(q);
                    }
                }
                (_, None) => {
                    // It could apply, but the customer saves more without it (progressive
                    // thresholds, clamping): say by how much.
                    let with = *memo.left_out.entry(i).or_insert_with(|| self.total_with(i, c));
                    set(slot, false, Reason::LeftOut { without: self.fix(c.eval.discount), with: self.fix(with) })
                }
            }
        }
    }

    /// The first chosen promotion that clashes with `i` (one must share a line with it).
    /// `chosen_at` says, by position in `relevant`, which promotions are chosen.
    fn clashing_chosen(
        &self,
        (i, a): (usize, &Availability),
        t: Traits,
        chosen_at: &[bool],
        table: &FirstByClass,
    ) -> Option<usize> {
        // A plain promotion on lines whose chosen promotions are all plain: its conflict classes
        // decide, read from the table (debug builds check the walk below agrees).
        if t.plain() {
            let classes = plain_conflicts(self.ruleset.settings.stacking, t);
            let by_table = a.lines().iter().try_fold(None, |first: Option<usize>, &l| {
                let here = table.first_in(l, classes)?;
                Some(first.into_iter().chain(here).min())
            });
            if let Some(first) = by_table {
                let found = first.and_then(|k| self.relevant.get(k).copied());
                debug_assert_eq!(found, self.clashing_chosen_by_walk((i, a), t, chosen_at), "the class table");
                return found;
            }
        }
        self.clashing_chosen_by_walk((i, a), t, chosen_at)
    }

    /// [`clashing_chosen`](Self::clashing_chosen) by walking every promotion on its lines.
    fn clashing_chosen_by_walk(&self, (i, a): (usize, &Availability), t: Traits, chosen_at: &[bool]) -> Option<usize> {
        // INVARIANT: each line's list holds positions in `relevant` ascending, and `relevant` is
        // ascending: the first clashing one on a line is that line's lowest, and a line need only
        // be read up to the lowest found so far.
        let mut first: Option<usize> = None;
        let plain = t.plain().then(|| plain_conflicts(self.ruleset.settings.stacking, t));
        for &l in a.lines() {
            for &k in self.by_line.get(l) {
                if first.is_some_and(|f| k >= f) {
                    break;
                }
                // Whether it is chosen first: most are not, and then nothing else is read.
                if !chosen_at.get(k).copied().unwrap_or(false) {
                    continue;
                }
                let Some(&q) = self.relevant.get(k) else { continue };
                let Some(&tq) = self.traits.get(q) else { continue };
                if q != i && conflicts_with(self.ruleset, (i, t), plain, (q, tq)) {
                    first = Some(k);
                    break;
                }
            }
        }
        first.and_then(|k| self.relevant.get(k).copied())
    }

    /// The cart's total discount if `i` were added to the chosen set: only the chosen promotions
    /// connected to `i` by shared lines are evaluated again.
    fn total_with(&self, i: usize, c: &Context<'_>) -> Decimal {
        let mut component: Vec<usize> = vec![i];
        let mut seen_lines: FxHashSet<usize> = FxHashSet::default();
        let mut frontier: Vec<usize> = vec![i];
        while let Some(p) = frontier.pop() {
            for &l in self.avail(p).map_or(&[][..], |a| a.lines()) {
                if !seen_lines.insert(l) {
                    continue;
                }
                for &k in self.by_line.get(l) {
                    if let Some(&q) = self.relevant.get(k)
                        && c.chosen_at.get(k).copied().unwrap_or(false)
                        && !component.contains(&q)
                    {
                        component.push(q);
                        frontier.push(q);
                    }
                }
            }
        }
        let others: Vec<usize> = component.iter().copied().filter(|&q| q != i).collect();
        let before = self.evaluate(&others).discount;
        let after = self.evaluate(&component).discount;
        c.eval.discount - before + after
    }

    fn hints(&self, context: &Context<'_>) -> Vec<Hint> {
        let mut hints = Vec::new();
        // An unavailable promotion gave nothing (`gave` is `None`): only what was judged is read.
        for j in context.judged {
            let i = j.index;
            // In the chosen set: the next tier. Outside it, and not pushed out by a conflict: what
            // it needs to apply at all.
            let source = if j.clashing.is_some() && !j.chosen { None } else { j.gave };
            let Some(r) = source else { continue };
            debug_assert_eq!(
                r.missed.len(),
                r.effects().filter(|e| e.miss.is_some()).count(),
                "a result's misses, one per group effect that names one"
            );
            // Nothing missed: no hint, and its effects need not be read.
            if r.missed.is_empty() {
                continue;
            }
            // Per benefit, the group closest to its goal: a promotion of several benefits may
            // miss one by money and another by units, and those are not compared.
            let closest = |run: &[(usize, Effect)]| {
                run.iter()
                    .filter_map(|(_, e)| r.miss(e))
                    .filter(|m| m.missing > Decimal::ZERO)
                    .min_by(|a, b| a.missing.cmp(&b.missing))
            };
            for run in r.benefit_runs() {
                hints.extend(closest(run).map(|m| self.hint(i, m)));
            }
        }
        hints
    }

    /// The hint for promotion `i`'s miss `m`: how much more, and what it then gives.
    // Inlined always: made in its list's place. Called, it was returned and copied: 6,000 more
    // instructions for the 200-line benchmark cart's hundreds of hints.
    #[inline(always)]
    fn hint(&self, i: usize, m: &Miss) -> Hint {
        let name = self.name(i);
        let (missing, message) = if m.money {
            let amount = self.money(m.missing);
            let gives = m.gives.words(self.ruleset, self.rules.minor_units);
            (amount.clone(), format!("add {amount} more to get {gives} (`{name}`)"))
        } else {
            let n = m.missing.normalize();
            let noun = m.noun.word();
            let unit = if n == Decimal::ONE { noun.to_owned() } else { format!("{noun}s") };
            let gives = m.gives.words(self.ruleset, self.rules.minor_units);
            (n.to_string(), format!("add {n} more {unit} to get {gives} (`{name}`)"))
        };
        Hint { promotion: name, missing, message }
    }

    fn flags(
        &self,
        lines: &[LineOutcome],
        per_line: &PerLine<(usize, Decimal)>,
        total: Decimal,
        subtotal: Decimal,
    ) -> Vec<Flag> {
        let mut flags = Vec::new();
        let mut calls = crate::extension::Calls::new(self.sandbox);
        // No floor in the ruleset: no line can sell below one.
        let floored = if self.has_floors { lines } else { &[] };
        for (l, line) in floored.iter().enumerate() {
            if line.allocations.is_empty() {
                continue;
            }
            let mut floors: Vec<FloorBound> = Vec::new();
            let values = self.bound.line(l);
            for f in &self.ruleset.settings.floors {
                // A floor whose products an extension could not decide protects the line.
                if values.is_some_and(|v| holds(&f.products, v, &mut calls).unwrap_or(true)) {
                    floors.push(f.bound);
                }
            }
            for &(i, _) in per_line.get(l) {
                if let Some(f) = self.ruleset.promotions.get(i).and_then(|p| p.floor) {
                    floors.push(f);
                }
            }
            // Nearly always none: no division for them.
            if floors.is_empty() {
                continue;
            }
            let unit = line.final_line_price / Decimal::from(line.quantity.max(1));
            for f in floors {
                let floor = match f {
                    FloorBound::Amount(a) => a,
                    FloorBound::Rate(r) => line.unit_price * r / Decimal::ONE_HUNDRED,
                };
                if unit < floor {
                    flags.push(Flag {
                        kind: "below_floor".into(),
                        line: Some(line.id.clone()),
                        message: format!(
                            "line `{}` sells at {} a unit, below its floor {}",
                            line.id,
                            self.shown(unit),
                            self.shown(self.rules.round(floor))
                        ),
                    });
                    break;
                }
            }
        }
        if total.is_zero() && !subtotal.is_zero() {
            flags.push(Flag { kind: "zero_total".into(), line: None, message: "the order total is 0".into() });
        }
        flags
    }
}
