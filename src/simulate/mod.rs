//! `threeds-bridge simulate-routing`: see failover work, counted by the PSPs' side.
//!
//! A [`Plan`] runs N routed authentications through a [`Router`] built from the merchant's
//! config, every account pointed at its provider's simulator in an in-process sandbox
//! ([`RouterConfig::against_sandbox`]: the file's credentials are never read). The
//! requests are the demo's: each configured PSP's frictionless and challenge scenarios in
//! turn, with the demo's browser running the 3DS Method and typing the challenge password
//! of whichever PSP's page the cardholder faces. Meanwhile one account can be down, flapping
//! or slow for a window of the run ([`Outage`], injected with the sandbox's fault queue for
//! that account's simulator), and random faults can hit any account ([`schedule::draw`]).
//!
//! The plan runs twice on fresh sandboxes with the same requests and faults: with
//! failover, and without it (`Router::with_failover(false)`: only the route's first account
//! is tried, and an open circuit breaker does not move an authentication to another account
//! either: the merchant who has one PSP per route). Every number in the report is
//! counted from the sandbox's records ([`count`]), not from the router's `attempts`.
//!
//! Time: authentications arrive one [`ARRIVAL`] apart in the circuit breakers' clock (a
//! [`ManualClock`] moved by the simulation, so the run does not depend on the machine's
//! speed); HTTP calls use [`attempt_http`], whose timeout only an injected fault reaches.

pub mod count;
pub mod html;
pub mod schedule;

pub use schedule::{Outage, OutageError, OutageMode};

use crate::demo::browser::{Browser, CardholderAction};
use crate::demo::merchant::Receiver;
use crate::demo::{drive_as, setup};
use crate::flow::AuthenticationFlow;
use crate::model::{NextAction, Provider};
use crate::request::AuthenticationRequest;
use crate::router::{ManualClock, Resolution, Router, RouterConfig};
use crate::sandbox::{RunningSandbox, SandboxOptions};
use count::{Counted, Seen, Window};
use serde::Serialize;
use std::sync::Arc;
use std::time::Duration;
use threeds_wire::http::HttpSettings;

/// The demo scenario every PSP's frictionless authentication is named.
pub const FRICTIONLESS: &str = "frictionless";
/// The demo scenario every PSP's passed challenge is named.
pub const CHALLENGE_PASSED: &str = "challenge passed";

/// How far the breakers' clock moves between two authentications.
pub const ARRIVAL: Duration = Duration::from_secs(1);

/// The HTTP settings of every account in a simulation: one retry 20 ms later, and a
/// timeout of one second per attempt (the sandbox answers in milliseconds, so only an
/// injected fault reaches it).
pub fn attempt_http() -> HttpSettings {
    HttpSettings {
        timeout: Duration::from_secs(1),
        connect_timeout: Duration::from_secs(1),
        max_attempts: 2,
        backoff: Duration::from_millis(20),
        ..HttpSettings::default()
    }
}

/// What to simulate.
#[derive(Debug, Clone)]
pub struct Plan {
    pub authentications: usize,
    pub outage: Option<Outage>,
    /// The share of authentications (0 to 1) that get one random fault.
    pub fault_rate: f64,
    /// Seeds the random faults and the router's weighted orders.
    pub seed: u64,
}

/// One run's numbers, with the keys `--json` prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunReport {
    pub authentications: usize,
    /// Authentications whose last object at the sandbox ended authenticated or attempted.
    pub succeeded: usize,
    pub failovers: usize,
    /// Must be 0: a failover after a 3DS Method or challenge page.
    pub failovers_after_cardholder_step: usize,
    /// Must be 0: pay-ins beyond the first that took or may take the money, per payment.
    pub duplicate_payins: usize,
    /// Null when no authentication failed over.
    pub p50_added_ms: Option<u64>,
    pub p95_added_ms: Option<u64>,
}

/// One run: its report and what the sandbox saw of each authentication.
#[derive(Debug, Clone)]
pub struct RunResult {
    pub report: RunReport,
    pub seen: Vec<Seen>,
}

impl RunResult {
    fn from_counted(counted: Counted) -> RunResult {
        let added: Vec<u64> = counted.seen.iter().filter_map(|s| s.added_ms).collect();
        let report = RunReport {
            authentications: counted.seen.len(),
            succeeded: counted.seen.iter().filter(|s| s.succeeded).count(),
            failovers: counted.seen.iter().map(Seen::failovers).sum(),
            failovers_after_cardholder_step: counted
                .seen
                .iter()
                .filter(|s| s.after_cardholder_step)
                .count(),
            duplicate_payins: counted.duplicate_payins,
            p50_added_ms: count::percentile(&added, 50),
            p95_added_ms: count::percentile(&added, 95),
        };
        RunResult {
            report,
            seen: counted.seen,
        }
    }
}

/// Both runs of a plan.
#[derive(Debug, Clone)]
pub struct Simulation {
    pub plan: Plan,
    pub with_failover: RunResult,
    pub without_failover: RunResult,
}

impl Simulation {
    /// `{"with_failover": R, "without_failover": R}`, each R's keys in the report's order.
    pub fn json(&self) -> String {
        #[derive(Serialize)]
        struct Both<'a> {
            with_failover: &'a RunReport,
            without_failover: &'a RunReport,
        }
        let both = Both {
            with_failover: &self.with_failover.report,
            without_failover: &self.without_failover.report,
        };
        // Plain numbers and strings only: serializing cannot fail.
        serde_json::to_string(&both).unwrap_or_default()
    }

    /// Whether a run broke a rule that must never break: a failover after a cardholder
    /// step, or a payment taken twice.
    pub fn violations(&self) -> Vec<String> {
        let mut found = Vec::new();
        for (name, run) in [
            ("with failover", &self.with_failover),
            ("without failover", &self.without_failover),
        ] {
            let r = &run.report;
            if r.failovers_after_cardholder_step > 0 {
                found.push(format!(
                    "{name}: {} failover(s) after a cardholder-facing step",
                    r.failovers_after_cardholder_step
                ));
            }
            if r.duplicate_payins > 0 {
                found.push(format!(
                    "{name}: {} duplicate pay-in(s)",
                    r.duplicate_payins
                ));
            }
        }
        found
    }
}

/// Why a simulation could not run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SimulateError {
    #[error("simulate-routing: --outage names account '{}', which the config does not have (accounts: {known})", threeds_wire::excerpt(.account))]
    UnknownAccount { account: String, known: String },
    #[error("simulate-routing: --faults must be between 0 and 1, got {0}")]
    Rate(f64),
    #[error("simulate-routing: cannot start the {what}: {message}")]
    Start { what: &'static str, message: String },
    #[error("simulate-routing: {0}")]
    Demo(#[from] crate::demo::DemoError),
    #[error("simulate-routing: {0}")]
    Router(#[from] crate::router::RouterError),
    #[error("simulate-routing: no configured PSP has the demo's '{FRICTIONLESS}' and '{CHALLENGE_PASSED}' scenarios to send")]
    NoScenarios,
}

/// Runs `plan` over `config` with failover and without.
pub async fn simulate(config: &RouterConfig, plan: &Plan) -> Result<Simulation, SimulateError> {
    if !(0.0..=1.0).contains(&plan.fault_rate) {
        return Err(SimulateError::Rate(plan.fault_rate));
    }
    if let Some(outage) = &plan.outage {
        if config.account(&outage.account).is_none() {
            return Err(SimulateError::UnknownAccount {
                account: outage.account.clone(),
                known: account_names(config),
            });
        }
    }
    let with_failover = run(config, plan, true).await?;
    let without_failover = run(config, plan, false).await?;
    Ok(Simulation {
        plan: plan.clone(),
        with_failover,
        without_failover,
    })
}

fn account_names(config: &RouterConfig) -> String {
    config
        .accounts
        .iter()
        .map(|a| a.account.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// What the demo gives each configured PSP: the requests to send, and what its cardholder
/// does on its challenge page.
struct Cast {
    requests: Vec<AuthenticationRequest>,
    cardholders: Vec<(Provider, CardholderAction)>,
}

/// The demo's frictionless and passed-challenge scenarios of each PSP the config has, in
/// config order.
async fn cast(
    config: &RouterConfig,
    sandbox: &RunningSandbox,
    receiver: &Receiver,
    catalog: Arc<crate::Catalog>,
) -> Result<Cast, SimulateError> {
    let demos = setup::all(sandbox, receiver, catalog).await?;
    let mut providers: Vec<Provider> = Vec::new();
    for entry in &config.accounts {
        if !providers.contains(&entry.account.provider) {
            providers.push(entry.account.provider);
        }
    }
    let mut cast = Cast {
        requests: Vec::new(),
        cardholders: Vec::new(),
    };
    for provider in providers {
        let Some(demo) = demos.iter().find(|d| d.provider == provider) else {
            continue;
        };
        for scenario in &demo.scenarios {
            if scenario.name == FRICTIONLESS || scenario.name == CHALLENGE_PASSED {
                let mut request = scenario.request.clone();
                // Whichever account answers, its callbacks reach a real endpoint (Checkout's
                // `complete` fails unless the callback URL answers 2xx).
                request.urls.callback_url = Some(receiver.url("/3ds/callback"));
                cast.requests.push(request);
            }
            if let (CHALLENGE_PASSED, Some(cardholder)) = (scenario.name, &scenario.cardholder) {
                cast.cardholders.push((provider, cardholder.clone()));
            }
        }
    }
    if cast.requests.is_empty() {
        return Err(SimulateError::NoScenarios);
    }
    Ok(cast)
}

/// The merchant reference of authentication `k` (0-based): fixed width, so that no
/// reference is the beginning of another.
pub fn reference(k: usize) -> String {
    format!("sim-{:07}", k + 1)
}

/// The config one run's router is built from: pointed at `sandbox`, with the
/// simulation's HTTP settings.
fn run_config(config: &RouterConfig, sandbox: &RunningSandbox) -> RouterConfig {
    let mut config = config.clone().against_sandbox(sandbox);
    for entry in &mut config.accounts {
        entry.account.http = attempt_http();
    }
    config
}

/// One run on a fresh sandbox.
async fn run(
    config: &RouterConfig,
    plan: &Plan,
    failover: bool,
) -> Result<RunResult, SimulateError> {
    let start = |what: &'static str| {
        move |e: std::io::Error| SimulateError::Start {
            what,
            message: e.to_string(),
        }
    };
    let sandbox = crate::sandbox::start(SandboxOptions::default())
        .await
        .map_err(start("sandbox"))?;
    let receiver = Receiver::start()
        .await
        .map_err(start("demo merchant endpoint"))?;
    let catalog = crate::Catalog::builtin()
        .map(Arc::new)
        .map_err(|e| SimulateError::Start {
            what: "built-in catalog",
            message: e.to_string(),
        })?;
    let outcome = run_on(config, plan, failover, &sandbox, &receiver, catalog).await;
    sandbox.shutdown().await;
    outcome
}

async fn run_on(
    config: &RouterConfig,
    plan: &Plan,
    failover: bool,
    sandbox: &RunningSandbox,
    receiver: &Receiver,
    catalog: Arc<crate::Catalog>,
) -> Result<RunResult, SimulateError> {
    let cast = cast(config, sandbox, receiver, catalog.clone()).await?;
    let routed = run_config(config, sandbox);
    let clock = ManualClock::default();
    let router = Router::new(&routed, catalog)?
        .with_failover(failover)
        .with_seed(plan.seed)
        .with_clock(Arc::new(clock.clone()))
        .with_resolution(Resolution {
            reads: 3,
            delay: Duration::from_millis(100),
        });
    let browser =
        Browser::new(&format!("http://{}/", sandbox.addr)).map_err(|e| SimulateError::Start {
            what: "browser",
            message: e.to_string(),
        })?;
    let providers: Vec<Provider> = config.accounts.iter().map(|a| a.account.provider).collect();
    let drawn = schedule::draw(
        plan.seed,
        plan.authentications,
        providers.len(),
        plan.fault_rate,
    );
    let cardholder = |action: &NextAction| cardholder_for(sandbox, &cast.cardholders, action);
    let mut windows = Vec::with_capacity(plan.authentications);
    for k in 0..plan.authentications {
        inject(
            sandbox,
            config,
            plan,
            &providers,
            drawn.get(k).and_then(Option::as_ref),
            k,
        );
        let Some(template) = cast.requests.get(k % cast.requests.len()) else {
            break;
        };
        let mut request = template.clone();
        request.reference = Some(reference(k));
        windows.push(Window {
            start: sandbox.clock.now(),
            reference: reference(k),
        });
        let _ = drive_as(
            &router as &dyn AuthenticationFlow,
            &browser,
            &request,
            &cardholder,
        )
        .await;
        clock.advance(ARRIVAL);
    }
    clear_faults(sandbox);
    sandbox.settled().await;
    let counted = count::count(&windows, &sandbox.records(), &sandbox.requests());
    Ok(RunResult::from_counted(counted))
}

/// Queues the faults of authentication `k` (0-based): the outage, when it is active, and
/// the random fault drawn for it. The queues are emptied first, so nothing carries over
/// from the authentication before.
fn inject(
    sandbox: &RunningSandbox,
    config: &RouterConfig,
    plan: &Plan,
    providers: &[Provider],
    drawn: Option<&schedule::Drawn>,
    k: usize,
) {
    clear_faults(sandbox);
    if let Some(outage) = plan.outage.as_ref().filter(|o| o.active(k + 1)) {
        let queue = config
            .account(&outage.account)
            .and_then(|a| sandbox.faults(a.account.provider.as_str()));
        if let Some(queue) = queue {
            queue.push(outage.fault(attempt_http().timeout), u32::MAX, None);
        }
    }
    if let Some(d) = drawn {
        let queue = providers
            .get(d.account)
            .and_then(|p| sandbox.faults(p.as_str()));
        if let Some(queue) = queue {
            queue.push_after(d.skip, d.fault.clone(), 1, None);
        }
    }
}

fn clear_faults(sandbox: &RunningSandbox) {
    for provider in crate::psp::providers() {
        if let Some(queue) = sandbox.faults(provider.as_str()) {
            queue.clear();
        }
    }
}

/// What the cardholder does on the challenge page `action` opens: the demo's passed
/// challenge of the PSP whose simulator serves the page (each simulator is nested under
/// its provider's id in the sandbox).
fn cardholder_for(
    sandbox: &RunningSandbox,
    cardholders: &[(Provider, CardholderAction)],
    action: &NextAction,
) -> Option<CardholderAction> {
    let url = match action {
        NextAction::Redirect { url } => url.as_str(),
        NextAction::Challenge { url: Some(url), .. } => url.as_str(),
        _ => return None,
    };
    cardholders
        .iter()
        .find(|(provider, _)| url.starts_with(&format!("{}/", sandbox.base(provider.as_str()))))
        .map(|(_, who)| who.clone())
}

/// Success rate per `width` authentications, in percent, for the chart.
pub fn series(seen: &[Seen], width: usize) -> Vec<f64> {
    seen.chunks(width.max(1))
        .map(|chunk| {
            let ok = chunk.iter().filter(|s| s.succeeded).count();
            100.0 * ok as f64 / chunk.len().max(1) as f64
        })
        .collect()
}

/// The window width the chart and table use for `n` authentications: about 25 points.
pub fn window_width(n: usize) -> usize {
    n.div_ceil(25).max(1)
}

/// The report's rows: label, with failover, without.
pub fn rows(with: &RunReport, without: &RunReport) -> Vec<(&'static str, String, String)> {
    let succeeded = |r: &RunReport| {
        let share = 100.0 * r.succeeded as f64 / r.authentications.max(1) as f64;
        format!("{} ({share:.1}%)", r.succeeded)
    };
    let ms = |v: Option<u64>| v.map_or_else(|| "-".to_owned(), |v| v.to_string());
    vec![
        (
            "authentications",
            with.authentications.to_string(),
            without.authentications.to_string(),
        ),
        (
            "succeeded (authenticated or attempted)",
            succeeded(with),
            succeeded(without),
        ),
        (
            "failovers",
            with.failovers.to_string(),
            without.failovers.to_string(),
        ),
        (
            "failovers after a cardholder-facing step",
            with.failovers_after_cardholder_step.to_string(),
            without.failovers_after_cardholder_step.to_string(),
        ),
        (
            "duplicate pay-ins",
            with.duplicate_payins.to_string(),
            without.duplicate_payins.to_string(),
        ),
        (
            "p50 time added by failover (ms)",
            ms(with.p50_added_ms),
            ms(without.p50_added_ms),
        ),
        (
            "p95 time added by failover (ms)",
            ms(with.p95_added_ms),
            ms(without.p95_added_ms),
        ),
    ]
}

/// The readable report: the plan, the table, and the success rate per window.
pub fn text(simulation: &Simulation) -> String {
    let rows = rows(
        &simulation.with_failover.report,
        &simulation.without_failover.report,
    );
    let headers = ("", "with failover", "without failover");
    let w0 = rows.iter().map(|r| r.0.len()).max().unwrap_or(0);
    let w1 = rows
        .iter()
        .map(|r| r.1.len())
        .max()
        .unwrap_or(0)
        .max(headers.1.len());
    let mut out = format!("simulate-routing: {}\n\n", html::describe(simulation));
    out.push_str(&format!(
        "{:<w0$}  {:<w1$}  {}\n",
        headers.0, headers.1, headers.2
    ));
    for (label, a, b) in &rows {
        out.push_str(&format!("{label:<w0$}  {a:<w1$}  {b}\n"));
    }
    let n = simulation.plan.authentications;
    let width = window_width(n);
    out.push_str(&format!(
        "\nsuccess rate per {width} authentication(s), with / without failover:\n"
    ));
    let with = series(&simulation.with_failover.seen, width);
    let without = series(&simulation.without_failover.seen, width);
    for (i, (a, b)) in with.iter().zip(&without).enumerate() {
        let first = i * width + 1;
        let last = ((i + 1) * width).min(n);
        let marked = simulation
            .plan
            .outage
            .as_ref()
            .is_some_and(|o| (first..=last).any(|k| o.active(k)));
        out.push_str(&format!(
            "  {first:>5}-{last:<5} {a:>5.1}%  {b:>5.1}%{}\n",
            if marked { "  outage" } else { "" }
        ));
    }
    out
}
