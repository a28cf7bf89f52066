//! What time it is for the host: the system clock, or a fixed instant (tests, previews of a sale).

use std::time::{SystemTime, UNIX_EPOCH};

/// The host's clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// The machine's clock.
    System,
    /// Always this instant, in Unix seconds.
    Fixed(i64),
}

impl Clock {
    /// Now, in Unix milliseconds.
    pub fn now_ms(self) -> i64 {
        match self {
            Clock::System => SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
                .unwrap_or(0),
            Clock::Fixed(seconds) => seconds.saturating_mul(1000),
        }
    }

    /// Now, in Unix seconds (what the runtime prices at).
    pub fn now(self) -> i64 {
        self.now_ms().div_euclid(1000)
    }
}
