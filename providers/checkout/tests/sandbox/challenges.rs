//! The challenge page, its outcomes, the webhooks and the expiry of abandoned challenges.

use super::{b64url_json, challenged, start};
use serde_json::{json, Value};
use std::time::Duration;
use threeds_checkout::sandbox::{CHALLENGE_PASSWORD, WEBHOOK_SIGNATURE_KEY};
use threeds_wire::sandbox::{Form, Simulator};
use threeds_wire::signature::verify_hex;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn the_challenge_page_takes_an_unpadded_creq_and_rejects_the_rest() {
    let s = start(Duration::from_secs(60), None).await;
    let v = challenged(
        &s,
        "4242424242424242",
        Some("https://merchant.example/cres"),
    )
    .await;
    let acs_url = v["acs"]["url"].as_str().unwrap();
    let creq_text = v["3ds"]["challenge_request"].as_str().unwrap();
    assert!(!creq_text.contains('='));
    let creq = b64url_json(creq_text);
    assert_eq!(creq["messageType"], "CReq");
    assert_eq!(creq["threeDSServerTransID"], v["transaction_id"]);
    assert_eq!(creq["acsTransID"], v["acs"]["transaction_id"]);

    let padded = {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE.encode(creq.to_string())
    };
    assert!(padded.ends_with('='));
    let (status, html) = s
        .form(acs_url, format!("creq={}", padded.replace('=', "%3D")))
        .await;
    assert_eq!(status, 400);
    assert!(html.contains("Erro") && html.contains("203"), "{html}");
    let (status, html) = s.form(acs_url, String::new()).await;
    assert_eq!(status, 400);
    assert!(html.contains("201"));
    let mut unknown = creq.clone();
    unknown["acsTransID"] = json!("00000000-0000-4000-8000-000000000000");
    let unknown = {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(unknown.to_string())
    };
    let (status, html) = s.form(acs_url, format!("creq={unknown}")).await;
    assert_eq!(status, 404);
    assert!(html.contains("301"));

    let (status, html) = s
        .form(acs_url, format!("creq={creq_text}&threeDSSessionData=abc"))
        .await;
    assert_eq!(status, 200);
    let mut form = Form::parse_all(&html).remove(0);
    assert!(html.contains(CHALLENGE_PASSWORD));
    form.fill("password", CHALLENGE_PASSWORD);
    let (status, html) = s.form(&form.action, form.submission(Some("submit"))).await;
    assert_eq!(status, 200);
    let post = Form::parse_all(&html).remove(0);
    assert_eq!(post.action, "https://merchant.example/cres");
    assert_eq!(post.field("threeDSSessionData"), Some("abc"));
    let cres = b64url_json(post.field("cres").unwrap());
    assert_eq!(cres["messageType"], "CRes");
    assert_eq!(cres["transStatus"], "Y");
    let after = s.get(v["id"].as_str().unwrap()).await;
    assert_eq!(after["status"], "approved");
    assert_eq!(after["status_reason"], "rreq_status");
    assert_eq!(after["challenged"], true);
    assert_eq!(after["eci"], "05");
    // The page cannot be replayed once the challenge is over.
    let (status, _) = s.form(&form.action, form.submission(Some("submit"))).await;
    assert_eq!(status, 409);
}

#[tokio::test]
async fn challenge_outcomes_wrong_password_and_cancel() {
    let s = start(Duration::from_secs(60), None).await;
    for (card, password, button, status, code) in [
        (
            "4152868552773614",
            CHALLENGE_PASSWORD,
            "submit",
            "attempted",
            "A",
        ),
        (
            "4870527017700692",
            CHALLENGE_PASSWORD,
            "submit",
            "rejected",
            "R",
        ),
        (
            "4243754271700719",
            CHALLENGE_PASSWORD,
            "submit",
            "declined",
            "N",
        ),
        (
            "4447336775378848",
            CHALLENGE_PASSWORD,
            "submit",
            "unavailable",
            "U",
        ),
        ("4242424242424242", "wrong", "submit", "declined", "N"),
        ("4242424242424242", "", "cancel", "challenge_abandoned", "N"),
    ] {
        let v = challenged(&s, card, None).await;
        let (_, html) = s
            .form(
                v["acs"]["url"].as_str().unwrap(),
                format!("creq={}", v["3ds"]["challenge_request"].as_str().unwrap()),
            )
            .await;
        let mut form = Form::parse_all(&html).remove(0);
        form.fill("password", password);
        let (http, html) = s.form(&form.action, form.submission(Some(button))).await;
        assert_eq!(http, 200);
        // No notification URL: Checkout's own endpoint took the CRes.
        assert!(html.contains("finished"), "{html}");
        let after = s.get(v["id"].as_str().unwrap()).await;
        assert_eq!(after["status"], status, "{card} {button}");
        assert_eq!(after["response_code"], code, "{card} {button}");
        if button == "cancel" {
            assert_eq!(after["acs"]["challenge_cancel_reason"], "cardholder_cancel");
        }
    }
    let v = challenged(&s, "4539929207120660", None).await;
    let (_, html) = s
        .form(
            v["acs"]["url"].as_str().unwrap(),
            format!("creq={}", v["3ds"]["challenge_request"].as_str().unwrap()),
        )
        .await;
    let mut form = Form::parse_all(&html).remove(0);
    form.fill("password", CHALLENGE_PASSWORD);
    s.form(&form.action, form.submission(Some("submit"))).await;
    let after = s.get(v["id"].as_str().unwrap()).await;
    assert_eq!(after["status_reason"], "rreq_error");
    assert_eq!(after["3ds"]["error_details"]["error_component"], "A");
}

#[tokio::test]
async fn webhooks_are_signed_and_abandoned_challenges_expire() {
    let receiver = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/hooks"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&receiver)
        .await;
    let s = start(
        Duration::from_millis(150),
        Some(format!("{}/hooks", receiver.uri())),
    )
    .await;
    let v = challenged(&s, "4242424242424242", None).await;
    let id = v["id"].as_str().unwrap();
    s.clock.advance(Duration::from_millis(250));
    // Checked lazily on access (no sweeper runs in this test).
    let after = s.get(id).await;
    assert_eq!(after["status"], "expired");
    assert_eq!(after["response_code"], "N");
    assert_eq!(after["response_status_reason"], "14");
    assert_eq!(
        after["acs"]["challenge_cancel_reason"],
        "transaction_timed_out"
    );
    assert_eq!(after["acs"]["challenge_cancel_reason_code"], "05");
    assert_eq!(after["next_actions"], json!(["complete"]));
    let (status, html) = s
        .form(
            v["acs"]["url"].as_str().unwrap(),
            format!("creq={}", v["3ds"]["challenge_request"].as_str().unwrap()),
        )
        .await;
    assert_eq!(status, 410);
    assert!(html.contains("402"));

    let deliveries = s.outbox.deliveries();
    let events: Vec<&str> = deliveries.iter().map(|d| d.event.as_str()).collect();
    assert_eq!(events, ["authentication_started", "authentication_expired"]);
    for d in &deliveries {
        s.outbox.settled(d.seq, Duration::from_secs(2)).await;
    }
    let received = receiver.received_requests().await.unwrap();
    assert_eq!(received.len(), 2);
    for r in &received {
        let sig = r.headers.get("cko-signature").unwrap().to_str().unwrap();
        let verify = |key: &[u8]| verify_hex("webhook key", key, &[&r.body], sig);
        assert_eq!(verify(WEBHOOK_SIGNATURE_KEY.as_bytes()), Ok(true));
        assert_eq!(verify(b"other key"), Ok(false));
    }
    let expired: Value = received[1].body_json().unwrap();
    assert_eq!(expired["type"], "authentication_expired");
    assert_eq!(expired["version"], "1.0.1");
    assert!(expired["id"].as_str().unwrap().starts_with("evt_"));
    assert_eq!(expired["data"]["session_id"], id);
    assert_eq!(expired["data"]["amount"], "6540");
    assert_eq!(expired["data"]["reason"], "ChallengeExpired");
    assert_eq!(expired["data"]["transaction_status_reason"], "rreq_status");
    assert_eq!(expired["data"]["3ds_transaction_id"], v["transaction_id"]);
}

#[tokio::test]
async fn the_sweep_expires_without_any_access() {
    let receiver = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&receiver)
        .await;
    let s = start(Duration::from_millis(50), Some(receiver.uri())).await;
    challenged(&s, "4242424242424242", None).await;
    s.sim.sweep();
    assert_eq!(s.outbox.deliveries().len(), 1, "not due yet");
    s.clock.advance(Duration::from_millis(100));
    s.sim.sweep();
    let events: Vec<String> = s.outbox.deliveries().into_iter().map(|d| d.event).collect();
    assert_eq!(events, ["authentication_started", "authentication_expired"]);
    s.sim.sweep();
    assert_eq!(s.outbox.deliveries().len(), 2, "expires once");
}
