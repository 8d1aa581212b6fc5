//! The `Router`: several PSP accounts behind one [`AuthenticationFlow`].
//!
//! A merchant configures accounts and routes ([`config`]); the router picks the first
//! route whose filters match the request ([`routes`]), tries its accounts in order, and
//! fails over from one to the next only when that is safe and can help ([`attempts`]: no
//! cardholder-facing step yet, no money that can have moved, `retry` `other_psp`). A soft
//! decline (`retry` `with_challenge`) is retried once at the same account asking for a
//! challenge. Each account has a circuit breaker ([`breaker`]); an open one is skipped.
//!
//! # One routed authentication
//!
//! [`Router::route`] gives the routed authentication's own id (`rt_...`), the account that
//! answered, the final [`Step`] and every [`Attempt`]. Through the [`AuthenticationFlow`]
//! interface, `start` returns the same step, whose [`Handle`] is the answering PSP's handle
//! with the routing kept in its `state`:
//!
//! ```json
//! {"router": {"id": "rt_...", "account": "checkout-eu", "attempts": [...]}, "psp": <the PSP flow's own state>}
//! ```
//!
//! ([`Routing::of`] reads it back). Later calls (`submit_device_data`, `report_challenge`,
//! `fetch`, `complete`) go to the account the handle names, with the PSP's own state, and
//! never fail over: by then the front end may have run a 3DS Method or shown a challenge.
//! When every attempt failed before the PSP gave an id there is no handle; the attempts
//! are then in [`Router::route`]'s answer, and in every case one line per attempt is added
//! to the outcome's `explain.warnings` when there was more than one.
//!
//! # Notifications
//!
//! A webhook, hook or callback names a PSP's authentication, not an account. The router
//! remembers which account started each PSP id it saw (the last [`INDEX_SIZE`]), reads
//! the notification with the normalizer to learn its provider and id, and hands it to
//! that account; for an id it does not remember, to the only account of that provider.
//! With several accounts of one provider and an id it does not remember, it cannot
//! choose: the outcome is `error`/`investigate` (reason `notification_account_unknown`),
//! and the service calls [`Router::handle_notification_for`] with the account named in
//! its notification URL instead.
//!
//! # Outcomes the router makes itself
//!
//! * No route matches the request: status `error`, next step `investigate`, reason
//!   `no_route`. Sending the same request again cannot help and nothing is wrong with the
//!   request as a PSP would see it: the routes do not cover it, which a person decides.
//! * Every account of the route is skipped (breakers open): status `error`, next step
//!   `retry_authentication`, retry `later`, reason `accounts_unavailable`.
//!
//! Their `provider` is [`ROUTER`], which is no registered PSP: no PSP said them.

pub mod attempts;
pub mod breaker;
pub mod config;
pub mod routes;

pub use attempts::{Attempt, Decision, Why};
pub use breaker::{BreakerSettings, BreakerState, Clock, ManualClock, SystemClock};
pub use config::{AccountConfig, ConfigError, RouterConfig};

use crate::catalog::Catalog;
use crate::flow::{
    AccountError, AuthenticationFlow, ChallengeResult, DeviceData, Handle, Notification, Step,
};
use crate::model::{AuthenticationStatus, DocumentKind, NextStep, Provider, Retry};
use crate::normalize::{Context, Draft, Normalized};
use crate::request::{AuthenticationRequest, ChallengePreference};
use async_trait::async_trait;
use attempts::{money_may_have_moved, psp_side_failure, verdict, Stage, Verdict};
use breaker::Breaker;
use routes::{Rng, RoutingTable};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The provider of outcomes the router makes itself, and of [`Router::provider`].
pub const ROUTER: Provider = Provider::new("router");

/// How many PSP ids the router remembers for routing notifications.
pub const INDEX_SIZE: usize = 10_000;

/// Why a router cannot be built from a config.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RouterError {
    /// The account's PSP refused it (a missing credential, a bad setting).
    #[error(transparent)]
    Account(#[from] AccountError),
    /// A route names an account the config does not have.
    #[error("route {route} names account '{}', which is not configured", threeds_wire::excerpt(.account))]
    UnknownAccount { route: usize, account: String },
}

/// How an unsure creation (a Mangopay pay-in whose answer was lost) is resolved at its
/// account before the router answers: up to `reads` reads of the handle, `delay` apart.
/// Still unsure after them, the outcome is returned as it is (`wait`): the caller fetches
/// the handle again later. Never failed over either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resolution {
    pub reads: u32,
    pub delay: Duration,
}

impl Default for Resolution {
    fn default() -> Self {
        Resolution {
            reads: 3,
            delay: Duration::from_millis(500),
        }
    }
}

/// The routing a handle carries in its `state` (module docs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Routing {
    /// The routed authentication's id (`rt_...`).
    pub id: String,
    /// The account that answered, which later calls go to.
    pub account: String,
    /// The attempts of `start` (empty in a handle built for a notification).
    #[serde(default)]
    pub attempts: Vec<Attempt>,
}

impl Routing {
    /// The routing kept in a router's handle; `None` for a PSP's plain handle.
    pub fn of(handle: &Handle) -> Option<Routing> {
        Routing::deserialize(handle.state.get("router")?).ok()
    }
}

/// What [`Router::route`] gives.
#[derive(Debug, Clone)]
pub struct Routed {
    /// The routed authentication's id (`rt_...`), the same whichever account answered.
    pub id: String,
    /// The account whose outcome `step` is; `None` when no account was called.
    pub account: Option<String>,
    /// The final outcome; its handle (when there is one) carries the [`Routing`].
    pub step: Step,
    /// Every try, in order, with the decision taken on it.
    pub attempts: Vec<Attempt>,
}

struct Member {
    name: String,
    provider: Provider,
    weight: Option<u32>,
    flow: Box<dyn AuthenticationFlow>,
    breaker: Mutex<Breaker>,
}

/// Several PSP accounts behind one flow (module docs).
pub struct Router {
    members: Vec<Member>,
    table: RoutingTable,
    failover: bool,
    resolution: Resolution,
    clock: Arc<dyn Clock>,
    rng: Mutex<Rng>,
    catalog: Arc<Catalog>,
    /// (provider, PSP id) -> (member, routed id), newest last.
    index: Mutex<VecDeque<(Provider, String, usize, String)>>,
}

impl Router {
    /// Builds each account's flow through its PSP ([`crate::psp::LivePsp::flow`]).
    pub fn new(config: &RouterConfig, catalog: Arc<Catalog>) -> Result<Router, RouterError> {
        let mut members = Vec::with_capacity(config.accounts.len());
        for entry in &config.accounts {
            let account = &entry.account;
            let live = crate::psp::get(account.provider)
                .and_then(|psp| psp.live())
                .ok_or_else(|| AccountError::NoLiveFlow {
                    account: account.name.clone(),
                    provider: account.provider,
                })?;
            members.push(Member {
                name: account.name.clone(),
                provider: account.provider,
                weight: entry.weight,
                flow: live.flow(account, catalog.clone())?,
                breaker: Mutex::new(Breaker::new(config.breaker)),
            });
        }
        for route in &config.table.routes {
            if let Some(account) = route
                .accounts
                .iter()
                .find(|a| !members.iter().any(|m| &m.name == *a))
            {
                return Err(RouterError::UnknownAccount {
                    route: route.number,
                    account: account.clone(),
                });
            }
        }
        Ok(Router {
            members,
            table: config.table.clone(),
            failover: true,
            resolution: Resolution::default(),
            clock: Arc::new(SystemClock::default()),
            rng: Mutex::new(Rng::from_entropy()),
            catalog,
            index: Mutex::new(VecDeque::new()),
        })
    }

    /// With `false`, the router never fails over (`simulate-routing` compares both): only
    /// the first account of the route's order is tried, and a failure that would have been
    /// failed over is the routed outcome, with [`Why::FailoverDisabled`]. An open breaker
    /// does not move the authentication to the next account either (that would be a
    /// failover by another name): it is skipped and the outcome is `accounts_unavailable`.
    /// Step-ups still happen.
    pub fn with_failover(mut self, failover: bool) -> Self {
        self.failover = failover;
        self
    }

    /// The clock the breakers read.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Seeds the generator of weighted orders and routed ids (tests, simulations).
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.rng = Mutex::new(Rng::seeded(seed));
        self
    }

    /// How unsure creations are resolved ([`Resolution`]).
    pub fn with_resolution(mut self, resolution: Resolution) -> Self {
        self.resolution = resolution;
        self
    }

    /// The breaker state of account `name`.
    pub fn breaker_state(&self, name: &str) -> Option<BreakerState> {
        let member = self.members.iter().find(|m| m.name == name)?;
        member.breaker.lock().ok().map(|b| b.state())
    }

    /// The configured account names, in config order.
    pub fn account_names(&self) -> impl Iterator<Item = &str> {
        self.members.iter().map(|m| m.name.as_str())
    }

    /// Routes one authentication over `accounts` (configured names, tried in this order,
    /// with the same failover, step-up and breakers as a route), instead of the routing
    /// table: the service's `account` and `route` selectors. Names that are not configured
    /// are left out (check them with [`Router::account_names`] first: the service refuses
    /// a request naming one); with none left, the outcome is `accounts_unavailable`.
    pub async fn route_through(
        &self,
        request: &AuthenticationRequest,
        accounts: &[String],
    ) -> Routed {
        let id = self.new_id();
        let order: Vec<usize> = accounts
            .iter()
            .filter_map(|name| self.member(name))
            .take(if self.failover { usize::MAX } else { 1 })
            .collect();
        self.run(id, request, &order, "the accounts asked for")
            .await
    }

    /// Routes one authentication: the route, the accounts in order, failover and step-up
    /// as the module docs say.
    pub async fn route(&self, request: &AuthenticationRequest) -> Routed {
        let id = self.new_id();
        let Some(route) = self.table.select(request) else {
            return Routed {
                step: own_outcome(
                    AuthenticationStatus::Error,
                    NextStep::Investigate,
                    None,
                    "no_route",
                    "no [[route]] matches the request (network, currency, country, BIN, channel, amount)".to_owned(),
                ),
                id,
                account: None,
                attempts: Vec::new(),
            };
        };
        let order: Vec<usize> = {
            let mut rng = self.rng.lock().unwrap_or_else(|p| p.into_inner());
            let weight = |name: &str| self.member(name).and_then(|i| self.members[i].weight);
            routes::order(&route.accounts, weight, &mut rng)
                .into_iter()
                .filter_map(|name| self.member(name))
                .take(if self.failover { usize::MAX } else { 1 })
                .collect()
        };
        self.run(id, request, &order, &format!("route {}", route.number))
            .await
    }

    /// Tries the accounts `order` names (member indexes), as [`Router::route`] describes;
    /// `what` names them in the outcome when every one is skipped.
    async fn run(
        &self,
        id: String,
        request: &AuthenticationRequest,
        order: &[usize],
        what: &str,
    ) -> Routed {
        let mut attempts = Vec::new();
        let mut last: Option<(usize, Step)> = None;
        for (position, &index) in order.iter().enumerate() {
            let member = &self.members[index];
            if !self.admit(member) {
                attempts.push(skipped(member));
                continue;
            }
            let more = position + 1 < order.len();
            let (step, stop) = self.try_member(member, request, more, &mut attempts).await;
            last = Some((index, step));
            if stop {
                break;
            }
        }
        // The last account tried failed over, but every account after it was skipped.
        if let Some(attempt) = attempts
            .iter_mut()
            .rev()
            .find(|a| a.decision != Decision::Skipped)
            .filter(|a| a.decision == Decision::FailedOver)
        {
            attempt.decision = Decision::Stopped;
            attempt.why = Why::NoAccountLeft;
        }
        let Some((index, mut step)) = last else {
            return Routed {
                step: own_outcome(
                    AuthenticationStatus::Error,
                    NextStep::RetryAuthentication,
                    Some(Retry::Later),
                    "accounts_unavailable",
                    format!("every account of {what} is skipped: its circuit breaker is open"),
                ),
                id,
                account: None,
                attempts,
            };
        };
        let member = &self.members[index];
        self.remember(&attempts, &id);
        if attempts.len() > 1 {
            let warnings = &mut step.normalized.explain.warnings;
            for (n, attempt) in attempts.iter().enumerate() {
                warnings.push(format!("routed {id}, attempt {}: {attempt}", n + 1));
            }
        }
        let routing = Routing {
            id: id.clone(),
            account: member.name.clone(),
            attempts: attempts.clone(),
        };
        step.handle = step.handle.map(|h| wrap(h, &routing));
        Routed {
            id,
            account: Some(member.name.clone()),
            step,
            attempts,
        }
    }

    /// Tries one account (a step-up included); records each try in `attempts`. Returns the
    /// last outcome and whether routing stops here.
    async fn try_member(
        &self,
        member: &Member,
        request: &AuthenticationRequest,
        more_accounts: bool,
        attempts: &mut Vec<Attempt>,
    ) -> (Step, bool) {
        let mut stepped_up: Option<AuthenticationRequest> = None;
        loop {
            let asked_challenge = stepped_up.is_some();
            let started = Instant::now();
            let mut step = member
                .flow
                .start(stepped_up.as_ref().unwrap_or(request))
                .await;
            let mut reads = 0;
            if let Some(handle) = step.handle.clone() {
                while money_may_have_moved(step.authentication()) && reads < self.resolution.reads {
                    tokio::time::sleep(self.resolution.delay).await;
                    step = member.flow.fetch(&handle).await;
                    reads += 1;
                }
            }
            self.record(member, &step);
            let (decision, why, stop) = match verdict(step.authentication(), Stage::Start) {
                Verdict::FailOver if !self.failover => {
                    (Decision::Stopped, Why::FailoverDisabled, true)
                }
                Verdict::FailOver if !more_accounts => {
                    (Decision::Stopped, Why::NoAccountLeft, true)
                }
                Verdict::FailOver => (Decision::FailedOver, Why::PspFailure, false),
                Verdict::StepUp if asked_challenge => (Decision::Stopped, Why::StepUpUsed, true),
                Verdict::StepUp => (Decision::SteppedUp, Why::SoftDecline, false),
                Verdict::Stop(why) => (Decision::Stopped, why, true),
            };
            attempts.push(attempt(
                member,
                &step,
                started,
                asked_challenge,
                reads,
                decision,
                why,
            ));
            if decision == Decision::SteppedUp {
                let mut again = request.clone();
                again.challenge_preference = Some(ChallengePreference::ChallengeMandated);
                stepped_up = Some(again);
                continue;
            }
            return (step, stop);
        }
    }

    fn member(&self, name: &str) -> Option<usize> {
        self.members.iter().position(|m| m.name == name)
    }

    fn admit(&self, member: &Member) -> bool {
        let now = self.clock.now();
        member
            .breaker
            .lock()
            .map(|mut b| b.admit(now))
            .unwrap_or(true)
    }

    fn record(&self, member: &Member, step: &Step) {
        let now = self.clock.now();
        if let Ok(mut b) = member.breaker.lock() {
            b.record(psp_side_failure(step.authentication()), now);
        }
    }

    fn new_id(&self) -> String {
        let mut rng = self.rng.lock().unwrap_or_else(|p| p.into_inner());
        format!("rt_{:016x}", rng.next_u64())
    }

    /// Remembers which account each attempt's PSP id belongs to, for notifications.
    fn remember(&self, attempts: &[Attempt], id: &str) {
        let Ok(mut index) = self.index.lock() else {
            return;
        };
        for a in attempts {
            let (Some(psp_id), Some(member)) = (&a.psp_id, self.member(&a.account)) else {
                continue;
            };
            index.push_back((a.provider, psp_id.clone(), member, id.to_owned()));
        }
        while index.len() > INDEX_SIZE {
            index.pop_front();
        }
    }

    /// The member and routing a handle belongs to, and the PSP's own handle.
    fn resolve(&self, handle: &Handle) -> Result<(usize, Option<Routing>, Handle), Box<Step>> {
        let routing = Routing::of(handle);
        let member = match &routing {
            Some(r) => self.member(&r.account),
            None => self.only_member_of(handle.provider),
        };
        let Some(member) = member else {
            return Err(Box::new(own_outcome(
                AuthenticationStatus::Error,
                NextStep::Investigate,
                None,
                "unknown_account",
                match &routing {
                    Some(r) => format!(
                        "the handle names account '{}', which this router does not have",
                        threeds_wire::excerpt(&r.account)
                    ),
                    None => format!(
                        "the handle carries no routing and this router has not exactly one {} account",
                        handle.provider
                    ),
                },
            )));
        };
        // The PSP's own state only: the routing is kept here and put back afterwards.
        let state = match &routing {
            Some(_) => handle.state.get("psp").cloned().unwrap_or_default(),
            None => handle.state.clone(),
        };
        let inner = Handle {
            provider: handle.provider,
            id: handle.id.clone(),
            client_secret: handle.client_secret.clone(),
            state,
        };
        Ok((member, routing, inner))
    }

    fn only_member_of(&self, provider: Provider) -> Option<usize> {
        let mut of = self
            .members
            .iter()
            .enumerate()
            .filter(|(_, m)| m.provider == provider);
        match (of.next(), of.next()) {
            (Some((i, _)), None) => Some(i),
            _ => None,
        }
    }

    /// A later call at the handle's account, the routing kept in the handle it returns.
    async fn later<'a, F>(&'a self, handle: &Handle, call: F) -> Step
    where
        F: FnOnce(&'a dyn AuthenticationFlow, Handle) -> futures_like::BoxStep<'a>,
    {
        let (member, routing, inner) = match self.resolve(handle) {
            Ok(found) => found,
            Err(step) => return *step,
        };
        let m = &self.members[member];
        let mut step = call(m.flow.as_ref(), inner).await;
        self.record(m, &step);
        if let Some(routing) = routing {
            step.handle = step.handle.map(|h| wrap(h, &routing));
        }
        step
    }

    /// Hands a notification to account `name` (the service knows it from the URL the PSP
    /// posts to).
    pub async fn handle_notification_for(&self, name: &str, notification: &Notification) -> Step {
        let Some(index) = self.member(name) else {
            return own_outcome(
                AuthenticationStatus::Error,
                NextStep::Investigate,
                None,
                "unknown_account",
                format!(
                    "no account named '{}' in this router",
                    threeds_wire::excerpt(name)
                ),
            );
        };
        self.notify(index, notification).await
    }

    async fn notify(&self, index: usize, notification: &Notification) -> Step {
        let member = &self.members[index];
        let mut step = member.flow.handle_notification(notification).await;
        let routed = step
            .handle
            .as_ref()
            .and_then(|h| self.routed_id(h.provider, &h.id));
        if let (Some(handle), Some(id)) = (step.handle.take(), routed) {
            let routing = Routing {
                id,
                account: member.name.clone(),
                attempts: Vec::new(),
            };
            step.handle = Some(wrap(handle, &routing));
        }
        step
    }

    fn routed_id(&self, provider: Provider, psp_id: &str) -> Option<String> {
        let index = self.index.lock().ok()?;
        index
            .iter()
            .rev()
            .find(|(p, id, _, _)| *p == provider && id == psp_id)
            .map(|(_, _, _, routed)| routed.clone())
    }

    /// The provider a notification is from and the PSP id it names (when it names one),
    /// read with the normalizer from its body or, failing that, its query (Mangopay hooks).
    pub fn notification_subject(
        &self,
        notification: &Notification,
    ) -> Option<(Provider, Option<String>)> {
        let ctx = Context::new(&self.catalog);
        let body = String::from_utf8_lossy(&notification.body);
        let read = [body.as_ref(), notification.query.as_str()]
            .into_iter()
            .filter(|t| !t.trim().is_empty())
            .find_map(|t| crate::normalize_text(t, None, &ctx).ok())?;
        Some((read.authentication.provider, read.authentication.id))
    }

    /// The account a notification belongs to (module docs).
    fn notification_member(&self, notification: &Notification) -> Option<usize> {
        let (provider, id) = self.notification_subject(notification)?;
        let remembered = id.as_deref().and_then(|id| {
            let index = self.index.lock().ok()?;
            index
                .iter()
                .rev()
                .find(|(p, psp_id, _, _)| *p == provider && psp_id == id)
                .map(|(_, _, member, _)| *member)
        });
        remembered.or_else(|| self.only_member_of(provider))
    }
}

/// Boxed futures for [`Router::later`] without another dependency.
mod futures_like {
    use crate::flow::Step;
    use std::future::Future;
    use std::pin::Pin;

    pub type BoxStep<'a> = Pin<Box<dyn Future<Output = Step> + Send + 'a>>;
}

fn wrap(mut handle: Handle, routing: &Routing) -> Handle {
    let psp = std::mem::take(&mut handle.state);
    handle.state = serde_json::json!({
        "router": serde_json::to_value(routing).unwrap_or_default(),
        "psp": psp,
    });
    handle
}

fn skipped(member: &Member) -> Attempt {
    Attempt {
        account: member.name.clone(),
        provider: member.provider,
        status: None,
        next_step: None,
        retry: None,
        reason: None,
        psp_id: None,
        elapsed_ms: 0,
        challenge_requested: false,
        resolution_reads: 0,
        decision: Decision::Skipped,
        why: Why::BreakerOpen,
    }
}

fn attempt(
    member: &Member,
    step: &Step,
    started: Instant,
    challenge_requested: bool,
    resolution_reads: u32,
    decision: Decision,
    why: Why,
) -> Attempt {
    let auth = step.authentication();
    Attempt {
        account: member.name.clone(),
        provider: member.provider,
        status: Some(auth.status),
        next_step: Some(auth.next_step),
        retry: auth.retry,
        reason: auth.reason.clone(),
        psp_id: step
            .handle
            .as_ref()
            .map(|h| h.id.clone())
            .or_else(|| auth.id.clone()),
        elapsed_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        challenge_requested,
        resolution_reads,
        decision,
        why,
    }
}

/// An outcome the router makes itself (module docs).
fn own_outcome(
    status: AuthenticationStatus,
    next: NextStep,
    retry: Option<Retry>,
    reason: &'static str,
    message: String,
) -> Step {
    let mut d = Draft::new(ROUTER, DocumentKind::Error, "router");
    d.set_status(status, next, format!("router.{reason}"));
    if retry.is_some() {
        d.auth.retry = retry;
    }
    d.auth.reason = Some(reason.to_owned());
    d.auth.raw.message = Some(message);
    let normalized: Normalized = d.finish();
    Step {
        normalized,
        handle: None,
    }
}

#[async_trait]
impl AuthenticationFlow for Router {
    /// [`ROUTER`]: the outcomes carry the answering PSP's own provider.
    fn provider(&self) -> Provider {
        ROUTER
    }

    async fn start(&self, request: &AuthenticationRequest) -> Step {
        self.route(request).await.step
    }

    async fn submit_device_data(&self, handle: &Handle, data: &DeviceData) -> Step {
        self.later(handle, |flow, h| {
            Box::pin(async move { flow.submit_device_data(&h, data).await })
        })
        .await
    }

    async fn report_challenge(&self, handle: &Handle, result: &ChallengeResult) -> Step {
        self.later(handle, |flow, h| {
            Box::pin(async move { flow.report_challenge(&h, result).await })
        })
        .await
    }

    async fn fetch(&self, handle: &Handle) -> Step {
        self.later(handle, |flow, h| {
            Box::pin(async move { flow.fetch(&h).await })
        })
        .await
    }

    async fn complete(&self, handle: &Handle) -> Step {
        self.later(handle, |flow, h| {
            Box::pin(async move { flow.complete(&h).await })
        })
        .await
    }

    async fn handle_notification(&self, notification: &Notification) -> Step {
        match self.notification_member(notification) {
            Some(index) => self.notify(index, notification).await,
            None => own_outcome(
                AuthenticationStatus::Error,
                NextStep::Investigate,
                None,
                "notification_account_unknown",
                "the notification names no authentication this router started, and its provider has not exactly one account: use handle_notification_for with the account".to_owned(),
            ),
        }
    }
}
