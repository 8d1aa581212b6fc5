//! End-to-end: the Mangopay flow against the in-process sandbox (no network).
//!
//! Each test starts its own sandbox, registers the card through the card registration
//! endpoints, and drives the pay-in with the documented sandbox cards (docs.mangopay.com/testing/payment-methods) and
//! the simulator's documented mocks (`docs/live/mangopay.md`).

use std::time::Duration;
use threeds_bridge::catalog::Catalog;
use threeds_bridge::flow::{AuthenticationFlow, ChallengeResult, Handle, Notification, Step};
use threeds_bridge::model::{AuthenticationStatus as S, NextAction, NextStep};
use threeds_bridge::psp::mangopay::flow::{MangopayFlow, Payer};
use threeds_bridge::request::{Address, AuthenticationRequest, Browser, Card, Urls};
use threeds_bridge::sandbox::{start, RunningSandbox, SandboxOptions};
use threeds_mangopay::client::{Client, Config, Environment, HookRequest};
use threeds_mangopay::sandbox::{
    SANDBOX_API_KEY, SANDBOX_CLIENT_ID, SEEDED_USER_ID, SEEDED_WALLET_ID,
};
use threeds_wire::http::HttpSettings;
use threeds_wire::sandbox::{Fault, Form};
use threeds_wire::{CardNumber, Secret};

const FRICTIONLESS: &str = "4970107111111119";
const CHALLENGE: &str = "4970105181818183";
const RETURN_URL: &str = "https://merchant.example/mangopay/return";

async fn sandbox(ttl: Duration) -> RunningSandbox {
    start(SandboxOptions {
        challenge_ttl: ttl,
        ..Default::default()
    })
    .await
    .unwrap()
}

fn settings(timeout: Duration) -> HttpSettings {
    HttpSettings {
        timeout,
        connect_timeout: Duration::from_millis(500),
        max_attempts: 3,
        backoff: Duration::from_millis(10),
        max_retry_after: Duration::from_secs(1),
        max_body_bytes: 1 << 20,
    }
}

fn client(sb: &RunningSandbox, timeout: Duration) -> Client {
    let mut config = Config::new(
        SANDBOX_CLIENT_ID,
        Secret::new(SANDBOX_API_KEY),
        Environment::Custom(sb.base("mangopay")),
    );
    config.http = settings(timeout);
    Client::new(config).unwrap()
}

fn flow(sb: &RunningSandbox) -> MangopayFlow {
    flow_with_timeout(sb, Duration::from_secs(3))
}

fn flow_with_timeout(sb: &RunningSandbox, timeout: Duration) -> MangopayFlow {
    MangopayFlow::new(
        client(sb, timeout),
        std::sync::Arc::new(Catalog::builtin().unwrap()),
        Payer {
            author_id: SEEDED_USER_ID.into(),
            credited_wallet_id: SEEDED_WALLET_ID.into(),
            fees: 0,
        },
    )
}

#[tokio::test]
async fn local_sandbox_is_configured_with_the_banner_values() {
    let sb = sandbox(Duration::from_secs(60)).await;
    let f = MangopayFlow::local_sandbox(
        &sb.base("mangopay"),
        settings(Duration::from_secs(3)),
        std::sync::Arc::new(Catalog::builtin().unwrap()),
    )
    .unwrap();
    let step = f.start(&request(FRICTIONLESS, 100)).await;
    assert_eq!(step.authentication().status, S::Authenticated);
    sb.shutdown().await;
}

fn request(card: &str, amount: u64) -> AuthenticationRequest {
    AuthenticationRequest {
        amount: Some(amount),
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
        browser: Some(Browser {
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
        }),
        urls: Urls {
            return_url: Some(RETURN_URL.into()),
            ..Default::default()
        },
        ..Default::default()
    }
}

/// A request that arms one of the simulator's `AddressLine2` mocks (amount 33501).
fn mocked(card: &str, line2: &str) -> AuthenticationRequest {
    let mut r = request(card, 33501);
    r.billing_address = Some(Address {
        first_name: Some("Alex".into()),
        last_name: Some("Smith".into()),
        line1: Some("6 rue de la Cité".into()),
        line2: Some(line2.into()),
        city: Some("Paris".into()),
        postal_code: Some("75001".into()),
        country: Some("FR".into()),
        ..Default::default()
    });
    r
}

fn redirect_url(step: &Step) -> String {
    match &step.authentication().next_action {
        Some(NextAction::Redirect { url }) => url.clone(),
        other => panic!("expected a redirect, got {other:?}"),
    }
}

/// Opens the challenge page like a browser and presses `outcome`; returns the Location
/// the simulator redirects to.
async fn answer_challenge(url: &str, outcome: &str) -> String {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = http.get(url).send().await.unwrap();
    assert_eq!(page.status().as_u16(), 200);
    let html = page.text().await.unwrap();
    let forms = Form::parse_all(&html);
    assert_eq!(forms.len(), 1, "{html}");
    let form = &forms[0];
    assert_eq!(form.method, "post");
    let labels: Vec<&str> = form.buttons.iter().map(|(_, v)| v.as_str()).collect();
    assert_eq!(
        labels,
        ["authenticate", "no", "rejected", "unavailable", "cancel"]
    );
    let r = http
        .post(&form.action)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form.submission(Some(outcome)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    r.headers()["location"].to_str().unwrap().to_owned()
}

fn return_params(location: &str) -> ChallengeResult {
    let query = location.split_once('?').unwrap().1;
    ChallengeResult {
        cres: None,
        params: threeds_wire::http::decode_form(query),
    }
}

#[tokio::test]
async fn frictionless_card_succeeds_without_a_challenge() {
    let sb = sandbox(Duration::from_secs(60)).await;
    let f = flow(&sb);
    let step = f.start(&request(FRICTIONLESS, 1260)).await;
    let a = step.authentication();
    assert_eq!(a.status, S::Authenticated, "{a:?}");
    assert_eq!(a.next_step, NextStep::None);
    assert_eq!(a.challenged, Some(false));
    assert_eq!(a.raw.code.as_deref(), Some("000000"));
    assert_eq!(a.protocol_version.as_deref(), Some("2.1.0"));
    assert_eq!(a.liability_shift, None);
    let handle = step.handle.clone().unwrap();
    assert!(handle.id.starts_with("wt_"), "{}", handle.id);
    assert_eq!(a.id.as_deref(), Some(handle.id.as_str()));
    // Reading it again gives the same final state.
    let again = f.fetch(&handle).await;
    assert_eq!(again.authentication().status, S::Authenticated);
    sb.shutdown().await;
}

#[tokio::test]
async fn challenge_passed_then_the_return_url_reads_the_payin() {
    let sb = sandbox(Duration::from_secs(60)).await;
    let f = flow(&sb);
    let step = f.start(&request(CHALLENGE, 2500)).await;
    let a = step.authentication();
    assert_eq!(a.status, S::ChallengeRequired, "{a:?}");
    assert_eq!(a.next_step, NextStep::ChallengeCardholder);
    let handle = step.handle.clone().unwrap();
    let url = redirect_url(&step);
    assert!(url.starts_with(&sb.base("mangopay")), "{url}");

    let location = answer_challenge(&url, "authenticate").await;
    assert_eq!(
        location,
        format!("{RETURN_URL}?transactionId={}", handle.id)
    );
    let done = f.report_challenge(&handle, &return_params(&location)).await;
    let a = done.authentication();
    assert_eq!(a.status, S::Authenticated, "{a:?}");
    assert_eq!(a.challenged, Some(true));
    assert_eq!(a.next_step, NextStep::None);
    assert!(done.normalized.explain.warnings.is_empty());
    // The page is single-use: a second visit says the session ended.
    let page = reqwest::get(&url).await.unwrap().text().await.unwrap();
    assert!(page.contains("has ended"), "{page}");
    sb.shutdown().await;
}

#[tokio::test]
async fn challenge_failed_is_101301_for_every_negative_answer() {
    let sb = sandbox(Duration::from_secs(60)).await;
    let f = flow(&sb);
    for outcome in ["no", "rejected", "unavailable", "cancel"] {
        let step = f.start(&request(CHALLENGE, 2500)).await;
        let handle = step.handle.clone().unwrap();
        let location = answer_challenge(&redirect_url(&step), outcome).await;
        let done = f.report_challenge(&handle, &return_params(&location)).await;
        let a = done.authentication();
        assert_eq!(a.status, S::Failed, "{outcome}: {a:?}");
        assert_eq!(a.raw.code.as_deref(), Some("101301"), "{outcome}");
        assert_eq!(a.next_step, NextStep::DoNotAuthorize, "{outcome}");
        assert_eq!(a.challenged, Some(true));
    }
    sb.shutdown().await;
}

#[tokio::test]
async fn abandoned_challenge_expires_with_101304() {
    let sb = sandbox(Duration::from_millis(300)).await;
    let f = flow(&sb);
    let step = f.start(&request(CHALLENGE, 2500)).await;
    assert_eq!(step.authentication().status, S::ChallengeRequired);
    let handle = step.handle.clone().unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let late = f.fetch(&handle).await;
    let a = late.authentication();
    assert_eq!(a.status, S::Expired, "{a:?}");
    assert_eq!(a.raw.code.as_deref(), Some("101304"));
    assert_eq!(a.next_step, NextStep::RetryAuthentication);
    assert_eq!(a.next_action, None);
    // The challenge page now says the session ended.
    let page = reqwest::get(redirect_url(&step))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("FAILED"), "{page}");
    sb.shutdown().await;
}

#[tokio::test]
async fn unavailable_and_not_enrolled_come_from_the_documented_mocks() {
    let sb = sandbox(Duration::from_secs(60)).await;
    let f = flow(&sb);
    let unavailable = f.start(&mocked(FRICTIONLESS, "01399")).await;
    let a = unavailable.authentication();
    assert_eq!(a.status, S::Unavailable, "{a:?}");
    assert_eq!(a.raw.code.as_deref(), Some("101399"));
    assert_eq!(a.protocol_version, None, "no 3DS ran");

    let not_enrolled = f.start(&mocked(CHALLENGE, "01302")).await;
    let a = not_enrolled.authentication();
    assert_eq!(a.status, S::NotEnrolled, "{a:?}");
    assert_eq!(a.raw.code.as_deref(), Some("101302"));

    let soft = f.start(&mocked(FRICTIONLESS, "01305")).await;
    let a = soft.authentication();
    assert_eq!(a.status, S::Declined, "{a:?}");
    assert_eq!(a.next_step, NextStep::RetryWithChallenge);
    sb.shutdown().await;
}

#[tokio::test]
async fn a_decline_after_a_passed_challenge_is_declined_not_failed() {
    let sb = sandbox(Duration::from_secs(60)).await;
    let f = flow(&sb);
    // Legacy magic amount 333.05 -> 101101 (Mangopay legacy error table, `Mangopay/api-docs page/20_errors.md`), applied after authentication.
    let step = f.start(&request(CHALLENGE, 33305)).await;
    let handle = step.handle.clone().unwrap();
    let location = answer_challenge(&redirect_url(&step), "authenticate").await;
    let done = f.report_challenge(&handle, &return_params(&location)).await;
    let a = done.authentication();
    assert_eq!(a.status, S::Declined, "{a:?}");
    assert_eq!(a.raw.code.as_deref(), Some("101101"));
    sb.shutdown().await;
}

#[tokio::test]
async fn bad_card_details_stop_at_card_registration() {
    let sb = sandbox(Duration::from_secs(60)).await;
    let f = flow(&sb);
    let mut r = request(FRICTIONLESS, 1000);
    if let Some(card) = r.card.as_mut() {
        card.cvv = Some(Secret::new("12"));
    }
    let step = f.start(&r).await;
    let a = step.authentication();
    assert_eq!(a.status, S::Error, "{a:?}");
    assert_eq!(a.raw.code.as_deref(), Some("105204"));
    assert_eq!(a.next_step, NextStep::FixRequest);
    assert!(step.handle.is_none());
    let text = format!("{:?}", step.normalized);
    assert!(
        !text.contains(FRICTIONLESS),
        "the card number leaked: {text}"
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn an_outage_on_the_payin_post_is_recovered_without_a_second_payment() {
    let sb = sandbox(Duration::from_secs(60)).await;
    let f = flow(&sb);
    // A 503 before the simulator saw the request: no answer is stored for the key, so the
    // client sends the POST again with the same key.
    sb.faults("mangopay")
        .unwrap()
        .push(Fault::Status(503), 1, Some("/payins/card/direct".into()));
    let step = f.start(&request(FRICTIONLESS, 1500)).await;
    assert_eq!(
        step.authentication().status,
        S::Authenticated,
        "{:?}",
        step.authentication()
    );

    // The answer is lost after the pay-in was created: recovered from responses/{key}.
    let f = flow_with_timeout(&sb, Duration::from_millis(1500));
    let mut r = request(FRICTIONLESS, 1500);
    r.reference = Some("order-2 [sandbox:lost-answer]".into());
    let step = f.start(&r).await;
    let a = step.authentication();
    assert_eq!(a.status, S::Authenticated, "{a:?}");
    assert_eq!(
        a.reference.as_deref(),
        Some("order-2 [sandbox:lost-answer]")
    );
    // Not shut down gracefully: the lost answer's connection is still held open.
    drop(sb);
}

/// How many pay-ins the simulator credited to the seeded wallet ("List Transactions for a
/// Wallet").
async fn payins_in_wallet(sb: &RunningSandbox) -> usize {
    let response = client(sb, Duration::from_secs(3))
        .list_wallet_transactions(SEEDED_WALLET_ID, 1, 100)
        .await
        .unwrap();
    assert_eq!(response.status, 200);
    let list: Vec<serde_json::Value> = serde_json::from_slice(&response.body).unwrap();
    list.iter().filter(|t| t["Type"] == "PAYIN").count()
}

fn assert_unresolved(step: &Step) -> Handle {
    let a = step.authentication();
    assert_eq!(a.status, S::Error, "{a:?}");
    assert_eq!(a.next_step, NextStep::Wait, "{a:?}");
    assert_eq!(a.reason.as_deref(), Some("payin_outcome_unknown"));
    let handle = step.handle.clone().unwrap();
    assert!(handle.id.is_empty());
    assert!(handle.state["idempotency_key"].is_string());
    assert!(handle.state["payin_request"]["CardId"].is_string());
    handle
}

#[tokio::test]
async fn a_long_outage_says_wait_and_the_same_key_later_creates_the_one_payin() {
    let sb = sandbox(Duration::from_secs(60)).await;
    let f = flow(&sb);
    // The card registration goes through; the pay-in POST and every look-up of its key fail
    // before Mangopay sees them.
    let faults = sb.faults("mangopay").unwrap();
    faults.push(Fault::Status(503), 50, Some("/payins/card/direct".into()));
    faults.push(Fault::Status(503), 50, Some("/responses/".into()));
    let step = f.start(&request(FRICTIONLESS, 1500)).await;
    let handle = assert_unresolved(&step);
    assert_eq!(payins_in_wallet(&sb).await, 0);

    // Mangopay is back and has no answer for the key: the POST goes again with the same
    // key (never a new one), which creates the pay-in.
    faults.clear();
    let later = f.fetch(&handle).await;
    let a = later.authentication();
    assert_eq!(a.status, S::Authenticated, "{a:?}");
    let payin = later.handle.clone().unwrap();
    assert!(!payin.id.is_empty());
    // Fetching the old handle again finds the same pay-in through the stored answer.
    let again = f.fetch(&handle).await;
    assert_eq!(again.handle.unwrap().id, payin.id);
    assert_eq!(payins_in_wallet(&sb).await, 1);
    sb.shutdown().await;
}

#[tokio::test]
async fn a_late_original_landing_after_the_recovery_never_makes_a_second_payin() {
    let sb = sandbox(Duration::from_secs(60)).await;
    let f = flow_with_timeout(&sb, Duration::from_millis(200));
    let faults = sb.faults("mangopay").unwrap();
    // The original POST reaches Mangopay 1.5 s late; meanwhile nothing else gets through.
    faults.push(
        Fault::Late(Duration::from_millis(1500)),
        1,
        Some("/payins/card/direct".into()),
    );
    faults.push(Fault::Status(503), 50, Some("/payins/card/direct".into()));
    faults.push(Fault::Status(503), 50, Some("/responses/".into()));
    let step = f.start(&request(FRICTIONLESS, 1500)).await;
    let handle = assert_unresolved(&step);

    // The recovery runs while the original is still in flight: Mangopay has no answer for
    // the key (a genuine 404), so the same key is posted again and that copy is the first.
    faults.clear();
    let later = f.fetch(&handle).await;
    let a = later.authentication();
    assert_eq!(a.status, S::Authenticated, "{a:?}");
    // The original lands now, and is refused 409 for its used key.
    faults.settled().await;
    assert_eq!(payins_in_wallet(&sb).await, 1);
    let again = f.fetch(&handle).await;
    assert_eq!(again.handle.unwrap().id, later.handle.unwrap().id);
    sb.shutdown().await;
}

#[tokio::test]
async fn a_late_original_during_starts_own_recovery_is_refused_by_its_key() {
    let sb = sandbox(Duration::from_secs(60)).await;
    let f = flow_with_timeout(&sb, Duration::from_millis(200));
    let faults = sb.faults("mangopay").unwrap();
    faults.push(
        Fault::Late(Duration::from_millis(800)),
        1,
        Some("/payins/card/direct".into()),
    );
    let step = f.start(&request(FRICTIONLESS, 1500)).await;
    assert_eq!(step.authentication().status, S::Authenticated);
    faults.settled().await;
    assert_eq!(payins_in_wallet(&sb).await, 1);
    sb.shutdown().await;
}

#[tokio::test]
async fn a_proxy_404_then_a_409_is_not_read_as_no_payin() {
    let sb = sandbox(Duration::from_secs(60)).await;
    let f = flow(&sb);
    let faults = sb.faults("mangopay").unwrap();
    // Mangopay creates the pay-in but the answer breaks on the way back; every look-up of
    // the key meets a proxy's bodiless 404.
    faults.push(Fault::ResetAfter, 1, Some("/payins/card/direct".into()));
    faults.push(Fault::Status(404), 50, Some("/responses/".into()));
    let step = f.start(&request(FRICTIONLESS, 1500)).await;
    let handle = assert_unresolved(&step);
    let message = step
        .authentication()
        .raw
        .message
        .clone()
        .unwrap_or_default();
    assert!(message.contains("409"), "{message}");
    faults.settled().await;
    assert_eq!(payins_in_wallet(&sb).await, 1);

    // A fetch behind the same proxy still says wait (the key is spent: no re-post).
    let still = f.fetch(&handle).await;
    assert_unresolved(&still);

    // The proxy is gone: the stored answer names the pay-in, whose state is read.
    faults.clear();
    let later = f.fetch(&handle).await;
    let a = later.authentication();
    assert_eq!(a.status, S::Authenticated, "{a:?}");
    assert!(!later.handle.unwrap().id.is_empty());
    assert_eq!(payins_in_wallet(&sb).await, 1);
    sb.shutdown().await;
}

#[tokio::test]
async fn a_held_answer_after_the_payin_was_created_is_recovered_from_the_key() {
    let sb = sandbox(Duration::from_secs(60)).await;
    let f = flow_with_timeout(&sb, Duration::from_millis(300));
    sb.faults("mangopay")
        .unwrap()
        .push(Fault::HoldAfter, 1, Some("/payins/card/direct".into()));
    let step = f.start(&request(FRICTIONLESS, 1500)).await;
    assert_eq!(step.authentication().status, S::Authenticated);
    assert_eq!(payins_in_wallet(&sb).await, 1);
    drop(sb);
}

#[tokio::test]
async fn a_key_too_old_to_resend_says_investigate_and_posts_nothing() {
    let sb = sandbox(Duration::from_secs(60)).await;
    let f = flow(&sb);
    let faults = sb.faults("mangopay").unwrap();
    faults.push(Fault::Status(503), 50, Some("/payins/card/direct".into()));
    faults.push(Fault::Status(503), 50, Some("/responses/".into()));
    let mut handle = assert_unresolved(&f.start(&request(FRICTIONLESS, 1500)).await);
    faults.clear();
    // Two days later Mangopay no longer blocks the key: sending it again could charge twice.
    let two_days_ago = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        - 2 * 24 * 3600;
    handle.state["key_first_sent"] = serde_json::json!(two_days_ago);
    let later = f.fetch(&handle).await;
    let a = later.authentication();
    assert_eq!(a.status, S::Error, "{a:?}");
    assert_eq!(a.next_step, NextStep::Investigate);
    assert_ne!(a.next_step, NextStep::RetryAuthentication);
    assert_eq!(payins_in_wallet(&sb).await, 0);
    sb.shutdown().await;
}

#[tokio::test]
async fn hooks_are_refetched_and_duplicates_are_harmless() {
    let sb = sandbox(Duration::from_secs(60)).await;
    let f = flow(&sb);
    let receiver = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::method("GET"))
        .respond_with(wiremock::ResponseTemplate::new(200))
        .mount(&receiver)
        .await;
    let hook = f
        .client()
        .create_hook(
            &HookRequest {
                event_type: "PAYIN_NORMAL_SUCCEEDED".into(),
                url: format!("{}/hooks/mangopay", receiver.uri()),
                tag: None,
            },
            &threeds_mangopay::client::new_idempotency_key(),
        )
        .await
        .unwrap();
    assert_eq!(hook.status, 200);

    let step = f.start(&request(FRICTIONLESS, 990)).await;
    let id = step.handle.clone().unwrap().id;
    let mut delivered = None;
    for _ in 0..100 {
        delivered = sb
            .outbox
            .deliveries()
            .into_iter()
            .find(|d| d.event == "PAYIN_NORMAL_SUCCEEDED" && d.status.is_some());
        if delivered.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let delivery = delivered.expect("the hook was delivered");
    assert_eq!(delivery.method, "GET");
    assert_eq!(delivery.status, Some(200));
    let query = delivery.url.split_once('?').unwrap().1.to_owned();
    assert!(query.starts_with(&format!(
        "EventType=PAYIN_NORMAL_SUCCEEDED&RessourceId={id}&Date="
    )));
    let notification = Notification {
        method: "GET".into(),
        query: query.clone(),
        ..Default::default()
    };
    let first = f.handle_notification(&notification).await;
    assert_eq!(first.authentication().status, S::Authenticated);
    assert_eq!(
        first.handle.as_ref().map(|h| h.id.as_str()),
        Some(id.as_str())
    );
    // The same hook again, and a forged "succeeded" for an unknown pay-in.
    let second = f.handle_notification(&notification).await;
    assert_eq!(second.authentication().status, S::Authenticated);
    let forged = f
        .handle_notification(&Notification {
            method: "GET".into(),
            query: "EventType=PAYIN_NORMAL_SUCCEEDED&RessourceId=wt_forged&Date=1".into(),
            ..Default::default()
        })
        .await;
    assert_eq!(
        forged.authentication().status,
        S::Error,
        "{:?}",
        forged.authentication()
    );
    // A dashboard ping without an id is only a pending hook.
    let ping = f
        .handle_notification(&Notification {
            method: "GET".into(),
            query: "EventType=PAYIN_NORMAL_SUCCEEDED&RessourceId=&Date=1".into(),
            ..Default::default()
        })
        .await;
    assert_eq!(ping.authentication().status, S::Pending);
    assert!(ping.handle.is_none());
    sb.shutdown().await;
}

#[tokio::test]
async fn a_foreign_transaction_id_on_the_return_is_reported_not_followed() {
    let sb = sandbox(Duration::from_secs(60)).await;
    let f = flow(&sb);
    let step = f.start(&request(FRICTIONLESS, 700)).await;
    let handle: Handle = step.handle.clone().unwrap();
    let done = f
        .report_challenge(
            &handle,
            &ChallengeResult {
                cres: None,
                params: vec![("transactionId".into(), "wt_someone_else".into())],
            },
        )
        .await;
    assert_eq!(
        done.authentication().id.as_deref(),
        Some(handle.id.as_str())
    );
    assert!(done
        .normalized
        .explain
        .warnings
        .iter()
        .any(|w| w.contains("wt_someone_else")));
    sb.shutdown().await;
}

#[tokio::test]
async fn a_card_registered_beforehand_is_used_by_its_card_id() {
    use threeds_bridge::model::Provider;
    use threeds_bridge::request::CardReference;
    use threeds_mangopay::client::{
        new_idempotency_key, CardDetails, CardRegistration, CardRegistrationRequest,
        CardRegistrationUpdate,
    };
    let sb = sandbox(Duration::from_secs(60)).await;
    let f = flow(&sb);
    let c = f.client();
    let created = c
        .create_card_registration(
            &CardRegistrationRequest {
                user_id: SEEDED_USER_ID.into(),
                currency: "EUR".into(),
                card_type: None,
                tag: None,
            },
            &new_idempotency_key(),
        )
        .await
        .unwrap();
    let registration: CardRegistration = serde_json::from_slice(&created.body).unwrap();
    let data = c
        .tokenize_card(
            &registration,
            &CardDetails {
                number: CardNumber::new(FRICTIONLESS),
                expiration: "1239".into(),
                cvx: Secret::new("321"),
            },
        )
        .await
        .unwrap();
    let updated = c
        .update_card_registration(
            registration.id.as_deref().unwrap(),
            &CardRegistrationUpdate {
                registration_data: String::from_utf8(data.body.to_vec()).unwrap(),
                card_holder_name: None,
            },
        )
        .await
        .unwrap();
    let updated: CardRegistration = serde_json::from_slice(&updated.body).unwrap();
    let card_id = updated.card_id.unwrap();

    let mut r = request(FRICTIONLESS, 4200);
    r.card = None;
    r.card_reference = Some(CardReference {
        provider: Provider::MANGOPAY,
        kind: "card_id".into(),
        value: Secret::new(card_id),
    });
    let step = f.start(&r).await;
    assert_eq!(
        step.authentication().status,
        S::Authenticated,
        "{:?}",
        step.authentication()
    );

    // Without a card or a CardId the request is refused before anything is sent.
    r.card_reference = None;
    let refused = f.start(&r).await;
    assert_eq!(refused.authentication().next_step, NextStep::FixRequest);
    assert!(refused
        .normalized
        .explain
        .warnings
        .iter()
        .any(|w| w.contains("CardId")));
    sb.shutdown().await;
}

#[tokio::test]
async fn hook_ids_that_are_not_one_path_segment_are_refused() {
    let sb = sandbox(Duration::from_secs(60)).await;
    let f = flow(&sb);
    for id in [
        "..",
        "%2E%2E",
        ".",
        "a%2F..%2Fb",
        "x%3Fy",
        "x%23y",
        "x%25y",
        "x%0Ay",
    ] {
        let step = f
            .handle_notification(&Notification {
                method: "GET".into(),
                query: format!("EventType=PAYIN_NORMAL_SUCCEEDED&RessourceId={id}&Date=1"),
                ..Notification::default()
            })
            .await;
        let a = step.authentication();
        assert_eq!(a.status, S::Error, "{id}: {a:?}");
        assert_eq!(a.next_step, NextStep::Investigate, "{id}");
        assert_eq!(
            a.reason.as_deref(),
            Some("unusable_notification_id"),
            "{id}"
        );
    }
    sb.shutdown().await;
}
