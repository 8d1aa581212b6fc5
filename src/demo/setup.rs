//! The demo's PSPs: each flow configured for the in-process sandbox, with its scenarios.
//!
//! The cards and passwords are the simulators' documented test values (see
//! `docs/live/<psp>.md`); the merchant URLs point at `merchant.example`, where the demo's
//! browser stops and hands what would have arrived to the flow.

use super::browser::CardholderAction;
use super::Scenario;
use crate::flow::pxp::{PxpFlow, PxpFlowConfig};
use crate::flow::AuthenticationFlow;
use crate::model::Provider;
use crate::request::{AuthenticationRequest, Browser, Card, Merchant, Urls};
use crate::sandbox::RunningSandbox;
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
        reference: Some(format!("demo-{}", threeds_wire_ids())),
        card: Some(Card {
            number: Some(CardNumber::new(pan)),
            expiry_month: Some(12),
            expiry_year: Some(2030),
            holder_name: Some("Jane Doe".into()),
            cvv: Some(Secret::new("100")),
            preferred_network: None,
        }),
        browser: Some(browser_data()),
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

fn threeds_wire_ids() -> String {
    threeds_wire::sandbox::ids::lower_alnum(12)
}

fn cardholder(password: &str, button: &str) -> Option<CardholderAction> {
    Some(CardholderAction {
        password: password.into(),
        button: button.into(),
    })
}

fn scenario(
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

/// PXP through its simulator.
pub fn pxp(sandbox: &RunningSandbox) -> Result<Demo, String> {
    use threeds_pxp::client::{Config, Environment};
    use threeds_pxp::sandbox as sim;
    let flow = PxpFlow::new(PxpFlowConfig {
        client: Config {
            environment: Environment::Custom(format!("{}/api/v1", sandbox.base("pxp"))),
            client_id: sim::CLIENT_ID.into(),
            token_id: sim::TOKEN_ID.into(),
            token_value: Secret::new(sim::TOKEN_VALUE),
            http: http(),
        },
        merchant_group: sim::MERCHANT_GROUP.into(),
        acquirer_profile_id: sim::ACQUIRER_PROFILE_ID.into(),
        acquirer_merchant_id: Some("DEMO_MERCHANT_001".into()),
        challenge_window_size: Some(3),
        webhook_key: Some(Secret::new(sim::WEBHOOK_HMAC_KEY)),
    })
    .map_err(|e| e.to_string())?;
    let pass = sim::CHALLENGE_PASSWORD;
    Ok(Demo {
        provider: Provider::Pxp,
        flow: Box::new(flow),
        scenarios: vec![
            scenario(
                "frictionless",
                request("4444000000000014", 2999, "EUR"),
                None,
            ),
            scenario(
                "challenge passed",
                request("4444000000000063", 2999, "EUR"),
                cardholder(pass, "submit"),
            ),
            scenario(
                "challenge failed",
                request("4444000000000063", 2999, "EUR"),
                cardholder("wrong-password", "submit"),
            ),
            scenario(
                "frictionless failure",
                request("4444000000000030", 2999, "EUR"),
                None,
            ),
        ],
    })
}

/// Every PSP's demo.
pub fn all(sandbox: &RunningSandbox) -> Result<Vec<Demo>, String> {
    Ok(vec![pxp(sandbox)?])
}
