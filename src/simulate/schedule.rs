//! Which faults the sandbox injects before each authentication of a run.
//!
//! Both runs of a simulation (with and without failover) get the same schedule: the same
//! seed draws the same random faults for the same authentications, so the two columns of
//! the report differ by the router's behaviour only.

use std::time::Duration;
use threeds_wire::sandbox::Fault;

/// How the account of an [`Outage`] misbehaves while the outage lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum OutageMode {
    /// Every request answers 503.
    #[default]
    Down,
    /// Down for [`FLAP`] authentications, up for as many, and so on.
    Flapping,
    /// Every request waits longer than the per-attempt timeout ([`SLOW_BY`] of it).
    Slow,
}

impl OutageMode {
    pub fn as_str(self) -> &'static str {
        match self {
            OutageMode::Down => "down",
            OutageMode::Flapping => "flapping",
            OutageMode::Slow => "slow",
        }
    }
}

impl std::fmt::Display for OutageMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An outage mode that is not one of [`OutageMode`]'s.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{}' is not an outage mode (expected down, flapping or slow)", threeds_wire::excerpt(.0))]
pub struct ModeError(pub String);

impl std::str::FromStr for OutageMode {
    type Err = ModeError;
    fn from_str(text: &str) -> Result<Self, ModeError> {
        match text {
            "down" => Ok(OutageMode::Down),
            "flapping" => Ok(OutageMode::Flapping),
            "slow" => Ok(OutageMode::Slow),
            other => Err(ModeError(other.to_owned())),
        }
    }
}

/// A flapping account changes between down and up after this many authentications.
pub const FLAP: usize = 2;

/// A slow account's delay, as a multiple of the per-attempt HTTP timeout: long enough that
/// every attempt times out.
pub const SLOW_BY: f64 = 1.5;

/// One account's outage over authentications `first..=last` (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outage {
    pub account: String,
    pub first: usize,
    /// `usize::MAX` for "to the end of the run".
    pub last: usize,
    pub mode: OutageMode,
}

/// Why an `--outage` value cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("--outage '{}': {why} (expected ACCOUNT or ACCOUNT:START-END, e.g. checkout-eu:20-60)", threeds_wire::excerpt(.value))]
pub struct OutageError {
    pub value: String,
    pub why: &'static str,
}

impl Outage {
    /// Parses `ACCOUNT[:START-END]`; without a range the outage lasts the whole run.
    pub fn parse(value: &str, mode: OutageMode) -> Result<Outage, OutageError> {
        let fail = |why| OutageError {
            value: value.to_owned(),
            why,
        };
        let (account, range) = match value.rsplit_once(':') {
            Some((account, range)) => (account, Some(range)),
            None => (value, None),
        };
        if account.trim().is_empty() {
            return Err(fail("no account name"));
        }
        let (first, last) = match range {
            None => (1, usize::MAX),
            Some(range) => {
                let (a, b) = range.split_once('-').ok_or_else(|| fail("no range"))?;
                let a: usize = a
                    .trim()
                    .parse()
                    .map_err(|_| fail("START is not a number"))?;
                let b: usize = b.trim().parse().map_err(|_| fail("END is not a number"))?;
                if a == 0 || b < a {
                    return Err(fail("the range must be 1 or more and START <= END"));
                }
                (a, b)
            }
        };
        Ok(Outage {
            account: account.trim().to_owned(),
            first,
            last,
            mode,
        })
    }

    /// Whether the account is failing during authentication `n` (1-based).
    pub fn active(&self, n: usize) -> bool {
        if n < self.first || n > self.last {
            return false;
        }
        match self.mode {
            OutageMode::Down | OutageMode::Slow => true,
            OutageMode::Flapping => ((n - self.first) / FLAP).is_multiple_of(2),
        }
    }

    /// The fault every request to the account gets while the outage is active.
    pub fn fault(&self, attempt_timeout: Duration) -> Fault {
        match self.mode {
            OutageMode::Down | OutageMode::Flapping => Fault::Status(503),
            OutageMode::Slow => Fault::Latency(attempt_timeout.mul_f64(SLOW_BY)),
        }
    }

    /// The authentications the outage spans in a run of `n`, for the report and the chart.
    pub fn span(&self, n: usize) -> (usize, usize) {
        (self.first.min(n), self.last.min(n))
    }
}

/// The random faults `--faults RATE` draws from: a 5xx, no answer, a broken connection and
/// an answer lost after the PSP acted.
pub const RANDOM_FAULTS: [Fault; 4] = [
    Fault::Status(503),
    Fault::Timeout,
    Fault::Reset,
    Fault::HoldAfter,
];

use crate::router::routes::Rng;

/// The random fault drawn for one authentication: which of the route's accounts (by
/// index) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drawn {
    pub account: usize,
    /// The account's requests within the authentication let through before the fault:
    /// 0 hits its first call, later ones its 3DS Method, device data, challenge or pay-in.
    pub skip: u32,
    pub fault: Fault,
}

/// The most requests a drawn fault lets through first.
pub const MAX_SKIP: usize = 5;

/// Draws the random faults of a run of `n` authentications over `accounts` accounts at
/// `rate` (0 to 1). The same arguments draw the same faults.
pub fn draw(seed: u64, n: usize, accounts: usize, rate: f64) -> Vec<Option<Drawn>> {
    let mut rng = Rng::seeded(seed);
    (0..n)
        .map(|_| {
            // Four draws per authentication whatever the outcome, so the faults of
            // authentication k do not depend on the rate's effect on earlier ones.
            let hit = rng.unit() < rate;
            let account = rng.index(accounts);
            let kind = rng.index(RANDOM_FAULTS.len());
            let skip = u32::try_from(rng.index(MAX_SKIP + 1)).unwrap_or(0);
            (hit && accounts > 0).then(|| Drawn {
                account,
                skip,
                fault: RANDOM_FAULTS
                    .get(kind)
                    .cloned()
                    .unwrap_or(Fault::Status(503)),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outages_parse_with_and_without_a_range() {
        let o = Outage::parse("checkout-eu:20-60", OutageMode::Down).unwrap();
        assert_eq!(
            (o.account.as_str(), o.first, o.last),
            ("checkout-eu", 20, 60)
        );
        assert!(!o.active(19) && o.active(20) && o.active(60) && !o.active(61));
        let whole = Outage::parse("pxp-eu", OutageMode::Down).unwrap();
        assert!(whole.active(1) && whole.active(100_000));
        assert_eq!(whole.span(30), (1, 30));
        for bad in ["", ":1-2", "a:0-3", "a:5-3", "a:x-3", "a:3"] {
            assert!(Outage::parse(bad, OutageMode::Down).is_err(), "{bad}");
        }
        let err = Outage::parse("a:5-3", OutageMode::Down).unwrap_err();
        assert!(err.to_string().starts_with("--outage 'a:5-3': "), "{err}");
    }

    #[test]
    fn a_flapping_account_alternates_and_a_slow_one_outlasts_the_timeout() {
        let o = Outage::parse("a:3-10", OutageMode::Flapping).unwrap();
        let down: Vec<usize> = (1..=11).filter(|&n| o.active(n)).collect();
        assert_eq!(down, vec![3, 4, 7, 8]);
        let slow = Outage::parse("a", OutageMode::Slow).unwrap();
        assert_eq!(
            slow.fault(Duration::from_millis(1000)),
            Fault::Latency(Duration::from_millis(1500))
        );
    }

    #[test]
    fn draws_are_reproducible_and_follow_the_rate() {
        let a = draw(7, 2000, 2, 0.1);
        assert_eq!(a, draw(7, 2000, 2, 0.1));
        assert_ne!(a, draw(8, 2000, 2, 0.1));
        let hits = a.iter().flatten().count();
        assert!((120..=280).contains(&hits), "{hits}");
        assert!(draw(7, 100, 2, 0.0).iter().all(Option::is_none));
        assert!(draw(7, 100, 2, 1.0).iter().all(Option::is_some));
        assert!(a.iter().flatten().all(|d| d.account < 2));
        assert!(a.iter().flatten().any(|d| d.skip > 0));
        assert!(a
            .iter()
            .flatten()
            .all(|d| usize::try_from(d.skip).unwrap() <= MAX_SKIP));
    }
}
