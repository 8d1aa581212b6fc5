//! End-to-end: the `Router` over several accounts of the in-process sandbox (no network).
//!
//! Each test loads a TOML config (credentials from a made-up environment), points its
//! accounts at the sandbox's simulators with `against_sandbox`, makes the first account
//! fail in one of the ways the sandbox can fail (5xx, timeout, reset, a lost answer,
//! slowness) and checks what the router did: failover exactly when the rules allow it,
//! never after a challenge, and a lost Mangopay pay-in resolved at Mangopay, counted from
//! the simulator's own wallet.

use std::sync::Arc;
use std::time::Duration;
use threeds_bridge::catalog::Catalog;
use threeds_bridge::flow::{AuthenticationFlow, ChallengeResult, DeviceData, MethodOutcome};
use threeds_bridge::model::{AuthenticationStatus as S, NextAction, NextStep, Retry};
use threeds_bridge::request::{Address, AuthenticationRequest, Browser, Card, Urls};
use threeds_bridge::router::{
    BreakerState, Decision, ManualClock, Resolution, Router, RouterConfig, Routing, Why,
};
use threeds_bridge::sandbox::{start, RunningSandbox, SandboxOptions};
use threeds_mangopay::client::{Client, Config, Environment};
use threeds_mangopay::sandbox::{SANDBOX_API_KEY, SANDBOX_CLIENT_ID, SEEDED_WALLET_ID};
use threeds_wire::sandbox::Fault;
use threeds_wire::{CardNumber, Secret};

/// Mangopay's frictionless sandbox card (a Visa BIN).
const MANGOPAY_FRICTIONLESS: &str = "4970107111111119";
/// Checkout's sandbox card that asks for a challenge.
const CHECKOUT_CHALLENGE: &str = "4242424242424242";
/// Checkout's frictionless sandbox card.
const CHECKOUT_FRICTIONLESS: &str = "4485040371536584";

const ACCOUNTS: &str = r#"
[[account]]
name = "checkout-eu"
provider = "checkout"
base_url = "https://api.sandbox.checkout.com"
client_id_env = "CKO_ID"
client_secret_env = "CKO_SECRET"
http = { timeout_ms = 400, connect_timeout_ms = 300, max_attempts = 1 }

[[account]]
name = "paysafe-eu"
provider = "paysafe"
base_url = "https://api.test.paysafe.com"
api_key_user_env = "PSF_USER"
api_key_password_env = "PSF_PASSWORD"
account_id = "1001"
http = { timeout_ms = 400, connect_timeout_ms = 300, max_attempts = 1 }

[[account]]
name = "mangopay-eu"
provider = "mangopay"
base_url = "https://api.sandbox.mangopay.com"
client_id_env = "MGP_ID"
api_key_env = "MGP_KEY"
author_id = "configured-user"
credited_wallet_id = "configured-wallet"
http = { timeout_ms = 300, connect_timeout_ms = 300, max_attempts = 1 }
"#;

fn env(name: &str) -> Option<String> {
    Some(format!("from-env-{name}"))
}

async fn sandbox() -> RunningSandbox {
    start(SandboxOptions::default()).await.unwrap()
}

/// A router over `ACCOUNTS` with one route trying `accounts` in order, plus `extra` TOML.
fn router(sb: &RunningSandbox, accounts: &[&str], extra: &str) -> Router {
    let list: Vec<String> = accounts.iter().map(|a| format!("\"{a}\"")).collect();
    let text = format!(
        "{ACCOUNTS}\n[[route]]\ncurrencies = [\"EUR\"]\naccounts = [{}]\n{extra}",
        list.join(", ")
    );
    let config = RouterConfig::from_toml(&text, &env)
        .unwrap()
        .against_sandbox(sb);
    Router::new(&config, Arc::new(Catalog::builtin().unwrap()))
        .unwrap()
        .with_seed(1)
        .with_resolution(Resolution {
            reads: 0,
            delay: Duration::ZERO,
        })
}

fn request(card: &str) -> AuthenticationRequest {
    AuthenticationRequest {
        amount: Some(1500),
        currency: Some("EUR".into()),
        reference: Some("order-1".into()),
        card: Some(Card {
            number: Some(CardNumber::new(card)),
            expiry_month: Some(12),
            expiry_year: Some(2039),
            holder_name: Some("Alex Smith".into()),
            cvv: Some(Secret::new("123")),
            preferred_network: None,
        }),
        browser: Some(browser()),
        urls: Urls {
            return_url: Some("https://merchant.example/return".into()),
            callback_url: Some("https://merchant.example/callback".into()),
            challenge_notification_url: Some("https://merchant.example/cres".into()),
            method_notification_url: Some("https://merchant.example/method".into()),
            ..Default::default()
        },
        ..Default::default()
    }
}

fn browser() -> Browser {
    Browser {
        accept_header: Some("text/html".into()),
        java_enabled: Some(false),
        javascript_enabled: Some(true),
        language: Some("en-US".into()),
        color_depth: Some(24),
        screen_height: Some(900),
        screen_width: Some(1440),
        timezone_offset_minutes: Some(-60),
        user_agent: Some("Mozilla/5.0 (X11; Linux x86_64)".into()),
        ip_address: Some("203.0.113.7".into()),
    }
}

/// How many pay-ins the Mangopay simulator credited to its seeded wallet.
async fn payins(sb: &RunningSandbox) -> usize {
    let client = Client::new(Config::new(
        SANDBOX_CLIENT_ID,
        Secret::new(SANDBOX_API_KEY),
        Environment::Custom(sb.base("mangopay")),
    ))
    .unwrap();
    let response = client
        .list_wallet_transactions(SEEDED_WALLET_ID, 1, 100)
        .await
        .unwrap();
    assert_eq!(response.status, 200);
    let list: Vec<serde_json::Value> = serde_json::from_slice(&response.body).unwrap();
    list.iter().filter(|t| t["Type"] == "PAYIN").count()
}

fn decisions(attempts: &[threeds_bridge::router::Attempt]) -> Vec<(&str, Decision, Why)> {
    attempts
        .iter()
        .map(|a| (a.account.as_str(), a.decision, a.why))
        .collect()
}

/// Checkout fails with `fault` at session creation; Mangopay takes the payment.
async fn checkout_fails_then_mangopay_pays(fault: Fault) {
    let sb = sandbox().await;
    sb.faults("checkout")
        .unwrap()
        .push(fault.clone(), 5, Some("/sessions".into()));
    let r = router(&sb, &["checkout-eu", "mangopay-eu"], "");
    let routed = r.route(&request(MANGOPAY_FRICTIONLESS)).await;
    assert_eq!(
        decisions(&routed.attempts),
        [
            ("checkout-eu", Decision::FailedOver, Why::PspFailure),
            ("mangopay-eu", Decision::Stopped, Why::Outcome),
        ],
        "{fault:?}: {:?}",
        routed.attempts
    );
    assert_eq!(routed.attempts[0].retry, Some(Retry::OtherPsp));
    let a = routed.step.authentication();
    assert_eq!(a.status, S::Authenticated, "{fault:?}: {a:?}");
    assert_eq!(routed.account.as_deref(), Some("mangopay-eu"));
    // The handle goes to the account that answered and keeps the routed id.
    let handle = routed.step.handle.clone().unwrap();
    let routing = Routing::of(&handle).unwrap();
    assert_eq!(routing.id, routed.id);
    assert!(routed.id.starts_with("rt_"));
    assert_eq!(routing.account, "mangopay-eu");
    assert_eq!(routing.attempts, routed.attempts);
    let fetched = r.fetch(&handle).await;
    assert_eq!(fetched.authentication().status, S::Authenticated);
    assert_eq!(
        Routing::of(fetched.handle.as_ref().unwrap()).unwrap().id,
        routed.id
    );
    sb.faults("checkout").unwrap().settled().await;
    assert_eq!(payins(&sb).await, 1);
    drop(sb);
}

#[tokio::test]
async fn a_5xx_at_the_first_account_fails_over() {
    checkout_fails_then_mangopay_pays(Fault::Status(503)).await;
}

#[tokio::test]
async fn a_timeout_at_the_first_account_fails_over() {
    checkout_fails_then_mangopay_pays(Fault::Timeout).await;
}

#[tokio::test]
async fn a_reset_connection_at_the_first_account_fails_over() {
    checkout_fails_then_mangopay_pays(Fault::Reset).await;
}

/// Checkout creates the session after the client gave up: a session nobody shows the
/// cardholder moves no money, so failing over is safe.
#[tokio::test]
async fn a_lost_checkout_answer_fails_over() {
    checkout_fails_then_mangopay_pays(Fault::Late(Duration::from_millis(700))).await;
}

#[tokio::test]
async fn without_failover_the_first_failure_is_the_outcome() {
    let sb = sandbox().await;
    sb.faults("checkout")
        .unwrap()
        .push(Fault::Status(503), 5, Some("/sessions".into()));
    let r = router(&sb, &["checkout-eu", "mangopay-eu"], "").with_failover(false);
    let routed = r.route(&request(MANGOPAY_FRICTIONLESS)).await;
    assert_eq!(
        decisions(&routed.attempts),
        [("checkout-eu", Decision::Stopped, Why::FailoverDisabled)]
    );
    let a = routed.step.authentication();
    assert_eq!(
        (a.status, a.next_step),
        (S::Error, NextStep::RetryAuthentication)
    );
    assert_eq!(payins(&sb).await, 0);
    sb.shutdown().await;
}

#[tokio::test]
async fn a_slow_account_is_waited_for_not_failed_over() {
    let sb = sandbox().await;
    sb.faults("checkout").unwrap().push(
        Fault::Latency(Duration::from_millis(250)),
        1,
        Some("/sessions".into()),
    );
    let r = router(&sb, &["checkout-eu", "mangopay-eu"], "");
    let routed = r.route(&request(CHECKOUT_FRICTIONLESS)).await;
    assert_eq!(
        decisions(&routed.attempts),
        [("checkout-eu", Decision::Stopped, Why::CardholderStep)]
    );
    assert!(
        routed.attempts[0].elapsed_ms >= 250,
        "{:?}",
        routed.attempts
    );
    let a = routed.step.authentication();
    assert_eq!(a.next_step, NextStep::CompleteDeviceData, "{a:?}");
    assert_eq!(payins(&sb).await, 0);
    sb.shutdown().await;
}

#[tokio::test]
async fn a_paysafe_outage_fails_over_to_checkout() {
    let sb = sandbox().await;
    sb.faults("paysafe")
        .unwrap()
        .push(Fault::Status(502), 10, None);
    let r = router(&sb, &["paysafe-eu", "checkout-eu"], "");
    let routed = r.route(&request(CHECKOUT_FRICTIONLESS)).await;
    assert_eq!(
        decisions(&routed.attempts),
        [
            ("paysafe-eu", Decision::FailedOver, Why::PspFailure),
            ("checkout-eu", Decision::Stopped, Why::CardholderStep),
        ],
        "{:?}",
        routed.attempts
    );
    assert!(matches!(
        routed.step.authentication().next_action,
        Some(NextAction::ThreeDsMethod { .. })
    ));
    // Every attempt is explained in the outcome too.
    let warnings = &routed.step.normalized.explain.warnings;
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("paysafe-eu (paysafe): error") && w.contains("failed_over")),
        "{warnings:?}"
    );
    sb.shutdown().await;
}

/// Once the front end had a 3DS Method and the cardholder a challenge, a failing PSP is
/// waited for at that account: another account would challenge the cardholder again.
#[tokio::test]
async fn no_failover_after_the_cardholder_saw_a_challenge() {
    let sb = sandbox().await;
    let r = router(&sb, &["checkout-eu", "mangopay-eu"], "");
    let routed = r.route(&request(CHECKOUT_CHALLENGE)).await;
    let handle = routed.step.handle.clone().unwrap();
    let step = r
        .submit_device_data(
            &handle,
            &DeviceData {
                browser: Some(browser()),
                method: MethodOutcome::NotRun,
            },
        )
        .await;
    assert_eq!(
        step.authentication().status,
        S::ChallengeRequired,
        "{:?}",
        step.authentication()
    );
    let handle = step.handle.clone().unwrap();
    assert_eq!(Routing::of(&handle).unwrap().account, "checkout-eu");
    sb.faults("checkout")
        .unwrap()
        .push(Fault::Status(503), 10, None);
    let after = r
        .report_challenge(&handle, &ChallengeResult::default())
        .await;
    let a = after.authentication();
    assert_eq!(a.provider.as_str(), "checkout");
    assert_eq!((a.status, a.next_step), (S::Error, NextStep::Wait), "{a:?}");
    assert_eq!(payins(&sb).await, 0, "mangopay was never called");
    sb.shutdown().await;
}

/// A pay-in POST whose answer is lost: the router does not fail over (Checkout would
/// authenticate a second payment), it leaves the pay-in to be resolved at Mangopay, and
/// the simulator ends with exactly one pay-in.
#[tokio::test]
async fn a_lost_mangopay_payin_is_resolved_never_failed_over() {
    let sb = sandbox().await;
    let faults = sb.faults("mangopay").unwrap();
    faults.push(
        Fault::Late(Duration::from_millis(1000)),
        1,
        Some("/payins/card/direct".into()),
    );
    faults.push(Fault::Status(503), 50, Some("/payins/card/direct".into()));
    faults.push(Fault::Status(503), 50, Some("/responses/".into()));
    let r = router(&sb, &["mangopay-eu", "checkout-eu"], "").with_resolution(Resolution {
        reads: 2,
        delay: Duration::ZERO,
    });
    let routed = r.route(&request(MANGOPAY_FRICTIONLESS)).await;
    assert_eq!(
        decisions(&routed.attempts),
        [("mangopay-eu", Decision::Stopped, Why::MoneyMayHaveMoved)]
    );
    assert_eq!(routed.attempts[0].resolution_reads, 2);
    let a = routed.step.authentication();
    assert_eq!((a.status, a.next_step), (S::Error, NextStep::Wait), "{a:?}");
    assert_eq!(a.reason.as_deref(), Some("payin_outcome_unknown"));

    // Mangopay answers again: the handle resolves the one pay-in.
    faults.clear();
    let handle = routed.step.handle.clone().unwrap();
    let later = r.fetch(&handle).await;
    assert_eq!(
        later.authentication().status,
        S::Authenticated,
        "{:?}",
        later.authentication()
    );
    faults.settled().await;
    assert_eq!(payins(&sb).await, 1);
    sb.shutdown().await;
}

#[tokio::test]
async fn an_open_breaker_skips_the_account_until_a_probe_succeeds() {
    let sb = sandbox().await;
    sb.faults("checkout")
        .unwrap()
        .push(Fault::Status(503), 2, Some("/sessions".into()));
    let clock = ManualClock::default();
    let r = router(
        &sb,
        &["checkout-eu", "mangopay-eu"],
        "[breaker]\nfailures = 2\ncool_down_secs = 60\n",
    )
    .with_clock(Arc::new(clock.clone()));
    for _ in 0..2 {
        let routed = r.route(&request(MANGOPAY_FRICTIONLESS)).await;
        assert_eq!(routed.attempts[0].decision, Decision::FailedOver);
    }
    assert!(matches!(
        r.breaker_state("checkout-eu"),
        Some(BreakerState::Open { .. })
    ));
    let skipped = r.route(&request(MANGOPAY_FRICTIONLESS)).await;
    assert_eq!(
        decisions(&skipped.attempts),
        [
            ("checkout-eu", Decision::Skipped, Why::BreakerOpen),
            ("mangopay-eu", Decision::Stopped, Why::Outcome),
        ]
    );
    assert_eq!(skipped.attempts[0].status, None);
    // After the cool-down one probe goes through; Checkout answers and the breaker closes.
    clock.advance(Duration::from_secs(60));
    let probe = r.route(&request(CHECKOUT_FRICTIONLESS)).await;
    assert_eq!(
        decisions(&probe.attempts),
        [("checkout-eu", Decision::Stopped, Why::CardholderStep)]
    );
    assert_eq!(
        r.breaker_state("checkout-eu"),
        Some(BreakerState::Closed { failures: 0 })
    );
    assert_eq!(payins(&sb).await, 3);
    sb.shutdown().await;
}

/// Without failover an open breaker does not move the authentication to the next account
/// either: that would be a failover by another name.
#[tokio::test]
async fn without_failover_an_open_breaker_is_not_routed_around() {
    let sb = sandbox().await;
    sb.faults("checkout")
        .unwrap()
        .push(Fault::Status(503), 2, Some("/sessions".into()));
    let r = router(
        &sb,
        &["checkout-eu", "mangopay-eu"],
        "[breaker]\nfailures = 2\ncool_down_secs = 60\n",
    )
    .with_clock(Arc::new(ManualClock::default()))
    .with_failover(false);
    for _ in 0..2 {
        let routed = r.route(&request(MANGOPAY_FRICTIONLESS)).await;
        assert_eq!(
            decisions(&routed.attempts),
            [("checkout-eu", Decision::Stopped, Why::FailoverDisabled)]
        );
    }
    let skipped = r.route(&request(MANGOPAY_FRICTIONLESS)).await;
    assert_eq!(
        decisions(&skipped.attempts),
        [("checkout-eu", Decision::Skipped, Why::BreakerOpen)]
    );
    assert_eq!(
        skipped.step.authentication().reason.as_deref(),
        Some("accounts_unavailable")
    );
    assert_eq!(payins(&sb).await, 0, "Mangopay was never called");
    sb.shutdown().await;
}

/// Mangopay's soft decline 101305 (the simulator's mock: amount 33501, `AddressLine2`
/// `01305`) is retried once at Mangopay asking for a challenge, never sent elsewhere.
#[tokio::test]
async fn a_soft_decline_is_stepped_up_once_at_the_same_account() {
    let sb = sandbox().await;
    let r = router(&sb, &["mangopay-eu", "checkout-eu"], "");
    let mut req = request(MANGOPAY_FRICTIONLESS);
    req.amount = Some(33501);
    req.billing_address = Some(Address {
        line1: Some("1 Main Street".into()),
        line2: Some("01305".into()),
        city: Some("Paris".into()),
        postal_code: Some("75001".into()),
        country: Some("FR".into()),
        ..Default::default()
    });
    let routed = r.route(&req).await;
    assert_eq!(
        routed.attempts[0].decision,
        Decision::SteppedUp,
        "{:?}",
        routed.attempts
    );
    assert_eq!(routed.attempts[0].retry, Some(Retry::WithChallenge));
    assert_eq!(routed.attempts.len(), 2, "{:?}", routed.attempts);
    let second = &routed.attempts[1];
    assert_eq!(second.account, "mangopay-eu");
    assert!(second.challenge_requested);
    assert_eq!(second.decision, Decision::Stopped);
    sb.shutdown().await;
}

#[tokio::test]
async fn a_request_no_route_covers_is_investigated() {
    let sb = sandbox().await;
    let r = router(&sb, &["checkout-eu"], "");
    let mut req = request(CHECKOUT_FRICTIONLESS);
    req.currency = Some("GBP".into());
    let routed = r.route(&req).await;
    assert!(routed.attempts.is_empty());
    assert_eq!(routed.account, None);
    let a = routed.step.authentication();
    assert_eq!((a.status, a.next_step), (S::Error, NextStep::Investigate));
    assert_eq!(a.reason.as_deref(), Some("no_route"));
    sb.shutdown().await;
}

/// A Mangopay hook names only the pay-in: the router finds the account that created it
/// and gives the handle back with the routed id.
#[tokio::test]
async fn a_notification_reaches_the_account_that_created_the_payin() {
    let sb = sandbox().await;
    let r = router(&sb, &["mangopay-eu", "checkout-eu"], "");
    let routed = r.route(&request(MANGOPAY_FRICTIONLESS)).await;
    let payin = routed.step.handle.clone().unwrap().id;
    let hook = threeds_bridge::flow::Notification {
        method: "GET".into(),
        query: format!("EventType=PAYIN_NORMAL_SUCCEEDED&RessourceId={payin}&Date=1700000000"),
        ..Default::default()
    };
    let step = r.handle_notification(&hook).await;
    assert_eq!(
        step.authentication().status,
        S::Authenticated,
        "{:?}",
        step.authentication()
    );
    let handle = step.handle.unwrap();
    assert_eq!(handle.id, payin);
    let routing = Routing::of(&handle).unwrap();
    assert_eq!(
        (routing.id.as_str(), routing.account.as_str()),
        (routed.id.as_str(), "mangopay-eu")
    );
    // The named account gets it too, whatever the router remembers.
    let direct = r.handle_notification_for("mangopay-eu", &hook).await;
    assert_eq!(direct.authentication().status, S::Authenticated);
    let unknown = r.handle_notification_for("nope", &hook).await;
    assert_eq!(
        unknown.authentication().reason.as_deref(),
        Some("unknown_account")
    );
    sb.shutdown().await;
}
