//! Conditions: `scope` (products), `eligible` (the customer), pools and floors. Names resolve to
//! template parameters, pools, attributes or enum values; comparisons become predicates of one
//! attribute against one value.

use super::templates::{Binding, Bindings};
use super::{CheckError, Checker, PoolState, Type, suggest};
use crate::hir::{self, AttrRef, PredOp};
use crate::source::Span;
use crate::syntax::ast::{self, CmpOp, ExprKind, Subject, ValueKind};

/// The value side of a comparison.
enum Side<'e> {
    Value(&'e ast::Value),
    Name(&'e ast::Ident),
    Symbolic(Type),
}

/// What a condition selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Context {
    /// Products: `scope`, pools, floors.
    Scope,
    /// The customer: `eligible`.
    Eligible,
}

/// One side of a comparison, resolved.
pub(super) enum Operand<'e> {
    Attr(AttrRef, Type),
    Value(&'e ast::Value),
    /// A bare name that is no parameter, pool or product attribute: an enum value, or a mistake.
    /// Checked against the attribute on the other side, whose type says which.
    Name(&'e ast::Ident),
    /// A template parameter not yet bound: a value of this type.
    Symbolic(Type),
    Pool(String),
}

impl<'a> Checker<'a> {
    /// Checks a condition. `None` when it failed (reported) or depends on unbound parameters.
    pub(crate) fn condition(&mut self, e: &'a ast::Expr, ctx: Context, b: &Bindings<'a>) -> Option<hir::Expr> {
        match &e.kind {
            ExprKind::All => Some(hir::Expr::All),
            ExprKind::Not(inner) => Some(hir::Expr::Not(Box::new(self.condition(inner, ctx, b)?))),
            ExprKind::And(parts) => self.all_of(parts, ctx, b).map(hir::Expr::And),
            ExprKind::Or(parts) => self.all_of(parts, ctx, b).map(hir::Expr::Or),
            ExprKind::Except(base, excluded) => {
                let base = self.condition(base, ctx, b);
                let excluded = self.all_of(excluded, ctx, b);
                let mut parts = vec![base?];
                parts.extend(excluded?.into_iter().map(|x| hir::Expr::Not(Box::new(x))));
                Some(hir::Expr::And(parts))
            }
            ExprKind::Literal(ast::Value { kind: ValueKind::Bool(true), .. }) => Some(hir::Expr::All),
            ExprKind::Literal(ast::Value { kind: ValueKind::Bool(false), .. }) => {
                Some(hir::Expr::Not(Box::new(hir::Expr::All)))
            }
            ExprKind::Literal(v) => {
                self.report(v.span, CheckError::NotACondition { found: super::values::describe(v), span: v.span });
                None
            }
            ExprKind::Path(_) | ExprKind::Call { .. } => match self.operand(e, ctx, b)? {
                Operand::Pool(name) => self.pool(&name),
                Operand::Attr(attr, Type::Bool) => {
                    Some(hir::Expr::Pred { attr, op: PredOp::IsTrue, value: hir::Value::Bool(true) })
                }
                Operand::Attr(_, Type::Error) | Operand::Symbolic(_) => None,
                Operand::Name(name) => {
                    self.unknown_name(name, b);
                    None
                }
                Operand::Attr(attr, ty) => {
                    let found = match attr.call {
                        Some(_) => format!("the call `{}` ({ty})", attr.name),
                        None => format!("the {} attribute `{}` ({ty})", attr.subject.keyword(), attr.name),
                    };
                    self.report(e.span, CheckError::NotACondition { found, span: e.span });
                    None
                }
                Operand::Value(v) => {
                    self.report(e.span, CheckError::NotACondition { found: super::values::describe(v), span: e.span });
                    None
                }
            },
            ExprKind::Compare { op, left, right } => self.compare(e.span, op.node, op.span, left, right, ctx, b),
            ExprKind::In { negated, left, right } => self.membership(e.span, *negated, left, right, ctx, b),
            ExprKind::Has { left, right } => self.has(e.span, left, right, ctx, b),
        }
    }

    fn all_of(&mut self, parts: &'a [ast::Expr], ctx: Context, b: &Bindings<'a>) -> Option<Vec<hir::Expr>> {
        let checked: Vec<Option<hir::Expr>> = parts.iter().map(|p| self.condition(p, ctx, b)).collect();
        checked.into_iter().collect()
    }

    /// Resolves a path or literal operand.
    pub(super) fn operand(&mut self, e: &'a ast::Expr, ctx: Context, b: &Bindings<'a>) -> Option<Operand<'a>> {
        let idents = match &e.kind {
            ExprKind::Literal(v) => return Some(Operand::Value(v)),
            ExprKind::Call { name, args } => {
                let (attr, ty) = self.call(name, args, e.span, ctx, b)?;
                return Some(Operand::Attr(attr, ty));
            }
            ExprKind::Path(idents) => idents,
            _ => {
                self.report(e.span, CheckError::NotACondition { found: "a condition".into(), span: e.span });
                return None;
            }
        };
        match idents.as_slice() {
            [single] => self.single_name(single, ctx, b),
            [subject, attr] if subject.name == "customer" || subject.name == "product" => {
                let subject_kind = if subject.name == "customer" { Subject::Customer } else { Subject::Product };
                self.attribute(subject_kind, attr, e.span, ctx)
            }
            [first, ..] => {
                let help = Some("attributes are written `name` (products) or `customer.name`".to_owned());
                self.report(e.span, CheckError::UnknownName { name: first.name.clone(), span: first.span, help });
                None
            }
            [] => None,
        }
    }

    fn single_name(&mut self, name: &'a ast::Ident, ctx: Context, b: &Bindings<'a>) -> Option<Operand<'a>> {
        if let Some((binding, ty)) = b.param(&name.name) {
            return Some(match binding {
                Binding::Bound(v) => Operand::Value(v),
                Binding::Symbolic(_) => Operand::Symbolic(ty.clone()),
            });
        }
        if self.pools.contains_key(&name.name) {
            if ctx == Context::Eligible {
                self.report(name.span, CheckError::ProductInEligible { name: name.name.clone(), span: name.span });
                return None;
            }
            self.pools_used.insert(name.name.clone());
            return Some(Operand::Pool(name.name.clone()));
        }
        if self.schema.product.contains_key(&name.name) {
            return self.attribute(Subject::Product, name, name.span, ctx);
        }
        if ctx == Context::Eligible && self.schema.customer.contains_key(&name.name) {
            let help = Some(format!("customer attributes are written `customer.{}`", name.name));
            self.report(name.span, CheckError::UnknownName { name: name.name.clone(), span: name.span, help });
            return None;
        }
        Some(Operand::Name(name))
    }

    /// Reports a bare name that resolved to nothing.
    pub(super) fn unknown_name(&mut self, name: &ast::Ident, b: &Bindings<'a>) {
        let mut candidates: Vec<&str> = self.pools.keys().map(String::as_str).collect();
        candidates.extend(self.schema.product.keys().map(String::as_str));
        candidates.extend(b.names());
        let closest = crate::syntax::did_you_mean(&name.name, &candidates).map(str::to_owned);
        // A misspelt pool is still meant: no "unused" warning for it on top of this error.
        if let Some(pool) = closest.as_ref().filter(|c| self.pools.contains_key(*c)) {
            self.pools_used.insert(pool.clone());
        }
        let help = closest.map(|c| format!("did you mean `{c}`?")).or_else(|| {
            self.schema.customer.contains_key(&name.name).then(|| {
                format!("`{0}` is a customer attribute: write `customer.{0}` in an `eligible` clause", name.name)
            })
        });
        self.report(name.span, CheckError::UnknownName { name: name.name.clone(), span: name.span, help });
    }

    /// Reports an attribute the schema does not declare, suggesting the closest one.
    fn unknown_attribute(&mut self, subject: Subject, name: &ast::Ident, b: &Bindings<'a>) {
        let mut candidates: Vec<&str> = self.schema.attributes(subject).keys().map(String::as_str).collect();
        if subject == Subject::Product {
            candidates.extend(b.names());
        }
        let help = suggest(&name.name, &candidates).or_else(|| {
            let customer = subject == Subject::Product && self.schema.customer.contains_key(&name.name);
            Some(if customer {
                format!("`{0}` is a customer attribute: write `customer.{0}` in an `eligible` clause", name.name)
            } else {
                format!("declare it in the schema: `schema {{ {} {{ {}: text }} }}`", subject.keyword(), name.name)
            })
        });
        self.report(
            name.span,
            CheckError::UnknownAttribute { subject: subject.keyword(), name: name.name.clone(), span: name.span, help },
        );
    }

    fn attribute(&mut self, subject: Subject, name: &ast::Ident, span: Span, ctx: Context) -> Option<Operand<'a>> {
        let Some(info) = self.schema.attributes(subject).get(&name.name) else {
            self.unknown_attribute(subject, name, &Bindings::none());
            return None;
        };
        match (ctx, subject) {
            (Context::Scope, Subject::Customer) => {
                self.report(span, CheckError::CustomerInScope { name: name.name.clone(), span });
                None
            }
            (Context::Eligible, Subject::Product) => {
                self.report(span, CheckError::ProductInEligible { name: name.name.clone(), span });
                None
            }
            _ => Some(Operand::Attr(AttrRef::attribute(subject, name.name.clone()), info.ty.clone())),
        }
    }

    /// Splits a comparison into (attribute, value, flipped), reporting comparisons without exactly
    /// one attribute.
    #[allow(clippy::type_complexity)]
    fn sides(
        &mut self,
        span: Span,
        left: &'a ast::Expr,
        right: &'a ast::Expr,
        ctx: Context,
        b: &Bindings<'a>,
    ) -> Option<(AttrRef, Type, Side<'a>, bool)> {
        let l = self.operand(left, ctx, b);
        let r = self.operand(right, ctx, b);
        match (l?, r?) {
            (Operand::Attr(a, t), Operand::Value(v)) => Some((a, t, Side::Value(v), false)),
            (Operand::Value(v), Operand::Attr(a, t)) => Some((a, t, Side::Value(v), true)),
            (Operand::Attr(a, t), Operand::Name(n)) => Some((a, t, Side::Name(n), false)),
            (Operand::Name(n), Operand::Attr(a, t)) => Some((a, t, Side::Name(n), true)),
            (Operand::Name(n), Operand::Value(_) | Operand::Symbolic(_))
            | (Operand::Value(_) | Operand::Symbolic(_), Operand::Name(n)) => {
                // Compared with a value, the name was meant as an attribute.
                self.unknown_attribute(Subject::Product, n, b);
                None
            }
            (Operand::Name(n), _) | (_, Operand::Name(n)) => {
                self.unknown_name(n, b);
                None
            }
            (Operand::Attr(a, t), Operand::Symbolic(st)) => Some((a, t, Side::Symbolic(st), false)),
            (Operand::Symbolic(st), Operand::Attr(a, t)) => Some((a, t, Side::Symbolic(st), true)),
            (Operand::Attr(..), Operand::Attr(..)) => {
                self.report(span, CheckError::TwoAttributes { span });
                None
            }
            (Operand::Pool(name), _) | (_, Operand::Pool(name)) => {
                let found = format!("the pool `{name}`");
                self.report(span, CheckError::TypeMismatch {
                    expected: "an attribute".into(),
                    found,
                    span,
                    help: Some("a pool is already a condition: use it on its own, e.g. `scope shoes and brand == \"Acme\"`".into()),
                });
                None
            }
            _ => {
                self.report(span, CheckError::NoAttribute { span });
                None
            }
        }
    }

    /// Checks the value side of a comparison against `ty`.
    fn side_value(&mut self, side: Side<'a>, ty: &Type, at: Span, b: &Bindings<'a>) -> Option<hir::Value> {
        match side {
            Side::Value(v) => self.value_as(v, ty, b),
            Side::Name(name) => match ty {
                Type::Enum(e) => self.enum_value(e, &name.name, name.span),
                Type::Error => None,
                Type::Text => {
                    let help = Some(format!("text is written in quotes: `\"{}\"`", name.name));
                    self.report(name.span, CheckError::UnknownName { name: name.name.clone(), span: name.span, help });
                    None
                }
                _ => {
                    self.unknown_name(name, b);
                    None
                }
            },
            Side::Symbolic(symbolic) => {
                if !symbolic.fits(ty) {
                    self.report(
                        at,
                        CheckError::TypeMismatch {
                            expected: ty.to_string(),
                            found: symbolic.to_string(),
                            span: at,
                            help: None,
                        },
                    );
                }
                None
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn compare(
        &mut self,
        span: Span,
        op: CmpOp,
        op_span: Span,
        left: &'a ast::Expr,
        right: &'a ast::Expr,
        ctx: Context,
        b: &Bindings<'a>,
    ) -> Option<hir::Expr> {
        let (attr, ty, value, flipped) = self.sides(span, left, right, ctx, b)?;
        let op = if flipped { flip(op) } else { op };
        if !matches!(op, CmpOp::Eq | CmpOp::Ne) {
            let ordered = match &ty {
                Type::Enum(e) => self.schema.enums.get(e).is_some_and(|info| info.ordered),
                Type::Error => true,
                t => t.is_numeric_or_time(),
            };
            if !ordered {
                let help = match &ty {
                    Type::Enum(e) => {
                        Some(format!("declare the enum with `<` to give it an order: `enum {e}: a < b < c`"))
                    }
                    Type::Text => Some("text has no order; use `==` or `in [..]`".to_owned()),
                    _ => None,
                };
                self.report(
                    op_span,
                    CheckError::NotOrdered { op: op.symbol(), ty: ty.to_string(), span: op_span, help },
                );
                return None;
            }
        }
        let value = self.side_value(value, &ty, span, b)?;
        let op = match op {
            CmpOp::Eq => PredOp::Eq,
            CmpOp::Ne => PredOp::Ne,
            CmpOp::Lt => PredOp::Lt,
            CmpOp::Le => PredOp::Le,
            CmpOp::Gt => PredOp::Gt,
            CmpOp::Ge => PredOp::Ge,
        };
        Some(hir::Expr::Pred { attr, op, value })
    }

    fn membership(
        &mut self,
        span: Span,
        negated: bool,
        left: &'a ast::Expr,
        right: &'a ast::Expr,
        ctx: Context,
        b: &Bindings<'a>,
    ) -> Option<hir::Expr> {
        let (attr, ty, value, flipped) = self.sides(span, left, right, ctx, b)?;
        let pred = if flipped {
            // `"vip" in customer.tags`: the attribute is the set.
            let Type::Set(elem) = &ty else {
                self.report(
                    right.span,
                    CheckError::TypeMismatch {
                        expected: "a set".into(),
                        found: ty.to_string(),
                        span: right.span,
                        help: Some(format!("`in` needs a set on its right; to compare, write `{} == …`", attr.name)),
                    },
                );
                return None;
            };
            let value = self.side_value(value, elem, left.span, b)?;
            hir::Expr::Pred { attr, op: PredOp::Has, value }
        } else {
            let set_ty = Type::Set(Box::new(ty));
            let value = self.side_value(value, &set_ty, right.span, b)?;
            let op = if negated { PredOp::NotIn } else { PredOp::In };
            return Some(hir::Expr::Pred { attr, op, value });
        };
        Some(if negated { hir::Expr::Not(Box::new(pred)) } else { pred })
    }

    fn has(
        &mut self,
        span: Span,
        left: &'a ast::Expr,
        right: &'a ast::Expr,
        ctx: Context,
        b: &Bindings<'a>,
    ) -> Option<hir::Expr> {
        let (attr, ty, value, flipped) = self.sides(span, left, right, ctx, b)?;
        let Type::Set(elem) = &ty else {
            let at = if flipped { right.span } else { left.span };
            self.report(
                at,
                CheckError::TypeMismatch {
                    expected: "a set attribute".into(),
                    found: ty.to_string(),
                    span: at,
                    help: Some(format!(
                        "`has` asks whether a set contains a value; to compare, write `{} == …`",
                        attr.name
                    )),
                },
            );
            return None;
        };
        let value = self.side_value(value, elem, right.span, b)?;
        Some(hir::Expr::Pred { attr, op: PredOp::Has, value })
    }

    /// The checked condition of pool `name`, checking it on first use; reports cycles.
    pub(crate) fn pool(&mut self, name: &str) -> Option<hir::Expr> {
        match self.pool_states.get(name) {
            Some(PoolState::Done(expr)) => return expr.clone(),
            Some(PoolState::InProgress) => {
                // The reference that closes the cycle is reported where the cycle is found.
                return None;
            }
            None => {}
        }
        let pool = *self.pools.get(name)?;
        self.pool_states.to_mut().insert(name.to_owned(), PoolState::InProgress);
        self.pool_stack.push(name.to_owned());
        if let Some(cycle_at) = self.cycle_reference(&pool.expr) {
            let mut cycle = self.pool_stack.clone();
            cycle.push(cycle_at.name.clone());
            let start = cycle.iter().position(|n| *n == cycle_at.name).unwrap_or(0);
            let cycle = cycle.get(start..).unwrap_or_default().join(" → ");
            self.report(
                cycle_at.span,
                CheckError::CyclicPool { name: cycle_at.name.clone(), span: cycle_at.span, cycle },
            );
            // The pools of the cycle are used (by each other): no "unused" warning on top.
            self.pools_used.extend(self.pool_stack.iter().cloned());
            self.pool_stack.pop();
            self.pool_states.to_mut().insert(name.to_owned(), PoolState::Done(None));
            return None;
        }
        let mut checked = self.condition(&pool.expr, Context::Scope, &Bindings::none());
        if let Some(expr) = &checked
            && !self.check_satisfiable(expr, pool.expr.span)
        {
            // Reported here, once; the promotions that use the pool say nothing more.
            checked = None;
        }
        self.pool_stack.pop();
        self.pool_states.to_mut().insert(name.to_owned(), PoolState::Done(checked.clone()));
        checked
    }

    /// A direct reference in `e` to a pool that is being checked (a cycle), if any.
    fn cycle_reference(&self, e: &'a ast::Expr) -> Option<&'a ast::Ident> {
        match &e.kind {
            ExprKind::Path(idents) => match idents.as_slice() {
                [single] if matches!(self.pool_states.get(&single.name), Some(PoolState::InProgress)) => Some(single),
                _ => None,
            },
            ExprKind::Not(inner) => self.cycle_reference(inner),
            ExprKind::And(parts) | ExprKind::Or(parts) => parts.iter().find_map(|p| self.cycle_reference(p)),
            ExprKind::Except(base, rest) => {
                self.cycle_reference(base).or_else(|| rest.iter().find_map(|p| self.cycle_reference(p)))
            }
            ExprKind::Compare { left, right, .. }
            | ExprKind::In { left, right, .. }
            | ExprKind::Has { left, right } => self.cycle_reference(left).or_else(|| self.cycle_reference(right)),
            ExprKind::Call { args, .. } => args.iter().find_map(|a| self.cycle_reference(a)),
            ExprKind::All | ExprKind::Literal(_) => None,
        }
    }
}

fn flip(op: CmpOp) -> CmpOp {
    match op {
        CmpOp::Lt => CmpOp::Gt,
        CmpOp::Le => CmpOp::Ge,
        CmpOp::Gt => CmpOp::Lt,
        CmpOp::Ge => CmpOp::Le,
        other => other,
    }
}
