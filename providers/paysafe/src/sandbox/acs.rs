//! The challenge pages standing in for the ACS (the one-time-password form, the answer
//! page that posts back to the caller).

use super::api::{end_challenge, expire};
use super::checks::is_http_url;
use super::{unix_seconds, After, ChallengeState, Ending, Inner, OTP};
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Arc;
use threeds_wire::http::decode_form;
use threeds_wire::sandbox::pages;

/// `GET /acs/challenge/{token}[?callback=URL]`: the challenge page.
pub(super) async fn acs_get(
    State(inner): State<Arc<Inner>>,
    Path(token): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    challenge_page(
        &inner,
        &token,
        query.get("callback").map(String::as_str),
        None,
    )
}

/// `POST /acs/challenge/{token}`: either an SDK opening the page with the `creq` (no
/// `action` field), or the cardholder submitting the form.
pub(super) async fn acs_post(
    State(inner): State<Arc<Inner>>,
    Path(token): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let form = decode_form(&String::from_utf8_lossy(&body));
    let field = |name: &str| {
        form.iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    let callback = field("callback").or(query.get("callback").map(String::as_str));
    let ending = match field("action") {
        None => return challenge_page(&inner, &token, callback, field("creq")),
        Some("cancel") => Ending::Cancelled,
        Some(_) => Ending::Otp {
            correct: field("password").map(str::trim) == Some(OTP),
        },
    };
    let mut state = inner.lock();
    let Some(id) = state.acs.get(&token).cloned() else {
        return unknown_challenge();
    };
    let Some(auth) = state.authentications.get_mut(&id) else {
        return unknown_challenge();
    };
    expire(auth, inner.now());
    let Some(challenge) = auth.challenge.as_ref() else {
        return unknown_challenge();
    };
    match challenge.state {
        ChallengeState::TimedOut => return timed_out_page(),
        ChallengeState::Finished => return already_finished_page(&id),
        ChallengeState::Open => {}
    }
    end_challenge(auth, ending);
    let server_jwt = auth
        .challenge
        .as_ref()
        .and_then(|c| c.server_jwt.clone())
        .map(|jti| {
            let action = match auth.doc.get("threeDResult").and_then(Value::as_str) {
                Some("Y" | "A") => "SUCCESS",
                _ => "FAILURE",
            };
            inner.sign_jwt(&json!({
                "jti": jti,
                "iat": unix_seconds(),
                "iss": "paysafe-sandbox",
                "ReferenceId": id,
                "Payload": { "ActionCode": action },
            }))
        });
    // Without a callback, the merchant's site (`merchantUrl`), where the JS SDK would be
    // running, receives the post.
    let merchant_url = auth
        .doc
        .get("merchantUrl")
        .and_then(Value::as_str)
        .map(str::to_owned);
    drop(state);
    let target = callback
        .filter(|c| is_http_url(c))
        .map(str::to_owned)
        .or(merchant_url);
    callback_page(&id, target.as_deref(), server_jwt.as_deref())
}

fn challenge_page(
    inner: &Inner,
    token: &str,
    callback: Option<&str>,
    creq: Option<&str>,
) -> Response {
    if let Some(creq) = creq {
        // The CReq an SDK posts must be this transaction's (3DS 1.0.2's PaReq is opaque).
        let named = URL_SAFE_NO_PAD
            .decode(creq.trim_end_matches('='))
            .ok()
            .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
            .and_then(|v| {
                v.get("acsTransID")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            });
        let is_pareq = STANDARD
            .decode(creq)
            .is_ok_and(|b| b == format!("PaReq:{token}").as_bytes());
        if named.as_deref() != Some(token) && !is_pareq {
            return (
                StatusCode::BAD_REQUEST,
                Html(pages::message(
                    "Invalid challenge request",
                    "The creq posted does not belong to this challenge.",
                )),
            )
                .into_response();
        }
    }
    let mut state = inner.lock();
    let Some(id) = state.acs.get(token).cloned() else {
        return unknown_challenge();
    };
    let Some(auth) = state.authentications.get_mut(&id) else {
        return unknown_challenge();
    };
    expire(auth, inner.now());
    let Some(challenge) = auth.challenge.as_ref() else {
        return unknown_challenge();
    };
    match challenge.state {
        ChallengeState::TimedOut => return timed_out_page(),
        ChallengeState::Finished => return already_finished_page(&id),
        ChallengeState::Open => {}
    }
    let title = match challenge.after {
        After::V2(_) => "Paysafe sandbox: 3-D Secure challenge",
        After::V1(_) => "Paysafe sandbox: 3-D Secure 1.0.2 challenge (fallback)",
    };
    let amount = match (auth.doc.get("amount"), auth.doc.get("currency")) {
        (Some(a), Some(Value::String(c))) => format!(" of {a} (minor units) {c}"),
        _ => String::new(),
    };
    let hidden: Vec<(&str, &str)> = callback
        .filter(|c| is_http_url(c))
        .map(|c| vec![("callback", c)])
        .unwrap_or_default();
    let action = inner.settings.url(&format!("/acs/challenge/{token}"));
    let html = pages::challenge_form(
        title,
        &action,
        &hidden,
        &format!("Enter the one-time password sent to your phone to approve the payment{amount}."),
        &format!(
            "Stands in for the challenge Paysafe's JS SDK (Cardinal) runs. Sandbox OTP: {OTP} \
             (any other code fails the authentication; Cancel ends it with N)."
        ),
    );
    Html(html).into_response()
}

/// What the page shows after the challenge: it posts `id` (and an SDK's `serverJwt`) to the
/// callback URL (else the request's `merchantUrl`), the way Paysafe's JS SDK calls back, or
/// shows the id when neither is an http(s) URL.
fn callback_page(id: &str, callback: Option<&str>, server_jwt: Option<&str>) -> Response {
    let mut fields = vec![("id", id)];
    if let Some(jwt) = server_jwt {
        fields.push(("serverJwt", jwt));
    }
    match callback.filter(|c| is_http_url(c)) {
        Some(url) => Html(pages::auto_post("Challenge finished", url, &fields)).into_response(),
        None => Html(pages::message(
            "Challenge finished",
            &format!(
                "Authentication {id} is finished. Paysafe's JS SDK would now call back with this \
                 id; read the result with GET .../authentications/{id}.{}",
                server_jwt
                    .map(|j| format!(" Server JWT for finalize: {j}"))
                    .unwrap_or_default()
            ),
        ))
        .into_response(),
    }
}

fn unknown_challenge() -> Response {
    (
        StatusCode::NOT_FOUND,
        Html(pages::message(
            "Unknown challenge",
            "This simulator has no challenge at this address.",
        )),
    )
        .into_response()
}

fn timed_out_page() -> Response {
    Html(pages::message(
        "Challenge timed out",
        "The ACS timed out waiting for the cardholder. A 3DS2 authentication now reads \
         COMPLETED with threeDResult N and statusReason TRANSACTION_TIMED_OUT_ACS.",
    ))
    .into_response()
}

fn already_finished_page(id: &str) -> Response {
    Html(pages::message(
        "Challenge already finished",
        &format!("Authentication {id} is already finished; read it with GET."),
    ))
    .into_response()
}
