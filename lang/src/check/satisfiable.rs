//! Finding conditions that can never hold (`category == "a" and category == "b"`), and whether one
//! condition implies another (for floors). Works on the disjunctive normal form, bounded by
//! [`MAX_TERMS`]: past it, the condition is assumed satisfiable.

use std::cmp::Ordering;

use super::promotion::compare;
use super::{CheckError, Checker, Schema};
use crate::hir::{AttrRef, Expr, PredOp, Value};
use crate::source::Span;

/// The largest disjunctive normal form examined.
pub(crate) const MAX_TERMS: usize = 256;

/// A predicate or its negation.
#[derive(Debug, Clone)]
pub(crate) struct Lit {
    attr: AttrRef,
    op: PredOp,
    value: Value,
    negated: bool,
}

/// Or of ands. `[]` is false; `[[]]` is true.
type Dnf = Vec<Vec<Lit>>;

fn negate_op(op: PredOp) -> Option<PredOp> {
    Some(match op {
        PredOp::Eq => PredOp::Ne,
        PredOp::Ne => PredOp::Eq,
        PredOp::Lt => PredOp::Ge,
        PredOp::Le => PredOp::Gt,
        PredOp::Gt => PredOp::Le,
        PredOp::Ge => PredOp::Lt,
        PredOp::In => PredOp::NotIn,
        PredOp::NotIn => PredOp::In,
        PredOp::Has | PredOp::IsTrue => return None,
    })
}

/// The DNF of `e` (negated when `positive` is false); `None` past [`MAX_TERMS`].
pub(crate) fn dnf(e: &Expr, positive: bool) -> Option<Dnf> {
    match (e, positive) {
        (Expr::All, true) => Some(vec![vec![]]),
        (Expr::All, false) => Some(vec![]),
        (Expr::Not(inner), p) => dnf(inner, !p),
        (Expr::Pred { attr, op, value }, p) => {
            let lit = match (p, negate_op(*op)) {
                (true, _) => Lit { attr: attr.clone(), op: *op, value: value.clone(), negated: false },
                (false, Some(neg)) => Lit { attr: attr.clone(), op: neg, value: value.clone(), negated: false },
                (false, None) => Lit { attr: attr.clone(), op: *op, value: value.clone(), negated: true },
            };
            Some(vec![vec![lit]])
        }
        (Expr::Or(parts), true) | (Expr::And(parts), false) => {
            let mut out = Vec::new();
            for part in parts {
                out.extend(dnf(part, positive)?);
                if out.len() > MAX_TERMS {
                    return None;
                }
            }
            Some(out)
        }
        (Expr::And(parts), true) | (Expr::Or(parts), false) => {
            let mut acc: Dnf = vec![vec![]];
            for part in parts {
                let d = dnf(part, positive)?;
                let mut next = Vec::new();
                for left in &acc {
                    for right in &d {
                        let mut term = left.clone();
                        term.extend(right.iter().cloned());
                        next.push(term);
                        if next.len() > MAX_TERMS {
                            return None;
                        }
                    }
                }
                acc = next;
            }
            Some(acc)
        }
    }
}

/// A value as a merchandiser wrote it.
pub(crate) fn show(v: &Value) -> String {
    match v {
        Value::Int(i) => i.to_string(),
        Value::Decimal(d) => d.to_string(),
        Value::Money(m) => m.to_string(),
        Value::Percent(p) => format!("{p}%"),
        Value::Bool(b) => b.to_string(),
        Value::Text(t) => format!("\"{t}\""),
        Value::Time(t) => t.to_string(),
        Value::Duration(d) => format!("{d:#}"),
        Value::Set(items) => format!("[{}]", items.iter().map(show).collect::<Vec<_>>().join(", ")),
        Value::Enum { value, .. } => value.clone(),
    }
}

fn attr_name(a: &AttrRef) -> String {
    match a.subject {
        crate::syntax::ast::Subject::Product => a.name.clone(),
        crate::syntax::ast::Subject::Customer => format!("customer.{}", a.name),
    }
}

/// Why a conjunction cannot hold, with a fix when one is likely.
fn conflict(term: &[Lit], schema: &Schema) -> Option<(String, Option<String>)> {
    let mut attrs: Vec<&AttrRef> = Vec::new();
    for lit in term {
        if !attrs.contains(&&lit.attr) {
            attrs.push(&lit.attr);
        }
    }
    for attr in attrs {
        let lits: Vec<&Lit> = term.iter().filter(|l| l.attr == *attr).collect();
        let name = attr_name(attr);
        // Exact values: `==` and `in` narrow the candidates; `!=` and `not in` remove some.
        let mut candidates: Option<Vec<Value>> = None;
        let mut first_eq: Option<&Value> = None;
        for lit in &lits {
            let allowed: Option<Vec<Value>> = match (lit.op, &lit.value) {
                (PredOp::Eq, v) => {
                    if let Some(first) = first_eq
                        && first != v
                    {
                        return Some((
                            format!("`{name}` cannot be both {} and {}", show(first), show(v)),
                            Some("did you mean `or`?".into()),
                        ));
                    }
                    first_eq = Some(v);
                    Some(vec![v.clone()])
                }
                (PredOp::In, Value::Set(items)) => Some(items.clone()),
                _ => None,
            };
            if let Some(allowed) = allowed {
                candidates = Some(match candidates {
                    None => allowed,
                    Some(c) => c.into_iter().filter(|x| allowed.contains(x)).collect(),
                });
            }
        }
        // An enum has only its declared values: a range beyond them is empty.
        let from_domain = candidates.is_none();
        if candidates.is_none()
            && let Some(Value::Enum { enum_name, .. }) =
                lits.iter().map(|l| &l.value).find(|v| matches!(v, Value::Enum { .. }))
            && let Some(info) = schema.enums.get(enum_name)
        {
            candidates = Some(
                info.values
                    .iter()
                    .enumerate()
                    .map(|(rank, value)| Value::Enum { enum_name: enum_name.clone(), value: value.clone(), rank })
                    .collect(),
            );
        }
        if let Some(mut c) = candidates {
            for lit in &lits {
                match (lit.op, &lit.value) {
                    (PredOp::Ne, v) => c.retain(|x| x != v),
                    (PredOp::NotIn, Value::Set(items)) => c.retain(|x| !items.contains(x)),
                    _ => {}
                }
                c.retain(|x| within(x, lit));
            }
            if c.is_empty() {
                let reason = format!("no value of `{name}` meets every condition on it");
                let help = if from_domain { None } else { Some("did you mean `or`?".into()) };
                return Some((reason, help));
            }
        }
        // Ranges.
        for lower in lits.iter().filter(|l| matches!(l.op, PredOp::Gt | PredOp::Ge)) {
            for upper in lits.iter().filter(|l| matches!(l.op, PredOp::Lt | PredOp::Le)) {
                let empty = match compare(&lower.value, &upper.value) {
                    Some(Ordering::Greater) => true,
                    Some(Ordering::Equal) => lower.op == PredOp::Gt || upper.op == PredOp::Lt,
                    _ => false,
                };
                if empty {
                    return Some((
                        format!(
                            "`{name}` cannot be {} {} and {} {}",
                            op_words(lower.op),
                            show(&lower.value),
                            op_words(upper.op),
                            show(&upper.value)
                        ),
                        None,
                    ));
                }
            }
        }
        // Set membership and flags: a thing and its negation.
        for a in &lits {
            for b in &lits {
                if matches!(a.op, PredOp::Has | PredOp::IsTrue)
                    && a.op == b.op
                    && a.value == b.value
                    && a.negated != b.negated
                {
                    return Some((format!("`{name}` is required and excluded at once"), None));
                }
            }
        }
    }
    None
}

/// Whether `x` meets a range literal (other literals: true).
fn within(x: &Value, lit: &Lit) -> bool {
    let Some(o) = compare(x, &lit.value) else { return true };
    match lit.op {
        PredOp::Lt => o.is_lt(),
        PredOp::Le => o.is_le(),
        PredOp::Gt => o.is_gt(),
        PredOp::Ge => o.is_ge(),
        _ => true,
    }
}

fn op_words(op: PredOp) -> &'static str {
    match op {
        PredOp::Gt => "above",
        PredOp::Ge => "at least",
        PredOp::Lt => "below",
        PredOp::Le => "at most",
        _ => "",
    }
}

impl Checker<'_> {
    /// Reports `e` (written at `span`) if it can never hold; returns whether it can.
    pub(crate) fn check_satisfiable(&mut self, e: &Expr, span: Span) -> bool {
        let Some(terms) = dnf(e, true) else { return true };
        let mut first_reason = None;
        for term in &terms {
            match conflict(term, &self.schema) {
                None => return true,
                Some(reason) => {
                    first_reason.get_or_insert(reason);
                }
            }
        }
        let (reason, help) = first_reason.unwrap_or_else(|| ("it excludes every product".to_owned(), None));
        self.report(span, CheckError::NeverMatches { span, reason, help });
        false
    }
}

/// Whether every product matching `scope` matches `products` (`false` when unsure). Supports
/// `products` made of `==` / `in` predicates joined by `and`.
pub(crate) fn implies(scope: &Expr, products: &Expr) -> bool {
    let required: Vec<(&AttrRef, Vec<&Value>)> = match simple_conjunction(products) {
        Some(r) => r,
        None => return false,
    };
    let Some(terms) = dnf(scope, true) else { return false };
    !terms.is_empty()
        && terms.iter().all(|term| {
            required.iter().all(|(attr, allowed)| {
                term.iter().any(|lit| {
                    lit.attr == **attr
                        && !lit.negated
                        && match (lit.op, &lit.value) {
                            (PredOp::Eq, v) => allowed.contains(&v),
                            (PredOp::In, Value::Set(items)) => items.iter().all(|i| allowed.contains(&i)),
                            _ => false,
                        }
                })
            })
        })
}

fn simple_conjunction(e: &Expr) -> Option<Vec<(&AttrRef, Vec<&Value>)>> {
    match e {
        Expr::Pred { attr, op: PredOp::Eq, value } => Some(vec![(attr, vec![value])]),
        Expr::Pred { attr, op: PredOp::In, value: Value::Set(items) } => Some(vec![(attr, items.iter().collect())]),
        Expr::And(parts) => {
            let mut out = Vec::new();
            for p in parts {
                out.extend(simple_conjunction(p)?);
            }
            Some(out)
        }
        _ => None,
    }
}
