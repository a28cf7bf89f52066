//! Money and time as pages show them.

use rust_decimal::Decimal;

/// `22795.9` in `USD` → `22,795.90 USD`: the currency's minor unit, thousands grouped.
pub fn money(amount: Decimal, currency: &str, minor_units: u32) -> String {
    let fixed = amount.round_dp(minor_units);
    let text = format!("{:.*}", minor_units as usize, fixed.abs());
    let (whole, fraction) = text.split_once('.').map_or((text.as_str(), None), |(w, f)| (w, Some(f)));
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if fixed.is_sign_negative() && !fixed.is_zero() { "−" } else { "" };
    match fraction {
        Some(f) => format!("{sign}{grouped}.{f} {currency}"),
        None => format!("{sign}{grouped} {currency}"),
    }
}

/// Seconds left as the countdown shows them: `2d 03:04:05`, `03:04:05`.
pub fn countdown(seconds: i64) -> String {
    let s = seconds.max(0);
    let (days, rest) = (s / 86_400, s % 86_400);
    let clock = format!("{:02}:{:02}:{:02}", rest / 3600, rest % 3600 / 60, rest % 60);
    if days > 0 { format!("{days}d {clock}") } else { clock }
}

/// Unix seconds as an ISO 8601 instant (UTC).
pub fn instant(seconds: i64) -> String {
    jiff::Timestamp::from_second(seconds).map(|t| t.to_string()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use rust_decimal::Decimal;

    use super::{countdown, money};

    #[test]
    fn money_is_grouped_to_the_minor_unit() {
        assert_eq!(money(Decimal::new(227959, 1), "USD", 2), "22,795.90 USD");
        assert_eq!(money(Decimal::new(5, 0), "JPY", 0), "5 JPY");
        assert_eq!(money(Decimal::new(-1000050, 2), "USD", 2), "−10,000.50 USD");
        assert_eq!(money(Decimal::new(999, 0), "USD", 2), "999.00 USD");
    }

    #[test]
    fn countdowns_show_days_then_the_clock() {
        assert_eq!(countdown(2 * 86_400 + 3 * 3600 + 4 * 60 + 5), "2d 03:04:05");
        assert_eq!(countdown(59), "00:00:59");
        assert_eq!(countdown(-5), "00:00:00");
    }
}
