//! Values in clauses: literals checked against the type their position needs, and template
//! parameters replaced by their arguments.

use std::str::FromStr;

use jiff::civil::DateTime;
use jiff::tz::{Offset, TimeZone};
use jiff::{SignedDuration, Timestamp};
use promo_runtime::Money;
use rust_decimal::Decimal;

use super::templates::{Binding, Bindings};
use super::{CheckError, Checker, Type, suggest};
use crate::hir::{FloorBound, Value};
use crate::source::Span;
use crate::syntax::ast::{self, ValueKind};

/// What a value is, in words, for messages.
pub(super) fn describe(v: &ast::Value) -> String {
    match &v.kind {
        ValueKind::Number { currency: Some(c), .. } => format!("money in {}", c.node),
        ValueKind::Number { digits, .. } if digits.contains('.') => "a decimal number".into(),
        ValueKind::Number { .. } => "a whole number".into(),
        ValueKind::Percent(_) => "a percentage".into(),
        ValueKind::Duration(_) => "a duration".into(),
        ValueKind::DateTime(_) => "a date and time".into(),
        ValueKind::Text(_) => "text".into(),
        ValueKind::Bool(_) => "true/false".into(),
        ValueKind::Set(_) => "a set".into(),
        ValueKind::Name(n) => format!("the name `{n}`"),
    }
}

/// How to write a value of `ty`, for help lines.
fn example(ty: &Type) -> Option<String> {
    Some(match ty {
        Type::Int => "write a whole number, e.g. `3`".into(),
        Type::Decimal => "write a number, e.g. `1.5`".into(),
        Type::Money => "write an amount, e.g. `399.00`".into(),
        Type::Percent => "write a percentage with `%`, e.g. `20%`".into(),
        Type::Bool => "write `true` or `false`".into(),
        Type::Text => "write text in quotes, e.g. `\"shoes\"`".into(),
        Type::Time => "write a date and time, e.g. `2026-06-18 10:00`".into(),
        Type::Duration => "write a duration, e.g. `2h` or `15m`".into(),
        Type::Set(inner) => format!("write a list in brackets, e.g. `[…]`, of {inner}"),
        Type::Enum(_) | Type::Error => return None,
    })
}

impl Checker<'_> {
    fn mismatch(&mut self, v: &ast::Value, expected: &Type) {
        let help = match (&v.kind, expected) {
            (ValueKind::Name(n), Type::Text) => Some(format!("text is written in quotes: `\"{n}\"`")),
            _ => example(expected),
        };
        let expected = match expected {
            Type::Enum(e) => format!("a value of `{e}`"),
            other => other.to_string(),
        };
        self.report(v.span, CheckError::TypeMismatch { expected, found: describe(v), span: v.span, help });
    }

    /// Checks `v` against `ty`. `None` when it failed (reported) or is a template parameter not
    /// yet bound (checked for type only).
    pub(super) fn value_as(&mut self, v: &ast::Value, ty: &Type, b: &Bindings<'_>) -> Option<Value> {
        if let ValueKind::Name(name) = &v.kind {
            match b.get(name) {
                Some(Binding::Symbolic(param_ty)) => {
                    if !param_ty.fits(ty) {
                        let expected = ty.to_string();
                        let found = format!("parameter `{name}` of type {param_ty}");
                        self.report(v.span, CheckError::TypeMismatch { expected, found, span: v.span, help: None });
                    }
                    return None;
                }
                Some(Binding::Bound(arg)) => return self.value_as(arg, ty, &Bindings::none()),
                None => {
                    if let Type::Enum(e) = ty {
                        return self.enum_value(e, name, v.span);
                    }
                    let help = if *ty == Type::Text {
                        Some(format!("text is written in quotes: `\"{name}\"`"))
                    } else {
                        suggest(name, &b.names())
                    };
                    self.report(v.span, CheckError::UnknownName { name: name.clone(), span: v.span, help });
                    return None;
                }
            }
        }
        match (ty, &v.kind) {
            (Type::Error, _) => None,
            (Type::Money, _) => self.money(v, b).map(Value::Money),
            (Type::Int, ValueKind::Number { currency: None, .. }) => self.int(v).map(Value::Int),
            (Type::Decimal, ValueKind::Number { digits, currency: None }) => {
                self.decimal(digits, v.span).map(Value::Decimal)
            }
            (Type::Percent, ValueKind::Percent(digits)) => self.percent_digits(digits, v.span).map(Value::Percent),
            (Type::Bool, ValueKind::Bool(x)) => Some(Value::Bool(*x)),
            (Type::Text, ValueKind::Text(t)) => Some(Value::Text(t.clone())),
            (Type::Time, ValueKind::DateTime(_)) => self.time(v, None, b).map(Value::Time),
            (Type::Duration, ValueKind::Duration(_)) => self.duration(v, b).map(Value::Duration),
            (Type::Set(inner), ValueKind::Set(entries)) => {
                if entries.is_empty() {
                    self.report(v.span, CheckError::EmptySet { span: v.span });
                    return None;
                }
                let mut out = Vec::new();
                let mut ok = true;
                for entry in entries {
                    if let Some(q) = &entry.quantity {
                        self.report(q.span, CheckError::QuantityNotAllowed { span: q.span });
                        ok = false;
                    }
                    match self.value_as(&entry.value, inner, b) {
                        Some(x) => out.push(x),
                        None => ok = false,
                    }
                }
                ok.then_some(Value::Set(out))
            }
            _ => {
                self.mismatch(v, ty);
                None
            }
        }
    }

    pub(super) fn enum_value(&mut self, enum_name: &str, name: &str, span: Span) -> Option<Value> {
        let info = self.schema.enums.get(enum_name)?;
        if let Some(rank) = info.values.iter().position(|x| x == name) {
            return Some(Value::Enum { enum_name: enum_name.to_owned(), value: name.to_owned(), rank });
        }
        let values: Vec<&str> = info.values.iter().map(String::as_str).collect();
        let help = suggest(name, &values);
        let values = values.join(", ");
        self.report(
            span,
            CheckError::UnknownEnumValue {
                value: name.to_owned(),
                enum_name: enum_name.to_owned(),
                span,
                values,
                help,
            },
        );
        None
    }

    fn decimal(&mut self, digits: &str, span: Span) -> Option<Decimal> {
        match Decimal::from_str(digits) {
            Ok(d) => Some(d),
            Err(_) => {
                self.report(span, CheckError::TooLarge { value: digits.to_owned(), span });
                None
            }
        }
    }

    fn int(&mut self, v: &ast::Value) -> Option<i64> {
        let ValueKind::Number { digits, .. } = &v.kind else { return None };
        let d = self.decimal(digits, v.span)?;
        if !d.fract().is_zero() {
            self.report(v.span, CheckError::NotAnInteger { value: digits.clone(), span: v.span });
            return None;
        }
        match i64::try_from(d) {
            Ok(i) if i <= 1_000_000_000_000 => Some(i),
            _ => {
                self.report(v.span, CheckError::TooLarge { value: digits.clone(), span: v.span });
                None
            }
        }
    }

    /// A whole number of at least `min`.
    pub(super) fn count(
        &mut self,
        v: &ast::Value,
        what: &'static str,
        min: u64,
        help: Option<&str>,
        b: &Bindings<'_>,
    ) -> Option<i64> {
        let Value::Int(n) = self.value_as(v, &Type::Int, b)? else { return None };
        if n < min as i64 {
            let v = b.resolve(v);
            self.report(
                v.span,
                CheckError::TooSmall { what, min, value: n.to_string(), span: v.span, help: help.map(str::to_owned) },
            );
            return None;
        }
        Some(n)
    }

    /// Money in the ruleset's currency: not negative, not finer than the minor unit.
    pub(super) fn money(&mut self, v: &ast::Value, b: &Bindings<'_>) -> Option<Money> {
        let v = b.resolve(v);
        if let ValueKind::Name(_) = v.kind {
            // INVARIANT: `value_as` handles names before it would call back into `money`.
            return match self.value_as(v, &Type::Money, b)? {
                Value::Money(m) => Some(m),
                _ => None,
            };
        }
        let ValueKind::Number { digits, currency } = &v.kind else {
            self.mismatch(v, &Type::Money);
            return None;
        };
        let Some(ruleset_currency) = self.settings.currency else {
            if !self.currency_reported {
                self.currency_reported = true;
                self.report(v.span, CheckError::MissingCurrency { span: v.span });
            }
            return None;
        };
        if let Some(code) = currency
            && code.node != ruleset_currency.code()
        {
            self.report(
                code.span,
                CheckError::CurrencyMismatch {
                    expected: ruleset_currency.code().to_owned(),
                    found: code.node.clone(),
                    span: code.span,
                },
            );
            return None;
        }
        let amount = self.decimal(digits, v.span)?;
        if amount.is_sign_negative() && !amount.is_zero() {
            self.report(v.span, CheckError::NegativeMoney { value: digits.clone(), span: v.span });
            return None;
        }
        // The runtime prices line amounts up to 10^15; larger amounts in a ruleset are mistakes.
        if amount > Decimal::from(1_000_000_000_000_000u64) {
            self.report(v.span, CheckError::TooLarge { value: digits.clone(), span: v.span });
            return None;
        }
        if !ruleset_currency.is_exact(amount) {
            self.report(
                v.span,
                CheckError::MoneyPrecision {
                    value: digits.clone(),
                    currency: ruleset_currency.code().to_owned(),
                    minor_units: ruleset_currency.minor_units(),
                    span: v.span,
                },
            );
            return None;
        }
        Some(Money::new(amount, ruleset_currency))
    }

    fn percent_digits(&mut self, digits: &str, span: Span) -> Option<Decimal> {
        let p = self.decimal(digits, span)?;
        if p <= Decimal::ZERO || p > Decimal::ONE_HUNDRED {
            self.report(span, CheckError::PercentOutOfRange { value: digits.to_owned(), span });
            return None;
        }
        Some(p)
    }

    /// A percentage or an amount of money, told apart by how it is written.
    pub(super) fn money_or_percent(&mut self, v: &ast::Value, b: &Bindings<'_>) -> Option<Value> {
        let resolved = b.resolve(v);
        match (&resolved.kind, b.param_type(v)) {
            (_, Some(Type::Error)) => None,
            (_, Some(Type::Percent)) => self.value_as(v, &Type::Percent, b),
            (_, Some(Type::Money)) => self.value_as(v, &Type::Money, b),
            (_, Some(other)) => {
                let found = format!("parameter of type {other}");
                self.report(
                    v.span,
                    CheckError::TypeMismatch {
                        expected: "money or a percentage".into(),
                        found,
                        span: v.span,
                        help: None,
                    },
                );
                None
            }
            (ValueKind::Percent(_), None) => self.value_as(resolved, &Type::Percent, &Bindings::none()),
            (ValueKind::Number { .. }, None) => self.money(resolved, &Bindings::none()).map(Value::Money),
            _ => {
                self.report(
                    resolved.span,
                    CheckError::TypeMismatch {
                        expected: "money or a percentage".into(),
                        found: describe(resolved),
                        span: resolved.span,
                        help: Some("write an amount like `40.00` or a percentage like `20%`".into()),
                    },
                );
                None
            }
        }
    }

    /// A floor: money, or a percentage of the original price.
    pub(super) fn floor_bound(&mut self, v: &ast::Value, b: &Bindings<'_>) -> Option<FloorBound> {
        match self.money_or_percent(v, b)? {
            Value::Money(m) => Some(FloorBound::Amount(m)),
            Value::Percent(p) => Some(FloorBound::Rate(p)),
            _ => None,
        }
    }

    /// Text (a SKU, a label, a code).
    pub(super) fn text(&mut self, v: &ast::Value, b: &Bindings<'_>) -> Option<String> {
        match self.value_as(v, &Type::Text, b)? {
            Value::Text(t) => Some(t),
            _ => None,
        }
    }

    /// A positive duration.
    pub(super) fn duration(&mut self, v: &ast::Value, b: &Bindings<'_>) -> Option<SignedDuration> {
        let v = b.resolve(v);
        let ValueKind::Duration(text) = &v.kind else {
            return match self.value_as(v, &Type::Duration, b)? {
                Value::Duration(d) => Some(d),
                _ => None,
            };
        };
        let mut total: i64 = 0;
        let mut number: i64 = 0;
        for c in text.chars() {
            if let Some(d) = c.to_digit(10) {
                number = number.checked_mul(10).and_then(|n| n.checked_add(i64::from(d)))?;
            } else {
                let unit = match c {
                    'd' => 86_400,
                    'h' => 3_600,
                    'm' => 60,
                    _ => 1,
                };
                let Some(t) = number.checked_mul(unit).and_then(|s| total.checked_add(s)) else {
                    self.report(v.span, CheckError::TooLarge { value: text.clone(), span: v.span });
                    return None;
                };
                total = t;
                number = 0;
            }
        }
        if total <= 0 {
            self.report(
                v.span,
                CheckError::TooSmall {
                    what: "a duration",
                    min: 1,
                    value: text.clone(),
                    span: v.span,
                    help: Some("a duration of zero has no effect; remove the clause instead".into()),
                },
            );
            return None;
        }
        Some(SignedDuration::from_secs(total))
    }

    /// An instant: a civil date and time read in `zone` (else the ruleset's zone, else UTC).
    pub(super) fn time(&mut self, v: &ast::Value, zone: Option<&TimeZone>, b: &Bindings<'_>) -> Option<Timestamp> {
        let v = b.resolve(v);
        let ValueKind::DateTime(text) = &v.kind else {
            if let ValueKind::Name(_) = v.kind {
                return match self.value_as(v, &Type::Time, b)? {
                    Value::Time(t) => Some(t),
                    _ => None,
                };
            }
            self.mismatch(v, &Type::Time);
            return None;
        };
        let civil = match parse_civil(text) {
            Ok(dt) => dt,
            Err(reason) => {
                self.report(v.span, CheckError::InvalidDateTime { value: text.clone(), reason, span: v.span });
                return None;
            }
        };
        let default_zone;
        let zone = match zone {
            Some(z) => z,
            None => {
                default_zone = self
                    .settings
                    .timezone
                    .as_deref()
                    .and_then(|name| TimeZone::get(name).ok())
                    .unwrap_or(TimeZone::UTC);
                &default_zone
            }
        };
        match civil.to_zoned(zone.clone()) {
            Ok(z) => Some(z.timestamp()),
            Err(e) => {
                self.report(
                    v.span,
                    CheckError::InvalidDateTime { value: text.clone(), reason: e.to_string(), span: v.span },
                );
                None
            }
        }
    }

    /// Looks up an IANA time zone (or a fixed offset like `+08:00`).
    pub(super) fn timezone(&mut self, name: &str, span: Span) -> Option<TimeZone> {
        if let Some(offset) = parse_offset(name) {
            return Some(TimeZone::fixed(offset));
        }
        match TimeZone::get(name) {
            Ok(tz) => Some(tz),
            Err(_) => {
                let names: Vec<String> = jiff::tz::db().available().map(|n| n.as_str().to_owned()).collect();
                let refs: Vec<&str> = names.iter().map(String::as_str).collect();
                let help = suggest(name, &refs);
                self.report(span, CheckError::UnknownTimezone { name: name.to_owned(), span, help });
                None
            }
        }
    }
}

/// `YYYY-MM-DD[ HH:MM[:SS]]` to a civil date-time, with a reason when it does not exist.
fn parse_civil(text: &str) -> Result<DateTime, String> {
    let (date, clock) = match text.split_once([' ', 'T']) {
        Some((d, c)) => (d, Some(c)),
        None => (text, None),
    };
    let mut d = date.split('-').map(|p| p.parse::<i16>().map_err(|e| e.to_string()));
    let (Some(y), Some(m), Some(day)) = (d.next(), d.next(), d.next()) else {
        return Err("expected YYYY-MM-DD".into());
    };
    let (mut h, mut mi, mut s) = (0i8, 0i8, 0i8);
    if let Some(clock) = clock {
        let mut parts = clock.split(':').map(|p| p.parse::<i8>().map_err(|e| e.to_string()));
        h = parts.next().transpose()?.unwrap_or(0);
        mi = parts.next().transpose()?.unwrap_or(0);
        s = parts.next().transpose()?.unwrap_or(0);
    }
    let (y, m, day) = (y?, m?, day?);
    let m = i8::try_from(m).map_err(|e| e.to_string())?;
    let day = i8::try_from(day).map_err(|e| e.to_string())?;
    DateTime::new(y, m, day, h, mi, s, 0).map_err(|e| e.to_string())
}

/// `+08:00` / `-05:30`.
fn parse_offset(text: &str) -> Option<Offset> {
    let sign = match text.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let (h, m) = text.get(1..)?.split_once(':')?;
    let secs = sign * (h.parse::<i32>().ok()? * 3600 + m.parse::<i32>().ok()? * 60);
    Offset::from_seconds(secs).ok()
}
