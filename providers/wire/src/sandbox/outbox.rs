//! Webhook and callback delivery from a simulator, with a log of every attempt.
//!
//! Deliveries run in the background like a PSP's would; the log lets tests (and the
//! sandbox's `GET /_sandbox/deliveries`) see what was sent and how the receiver answered,
//! and [`Outbox::redeliver`] sends an earlier delivery again, as PSPs do with their
//! at-least-once delivery. Settled deliveries are forgotten after the retention period, so
//! the log does not grow for as long as the sandbox runs.

use super::clock::Clock;
use super::retention::DEFAULT_RETENTION;
use serde::Serialize;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::Notify;

/// One delivery and its result.
#[derive(Debug, Clone, Serialize)]
pub struct Delivery {
    pub seq: usize,
    /// Which simulator sent it (`checkout`, `pxp`, ...).
    pub source: &'static str,
    /// What it was (`authentication_approved`, `callback`, `PAYIN_NORMAL_SUCCEEDED`).
    pub event: String,
    pub method: &'static str,
    pub url: String,
    #[serde(skip)]
    pub headers: Vec<(String, String)>,
    #[serde(skip)]
    pub body: Vec<u8>,
    /// The receiver's HTTP status; `None` while in flight or when it could not be reached.
    pub status: Option<u16>,
    pub error: Option<String>,
    /// When it was sent (by the simulators' clock), for retention.
    #[serde(skip)]
    pub at: Option<Instant>,
}

impl Delivery {
    fn settled(&self) -> bool {
        self.status.is_some() || self.error.is_some()
    }
}

/// The deliveries still kept; `first` is the sequence number of the oldest, so a
/// sequence number stays valid after older entries are forgotten.
#[derive(Debug, Default)]
struct Entries {
    first: usize,
    kept: VecDeque<Delivery>,
}

impl Entries {
    fn get(&self, seq: usize) -> Option<&Delivery> {
        self.kept.get(seq.checked_sub(self.first)?)
    }

    fn get_mut(&mut self, seq: usize) -> Option<&mut Delivery> {
        self.kept.get_mut(seq.checked_sub(self.first)?)
    }

    /// Forgets settled deliveries sent more than `ttl` before `now` (in flight ones stay).
    fn evict(&mut self, now: Instant, ttl: Duration) {
        while let Some(front) = self.kept.front() {
            let old = front
                .at
                .is_none_or(|at| now.saturating_duration_since(at) >= ttl);
            if !(old && front.settled()) {
                break;
            }
            self.kept.pop_front();
            self.first += 1;
        }
    }
}

type Log = Arc<Mutex<Entries>>;

/// The delivery log and an HTTP client to deliver with.
#[derive(Debug, Clone)]
pub struct Outbox {
    log: Log,
    /// Woken whenever a delivery settles, so [`Outbox::settled`] waits for the answer
    /// itself instead of polling the log (a poll interval would be the floor of every
    /// Checkout `complete`, which waits for its callback).
    settled: Arc<Notify>,
    client: reqwest::Client,
    clock: Clock,
    retention: Duration,
}

impl Default for Outbox {
    fn default() -> Self {
        Outbox::new(Clock::default(), DEFAULT_RETENTION)
    }
}

impl Outbox {
    /// An outbox that forgets settled deliveries `retention` after they were sent.
    pub fn new(clock: Clock, retention: Duration) -> Self {
        Outbox {
            log: Log::default(),
            settled: Arc::new(Notify::new()),
            clock,
            retention,
            // A receiver that hangs must not hold a delivery task forever.
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(5))
                .build()
                .unwrap_or_default(),
        }
    }
}

/// Writes the receiver's answer into the log entry of delivery `seq` and wakes whoever
/// waits for a delivery to settle.
fn record(log: &Log, settled: &Notify, seq: usize, status: Option<u16>, error: Option<String>) {
    if let Ok(mut log) = log.lock() {
        if let Some(entry) = log.get_mut(seq) {
            entry.status = status;
            entry.error = error;
        }
    }
    settled.notify_waiters();
}

impl Outbox {
    /// Records and sends a delivery; returns its sequence number at once.
    pub fn send(
        &self,
        source: &'static str,
        event: impl Into<String>,
        method: &'static str,
        url: impl Into<String>,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    ) -> usize {
        let delivery = Delivery {
            seq: 0,
            source,
            event: event.into(),
            method,
            url: url.into(),
            headers,
            body,
            status: None,
            error: None,
            at: Some(self.clock.now()),
        };
        let seq = match self.log.lock() {
            Ok(mut log) => {
                log.evict(self.clock.now(), self.retention);
                let seq = log.first + log.kept.len();
                log.kept.push_back(Delivery {
                    seq,
                    ..delivery.clone()
                });
                seq
            }
            Err(_) => return usize::MAX,
        };
        self.dispatch(seq, Delivery { seq, ..delivery });
        seq
    }

    /// Sends delivery `seq` again (a duplicate, as at-least-once delivery produces).
    pub fn redeliver(&self, seq: usize) -> Option<usize> {
        let original = self.log.lock().ok()?.get(seq)?.clone();
        Some(self.send(
            original.source,
            original.event,
            original.method,
            original.url,
            original.headers,
            original.body,
        ))
    }

    /// A snapshot of the log (what retention has not yet forgotten).
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.log
            .lock()
            .map(|mut l| {
                l.evict(self.clock.now(), self.retention);
                l.kept.iter().cloned().collect()
            })
            .unwrap_or_default()
    }

    /// Waits until delivery `seq` has a result, up to `limit`.
    pub async fn settled(&self, seq: usize, limit: Duration) -> Option<Delivery> {
        let deadline = tokio::time::Instant::now() + limit;
        let current = || {
            let log = self.log.lock().ok()?;
            log.get(seq).filter(|d| d.settled()).cloned()
        };
        loop {
            // Registered before the log is read, so an answer recorded in between wakes it.
            let mut woken = std::pin::pin!(self.settled.notified());
            woken.as_mut().enable();
            if let Some(done) = current() {
                return Some(done);
            }
            self.log.lock().ok()?.get(seq)?;
            if tokio::time::timeout_at(deadline, woken).await.is_err() {
                return current();
            }
        }
    }

    fn dispatch(&self, seq: usize, delivery: Delivery) {
        let client = self.client.clone();
        let log = self.log.clone();
        let settled = self.settled.clone();
        let Ok(handle) = tokio::runtime::Handle::try_current() else {
            record(
                &log,
                &settled,
                seq,
                None,
                Some("no async runtime to deliver on".into()),
            );
            return;
        };
        handle.spawn(async move {
            let method = if delivery.method == "GET" {
                reqwest::Method::GET
            } else {
                reqwest::Method::POST
            };
            let mut request = client.request(method, &delivery.url);
            for (name, value) in &delivery.headers {
                request = request.header(name.as_str(), value.as_str());
            }
            if !delivery.body.is_empty() {
                request = request.body(delivery.body.clone());
            }
            let (status, error) = match request.send().await {
                Ok(response) => (Some(response.status().as_u16()), None),
                Err(e) => (None, Some(e.without_url().to_string())),
            };
            record(&log, &settled, seq, status, error);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settled_deliveries_are_forgotten_after_retention_and_sequence_numbers_stay() {
        let clock = Clock::default();
        let outbox = Outbox::new(clock.clone(), Duration::from_secs(10));
        // No async runtime here: each delivery settles at once with an error.
        let first = outbox.send(
            "test",
            "a",
            "POST",
            "http://127.0.0.1:9/",
            Vec::new(),
            Vec::new(),
        );
        assert_eq!(outbox.deliveries().len(), 1);
        clock.advance(Duration::from_secs(11));
        let second = outbox.send(
            "test",
            "b",
            "POST",
            "http://127.0.0.1:9/",
            Vec::new(),
            Vec::new(),
        );
        assert_eq!((first, second), (0, 1));
        let kept = outbox.deliveries();
        assert_eq!(kept.iter().map(|d| d.seq).collect::<Vec<_>>(), [1]);
        assert!(outbox.redeliver(first).is_none(), "forgotten");
        assert_eq!(outbox.redeliver(second), Some(2));
    }
}
