//! One circuit breaker per account.
//!
//! An account whose PSP keeps failing costs every authentication routed to it a timeout
//! before the failover; the breaker skips it instead. It opens after
//! [`BreakerSettings::failures`] consecutive PSP-side failures
//! ([`super::attempts::psp_side_failure`]: status `error` with retry `other_psp` or
//! `later`, or a transport failure), stays open for [`BreakerSettings::cool_down`], then
//! lets exactly one probe through (half-open): a probe that succeeds closes it, one that
//! fails opens it again for another cool-down. Any answer that is not a PSP-side failure
//! counts as a success: the PSP is up, even when it declines.
//!
//! Time comes from a [`Clock`], so tests move it instead of sleeping.

use serde::Deserialize;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Monotonic time for the breakers.
pub trait Clock: Send + Sync {
    /// Time since some fixed origin; never goes back.
    fn now(&self) -> Duration;
}

/// The process's monotonic clock.
#[derive(Debug, Clone)]
pub struct SystemClock {
    origin: Instant,
}

impl Default for SystemClock {
    fn default() -> Self {
        SystemClock {
            origin: Instant::now(),
        }
    }
}

impl Clock for SystemClock {
    fn now(&self) -> Duration {
        self.origin.elapsed()
    }
}

/// A clock that moves only when told (tests, simulations). Clones share the time.
#[derive(Debug, Clone, Default)]
pub struct ManualClock {
    now: Arc<Mutex<Duration>>,
}

impl ManualClock {
    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: Duration) {
        if let Ok(mut now) = self.now.lock() {
            *now = now.saturating_add(by);
        }
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Duration {
        self.now.lock().map(|now| *now).unwrap_or_default()
    }
}

/// When a breaker opens and how long it stays open (`[breaker]` in the config).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(from = "BreakerToml")]
pub struct BreakerSettings {
    /// Consecutive PSP-side failures that open the breaker (at least 1).
    pub failures: u32,
    /// How long an open breaker skips the account before one probe is let through.
    pub cool_down: Duration,
}

impl Default for BreakerSettings {
    fn default() -> Self {
        BreakerSettings {
            failures: 5,
            cool_down: Duration::from_secs(30),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BreakerToml {
    failures: Option<u32>,
    cool_down_secs: Option<u64>,
}

impl From<BreakerToml> for BreakerSettings {
    fn from(t: BreakerToml) -> Self {
        let default = BreakerSettings::default();
        BreakerSettings {
            failures: t.failures.unwrap_or(default.failures).max(1),
            cool_down: t
                .cool_down_secs
                .map_or(default.cool_down, Duration::from_secs),
        }
    }
}

/// Where a breaker stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum BreakerState {
    /// Calls go through; `failures` consecutive PSP-side failures so far.
    Closed { failures: u32 },
    /// Calls are skipped until `until`.
    Open { until: Duration },
    /// One probe is out; other calls are skipped until it answers.
    HalfOpen,
}

/// One account's breaker.
#[derive(Debug, Clone)]
pub struct Breaker {
    settings: BreakerSettings,
    state: BreakerState,
}

impl Breaker {
    pub fn new(settings: BreakerSettings) -> Self {
        Breaker {
            settings,
            state: BreakerState::Closed { failures: 0 },
        }
    }

    pub fn state(&self) -> BreakerState {
        self.state
    }

    /// Whether a call may go to the account now. An open breaker whose cool-down is over
    /// lets this one call through as the probe and turns half-open.
    pub fn admit(&mut self, now: Duration) -> bool {
        match self.state {
            BreakerState::Closed { .. } => true,
            BreakerState::Open { until } if now >= until => {
                self.state = BreakerState::HalfOpen;
                true
            }
            BreakerState::Open { .. } | BreakerState::HalfOpen => false,
        }
    }

    /// Records the outcome of an admitted call.
    pub fn record(&mut self, psp_side_failure: bool, now: Duration) {
        self.state = match (self.state, psp_side_failure) {
            (_, false) => BreakerState::Closed { failures: 0 },
            (BreakerState::Closed { failures }, true)
                if failures.saturating_add(1) < self.settings.failures =>
            {
                BreakerState::Closed {
                    failures: failures + 1,
                }
            }
            (_, true) => BreakerState::Open {
                until: now.saturating_add(self.settings.cool_down),
            },
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn breaker() -> (Breaker, ManualClock) {
        let settings = BreakerSettings {
            failures: 3,
            cool_down: Duration::from_secs(10),
        };
        (Breaker::new(settings), ManualClock::default())
    }

    #[test]
    fn opens_after_consecutive_failures_only() {
        let (mut b, clock) = breaker();
        b.record(true, clock.now());
        b.record(true, clock.now());
        // A success in between starts the count again.
        b.record(false, clock.now());
        b.record(true, clock.now());
        b.record(true, clock.now());
        assert!(b.admit(clock.now()));
        b.record(true, clock.now());
        assert_eq!(
            b.state(),
            BreakerState::Open {
                until: Duration::from_secs(10)
            }
        );
        assert!(!b.admit(clock.now()));
    }

    #[test]
    fn half_opens_for_one_probe_after_the_cool_down() {
        let (mut b, clock) = breaker();
        for _ in 0..3 {
            b.record(true, clock.now());
        }
        clock.advance(Duration::from_secs(9));
        assert!(!b.admit(clock.now()));
        clock.advance(Duration::from_secs(1));
        assert!(b.admit(clock.now()), "the probe");
        assert_eq!(b.state(), BreakerState::HalfOpen);
        assert!(!b.admit(clock.now()), "only one probe at a time");
        // The probe fails: open for another cool-down.
        b.record(true, clock.now());
        assert!(!b.admit(clock.now()));
        clock.advance(Duration::from_secs(10));
        assert!(b.admit(clock.now()));
        // The probe succeeds: closed.
        b.record(false, clock.now());
        assert_eq!(b.state(), BreakerState::Closed { failures: 0 });
        assert!(b.admit(clock.now()));
    }

    #[test]
    fn settings_read_from_toml_keep_at_least_one_failure() {
        let s: BreakerSettings = toml::from_str("failures = 0\ncool_down_secs = 5").unwrap();
        assert_eq!(s.failures, 1);
        assert_eq!(s.cool_down, Duration::from_secs(5));
        assert!(toml::from_str::<BreakerSettings>("failure = 2").is_err());
    }
}
