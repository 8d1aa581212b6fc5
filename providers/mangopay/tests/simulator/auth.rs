//! The token endpoint, the lock after repeated failed logins, and bearer tokens on API calls.

use super::{basic, keys, serve, sim};
use serde_json::Value;
use std::time::Duration;
use threeds_mangopay::sandbox::{LOCK_DURATION, SANDBOX_API_KEY, SANDBOX_CLIENT_ID};

#[tokio::test]
async fn token_endpoint_checks_credentials_and_locks_after_repeated_failures() {
    let s = sim().await;
    // The official Python SDK's JSON body is accepted too.
    let r = s
        .token_with(
            &basic(SANDBOX_CLIENT_ID, SANDBOX_API_KEY),
            r#"{"grant_type": "client_credentials"}"#,
        )
        .await;
    assert_eq!(r.status().as_u16(), 200);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["expires_in"], 1200);
    let r = s
        .token_with(
            &basic(SANDBOX_CLIENT_ID, SANDBOX_API_KEY),
            "grant_type=password",
        )
        .await;
    assert_eq!(r.status().as_u16(), 400);

    for _ in 0..5 {
        let r = s
            .token_with(
                &basic(SANDBOX_CLIENT_ID, "wrong"),
                "grant_type=client_credentials",
            )
            .await;
        assert_eq!(r.status().as_u16(), 401);
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["Type"], "invalid_credentials");
        assert_eq!(v["Message"], "The authorization credentials are not valid");
    }
    // Locked now: further wrong attempts with that ClientId get the lock body (the
    // authentication page's 400)...
    let wrong = || async {
        s.token_with(
            &basic(SANDBOX_CLIENT_ID, "wrong"),
            "grant_type=client_credentials",
        )
        .await
    };
    let r = wrong().await;
    assert_eq!(r.status().as_u16(), 400);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"], "unauthorized_client");
    assert!(v["error_description"]
        .as_str()
        .unwrap()
        .contains("temporarily locked"));
    // ... but the shared test account is not locked for everyone: the right credentials
    // still get a token, and another ClientId's failures are its own.
    assert_eq!(
        s.token_with(
            &basic(SANDBOX_CLIENT_ID, SANDBOX_API_KEY),
            "grant_type=client_credentials"
        )
        .await
        .status()
        .as_u16(),
        200
    );
    assert_eq!(
        s.token_with(
            &basic("someone-else", "wrong"),
            "grant_type=client_credentials"
        )
        .await
        .status()
        .as_u16(),
        401
    );
}

#[tokio::test]
async fn a_lock_is_lifted_after_its_duration_and_a_good_login_resets_the_count() {
    let s = sim().await;
    let wrong = || async {
        s.token_with(
            &basic(SANDBOX_CLIENT_ID, "wrong"),
            "grant_type=client_credentials",
        )
        .await
    };
    let good = || async {
        s.token_with(
            &basic(SANDBOX_CLIENT_ID, SANDBOX_API_KEY),
            "grant_type=client_credentials",
        )
        .await
    };
    for _ in 0..4 {
        assert_eq!(wrong().await.status().as_u16(), 401);
    }
    assert_eq!(good().await.status().as_u16(), 200);
    // The good login reset the count: four more failures do not lock.
    for _ in 0..4 {
        assert_eq!(wrong().await.status().as_u16(), 401);
    }
    assert_eq!(
        wrong().await.status().as_u16(),
        401,
        "the fifth failure locks"
    );
    assert_eq!(wrong().await.status().as_u16(), 400, "locked");
    s.settings
        .clock
        .advance(LOCK_DURATION + Duration::from_secs(1));
    assert_eq!(wrong().await.status().as_u16(), 401, "the lock is over");
}

#[tokio::test]
async fn api_calls_need_a_live_bearer_token_for_the_path_client() {
    let s = serve(Duration::from_secs(60), Duration::from_millis(200)).await;
    let r = s.http.get(s.api("payins/wt_1")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 401);
    let v: Value = r.json().await.unwrap();
    assert_eq!(
        keys(&v),
        ["Date", "Message", "Type"].map(String::from).into()
    );

    let token = s.token().await;
    let other = format!("{}/v2.01/another-client/payins/wt_1", s.base);
    let r = s.http.get(other).bearer_auth(&token).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 401);
    // The Python SDK writes the scheme as Mangopay's token_type: "bearer".
    let r = s
        .http
        .get(s.api("payins/wt_1"))
        .header("authorization", format!("bearer {token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["Type"], "ressource_not_found");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let r = s
        .http
        .get(s.api("payins/wt_1"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401, "the token expired");
    s.sim.revoke_tokens();
}
