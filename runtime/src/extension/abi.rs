//! The extension ABI, version 1 (spec/extensions.md §ABI): every Promo value an `extern` function
//! takes or returns is one WebAssembly number.
//!
//! | Promo type                   | WebAssembly | meaning                                      |
//! |------------------------------|-------------|----------------------------------------------|
//! | `int`                        | `i64`       | the number                                   |
//! | `decimal`, `money`, `percent`| `i64`       | fixed point: the value × 10 000              |
//! | `bool`                       | `i32`       | 0 false, 1 true (a result of anything else is malformed) |
//! | an enum                      | `i32`       | the value's position, from 0 (its rank)      |
//! | `time`                       | `i64`       | Unix seconds                                 |
//! | `duration`                   | `i64`       | seconds                                      |

use rust_decimal::Decimal;
use wasmtime::{Val, ValType};

use crate::bind::Bound;
use crate::ir::{Value, ValueType};

/// Decimal places carried by the fixed-point encoding of decimals, money and percentages.
pub const FIXED_SCALE: u32 = 4;

/// One argument or result as WebAssembly sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Raw {
    /// An `i32`.
    I32(i32),
    /// An `i64`.
    I64(i64),
}

impl Raw {
    /// As a wasmtime value.
    pub fn val(self) -> Val {
        match self {
            Raw::I32(v) => Val::I32(v),
            Raw::I64(v) => Val::I64(v),
        }
    }
}

/// The WebAssembly type of a Promo type, if the ABI passes it.
pub fn wasm_type(ty: &ValueType) -> Option<ValType> {
    match ty {
        ValueType::Int
        | ValueType::Decimal
        | ValueType::Money
        | ValueType::Percent
        | ValueType::Time
        | ValueType::Duration => Some(ValType::I64),
        ValueType::Bool | ValueType::Enum(_) => Some(ValType::I32),
        ValueType::Text | ValueType::Set(_) => None,
    }
}

fn fixed(d: Decimal) -> Result<Raw, String> {
    let scaled =
        d.checked_mul(Decimal::from(10_i64.pow(FIXED_SCALE))).ok_or_else(|| format!("{d} is too large to pass"))?;
    if !scaled.fract().is_zero() {
        return Err(format!("{d} has more than {FIXED_SCALE} decimals"));
    }
    i64::try_from(scaled).map(Raw::I64).map_err(|_| format!("{d} is too large to pass"))
}

/// Encodes an attribute's value as a parameter of type `ty`.
pub fn encode(bound: &Bound, ty: &ValueType) -> Result<Raw, String> {
    match (ty, bound) {
        (ValueType::Int | ValueType::Time | ValueType::Duration, Bound::Int(v)) => Ok(Raw::I64(*v)),
        (ValueType::Decimal | ValueType::Money | ValueType::Percent, Bound::Decimal(d)) => fixed(*d),
        (ValueType::Decimal | ValueType::Money | ValueType::Percent, Bound::Int(v)) => fixed(Decimal::from(*v)),
        (ValueType::Bool, Bound::Bool(b)) => Ok(Raw::I32(i32::from(*b))),
        (ValueType::Enum(_), Bound::Enum(rank)) => {
            i32::try_from(*rank).map(Raw::I32).map_err(|_| "enum rank out of range".to_owned())
        }
        (ty, _) => Err(format!("the argument is not a {ty:?} value")),
    }
}

/// Encodes a constant argument as a parameter of type `ty`.
pub fn encode_value(value: &Value, ty: &ValueType) -> Result<Raw, String> {
    let bound = match value {
        Value::Int(v) | Value::Time(v) | Value::Duration(v) => Bound::Int(*v),
        Value::Decimal(d) | Value::Money(d) | Value::Percent(d) => Bound::Decimal(*d),
        Value::Bool(b) => Bound::Bool(*b),
        Value::Enum(r) => Bound::Enum(*r),
        Value::Text(_) | Value::Set(_) => return Err("text and sets are not passed to extensions".to_owned()),
    };
    encode(&bound, ty)
}

/// Decodes a result of type `ty`; `enum_size` is the number of values of an enum result.
pub fn decode(val: &Val, ty: &ValueType, enum_size: usize) -> Result<Bound, String> {
    match (ty, val) {
        (ValueType::Int | ValueType::Time | ValueType::Duration, Val::I64(v)) => Ok(Bound::Int(*v)),
        (ValueType::Decimal | ValueType::Money | ValueType::Percent, Val::I64(v)) => {
            Ok(Bound::Decimal(Decimal::new(*v, FIXED_SCALE)))
        }
        (ValueType::Bool, Val::I32(0)) => Ok(Bound::Bool(false)),
        (ValueType::Bool, Val::I32(1)) => Ok(Bound::Bool(true)),
        (ValueType::Bool, Val::I32(v)) => Err(format!("{v} is not a bool (0 or 1)")),
        (ValueType::Enum(_), Val::I32(v)) => match usize::try_from(*v) {
            Ok(rank) if rank < enum_size => Ok(Bound::Enum(*v as u32)),
            _ => Err(format!("{v} is not the position of one of the enum's {enum_size} values")),
        },
        (_, other) => {
            let found = match other {
                Val::I32(_) => "an i32",
                Val::I64(_) => "an i64",
                Val::F32(_) => "an f32",
                Val::F64(_) => "an f64",
                _ => "a reference or vector",
            };
            let expected = if matches!(wasm_type(ty), Some(ValType::I32)) { "an i32" } else { "an i64" };
            Err(format!("expected {expected}, found {found}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_fixed_point_with_four_decimals() {
        assert_eq!(encode(&Bound::Decimal(Decimal::new(1234, 2)), &ValueType::Money), Ok(Raw::I64(123_400)));
        assert!(encode(&Bound::Decimal(Decimal::new(1, 5)), &ValueType::Decimal).is_err());
        assert_eq!(decode(&Val::I64(123_400), &ValueType::Money, 0), Ok(Bound::Decimal(Decimal::new(1234, 2))));
    }

    #[test]
    fn a_bool_result_must_be_zero_or_one() {
        assert_eq!(decode(&Val::I32(1), &ValueType::Bool, 0), Ok(Bound::Bool(true)));
        assert!(decode(&Val::I32(7), &ValueType::Bool, 0).is_err());
        assert!(decode(&Val::I32(3), &ValueType::Enum(0), 3).is_err());
        assert_eq!(decode(&Val::I32(2), &ValueType::Enum(0), 3), Ok(Bound::Enum(2)));
    }
}
