//! The report's numbers, counted from the sandbox's own records.
//!
//! The router's account of what it did (its `attempts`) is exactly what a simulation must
//! check, so nothing here reads it. The simulation runs one authentication at a time and
//! notes when each began; everything the sandbox logged or created between two starts
//! belongs to the first of them:
//!
//! * **simulators touched**: the simulators that received a request during the
//!   authentication, in the order of their first request (an injected 503 is a request
//!   the simulator received; an account skipped by an open circuit breaker is touched by
//!   nothing, so a skip is not a failover);
//! * **failovers**: simulators touched minus one;
//! * **failover after a cardholder-facing step**: a simulator answered an HTML page (a 3DS
//!   Method frame, a challenge) and another simulator received a request after it;
//! * **time added by failover**: from the authentication's first request to the first
//!   request at the simulator touched last;
//! * **succeeded**: the last object created (authentication, session or pay-in) ended
//!   authenticated or attempted;
//! * **duplicate pay-ins**: per intended payment, the pay-ins that took or may still take
//!   the money beyond the first, matched by the merchant reference they carry (a pay-in
//!   without one counts for the authentication it was created during).

use crate::sandbox::LoggedRequest;
use std::time::Instant;
use threeds_wire::sandbox::Record;

/// One authentication of a run: when it began and the merchant reference it was sent with.
#[derive(Debug, Clone)]
pub struct Window {
    pub start: Instant,
    pub reference: String,
}

/// What the sandbox saw of one authentication.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Seen {
    /// Simulators in the order of their first request.
    pub simulators: Vec<&'static str>,
    pub succeeded: bool,
    /// The PSP state of the last object created, verbatim.
    pub final_state: Option<String>,
    pub after_cardholder_step: bool,
    /// Set when the authentication failed over.
    pub added_ms: Option<u64>,
}

impl Seen {
    pub fn failovers(&self) -> usize {
        self.simulators.len().saturating_sub(1)
    }
}

/// The counts of one run.
#[derive(Debug, Clone, Default)]
pub struct Counted {
    pub seen: Vec<Seen>,
    pub duplicate_payins: usize,
}

/// Which window `at` falls in: the last one that began at or before it.
fn window_of(windows: &[Window], at: Instant) -> Option<usize> {
    windows.iter().rposition(|w| w.start <= at)
}

/// Counts a run whose authentications began at `windows` (in order).
pub fn count(windows: &[Window], records: &[Record], requests: &[LoggedRequest]) -> Counted {
    let mut seen = vec![Seen::default(); windows.len()];
    let mut requests: Vec<&LoggedRequest> = requests.iter().collect();
    requests.sort_by_key(|r| r.seq);
    let mut by_window: Vec<Vec<&LoggedRequest>> = vec![Vec::new(); windows.len()];
    for request in requests {
        if let Some(slot) = window_of(windows, request.at).and_then(|k| by_window.get_mut(k)) {
            slot.push(request);
        }
    }
    for (one, logged) in seen.iter_mut().zip(&by_window) {
        follow_requests(one, logged);
    }
    let mut records: Vec<&Record> = records.iter().collect();
    records.sort_by_key(|r| r.created);
    let mut payins = vec![0usize; windows.len()];
    for record in records {
        let Some(k) = window_of(windows, record.created) else {
            continue;
        };
        if let Some(one) = seen.get_mut(k) {
            one.succeeded = record.outcome.succeeded();
            one.final_state = Some(record.state.clone());
        }
        if record.moves_money {
            let payment = record
                .reference
                .as_deref()
                .and_then(|tag| windows.iter().position(|w| tag.starts_with(&w.reference)))
                .unwrap_or(k);
            if let Some(n) = payins.get_mut(payment) {
                *n += 1;
            }
        }
    }
    Counted {
        seen,
        duplicate_payins: payins.iter().map(|n| n.saturating_sub(1)).sum(),
    }
}

/// Fills the simulators touched, the cardholder-step check and the added time from one
/// authentication's requests (in arrival order).
fn follow_requests(one: &mut Seen, logged: &[&LoggedRequest]) {
    let mut firsts: Vec<(&'static str, Instant)> = Vec::new();
    let mut page_at: Option<&'static str> = None;
    for request in logged {
        if let Some(shown_by) = page_at {
            if request.simulator != shown_by {
                one.after_cardholder_step = true;
            }
        }
        if request.page && page_at.is_none() {
            page_at = Some(request.simulator);
        }
        if !firsts.iter().any(|(s, _)| *s == request.simulator) {
            firsts.push((request.simulator, request.at));
        }
    }
    if let (Some((_, first)), Some((_, last)), true) =
        (firsts.first(), firsts.last(), firsts.len() > 1)
    {
        let added = last.saturating_duration_since(*first).as_millis();
        one.added_ms = Some(u64::try_from(added).unwrap_or(u64::MAX));
    }
    one.simulators = firsts.into_iter().map(|(s, _)| s).collect();
}

/// The `p`-th percentile (0 to 100) of `values` by the nearest-rank method; `None` for no
/// values.
pub fn percentile(values: &[u64], p: u32) -> Option<u64> {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    // Nearest rank: ceil(p/100 * n), 1-based.
    let rank = (usize::try_from(p).unwrap_or(100) * n).div_ceil(100).max(1);
    sorted.get(rank.min(n) - 1).copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;
    use threeds_wire::sandbox::{RecordKind, RecordOutcome};

    fn request(seq: u64, simulator: &'static str, at: Instant, page: bool) -> LoggedRequest {
        LoggedRequest {
            seq,
            simulator,
            method: "POST".into(),
            path: "/x".into(),
            answer: Some("200".into()),
            page,
            at,
            at_ms: 0,
        }
    }

    fn record(
        simulator: &'static str,
        reference: Option<&str>,
        outcome: RecordOutcome,
        money: bool,
        created: Instant,
    ) -> Record {
        Record {
            simulator,
            kind: if money {
                RecordKind::PayIn
            } else {
                RecordKind::Authentication
            },
            id: "id".into(),
            reference: reference.map(str::to_owned),
            state: format!("{outcome:?}"),
            outcome,
            moves_money: money,
            created,
        }
    }

    #[test]
    fn failovers_steps_and_duplicates_come_from_the_sandbox_records() {
        let t0 = Instant::now();
        let ms = |n: u64| t0 + Duration::from_millis(n);
        let windows = vec![
            Window {
                start: ms(0),
                reference: "r00001".into(),
            },
            Window {
                start: ms(100),
                reference: "r00002".into(),
            },
            Window {
                start: ms(200),
                reference: "r00003".into(),
            },
        ];
        let requests = vec![
            // 1: a at 0 (503), then b from 30: one failover, 30 ms added.
            request(1, "a", ms(0), false),
            request(2, "b", ms(30), false),
            request(3, "b", ms(40), true),
            // 2: a shows a page, then b is called: a failover after a cardholder step.
            request(4, "a", ms(100), false),
            request(5, "a", ms(110), true),
            request(6, "b", ms(150), false),
            // 3: a only.
            request(7, "a", ms(200), false),
        ];
        let records = vec![
            record(
                "b",
                Some("r00001"),
                RecordOutcome::Authenticated,
                false,
                ms(31),
            ),
            record("a", Some("r00002"), RecordOutcome::Open, true, ms(101)),
            record("b", Some("r00002"), RecordOutcome::Attempted, true, ms(151)),
            record(
                "a",
                Some("r00003"),
                RecordOutcome::NotAuthenticated,
                false,
                ms(201),
            ),
        ];
        let counted = count(&windows, &records, &requests);
        let [one, two, three] = counted.seen.as_slice() else {
            panic!("{:?}", counted.seen)
        };
        assert_eq!(one.simulators, vec!["a", "b"]);
        assert_eq!(
            (one.failovers(), one.added_ms, one.succeeded),
            (1, Some(30), true)
        );
        assert!(!one.after_cardholder_step);
        assert!(two.after_cardholder_step && two.succeeded);
        assert_eq!(
            (three.failovers(), three.added_ms, three.succeeded),
            (0, None, false)
        );
        assert!(!three.after_cardholder_step);
        // r00002 has two pay-ins that may move money: one duplicate. r00003's failed.
        assert_eq!(counted.duplicate_payins, 1);
    }

    #[test]
    fn percentiles_by_nearest_rank() {
        assert_eq!(percentile(&[], 50), None);
        assert_eq!(percentile(&[7], 95), Some(7));
        let values: Vec<u64> = (1..=20).collect();
        assert_eq!(percentile(&values, 50), Some(10));
        assert_eq!(percentile(&values, 95), Some(19));
        assert_eq!(percentile(&values, 100), Some(20));
    }
}
