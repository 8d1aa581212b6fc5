//! The demo's PSPs: each flow configured for the in-process sandbox, with its scenarios.
//!
//! The cards and passwords are the simulators' documented test values (see
//! `docs/live/<psp>.md`); the merchant URLs point at `merchant.example`, where the demo's
//! browser stops and hands what would have arrived to the flow.

use super::browser::CardholderAction;
use super::merchant::Receiver;
use super::Scenario;
use crate::flow::pxp::{PxpFlow, PxpFlowConfig};
use crate::flow::AuthenticationFlow;
use crate::model::Provider;
use crate::request::{
    Address, AuthenticationRequest, Browser, Card, Cardholder, Channel, Merchant, MessageCategory,
    Purpose, Urls,
};
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

/// Paysafe through its simulator. Each request first gets a `deviceFingerprintingId` the
/// way Paysafe's JS SDK `start()` does in the browser (`POST /threedsecure/v2/jwt`).
pub async fn paysafe(sandbox: &RunningSandbox) -> Result<Demo, String> {
    use crate::flow::paysafe::PaysafeFlow;
    use threeds_paysafe::client::{Client, Config, Environment};
    use threeds_paysafe::sandbox as sim;
    use threeds_paysafe::sdk::{JwtCard, JwtRequest, JwtResponse, SdkInfo};
    use threeds_paysafe::SdkType;
    let mut config = Config::new(
        sim::API_KEY_USER,
        sim::API_KEY_PASSWORD,
        sim::ACCOUNT_ID,
        Environment::Custom(sandbox.base("paysafe")),
    );
    config.http = http();
    let client = Client::new(config).map_err(|e| e.to_string())?;
    let catalog = crate::Catalog::builtin().map_err(|e| e.to_string())?;
    let flow = PaysafeFlow::new(client, std::sync::Arc::new(catalog));
    let mut scenarios = vec![
        scenario(
            "frictionless",
            request("4000000000002701", 1000, "EUR"),
            None,
        ),
        scenario(
            "challenge passed",
            request("4000000000002503", 1000, "EUR"),
            cardholder(sim::OTP, "submit"),
        ),
        scenario(
            "challenge failed",
            request("4000000000002370", 1000, "EUR"),
            cardholder(sim::OTP, "submit"),
        ),
        scenario(
            "frictionless failure",
            request("4000000000002925", 1000, "EUR"),
            None,
        ),
    ];
    for s in &mut scenarios {
        let bin = s
            .request
            .card
            .as_ref()
            .and_then(|c| c.number.as_ref())
            .and_then(|n| n.bin())
            .map(str::to_owned);
        let answer = flow
            .client()
            .jwt(&JwtRequest {
                account_id: Some(sim::ACCOUNT_ID.into()),
                card: Some(JwtCard { card_bin: bin }),
                sdk: Some(SdkInfo {
                    sdk_type: Some(SdkType::Browser),
                    version: Some("1.0.0".into()),
                }),
            })
            .await
            .map_err(|e| e.to_string())?;
        let body: JwtResponse = serde_json::from_slice(&answer.body)
            .ok()
            .filter(|_| answer.is_success())
            .ok_or_else(|| format!("paysafe.jwt: HTTP {} without a JWT answer", answer.status))?;
        s.request.device_session_id = body.device_fingerprinting_id;
    }
    Ok(Demo {
        provider: Provider::Paysafe,
        flow: Box::new(flow),
        scenarios,
    })
}

/// Checkout through its simulator. The complete callback goes to the demo's receiver:
/// Checkout fails `complete` when the callback URL does not answer 2xx.
pub fn checkout(sandbox: &RunningSandbox, receiver: &Receiver) -> Result<Demo, String> {
    use crate::flow::checkout::{CheckoutFlow, CheckoutSettings};
    use threeds_checkout::sandbox as sim;
    let flow = CheckoutFlow::local_sandbox(
        &sandbox.base("checkout"),
        http(),
        CheckoutSettings::default(),
    )
    .map_err(|e| e.to_string())?;
    let with_callback = |pan: &str| {
        let mut r = request(pan, 6540, "GBP");
        r.urls.callback_url = Some(receiver.url("/checkout/callback"));
        r
    };
    let pass = sim::CHALLENGE_PASSWORD;
    Ok(Demo {
        provider: Provider::Checkout,
        flow: Box::new(flow),
        scenarios: vec![
            scenario("frictionless", with_callback("4485040371536584"), None),
            scenario(
                "challenge passed",
                with_callback("4242424242424242"),
                cardholder(pass, "submit"),
            ),
            scenario(
                "challenge failed",
                with_callback("4243754271700719"),
                cardholder(pass, "submit"),
            ),
            scenario(
                "frictionless failure",
                with_callback("4539628347117863"),
                None,
            ),
        ],
    })
}

/// Mangopay through its simulator: a card registration, then the pay-in. Its challenge
/// page has no password; the cardholder presses `authenticate` or a refusal.
pub fn mangopay(sandbox: &RunningSandbox) -> Result<Demo, String> {
    use crate::flow::mangopay::MangopayFlow;
    let flow = MangopayFlow::local_sandbox(&sandbox.base("mangopay"), http())
        .map_err(|e| e.to_string())?;
    let eur = |pan: &str| request(pan, 1000, "EUR");
    Ok(Demo {
        provider: Provider::Mangopay,
        flow: Box::new(flow),
        scenarios: vec![
            scenario("frictionless", eur("4970107111111119"), None),
            scenario(
                "challenge passed",
                eur("4970105181818183"),
                cardholder("", "authenticate"),
            ),
            scenario(
                "challenge failed",
                eur("4970105181818183"),
                cardholder("", "no"),
            ),
        ],
    })
}

/// Every PSP's demo.
pub async fn all(sandbox: &RunningSandbox, receiver: &Receiver) -> Result<Vec<Demo>, String> {
    Ok(vec![
        checkout(sandbox, receiver)?,
        paysafe(sandbox).await?,
        mangopay(sandbox)?,
        pxp(sandbox)?,
    ])
}
