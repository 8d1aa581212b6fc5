//! The pages standing in for the issuer's ACS: the 3DS Method (fingerprint) page and the
//! challenge form, with the CReq and CRes they exchange.

use super::cards::Scenario;
use super::{Final, PxpSimulator, CHALLENGE_PASSWORD, PROTOCOL_VERSION};
use crate::fingerprint;
use crate::response::AuthenticationState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};
use threeds_wire::http::decode_form;
use threeds_wire::sandbox::pages;

/// The CReq: base64url (no padding) of the EMV CReq JSON.
pub(super) fn creq(server_trans_id: &str, acs_trans_id: &str, window: i64) -> String {
    URL_SAFE_NO_PAD.encode(
        json!({
            "threeDSServerTransID": server_trans_id,
            "acsTransID": acs_trans_id,
            "challengeWindowSize": format!("{window:02}"),
            "messageType": "CReq",
            "messageVersion": PROTOCOL_VERSION,
        })
        .to_string(),
    )
}

/// The CRes posted to the `challengeCallbackUrl`.
fn cres(server_trans_id: &str, acs_trans_id: &str, trans_status: &str) -> String {
    URL_SAFE_NO_PAD.encode(
        json!({
            "threeDSServerTransID": server_trans_id,
            "acsTransID": acs_trans_id,
            "challengeCompletionInd": "Y",
            "messageType": "CRes",
            "messageVersion": PROTOCOL_VERSION,
            "transStatus": trans_status,
        })
        .to_string(),
    )
}

fn page(status: StatusCode, html: String) -> Response {
    (status, Html(html)).into_response()
}

fn form_field(form: &[(String, String)], name: &str) -> Option<String> {
    form.iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.clone())
        .filter(|v| !v.is_empty())
}

pub(super) async fn fingerprint_info() -> Response {
    page(
        StatusCode::OK,
        pages::message(
            "PXP sandbox 3DS Method",
            "POST the threeDSecureFingerprintData here as the form field threeDSMethodData.",
        ),
    )
}

/// The 3DS Method: records the fingerprint and posts `threeDSMethodData` back to the
/// notification URL inside it (the merchant's `fingerprintCallbackUrl`).
pub(super) async fn fingerprint_page(State(sim): State<PxpSimulator>, body: Bytes) -> Response {
    let form = decode_form(&String::from_utf8_lossy(&body));
    let Some(data) = form_field(&form, "threeDSMethodData") else {
        return page(
            StatusCode::BAD_REQUEST,
            pages::message("3DS Method", "The form field threeDSMethodData is missing."),
        );
    };
    let Some(decoded) = fingerprint::decode_method_data(&data) else {
        return page(
            StatusCode::BAD_REQUEST,
            pages::message("3DS Method", "threeDSMethodData is not base64 JSON."),
        );
    };
    let id = decoded.three_ds_server_trans_id.unwrap_or_default();
    let target = sim
        .inner
        .with_record(&id, |_, r| r.fingerprint_callback_url.clone());
    match target {
        Some(url) if !url.is_empty() => page(
            StatusCode::OK,
            pages::auto_post("3DS Method", &url, &[("threeDSMethodData", &data)]),
        ),
        _ => page(
            StatusCode::BAD_REQUEST,
            pages::message("3DS Method", "Unknown threeDSServerTransID."),
        ),
    }
}

/// Reads `threeDSServerTransID` from a CReq.
fn creq_transaction(creq: &str) -> Option<String> {
    let bytes = fingerprint::decode_base64(creq)?;
    let value: Value = serde_json::from_slice(&bytes).ok()?;
    value
        .get("threeDSServerTransID")
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// The challenge page for a posted `creq`.
pub(super) async fn challenge_page(State(sim): State<PxpSimulator>, body: Bytes) -> Response {
    let form = decode_form(&String::from_utf8_lossy(&body));
    let Some(creq) = form_field(&form, "creq") else {
        return page(
            StatusCode::BAD_REQUEST,
            pages::message("PXP sandbox ACS", "The form field creq is missing."),
        );
    };
    let id = creq_transaction(&creq).unwrap_or_default();
    let action = sim.inner.acs_url("/challenge/submit");
    sim.inner
        .with_record(&id, |_, r| match (&r.state, r.challenge.as_mut()) {
            (AuthenticationState::PendingCustomerChallenge, Some(c)) if c.creq == creq => {
                c.creq_received = true;
                page(
                    StatusCode::OK,
                    pages::challenge_form(
                        "PXP sandbox ACS",
                        &action,
                        &[("creq", &creq)],
                        "Enter the one-time password sent to your phone.",
                        &format!("Sandbox password: {CHALLENGE_PASSWORD}"),
                    ),
                )
            }
            (state, _) => page(
                StatusCode::OK,
                pages::message(
                    "PXP sandbox ACS",
                    &format!("This authentication is not waiting for a challenge (state {state})."),
                ),
            ),
        })
        .unwrap_or_else(|| {
            page(
                StatusCode::BAD_REQUEST,
                pages::message("PXP sandbox ACS", "Unknown transaction."),
            )
        })
}

/// The challenge form's target: decides, then posts the CRes to the merchant.
pub(super) async fn challenge_submit(State(sim): State<PxpSimulator>, body: Bytes) -> Response {
    let form = decode_form(&String::from_utf8_lossy(&body));
    let creq = form_field(&form, "creq").unwrap_or_default();
    let id = creq_transaction(&creq).unwrap_or_default();
    let password = form_field(&form, "password").unwrap_or_default();
    let cancelled = form_field(&form, "action").as_deref() == Some("cancel");
    sim.inner
        .with_record(&id, |_, r| {
            let open = r.state == AuthenticationState::PendingCustomerChallenge
                && r.challenge.as_ref().is_some_and(|c| c.creq == creq);
            if !open {
                return page(
                    StatusCode::OK,
                    pages::message(
                        "PXP sandbox ACS",
                        &format!("This challenge is over (state {}).", r.state),
                    ),
                );
            }
            let outcome = if cancelled {
                Final::Cancelled
            } else if password != CHALLENGE_PASSWORD {
                // PXP's states page gives a wrong one-time passcode as the example of
                // AuthenticationRejected.
                Final::R {
                    code: "01",
                    reason: "Card authentication failed.",
                }
            } else if r.scenario == Scenario::ChallengeN {
                Final::N
            } else {
                Final::Y
            };
            r.finish(outcome);
            // The final CRes carries Y or N only (EMV); R and cancellations post N.
            let status = if r.trans_status == Some("Y") {
                "Y"
            } else {
                "N"
            };
            let cres = cres(&r.id, &r.acs_trans_id, status);
            let callback = r
                .challenge
                .as_ref()
                .map(|c| c.callback_url.clone())
                .unwrap_or_default();
            page(
                StatusCode::OK,
                pages::auto_post("PXP sandbox ACS", &callback, &[("cres", &cres)]),
            )
        })
        .unwrap_or_else(|| {
            page(
                StatusCode::BAD_REQUEST,
                pages::message("PXP sandbox ACS", "Unknown transaction."),
            )
        })
}
