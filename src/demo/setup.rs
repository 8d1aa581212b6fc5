//! What every PSP's demo shares: the merchant's request, the sandbox account, and the
//! loop over the registry. Each PSP's scenarios are in its folder (`src/psp/<name>/live.rs`).
//!
//! The cards and passwords are the simulators' documented test values (see
//! `docs/live/<psp>.md`); the merchant URLs point at `merchant.example`, where the demo's
//! browser stops and hands what would have arrived to the flow.

use super::browser::CardholderAction;
use super::merchant::Receiver;
use super::DemoError;
use super::Scenario;
use crate::catalog::Catalog;
use crate::flow::{Account, AuthenticationFlow};
use crate::model::Provider;
use crate::psp::Psp;
use crate::request::{
    Address, AuthenticationRequest, Browser, Card, Cardholder, Channel, Merchant, MessageCategory,
    Purpose, Urls,
};
use crate::sandbox::RunningSandbox;
use std::sync::Arc;
use std::time::Duration;
use threeds_wire::http::HttpSettings;
use threeds_wire::{CardNumber, Secret};

/// A PSP ready to run: its flow and what to run through it.
pub struct Demo {
    pub provider: Provider,
    pub flow: Box<dyn AuthenticationFlow>,
    pub scenarios: Vec<Scenario>,
}

/// Where the demo merchant's endpoints would be. Not contacted: the browser stops there.
pub const MERCHANT: &str = "https://merchant.example";

fn http() -> HttpSettings {
    HttpSettings {
        timeout: Duration::from_secs(5),
        ..HttpSettings::default()
    }
}

/// The browser data a real front end collects (EMV AReq browser fields).
pub fn browser_data() -> Browser {
    Browser {
        accept_header: Some(
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8".into(),
        ),
        java_enabled: Some(false),
        javascript_enabled: Some(true),
        language: Some("en-GB".into()),
        color_depth: Some(24),
        screen_height: Some(1080),
        screen_width: Some(1920),
        timezone_offset_minutes: Some(0),
        user_agent: Some("Mozilla/5.0 (X11; Linux x86_64) threeds-bridge-demo".into()),
        ip_address: Some("192.0.2.10".into()),
    }
}

/// A browser payment request for `pan` with the demo merchant's data and URLs.
pub fn request(pan: &str, amount: u64, currency: &str) -> AuthenticationRequest {
    AuthenticationRequest {
        amount: Some(amount),
        currency: Some(currency.into()),
        reference: Some(format!("demo-{}", threeds_wire::ids::lower_alnum(12))),
        card: Some(Card {
            number: Some(CardNumber::new(pan)),
            expiry_month: Some(12),
            expiry_year: Some(2030),
            holder_name: Some("Jane Doe".into()),
            cvv: Some(Secret::new("100")),
            preferred_network: None,
        }),
        cardholder: Cardholder {
            email: Some("jane.doe@example.com".into()),
            ..Cardholder::default()
        },
        billing_address: Some(Address {
            first_name: Some("Jane".into()),
            last_name: Some("Doe".into()),
            line1: Some("1 Main Street".into()),
            city: Some("London".into()),
            postal_code: Some("N1 1AA".into()),
            country: Some("GB".into()),
            ..Address::default()
        }),
        browser: Some(browser_data()),
        channel: Some(Channel::Browser),
        purpose: Some(Purpose::Payment),
        message_category: Some(MessageCategory::Payment),
        merchant: Merchant {
            name: Some("Demo Shop".into()),
            url: Some(format!("{MERCHANT}/")),
            mcc: Some("5411".into()),
            country: Some("GB".into()),
        },
        urls: Urls {
            return_url: Some(format!("{MERCHANT}/3ds/return")),
            failure_url: Some(format!("{MERCHANT}/3ds/failure")),
            callback_url: Some(format!("{MERCHANT}/3ds/callback")),
            challenge_notification_url: Some(format!("{MERCHANT}/3ds/cres")),
            method_notification_url: Some(format!("{MERCHANT}/3ds/method")),
        },
        ..AuthenticationRequest::default()
    }
}

pub fn cardholder(password: &str, button: &str) -> Option<CardholderAction> {
    Some(CardholderAction {
        password: password.into(),
        button: button.into(),
    })
}

pub fn scenario(
    name: &'static str,
    request: AuthenticationRequest,
    who: Option<CardholderAction>,
) -> Scenario {
    Scenario {
        name,
        request,
        cardholder: who,
    }
}

/// The account `psp`'s simulator answers to in `sandbox`, with the demo's HTTP settings.
pub fn sandbox_account(psp: &dyn Psp, sandbox: &RunningSandbox) -> Result<Account, DemoError> {
    let mut account = psp
        .live()
        .and_then(|live| live.sandbox_account(&sandbox.base(psp.id().as_str())))
        .ok_or_else(|| DemoError::new(psp.id(), "has no sandbox account"))?;
    account.http = http();
    Ok(account)
}

impl Demo {
    /// `scenarios` through `psp`'s flow over its sandbox account.
    pub fn for_sandbox(
        psp: &dyn Psp,
        sandbox: &RunningSandbox,
        catalog: Arc<Catalog>,
        scenarios: Vec<Scenario>,
    ) -> Result<Demo, DemoError> {
        let account = sandbox_account(psp, sandbox)?;
        let flow = psp
            .live()
            .ok_or_else(|| DemoError::new(psp.id(), "has no live flow"))?
            .flow(&account, catalog)
            .map_err(|e| DemoError::new(psp.id(), e))?;
        Ok(Demo {
            provider: psp.id(),
            flow,
            scenarios,
        })
    }
}

/// Every registered PSP's demo, in registry order; PSPs without one are left out.
pub async fn all(
    sandbox: &RunningSandbox,
    receiver: &Receiver,
    catalog: Arc<Catalog>,
) -> Result<Vec<Demo>, DemoError> {
    let mut demos = Vec::new();
    for psp in crate::psp::all() {
        let Some(live) = psp.live() else { continue };
        if let Some(demo) = live.demo(sandbox, receiver, catalog.clone()).await {
            demos.push(demo?);
        }
    }
    Ok(demos)
}
