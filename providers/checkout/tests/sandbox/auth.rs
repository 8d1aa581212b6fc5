//! The token endpoint: credentials, grant type and scopes.

use super::{browser, request, start, with_channel};
use serde_json::{json, Value};
use std::time::Duration;
use threeds_checkout::sandbox::{ACCESS_KEY_ID, ACCESS_KEY_SECRET};

#[tokio::test]
async fn token_endpoint_checks_credentials_grant_and_scopes() {
    let s = start(Duration::from_secs(60), None).await;
    let url = format!("{}/connect/token", s.base);
    let r = s
        .http
        .post(&url)
        .basic_auth(ACCESS_KEY_ID, Some("wrong"))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert!(r.headers().get("www-authenticate").is_some());
    assert_eq!(
        r.json::<Value>().await.unwrap(),
        json!({"error": "invalid_client"})
    );
    // Form credentials, as the Python SDK also sends them; no scope = every allowed scope.
    let r = s
        .http
        .post(&url)
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", ACCESS_KEY_ID),
            ("client_secret", ACCESS_KEY_SECRET),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    assert!(v["scope"].as_str().unwrap().contains("sessions:browser"));
    for (form, code) in [
        (vec![("grant_type", "password")], "unsupported_grant_type"),
        (
            vec![
                ("grant_type", "client_credentials"),
                ("scope", "payments:all"),
            ],
            "invalid_scope",
        ),
        (vec![], "invalid_request"),
    ] {
        let r = s
            .http
            .post(&url)
            .basic_auth(ACCESS_KEY_ID, Some(ACCESS_KEY_SECRET))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400);
        assert_eq!(r.json::<Value>().await.unwrap()["error"], code);
    }
}

#[tokio::test]
async fn bad_credentials_are_401_without_a_body_and_scopes_are_enforced() {
    let s = start(Duration::from_secs(60), None).await;
    let body = request("4485040371536584");
    for auth in [None, Some("Bearer nope"), Some("sek_notasessionsecret")] {
        let r = s
            .http
            .post(format!("{}/sessions", s.base))
            .json(&body)
            .header("authorization", auth.unwrap_or(""))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401);
        assert!(r.text().await.unwrap().is_empty());
    }
    let gateway = format!("Bearer {}", s.token_for("gateway").await);
    let (status, v) = s
        .call(
            reqwest::Method::POST,
            "/sessions",
            Some(&gateway),
            Some(body.clone()),
        )
        .await;
    assert_eq!(status, 403);
    assert_eq!(v["error_type"], "operation_not_allowed");
    assert_eq!(v["error_codes"], json!(["operation_not_allowed_for_scope"]));
    // An app-only token cannot send browser channel data.
    let app = format!("Bearer {}", s.token_for("sessions:app").await);
    let (status, v) = s
        .call(
            reqwest::Method::POST,
            "/sessions",
            Some(&app),
            Some(with_channel(body, browser(None))),
        )
        .await;
    assert_eq!(status, 403, "{v}");
    // A revoked token is a 401 like a bad one.
    s.sim.revoke_tokens();
    let (status, _) = s.create(request("4485040371536584")).await;
    assert_eq!(status, 401);
}
