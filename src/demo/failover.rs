//! The demo's failover row: two PSP accounts behind one [`Router`], the first one down.
//!
//! The first account's simulator answers every request 503 (the sandbox's fault queue),
//! so the router fails over before any cardholder-facing step and the second PSP
//! authenticates the cardholder; the row says which account was down and which answered.

use super::browser::Browser;
use super::setup::Demo;
use super::{drive, Run};
use crate::catalog::Catalog;
use crate::model::Provider;
use crate::router::routes::{Filters, Route, RoutingTable};
use crate::router::{AccountConfig, BreakerSettings, Router, RouterConfig};
use crate::sandbox::RunningSandbox;
use std::sync::Arc;
use threeds_wire::sandbox::Fault;

/// One routed authentication: the first demo's PSP down, the second's frictionless
/// scenario authenticated at the second. `None` with fewer than two PSPs.
pub async fn row(
    sandbox: &RunningSandbox,
    browser: &Browser,
    demos: &[Demo],
    catalog: Arc<Catalog>,
) -> Option<Result<(Provider, String, Run), super::DemoError>> {
    let (down, up) = match demos {
        [down, up, ..] => (down, up),
        _ => return None,
    };
    let scenario = up
        .scenarios
        .iter()
        .find(|s| s.name == "frictionless")
        .or(up.scenarios.first())?;
    Some(
        run(
            sandbox,
            browser,
            down.provider,
            up.provider,
            scenario,
            catalog,
        )
        .await,
    )
}

async fn run(
    sandbox: &RunningSandbox,
    browser: &Browser,
    down: Provider,
    up: Provider,
    scenario: &super::Scenario,
    catalog: Arc<Catalog>,
) -> Result<(Provider, String, Run), super::DemoError> {
    let account = |provider: Provider| -> Result<AccountConfig, super::DemoError> {
        let psp = crate::psp::get(provider)
            .ok_or_else(|| super::DemoError::new(provider, "is not registered"))?;
        let mut account = super::setup::sandbox_account(psp, sandbox)?;
        account.name = format!("{provider}-demo");
        Ok(AccountConfig {
            account,
            weight: None,
        })
    };
    let config = RouterConfig {
        accounts: vec![account(down)?, account(up)?],
        table: RoutingTable {
            routes: vec![Route {
                number: 1,
                filters: Filters::default(),
                accounts: vec![format!("{down}-demo"), format!("{up}-demo")],
            }],
        },
        breaker: BreakerSettings::default(),
    };
    let router = Router::new(&config, catalog).map_err(|e| super::DemoError::new(down, e))?;
    let queue = sandbox.faults(down.as_str());
    if let Some(queue) = queue {
        queue.push(Fault::Status(503), u32::MAX, None);
    }
    // A reference of its own: the PSP's row above already used the scenario's.
    let mut scenario = scenario.clone();
    scenario.request.reference = Some(format!(
        "demo-failover-{}",
        threeds_wire::ids::lower_alnum(12)
    ));
    let run = drive(&router, browser, &scenario).await;
    if let Some(queue) = queue {
        queue.clear();
    }
    let answered = run.outcome.authentication.provider;
    let name = format!("failover: {down} down, {answered} answered");
    Ok((answered, name, run))
}
