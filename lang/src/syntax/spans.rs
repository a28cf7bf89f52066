//! Every span of a tree, to move: the database parses each chunk in item coordinates, and the
//! editor's trees are those chunks moved to file offsets — no second parse of the file.

use super::ast::*;
use crate::source::Span;

/// Syntax whose spans can be visited (and moved).
pub trait Spans {
    /// Calls `f` on every span in `self`.
    fn spans(&mut self, f: &mut dyn FnMut(&mut Span));
}

impl<T: Spans> Spans for Vec<T> {
    fn spans(&mut self, f: &mut dyn FnMut(&mut Span)) {
        self.iter_mut().for_each(|x| x.spans(f));
    }
}

impl<T: Spans> Spans for Option<T> {
    fn spans(&mut self, f: &mut dyn FnMut(&mut Span)) {
        if let Some(x) = self {
            x.spans(f);
        }
    }
}

impl<T: Spans> Spans for Box<T> {
    fn spans(&mut self, f: &mut dyn FnMut(&mut Span)) {
        (**self).spans(f);
    }
}

/// Only its own span: the node holds no syntax.
impl<T> Spans for Spanned<T> {
    fn spans(&mut self, f: &mut dyn FnMut(&mut Span)) {
        f(&mut self.span);
    }
}

impl Spans for Ident {
    fn spans(&mut self, f: &mut dyn FnMut(&mut Span)) {
        f(&mut self.span);
    }
}

impl Spans for Item {
    fn spans(&mut self, f: &mut dyn FnMut(&mut Span)) {
        match self {
            Item::Use(i) => {
                i.library.spans(f);
                i.names.spans(f);
                f(&mut i.span);
            }
            Item::Schema(i) => {
                for e in &mut i.enums {
                    e.name.spans(f);
                    e.values.spans(f);
                    f(&mut e.span);
                }
                for a in &mut i.attributes {
                    a.name.spans(f);
                    a.ty.spans(f);
                    f(&mut a.span);
                }
                f(&mut i.span);
            }
            Item::Settings(i) => {
                for s in &mut i.settings {
                    s.kind.spans(f);
                    f(&mut s.keyword);
                    f(&mut s.span);
                }
                f(&mut i.span);
            }
            Item::Pool(i) => {
                i.name.spans(f);
                i.expr.spans(f);
                f(&mut i.span);
            }
            Item::Template(i) => {
                i.name.spans(f);
                i.params.spans(f);
                i.body.spans(f);
                f(&mut i.span);
            }
            Item::Promotion(i) => {
                i.name.spans(f);
                if let Some(call) = &mut i.template {
                    call.name.spans(f);
                    for arg in &mut call.args {
                        arg.name.spans(f);
                        arg.value.spans(f);
                    }
                    f(&mut call.span);
                }
                i.body.spans(f);
                f(&mut i.span);
            }
            Item::Extern(i) => {
                i.name.spans(f);
                i.params.spans(f);
                i.result.spans(f);
                i.module.spans(f);
                f(&mut i.span);
            }
        }
    }
}

impl Spans for TypeExpr {
    fn spans(&mut self, f: &mut dyn FnMut(&mut Span)) {
        match self {
            TypeExpr::Named(name) => name.spans(f),
            TypeExpr::Set(inner, span) => {
                inner.spans(f);
                f(span);
            }
        }
    }
}

impl Spans for SettingKind {
    fn spans(&mut self, f: &mut dyn FnMut(&mut Span)) {
        match self {
            SettingKind::Currency(v) => v.spans(f),
            SettingKind::Calculation(i) | SettingKind::Rounding(i) | SettingKind::Stacking(i) => i.spans(f),
            SettingKind::Timezone(s) => s.spans(f),
            SettingKind::Floor { bound, products } => {
                bound.spans(f);
                products.spans(f);
            }
            SettingKind::Refund(r) => r.spans(f),
            SettingKind::Extension { limit, value } => {
                limit.spans(f);
                value.spans(f);
            }
        }
    }
}

impl Spans for Param {
    fn spans(&mut self, f: &mut dyn FnMut(&mut Span)) {
        self.name.spans(f);
        self.ty.spans(f);
        self.default.spans(f);
        f(&mut self.span);
    }
}

impl Spans for Block {
    fn spans(&mut self, f: &mut dyn FnMut(&mut Span)) {
        for c in &mut self.clauses {
            c.kind.spans(f);
            f(&mut c.keyword);
            f(&mut c.span);
        }
        f(&mut self.span);
    }
}

impl Spans for Threshold {
    fn spans(&mut self, f: &mut dyn FnMut(&mut Span)) {
        self.value.spans(f);
        f(&mut self.span);
    }
}

impl Spans for ClauseKind {
    fn spans(&mut self, f: &mut dyn FnMut(&mut Span)) {
        match self {
            ClauseKind::Level { level, store } => {
                level.spans(f);
                store.spans(f);
            }
            ClauseKind::Window { start, end, timezone } => {
                start.spans(f);
                end.spans(f);
                timezone.spans(f);
            }
            ClauseKind::Scope(e) | ClauseKind::Eligible(e) => e.spans(f),
            ClauseKind::Price(v)
            | ClauseKind::Coupon(v)
            | ClauseKind::Stock(v)
            | ClauseKind::Budget(v)
            | ClauseKind::WithdrawOthers(v)
            | ClauseKind::PayWithin(v)
            | ClauseKind::Floor(v) => v.spans(f),
            ClauseKind::Discount(steps) => {
                for s in steps {
                    s.amount.spans(f);
                    s.threshold.spans(f);
                    f(&mut s.span);
                }
            }
            ClauseKind::DiscountEvery { amount, every, cap } => {
                amount.spans(f);
                every.spans(f);
                cap.spans(f);
            }
            ClauseKind::MultiBuy { count, price } => {
                count.spans(f);
                price.spans(f);
            }
            ClauseKind::BuyGet { buy, get, reward, units } => {
                buy.spans(f);
                get.spans(f);
                if let Reward::At(v) = reward {
                    v.spans(f);
                }
                units.spans(f);
            }
            ClauseKind::Gift { quantity, item, worth, threshold } => {
                quantity.spans(f);
                item.spans(f);
                worth.spans(f);
                threshold.spans(f);
            }
            ClauseKind::Addon { item, price, limit, threshold } => {
                item.spans(f);
                price.spans(f);
                limit.spans(f);
                threshold.spans(f);
            }
            ClauseKind::Bundle { items, price } => {
                items.spans(f);
                price.spans(f);
            }
            ClauseKind::Presale { deposit, deducts, balance_by } => {
                deposit.spans(f);
                deducts.spans(f);
                balance_by.spans(f);
            }
            ClauseKind::Group { size, price, within } => {
                size.spans(f);
                price.spans(f);
                within.spans(f);
            }
            ClauseKind::Limit { count, per } => {
                count.spans(f);
                per.spans(f);
            }
            ClauseKind::Exclusive => {}
            ClauseKind::StacksWith(targets) => targets.spans(f),
            ClauseKind::Label { text, priority } => {
                text.spans(f);
                priority.spans(f);
            }
            ClauseKind::Refund(r) => r.spans(f),
        }
    }
}

impl Spans for Value {
    fn spans(&mut self, f: &mut dyn FnMut(&mut Span)) {
        match &mut self.kind {
            ValueKind::Number { currency, .. } => currency.spans(f),
            ValueKind::Set(entries) => {
                for e in entries {
                    e.quantity.spans(f);
                    e.value.spans(f);
                }
            }
            ValueKind::Percent(_)
            | ValueKind::Duration(_)
            | ValueKind::DateTime(_)
            | ValueKind::Text(_)
            | ValueKind::Bool(_)
            | ValueKind::Name(_) => {}
        }
        f(&mut self.span);
    }
}

impl Spans for Expr {
    fn spans(&mut self, f: &mut dyn FnMut(&mut Span)) {
        match &mut self.kind {
            ExprKind::All => {}
            ExprKind::Path(idents) => idents.spans(f),
            ExprKind::Literal(v) => v.spans(f),
            ExprKind::Call { name, args } => {
                name.spans(f);
                args.spans(f);
            }
            ExprKind::Compare { op, left, right } => {
                op.spans(f);
                left.spans(f);
                right.spans(f);
            }
            ExprKind::In { left, right, .. } | ExprKind::Has { left, right } => {
                left.spans(f);
                right.spans(f);
            }
            ExprKind::Not(inner) => inner.spans(f),
            ExprKind::And(parts) | ExprKind::Or(parts) => parts.spans(f),
            ExprKind::Except(base, rest) => {
                base.spans(f);
                rest.spans(f);
            }
        }
        f(&mut self.span);
    }
}
