//! What the outcome says in words — why a candidate promotion did or did not apply to a line, and
//! the trace's steps — kept as data while a cart is priced (a large cart has thousands of
//! candidates) and put into words only when shown or serialised.

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use smol_str::SmolStr;

pub use super::kinds::Note;
use crate::money::Fixed;

/// Why a candidate applied to a line, or did not. It is shown (`Display`) and serialised as its
/// words, e.g. `"12.50 off this line"`; a reason read back from a stored outcome is those words
/// ([`Reason::Words`]). Two reasons are equal when their words are.
#[derive(Debug, Clone)]
pub enum Reason {
    /// Its discount on the line, in the currency's minor unit: "12.50 off this line".
    Off(Decimal),
    /// It gives the line no discount but the line earns a gift.
    EarnsGift,
    /// It gives the line no discount but the line unlocks an add-on.
    UnlocksAddon,
    /// It gives the line nothing, and says why in the kind's words.
    Short(Note),
    /// It gives the line nothing.
    GivesNothing,
    /// It is not available: out of its stock or budget, the customer not eligible, an extension
    /// call failed (the words say which).
    Unavailable(SmolStr),
    /// It is not available yet: its window starts at `starts` (Unix seconds), "not started:
    /// starts at 2026-06-18T02:00:00Z".
    NotStarted {
        /// When its window starts.
        starts: i64,
    },
    /// It is not available any more: its window ended at `ended` (Unix seconds), "ended at
    /// 2026-06-18T04:00:00Z".
    Ended {
        /// When its window ended.
        ended: i64,
    },
    /// It needs a coupon the cart does not give: "needs the coupon `SAVE10`".
    NeedsCoupon(SmolStr),
    /// The named promotion withdraws other promotions on this line's products.
    WithdrawnBy(SmolStr),
    /// It conflicts with the named chosen promotion, which the customer chose or which saves the
    /// customer more.
    ConflictsWith {
        /// The chosen promotion.
        promotion: SmolStr,
        /// Whether the customer chose it.
        customer_chose: bool,
    },
    /// It could apply, but the customer saves `without` without it and only `with` with it
    /// (progressive thresholds, clamping), both in the currency's minor unit.
    LeftOut {
        /// The cart's discount without it.
        without: Decimal,
        /// The cart's discount with it.
        with: Decimal,
    },
    /// Words read back from a stored outcome.
    Words(SmolStr),
}

/// An instant in Unix seconds as the outcome writes it: RFC 3339 in UTC, or the number of
/// seconds when it is beyond the range of dates.
struct Instant(i64);

impl fmt::Display for Instant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match jiff::Timestamp::from_second(self.0) {
            Ok(t) => fmt::Display::fmt(&t, f),
            Err(_) => write!(f, "{}", self.0),
        }
    }
}

/// `d` as the outcome writes it: with the decimals it has (amounts here are in the minor unit).
fn amount(d: Decimal) -> impl fmt::Display {
    Fixed(d, d.scale())
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Off(d) => write!(f, "{} off this line", amount(*d)),
            Reason::EarnsGift => f.write_str("earns a gift"),
            Reason::UnlocksAddon => f.write_str("unlocks an add-on"),
            Reason::Short(note) => f.write_str(&note.words()),
            Reason::GivesNothing => f.write_str("gives this line nothing"),
            Reason::Unavailable(why) | Reason::Words(why) => f.write_str(why),
            Reason::NotStarted { starts } => write!(f, "not started: starts at {}", Instant(*starts)),
            Reason::Ended { ended } => write!(f, "ended at {}", Instant(*ended)),
            Reason::NeedsCoupon(code) => write!(f, "needs the coupon `{code}`"),
            Reason::WithdrawnBy(by) => {
                write!(f, "withdrawn by `{by}`, which withdraws other promotions on its products")
            }
            Reason::ConflictsWith { promotion, customer_chose } => {
                let why = if *customer_chose { "which the customer chose" } else { "which saves the customer more" };
                write!(f, "conflicts with `{promotion}`, {why}")
            }
            Reason::LeftOut { without, with } => {
                write!(f, "left out: the customer saves {} without it and {} with it", amount(*without), amount(*with))
            }
        }
    }
}

/// Whether `shown`, written out, is `words`: compared as it is written, without building it.
fn says(shown: &dyn fmt::Display, words: &str) -> bool {
    /// Takes what is written off the front of `rest`, failing at the first difference.
    struct Match<'w> {
        rest: &'w str,
    }
    impl fmt::Write for Match<'_> {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            self.rest = self.rest.strip_prefix(s).ok_or(fmt::Error)?;
            Ok(())
        }
    }
    let mut m = Match { rest: words };
    fmt::write(&mut m, format_args!("{shown}")).is_ok() && m.rest.is_empty()
}

/// What a type kept as data and shown in words shares: it is serialised as its words, read back
/// as its `Words` variant, and equal to another (or to a text) when their words are.
macro_rules! said_in_words {
    ($type:ident) => {
        impl $type {
            /// Whether these are its words, compared as they are written, without building them.
            pub fn says(&self, words: &str) -> bool {
                says(self, words)
            }
        }

        impl PartialEq for $type {
            fn eq(&self, other: &$type) -> bool {
                self.says(&other.to_string())
            }
        }

        impl Eq for $type {}

        impl PartialEq<str> for $type {
            fn eq(&self, other: &str) -> bool {
                self.says(other)
            }
        }

        impl PartialEq<&str> for $type {
            fn eq(&self, other: &&str) -> bool {
                self.says(other)
            }
        }

        impl Serialize for $type {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $type {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<$type, D::Error> {
                Deserialize::deserialize(deserializer).map($type::Words)
            }
        }
    };
}

said_in_words!(Reason);
said_in_words!(Step);

/// A step of the trace, the outcome's readable account. It is shown and serialised as its words,
/// e.g. "`Shoes 10%` (item): −12.00"; a step read back from a stored outcome is those words
/// ([`Step::Words`]). Two steps are equal when their words are.
#[derive(Debug, Clone)]
pub enum Step {
    /// A chosen promotion's discount, in the currency's minor unit: "`Shoes 10%` (item): −12.00".
    Discount {
        /// The promotion.
        promotion: SmolStr,
        /// Its stage: `item`, `store`, `platform` or `coupon`.
        stage: SmolStr,
        /// Its whole discount.
        amount: Decimal,
    },
    /// A gift earned: "`Mug with tea` : gift 1 × MUG worth 5.00".
    Gift {
        /// The promotion.
        promotion: SmolStr,
        /// Units.
        quantity: i64,
        /// The gift's SKU.
        sku: SmolStr,
        /// Value per unit, in the currency's minor unit.
        worth: Decimal,
    },
    /// Any other step (an extension that failed, a better choice than the customer's, a search
    /// stopped by its budget), in words; and every step read back from a stored outcome.
    Words(String),
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Discount { promotion, stage, amount: a } => write!(f, "`{promotion}` ({stage}): −{}", amount(*a)),
            Step::Gift { promotion, quantity, sku, worth } => {
                write!(f, "`{promotion}`: gift {quantity} × {sku} worth {}", amount(*worth))
            }
            Step::Words(words) => f.write_str(words),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reason_is_written_in_the_words_the_outcome_always_had() {
        let cases = [
            (Reason::Off(Decimal::new(1250, 2)), "12.50 off this line"),
            (Reason::Off(Decimal::new(-5, 0)), "-5 off this line"),
            (Reason::EarnsGift, "earns a gift"),
            (Reason::UnlocksAddon, "unlocks an add-on"),
            (Reason::Short(Note::Units { have: 1, of: 3 }), "1 of 3 units"),
            (Reason::GivesNothing, "gives this line nothing"),
            (Reason::Unavailable("stock exhausted: withdrawn".into()), "stock exhausted: withdrawn"),
            // 2026-06-18 10:00 in Shanghai.
            (Reason::NotStarted { starts: 1_781_748_000 }, "not started: starts at 2026-06-18T02:00:00Z"),
            (Reason::Ended { ended: 1_781_755_200 }, "ended at 2026-06-18T04:00:00Z"),
            // Beyond the range of dates: the seconds.
            (Reason::Ended { ended: i64::MAX }, "ended at 9223372036854775807"),
            (Reason::NeedsCoupon("SAVE10".into()), "needs the coupon `SAVE10`"),
            (
                Reason::WithdrawnBy("Flash".into()),
                "withdrawn by `Flash`, which withdraws other promotions on its products",
            ),
            (
                Reason::ConflictsWith { promotion: "A".into(), customer_chose: true },
                "conflicts with `A`, which the customer chose",
            ),
            (
                Reason::ConflictsWith { promotion: "B".into(), customer_chose: false },
                "conflicts with `B`, which saves the customer more",
            ),
            (
                Reason::LeftOut { without: Decimal::new(4000, 2), with: Decimal::new(3550, 2) },
                "left out: the customer saves 40.00 without it and 35.50 with it",
            ),
        ];
        for (reason, words) in cases {
            assert_eq!(reason.to_string(), words);
            assert_eq!(serde_json::to_string(&reason).unwrap(), serde_json::to_string(words).unwrap());
            // Read back, it is its words, and equal to the reason it was written from.
            let back: Reason = serde_json::from_str(&serde_json::to_string(&reason).unwrap()).unwrap();
            assert!(matches!(&back, Reason::Words(w) if w == words), "{back:?}");
            assert_eq!(back, reason);
            assert_eq!(reason, words);
        }
        assert_ne!(Reason::EarnsGift, Reason::UnlocksAddon);
        // A prefix or a longer text is not its words.
        assert!(!Reason::EarnsGift.says("earns a"));
        assert!(!Reason::EarnsGift.says("earns a gift!"));
        assert!(!Reason::Off(Decimal::new(1250, 2)).says("12.5 off this line"));
    }

    #[test]
    fn a_step_is_written_in_the_words_the_trace_always_had() {
        let cases = [
            (
                Step::Discount { promotion: "Shoes 10%".into(), stage: "item".into(), amount: Decimal::new(1200, 2) },
                "`Shoes 10%` (item): −12.00",
            ),
            (
                Step::Gift { promotion: "Mug".into(), quantity: 2, sku: "MUG".into(), worth: Decimal::new(500, 2) },
                "`Mug`: gift 2 × MUG worth 5.00",
            ),
            (Step::Words("search stopped".into()), "search stopped"),
        ];
        for (step, words) in cases {
            assert_eq!(step.to_string(), words);
            let back: Step = serde_json::from_str(&serde_json::to_string(&step).unwrap()).unwrap();
            assert!(matches!(&back, Step::Words(w) if w == words), "{back:?}");
            assert_eq!(back, step);
            assert_eq!(step, words);
        }
    }
}
