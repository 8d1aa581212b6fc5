//! What the service costs over the library flows it runs.
//!
//! Drives complete frictionless authentications of each PSP at a few concurrencies, twice:
//! through the HTTP API of the in-process service (`service::start` with the sandbox and
//! its SQLite store in a temporary file), and through the PSP's flow directly
//! (`LivePsp::flow` over the sandbox account, as `threeds-bridge demo` runs it) against
//! an in-process sandbox of its own. Prints, per PSP and concurrency, the authentications
//! per second and the p50/p99 latency of one whole authentication on each side, and the
//! ratio of the two rates: the service's cost. `scripts/bench-service.sh` runs it;
//! `docs/performance.md` records the numbers.
//!
//! ```text
//! cargo run --release --example bench_service -- [PER_LEVEL] [CONCURRENCIES] [PSPS]
//! ```
//!
//! Each row also shows the CPU time the process spent per authentication, and `http-3x`
//! rows give the floor of three bare HTTP round trips on the same stack.
//! `BENCH_SERVICE_ONLY=1` runs the service side alone (for a profiler).
//!
//! `PER_LEVEL` authentications are timed at each concurrency (default 2000, after a
//! warm-up of as many as the concurrency, at least 50), `CONCURRENCIES` is a comma list
//! (default `1,8,32,64`), `PSPS` a comma list of PSP ids (default all).
//!
//! An authentication is what a merchant and its browser do for the PSP's frictionless
//! demo card: create it (the back end, with an `Idempotency-Key`), post `device_data`
//! while `next_action` asks for it (the browser, with the client secret; a 3DS Method is
//! run against the simulator's ACS on both sides), and `complete` it once final (the back
//! end). The direct side makes the same flow calls. Every authentication must end
//! authenticated, or the bench fails.

mod common;

use common::{expect, Error};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use threeds_bridge::catalog::Catalog;
use threeds_bridge::demo::browser::Browser;
use threeds_bridge::demo::merchant::Receiver;
use threeds_bridge::flow::{AuthenticationFlow, DeviceData, MethodOutcome};
use threeds_bridge::model::{AuthenticationStatus, NextAction};
use threeds_bridge::request::{AuthenticationRequest, Urls};
use threeds_bridge::sandbox::{RunningSandbox, SandboxOptions};
use threeds_bridge::service::{start, ServeOptions};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let mut args = std::env::args().skip(1);
    let per_level: usize = args.next().map_or(Ok(2000), |a| a.parse())?;
    let levels: Vec<usize> = args
        .next()
        .unwrap_or_else(|| "1,8,32,64".into())
        .split(',')
        .map(str::parse)
        .collect::<Result<_, _>>()?;
    let only: Option<Vec<String>> = args
        .next()
        .map(|a| a.split(',').map(str::to_owned).collect());

    let service = start(ServeOptions {
        sandbox: true,
        listen: Some(([127, 0, 0, 1], 0).into()),
        // Neither key from the environment: a generated API key and store key.
        env: Some(|_| None),
        ..ServeOptions::default()
    })
    .await?;
    let api_key = service
        .api_key
        .as_ref()
        .ok_or("the service generated no API key")?
        .expose()
        .to_owned();
    let service_sandbox = service.sandbox().ok_or("the service has no sandbox")?;

    let direct_sandbox = threeds_bridge::sandbox::start(SandboxOptions::default()).await?;
    let receiver = Receiver::start().await?;
    let catalog = Arc::new(Catalog::builtin()?);
    let demos =
        threeds_bridge::demo::setup::all(&direct_sandbox, &receiver, catalog.clone()).await?;
    // The same scenarios set up against the service's sandbox: a Paysafe request carries a
    // device fingerprinting id that only the sandbox which issued it knows.
    let service_demos =
        threeds_bridge::demo::setup::all(service_sandbox, &receiver, catalog).await?;

    println!(
        "{per_level} frictionless authentications per concurrency; service: HTTP API, SQLite \
         store ({}); direct: the PSP's flow",
        service.store_url
    );
    println!(
        "{:<9} {:>5} | {:>8} {:>7} {:>7} {:>7} | {:>8} {:>7} {:>7} {:>7} | {:>5}",
        "psp",
        "conc",
        "svc/s",
        "p50 ms",
        "p99 ms",
        "cpu ms",
        "direct/s",
        "p50 ms",
        "p99 ms",
        "cpu ms",
        "ratio"
    );
    for &concurrency in &levels {
        let floor = http_floor(concurrency, per_level).await?;
        println!(
            "{:<9} {concurrency:>5} | {:>8.0} {:>7.2} {:>7.2} {:>7.3} |",
            "http-3x",
            floor.rate,
            ms(floor.p50),
            ms(floor.p99),
            ms(floor.cpu),
        );
    }
    for demo in demos {
        let psp = demo.provider.to_string();
        if only.as_ref().is_some_and(|o| !o.contains(&psp)) {
            continue;
        }
        let frictionless = |demo: &threeds_bridge::demo::setup::Demo| {
            demo.scenarios
                .iter()
                .find(|s| s.name == "frictionless")
                .map(|s| s.request.clone())
                .ok_or_else(|| format!("{psp} has no frictionless scenario"))
        };
        let direct_request = frictionless(&demo)?;
        let service_request = service_demos
            .iter()
            .find(|d| d.provider == demo.provider)
            .ok_or_else(|| format!("{psp} has no demo against the service's sandbox"))
            .and_then(frictionless)?;
        let direct = Arc::new(Direct {
            flow: Arc::from(demo.flow),
            browser: Browser::new(&direct_sandbox.base(&psp))?,
            request: direct_request,
        });
        for &concurrency in &levels {
            let api = Arc::new(Api::new(
                &service.base_url,
                &api_key,
                &psp,
                service_sandbox,
                &service_request,
                concurrency,
            )?);
            let via_service = run(concurrency, per_level, {
                let api = api.clone();
                move |n| {
                    let api = api.clone();
                    async move { api.authenticate(n).await }
                }
            })
            .await
            .map_err(|e| format!("{psp} through the service: {e}"))?;
            // `BENCH_SERVICE_ONLY=1` leaves the direct side out (for a profiler's run).
            if std::env::var_os("BENCH_SERVICE_ONLY").is_some() {
                println!(
                    "{psp:<9} {concurrency:>5} | {:>8.0} {:>7.2} {:>7.2} {:>7.3} |",
                    via_service.rate,
                    ms(via_service.p50),
                    ms(via_service.p99),
                    ms(via_service.cpu)
                );
                continue;
            }
            let via_flow = run(concurrency, per_level, {
                let direct = direct.clone();
                move |n| {
                    let direct = direct.clone();
                    async move { direct.authenticate(n).await }
                }
            })
            .await
            .map_err(|e| format!("{psp} through the flow: {e}"))?;
            println!(
                "{psp:<9} {concurrency:>5} | {:>8.0} {:>7.2} {:>7.2} {:>7.3} | {:>8.0} {:>7.2} {:>7.2} {:>7.3} | {:>4.0}%",
                via_service.rate,
                ms(via_service.p50),
                ms(via_service.p99),
                ms(via_service.cpu),
                via_flow.rate,
                ms(via_flow.p50),
                ms(via_flow.p99),
                ms(via_flow.cpu),
                100.0 * via_service.rate / via_flow.rate.max(f64::EPSILON),
            );
        }
    }
    direct_sandbox.shutdown().await;
    service.shutdown().await;
    Ok(())
}

/// The floor of what the service's HTTP API adds: per "authentication", the three
/// requests a frictionless one makes to the service (create, `device_data`, `complete`),
/// each a JSON body about as long as the real one, answered by a handler that does nothing
/// but return a JSON object about as long as the authentication object. Same client, same
/// server stack (axum on hyper, loopback, keep-alive), no store and no PSP.
async fn http_floor(concurrency: usize, count: usize) -> Result<Measured, Error> {
    const REQUESTS: usize = 3;
    let answer = Arc::new(json!({"object": "authentication", "padding": "x".repeat(1400)}));
    let app = axum::Router::new().route(
        "/floor",
        axum::routing::post(move |body: axum::body::Bytes| {
            let answer = answer.clone();
            async move {
                let _ = body.len();
                axum::Json(answer.as_ref().clone())
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
    let url = format!("http://{}/floor", listener.local_addr()?);
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency)
        .build()?;
    let body = Arc::new(json!({"request": "x".repeat(1200)}));
    let measured = run(concurrency, count, move |_| {
        let (http, url, body) = (http.clone(), url.clone(), body.clone());
        async move {
            for _ in 0..REQUESTS {
                let response = http.post(&url).json(body.as_ref()).send().await?;
                expect(response, 200).await?;
            }
            Ok(())
        }
    })
    .await;
    server.abort();
    measured
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The rate and latencies of one run, and the CPU time the whole process spent per
/// authentication (client, service or flow, and sandbox together): unlike the rate, it
/// hardly changes with what else the machine runs, so runs on a busy machine compare.
struct Measured {
    rate: f64,
    p50: Duration,
    p99: Duration,
    cpu: Duration,
}

/// The CPU time (user + system) this process has used so far, from `/proc/self/stat`
/// (fields 14 and 15, in clock ticks of `USER_HZ`, which Linux fixes at 100 for this
/// interface); zero where there is no such file.
fn cpu_time() -> Duration {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return Duration::ZERO;
    };
    // The command name (field 2) is in parentheses and may hold spaces: count after it.
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let ticks: u64 = after
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|f| f.parse::<u64>().ok())
        .sum();
    Duration::from_millis(ticks * 10)
}

/// Runs `warm-up + count` authentications with `concurrency` workers, each taking the
/// next number until all are taken; times the last `count`.
async fn run<F, Fut>(concurrency: usize, count: usize, one: F) -> Result<Measured, Error>
where
    F: Fn(usize) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = Result<(), Error>> + Send,
{
    let warm_up = concurrency.max(50);
    batch(concurrency, warm_up, one.clone()).await?;
    let started = Instant::now();
    let cpu_before = cpu_time();
    let mut latencies = batch(concurrency, count, one).await?;
    let took = started.elapsed();
    let cpu = cpu_time().saturating_sub(cpu_before) / count.max(1) as u32;
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    Ok(Measured {
        rate: count as f64 / took.as_secs_f64().max(f64::EPSILON),
        p50: at(0.50),
        p99: at(0.99),
        cpu,
    })
}

/// The number of the next authentication of the whole run: each gets a merchant reference
/// and an idempotency key of its own.
static NUMBER: AtomicUsize = AtomicUsize::new(0);

/// `count` authentications by `concurrency` workers; their latencies.
async fn batch<F, Fut>(concurrency: usize, count: usize, one: F) -> Result<Vec<Duration>, Error>
where
    F: Fn(usize) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = Result<(), Error>> + Send,
{
    let next = Arc::new(AtomicUsize::new(0));
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let next = next.clone();
            let one = one.clone();
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                loop {
                    if next.fetch_add(1, Ordering::Relaxed) >= count {
                        return Ok::<_, Error>(latencies);
                    }
                    let n = NUMBER.fetch_add(1, Ordering::Relaxed);
                    let started = Instant::now();
                    one(n).await?;
                    latencies.push(started.elapsed());
                }
            })
        })
        .collect();
    let mut all = Vec::with_capacity(count);
    for worker in workers {
        all.extend(worker.await??);
    }
    Ok(all)
}

/// The scenario's request with a reference of its own (simulators may refuse a reused one).
fn numbered(request: &AuthenticationRequest, n: usize) -> AuthenticationRequest {
    let mut request = request.clone();
    request.reference = Some(format!("bench-{n:010}"));
    request
}

fn authenticated(psp: &str, status: AuthenticationStatus) -> Result<(), Error> {
    if status == AuthenticationStatus::Authenticated {
        Ok(())
    } else {
        Err(format!("{psp}: the frictionless card ended {status}").into())
    }
}

/// The 3DS Method in the browser, as `threeds.js` or the demo's browser runs it.
async fn method(browser: &Browser, action: &NextAction) -> Result<MethodOutcome, Error> {
    match action {
        NextAction::ThreeDsMethod { url, data } => {
            let outcome = browser.run_method(url, data.as_deref()).await;
            Ok(outcome.map_err(|e| format!("3DS Method {action:?}: {e}"))?)
        }
        _ => Ok(MethodOutcome::NotRun),
    }
}

/// The flow called directly.
struct Direct {
    flow: Arc<dyn AuthenticationFlow>,
    browser: Browser,
    request: AuthenticationRequest,
}

impl Direct {
    async fn authenticate(&self, n: usize) -> Result<(), Error> {
        let psp = self.flow.provider().to_string();
        let request = numbered(&self.request, n);
        let mut step = self.flow.start(&request).await;
        for _ in 0..4 {
            let handle = step
                .handle
                .clone()
                .ok_or_else(|| format!("{psp}: no handle: {:?}", step.authentication().raw))?;
            let auth = step.authentication();
            match &auth.next_action {
                Some(
                    action @ (NextAction::ThreeDsMethod { .. } | NextAction::CollectDeviceData),
                ) => {
                    let data = DeviceData {
                        browser: request.browser.clone(),
                        method: method(&self.browser, action).await?,
                    };
                    step = self.flow.submit_device_data(&handle, &data).await;
                }
                Some(other) => return Err(format!("{psp}: not frictionless: {other:?}").into()),
                None if auth.status.is_final() => {
                    let done = self.flow.complete(&handle).await;
                    return authenticated(&psp, done.authentication().status);
                }
                None => return Err(format!("{psp}: stuck at {}", auth.status).into()),
            }
        }
        Err(format!("{psp}: still not final after 4 steps").into())
    }
}

/// The service's HTTP API, as a merchant's back end and its browser call it.
struct Api {
    http: reqwest::Client,
    base: String,
    bearer: String,
    psp: String,
    browser: Browser,
    request: AuthenticationRequest,
}

impl Api {
    fn new(
        base: &str,
        api_key: &str,
        psp: &str,
        sandbox: &RunningSandbox,
        request: &AuthenticationRequest,
        concurrency: usize,
    ) -> Result<Api, Error> {
        let mut request = request.clone();
        // The service's own notification pages and endpoint, as a merchant leaves them.
        request.urls = Urls::default();
        Ok(Api {
            http: reqwest::Client::builder()
                .pool_max_idle_per_host(concurrency)
                .build()?,
            base: base.trim_end_matches('/').to_owned(),
            bearer: format!("Bearer {api_key}"),
            psp: psp.to_owned(),
            browser: Browser::new(&sandbox.base(psp))?,
            request,
        })
    }

    async fn post(&self, path: &str, bearer: &str, body: &Value) -> Result<Value, Error> {
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .header("authorization", bearer)
            .json(body)
            .send()
            .await?;
        expect(response, 200).await
    }

    /// Posts `device_data`. When a PSP's webhook brought the final state first (the 3DS
    /// Method let the PSP finish), the service answers it with that state, also 200.
    async fn device_data(&self, id: &str, client: &str, data: &DeviceData) -> Result<Value, Error> {
        let response = self
            .http
            .post(format!("{}/v1/authentications/{id}/device_data", self.base))
            .header("authorization", client)
            .json(data)
            .send()
            .await?;
        expect(response, 200).await
    }

    async fn authenticate(&self, n: usize) -> Result<(), Error> {
        let psp = &self.psp;
        let request = numbered(&self.request, n);
        let mut body = threeds_wire::with_secrets_revealed(|| serde_json::to_value(&request))?;
        body["account"] = json!(psp);
        let created = self
            .http
            .post(format!("{}/v1/authentications", self.base))
            .header("authorization", &self.bearer)
            .header("idempotency-key", format!("bench-{psp}-{n:010}"))
            .json(&body)
            .send()
            .await?;
        let mut object = expect(created, 201).await?;
        let id = object["id"].as_str().unwrap_or_default().to_owned();
        let client = format!(
            "Bearer {}",
            object["client_secret"].as_str().unwrap_or_default()
        );
        for _ in 0..4 {
            let next: Option<NextAction> = serde_json::from_value(object["next_action"].clone())?;
            let status: AuthenticationStatus = serde_json::from_value(object["status"].clone())?;
            match &next {
                Some(
                    action @ (NextAction::ThreeDsMethod { .. } | NextAction::CollectDeviceData),
                ) => {
                    let data = DeviceData {
                        browser: request.browser.clone(),
                        method: method(&self.browser, action)
                            .await
                            .map_err(|e| format!("{e}; the object: {object}"))?,
                    };
                    object = self.device_data(&id, &client, &data).await?;
                }
                Some(other) => return Err(format!("{psp}: not frictionless: {other:?}").into()),
                None if status.is_final() => {
                    let path = format!("/v1/authentications/{id}/complete");
                    let done = self.post(&path, &self.bearer, &json!({})).await?;
                    return authenticated(psp, serde_json::from_value(done["status"].clone())?);
                }
                None => return Err(format!("{psp}: stuck at {status}").into()),
            }
        }
        Err(format!("{psp}: still not final after 4 steps").into())
    }
}
