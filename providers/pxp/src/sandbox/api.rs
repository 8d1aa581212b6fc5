//! The API handlers (pre-initiate, initiate, get) and the checks every call passes: the
//! `PXP-UST1` signature, the client id, and body parsing with PXP's problem answers.

use super::acs::creq;
use super::cards::{self, Scenario, Scheme};
use super::problem::{problem, FieldError};
use super::{
    Challenge, Final, PxpSimulator, Record, ACQUIRER_PROFILE_ID, API, CLIENT_ID, MERCHANT_GROUP,
    TOKEN_ID, TOKEN_VALUE,
};
use crate::client::signing_unverified as signing;
use crate::fingerprint;
use crate::request::{BrowserAuthenticationRequest, ChallengeIndicator, PreInitiateRequest};
use crate::response::AuthenticationState;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::json;
use std::time::SystemTime;
use threeds_wire::sandbox::ids;
use threeds_wire::Validate;

/// `threeDSecureFingerprintData`: base64 of `{"threeDSServerTransID", "threeDSMethodNotificationURL"}`
/// (the decoded form of PXP's example, developer.pxp.io/guides/3ds/exemptions).
pub(super) fn method_data(id: &str, notification_url: &str) -> String {
    STANDARD.encode(
        json!({"threeDSServerTransID": id, "threeDSMethodNotificationURL": notification_url})
            .to_string(),
    )
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// Checks `X-Client-Id` and the `PXP-UST1` signature; returns the `X-Request-Id`.
/// The error side is boxed: a `Response` is large and this is the cold path.
fn authenticate(headers: &HeaderMap, body: &[u8], instance: &str) -> Result<String, Box<Response>> {
    let request_id = header(headers, "x-request-id").map(str::to_owned);
    let deny = |detail: &str| {
        Err(Box::new(problem(
            StatusCode::UNAUTHORIZED,
            detail,
            instance,
            request_id.as_deref(),
            Vec::new(),
        )))
    };
    match header(headers, "x-client-id") {
        None => return deny("X-Client-Id header is missing"),
        Some(id) if id != CLIENT_ID => return deny("X-Client-Id is not a known client"),
        Some(_) => {}
    }
    let Some(authorization) = header(headers, "authorization") else {
        return deny("Authorization header is missing");
    };
    let Some(parsed) = signing::parse_authorization(authorization) else {
        return deny("Authorization is not of the form 'PXP-UST1 {tokenId}:{timestamp}:{hmac}'");
    };
    if parsed.token_id != TOKEN_ID {
        return deny("the token id is not a token of this client");
    }
    let Some(rid) = request_id.as_deref() else {
        return deny("X-Request-Id header is missing (the signature covers it)");
    };
    if !signing::timestamp_fresh(parsed.timestamp, SystemTime::now()) {
        return deny(
            "the Authorization timestamp is not Unix seconds within 300 s of the server clock",
        );
    }
    if signing::verify_request(TOKEN_VALUE, rid, parsed.timestamp, body, parsed.mac) != Ok(true) {
        return deny("the Authorization HMAC does not match the request");
    }
    Ok(rid.to_owned())
}

fn bad_request(
    instance: &str,
    request_id: &str,
    detail: &str,
    errors: Vec<FieldError>,
) -> Response {
    problem(
        StatusCode::BAD_REQUEST,
        detail,
        instance,
        Some(request_id),
        errors,
    )
}

fn field_errors(violations: Vec<threeds_wire::FieldViolation>) -> Vec<FieldError> {
    violations
        .into_iter()
        .map(|v| FieldError {
            field: v.path.clone(),
            message: v.to_string(),
        })
        .collect()
}

/// Parses a JSON body into `T`, or a 400 naming where it broke (values scrubbed: the body
/// may hold a card number).
fn parse_body<T: serde::de::DeserializeOwned>(
    body: &[u8],
    instance: &str,
    request_id: &str,
) -> Result<T, Box<Response>> {
    serde_json::from_slice(body).map_err(|e| {
        Box::new(bad_request(
            instance,
            request_id,
            &format!(
                "the body is not a valid request: {}",
                threeds_wire::scrub(&e.to_string())
            ),
            Vec::new(),
        ))
    })
}

pub(super) async fn pre_initiate(
    State(sim): State<PxpSimulator>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let instance = "/api/v1/threedsecure/standalone/authentications";
    let request_id = match authenticate(&headers, &body, instance) {
        Ok(id) => id,
        Err(r) => return *r,
    };
    let req: PreInitiateRequest = match parse_body(&body, instance, &request_id) {
        Ok(r) => r,
        Err(r) => return *r,
    };
    if req.mode() == crate::request::Mode::Integrated {
        return bad_request(
            instance,
            &request_id,
            "site, providerId and intent belong to the integrated endpoint; this is the standalone one",
            Vec::new(),
        );
    }
    let violations = req.validate();
    if !violations.is_empty() {
        return bad_request(
            instance,
            &request_id,
            "the request breaks PXP's documented field rules",
            field_errors(violations),
        );
    }
    if req.merchant_group.as_deref() != Some(MERCHANT_GROUP) {
        return problem(
            StatusCode::FORBIDDEN,
            "the credentials do not belong to this merchantGroup",
            instance,
            Some(&request_id),
            Vec::new(),
        );
    }
    if req.acquirer_profile_id.as_deref() != Some(ACQUIRER_PROFILE_ID) {
        return bad_request(
            instance,
            &request_id,
            "acquirerProfileId is not configured for this merchant group",
            vec![FieldError {
                field: "acquirerProfileId".into(),
                message: format!("the sandbox knows only {ACQUIRER_PROFILE_ID}"),
            }],
        );
    }
    let Some(pan) = req
        .card
        .as_ref()
        .and_then(|c| c.primary_account_number.as_ref())
        .map(|p| p.expose().to_owned())
    else {
        return bad_request(
            instance,
            &request_id,
            "the simulator authenticates direct cards only (primaryAccountNumber); token variants are not simulated",
            Vec::new(),
        );
    };
    if !threeds_wire::luhn_valid(&pan) {
        return bad_request(
            instance,
            &request_id,
            "the card number fails the Luhn check",
            vec![FieldError {
                field: "card.primaryAccountNumber".into(),
                message: "not a valid card number".into(),
            }],
        );
    }
    let record = Record {
        id: ids::uuid_v4(),
        scenario: cards::scenario(&pan),
        scheme: Scheme::of(&pan),
        amount: req.amount.clone(),
        merchant_group: MERCHANT_GROUP.into(),
        fingerprint_callback_url: req.fingerprint_callback_url.clone().unwrap_or_default(),
        state: AuthenticationState::PendingClientData,
        initiated: false,
        ds_trans_id: ids::uuid_v4(),
        acs_trans_id: ids::uuid_v4(),
        trans_status: None,
        state_data: None,
        eci: None,
        cavv: None,
        challenge_cancel: None,
        flow: None,
        challenge: None,
        pending_events: Vec::new(),
        created: sim.inner.settings.clock.now(),
    };
    let response = sim.inner.respond(&record);
    let mut records = sim.inner.lock();
    records
        .retained
        .record(sim.inner.settings.clock.now(), record.id.clone());
    records.map.insert(record.id.clone(), record);
    response
}

pub(super) async fn get_authentication(
    State(sim): State<PxpSimulator>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let instance = format!("{API}/{id}");
    let request_id = match authenticate(&headers, &body, &instance) {
        Ok(id) => id,
        Err(r) => return *r,
    };
    sim.inner
        .with_record(&id, |inner, r| inner.respond(r))
        .unwrap_or_else(|| unknown_authentication(&instance, &request_id))
}

fn unknown_authentication(instance: &str, request_id: &str) -> Response {
    problem(
        StatusCode::NOT_FOUND,
        "no authentication with this authenticationId",
        instance,
        Some(request_id),
        Vec::new(),
    )
}

pub(super) async fn initiate(
    State(sim): State<PxpSimulator>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let instance = format!("{API}/{id}/browser-authentication");
    let request_id = match authenticate(&headers, &body, &instance) {
        Ok(id) => id,
        Err(r) => return *r,
    };
    let req: BrowserAuthenticationRequest = match parse_body(&body, &instance, &request_id) {
        Ok(r) => r,
        Err(r) => return *r,
    };
    let violations = req.validate();
    if !violations.is_empty() {
        return bad_request(
            &instance,
            &request_id,
            "the request breaks PXP's documented field rules",
            field_errors(violations),
        );
    }
    let ttl = sim.inner.settings.challenge_ttl;
    sim.inner
        .with_record(&id, |inner, r| {
            let conflict = |detail: String| {
                problem(
                    StatusCode::CONFLICT,
                    detail,
                    &instance,
                    Some(&request_id),
                    Vec::new(),
                )
            };
            if r.scenario == Scenario::NotSupported {
                return conflict(
                    "3DS is not supported for this card (threeDSecureSupported: false); there is nothing to initiate".into(),
                );
            }
            if r.initiated || r.state != AuthenticationState::PendingClientData {
                return conflict(format!(
                    "the authentication is in state {}; initiate is only possible in PendingClientData",
                    r.state
                ));
            }
            if let Some(notification) = req.fingerprint_notification.as_deref() {
                let ok = fingerprint::decode_method_data(notification)
                    .and_then(|m| m.three_ds_server_trans_id)
                    .is_some_and(|tid| tid == r.id);
                if !ok {
                    return bad_request(
                        &instance,
                        &request_id,
                        "fingerprintNotification is not the base64 threeDSMethodData of this authentication",
                        vec![FieldError {
                            field: "fingerprintNotification".into(),
                            message: "expected base64 of {\"threeDSServerTransID\": <authenticationId>, ...}".into(),
                        }],
                    );
                }
            }
            r.initiated = true;
            let mandated =
                req.requestor_challenge_indicator == Some(ChallengeIndicator::ChallengeMandated);
            let challenge = match r.scenario {
                Scenario::Challenge | Scenario::ChallengeN => true,
                Scenario::FrictionlessY
                | Scenario::FrictionlessNoMethod
                | Scenario::FrictionlessA => mandated,
                _ => false,
            };
            if challenge {
                let window = req.challenge_window_size.unwrap_or(5);
                r.state = AuthenticationState::PendingCustomerChallenge;
                r.trans_status = Some("C");
                r.flow = Some("Challenge");
                r.challenge = Some(Challenge {
                    callback_url: req.challenge_callback_url.clone().unwrap_or_default(),
                    deadline: inner.settings.clock.now() + ttl,
                    creq: creq(&r.id, &r.acs_trans_id, window),
                    creq_received: false,
                });
            } else {
                r.flow = Some("Frictionless");
                r.finish(match r.scenario {
                    Scenario::FrictionlessA => Final::A,
                    Scenario::FrictionlessN => Final::N,
                    Scenario::FrictionlessU => Final::U,
                    Scenario::FrictionlessR => Final::R {
                        code: "11",
                        reason: "Suspected fraud.",
                    },
                    Scenario::Error => Final::Error,
                    _ => Final::Y,
                });
            }
            inner.respond(r)
        })
        .unwrap_or_else(|| unknown_authentication(&instance, &request_id))
}
