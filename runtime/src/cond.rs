//! Evaluating conditions (`scope`, `eligible`, floors) on bound values. A predicate on an
//! attribute the input does not give is false — `!=` and `not in` included — so a missing value
//! never makes a promotion apply; `not (…)` negates as written.
//!
//! An extension call that fails makes the whole condition fail (`Err`), whatever `not`, `and` or
//! `or` surround it: the caller then treats the promotion as not applying (fail closed). Parts are
//! evaluated left to right and `and` / `or` stop at the first part that decides.

use std::cmp::Ordering;

use crate::bind::{Bound, Row};
use crate::extension::{CallError, Calls};
use crate::ir::{Cond, Op, Value};

/// Whether `cond` holds for `values`; `Err` when an extension call it needed failed.
#[inline]
pub fn holds(cond: &Cond, values: Row<'_>, calls: &mut Calls<'_>) -> Result<bool, CallError> {
    // Every customer (a promotion without an `eligible` clause, nearly all) is decided here,
    // without a call: availability asks it of every promotion it works out on every pricing.
    match cond {
        Cond::All => Ok(true),
        _ => holds_by_parts(cond, values, calls),
    }
}

/// [`holds`] of any condition, by its parts.
fn holds_by_parts(cond: &Cond, values: Row<'_>, calls: &mut Calls<'_>) -> Result<bool, CallError> {
    Ok(match cond {
        Cond::All => true,
        Cond::Not(inner) => !holds(inner, values, calls)?,
        Cond::And(parts) => {
            for p in parts {
                if !holds(p, values, calls)? {
                    return Ok(false);
                }
            }
            true
        }
        Cond::Or(parts) => {
            for p in parts {
                if holds(p, values, calls)? {
                    return Ok(true);
                }
            }
            false
        }
        Cond::Pred { attr, op, value } => match values.get(*attr) {
            Some(bound) => predicate(bound, *op, value, values),
            None => false,
        },
        Cond::Call { function, args, op, value } => match calls.call(*function, args, values)? {
            Some(result) => predicate(&result, *op, value, values),
            None => false,
        },
    })
}

/// `bound op value`; a set's items are read from `row`.
fn predicate(bound: &Bound, op: Op, value: &Value, row: Row<'_>) -> bool {
    match op {
        Op::Eq => equal(bound, value),
        Op::Ne => !equal(bound, value),
        Op::Lt => order(bound, value) == Some(Ordering::Less),
        Op::Le => matches!(order(bound, value), Some(Ordering::Less | Ordering::Equal)),
        Op::Gt => order(bound, value) == Some(Ordering::Greater),
        Op::Ge => matches!(order(bound, value), Some(Ordering::Greater | Ordering::Equal)),
        Op::In => member(bound, value),
        Op::NotIn => !member(bound, value),
        Op::Has => match bound {
            Bound::Set(items) => row.items(*items).iter().any(|i| equal(i, value)),
            _ => false,
        },
        Op::IsTrue => *bound == Bound::Bool(true),
    }
}

fn member(bound: &Bound, set: &Value) -> bool {
    match set {
        Value::Set(items) => items.iter().any(|v| equal(bound, v)),
        _ => false,
    }
}

fn equal(bound: &Bound, value: &Value) -> bool {
    match (bound, value) {
        (Bound::Text(Some(a)), Value::Text(b)) => a == b,
        (Bound::Text(None), Value::Text(_)) => false,
        (Bound::Bool(a), Value::Bool(b)) => a == b,
        (Bound::Enum(a), Value::Enum(b)) => a == b,
        _ => order(bound, value) == Some(Ordering::Equal),
    }
}

fn order(bound: &Bound, value: &Value) -> Option<Ordering> {
    match (bound, value) {
        (Bound::Int(a), Value::Int(b) | Value::Time(b) | Value::Duration(b)) => Some(a.cmp(b)),
        (Bound::Decimal(a), Value::Decimal(b) | Value::Money(b) | Value::Percent(b)) => Some(a.cmp(b)),
        (Bound::Int(a), Value::Decimal(b) | Value::Money(b) | Value::Percent(b)) => {
            Some(rust_decimal::Decimal::from(*a).cmp(b))
        }
        (Bound::Enum(a), Value::Enum(b)) => Some(a.cmp(b)),
        _ => None,
    }
}
