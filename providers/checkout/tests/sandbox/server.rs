//! What the simulator says about itself: the banner, endpoints it does not simulate,
//! unknown sessions and retention.

use super::{browser, challenged, request, start, with_channel};
use serde_json::json;
use std::time::Duration;
use threeds_checkout::sandbox::{
    CheckoutSimulator, ACCESS_KEY_ID, ACCESS_KEY_SECRET, CHALLENGE_PASSWORD, PROCESSING_CHANNEL_ID,
    WEBHOOK_SIGNATURE_KEY,
};
use threeds_wire::sandbox::{SimSettings, Simulator, DEFAULT_RETENTION};

#[test]
fn the_banner_names_everything_a_client_is_configured_with() {
    let mut settings = SimSettings::new("http://127.0.0.1:8480/checkout");
    settings.webhook_url = Some("http://127.0.0.1:9000/hooks".into());
    let banner = CheckoutSimulator::new(settings).banner();
    let text: Vec<String> = banner.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let text = text.join("\n");
    for needle in [
        "API base=http://127.0.0.1:8480/checkout",
        "OAuth token URL=http://127.0.0.1:8480/checkout/connect/token",
        ACCESS_KEY_ID,
        ACCESS_KEY_SECRET,
        PROCESSING_CHANNEL_ID,
        WEBHOOK_SIGNATURE_KEY,
        CHALLENGE_PASSWORD,
        "http://127.0.0.1:9000/hooks",
    ] {
        assert!(text.contains(needle), "{needle} missing from\n{text}");
    }
}

#[tokio::test]
async fn endpoints_not_simulated_answer_501_and_unknown_sessions_404() {
    let s = start(Duration::from_secs(60), None).await;
    for (verb, path) in [
        (reqwest::Method::POST, "/payments"),
        (reqwest::Method::DELETE, "/sessions/sid_abc"),
        (reqwest::Method::GET, "/sessions"),
    ] {
        let (status, v) = s.call(verb.clone(), path, Some(&s.bearer()), None).await;
        assert_eq!(status, 501, "{verb} {path}: {v}");
        assert_eq!(v["error_type"], "not_simulated");
        assert_eq!(v["error_codes"], json!(["endpoint_not_simulated"]));
        let message = v["message"].as_str().unwrap();
        assert!(
            message.starts_with(&format!("{verb} {path} is not simulated")),
            "{message}"
        );
    }
    let (status, v) = s
        .call(
            reqwest::Method::GET,
            "/sessions/sid_unknown",
            Some(&s.bearer()),
            None,
        )
        .await;
    assert_eq!(
        (status, v["error_codes"].clone()),
        (404, json!(["session_not_found"]))
    );
}

#[tokio::test]
async fn sessions_are_forgotten_after_the_retention_period() {
    let s = start(Duration::from_secs(60), None).await;
    let (_, done) = s
        .create(with_channel(
            request("4485040371536584"),
            browser(Some("Y")),
        ))
        .await;
    let done_id = done["id"].as_str().unwrap();
    let open = challenged(&s, "4242424242424242", None).await;
    let open_id = open["id"].as_str().unwrap();
    s.clock.advance(DEFAULT_RETENTION - Duration::from_secs(1));
    s.get(done_id).await;
    s.clock.advance(Duration::from_secs(1));
    // The token has expired too (it lives an hour): a new one is needed.
    let (status, _) = s
        .call(
            reqwest::Method::GET,
            &format!("/sessions/{done_id}"),
            Some(&s.bearer()),
            None,
        )
        .await;
    assert_eq!(status, 401, "the hour-old token is gone");
    let bearer = format!("Bearer {}", s.token_for("sessions:browser").await);
    let (status, v) = s
        .call(
            reqwest::Method::GET,
            &format!("/sessions/{done_id}"),
            Some(&bearer),
            None,
        )
        .await;
    assert_eq!(
        (status, v["error_codes"].clone()),
        (404, json!(["session_not_found"]))
    );
    // The challenge was still open when its retention ran out (no sweep ran to expire
    // it), so it is kept, expired, for one more period.
    let (status, v) = s
        .call(
            reqwest::Method::GET,
            &format!("/sessions/{open_id}"),
            Some(&bearer),
            None,
        )
        .await;
    assert_eq!(
        (status, v["status"].as_str()),
        (200, Some("expired")),
        "{v}"
    );
    s.clock.advance(DEFAULT_RETENTION);
    let bearer = format!("Bearer {}", s.token_for("sessions:browser").await);
    let (status, _) = s
        .call(
            reqwest::Method::GET,
            &format!("/sessions/{open_id}"),
            Some(&bearer),
            None,
        )
        .await;
    assert_eq!(status, 404);
}
