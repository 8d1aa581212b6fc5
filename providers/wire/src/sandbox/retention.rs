//! Forgetting old state, so a sandbox that runs for days holds a bounded amount of it.
//!
//! A simulator records each thing it creates (a session, a pay-in, a stored answer) in a
//! [`Retention`] queue with the time it was created. Because the simulators' clock only
//! moves forward, the queue is in time order: finding what is due costs only the entries
//! that are due, never a walk over all history, so it can run on every request.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// How long the sandbox keeps what a client created, by default: long enough for any flow
/// to read its result back, short enough that a load test does not grow without bound.
pub const DEFAULT_RETENTION: Duration = Duration::from_secs(3600);

/// Keys in the order they were recorded, with the time they were recorded.
#[derive(Debug)]
pub struct Retention<K> {
    ttl: Duration,
    queue: VecDeque<(Instant, K)>,
}

impl<K> Default for Retention<K> {
    fn default() -> Self {
        Retention::new(DEFAULT_RETENTION)
    }
}

impl<K> Retention<K> {
    /// A queue whose entries are due `ttl` after they were recorded.
    pub fn new(ttl: Duration) -> Self {
        Retention {
            ttl,
            queue: VecDeque::new(),
        }
    }

    /// Records `key` as created (or re-armed) at `at`.
    pub fn record(&mut self, at: Instant, key: K) {
        self.queue.push_back((at, key));
    }

    /// Removes and returns the next key due at `now`, if any. The caller forgets the
    /// record, or [`record`](Self::record)s it again at `now` when it must stay (a challenge
    /// still waiting for the cardholder).
    pub fn next_due(&mut self, now: Instant) -> Option<K> {
        let (at, _) = self.queue.front()?;
        if now.saturating_duration_since(*at) < self.ttl {
            return None;
        }
        self.queue.pop_front().map(|(_, key)| key)
    }

    /// How long after recording an entry is due.
    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// Entries waiting (for tests and the bench).
    pub fn len(&self) -> usize {
        self.queue.len()
    }

    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_entries_older_than_the_ttl_are_due() {
        let t0 = Instant::now();
        let mut r = Retention::new(Duration::from_secs(10));
        r.record(t0, "a");
        r.record(t0 + Duration::from_secs(5), "b");
        assert_eq!(r.next_due(t0 + Duration::from_secs(9)), None);
        assert_eq!(r.next_due(t0 + Duration::from_secs(12)), Some("a"));
        assert_eq!(r.next_due(t0 + Duration::from_secs(12)), None);
        assert_eq!(r.next_due(t0 + Duration::from_secs(15)), Some("b"));
        assert!(r.is_empty());
    }
}
