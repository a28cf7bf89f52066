//! The types of Promo values.

use std::fmt;

/// A type. `Error` is the type of anything that already failed to check: it is compatible with
/// every type, so one mistake gives one diagnostic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Type {
    /// Whole numbers: quantities, counts, priorities.
    Int,
    /// Decimal numbers without a unit.
    Decimal,
    /// Money in the ruleset's currency.
    Money,
    /// Percentages, written `20%`.
    Percent,
    /// `true` / `false`.
    Bool,
    /// Text, written `"…"`.
    Text,
    /// An instant, written `2026-06-18 10:00`.
    Time,
    /// A length of time, written `2h`, `15m`.
    Duration,
    /// A set of values.
    Set(Box<Type>),
    /// A schema enum, by name.
    Enum(String),
    /// Already reported.
    Error,
}

impl Type {
    /// The built-in type called `name` (not enums).
    pub fn builtin(name: &str) -> Option<Type> {
        Some(match name {
            "int" => Type::Int,
            "decimal" => Type::Decimal,
            "money" => Type::Money,
            "percent" => Type::Percent,
            "bool" => Type::Bool,
            "text" => Type::Text,
            "time" => Type::Time,
            "duration" => Type::Duration,
            _ => return None,
        })
    }

    /// Names of the built-in types, for suggestions.
    pub const BUILTIN_NAMES: &'static [&'static str] =
        &["int", "decimal", "money", "percent", "bool", "text", "time", "duration"];

    /// Whether a value of type `self` may stand where `expected` is needed.
    pub fn fits(&self, expected: &Type) -> bool {
        match (self, expected) {
            (Type::Error, _) | (_, Type::Error) => true,
            (Type::Set(a), Type::Set(b)) => a.fits(b),
            (a, b) => a == b,
        }
    }

    /// Whether `<`, `>` … are defined (given the enum's orderedness, checked by the caller).
    pub fn is_numeric_or_time(&self) -> bool {
        matches!(self, Type::Int | Type::Decimal | Type::Money | Type::Percent | Type::Time | Type::Duration)
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Int => f.write_str("int"),
            Type::Decimal => f.write_str("decimal"),
            Type::Money => f.write_str("money"),
            Type::Percent => f.write_str("percent"),
            Type::Bool => f.write_str("bool"),
            Type::Text => f.write_str("text"),
            Type::Time => f.write_str("time"),
            Type::Duration => f.write_str("duration"),
            Type::Set(t) => write!(f, "set<{t}>"),
            Type::Enum(name) => write!(f, "`{name}`"),
            Type::Error => f.write_str("an invalid value"),
        }
    }
}
