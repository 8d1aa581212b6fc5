//! `POST /v2.01/oauth/token` and the checks every API call makes with what it
//! issued: Basic credentials, the bearer token, and the lock after repeated failed logins.

use crate::sandbox::model::State;
use crate::sandbox::{
    json_reply, unauthorized, Shared, LOCK_AFTER_FAILURES, LOCK_DURATION, SANDBOX_API_KEY,
    SANDBOX_CLIENT_ID,
};
use axum::body::Bytes;
use axum::extract::State as AxState;
use axum::http::HeaderMap;
use axum::response::Response;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Instant;
use threeds_wire::http::decode_form;
use threeds_wire::sandbox::ids;

/// `POST /v2.01/oauth/token`. The grant type is read from a form body (the documented
/// request) or a JSON body (what the official Python SDK sends, with a form content type).
pub(crate) async fn token(
    AxState(shared): AxState<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let now = shared.now();
    let mut state = shared.lock();
    let presented = presented_client_id(&headers);
    if !basic_credentials_ok(&headers) {
        let locked = record_failed_login(&mut state, &presented, now);
        if locked {
            return json_reply(
                400,
                &json!({
                    "error": "unauthorized_client",
                    "error_description": "This account has been temporarily locked for security reasons. Please try again later."
                }),
            );
        }
        let (status, body) = unauthorized();
        return json_reply(status, &body);
    }
    let text = String::from_utf8_lossy(&body);
    let grant = decode_form(&text)
        .into_iter()
        .find(|(k, _)| k == "grant_type")
        .map(|(_, v)| v)
        .or_else(|| {
            serde_json::from_str::<Value>(&text)
                .ok()?
                .get("grant_type")?
                .as_str()
                .map(str::to_owned)
        });
    if grant.as_deref() != Some("client_credentials") {
        return json_reply(
            400,
            &json!({
                "error": "unsupported_grant_type",
                "error_description": "grant_type must be client_credentials"
            }),
        );
    }
    state.logins.remove(&presented);
    let token = ids::uuid_v4().replace('-', "");
    state.issued.record(now, token.clone());
    state
        .tokens
        .insert(token.clone(), now + shared.token_lifetime);
    json_reply(
        200,
        &json!({
            "access_token": token,
            "token_type": "bearer",
            "expires_in": shared.token_lifetime.as_secs(),
        }),
    )
}

/// How many (ClientId) failure counters are kept; a client cycling through made-up ids
/// cannot grow the table past it.
const MAX_LOGIN_COUNTERS: usize = 1024;

/// The ClientId of a Basic header, whatever its key (at most 64 characters kept), or ""
/// when there is none: the failures and the lock belong to it.
fn presented_client_id(headers: &HeaderMap) -> String {
    headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("basic"))
        .and_then(|(_, encoded)| STANDARD.decode(encoded.trim()).ok())
        .map(|decoded| {
            let text = String::from_utf8_lossy(&decoded).into_owned();
            let id = text.split_once(':').map_or(text.as_str(), |(id, _)| id);
            id.chars().take(64).collect()
        })
        .unwrap_or_default()
}

/// Counts a failed token request for `client_id` and says whether that ClientId is (now)
/// locked. Only wrong credentials meet the lock: the sandbox's ClientId is shared by
/// everyone testing, and one client's bad key must not lock the others out (the right
/// key always gets a token, and resets the count).
fn record_failed_login(state: &mut State, client_id: &str, now: Instant) -> bool {
    if state.logins.len() >= MAX_LOGIN_COUNTERS && !state.logins.contains_key(client_id) {
        state
            .logins
            .retain(|_, l| l.locked_until.is_some_and(|t| now < t));
        if state.logins.len() >= MAX_LOGIN_COUNTERS {
            state.logins.clear();
        }
    }
    let logins = state.logins.entry(client_id.to_owned()).or_default();
    if logins.locked_until.is_some_and(|t| now < t) {
        return true;
    }
    logins.locked_until = None;
    logins.failures += 1;
    if logins.failures >= LOCK_AFTER_FAILURES {
        logins.failures = 0;
        logins.locked_until = Some(now + LOCK_DURATION);
    }
    false
}

fn basic_credentials_ok(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get("authorization").and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let Some((scheme, encoded)) = value.trim().split_once(' ') else {
        return false;
    };
    if !scheme.eq_ignore_ascii_case("basic") {
        return false;
    }
    let Ok(decoded) = STANDARD.decode(encoded.trim()) else {
        return false;
    };
    let expected = format!("{SANDBOX_CLIENT_ID}:{SANDBOX_API_KEY}");
    decoded == expected.as_bytes()
}

pub(super) fn bearer_ok(state: &State, headers: &HeaderMap, client_id: &str, now: Instant) -> bool {
    if client_id != SANDBOX_CLIENT_ID {
        return false;
    }
    let Some(value) = headers.get("authorization").and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let Some((scheme, token)) = value.trim().split_once(' ') else {
        return false;
    };
    scheme.eq_ignore_ascii_case("bearer")
        && state
            .tokens
            .get(token.trim())
            .is_some_and(|expiry| now < *expiry)
}
