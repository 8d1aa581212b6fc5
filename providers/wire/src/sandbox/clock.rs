//! The simulators' clock, and UTC timestamps in the shape the PSPs print them (without a
//! date crate).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The time every simulator reads: the real clock plus an offset that only grows.
///
/// Deadlines (challenge expiry, token lifetime, retention of finished state) are read from
/// it so that a test can move time forward with [`Clock::advance`] instead of sleeping
/// through a ten-minute challenge window or an hour of retention. Clones share the offset.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    /// Nanoseconds added to the real clock (u64 nanoseconds last 584 years).
    offset_nanos: Arc<AtomicU64>,
}

impl Clock {
    /// The monotonic now, for deadlines.
    pub fn now(&self) -> Instant {
        Instant::now() + self.offset()
    }

    /// The wall-clock now, for the dates in PSP documents.
    pub fn system_now(&self) -> SystemTime {
        SystemTime::now() + self.offset()
    }

    /// Moves time forward by `by` for every simulator sharing this clock.
    pub fn advance(&self, by: Duration) {
        let nanos = u64::try_from(by.as_nanos()).unwrap_or(u64::MAX);
        // fetch_update cannot fail with a closure that always returns Some.
        let _ = self
            .offset_nanos
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |old| {
                Some(old.saturating_add(nanos))
            });
    }

    fn offset(&self) -> Duration {
        Duration::from_nanos(self.offset_nanos.load(Ordering::SeqCst))
    }
}

/// Seconds since the Unix epoch of `at` (Mangopay's dates, PXP's signature timestamps).
pub fn unix_seconds(at: SystemTime) -> u64 {
    at.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs()
}

/// `YYYY-MM-DDTHH:MM:SS.mmmZ`: Checkout's `created_on`, Paysafe's `txnTime`, PXP's
/// `eventDate`.
pub fn rfc3339_millis(at: SystemTime) -> String {
    let since = at.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = since.as_secs();
    let (y, m, d) = civil_date(at);
    let rem = secs % 86_400;
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        since.subsec_millis()
    )
}

/// The UTC calendar date of `at` (proleptic Gregorian; H. Hinnant's `civil_from_days`).
pub fn civil_date(at: SystemTime) -> (u64, u64, u64) {
    let days = at.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs() / 86_400;
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn advancing_moves_both_clocks_for_every_clone() {
        let clock = Clock::default();
        let other = clock.clone();
        let (before, wall) = (clock.now(), clock.system_now());
        other.advance(Duration::from_secs(3600));
        assert!(clock.now() >= before + Duration::from_secs(3600));
        assert!(clock.system_now() >= wall + Duration::from_secs(3600));
    }

    #[test]
    fn formats_known_instants() {
        assert_eq!(rfc3339_millis(UNIX_EPOCH), "1970-01-01T00:00:00.000Z");
        let t = UNIX_EPOCH + Duration::from_millis(1_548_088_097_735);
        assert_eq!(rfc3339_millis(t), "2019-01-21T16:28:17.735Z");
        let leap = UNIX_EPOCH + Duration::from_secs(951_782_400);
        assert_eq!(rfc3339_millis(leap), "2000-02-29T00:00:00.000Z");
        assert_eq!(civil_date(leap), (2000, 2, 29));
    }
}
