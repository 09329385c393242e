//! The emulator's clock: wall time plus an adjustable offset, so tests can move time instead of sleeping.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// The emulator's time: the system clock plus an offset tests can move (`POST /_emulator/clock`).
#[derive(Debug, Default)]
pub struct Clock {
    offset_ms: AtomicI64,
}

impl Clock {
    /// Milliseconds since the Unix epoch, as Logto's timestamps are.
    pub fn now_ms(&self) -> i64 {
        let wall = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0);
        wall + self.offset_ms.load(Ordering::Relaxed)
    }

    /// Seconds since the Unix epoch, as JWT claims are.
    pub fn now_secs(&self) -> i64 {
        self.now_ms() / 1000
    }

    /// How far the clock is from wall time.
    pub fn offset_ms(&self) -> i64 {
        self.offset_ms.load(Ordering::Relaxed)
    }

    /// Moves the clock forward (or back, with a negative value).
    pub fn advance_ms(&self, by: i64) {
        self.offset_ms.fetch_add(by, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advancing_moves_now() {
        let clock = Clock::default();
        let before = clock.now_secs();
        clock.advance_ms(3_600_000);
        assert!(clock.now_secs() >= before + 3600);
    }
}
