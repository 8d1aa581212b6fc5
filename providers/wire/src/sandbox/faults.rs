//! Fault injection: make a simulator misbehave on request.
//!
//! A fault comes either from the `X-Sandbox-Fault` header of the request itself, or from
//! a queue filled ahead of time ([`Faults::push`], exposed by the sandbox server as
//! `POST /_sandbox/faults`), so that clients which cannot add headers (official SDKs)
//! can be tested too. Grammar, one fault per value:
//!
//! | value | effect |
//! |---|---|
//! | `latency=MS` | waits MS milliseconds, then answers normally |
//! | `status=CODE` | answers CODE with an empty body |
//! | `rate_limit=SECS` | answers 429 with `Retry-After: SECS` |
//! | `timeout` | never answers (the connection stays open until the client gives up) |
//! | `malformed` | answers 200 with a truncated JSON body |
//! | `reset` | sends the status line and headers, then breaks the connection |

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::VecDeque;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

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
}

impl FromStr for Fault {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let (name, arg) = text.split_once('=').unwrap_or((text, ""));
        let number = |what: &str| {
            arg.parse::<u64>()
                .map_err(|_| format!("fault '{name}' needs a number of {what}, got '{arg}'"))
        };
        match name {
            "latency" => Ok(Fault::Latency(Duration::from_millis(number("milliseconds")?))),
            "status" => match arg.parse::<u16>() {
                Ok(code) if (100..600).contains(&code) => Ok(Fault::Status(code)),
                _ => Err(format!("fault 'status' needs an HTTP status 100-599, got '{arg}'")),
            },
            "rate_limit" => Ok(Fault::RateLimit(number("seconds")?)),
            "timeout" => Ok(Fault::Timeout),
            "malformed" => Ok(Fault::Malformed),
            "reset" => Ok(Fault::Reset),
            _ => Err(format!(
                "unknown fault '{text}' (expected latency=MS, status=CODE, rate_limit=SECS, timeout, malformed or reset)"
            )),
        }
    }
}

#[derive(Debug, Clone)]
struct Queued {
    fault: Fault,
    remaining: u32,
    /// Only requests whose path contains this are affected.
    path_contains: Option<String>,
}

/// Faults waiting to be applied to the next matching requests of one simulator.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    queue: Arc<Mutex<VecDeque<Queued>>>,
    /// Wakes requests held by a `timeout` fault when the server stops.
    closing: Arc<tokio::sync::Notify>,
}

impl Faults {
    /// Applies `fault` to the next `times` requests whose path contains `path_contains`
    /// (all requests when `None`).
    pub fn push(&self, fault: Fault, times: u32, path_contains: Option<String>) {
        if times == 0 {
            return;
        }
        if let Ok(mut q) = self.queue.lock() {
            q.push_back(Queued {
                fault,
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

    /// Ends every request a `timeout` fault is holding (they answer 504), so that a
    /// server shutting down is not kept waiting by them.
    pub fn release_held(&self) {
        self.closing.notify_waiters();
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
        entry.remaining -= 1;
        let fault = entry.fault.clone();
        if entry.remaining == 0 {
            q.remove(index);
        }
        Some(fault)
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
        Some(Err(message)) => return (StatusCode::BAD_REQUEST, message).into_response(),
        None => faults.take(request.uri().path()),
    };
    match fault {
        None => next.run(request).await,
        Some(Fault::Latency(delay)) => {
            tokio::time::sleep(delay).await;
            next.run(request).await
        }
        Some(fault) => respond(fault, &faults).await,
    }
}

async fn respond(fault: Fault, faults: &Faults) -> Response {
    match fault {
        Fault::Latency(_) => StatusCode::OK.into_response(),
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
            // Long enough for any client timeout; the task ends when the client hangs up
            // or the server stops.
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_secs(3600)) => {}
                _ = faults.closing.notified() => {}
            }
            StatusCode::GATEWAY_TIMEOUT.into_response()
        }
        Fault::Malformed => (
            StatusCode::OK,
            [("content-type", "application/json")],
            "{\"id\": \"sid_trunc",
        )
            .into_response(),
        Fault::Reset => {
            let broken = futures_util::stream::once(async {
                Err::<bytes::Bytes, _>(std::io::Error::new(
                    std::io::ErrorKind::ConnectionReset,
                    "injected connection reset",
                ))
            });
            (
                StatusCode::OK,
                [("content-type", "application/json")],
                Body::from_stream(broken),
            )
                .into_response()
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
        assert!("status=99".parse::<Fault>().is_err());
        assert!("explode"
            .parse::<Fault>()
            .unwrap_err()
            .contains("unknown fault"));
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
}
