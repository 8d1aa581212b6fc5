//! The HTTP transport every provider client sends through.
//!
//! What is common to the four PSPs lives here so that each client only says *what* it
//! sends: a timeout on every call, a capped response body, and one retry policy.
//!
//! # Retry policy
//!
//! A request is sent again only when doing so cannot create a second effect at the PSP:
//!
//! * a request that provably never reached the PSP (connection refused, DNS or TLS
//!   connect failure) is retried whatever its method;
//! * a request marked [`Replay::Safe`] (a GET, or a POST whose idempotency key the PSP
//!   honours) is also retried after a timeout, a broken connection, a 5xx or a 429;
//! * anything else is returned to the caller after the first answer or failure. A
//!   Checkout `POST /sessions` that timed out may have created a session, so it is never
//!   replayed blindly.
//!
//! Waits grow exponentially from [`HttpSettings::backoff`]; a 429's `Retry-After`
//! (seconds or HTTP date) replaces the computed wait when it is not longer than
//! [`HttpSettings::max_retry_after`], and a longer one ends the retries so the caller can
//! report it.

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
/// The HTTP method of a [`Request`], re-exported so a PSP written outside this workspace
/// needs no direct dependency on reqwest to build one.
pub use reqwest::Method;
use std::time::{Duration, SystemTime};

/// Timeouts, retry counts and limits for one client.
#[derive(Debug, Clone)]
pub struct HttpSettings {
    /// Whole-call deadline for one attempt (connect, send, read the full body).
    pub timeout: Duration,
    /// Deadline for establishing the connection.
    pub connect_timeout: Duration,
    /// Attempts in total, including the first (1 disables retries).
    pub max_attempts: u32,
    /// First wait between attempts; doubled after each retry.
    pub backoff: Duration,
    /// The longest `Retry-After` the transport waits for by itself.
    pub max_retry_after: Duration,
    /// Response bodies larger than this are cut off and reported as an error.
    pub max_body_bytes: usize,
}

impl Default for HttpSettings {
    fn default() -> Self {
        HttpSettings {
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            max_attempts: 3,
            backoff: Duration::from_millis(250),
            max_retry_after: Duration::from_secs(10),
            max_body_bytes: 1 << 20,
        }
    }
}

/// Whether a request may be sent a second time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Replay {
    /// A GET, or a POST whose idempotency key makes a duplicate harmless.
    Safe,
    /// Sent again only when it provably never reached the PSP.
    OnlyUnsent,
}

/// One request, reusable across attempts.
///
/// Header values are marked sensitive (reqwest then redacts them from `Debug`), and the
/// type has no `Debug` of its own: the body may hold a card number.
pub struct Request {
    pub method: Method,
    pub url: String,
    /// Names the call in errors and logs (`checkout.create_session`).
    pub operation: &'static str,
    pub headers: HeaderMap,
    pub body: Option<Bytes>,
    pub replay: Replay,
}

impl Request {
    pub fn new(method: Method, url: impl Into<String>, operation: &'static str) -> Self {
        let replay = if method == Method::GET {
            Replay::Safe
        } else {
            Replay::OnlyUnsent
        };
        Request {
            method,
            url: url.into(),
            operation,
            headers: HeaderMap::new(),
            body: None,
            replay,
        }
    }

    /// Adds a header; the value is marked sensitive. A value that is not a valid header
    /// (a control character in a key, say) is an error naming the header, not the value.
    pub fn header(mut self, name: &'static str, value: &str) -> Result<Self, TransportError> {
        let mut v = HeaderValue::from_str(value).map_err(|_| TransportError::Build {
            operation: self.operation,
            detail: format!("header {name} holds a character HTTP headers cannot carry"),
        })?;
        v.set_sensitive(true);
        self.headers.insert(HeaderName::from_static(name), v);
        Ok(self)
    }

    /// Sets a JSON body from already-serialized bytes.
    pub fn json_body(self, body: Vec<u8>) -> Self {
        self.body_with_type(body, "application/json")
    }

    /// Sets an `application/x-www-form-urlencoded` body.
    pub fn form_body(self, body: String) -> Self {
        self.body_with_type(body.into_bytes(), "application/x-www-form-urlencoded")
    }

    fn body_with_type(mut self, body: Vec<u8>, content_type: &'static str) -> Self {
        self.headers.insert(
            reqwest::header::CONTENT_TYPE,
            HeaderValue::from_static(content_type),
        );
        self.body = Some(Bytes::from(body));
        self
    }

    pub fn replay(mut self, replay: Replay) -> Self {
        self.replay = replay;
        self
    }
}

/// A complete HTTP answer, whatever its status.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
    /// How many attempts it took.
    pub attempts: u32,
}

impl Response {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// `Retry-After` as a duration from now (RFC 9110: delay-seconds or HTTP-date).
    pub fn retry_after(&self) -> Option<Duration> {
        parse_retry_after(self.header("retry-after")?, SystemTime::now())
    }
}

/// Why no HTTP answer came back. The messages name the call and the host, never a
/// header or body.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TransportError {
    #[error("{operation}: could not connect to {host} after {attempts} attempt(s) ({detail}); the request was not sent")]
    NotSent {
        operation: &'static str,
        host: String,
        detail: String,
        attempts: u32,
    },
    #[error("{operation}: no answer from {host} within {timeout_ms} ms (attempt {attempts}); the PSP may have processed the request")]
    TimedOut {
        operation: &'static str,
        host: String,
        timeout_ms: u128,
        attempts: u32,
    },
    #[error("{operation}: the exchange with {host} broke after the request was sent ({detail}, attempt {attempts}); the PSP may have processed the request")]
    Interrupted {
        operation: &'static str,
        host: String,
        detail: String,
        attempts: u32,
    },
    #[error("{operation}: the response from {host} exceeds {limit} bytes")]
    TooLarge {
        operation: &'static str,
        host: String,
        limit: usize,
    },
    #[error("{operation}: cannot build the request: {detail}")]
    Build {
        operation: &'static str,
        detail: String,
    },
}

impl TransportError {
    /// True when the PSP cannot have acted on the request.
    pub fn not_sent(&self) -> bool {
        matches!(
            self,
            TransportError::NotSent { .. } | TransportError::Build { .. }
        )
    }

    /// A short machine-readable word for reports (`timeout`, `not_sent`, ...).
    pub fn kind(&self) -> &'static str {
        match self {
            TransportError::NotSent { .. } => "not_sent",
            TransportError::TimedOut { .. } => "timeout",
            TransportError::Interrupted { .. } => "interrupted",
            TransportError::TooLarge { .. } => "response_too_large",
            TransportError::Build { .. } => "invalid_request",
        }
    }
}

/// A reqwest client plus the settings it was built with.
#[derive(Debug, Clone)]
pub struct Transport {
    client: reqwest::Client,
    settings: HttpSettings,
}

impl Transport {
    pub fn new(settings: HttpSettings) -> Result<Self, TransportError> {
        let client = reqwest::Client::builder()
            .connect_timeout(settings.connect_timeout)
            .timeout(settings.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("threeds-bridge/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| TransportError::Build {
                operation: "http.client",
                detail: e.without_url().to_string(),
            })?;
        Ok(Transport { client, settings })
    }

    pub fn settings(&self) -> &HttpSettings {
        &self.settings
    }

    /// Sends `request`, retrying as the module documentation says.
    pub async fn send(&self, request: &Request) -> Result<Response, TransportError> {
        let host = host_of(&request.url);
        let mut attempt = 0u32;
        let mut wait = self.settings.backoff;
        loop {
            attempt += 1;
            let last = attempt >= self.settings.max_attempts.max(1);
            match self.attempt(request, &host, attempt).await {
                Ok(response) => {
                    let retryable = request.replay == Replay::Safe
                        && (response.status == 429 || response.status >= 500);
                    if !retryable || last {
                        return Ok(response);
                    }
                    let pause = match (response.status, response.retry_after()) {
                        (429, Some(after)) if after > self.settings.max_retry_after => {
                            return Ok(response)
                        }
                        (429, Some(after)) => after,
                        _ => wait,
                    };
                    tracing::debug!(
                        operation = request.operation,
                        status = response.status,
                        attempt,
                        "retrying after HTTP status"
                    );
                    tokio::time::sleep(pause).await;
                }
                Err(error) => {
                    // A request that could not be built fails the same way every time.
                    let retryable = match error {
                        TransportError::NotSent { .. } => true,
                        TransportError::TimedOut { .. } | TransportError::Interrupted { .. } => {
                            request.replay == Replay::Safe
                        }
                        TransportError::TooLarge { .. } | TransportError::Build { .. } => false,
                    };
                    if !retryable || last {
                        return Err(error);
                    }
                    tracing::debug!(
                        operation = request.operation,
                        kind = error.kind(),
                        attempt,
                        "retrying after transport failure"
                    );
                    tokio::time::sleep(wait).await;
                }
            }
            wait = wait.saturating_mul(2);
        }
    }

    async fn attempt(
        &self,
        request: &Request,
        host: &str,
        attempt: u32,
    ) -> Result<Response, TransportError> {
        let mut builder = self
            .client
            .request(request.method.clone(), &request.url)
            .headers(request.headers.clone());
        if let Some(body) = &request.body {
            builder = builder.body(body.clone());
        }
        let classify = |e: reqwest::Error| self.classify(request.operation, host, attempt, e);
        let mut response = builder.send().await.map_err(classify)?;
        let status = response.status().as_u16();
        let headers = std::mem::take(response.headers_mut());
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(classify)? {
            if body.len() + chunk.len() > self.settings.max_body_bytes {
                return Err(TransportError::TooLarge {
                    operation: request.operation,
                    host: host.to_owned(),
                    limit: self.settings.max_body_bytes,
                });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Response {
            status,
            headers,
            body: Bytes::from(body),
            attempts: attempt,
        })
    }

    fn classify(
        &self,
        operation: &'static str,
        host: &str,
        attempts: u32,
        error: reqwest::Error,
    ) -> TransportError {
        let host = host.to_owned();
        if error.is_connect() {
            return TransportError::NotSent {
                operation,
                host,
                detail: root_cause(&error),
                attempts,
            };
        }
        if error.is_timeout() {
            return TransportError::TimedOut {
                operation,
                host,
                timeout_ms: self.settings.timeout.as_millis(),
                attempts,
            };
        }
        if error.is_builder() {
            return TransportError::Build {
                operation,
                detail: root_cause(&error),
            };
        }
        TransportError::Interrupted {
            operation,
            host,
            detail: root_cause(&error),
            attempts,
        }
    }
}

/// The innermost error message, which says what actually happened ("connection refused")
/// without the URL reqwest would prefix.
fn root_cause(error: &reqwest::Error) -> String {
    let mut source: &dyn std::error::Error = error;
    while let Some(next) = source.source() {
        source = next;
    }
    source.to_string()
}

/// `scheme://host[:port]` of a URL, for error messages (no path, no query).
pub fn host_of(url: &str) -> String {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    let end = url[after_scheme..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| after_scheme + i);
    url[..end].to_owned()
}

/// Parses a `Retry-After` value relative to `now`.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Joins a base URL and a path with exactly one slash between them.
pub fn join_url(base: &str, path: &str) -> String {
    format!(
        "{}/{}",
        base.trim_end_matches('/'),
        path.trim_start_matches('/')
    )
}

/// Why `id` cannot stand as one segment of a URL path, if it cannot: empty, `.` or `..`
/// (which URL parsers resolve as "this" and "the parent" directory, so an id taken from a
/// notification could send a call to another endpoint; percent-encoding does not help,
/// since `%2e%2e` is resolved the same way), or holding `/`, `\`, `?`, `#`, `%` or a control
/// character, which end, reshape or re-encode the path.
pub fn path_id_problem(id: &str) -> Option<&'static str> {
    if id.is_empty() {
        return Some("it is empty");
    }
    if id == "." || id == ".." {
        return Some("it is a '.' or '..' path segment");
    }
    if id.chars().any(char::is_control) {
        return Some("it holds a control character");
    }
    if id.contains(['/', '\\', '?', '#', '%']) {
        return Some("it holds '/', '\\', '?', '#' or '%'");
    }
    None
}

/// `id` percent-encoded as one path segment, or a build error naming `operation` and
/// `what` the id is when it cannot be one ([`path_id_problem`]).
pub fn path_segment(
    operation: &'static str,
    what: &str,
    id: &str,
) -> Result<String, TransportError> {
    match path_id_problem(id) {
        None => Ok(encode_component(id)),
        Some(problem) => Err(TransportError::Build {
            operation,
            detail: format!(
                "the {what} '{}' cannot be used in a URL: {problem}",
                crate::excerpt(id)
            ),
        }),
    }
}

/// Percent-encodes one path segment or form value (RFC 3986 unreserved characters pass).
pub fn encode_component(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decodes `application/x-www-form-urlencoded` text into pairs. Invalid escapes are kept
/// verbatim rather than dropped.
pub fn decode_form(text: &str) -> Vec<(String, String)> {
    text.split('&')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let (k, v) = part.split_once('=').unwrap_or((part, ""));
            (decode_component(k), decode_component(v))
        })
        .collect()
}

/// Encodes pairs as `application/x-www-form-urlencoded`.
pub fn encode_form<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    pairs
        .into_iter()
        .map(|(k, v)| format!("{}={}", encode_component(k), encode_component(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn decode_component(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(hi), Some(lo)) => {
                    out.push(hi << 4 | lo);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_480);
        assert_eq!(parse_retry_after("7", now), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:10 GMT", now),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn host_of_drops_path_and_query() {
        assert_eq!(
            host_of("https://api.sandbox.checkout.com/sessions/sid_1?x=1"),
            "https://api.sandbox.checkout.com"
        );
        assert_eq!(host_of("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
    }

    #[test]
    fn form_round_trip_keeps_reserved_characters() {
        let encoded = encode_form([("grant_type", "client_credentials"), ("scope", "a b+c/=")]);
        assert_eq!(
            encoded,
            "grant_type=client_credentials&scope=a%20b%2Bc%2F%3D"
        );
        assert_eq!(
            decode_form(&encoded),
            vec![
                ("grant_type".to_owned(), "client_credentials".to_owned()),
                ("scope".to_owned(), "a b+c/=".to_owned())
            ]
        );
        assert_eq!(
            decode_form("a=%zz&b=%4"),
            vec![
                ("a".to_owned(), "%zz".to_owned()),
                ("b".to_owned(), "%4".to_owned())
            ]
        );
    }

    #[test]
    fn join_url_has_one_slash() {
        assert_eq!(
            join_url("http://h/checkout/", "/sessions"),
            "http://h/checkout/sessions"
        );
        assert_eq!(join_url("http://h", "sessions"), "http://h/sessions");
    }
}
