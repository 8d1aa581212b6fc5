//! The local PSP sandbox: every registered PSP's simulator on one loopback listener.
//!
//! Each simulator is nested under its own prefix with the PSP's paths unchanged, so
//! `http://ADDR/mangopay/v2.01/` is a Mangopay base URL and `http://ADDR/checkout/` a
//! Checkout one. Every simulator sits behind the fault-injection layer
//! ([`threeds_wire::sandbox::faults`]). Control endpoints for tests and demos:
//!
//! * `POST /_sandbox/faults` `{"provider":"checkout","fault":"status=503","times":2,"path":"/sessions"}`
//!   queues a fault (`times` defaults to 1, `path` to any path); `DELETE /_sandbox/faults`
//!   clears all;
//! * `GET /_sandbox/deliveries` lists the webhooks and callbacks sent, with the receiver's
//!   status; `POST /_sandbox/deliveries/{seq}/redeliver` sends one again (a duplicate);
//! * `POST /_sandbox/clock` `{"advance_secs": 3600}` moves every simulator's clock forward
//!   (challenge expiry, token lifetime and retention without waiting).
//! * `GET /_sandbox/records` lists what the simulators created (`objects`: every
//!   authentication, session and pay-in still kept, with its PSP state, its merchant
//!   reference and whether it moves money) and the requests they received (`requests`:
//!   method, path, the answer's status or what a fault did to it, and whether it was an
//!   HTML page, i.e. a step the cardholder's browser shows or runs). Reports that must
//!   not trust a client's own account (the routing simulation) count from these.
//!
//! A long run stays bounded: what clients created is forgotten after
//! [`SandboxOptions::retention`], and each connection must send its request header within
//! [`ConnectionLimits::header_read`] and may wait at most [`ConnectionLimits::idle`]
//! between requests ([`threeds_wire::sandbox::listener`]). A path a simulator does not
//! cover answers 501 in that PSP's error shape.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use threeds_wire::sandbox::{
    faults, Clock, ConnectionLimits, Fault, Faults, Outbox, Record, SimSettings, Simulator,
    TimedListener, DEFAULT_RETENTION,
};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// How to run the sandbox.
#[derive(Debug, Clone)]
pub struct SandboxOptions {
    /// `127.0.0.1:0` picks a free port.
    pub listen: SocketAddr,
    /// How long a challenge waits before the authentication expires.
    pub challenge_ttl: Duration,
    /// Where Checkout workflow webhooks and PXP merchant-group webhooks are sent (both
    /// PSPs configure this in their dashboards, not through the API).
    pub webhook_url: Option<String>,
    /// Print one line per request to stderr (method, path without query, status, time).
    /// Bodies, headers and queries are never printed: they carry card data and secrets.
    pub log_requests: bool,
    /// How long what clients created (sessions, pay-ins, authentications, stored answers,
    /// delivery log entries) is kept.
    pub retention: Duration,
    /// Header-read and idle limits of each connection.
    pub limits: ConnectionLimits,
    /// The clock the simulators read; a test keeps a clone to advance it.
    pub clock: Clock,
}

impl Default for SandboxOptions {
    fn default() -> Self {
        SandboxOptions {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            challenge_ttl: Duration::from_secs(600),
            webhook_url: None,
            log_requests: false,
            retention: DEFAULT_RETENTION,
            limits: ConnectionLimits::default(),
            clock: Clock::default(),
        }
    }
}

/// How many requests the log keeps; older ones are dropped first, so a long run stays
/// bounded.
pub const LOGGED_REQUESTS: usize = 100_000;

/// One request a simulator received, as the sandbox's log keeps it. Neither bodies,
/// headers nor queries are kept: they carry card data and secrets.
#[derive(Debug, Clone, Serialize)]
pub struct LoggedRequest {
    /// Its place among all requests the sandbox received (gaps: dropped from the log).
    pub seq: u64,
    /// The simulator it went to.
    pub simulator: &'static str,
    pub method: String,
    /// Below the simulator's prefix, without the query.
    pub path: String,
    /// The status sent, or what an injected fault did to it (`200, then reset (injected
    /// reset)`); null while the request is held, or when the client left before an answer.
    pub answer: Option<String>,
    /// Whether the answer was an HTML page: a page the cardholder's browser shows or runs
    /// (a 3DS Method frame, a challenge), never an API answer.
    pub page: bool,
    /// When it arrived (the simulators' clock).
    #[serde(skip)]
    pub at: Instant,
    /// When it arrived, in milliseconds since the sandbox started.
    pub at_ms: u64,
}

/// The request log every simulator writes to.
#[derive(Clone)]
struct RequestLog {
    entries: Arc<Mutex<LogEntries>>,
    clock: Clock,
    started: Instant,
}

#[derive(Default)]
struct LogEntries {
    next_seq: u64,
    kept: VecDeque<LoggedRequest>,
}

impl RequestLog {
    fn new(clock: Clock) -> Self {
        RequestLog {
            started: clock.now(),
            clock,
            entries: Arc::default(),
        }
    }

    /// Logs a request as it arrives and returns its number.
    fn arrived(&self, simulator: &'static str, method: &str, path: &str) -> u64 {
        let at = self.clock.now();
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let seq = entries.next_seq;
        entries.next_seq += 1;
        if entries.kept.len() >= LOGGED_REQUESTS {
            entries.kept.pop_front();
        }
        entries.kept.push_back(LoggedRequest {
            seq,
            simulator,
            method: method.to_owned(),
            path: path.to_owned(),
            answer: None,
            page: false,
            at,
            at_ms: u64::try_from(at.saturating_duration_since(self.started).as_millis())
                .unwrap_or(u64::MAX),
        });
        seq
    }

    /// Notes the answer request `seq` got.
    fn answered(&self, seq: u64, answer: String, page: bool) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let first = entries.kept.front().map_or(0, |e| e.seq);
        let index = seq.checked_sub(first).and_then(|i| usize::try_from(i).ok());
        if let Some(entry) = index.and_then(|i| entries.kept.get_mut(i)) {
            entry.answer = Some(answer);
            entry.page = page;
        }
    }

    fn requests(&self) -> Vec<LoggedRequest> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries.kept.iter().cloned().collect()
    }

    fn millis(&self, at: Instant) -> u64 {
        u64::try_from(at.saturating_duration_since(self.started).as_millis()).unwrap_or(u64::MAX)
    }
}

/// A sandbox serving in the background of the current tokio runtime.
pub struct RunningSandbox {
    pub addr: SocketAddr,
    /// Every webhook and callback the simulators sent.
    pub outbox: Outbox,
    /// The simulators' clock.
    pub clock: Clock,
    simulators: Arc<Vec<Arc<dyn Simulator>>>,
    log: RequestLog,
    faults: BTreeMap<&'static str, Faults>,
    banners: Vec<(&'static str, Vec<(String, String)>)>,
    shutdown: Option<oneshot::Sender<()>>,
    server: JoinHandle<()>,
    sweeper: JoinHandle<()>,
}

impl RunningSandbox {
    /// `http://ADDR/<provider>`, without a trailing slash.
    pub fn base(&self, provider: &str) -> String {
        format!("http://{}/{provider}", self.addr)
    }

    /// The fault queue of one simulator.
    pub fn faults(&self, provider: &str) -> Option<&Faults> {
        self.faults.get(provider)
    }

    /// What every simulator created and still keeps, each simulator's in creation order.
    pub fn records(&self) -> Vec<Record> {
        self.simulators
            .iter()
            .flat_map(|sim| sim.records())
            .collect()
    }

    /// The requests the simulators received, in arrival order (the last
    /// [`LOGGED_REQUESTS`]).
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.log.requests()
    }

    /// Waits until every request a fault delayed or whose answer it withheld has been
    /// processed by its simulator, so that the records are final.
    pub async fn settled(&self) {
        for queue in self.faults.values() {
            queue.settled().await;
        }
    }

    /// What `threeds-bridge sandbox` prints at start: base URLs and test credentials.
    pub fn banner(&self) -> String {
        let mut out = format!("threeds-bridge sandbox listening on http://{}\n", self.addr);
        for (name, lines) in &self.banners {
            out.push_str(&format!("\n[{name}]\n"));
            for (label, value) in lines {
                out.push_str(&format!("  {label:<22} {value}\n"));
            }
        }
        let addr = self.addr;
        out.push_str(&format!(
            "\n[control]\n  {:<22} POST http://{addr}/_sandbox/faults {{\"provider\":\"checkout\",\"fault\":\"status=503\"}}\n  {:<22} GET http://{addr}/_sandbox/deliveries\n  {:<22} POST http://{addr}/_sandbox/clock {{\"advance_secs\":600}}\n",
            "inject a fault", "webhooks sent", "advance the clock",
        ));
        out
    }

    /// Stops serving and waits for requests in flight; those an injected `timeout` fault
    /// holds are answered 504 at once instead of an hour later.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        self.sweeper.abort();
        for queue in self.faults.values() {
            queue.release_held();
        }
        let _ = (&mut self.server).await;
    }

    /// Serves until the process is stopped.
    pub async fn wait(self) {
        let _ = self.server.await;
    }
}

#[derive(Clone)]
struct Control {
    faults: Arc<BTreeMap<&'static str, Faults>>,
    outbox: Outbox,
    clock: Clock,
    simulators: Arc<Vec<Arc<dyn Simulator>>>,
    log: RequestLog,
}

#[derive(Deserialize)]
struct ClockOrder {
    advance_secs: u64,
}

#[derive(Deserialize)]
struct FaultOrder {
    provider: String,
    fault: String,
    times: Option<u32>,
    path: Option<String>,
}

/// Binds `options.listen` and serves every registered PSP's simulator.
pub async fn start(options: SandboxOptions) -> std::io::Result<RunningSandbox> {
    let listener = TcpListener::bind(options.listen).await?;
    let addr = listener.local_addr()?;
    let clock = options.clock.clone();
    let outbox = Outbox::new(clock.clone(), options.retention);
    let settings = |name: &str| {
        let mut s = SimSettings::new(format!("http://{addr}/{name}"));
        s.challenge_ttl = options.challenge_ttl;
        s.webhook_url = options.webhook_url.clone();
        s.outbox = outbox.clone();
        s.clock = clock.clone();
        s.retention = options.retention;
        s
    };
    let simulators: Arc<Vec<Arc<dyn Simulator>>> = Arc::new(
        crate::psp::all()
            .into_iter()
            .filter_map(|psp| psp.live()?.simulator(settings(psp.id().as_str())))
            .collect(),
    );
    let log = RequestLog::new(clock.clone());

    let mut app = Router::new();
    let mut fault_map = BTreeMap::new();
    let mut banners = Vec::new();
    for sim in simulators.iter() {
        let queue = Faults::default();
        // The log sits outside the faults, so a request a fault answers is logged too.
        let router = sim
            .router()
            .layer(axum::middleware::from_fn_with_state(
                queue.clone(),
                faults::inject,
            ))
            .layer(axum::middleware::from_fn_with_state(
                (log.clone(), sim.name()),
                log_to_records,
            ));
        app = app.nest(&format!("/{}", sim.name()), router);
        fault_map.insert(sim.name(), queue);
        banners.push((sim.name(), sim.banner()));
    }
    let control = Control {
        faults: Arc::new(fault_map.clone()),
        outbox: outbox.clone(),
        clock: clock.clone(),
        simulators: simulators.clone(),
        log: log.clone(),
    };
    let control_routes = Router::new()
        .route("/_sandbox/health", get(|| async { "ok" }))
        .route("/_sandbox/faults", post(queue_fault).delete(clear_faults))
        .route("/_sandbox/deliveries", get(list_deliveries))
        .route("/_sandbox/deliveries/{seq}/redeliver", post(redeliver))
        .route("/_sandbox/clock", post(advance_clock))
        .route("/_sandbox/records", get(list_records))
        .with_state(control);
    let mut app = app.merge(control_routes);
    if options.log_requests {
        app = app.layer(axum::middleware::from_fn(log_request));
    }

    let (tx, rx) = oneshot::channel::<()>();
    let listener = TimedListener::new(listener, options.limits);
    let server = tokio::spawn(async move {
        let serve = axum::serve(listener, app).with_graceful_shutdown(async {
            let _ = rx.await;
        });
        if let Err(e) = serve.await {
            tracing::error!(error = %e, "sandbox server stopped");
        }
    });
    let swept = simulators.clone();
    let sweeper = tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_millis(200));
        loop {
            tick.tick().await;
            for sim in swept.iter() {
                sim.sweep();
            }
        }
    });
    Ok(RunningSandbox {
        addr,
        outbox,
        clock,
        simulators,
        log,
        faults: fault_map,
        banners,
        shutdown: Some(tx),
        server,
        sweeper,
    })
}

async fn log_request(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let started = std::time::Instant::now();
    let response = next.run(request).await;
    eprintln!(
        "{method} {path} -> {} ({} ms)",
        faults::logged_status(&response),
        started.elapsed().as_millis()
    );
    response
}

/// Logs each request a simulator receives, and the answer it got.
async fn log_to_records(
    State((log, simulator)): State<(RequestLog, &'static str)>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let seq = log.arrived(simulator, request.method().as_str(), request.uri().path());
    let response = next.run(request).await;
    let page = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("text/html"));
    log.answered(seq, faults::logged_status(&response), page);
    response
}

async fn queue_fault(
    State(control): State<Control>,
    Json(order): Json<FaultOrder>,
) -> (StatusCode, String) {
    let Some(queue) = control.faults.get(order.provider.as_str()) else {
        return (
            StatusCode::NOT_FOUND,
            format!(
                "no simulator named '{}' (expected {})",
                threeds_wire::excerpt(&order.provider),
                control
                    .faults
                    .keys()
                    .copied()
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
    };
    match order.fault.parse::<Fault>() {
        Ok(fault) => {
            queue.push(fault, order.times.unwrap_or(1), order.path);
            (StatusCode::CREATED, "queued".to_owned())
        }
        Err(error) => (StatusCode::BAD_REQUEST, error.to_string()),
    }
}

async fn clear_faults(State(control): State<Control>) -> StatusCode {
    for queue in control.faults.values() {
        queue.clear();
    }
    StatusCode::NO_CONTENT
}

async fn list_deliveries(State(control): State<Control>) -> Json<serde_json::Value> {
    Json(serde_json::to_value(control.outbox.deliveries()).unwrap_or_default())
}

async fn list_records(State(control): State<Control>) -> Json<serde_json::Value> {
    let objects: Vec<serde_json::Value> = control
        .simulators
        .iter()
        .flat_map(|sim| sim.records())
        .map(|record| {
            let created_ms = control.log.millis(record.created);
            let mut value = serde_json::to_value(record).unwrap_or_default();
            if let Some(object) = value.as_object_mut() {
                object.insert("created_ms".into(), created_ms.into());
            }
            value
        })
        .collect();
    Json(serde_json::json!({
        "objects": objects,
        "requests": control.log.requests(),
    }))
}

async fn advance_clock(
    State(control): State<Control>,
    Json(order): Json<ClockOrder>,
) -> StatusCode {
    control
        .clock
        .advance(Duration::from_secs(order.advance_secs));
    StatusCode::NO_CONTENT
}

async fn redeliver(State(control): State<Control>, Path(seq): Path<usize>) -> (StatusCode, String) {
    match control.outbox.redeliver(seq) {
        Some(new_seq) => (StatusCode::CREATED, new_seq.to_string()),
        None => (StatusCode::NOT_FOUND, format!("no delivery {seq}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpStream;

    fn limited() -> SandboxOptions {
        SandboxOptions {
            limits: ConnectionLimits {
                header_read: Duration::from_millis(300),
                idle: Duration::from_millis(600),
            },
            ..SandboxOptions::default()
        }
    }

    /// Reads until the server closes the connection (or 5 s pass, which fails the test);
    /// returns what was read and how long it took.
    async fn read_to_close(stream: &mut TcpStream) -> (String, Duration) {
        let started = std::time::Instant::now();
        let mut seen = Vec::new();
        let read = tokio::time::timeout(Duration::from_secs(5), async {
            let mut buf = [0u8; 4096];
            loop {
                match stream.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => seen.extend_from_slice(&buf[..n]),
                }
            }
        })
        .await;
        assert!(read.is_ok(), "the server did not close the connection");
        (
            String::from_utf8_lossy(&seen).into_owned(),
            started.elapsed(),
        )
    }

    #[tokio::test]
    async fn silent_and_half_header_connections_are_dropped_after_the_header_timeout() {
        let sandbox = start(limited()).await.unwrap();
        let mut silent = TcpStream::connect(sandbox.addr).await.unwrap();
        let (_, took) = read_to_close(&mut silent).await;
        assert!(took >= Duration::from_millis(250), "{took:?}");

        let mut half = TcpStream::connect(sandbox.addr).await.unwrap();
        half.write_all(b"GET /_sandbox/health HTTP/1.1\r\nHost: sandbox\r\n")
            .await
            .unwrap();
        let (answer, took) = read_to_close(&mut half).await;
        assert!(!answer.contains("200 OK"), "{answer}");
        assert!(took >= Duration::from_millis(250), "{took:?}");
        sandbox.shutdown().await;
    }

    #[tokio::test]
    async fn a_kept_alive_connection_serves_then_closes_when_idle() {
        let sandbox = start(limited()).await.unwrap();
        let mut stream = TcpStream::connect(sandbox.addr).await.unwrap();
        // A slow handler (longer than both limits) is not cut: only waiting is limited.
        stream
            .write_all(
                b"GET /paysafe/threedsecure/monitor HTTP/1.1\r\nHost: sandbox\r\nX-Sandbox-Fault: latency=900\r\n\r\n",
            )
            .await
            .unwrap();
        let (answer, took) = read_to_close(&mut stream).await;
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        assert!(answer.contains("READY"), "{answer}");
        assert!(
            took >= Duration::from_millis(900 + 500),
            "closed after idling: {took:?}"
        );
        sandbox.shutdown().await;
    }

    #[tokio::test]
    async fn the_clock_control_advances_every_simulator() {
        let sandbox = start(SandboxOptions::default()).await.unwrap();
        let before = sandbox.clock.now();
        let r = reqwest::Client::new()
            .post(format!("http://{}/_sandbox/clock", sandbox.addr))
            .json(&serde_json::json!({"advance_secs": 600}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 204);
        assert!(sandbox.clock.now() >= before + Duration::from_secs(600));
        sandbox.shutdown().await;
    }

    #[tokio::test]
    async fn control_endpoints_queue_faults_per_simulator() {
        let sandbox = start(SandboxOptions::default()).await.unwrap();
        let client = reqwest::Client::new();
        let url = format!("http://{}/_sandbox/faults", sandbox.addr);
        let r = client
            .post(&url)
            .json(&serde_json::json!({"provider": "paysafe", "fault": "status=503", "times": 1}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 201);
        let hit = client
            .get(format!("{}/threedsecure/monitor", sandbox.base("paysafe")))
            .send()
            .await
            .unwrap();
        assert_eq!(hit.status().as_u16(), 503);
        let bad = client
            .post(&url)
            .json(&serde_json::json!({"provider": "stripe", "fault": "timeout"}))
            .send()
            .await
            .unwrap();
        assert_eq!(bad.status().as_u16(), 404);
        sandbox.shutdown().await;
    }

    #[tokio::test]
    async fn the_records_list_requests_with_their_answers_even_when_a_fault_answered() {
        let sandbox = start(SandboxOptions::default()).await.unwrap();
        let client = reqwest::Client::new();
        let monitor = format!("{}/threedsecure/monitor", sandbox.base("paysafe"));
        sandbox
            .faults("paysafe")
            .unwrap()
            .push(Fault::Status(503), 1, None);
        assert_eq!(client.get(&monitor).send().await.unwrap().status(), 503);
        assert_eq!(client.get(&monitor).send().await.unwrap().status(), 200);
        let listed: serde_json::Value = client
            .get(format!("http://{}/_sandbox/records", sandbox.addr))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let answers: Vec<&str> = listed["requests"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["answer"].as_str().unwrap_or("none"))
            .collect();
        assert_eq!(answers, ["503", "200"], "{listed}");
        assert_eq!(listed["requests"][0]["simulator"], "paysafe");
        assert_eq!(listed["requests"][0]["page"], false);
        assert_eq!(
            listed["objects"],
            serde_json::json!([]),
            "nothing was created"
        );
        assert_eq!(sandbox.requests().len(), 2);
        sandbox.shutdown().await;
    }

    #[tokio::test]
    async fn shutdown_does_not_wait_for_a_hung_request() {
        let sandbox = start(SandboxOptions::default()).await.unwrap();
        let url = format!("{}/threedsecure/monitor", sandbox.base("paysafe"));
        let hung = tokio::spawn(async move {
            reqwest::Client::new()
                .get(url)
                .header("x-sandbox-fault", "timeout")
                .send()
                .await
        });
        tokio::time::sleep(Duration::from_millis(100)).await;
        let started = std::time::Instant::now();
        sandbox.shutdown().await;
        assert!(started.elapsed() < Duration::from_secs(3));
        let answer = hung.await.unwrap().unwrap();
        assert_eq!(answer.status().as_u16(), 504, "the held request is let go");
    }
}
