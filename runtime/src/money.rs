//! Money: an amount of one currency, always a [`Decimal`], never a float.
//!
//! Every currency has a *minor unit* (cents for USD, none for JPY). Amounts written in a ruleset
//! may not be more precise than the minor unit; amounts computed by the engine are rounded to it
//! with the ruleset's [`Rounding`] rule.

use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

/// `d × 10^scale` as an integer, if that is exact and fits: an amount in minor units when
/// `scale` is the currency's.
#[inline]
pub(crate) fn scaled(d: Decimal, scale: u32) -> Option<i128> {
    let up = scale.checked_sub(d.scale())?;
    let mantissa = d.mantissa();
    // A mantissa within 64 bits times at most 10^18 cannot overflow 128 bits: no checks needed.
    match (i64::try_from(mantissa), POWERS_OF_TEN.get(up as usize)) {
        (Ok(m), Some(&p)) => Some(i128::from(m) * i128::from(p)),
        _ => mantissa.checked_mul(10i128.checked_pow(up)?),
    }
}

/// 10^`n`, if it fits an `i128`: read from a table up to 10^18.
pub(crate) fn power_of_ten(n: u32) -> Option<i128> {
    match POWERS_OF_TEN.get(n as usize) {
        Some(&p) => Some(i128::from(p)),
        None => 10i128.checked_pow(n),
    }
}

/// An integer amount in minor units, for a computation generic over its width: `i64` where every
/// value it reaches fits one (one machine instruction per operation), `i128` otherwise. The
/// per-unit kinds try 64 bits and fall back to 128; the search checks first which one it needs.
pub(crate) trait Minor:
    Copy
    + Ord
    + Default
    + fmt::Debug
    + std::ops::Add<Output = Self>
    + std::ops::Sub<Output = Self>
    + Into<i128>
    + TryFrom<i128>
{
    /// `self × other`, if it fits.
    fn checked_mul(self, other: Self) -> Option<Self>;
    /// `self − other`, if it fits.
    fn checked_sub(self, other: Self) -> Option<Self>;
    /// `x`, or the nearest value that fits.
    fn saturating_from(x: i128) -> Self;
    /// `self / den` rounded to a whole number by `rounding` ([`Rounding::divide`]), in `Self`:
    /// `None` when `den` is 0 or the quotient does not fit.
    fn divide(self, den: Self, rounding: Rounding) -> Option<Self>;
}

impl Minor for i64 {
    fn checked_mul(self, other: i64) -> Option<i64> {
        i64::checked_mul(self, other)
    }
    fn checked_sub(self, other: i64) -> Option<i64> {
        i64::checked_sub(self, other)
    }
    fn saturating_from(x: i128) -> i64 {
        i64::try_from(x).unwrap_or(if x < 0 { i64::MIN } else { i64::MAX })
    }
    #[inline]
    fn divide(self, den: i64, rounding: Rounding) -> Option<i64> {
        let (q, r) = (self.checked_div(den)?, self.checked_rem(den)?);
        // INVARIANT: r ≠ 0 only where |den| ≥ 2, so |q| < 2^62 and q ± 1 fits; |r| < |den| ≤
        // 2^63, so twice |r| fits a `u64`.
        Some(rounding.rounded(q, r != 0, (self < 0) == (den < 0), (r.unsigned_abs() * 2).cmp(&den.unsigned_abs())))
    }
}

impl Minor for i128 {
    fn checked_mul(self, other: i128) -> Option<i128> {
        i128::checked_mul(self, other)
    }
    fn checked_sub(self, other: i128) -> Option<i128> {
        i128::checked_sub(self, other)
    }
    fn saturating_from(x: i128) -> i128 {
        x
    }
    #[inline]
    fn divide(self, den: i128, rounding: Rounding) -> Option<i128> {
        // Amounts in minor units nearly always fit 64 bits, whose division is one instruction.
        if let (Ok(num), Ok(d)) = (i64::try_from(self), i64::try_from(den))
            && let Some(q) = num.divide(d, rounding)
        {
            return Some(i128::from(q));
        }
        let (q, r) = (self.checked_div(den)?, self.checked_rem(den)?);
        // INVARIANT: |r| < |den| ≤ 2^127, so twice |r| fits in 128 bits; r ≠ 0 only where
        // |den| ≥ 2, so q ± 1 fits.
        Some(rounding.rounded(q, r != 0, (self < 0) == (den < 0), (r.unsigned_abs() * 2).cmp(&den.unsigned_abs())))
    }
}

/// 10^0 to 10^18.
const POWERS_OF_TEN: [i64; 19] = [
    1,
    10,
    100,
    1_000,
    10_000,
    100_000,
    1_000_000,
    10_000_000,
    100_000_000,
    1_000_000_000,
    10_000_000_000,
    100_000_000_000,
    1_000_000_000_000,
    10_000_000_000_000,
    100_000_000_000_000,
    1_000_000_000_000_000,
    10_000_000_000_000_000,
    100_000_000_000_000_000,
    1_000_000_000_000_000_000,
];

/// An amount shown with exactly `.1` decimals (`0` → `0.00` for cents), as every amount in an
/// outcome is: byte for byte what [`Decimal`]'s own `Display` writes after a `rescale`, without
/// its general-purpose conversion (the outcome shows hundreds of amounts per cart).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fixed(pub Decimal, pub u32);

impl Fixed {
    /// The amount as text, written on the stack: for texts built by concatenation, without the
    /// formatting machinery.
    pub fn text(self) -> FixedText {
        let Fixed(d, decimals) = self;
        let fast = scaled(d, decimals).map(i128::unsigned_abs).and_then(|m| u64::try_from(m).ok());
        let (Some(m), Some(&unit)) = (fast, POWERS_OF_TEN.get(decimals as usize)) else {
            // Too large for the fast path, or finer than shown: the decimal's own rescale.
            let mut shown = d;
            shown.rescale(decimals);
            return FixedText { bytes: [0; FIXED_TEXT], start: FIXED_TEXT, slow: Some(shown.to_string()) };
        };
        // Written from the end: exactly `decimals` digits, the point, the whole units (at least
        // one digit), a sign. At most 18 + 1 + 20 + 1 bytes.
        let mut bytes = [b'0'; FIXED_TEXT];
        let mut at = bytes.len();
        let mut put = |byte: u8| {
            at -= 1;
            if let Some(slot) = bytes.get_mut(at) {
                *slot = byte;
            }
        };
        // INVARIANT: `unit` is 10^decimals, at least 1.
        let unit = unit.unsigned_abs();
        let (mut whole, mut fraction) = (m / unit, m % unit);
        for _ in 0..decimals {
            put(b'0' + (fraction % 10) as u8);
            fraction /= 10;
        }
        if decimals > 0 {
            put(b'.');
        }
        loop {
            put(b'0' + (whole % 10) as u8);
            whole /= 10;
            if whole == 0 {
                break;
            }
        }
        if d.is_sign_negative() {
            put(b'-');
        }
        FixedText { bytes, start: at, slow: None }
    }
}

/// Room for a [`Fixed`] amount written on the stack: up to 18 decimals, the point, the 20 digits
/// of a `u64` and a sign.
const FIXED_TEXT: usize = 40;

/// A [`Fixed`] amount's text.
pub(crate) struct FixedText {
    bytes: [u8; FIXED_TEXT],
    start: usize,
    /// The text, when it was not written on the stack.
    slow: Option<String>,
}

impl FixedText {
    /// The text.
    pub fn as_str(&self) -> &str {
        match &self.slow {
            Some(text) => text,
            // INVARIANT: `bytes[start..]` holds ASCII digits, a point and a sign only.
            None => std::str::from_utf8(self.bytes.get(self.start..).unwrap_or(&[])).unwrap_or(""),
        }
    }
}

impl fmt::Display for Fixed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.text().as_str())
    }
}

/// An ISO 4217 currency that Promo knows the minor unit of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Currency {
    code: [u8; 3],
    minor_units: u8,
}

/// Currencies and their minor units (ISO 4217). Codes not listed are rejected with a clear error
/// rather than guessed at.
const CURRENCIES: &[(&str, u8)] = &[
    ("AED", 2),
    ("AUD", 2),
    ("BHD", 3),
    ("BRL", 2),
    ("CAD", 2),
    ("CHF", 2),
    ("CLP", 0),
    ("CNY", 2),
    ("CZK", 2),
    ("DKK", 2),
    ("EUR", 2),
    ("FJD", 2),
    ("GBP", 2),
    ("HKD", 2),
    ("HUF", 2),
    ("IDR", 2),
    ("ILS", 2),
    ("INR", 2),
    ("ISK", 0),
    ("JOD", 3),
    ("JPY", 0),
    ("KRW", 0),
    ("KWD", 3),
    ("MXN", 2),
    ("MYR", 2),
    ("NOK", 2),
    ("NZD", 2),
    ("OMR", 3),
    ("PHP", 2),
    ("PLN", 2),
    ("RUB", 2),
    ("SAR", 2),
    ("SEK", 2),
    ("SGD", 2),
    ("THB", 2),
    ("TRY", 2),
    ("TWD", 2),
    ("UAH", 2),
    ("USD", 2),
    ("VND", 0),
    ("ZAR", 2),
];

impl Currency {
    /// Looks a currency up by its three-letter ISO code (upper case).
    pub fn from_code(code: &str) -> Option<Currency> {
        CURRENCIES.iter().find(|(c, _)| *c == code).and_then(|&(c, minor_units)| {
            let bytes: [u8; 3] = c.as_bytes().try_into().ok()?;
            Some(Currency { code: bytes, minor_units })
        })
    }

    /// Every currency Promo knows, by code.
    pub fn known_codes() -> impl Iterator<Item = &'static str> {
        CURRENCIES.iter().map(|(c, _)| *c)
    }

    /// The three-letter code, e.g. `USD`.
    pub fn code(&self) -> &str {
        // INVARIANT: `code` is always copied from the ASCII table above.
        std::str::from_utf8(&self.code).unwrap_or("???")
    }

    /// How many decimal places the currency's minor unit has (2 for USD, 0 for JPY).
    pub fn minor_units(&self) -> u32 {
        u32::from(self.minor_units)
    }

    /// Whether `amount` can be paid exactly in this currency (no digits below the minor unit).
    pub fn is_exact(&self, amount: Decimal) -> bool {
        amount.normalize().scale() <= self.minor_units()
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// How computed amounts are brought to a currency's minor unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rounding {
    /// Round half away from zero (0.125 → 0.13). What shoppers expect on a receipt.
    #[default]
    HalfUp,
    /// Banker's rounding: half to the even digit (0.125 → 0.12).
    HalfEven,
    /// Towards zero: never give away a fraction of a cent.
    Down,
    /// Away from zero.
    Up,
}

impl Rounding {
    fn strategy(self) -> RoundingStrategy {
        match self {
            Rounding::HalfUp => RoundingStrategy::MidpointAwayFromZero,
            Rounding::HalfEven => RoundingStrategy::MidpointNearestEven,
            Rounding::Down => RoundingStrategy::ToZero,
            Rounding::Up => RoundingStrategy::AwayFromZero,
        }
    }

    /// `num / den` rounded to a whole number by this rule, exactly: the quotient and remainder
    /// decide, with no intermediate rounding. `None` when `den` is 0.
    #[inline]
    pub(crate) fn divide(self, num: i128, den: i128) -> Option<i128> {
        Minor::divide(num, den, self)
    }

    /// The quotient `q` (truncated towards zero) rounded by this rule, given whether the division
    /// left a remainder, whether the exact quotient is positive, and how twice the remainder
    /// compares with the divisor (both as magnitudes).
    #[inline]
    fn rounded<T: Minor + std::ops::Rem<Output = T> + From<i8>>(
        self,
        q: T,
        inexact: bool,
        positive: bool,
        twice_remainder: std::cmp::Ordering,
    ) -> T {
        if !inexact {
            return q;
        }
        // The next whole number away from zero.
        let away = if positive { q + T::from(1) } else { q - T::from(1) };
        match self {
            Rounding::Down => q,
            Rounding::Up => away,
            Rounding::HalfUp if twice_remainder.is_ge() => away,
            Rounding::HalfEven
                if twice_remainder.is_gt() || twice_remainder.is_eq() && q % T::from(2) != T::from(0) =>
            {
                away
            }
            Rounding::HalfUp | Rounding::HalfEven => q,
        }
    }

    /// The keyword that names this rule in a ruleset's `settings`.
    pub fn keyword(self) -> &'static str {
        match self {
            Rounding::HalfUp => "half_up",
            Rounding::HalfEven => "half_even",
            Rounding::Down => "down",
            Rounding::Up => "up",
        }
    }
}

impl FromStr for Rounding {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        match s {
            "half_up" => Ok(Rounding::HalfUp),
            "half_even" => Ok(Rounding::HalfEven),
            "down" => Ok(Rounding::Down),
            "up" => Ok(Rounding::Up),
            _ => Err(()),
        }
    }
}

/// Why a money operation could not be carried out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// The two amounts are in different currencies.
    #[error("cannot combine {left} with {right}")]
    CurrencyMismatch {
        /// currency of the left operand
        left: Currency,
        /// currency of the right operand
        right: Currency,
    },
    /// The result does not fit in a decimal.
    #[error("amount overflow")]
    Overflow,
}

/// An amount of one currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    amount: Decimal,
    currency: Currency,
}

impl Money {
    /// An amount in `currency`, taken as written.
    pub fn new(amount: Decimal, currency: Currency) -> Money {
        Money { amount, currency }
    }

    /// Zero in `currency`.
    pub fn zero(currency: Currency) -> Money {
        Money { amount: Decimal::ZERO, currency }
    }

    /// The amount.
    pub fn amount(&self) -> Decimal {
        self.amount
    }

    /// The currency.
    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// The amount rounded to the currency's minor unit with `rounding`.
    pub fn rounded(&self, rounding: Rounding) -> Money {
        let amount = self.amount.round_dp_with_strategy(self.currency.minor_units(), rounding.strategy());
        Money { amount, currency: self.currency }
    }

    /// `self + other`; an error for different currencies or on overflow.
    pub fn checked_add(&self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        let amount = self.amount.checked_add(other.amount).ok_or(MoneyError::Overflow)?;
        Ok(Money { amount, currency: self.currency })
    }

    /// `self - other`; an error for different currencies or on overflow.
    pub fn checked_sub(&self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        let amount = self.amount.checked_sub(other.amount).ok_or(MoneyError::Overflow)?;
        Ok(Money { amount, currency: self.currency })
    }

    /// `self × factor`, unrounded; an error on overflow.
    pub fn checked_mul(&self, factor: Decimal) -> Result<Money, MoneyError> {
        let amount = self.amount.checked_mul(factor).ok_or(MoneyError::Overflow)?;
        Ok(Money { amount, currency: self.currency })
    }

    fn same_currency(&self, other: Money) -> Result<(), MoneyError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(MoneyError::CurrencyMismatch { left: self.currency, right: other.currency })
        }
    }
}

impl fmt::Display for Money {
    /// Formats with exactly the currency's minor unit of decimals: `399.00 USD`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut shown = self.amount;
        shown.rescale(self.currency.minor_units());
        write!(f, "{} {}", shown, self.currency)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    fn usd() -> Currency {
        Currency::from_code("USD").unwrap_or_else(|| unreachable!())
    }

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap_or_default()
    }

    fn rescaled(d: Decimal, decimals: u32) -> String {
        let mut shown = d;
        shown.rescale(decimals);
        shown.to_string()
    }

    #[test]
    fn a_power_of_ten_is_read_from_the_table_or_worked_out() {
        // From the table, at both ends, and past it.
        assert_eq!(power_of_ten(0), Some(1));
        assert_eq!(power_of_ten(2), Some(100));
        assert_eq!(power_of_ten(18), Some(1_000_000_000_000_000_000));
        assert_eq!(power_of_ten(19), Some(10_000_000_000_000_000_000));
        // The largest that fits 128 bits, and the first that does not.
        assert_eq!(power_of_ten(38), 10i128.checked_pow(38));
        assert_eq!(power_of_ten(39), None);
    }

    #[test]
    fn fixed_shows_what_a_rescaled_decimal_shows() {
        for (text, decimals) in [
            ("0", 2),
            ("0.05", 2),
            ("5", 2),
            ("123.45", 2),
            ("-0.50", 2),
            ("-7", 0),
            ("1000000", 3),
            ("18446744073709551616", 2),
            ("0.125", 2),
            ("99999999999999999.99", 2),
            ("12.3", 18),
            ("-1.5", 19),
            ("7", 1),
        ] {
            let d = dec(text);
            assert_eq!(Fixed(d, decimals).to_string(), rescaled(d, decimals), "{text} at {decimals}");
        }
    }

    #[test]
    fn divide_rounds_the_exact_quotient() {
        use Rounding::*;
        // (num, den, half up, half even, down, up)
        for (num, den, half_up, half_even, down, up) in [
            (5, 3, 2, 2, 1, 2),
            (-5, 3, -2, -2, -1, -2),
            (4, 3, 1, 1, 1, 2),
            (3, 2, 2, 2, 1, 2),
            (5, 2, 3, 2, 2, 3),
            (-5, 2, -3, -2, -2, -3),
            (7, -2, -4, -4, -3, -4),
            (6, 3, 2, 2, 2, 2),
            (0, 7, 0, 0, 0, 0),
        ] {
            let got = [HalfUp, HalfEven, Down, Up].map(|r| r.divide(num, den));
            assert_eq!(got, [half_up, half_even, down, up].map(Some), "{num} / {den}");
            // The same in 64 bits, as the per-unit kinds divide.
            let narrow = [HalfUp, HalfEven, Down, Up].map(|r| Minor::divide(num as i64, den as i64, r).map(i128::from));
            assert_eq!(narrow, [half_up, half_even, down, up].map(Some), "{num} / {den} in 64 bits");
        }
        assert_eq!(HalfUp.divide(1, 0), None);
        assert_eq!(Minor::divide(1i64, 0, HalfUp), None);
        // The one 64-bit quotient that overflows is no quotient in 64 bits.
        assert_eq!(Minor::divide(i64::MIN, -1, Down), None);
        // Past 64 bits, and the one 64-bit quotient that overflows, divide in 128.
        assert_eq!(Down.divide(i128::from(i64::MIN), -1), Some(-i128::from(i64::MIN)));
        assert_eq!(HalfUp.divide(10i128.pow(30) + 5, 10), Some(10i128.pow(29) + 1));
    }

    proptest::proptest! {
        #[test]
        fn divide_agrees_with_decimal_rounding(num in proptest::num::i64::ANY, scale in 0u32..6, rule in 0usize..4) {
            // A quotient by a power of ten is an exact decimal: both must round it alike.
            let rounding = [Rounding::HalfUp, Rounding::HalfEven, Rounding::Down, Rounding::Up][rule];
            let exact = Decimal::new(num, scale).round_dp_with_strategy(0, rounding.strategy());
            let den = 10i128.pow(scale);
            proptest::prop_assert_eq!(rounding.divide(i128::from(num), den), Some(exact.mantissa()));
        }

        #[test]
        fn fixed_agrees_with_rescale(mantissa in proptest::num::i64::ANY, scale in 0u32..6, decimals in 0u32..5) {
            let d = Decimal::new(mantissa, scale);
            proptest::prop_assert_eq!(Fixed(d, decimals).to_string(), rescaled(d, decimals));
        }
    }

    #[test]
    fn minor_units_come_from_the_table() {
        assert_eq!(usd().minor_units(), 2);
        assert_eq!(Currency::from_code("JPY").map(|c| c.minor_units()), Some(0));
        assert_eq!(Currency::from_code("KWD").map(|c| c.minor_units()), Some(3));
        assert_eq!(Currency::from_code("XXX"), None);
    }

    #[test]
    fn exactness_is_judged_on_the_normalised_amount() {
        assert!(usd().is_exact(dec("399.00")));
        assert!(usd().is_exact(dec("399.100")));
        assert!(!usd().is_exact(dec("399.001")));
    }

    #[test]
    fn rounding_rules_differ_on_the_half() {
        let m = Money::new(dec("0.125"), usd());
        assert_eq!(m.rounded(Rounding::HalfUp).amount(), dec("0.13"));
        assert_eq!(m.rounded(Rounding::HalfEven).amount(), dec("0.12"));
        assert_eq!(m.rounded(Rounding::Down).amount(), dec("0.12"));
        assert_eq!(Money::new(dec("0.121"), usd()).rounded(Rounding::Up).amount(), dec("0.13"));
    }

    #[test]
    fn mixing_currencies_is_an_error_not_a_sum() {
        let eur = Currency::from_code("EUR").unwrap_or_else(|| unreachable!());
        let sum = Money::new(dec("1"), usd()).checked_add(Money::new(dec("1"), eur));
        assert!(matches!(sum, Err(MoneyError::CurrencyMismatch { .. })));
    }

    #[test]
    fn overflow_is_an_error_not_a_wrap() {
        let big = Money::new(Decimal::MAX, usd());
        assert_eq!(big.checked_add(Money::new(dec("1"), usd())), Err(MoneyError::Overflow));
    }

    #[test]
    fn display_shows_the_minor_unit() {
        assert_eq!(Money::new(dec("399"), usd()).to_string(), "399.00 USD");
    }
}
