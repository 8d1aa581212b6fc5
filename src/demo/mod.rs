//! `threeds-bridge demo`: authentications run end to end through the in-process sandbox.
//!
//! [`drive`] is the merchant's side of a flow: it starts an authentication, then does what
//! each `next_action` asks (3DS Method, device data, challenge in a [`browser::Browser`])
//! until the outcome is final, and completes it. It only uses the
//! [`AuthenticationFlow`] interface, so the same loop runs every PSP.

pub mod browser;
#[cfg(feature = "router")]
pub mod failover;
pub mod merchant;
#[cfg(feature = "service")]
pub mod service;
pub mod setup;
pub mod table;

use crate::flow::{AuthenticationFlow, ChallengeResult, DeviceData, MethodOutcome, Step};
use crate::model::NextAction;
use crate::normalize::Normalized;
use crate::request::AuthenticationRequest;
use browser::{Browser, CardholderAction};

/// Why a PSP's demo could not be set up.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{provider} demo: {}", threeds_wire::bounded(.message))]
pub struct DemoError {
    pub provider: crate::model::Provider,
    pub message: String,
}

impl DemoError {
    pub fn new(provider: crate::model::Provider, why: impl std::fmt::Display) -> Self {
        DemoError {
            provider,
            message: why.to_string(),
        }
    }
}

/// One authentication to run.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub name: &'static str,
    pub request: AuthenticationRequest,
    /// What the cardholder does if challenged (`None`: walks away).
    pub cardholder: Option<CardholderAction>,
}

/// What happened, call by call.
#[derive(Debug, Clone)]
pub struct Run {
    /// The flow calls made, in order (`start`, `submit_device_data`, ...).
    pub calls: Vec<&'static str>,
    pub outcome: Normalized,
    /// Set when the browser could not do what `next_action` asked.
    pub browser_error: Option<String>,
}

/// Runs `scenario` through `flow`, acting as front end and cardholder.
pub async fn drive(flow: &dyn AuthenticationFlow, browser: &Browser, scenario: &Scenario) -> Run {
    drive_as(flow, browser, &scenario.request, &|_: &NextAction| {
        scenario.cardholder.clone()
    })
    .await
}

/// Runs `request` through `flow`; at a challenge, `cardholder` says what the cardholder
/// does on that page (`None`: walks away). A flow that routes between PSPs learns only at
/// the challenge which PSP's page the cardholder faces, hence a choice per page.
pub async fn drive_as(
    flow: &dyn AuthenticationFlow,
    browser: &Browser,
    request: &AuthenticationRequest,
    cardholder: &(dyn Fn(&NextAction) -> Option<CardholderAction> + Sync),
) -> Run {
    let mut calls = vec!["start"];
    let mut step = flow.start(request).await;
    let mut browser_error = None;
    // A flow needs at most: device data, 3DS Method, challenge, complete.
    for _ in 0..6 {
        let Some(handle) = step.handle.clone() else {
            break;
        };
        let next: Option<(&'static str, Step)> = match step.authentication().next_action.clone() {
            Some(NextAction::ThreeDsMethod { url, data }) => {
                let method = match browser.run_method(&url, data.as_deref()).await {
                    Ok(outcome) => outcome,
                    Err(e) => {
                        browser_error = Some(e.to_string());
                        MethodOutcome::TimedOut
                    }
                };
                let data = DeviceData {
                    browser: request.browser.clone(),
                    method,
                };
                Some((
                    "submit_device_data",
                    flow.submit_device_data(&handle, &data).await,
                ))
            }
            Some(NextAction::CollectDeviceData) => {
                let data = DeviceData {
                    browser: request.browser.clone(),
                    method: MethodOutcome::NotRun,
                };
                Some((
                    "submit_device_data",
                    flow.submit_device_data(&handle, &data).await,
                ))
            }
            Some(action @ (NextAction::Challenge { .. } | NextAction::Redirect { .. })) => {
                let result = match cardholder(&action) {
                    Some(cardholder) => match browser.run_challenge(&action, &cardholder).await {
                        Ok(result) => result,
                        Err(e) => {
                            browser_error = Some(e.to_string());
                            ChallengeResult::default()
                        }
                    },
                    // The cardholder walked away: wait for the PSP to expire it, then look.
                    None => return finish(calls, step, browser_error),
                };
                Some((
                    "report_challenge",
                    flow.report_challenge(&handle, &result).await,
                ))
            }
            None if step.authentication().status.is_final() => {
                calls.push("complete");
                step = flow.complete(&handle).await;
                break;
            }
            None => None,
        };
        match next {
            Some((call, next_step)) => {
                calls.push(call);
                step = next_step;
            }
            None => break,
        }
    }
    finish(calls, step, browser_error)
}

fn finish(calls: Vec<&'static str>, step: Step, browser_error: Option<String>) -> Run {
    Run {
        calls,
        outcome: step.normalized,
        browser_error,
    }
}
