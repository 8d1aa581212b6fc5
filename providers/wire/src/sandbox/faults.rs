//! Fault injection: make a simulator misbehave on request.
//!
//! A fault comes either from the `X-Sandbox-Fault` header of the request itself, or from
//! a queue filled ahead of time ([`Faults::push`], exposed by the sandbox server as
//! `POST /_sandbox/faults`), so that clients which cannot add headers (official SDKs)
//! can be tested too. The layer is shared by every simulator. Grammar, one fault per value:
//!
//! | value | the simulator acts? | effect |
//! |---|---|---|
//! | `latency=MS` | yes, unless the client hangs up first | waits MS milliseconds, then answers normally |
//! | `status=CODE` | no | answers CODE with an empty body (a proxy's answer: no PSP error body) |
//! | `rate_limit=SECS` | no | answers 429 with `Retry-After: SECS` |
//! | `timeout` | no | never answers (the connection stays open until the client gives up) |
//! | `malformed` | no | answers 200 with a truncated JSON body |
//! | `reset` | no | sends the status line and headers, then breaks the connection |
//! | `late=MS` | yes, MS ms later, even if the client has hung up | holds the request MS milliseconds before the simulator sees it (a late original: a client that timed out meanwhile may already have retried) |
//! | `reset_after` | yes | the simulator processes the request, then the connection breaks after the status line and headers (a bodiless 204 or 304 is sent as 200, so that it cannot be read as complete) |
//! | `hold_after` | yes | the simulator processes the request, then the answer is never sent (the client times out) |
//!
//! The last three lose or delay an answer *after* the PSP acted, which is what recovery
//! logic (idempotency keys, re-fetching) has to survive; the others fail before the
//! simulator sees the request. A request a fault holds or delays runs to its end in its
//! own task, as a real server keeps processing after the client left;
//! [`Faults::settled`] waits for all of them, so a test can check the final state
//! without sleeping. A response whose answer a fault breaks or withholds carries an
//! [`Injected`] extension, so a request log can say so ([`logged_status`]) instead of
//! showing the status line the client never fully received.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::VecDeque;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;

/// The request header that carries a fault.
pub const FAULT_HEADER: &str = "x-sandbox-fault";

/// One injected misbehaviour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    Latency(Duration),
    Status(u16),
    RateLimit(u64),
    Timeout,
    Malformed,
    Reset,
    /// The simulator acts after this delay, whether or not the client is still there.
    Late(Duration),
    /// The simulator acts, then the connection breaks mid-answer.
    ResetAfter,
    /// The simulator acts, then the answer is withheld until the client gives up.
    HoldAfter,
}

/// Why a fault value does not parse. The value is quoted as a short excerpt only.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FaultError {
    /// A fault that takes a number got something else.
    #[error("fault '{fault}' needs a number of {unit}, got '{got}'")]
    NotANumber {
        fault: &'static str,
        unit: &'static str,
        got: String,
    },
    /// `status=` got no HTTP status code.
    #[error("fault 'status' needs an HTTP status 100-599, got '{got}'")]
    NotAStatus { got: String },
    /// A name the grammar does not have.
    #[error("unknown fault '{got}' (expected latency=MS, status=CODE, rate_limit=SECS, timeout, malformed, reset, late=MS, reset_after or hold_after)")]
    Unknown { got: String },
}

impl FromStr for Fault {
    type Err = FaultError;
    fn from_str(text: &str) -> Result<Self, FaultError> {
        let text = text.trim();
        let (name, arg) = text.split_once('=').unwrap_or((text, ""));
        let number = |fault: &'static str, unit: &'static str| {
            arg.parse::<u64>().map_err(|_| FaultError::NotANumber {
                fault,
                unit,
                got: crate::excerpt(arg).into_owned(),
            })
        };
        match name {
            "latency" => Ok(Fault::Latency(Duration::from_millis(number(
                "latency",
                "milliseconds",
            )?))),
            "status" => match arg.parse::<u16>() {
                Ok(code) if (100..600).contains(&code) => Ok(Fault::Status(code)),
                _ => Err(FaultError::NotAStatus {
                    got: crate::excerpt(arg).into_owned(),
                }),
            },
            "rate_limit" => Ok(Fault::RateLimit(number("rate_limit", "seconds")?)),
            "timeout" => Ok(Fault::Timeout),
            "malformed" => Ok(Fault::Malformed),
            "reset" => Ok(Fault::Reset),
            "late" => Ok(Fault::Late(Duration::from_millis(number(
                "late",
                "milliseconds",
            )?))),
            "reset_after" => Ok(Fault::ResetAfter),
            "hold_after" => Ok(Fault::HoldAfter),
            _ => Err(FaultError::Unknown {
                got: crate::excerpt(text).into_owned(),
            }),
        }
    }
}

/// Marks a response whose answer a fault broke or withheld (a response extension: never
/// sent to the client).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Injected(pub &'static str);

/// The status to write in a request log: the status line, or what the fault did to it
/// (`200, then reset (injected reset_after)`), so a broken answer is never logged as a
/// plain 200.
pub fn logged_status(response: &Response) -> String {
    let status = response.status().as_u16();
    match response.extensions().get::<Injected>() {
        Some(Injected(what)) => format!("{status}, then {what}"),
        None => status.to_string(),
    }
}

#[derive(Debug, Clone)]
struct Queued {
    fault: Fault,
    /// Matching requests to let through before the fault applies.
    skip: u32,
    remaining: u32,
    /// Only requests whose path contains this are affected.
    path_contains: Option<String>,
}

/// Faults waiting to be applied to the next matching requests of one simulator.
#[derive(Debug, Clone)]
pub struct Faults {
    queue: Arc<Mutex<VecDeque<Queued>>>,
    /// Wakes requests held by a `timeout` or `hold_after` fault when the server stops.
    closing: Arc<tokio::sync::Notify>,
    /// How many requests a `late`, `reset_after` or `hold_after` fault has sent to the
    /// simulator that it has not finished processing.
    in_flight: Arc<watch::Sender<usize>>,
}

impl Default for Faults {
    fn default() -> Self {
        Faults {
            queue: Arc::default(),
            closing: Arc::default(),
            in_flight: Arc::new(watch::channel(0).0),
        }
    }
}

impl Faults {
    /// Applies `fault` to the next `times` requests whose path contains `path_contains`
    /// (all requests when `None`).
    pub fn push(&self, fault: Fault, times: u32, path_contains: Option<String>) {
        self.push_after(0, fault, times, path_contains);
    }

    /// Like [`Faults::push`], but lets the first `skip` matching requests through: a
    /// fault in the middle of a flow (after its 3DS Method, at its pay-in) rather than at
    /// its first call.
    pub fn push_after(&self, skip: u32, fault: Fault, times: u32, path_contains: Option<String>) {
        if times == 0 {
            return;
        }
        if let Ok(mut q) = self.queue.lock() {
            q.push_back(Queued {
                fault,
                skip,
                remaining: times,
                path_contains,
            });
        }
    }

    /// Drops every queued fault.
    pub fn clear(&self) {
        if let Ok(mut q) = self.queue.lock() {
            q.clear();
        }
    }

    /// Ends every request a `timeout` or `hold_after` fault is holding (they answer 504),
    /// so that a server shutting down is not kept waiting by them.
    pub fn release_held(&self) {
        self.closing.notify_waiters();
    }

    /// Waits until every request a `late`, `reset_after` or `hold_after` fault sent on has
    /// been processed by the simulator (a late original has landed), however its client
    /// fared.
    pub async fn settled(&self) {
        let mut seen = self.in_flight.subscribe();
        // The sender lives as long as `self`, so this only returns once the count is 0.
        let _ = seen.wait_for(|n| *n == 0).await;
    }

    /// Takes the first queued fault matching `path`.
    pub fn take(&self, path: &str) -> Option<Fault> {
        let mut q = self.queue.lock().ok()?;
        let index = q.iter().position(|f| {
            f.path_contains
                .as_deref()
                .is_none_or(|needle| path.contains(needle))
        })?;
        let entry = q.get_mut(index)?;
        if entry.skip > 0 {
            entry.skip -= 1;
            return None;
        }
        entry.remaining = entry.remaining.saturating_sub(1);
        let fault = entry.fault.clone();
        if entry.remaining == 0 {
            q.remove(index);
        }
        Some(fault)
    }

    /// Runs the simulator on `request` after `delay`, in a task of its own: a real server
    /// keeps processing a request whose client hung up, and so does this one.
    async fn act(&self, request: Request, next: Next, delay: Duration) -> Response {
        let counted = InFlight::enter(&self.in_flight);
        let task = tokio::spawn(async move {
            let _counted = counted;
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            next.run(request).await
        });
        task.await
            .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
    }

    /// Holds the connection open until the client gives up or the server stops.
    async fn hold(&self) {
        // Long enough for any client timeout; the task ends when the client hangs up or
        // the server stops.
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(3600)) => {}
            _ = self.closing.notified() => {}
        }
    }
}

/// One request counted in [`Faults::settled`]'s tally until it is dropped (also when the
/// simulator's task ends abnormally, so `settled` cannot wait forever).
struct InFlight(Arc<watch::Sender<usize>>);

impl InFlight {
    fn enter(tally: &Arc<watch::Sender<usize>>) -> Self {
        tally.send_modify(|n| *n += 1);
        InFlight(tally.clone())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.send_modify(|n| *n = n.saturating_sub(1));
    }
}

/// Axum middleware: applies the request's fault header, else the next queued fault.
pub async fn inject(State(faults): State<Faults>, request: Request, next: Next) -> Response {
    let from_header = request
        .headers()
        .get(FAULT_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(Fault::from_str);
    let fault = match from_header {
        Some(Ok(fault)) => Some(fault),
        Some(Err(error)) => return (StatusCode::BAD_REQUEST, error.to_string()).into_response(),
        None => faults.take(request.uri().path()),
    };
    match fault {
        None => next.run(request).await,
        Some(Fault::Latency(delay)) => {
            tokio::time::sleep(delay).await;
            next.run(request).await
        }
        Some(Fault::Late(delay)) => faults.act(request, next, delay).await,
        Some(Fault::ResetAfter) => {
            let processed = faults.act(request, next, Duration::ZERO).await;
            let (mut parts, _) = processed.into_parts();
            if matches!(parts.status.as_u16(), 204 | 304) {
                // A bodiless status would be read as complete before the body breaks.
                parts.status = StatusCode::OK;
            }
            parts.headers.remove(axum::http::header::CONTENT_LENGTH);
            let mut broken = Response::from_parts(parts, broken_body());
            broken
                .extensions_mut()
                .insert(Injected("reset (injected reset_after)"));
            broken
        }
        Some(Fault::HoldAfter) => {
            let processed = faults.act(request, next, Duration::ZERO).await;
            drop(processed);
            faults.hold().await;
            gave_up("withheld (injected hold_after)")
        }
        Some(fault) => respond(fault, &faults).await,
    }
}

/// A body that fails at once: the client gets the status line and headers, then a broken
/// connection.
fn broken_body() -> Body {
    Body::from_stream(futures_util::stream::once(async {
        Err::<bytes::Bytes, _>(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "injected connection reset",
        ))
    }))
}

/// The 504 a held request ends with when the server stops.
fn gave_up(what: &'static str) -> Response {
    let mut response = StatusCode::GATEWAY_TIMEOUT.into_response();
    response.extensions_mut().insert(Injected(what));
    response
}

async fn respond(fault: Fault, faults: &Faults) -> Response {
    match fault {
        Fault::Latency(_) | Fault::Late(_) | Fault::ResetAfter | Fault::HoldAfter => {
            StatusCode::OK.into_response()
        }
        Fault::Status(code) => StatusCode::from_u16(code)
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
            .into_response(),
        Fault::RateLimit(seconds) => {
            let mut response = StatusCode::TOO_MANY_REQUESTS.into_response();
            if let Ok(v) = HeaderValue::from_str(&seconds.to_string()) {
                response.headers_mut().insert("retry-after", v);
            }
            response
        }
        Fault::Timeout => {
            faults.hold().await;
            gave_up("withheld (injected timeout)")
        }
        Fault::Malformed => (
            StatusCode::OK,
            [("content-type", "application/json")],
            "{\"id\": \"sid_trunc",
        )
            .into_response(),
        Fault::Reset => {
            let mut response = (
                StatusCode::OK,
                [("content-type", "application/json")],
                broken_body(),
            )
                .into_response();
            response
                .extensions_mut()
                .insert(Injected("reset (injected reset)"));
            response
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_grammar() {
        assert_eq!(
            "latency=250".parse(),
            Ok(Fault::Latency(Duration::from_millis(250)))
        );
        assert_eq!("status=503".parse(), Ok(Fault::Status(503)));
        assert_eq!("rate_limit=2".parse(), Ok(Fault::RateLimit(2)));
        assert_eq!("timeout".parse(), Ok(Fault::Timeout));
        assert_eq!(" reset ".parse(), Ok(Fault::Reset));
        assert_eq!(
            "late=300".parse(),
            Ok(Fault::Late(Duration::from_millis(300)))
        );
        assert_eq!("reset_after".parse(), Ok(Fault::ResetAfter));
        assert_eq!("hold_after".parse(), Ok(Fault::HoldAfter));
        assert_eq!(
            "late".parse::<Fault>(),
            Err(FaultError::NotANumber {
                fault: "late",
                unit: "milliseconds",
                got: String::new()
            })
        );
        assert_eq!(
            "status=99".parse::<Fault>().unwrap_err().to_string(),
            "fault 'status' needs an HTTP status 100-599, got '99'"
        );
        assert!("explode"
            .parse::<Fault>()
            .unwrap_err()
            .to_string()
            .starts_with("unknown fault 'explode'"));
    }

    #[test]
    fn queued_faults_count_down_and_match_paths() {
        let faults = Faults::default();
        faults.push(Fault::Status(502), 2, Some("/sessions".into()));
        assert_eq!(faults.take("/oauth/token"), None);
        assert_eq!(faults.take("/sessions/sid_1"), Some(Fault::Status(502)));
        assert_eq!(faults.take("/sessions"), Some(Fault::Status(502)));
        assert_eq!(faults.take("/sessions"), None);
    }

    #[test]
    fn a_fault_can_wait_for_later_requests() {
        let faults = Faults::default();
        faults.push_after(2, Fault::Reset, 1, Some("/payins".into()));
        assert_eq!(faults.take("/token"), None);
        assert_eq!(faults.take("/payins/1"), None);
        assert_eq!(faults.take("/payins/2"), None);
        assert_eq!(faults.take("/payins/3"), Some(Fault::Reset));
        assert_eq!(faults.take("/payins/4"), None);
    }
}
