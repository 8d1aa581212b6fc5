//! Checkout Sessions end to end: the flow against the in-process sandbox, driving the 3DS
//! Method and challenge pages the way a browser would; plus the flow's handling of answers
//! the sandbox does not give (wiremock).

use serde_json::{json, Value};
use std::time::Duration;
use threeds_bridge::flow::{
    AuthenticationFlow, ChallengeResult, DeviceData, MethodOutcome, Notification, Step,
};
use threeds_bridge::model::{AuthenticationStatus as St, NextAction, NextStep};
use threeds_bridge::psp::checkout::flow::{CheckoutFlow, CheckoutSettings};
use threeds_bridge::request::{AuthenticationRequest, Browser, Card, Urls};
use threeds_bridge::sandbox::{start, RunningSandbox, SandboxOptions};
use threeds_bridge::Catalog;
use threeds_checkout::client::{Client, Config, Environment};
use threeds_checkout::sandbox::{
    ACCESS_KEY_ID, ACCESS_KEY_SECRET, CHALLENGE_PASSWORD, PROCESSING_CHANNEL_ID,
    WEBHOOK_SIGNATURE_KEY,
};
use threeds_wire::http::HttpSettings;
use threeds_wire::sandbox::{Fault, Form};
use threeds_wire::{CardNumber, Secret};
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn http(timeout_ms: u64) -> HttpSettings {
    HttpSettings {
        timeout: Duration::from_millis(timeout_ms),
        connect_timeout: Duration::from_millis(300),
        max_attempts: 3,
        backoff: Duration::from_millis(10),
        max_retry_after: Duration::from_secs(1),
        max_body_bytes: 1 << 20,
    }
}

fn flow_at(environment: Environment, merchant: &str, timeout_ms: u64) -> CheckoutFlow {
    let mut config = Config::new(ACCESS_KEY_ID, Secret::new(ACCESS_KEY_SECRET), environment);
    config.http = http(timeout_ms);
    let settings = CheckoutSettings {
        processing_channel_id: Some(PROCESSING_CHANNEL_ID.into()),
        callback_url: Some(format!("{merchant}/callback")),
        challenge_notification_url: Some(format!("{merchant}/cres")),
        method_notification_url: Some(format!("{merchant}/3ds-method")),
        webhook_signature_key: Some(Secret::new(WEBHOOK_SIGNATURE_KEY)),
        challenge_result_interval: Duration::from_millis(20),
        ..CheckoutSettings::default()
    };
    CheckoutFlow::new(
        Client::new(config).unwrap(),
        settings,
        std::sync::Arc::new(Catalog::builtin().unwrap()),
    )
}

/// The sandbox, a merchant endpoint (callbacks, webhooks) and a flow pointed at both.
struct World {
    sandbox: RunningSandbox,
    merchant: MockServer,
    flow: CheckoutFlow,
    browser: reqwest::Client,
}

async fn world(ttl: Duration) -> World {
    let merchant = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200))
        .mount(&merchant)
        .await;
    let sandbox = start(SandboxOptions {
        challenge_ttl: ttl,
        webhook_url: Some(format!("{}/webhooks", merchant.uri())),
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    let merchant_base = merchant.uri();
    let flow = CheckoutFlow::local_sandbox(
        &sandbox.base("checkout"),
        http(2000),
        CheckoutSettings {
            callback_url: Some(format!("{merchant_base}/callback")),
            challenge_notification_url: Some(format!("{merchant_base}/cres")),
            method_notification_url: Some(format!("{merchant_base}/3ds-method")),
            challenge_result_interval: Duration::from_millis(20),
            ..CheckoutSettings::default()
        },
        std::sync::Arc::new(Catalog::builtin().unwrap()),
    )
    .unwrap();
    World {
        sandbox,
        merchant,
        flow,
        browser: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
    }
}

fn request(card: &str) -> AuthenticationRequest {
    AuthenticationRequest {
        amount: Some(6540),
        currency: Some("GBP".into()),
        reference: Some("ORD-5023-4E89".into()),
        card: Some(Card {
            number: Some(CardNumber::new(card)),
            expiry_month: Some(12),
            expiry_year: Some(2030),
            holder_name: Some("Bruce Wayne".into()),
            ..Card::default()
        }),
        browser: Some(browser()),
        urls: Urls::default(),
        ..AuthenticationRequest::default()
    }
}

fn browser() -> Browser {
    Browser {
        accept_header: Some("text/html".into()),
        java_enabled: Some(false),
        javascript_enabled: Some(true),
        language: Some("en-GB".into()),
        color_depth: Some(24),
        screen_height: Some(1080),
        screen_width: Some(1920),
        timezone_offset_minutes: Some(-60),
        user_agent: Some("Mozilla/5.0".into()),
        ip_address: Some("192.0.2.1".into()),
    }
}

impl World {
    async fn post_form(&self, url: &str, body: String) -> (u16, String) {
        let r = self
            .browser
            .post(url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.text().await.unwrap())
    }

    /// Runs the 3DS Method as the hidden iframe would and returns what it posted back.
    async fn run_method(&self, step: &Step) -> MethodOutcome {
        let Some(NextAction::ThreeDsMethod {
            url,
            data: Some(data),
        }) = step.authentication().next_action.clone()
        else {
            panic!("no three_ds_method action: {:?}", step.authentication());
        };
        let (status, html) = self
            .post_form(
                &url,
                threeds_wire::http::encode_form([("threeDSMethodData", data.as_str())]),
            )
            .await;
        assert_eq!(status, 200);
        let back = Form::parse_all(&html).remove(0);
        assert_eq!(back.action, format!("{}/3ds-method", self.merchant.uri()));
        MethodOutcome::Completed {
            data: back.field("threeDSMethodData").map(str::to_owned),
        }
    }

    /// Starts, runs the 3DS Method and sends the device data.
    async fn authenticate(&self, card: &str) -> Step {
        let step = self.flow.start(&request(card)).await;
        assert_eq!(step.authentication().status, St::Pending, "{card}");
        assert_eq!(
            step.authentication().next_step,
            NextStep::CompleteDeviceData
        );
        let method = self.run_method(&step).await;
        let handle = step.handle.clone().unwrap();
        self.flow
            .submit_device_data(
                &handle,
                &DeviceData {
                    browser: Some(browser()),
                    method,
                },
            )
            .await
    }

    /// Opens the challenge with the CReq, presses `button` with `password`, and returns
    /// what the ACS posted to the merchant's notification URL.
    async fn challenge(&self, step: &Step, password: &str, button: &str) -> ChallengeResult {
        let Some(NextAction::Challenge {
            url: Some(url),
            creq: Some(creq),
        }) = step.authentication().next_action.clone()
        else {
            panic!("no challenge action: {:?}", step.authentication());
        };
        assert!(!creq.contains('='), "EMV base64url carries no padding");
        let (status, html) = self
            .post_form(
                &url,
                threeds_wire::http::encode_form([("creq", creq.as_str())]),
            )
            .await;
        assert_eq!(status, 200, "{html}");
        let mut form = Form::parse_all(&html).remove(0);
        form.fill("password", password);
        let (status, html) = self
            .post_form(&form.action, form.submission(Some(button)))
            .await;
        assert_eq!(status, 200);
        let cres = Form::parse_all(&html).remove(0);
        assert_eq!(cres.action, format!("{}/cres", self.merchant.uri()));
        ChallengeResult {
            cres: cres.field("cres").map(str::to_owned),
            params: Vec::new(),
        }
    }

    /// Every webhook the sandbox delivered, in order, as notifications.
    async fn webhooks(&self, event: &str) -> Vec<Notification> {
        for d in self.sandbox.outbox.deliveries() {
            self.sandbox
                .outbox
                .settled(d.seq, Duration::from_secs(2))
                .await;
        }
        self.merchant
            .received_requests()
            .await
            .unwrap()
            .into_iter()
            .filter(|r| r.url.path() == "/webhooks")
            .filter(|r| r.body_json::<Value>().is_ok_and(|v| v["type"] == event))
            .map(|r| Notification {
                method: "POST".into(),
                headers: r
                    .headers
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_owned()))
                    .collect(),
                query: String::new(),
                body: r.body.clone(),
            })
            .collect()
    }
}

/// A merchant keeps the handle in a session store between the browser's round trips: the
/// stored form keeps the `client_secret` (the front end needs it) and the handle read back
/// drives the next call; the handle's own serialization and `Debug` redact it, and a
/// plainly serialized handle is refused as a stored one rather than read with a dead secret.
#[tokio::test]
async fn a_stored_handle_keeps_its_client_secret_and_plain_serde_does_not() {
    use threeds_bridge::flow::{Handle, StoredHandle};
    let w = world(Duration::from_secs(60)).await;
    let step = w.authenticate("4485040371536584").await;
    let handle = step.handle.clone().unwrap();
    let secret = handle.client_secret.as_ref().unwrap().expose().to_owned();
    assert!(secret.starts_with("sek_"), "{secret}");

    let plain = serde_json::to_string(&handle).unwrap();
    assert!(!plain.contains(&secret), "{plain}");
    assert!(!format!("{handle:?}").contains(&secret));
    assert!(!format!("{:?}", handle.to_stored()).contains(&secret));
    let refused = serde_json::from_str::<StoredHandle>(&plain).unwrap_err();
    assert!(
        refused.to_string().contains("client_secret is redacted"),
        "{refused}"
    );

    let stored = serde_json::to_string(&handle.to_stored()).unwrap();
    assert!(stored.contains(&secret), "{stored}");
    let restored = Handle::from_stored(serde_json::from_str(&stored).unwrap());
    assert_eq!(restored, handle);
    assert_eq!(restored.client_secret.as_ref().unwrap().expose(), secret);
    let done = w.flow.complete(&restored).await;
    assert_eq!(
        done.authentication().status,
        St::Authenticated,
        "{:?}",
        done.authentication()
    );
}

#[tokio::test]
async fn frictionless_then_complete() {
    let w = world(Duration::from_secs(60)).await;
    let step = w.authenticate("4485040371536584").await;
    let a = step.authentication();
    assert_eq!(a.status, St::Authenticated, "{a:?}");
    assert_eq!(a.next_step, NextStep::Authorize);
    assert_eq!(a.liability_shift, Some(true));
    assert_eq!(a.eci.as_ref().map(|e| e.as_str()), Some("05"));
    assert!(
        a.authentication_value.is_some(),
        "OAuth callers get the cryptogram"
    );
    assert_eq!(a.challenged, Some(false));
    let handle = step.handle.clone().unwrap();
    assert!(handle.id.starts_with("sid_"));
    assert!(handle
        .client_secret
        .as_ref()
        .unwrap()
        .expose()
        .starts_with("sek_"));

    let done = w.flow.complete(&handle).await;
    assert_eq!(
        done.authentication().status,
        St::Authenticated,
        "{:?}",
        done.authentication()
    );
    let callback = w
        .merchant
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.url.path() == "/callback")
        .expect("the complete callback");
    let body: Value = callback.body_json().unwrap();
    assert_eq!(body["session_id"], handle.id.as_str());
    assert_eq!(body["status"], "approved");
    // Completing again is harmless: the session is returned, with a warning.
    let again = w.flow.complete(&handle).await;
    assert_eq!(again.authentication().status, St::Authenticated);
    assert!(again
        .normalized
        .explain
        .warnings
        .iter()
        .any(|x| x.contains("already completed")));
    // The callback body is not signed: it is only a pointer to re-fetch.
    let from_callback = w
        .flow
        .handle_notification(&Notification {
            method: "POST".into(),
            headers: vec![("content-type".into(), "application/json".into())],
            query: String::new(),
            body: callback.body.clone(),
        })
        .await;
    assert_eq!(from_callback.authentication().status, St::Authenticated);
    assert!(from_callback
        .authentication()
        .authentication_value
        .is_some());
    assert_eq!(from_callback.handle.unwrap().id, handle.id);
}

#[tokio::test]
async fn challenge_passed() {
    let w = world(Duration::from_secs(60)).await;
    let step = w.authenticate("4242424242424242").await;
    let a = step.authentication();
    assert_eq!(a.status, St::ChallengeRequired);
    assert_eq!(a.next_step, NextStep::ChallengeCardholder);
    let result = w.challenge(&step, CHALLENGE_PASSWORD, "submit").await;
    let handle = step.handle.clone().unwrap();
    let done = w.flow.report_challenge(&handle, &result).await;
    let a = done.authentication();
    assert_eq!(a.status, St::Authenticated, "{a:?}");
    assert_eq!(a.challenged, Some(true));
    assert_eq!(a.liability_shift, Some(true));
    assert!(
        done.normalized.explain.warnings.is_empty(),
        "{:?}",
        done.normalized.explain.warnings
    );
}

#[tokio::test]
async fn challenge_failed_and_cancelled() {
    let w = world(Duration::from_secs(60)).await;
    let step = w.authenticate("4242424242424242").await;
    let result = w.challenge(&step, "not the password", "submit").await;
    let done = w
        .flow
        .report_challenge(step.handle.as_ref().unwrap(), &result)
        .await;
    assert_eq!(done.authentication().status, St::Failed);
    assert_eq!(done.authentication().next_step, NextStep::DoNotAuthorize);
    assert_eq!(done.authentication().liability_shift, Some(false));

    let step = w.authenticate("5385308360135181").await;
    let result = w.challenge(&step, "", "cancel").await;
    let done = w
        .flow
        .report_challenge(step.handle.as_ref().unwrap(), &result)
        .await;
    assert_eq!(done.authentication().status, St::Expired);
    assert_eq!(
        done.authentication().reason.as_deref(),
        Some("challenge_abandoned")
    );
    assert_eq!(
        done.authentication().next_step,
        NextStep::RetryAuthentication
    );
}

#[tokio::test]
async fn abandoned_challenge_expires_and_the_signed_webhook_is_verified() {
    let w = world(Duration::from_millis(200)).await;
    let step = w.authenticate("4242424242424242").await;
    assert_eq!(step.authentication().status, St::ChallengeRequired);
    let handle = step.handle.clone().unwrap();
    tokio::time::sleep(Duration::from_millis(700)).await;
    let now = w.flow.fetch(&handle).await;
    assert_eq!(now.authentication().status, St::Expired);
    assert_eq!(
        now.authentication().reason.as_deref(),
        Some("session_expired")
    );
    assert_eq!(now.authentication().next_action, None);

    let hooks = w.webhooks("authentication_expired").await;
    assert_eq!(hooks.len(), 1);
    let verified = w.flow.handle_notification(&hooks[0]).await;
    assert_eq!(verified.authentication().status, St::Expired);
    assert!(verified
        .normalized
        .explain
        .warnings
        .iter()
        .any(|x| x.contains("verified Cko-Signature")));
    // A forged signature is not trusted: the session is re-fetched instead.
    let mut forged = hooks[0].clone();
    for (name, value) in forged.headers.iter_mut() {
        if name.eq_ignore_ascii_case("cko-signature") {
            *value = "00".repeat(32);
        }
    }
    let refetched = w.flow.handle_notification(&forged).await;
    assert_eq!(refetched.authentication().status, St::Expired);
    assert!(refetched
        .normalized
        .explain
        .warnings
        .iter()
        .any(|x| x.contains("did not verify")));
}

#[tokio::test]
async fn duplicate_and_late_webhooks_cannot_move_the_state_back() {
    let w = world(Duration::from_secs(60)).await;
    let step = w.authenticate("4485040371536584").await;
    assert_eq!(step.authentication().status, St::Authenticated);
    let started = w.webhooks("authentication_started").await;
    let approved = w.webhooks("authentication_approved").await;
    assert_eq!((started.len(), approved.len()), (1, 1));
    // Delivered again (at-least-once), and the older event after the newer one.
    for n in [&approved[0], &approved[0], &started[0]] {
        let s = w.flow.handle_notification(n).await;
        assert_eq!(s.authentication().status, St::Authenticated);
        assert_eq!(
            s.handle.as_ref().unwrap().id,
            step.handle.as_ref().unwrap().id
        );
    }
    // Without re-fetching, a verified webhook is normalized as it is.
    let mut config = Config::new(
        ACCESS_KEY_ID,
        Secret::new(ACCESS_KEY_SECRET),
        Environment::local(&w.sandbox.base("checkout")),
    );
    config.http = http(2000);
    let trusting = CheckoutFlow::new(
        Client::new(config).unwrap(),
        CheckoutSettings {
            webhook_signature_key: Some(Secret::new(WEBHOOK_SIGNATURE_KEY)),
            refetch_verified_webhooks: false,
            ..CheckoutSettings::default()
        },
        std::sync::Arc::new(Catalog::builtin().unwrap()),
    );
    let s = trusting.handle_notification(&started[0]).await;
    assert_eq!(s.authentication().status, St::Pending);
    assert_eq!(
        s.authentication().kind,
        threeds_bridge::model::DocumentKind::Webhook
    );
    // Nothing to go on: no signature and no session id.
    let s = w
        .flow
        .handle_notification(&Notification {
            body: br#"{"type":"authentication_approved","data":{}}"#.to_vec(),
            ..Notification::default()
        })
        .await;
    assert_eq!(s.authentication().status, St::Error);
    assert_eq!(s.authentication().next_step, NextStep::Investigate);
    assert!(s.handle.is_none());
}

#[tokio::test]
async fn unavailable_and_not_enrolled() {
    let w = world(Duration::from_secs(60)).await;
    let step = w.authenticate("4024007186645015").await;
    assert_eq!(step.authentication().status, St::Unavailable);
    assert_eq!(
        step.authentication().next_step,
        NextStep::AuthorizeAtOwnRisk
    );
    assert_eq!(step.authentication().liability_shift, Some(false));

    let step = w.flow.start(&request("4484070000035519")).await;
    let a = step.authentication();
    assert_eq!(a.status, St::NotEnrolled);
    assert_eq!(a.reason.as_deref(), Some("card_not_enrolled"));
    assert!(step.handle.is_none());
}

#[tokio::test]
async fn no_method_url_and_no_browser_data_in_the_request() {
    let w = world(Duration::from_secs(60)).await;
    let mut r = request("4556085951507152");
    r.browser = None;
    let step = w.flow.start(&r).await;
    assert_eq!(step.authentication().status, St::Pending);
    assert_eq!(
        step.authentication().next_action,
        Some(NextAction::CollectDeviceData)
    );
    let handle = step.handle.unwrap();
    // Device data without browser data changes nothing, and says why.
    let same = w
        .flow
        .submit_device_data(
            &handle,
            &DeviceData {
                browser: None,
                method: MethodOutcome::NotRun,
            },
        )
        .await;
    assert_eq!(same.authentication().status, St::Pending);
    assert!(same
        .normalized
        .explain
        .warnings
        .iter()
        .any(|x| x.contains("no browser data")));
    let done = w
        .flow
        .submit_device_data(
            &handle,
            &DeviceData {
                browser: Some(browser()),
                method: MethodOutcome::NotRun,
            },
        )
        .await;
    assert_eq!(done.authentication().status, St::Authenticated);
}

#[tokio::test]
async fn outage_then_recovery() {
    let w = world(Duration::from_secs(60)).await;
    let faults = w.sandbox.faults("checkout").unwrap();
    // POST /sessions answered 503: not replayed (it may have created a session), the
    // merchant is told to retry the authentication.
    faults.push(Fault::Status(503), 1, Some("/sessions".into()));
    let step = w.flow.start(&request("4485040371536584")).await;
    assert_eq!(step.authentication().status, St::Error);
    assert_eq!(
        step.authentication().next_step,
        NextStep::RetryAuthentication
    );
    assert!(step.handle.is_none());
    // An expired or revoked token: one 401, a new token, the call goes through.
    faults.push(Fault::Status(401), 1, Some("/sessions".into()));
    let step = w.flow.start(&request("4485040371536584")).await;
    assert_eq!(step.authentication().status, St::Pending);
    let handle = step.handle.clone().unwrap();
    // GETs ride out two 503s by themselves.
    faults.push(Fault::Status(503), 2, Some("/sessions/".into()));
    let fetched = w.flow.fetch(&handle).await;
    assert_eq!(fetched.authentication().status, St::Pending);
    // A longer outage on a later call: error with `wait`, never `pending`.
    faults.push(Fault::Status(503), 3, Some("/sessions/".into()));
    let down = w.flow.fetch(&handle).await;
    assert_eq!(down.authentication().status, St::Error);
    assert_eq!(down.authentication().next_step, NextStep::Wait);
    assert_eq!(down.handle.as_ref().unwrap().id, handle.id);
    // Recovered.
    let method = w.run_method(&step).await;
    let done = w
        .flow
        .submit_device_data(
            &handle,
            &DeviceData {
                browser: Some(browser()),
                method,
            },
        )
        .await;
    assert_eq!(done.authentication().status, St::Authenticated);
}

#[tokio::test]
async fn a_timed_out_create_is_an_error_to_retry_not_pending() {
    let w = world(Duration::from_secs(60)).await;
    let flow = flow_at(
        Environment::local(&w.sandbox.base("checkout")),
        &w.merchant.uri(),
        300,
    );
    w.sandbox
        .faults("checkout")
        .unwrap()
        .push(Fault::Timeout, 1, Some("/sessions".into()));
    let step = flow.start(&request("4485040371536584")).await;
    let a = step.authentication();
    assert_eq!(a.status, St::Error);
    assert_eq!(a.next_step, NextStep::RetryAuthentication);
    assert_eq!(a.reason.as_deref(), Some("transport_timeout"));
}

#[tokio::test]
async fn invalid_requests_are_not_sent() {
    let w = world(Duration::from_secs(60)).await;
    let mut r = request("4485040371536584");
    r.currency = None;
    let step = w.flow.start(&r).await;
    assert_eq!(step.authentication().status, St::Error);
    assert_eq!(step.authentication().next_step, NextStep::FixRequest);
    let message = step.authentication().raw.message.clone().unwrap();
    assert!(message.contains("currency"), "{message}");
    assert!(!message.contains("4485040371536584"));
    assert!(
        w.sandbox.outbox.deliveries().is_empty(),
        "nothing reached Checkout"
    );
}

// -------------------------------------------------------------------------------------------
// Answers the sandbox does not give, through wiremock
// -------------------------------------------------------------------------------------------

async fn mocked(status: u16, body: &str, delay_ms: u64) -> (MockServer, CheckoutFlow) {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/connect/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"access_token": "t", "expires_in": 3600, "token_type": "Bearer"}),
        ))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/sessions"))
        .respond_with(
            ResponseTemplate::new(status)
                .set_body_string(body)
                .set_delay(Duration::from_millis(delay_ms)),
        )
        .mount(&server)
        .await;
    let flow = flow_at(
        Environment::local(&server.uri()),
        "https://merchant.example",
        1500,
    );
    (server, flow)
}

#[tokio::test]
async fn every_response_class_of_create_is_an_outcome() {
    let cases: [(u16, &str, St, NextStep, Option<&str>); 6] = [
        (
            422,
            r#"{"request_id":"r","error_type":"unprocessable_entity","error_codes":["currency_not_supported"]}"#,
            St::Error,
            NextStep::FixRequest,
            Some("invalid_request"),
        ),
        (
            409,
            r#"{"request_id":"r","error_type":"duplicate_requests_detected","error_codes":["session_already_in_use"]}"#,
            St::Error,
            NextStep::Wait,
            Some("duplicate_request"),
        ),
        (
            429,
            "",
            St::Error,
            NextStep::RetryAuthentication,
            Some("rate_limited"),
        ),
        (
            502,
            "",
            St::Error,
            NextStep::RetryAuthentication,
            Some("psp_unavailable"),
        ),
        (
            403,
            r#"{"request_id":"r","error_type":"operation_not_allowed","error_codes":["operation_not_allowed_for_scope"]}"#,
            St::Error,
            NextStep::Investigate,
            Some("invalid_credentials"),
        ),
        (
            201,
            "{\"id\": \"sid_trunc",
            St::Error,
            NextStep::RetryAuthentication,
            Some("unreadable_response"),
        ),
    ];
    for (status, body, expected, next, reason) in cases {
        let (server, flow) = mocked(status, body, 0).await;
        let step = flow.start(&request("4485040371536584")).await;
        let a = step.authentication();
        assert_eq!(a.status, expected, "{status}");
        assert_eq!(a.next_step, next, "{status}");
        assert_eq!(a.reason.as_deref(), reason, "{status}");
        assert!(step.handle.is_none(), "{status}");
        // POST /sessions went out exactly once whatever the answer.
        let posts = server
            .received_requests()
            .await
            .unwrap()
            .iter()
            .filter(|r| r.url.path() == "/sessions")
            .count();
        assert_eq!(posts, 1, "{status}");
    }
    let (_server, flow) = mocked(201, "{}", 4000).await;
    let step = flow.start(&request("4485040371536584")).await;
    assert_eq!(
        step.authentication().reason.as_deref(),
        Some("transport_timeout")
    );
    assert_eq!(
        step.authentication().next_step,
        NextStep::RetryAuthentication
    );
}

#[tokio::test]
async fn rejected_credentials_say_so_without_the_secret() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/connect/token"))
        .respond_with(ResponseTemplate::new(401).set_body_string(r#"{"error":"invalid_client"}"#))
        .mount(&server)
        .await;
    let flow = flow_at(Environment::local(&server.uri()), "https://m.example", 1500);
    let step = flow.start(&request("4485040371536584")).await;
    let a = step.authentication();
    assert_eq!(a.status, St::Error);
    assert_eq!(a.reason.as_deref(), Some("invalid_credentials"));
    assert_eq!(a.next_step, NextStep::Investigate);
    assert_eq!(a.raw.code.as_deref(), Some("invalid_client"));
    let text = format!(
        "{:?} {}",
        step.normalized,
        serde_json::to_string(a).unwrap()
    );
    assert!(!text.contains(ACCESS_KEY_SECRET));
}

#[tokio::test]
async fn a_standard_base64_creq_is_reencoded_for_the_acs() {
    use base64::Engine;
    let creq_json = r#"{"threeDSServerTransID":"t","acsTransID":"a>>??","messageType":"CReq","messageVersion":"2.2.0","challengeWindowSize":"05"}"#;
    let standard = base64::engine::general_purpose::STANDARD.encode(creq_json);
    assert!(standard.contains('=') || standard.contains('+') || standard.contains('/'));
    let body = json!({
        "id": "sid_aurdb2b3yv6eniu7mbrl7nfopm", "transaction_id": "t", "status": "challenged",
        "response_code": "C", "next_actions": ["challenge_cardholder"], "protocol_version": "2.2.0",
        "acs": {"url": "https://acs.example/challenge", "transaction_id": "a"},
        "3ds": {"challenge_request": standard}
    });
    let (_server, flow) = mocked(201, &body.to_string(), 0).await;
    let step = flow.start(&request("4242424242424242")).await;
    let Some(NextAction::Challenge {
        url,
        creq: Some(creq),
    }) = step.authentication().next_action.clone()
    else {
        panic!("{:?}", step.authentication());
    };
    assert_eq!(url.as_deref(), Some("https://acs.example/challenge"));
    assert_eq!(
        creq,
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(creq_json)
    );
    assert!(step
        .normalized
        .explain
        .warnings
        .iter()
        .any(|w| w.contains("re-encoded")));
    // Without `3ds.challenge_request` the flow builds the CReq itself.
    let mut body = body;
    body.as_object_mut().unwrap().remove("3ds");
    let (_server, flow) = mocked(201, &body.to_string(), 0).await;
    let step = flow.start(&request("4242424242424242")).await;
    let Some(NextAction::Challenge {
        creq: Some(creq), ..
    }) = step.authentication().next_action.clone()
    else {
        panic!("{:?}", step.authentication());
    };
    let built: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(&creq)
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        built,
        json!({"threeDSServerTransID": "t", "acsTransID": "a", "messageType": "CReq",
               "messageVersion": "2.2.0", "challengeWindowSize": "05"})
    );
}

#[tokio::test]
async fn a_complete_repeated_after_a_lost_answer_is_wait_or_the_state_never_fix_request() {
    let w = world(Duration::from_secs(60)).await;
    let step = w.authenticate("4485040371536584").await;
    assert_eq!(step.authentication().status, St::Authenticated);
    let handle = step.handle.clone().unwrap();
    let faults = w.sandbox.faults("checkout").unwrap();
    // Checkout completes the session, then the answer breaks on the way back.
    faults.push(Fault::ResetAfter, 1, Some("/complete".into()));
    let lost = w.flow.complete(&handle).await;
    assert_eq!(lost.authentication().status, St::Error);
    assert_eq!(lost.authentication().next_step, NextStep::Wait);
    faults.settled().await;

    // Sent again, Checkout refuses it for the session's state, and the GET that follows
    // fails: the session is not known, but the request was right.
    faults.push(Fault::Latency(Duration::ZERO), 1, Some("/complete".into()));
    faults.push(Fault::Status(503), 3, Some(handle.id.clone()));
    let again = w.flow.complete(&handle).await;
    let a = again.authentication();
    assert_eq!(a.status, St::Error, "{a:?}");
    assert_eq!(a.next_step, NextStep::Wait, "{a:?}");
    assert_ne!(a.next_step, NextStep::FixRequest);
    assert_eq!(again.handle.as_ref().unwrap().id, handle.id);
    faults.clear();

    // With the GET answering, the session's real state is returned.
    let read = w.flow.complete(&handle).await;
    assert_eq!(read.authentication().status, St::Authenticated);
    assert_eq!(read.authentication().next_step, NextStep::Authorize);
}

#[tokio::test]
async fn a_verified_webhook_never_stands_in_for_a_missing_session_or_a_newer_state() {
    let w = world(Duration::from_secs(60)).await;
    let step = w.authenticate("4485040371536584").await;
    let id = step.handle.clone().unwrap().id;
    let started = w.webhooks("authentication_started").await;
    let approved = w.webhooks("authentication_approved").await;
    let faults = w.sandbox.faults("checkout").unwrap();

    // Checkout says 404 for the session: the verified webhook is not the answer.
    faults.push(Fault::Status(404), 3, Some(id.clone()));
    let s = w.flow.handle_notification(&approved[0]).await;
    let a = s.authentication();
    assert_eq!(a.status, St::Error, "{a:?}");
    assert_eq!(a.next_step, NextStep::Investigate);
    assert!(s
        .normalized
        .explain
        .warnings
        .iter()
        .any(|x| x.contains("404")));
    faults.clear();

    // A non-final event delivered late, with the re-fetch failing: it may be older than
    // the session's (final) state, so it is not returned as the state.
    faults.push(Fault::Status(503), 3, Some(id.clone()));
    let s = w.flow.handle_notification(&started[0]).await;
    let a = s.authentication();
    assert_eq!(a.status, St::Error, "{a:?}");
    assert_eq!(a.next_step, NextStep::Wait);
    faults.clear();

    // A final event may stand in for a failed re-fetch (a final state does not change).
    faults.push(Fault::Status(503), 3, Some(id.clone()));
    let s = w.flow.handle_notification(&approved[0]).await;
    assert_eq!(s.authentication().status, St::Authenticated);
    assert_eq!(s.handle.unwrap().id, id);
}

#[tokio::test]
async fn notification_session_ids_that_are_not_checkout_ids_are_never_fetched() {
    let w = world(Duration::from_secs(60)).await;
    for id in ["..", ".", "sid_..", "sid_a/../b", "sid_a?b", "sid_a%2e"] {
        let body =
            serde_json::json!({"type": "authentication_approved", "data": {"session_id": id}});
        let s = w
            .flow
            .handle_notification(&Notification {
                body: body.to_string().into_bytes(),
                ..Notification::default()
            })
            .await;
        assert_eq!(s.authentication().status, St::Error, "{id}");
        assert_eq!(s.authentication().next_step, NextStep::Investigate, "{id}");
        assert!(s.handle.is_none());
    }
}
