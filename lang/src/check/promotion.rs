//! Promotions: each clause checked against what it needs, then the promotion as a whole —
//! required clauses, benefits that contradict, clauses that need others, floors.

use jiff::SignedDuration;
use jiff::Timestamp;
use promo_runtime::Money;
use rust_decimal::Decimal;

use super::expr::Context;
use super::templates::Bindings;
use super::{CheckError, Checker, Type, suggest};
use crate::hir::{self, Benefit, FloorBound, Threshold, Value};
use crate::source::Span;
use crate::syntax::ast::{
    self, ClauseKind, Level, LimitPer, RefundPolicy, Reward, StackTarget, ThresholdKind, UnitChoice, ValueKind,
};

/// A clause's name for messages and duplicate detection.
fn clause_name(kind: &ClauseKind) -> &'static str {
    match kind {
        ClauseKind::Level { .. } => "level",
        ClauseKind::Window { .. } => "window",
        ClauseKind::Scope(_) => "scope",
        ClauseKind::Eligible(_) => "eligible",
        ClauseKind::Price(_) => "price",
        ClauseKind::Discount(_) | ClauseKind::DiscountEvery { .. } => "discount",
        ClauseKind::MultiBuy { .. } => "buy … for",
        ClauseKind::BuyGet { .. } => "buy … get",
        ClauseKind::Gift { .. } => "gift",
        ClauseKind::Addon { .. } => "addon",
        ClauseKind::Bundle { .. } => "bundle",
        ClauseKind::Presale { .. } => "presale",
        ClauseKind::Group { .. } => "group",
        ClauseKind::Coupon(_) => "coupon",
        ClauseKind::Limit { .. } => "limit",
        ClauseKind::Stock(_) => "stock",
        ClauseKind::Budget(_) => "budget",
        ClauseKind::Exclusive => "exclusive",
        ClauseKind::StacksWith(_) => "stacks with",
        ClauseKind::WithdrawOthers(_) => "withdraw others",
        ClauseKind::PayWithin(_) => "pay within",
        ClauseKind::Label { .. } => "label",
        ClauseKind::Refund(_) => "refund",
        ClauseKind::Floor(_) => "floor",
    }
}

/// Benefits that set the price of the products; a promotion has at most one.
fn changes_price(kind: &ClauseKind) -> bool {
    matches!(
        kind,
        ClauseKind::Price(_)
            | ClauseKind::Discount(_)
            | ClauseKind::DiscountEvery { .. }
            | ClauseKind::MultiBuy { .. }
            | ClauseKind::BuyGet { .. }
            | ClauseKind::Bundle { .. }
            | ClauseKind::Presale { .. }
            | ClauseKind::Group { .. }
    )
}

/// Clauses a promotion may give more than once.
fn repeatable(kind: &ClauseKind) -> bool {
    matches!(kind, ClauseKind::Gift { .. } | ClauseKind::Addon { .. })
}

/// A clause to check, with the parameters in scope and whether it comes from the template.
type Entry<'a, 'b> = (&'a ast::Clause, &'b Bindings<'a>, bool);

/// What the clauses of one promotion (or template) said, as far as they checked.
#[derive(Default)]
struct Draft {
    /// The promotion being checked (`None` for a template's definition) and its name: spans of
    /// template clauses are moved here, so every problem is reported inside the promotion.
    home: Option<(Span, Span)>,
    failed: bool,
    level: Option<Level>,
    store: Option<String>,
    window: Option<(Timestamp, Timestamp)>,
    window_span: Option<Span>,
    scope: Option<hir::Expr>,
    has_scope: bool,
    eligible: Option<hir::Expr>,
    benefits: Vec<(Benefit, Span)>,
    coupon: Option<String>,
    limit: Option<(i64, LimitPer)>,
    stock: Option<i64>,
    budget: Option<Money>,
    exclusive: Option<Span>,
    stacks_with: Vec<StackTarget>,
    stacks_span: Option<Span>,
    withdraw_others: Option<SignedDuration>,
    withdraw_span: Option<Span>,
    pay_within: Option<SignedDuration>,
    label: Option<(String, i64)>,
    refund: Option<(RefundPolicy, Span)>,
    floor: Option<(FloorBound, Span)>,
}

impl Draft {
    /// `span` if it lies in the promotion, else `inner` if that does, else the promotion's name.
    fn place(&self, span: Span, inner: Span) -> Span {
        match self.home {
            None => span,
            Some((home, _)) if home.contains(span) => span,
            Some((home, _)) if home.contains(inner) => inner,
            Some((_, name)) => name,
        }
    }

    fn got<T>(&mut self, value: Option<T>) -> Option<T> {
        if value.is_none() {
            self.failed = true;
        }
        value
    }
}

impl<'a> Checker<'a> {
    /// Checks the clauses of a template's body (parameters symbolic).
    pub(super) fn check_clauses(&mut self, clauses: &'a [ast::Clause], b: &Bindings<'a>) {
        let entries: Vec<Entry<'a, '_>> = clauses.iter().map(|c| (c, b, false)).collect();
        self.draft(&entries, None, None);
    }

    /// Checks one promotion; `None` when it has errors.
    pub(super) fn promotion(&mut self, p: &'a ast::PromotionItem) -> Option<hir::Promotion> {
        let before = self.diagnostics.len();
        let none = Bindings::none();
        let mut template_failed = false;
        let instantiated = match &p.template {
            Some(call) => {
                let inst = self.instantiate(p, call);
                template_failed = inst.is_none();
                inst
            }
            None => None,
        };
        let mut entries: Vec<Entry<'a, '_>> = Vec::new();
        if let Some((t, bindings)) = &instantiated {
            entries.extend(t.body.clauses.iter().map(|c| (c, bindings, true)));
        }
        entries.extend(p.body.clauses.iter().map(|c| (c, &none, false)));
        let template_name = p.template.as_ref().map(|c| c.name.name.as_str());
        let draft = self.draft(&entries, template_name, Some((p.span, p.name.span)));
        let result = self.finish(p, draft, template_failed);
        // Problems inside a template's own body were reported at its definition; keep only what
        // this promotion (its arguments, its clauses) is responsible for.
        let mut index = 0;
        self.diagnostics.retain(|d| {
            index += 1;
            index <= before || p.span.contains(d.span())
        });
        result
    }

    fn draft(&mut self, entries: &[Entry<'a, '_>], template: Option<&str>, home: Option<(Span, Span)>) -> Draft {
        let mut draft = Draft { home, ..Draft::default() };
        let mut seen: Vec<(&'static str, Span, bool)> = Vec::new();
        let mut price_change: Option<(&'static str, Span)> = None;
        for &(clause, b, from_template) in entries {
            let name = clause_name(&clause.kind);
            if !repeatable(&clause.kind)
                && let Some((_, first, first_from_template)) = seen.iter().find(|(n, _, _)| *n == name)
            {
                if *first_from_template && !from_template {
                    let template = template.unwrap_or_default().to_owned();
                    self.report(
                        clause.span,
                        CheckError::TemplateClauseOverridden { template, clause: name, span: clause.span },
                    );
                } else if !*first_from_template || from_template {
                    let first = *first;
                    self.report(clause.span, CheckError::DuplicateClause { clause: name, span: clause.span, first });
                }
                draft.failed = true;
                continue;
            }
            seen.push((name, clause.keyword, from_template));
            if changes_price(&clause.kind) {
                if let Some((first, first_span)) = price_change {
                    let first_span = Self::same_file(first_span, clause.span).unwrap_or(clause.keyword);
                    self.report(
                        clause.span,
                        CheckError::ConflictingBenefits { first, second: name, span: clause.span, first_span },
                    );
                    draft.failed = true;
                    continue;
                }
                price_change = Some((name, clause.keyword));
            }
            self.clause(clause, b, &mut draft);
        }
        draft
    }

    fn threshold(&mut self, t: &ast::Threshold, b: &Bindings<'a>) -> Option<Threshold> {
        let value = match t.kind {
            ThresholdKind::Spend => Value::Money(self.money(&t.value, b)?),
            ThresholdKind::Buy => Value::Int(self.count(&t.value, "a quantity threshold", 1, None, b)?),
        };
        Some(Threshold { kind: t.kind, value })
    }

    fn opt_threshold(&mut self, t: &Option<ast::Threshold>, b: &Bindings<'a>, draft: &mut Draft) -> Option<Threshold> {
        let t = t.as_ref()?;
        let checked = self.threshold(t, b);
        draft.got(checked)
    }

    fn clause(&mut self, clause: &'a ast::Clause, b: &Bindings<'a>, d: &mut Draft) {
        let span = d.place(clause.span, first_value_span(&clause.kind).map_or(clause.span, |v| b.resolve(v).span));
        match &clause.kind {
            ClauseKind::Level { level, store } => {
                d.level = Some(level.node);
                if let Some(store) = store {
                    let store = self.text(store, b);
                    d.store = d.got(store);
                }
            }
            ClauseKind::Window { start, end, timezone } => {
                let zone = match timezone {
                    Some(tz) => match self.timezone(&tz.node, tz.span) {
                        Some(z) => Some(z),
                        None => {
                            d.failed = true;
                            return;
                        }
                    },
                    None => None,
                };
                let s = self.time(start, zone.as_ref(), b);
                let e = self.time(end, zone.as_ref(), b);
                d.window_span = Some(span);
                if let (Some(s), Some(e)) = (d.got(s), d.got(e)) {
                    if e <= s {
                        let (start, end) = (b.resolve(start).span, b.resolve(end).span);
                        let end = if end.file == start.file { end } else { start };
                        self.report(end, CheckError::WindowReversed { start, end });
                        d.failed = true;
                    } else {
                        d.window = Some((s, e));
                    }
                }
            }
            ClauseKind::Scope(e) => {
                d.has_scope = true;
                let scope = self.condition(e, Context::Scope, b);
                if let Some(scope) = &scope {
                    self.check_satisfiable(scope, e.span);
                }
                d.scope = d.got(scope);
            }
            ClauseKind::Eligible(e) => {
                let eligible = self.condition(e, Context::Eligible, b);
                if let Some(eligible) = &eligible {
                    self.check_satisfiable(eligible, e.span);
                }
                d.eligible = d.got(eligible);
            }
            ClauseKind::Price(v) => {
                if let Some(price) = d.got(self.money(v, b)) {
                    if price.amount().is_zero() {
                        self.report(
                            b.resolve(v).span,
                            CheckError::ZeroPrice { what: "a special price of 0", span: b.resolve(v).span },
                        );
                        d.failed = true;
                    }
                    d.benefits.push((Benefit::SpecialPrice(price), span));
                }
            }
            ClauseKind::Discount(steps) => {
                if let Some(benefit) = self.discount(steps, b) {
                    d.benefits.push((benefit, span));
                } else {
                    d.failed = true;
                }
            }
            ClauseKind::DiscountEvery { amount, every, cap } => {
                let amount_m = self.money(amount, b);
                let every_m = self.money(every, b);
                let cap = match cap {
                    Some(c) => d.got(self.count(c, "the number of times", 1, None, b)).map(Some),
                    None => Some(None),
                };
                if let (Some(a), Some(e), Some(cap)) = (d.got(amount_m), d.got(every_m), cap) {
                    if a.amount() >= e.amount() {
                        self.report(
                            b.resolve(amount).span,
                            CheckError::DiscountExceedsThreshold {
                                discount: a.to_string(),
                                threshold: e.to_string(),
                                span: b.resolve(amount).span,
                                threshold_span: b.resolve(every).span,
                            },
                        );
                        d.failed = true;
                    } else {
                        d.benefits.push((Benefit::DiscountEvery { amount: a, every: Value::Money(e), cap }, span));
                    }
                }
            }
            ClauseKind::MultiBuy { count, price } => {
                let help = "`buy 1 for …` is a special price: write `price …`";
                let count = self.count(count, "the number of items", 2, Some(help), b);
                let price_m = self.money(price, b);
                if let (Some(count), Some(p)) = (d.got(count), d.got(price_m)) {
                    if p.amount().is_zero() {
                        self.report(
                            b.resolve(price).span,
                            CheckError::ZeroPrice { what: "a multi-buy price of 0", span: b.resolve(price).span },
                        );
                        d.failed = true;
                    }
                    d.benefits.push((Benefit::MultiBuy { count, price: p }, span));
                }
            }
            ClauseKind::BuyGet { buy, get, reward, units } => {
                let buy = self.count(buy, "the number bought", 1, None, b);
                let get = self.count(get, "the number rewarded", 1, None, b);
                let at = match reward {
                    Reward::Free => Some(None),
                    Reward::At(v) => match self.money_or_percent(v, b) {
                        Some(Value::Percent(p)) if p == Decimal::ONE_HUNDRED => {
                            self.report(
                                b.resolve(v).span,
                                CheckError::NotApplicable {
                                    message: "`at 100%` is the full price: the promotion gives nothing".into(),
                                    span: b.resolve(v).span,
                                    help: Some("write `free`, or a percentage below 100%".into()),
                                },
                            );
                            None
                        }
                        Some(value) => Some(Some(value)),
                        None => None,
                    },
                };
                let units = units.as_ref().map_or(UnitChoice::Cheapest, |u| u.node);
                if let (Some(buy), Some(get), Some(at)) = (d.got(buy), d.got(get), d.got(at)) {
                    d.benefits.push((Benefit::BuyGet { buy, get, at, units }, span));
                }
            }
            ClauseKind::Gift { quantity, item, worth, threshold } => {
                let quantity = match quantity {
                    Some(q) => self.count(q, "the number of gifts", 1, None, b),
                    None => Some(1),
                };
                let sku = self.text(item, b);
                let worth = self.money(worth, b);
                let threshold = self.opt_threshold(threshold, b, d);
                if let (Some(quantity), Some(sku), Some(worth)) = (d.got(quantity), d.got(sku), d.got(worth)) {
                    d.benefits.push((Benefit::Gift { quantity, sku, worth, threshold }, span));
                }
            }
            ClauseKind::Addon { item, price, limit, threshold } => {
                let sku = self.text(item, b);
                let price = self.money(price, b);
                let limit = match limit {
                    Some(l) => d.got(self.count(l, "the add-on limit", 1, None, b)).map(Some),
                    None => Some(None),
                };
                let threshold = self.opt_threshold(threshold, b, d);
                if let (Some(sku), Some(price), Some(limit)) = (d.got(sku), d.got(price), limit) {
                    d.benefits.push((Benefit::Addon { sku, price, limit, threshold }, span));
                }
            }
            ClauseKind::Bundle { items, price } => {
                let items = self.bundle_items(items, b);
                let price_m = self.money(price, b);
                if let (Some(items), Some(p)) = (d.got(items), d.got(price_m)) {
                    if p.amount().is_zero() {
                        self.report(
                            b.resolve(price).span,
                            CheckError::ZeroPrice { what: "a bundle price of 0", span: b.resolve(price).span },
                        );
                        d.failed = true;
                    }
                    d.benefits.push((Benefit::Bundle { items, price: p }, span));
                }
            }
            ClauseKind::Presale { deposit, deducts, balance_by } => {
                let dep = self.money(deposit, b);
                let ded = self.money(deducts, b);
                let by = match balance_by {
                    Some(t) => d.got(self.time(t, None, b)).map(Some),
                    None => Some(None),
                };
                if let (Some(dep), Some(ded), Some(by)) = (d.got(dep), d.got(ded), by) {
                    if ded.amount() < dep.amount() {
                        self.report(
                            b.resolve(deducts).span,
                            CheckError::PresaleDeduction {
                                deposit: dep.to_string(),
                                deducts: ded.to_string(),
                                span: b.resolve(deducts).span,
                            },
                        );
                        d.failed = true;
                    }
                    d.benefits.push((Benefit::Presale { deposit: dep, deducts: ded, balance_by: by }, span));
                }
            }
            ClauseKind::Group { size, price, within } => {
                let help = "a group of one is a special price: write `price …`";
                let size = self.count(size, "a group", 2, Some(help), b);
                let price = self.money(price, b);
                let within = match within {
                    Some(w) => d.got(self.duration(w, b)).map(Some),
                    None => Some(None),
                };
                if let (Some(size), Some(price), Some(within)) = (d.got(size), d.got(price), within) {
                    d.benefits.push((Benefit::Group { size, price, within }, span));
                }
            }
            ClauseKind::Coupon(v) => {
                let code = self.text(v, b);
                if let Some(code) = d.got(code) {
                    if code.trim().is_empty() {
                        self.report(
                            b.resolve(v).span,
                            CheckError::TypeMismatch {
                                expected: "a coupon code".into(),
                                found: "empty text".into(),
                                span: b.resolve(v).span,
                                help: Some("write the code customers enter, e.g. `coupon \"WED500\"`".into()),
                            },
                        );
                        d.failed = true;
                    }
                    d.coupon = Some(code);
                }
            }
            ClauseKind::Limit { count, per } => {
                let help = "`limit 0` would let no one buy; to stop a promotion, end its window";
                let n = self.count(count, "a limit", 1, Some(help), b);
                d.limit = d.got(n).map(|n| (n, per.node));
            }
            ClauseKind::Stock(v) => {
                let help = "a promotion without stock sells nothing; end its window instead";
                let n = self.count(v, "promotion stock", 1, Some(help), b);
                d.stock = d.got(n);
            }
            ClauseKind::Budget(v) => {
                if let Some(m) = d.got(self.money(v, b)) {
                    if m.amount().is_zero() {
                        let at = b.resolve(v).span;
                        self.report(
                            at,
                            CheckError::TooSmall {
                                what: "a budget",
                                min: 1,
                                value: m.to_string(),
                                span: at,
                                help: None,
                            },
                        );
                        d.failed = true;
                    }
                    d.budget = Some(m);
                }
            }
            ClauseKind::Exclusive => d.exclusive = Some(span),
            ClauseKind::StacksWith(targets) => {
                d.stacks_span = Some(span);
                for t in targets {
                    if let StackTarget::Promotion(name) = &t.node
                        && !self.promotion_names.contains(name)
                    {
                        let names: Vec<&str> = self.promotion_names.iter().map(String::as_str).collect();
                        let help = suggest(name, &names);
                        self.report(t.span, CheckError::UnknownPromotion { name: name.clone(), span: t.span, help });
                        d.failed = true;
                    }
                    d.stacks_with.push(t.node.clone());
                }
            }
            ClauseKind::WithdrawOthers(v) => {
                d.withdraw_span = Some(span);
                let dur = self.duration(v, b);
                d.withdraw_others = d.got(dur);
            }
            ClauseKind::PayWithin(v) => {
                let dur = self.duration(v, b);
                d.pay_within = d.got(dur);
            }
            ClauseKind::Label { text, priority } => {
                let text = self.text(text, b);
                let priority = match priority {
                    Some(p) => self.count(p, "a priority", 0, None, b),
                    None => Some(0),
                };
                if let (Some(t), Some(p)) = (d.got(text), d.got(priority)) {
                    d.label = Some((t, p));
                }
            }
            ClauseKind::Refund(policy) => d.refund = Some((policy.node, span)),
            ClauseKind::Floor(v) => {
                let floor = self.floor_bound(v, b);
                d.floor = d.got(floor).map(|f| (f, b.resolve(v).span));
            }
        }
    }

    fn discount(&mut self, steps: &[ast::DiscountStep], b: &Bindings<'a>) -> Option<Benefit> {
        let mut checked: Vec<(Value, Option<Threshold>, &ast::DiscountStep)> = Vec::new();
        let mut ok = true;
        for step in steps {
            let amount = self.money_or_percent(&step.amount, b);
            let threshold = match &step.threshold {
                Some(t) => self.threshold(t, b).map(Some),
                None => Some(None),
            };
            match (amount, threshold) {
                (Some(a), Some(t)) => checked.push((a, t, step)),
                _ => ok = false,
            }
        }
        if !ok {
            return None;
        }
        if let [(Value::Percent(p), None, step)] = checked.as_slice()
            && *p == Decimal::ONE_HUNDRED
        {
            let at = b.resolve(&step.amount).span;
            self.report(at, CheckError::ZeroPrice { what: "a 100% discount", span: at });
            return None;
        }
        for (amount, threshold, step) in &checked {
            if let (Value::Money(a), Some(Threshold { kind: ThresholdKind::Spend, value: Value::Money(t) })) =
                (amount, threshold)
                && a.amount() >= t.amount()
            {
                let threshold_span = step.threshold.as_ref().map_or(step.span, |t| b.resolve(&t.value).span);
                let span = b.resolve(&step.amount).span;
                self.report(
                    span,
                    CheckError::DiscountExceedsThreshold {
                        discount: a.to_string(),
                        threshold: t.to_string(),
                        span,
                        threshold_span,
                    },
                );
                ok = false;
            }
        }
        if checked.len() > 1 {
            for (_, threshold, step) in &checked {
                if threshold.is_none() {
                    self.report(
                        step.span,
                        CheckError::ClauseNeeds {
                            clause: "discount tiers",
                            needs: "when spend …",
                            span: step.span,
                            help: Some("each tier of a tiered discount says when it applies".into()),
                        },
                    );
                    return None;
                }
            }
            for pair in checked.windows(2) {
                let [(prev_amount, Some(prev_t), prev_step), (amount, Some(t), step)] = pair else { continue };
                let reason = if prev_t.kind != t.kind {
                    Some("every tier must measure the same thing (`spend` or `buy`)".to_owned())
                } else if compare(&t.value, &prev_t.value).is_some_and(|o| o.is_le()) {
                    Some("each threshold must be higher than the one before".to_owned())
                } else if compare(amount, prev_amount).is_some_and(|o| o.is_le()) {
                    Some("each tier must give more than the one before".to_owned())
                } else {
                    None
                };
                if let Some(reason) = reason {
                    self.report(
                        step.span,
                        CheckError::TiersNotIncreasing { reason, span: step.span, previous: prev_step.span },
                    );
                    ok = false;
                }
            }
        }
        ok.then(|| Benefit::Discount(checked.into_iter().map(|(a, t, _)| (a, t)).collect()))
    }

    fn bundle_items(&mut self, v: &ast::Value, b: &Bindings<'a>) -> Option<Vec<(String, i64)>> {
        // A parameter not yet bound: any list of SKUs will do.
        if let Some(ty) = b.param_type(v) {
            let wanted = Type::Set(Box::new(Type::Text));
            if !ty.fits(&wanted) {
                self.report(
                    v.span,
                    CheckError::TypeMismatch {
                        expected: wanted.to_string(),
                        found: format!("a parameter of type {ty}"),
                        span: v.span,
                        help: None,
                    },
                );
            }
            return None;
        }
        let v = b.resolve(v);
        let ValueKind::Set(entries) = &v.kind else {
            self.report(
                v.span,
                CheckError::TypeMismatch {
                    expected: "a list of products".into(),
                    found: super::values::describe(v),
                    span: v.span,
                    help: Some(
                        "write the bundled SKUs in brackets, e.g. `bundle [\"A\", 2 of \"B\"] at 199.00`".into(),
                    ),
                },
            );
            return None;
        };
        if entries.is_empty() {
            self.report(v.span, CheckError::EmptySet { span: v.span });
            return None;
        }
        let mut items = Vec::new();
        let mut ok = true;
        for entry in entries {
            let quantity = match &entry.quantity {
                Some(q) => self.count(q, "a bundled quantity", 1, None, b),
                None => Some(1),
            };
            let sku = self.text(&entry.value, b);
            match (quantity, sku) {
                (Some(q), Some(s)) => items.push((s, q)),
                _ => ok = false,
            }
        }
        ok.then_some(items)
    }

    fn finish(&mut self, p: &'a ast::PromotionItem, d: Draft, template_failed: bool) -> Option<hir::Promotion> {
        let name_span = p.name.span;
        let name = p.name.node.clone();
        let mut failed = d.failed || template_failed;
        if d.level.is_none() && !template_failed {
            self.report(
                name_span,
                CheckError::MissingClause {
                    name: name.clone(),
                    clause: "level",
                    span: name_span,
                    help: Some(
                        "add `level item` (single-item), `level store` or `level platform` (collections)".into(),
                    ),
                },
            );
            failed = true;
        }
        if !d.has_scope && !template_failed {
            self.report(
                name_span,
                CheckError::MissingClause {
                    name: name.clone(),
                    clause: "scope",
                    span: name_span,
                    help: Some("add `scope all` to apply to every product, or say which products".into()),
                },
            );
            failed = true;
        }
        if d.benefits.is_empty() && !d.failed && !template_failed {
            self.report(name_span, CheckError::MissingBenefit { name: name.clone(), span: name_span });
            failed = true;
        }
        if let (Some(excl), Some(stacks)) = (d.exclusive, d.stacks_span) {
            let (first, second, first_span, span) = if excl.start < stacks.start {
                ("exclusive", "stacks with", excl, stacks)
            } else {
                ("stacks with", "exclusive", stacks, excl)
            };
            let first_span = Self::same_file(first_span, span).unwrap_or(span);
            self.report(
                span,
                CheckError::Contradiction {
                    first,
                    second,
                    span,
                    first_span,
                    help: Some("an exclusive promotion shares with nothing; remove one of them".into()),
                },
            );
            failed = true;
        }
        if let Some(withdraw) = d.withdraw_span
            && d.window_span.is_none()
            && !d.failed
        {
            self.report(
                withdraw,
                CheckError::ClauseNeeds {
                    clause: "withdraw others",
                    needs: "window",
                    span: withdraw,
                    help: Some(
                        "other promotions are withdrawn before this one starts, so it needs a start: add a `window`"
                            .into(),
                    ),
                },
            );
            failed = true;
        }
        let gives_gift = d.benefits.iter().any(|(b, _)| matches!(b, Benefit::Gift { .. }));
        if let Some((policy @ (RefundPolicy::DeductGift | RefundPolicy::RequireGift), span)) = d.refund
            && !gives_gift
            && !d.failed
        {
            let words = if policy == RefundPolicy::DeductGift { "deduct gift" } else { "require gift" };
            self.report(
                span,
                CheckError::NotApplicable {
                    message: format!("`refund {words}` is for promotions that give a gift"),
                    span,
                    help: Some("use `refund allocated`, or add the `gift`".into()),
                },
            );
            failed = true;
        }
        let scope = d.scope.clone();
        if let Some(scope) = &scope {
            failed |= !self.check_floors(scope, &d.benefits, d.floor);
        }
        if failed {
            return None;
        }
        Some(hir::Promotion {
            name,
            level: d.level?,
            store: d.store,
            window: d.window,
            scope: scope?,
            eligible: d.eligible,
            benefits: d.benefits.into_iter().map(|(b, _)| b).collect(),
            coupon: d.coupon,
            limit: d.limit,
            stock: d.stock,
            budget: d.budget,
            exclusive: d.exclusive.is_some(),
            stacks_with: d.stacks_with,
            withdraw_others: d.withdraw_others,
            pay_within: d.pay_within,
            label: d.label,
            refund: d.refund.map(|(p, _)| p).or(self.settings.refund),
            floor: d.floor.map(|(f, _)| f),
            span: p.span,
        })
    }
}

/// The first value a clause is written with, to point at when the clause itself is elsewhere.
fn first_value_span(kind: &ClauseKind) -> Option<&ast::Value> {
    match kind {
        ClauseKind::Price(v)
        | ClauseKind::Coupon(v)
        | ClauseKind::Stock(v)
        | ClauseKind::Budget(v)
        | ClauseKind::WithdrawOthers(v)
        | ClauseKind::PayWithin(v)
        | ClauseKind::Floor(v) => Some(v),
        ClauseKind::Discount(steps) => steps.first().map(|s| &s.amount),
        ClauseKind::DiscountEvery { amount, .. } => Some(amount),
        ClauseKind::MultiBuy { price, .. } | ClauseKind::Bundle { price, .. } | ClauseKind::Group { price, .. } => {
            Some(price)
        }
        ClauseKind::BuyGet { buy, .. } => Some(buy),
        ClauseKind::Gift { worth, .. } => Some(worth),
        ClauseKind::Addon { price, .. } => Some(price),
        ClauseKind::Presale { deposit, .. } => Some(deposit),
        ClauseKind::Limit { count, .. } => Some(count),
        ClauseKind::Label { text, .. } => Some(text),
        ClauseKind::Window { start, .. } => Some(start),
        _ => None,
    }
}

/// Orders two values of the same kind (money, int, percent).
pub(super) fn compare(a: &Value, b: &Value) -> Option<std::cmp::Ordering> {
    match (a, b) {
        (Value::Money(x), Value::Money(y)) => Some(x.amount().cmp(&y.amount())),
        (Value::Int(x), Value::Int(y)) => Some(x.cmp(y)),
        (Value::Percent(x), Value::Percent(y)) | (Value::Decimal(x), Value::Decimal(y)) => Some(x.cmp(y)),
        (Value::Time(x), Value::Time(y)) => Some(x.cmp(y)),
        (Value::Enum { rank: x, .. }, Value::Enum { rank: y, .. }) => Some(x.cmp(y)),
        _ => None,
    }
}
