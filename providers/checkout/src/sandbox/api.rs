//! The API endpoints: OAuth token, sessions and their actions.
//!
//! Error answers follow the Checkout.com API reference (`ErrorResponse.yaml`): `401` without a body for a missing or bad credential;
//! `{request_id, error_type, error_codes}` otherwise. Validation failures are 422
//! `unprocessable_entity` with `{field}_required` / `{field}_invalid` codes (the spec's
//! pattern; the field spelling is the JSON path with `_` for `.`, which Checkout does not
//! publish per field).

// The helpers return the finished HTTP error answer as their `Err`; boxing it would only
// add noise to every handler.
#![allow(clippy::result_large_err)]

use super::cards::{self, Scenario};
use super::state::{Chan, NewSession, Session, Status, Token, TOKEN_TTL};
use super::util::{api_headers, error, field_code, json_response, unauthorized, year_month};
use super::{
    CheckoutSimulator, ACCESS_KEY_ID, ACCESS_KEY_SECRET, ALLOWED_SCOPES, PROCESSING_CHANNEL_ID,
};
use crate::enums::{Channel, CompletionType, SourceType};
use crate::request::{ChannelData, IssuerFingerprintRequest, SessionRequest};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::de::DeserializeOwned;
use serde_json::json;
use std::time::Duration;
use threeds_wire::http::decode_form;
use threeds_wire::sandbox::ids;
use threeds_wire::{FieldViolation, Problem, Validate};

// ---------------------------------------------------------------------------------------
// OAuth
// ---------------------------------------------------------------------------------------

/// An OAuth error (RFC 6749 §5.2), the shape Checkout's SDKs read (`errors['error']`).
fn oauth_error(status: StatusCode, code: &str, basic: bool) -> Response {
    let mut response = (
        status,
        [
            ("content-type", "application/json"),
            ("cache-control", "no-store"),
        ],
        json!({ "error": code }).to_string(),
    )
        .into_response();
    if basic && status == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(
            "www-authenticate",
            axum::http::HeaderValue::from_static("Basic realm=\"checkout\""),
        );
    }
    response
}

/// `POST /connect/token`: client credentials with HTTP Basic (or, as the Python SDK also
/// sends them, form `client_id`/`client_secret`). A bad Basic credential is 401 with
/// `WWW-Authenticate` (RFC 6749 §5.2 requires it when the client used the header); other
/// errors are 400.
pub async fn token(
    State(sim): State<CheckoutSimulator>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = decode_form(&String::from_utf8_lossy(&body));
    let field = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let basic = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| STANDARD.decode(b.trim()).ok())
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| s.split_once(':').map(|(u, p)| (u.to_owned(), p.to_owned())));
    let used_basic = basic.is_some();
    let credentials = basic.or_else(|| {
        Some((
            field("client_id")?.to_owned(),
            field("client_secret")?.to_owned(),
        ))
    });
    match field("grant_type") {
        None => return oauth_error(StatusCode::BAD_REQUEST, "invalid_request", used_basic),
        Some("client_credentials") => {}
        Some(_) => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                used_basic,
            )
        }
    }
    match credentials {
        Some((id, secret)) if id == ACCESS_KEY_ID && secret == ACCESS_KEY_SECRET => {}
        _ if used_basic => {
            return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", true);
        }
        _ => return oauth_error(StatusCode::BAD_REQUEST, "invalid_client", false),
    }
    let requested: Vec<String> = field("scope")
        .unwrap_or("")
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    if requested
        .iter()
        .any(|s| !ALLOWED_SCOPES.contains(&s.as_str()))
    {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_scope", used_basic);
    }
    // No scope asked: every scope the client is allowed (IdentityServer's behaviour).
    let scopes = if requested.is_empty() {
        ALLOWED_SCOPES.iter().map(|s| (*s).to_owned()).collect()
    } else {
        requested
    };
    let access_token = ids::lower_alnum(64);
    let scope = scopes.join(" ");
    sim.lock()
        .issue_token(access_token.clone(), scopes, sim.settings.clock.now());
    (
        StatusCode::OK,
        [
            ("content-type", "application/json"),
            ("cache-control", "no-store"),
        ],
        json!({
            "access_token": access_token,
            "expires_in": TOKEN_TTL.as_secs(),
            "token_type": "Bearer",
            "scope": scope,
        })
        .to_string(),
    )
        .into_response()
}

// ---------------------------------------------------------------------------------------
// Authorization of API calls
// ---------------------------------------------------------------------------------------

/// Who is calling.
enum Caller {
    OAuth(Token),
    /// A raw `session_secret`.
    Secret(String),
}

fn caller(sim: &CheckoutSimulator, headers: &HeaderMap) -> Option<Caller> {
    let value = headers.get("authorization")?.to_str().ok()?.trim();
    if let Some(token) = value.strip_prefix("Bearer ") {
        let inner = sim.lock();
        let t = inner.tokens.get(token.trim())?;
        return (sim.settings.clock.now() < t.expires).then(|| Caller::OAuth(t.clone()));
    }
    value
        .starts_with("sek_")
        .then(|| Caller::Secret(value.to_owned()))
}

fn scope_error() -> Response {
    error(
        StatusCode::FORBIDDEN,
        "operation_not_allowed",
        &["operation_not_allowed_for_scope"],
    )
}

fn state_error() -> Response {
    error(
        StatusCode::FORBIDDEN,
        "operation_not_allowed",
        &["update_not_allowed_due_to_state"],
    )
}

fn busy_error() -> Response {
    error(
        StatusCode::CONFLICT,
        "duplicate_requests_detected",
        &["session_already_in_use"],
    )
}

fn not_found() -> Response {
    error(StatusCode::NOT_FOUND, "not_found", &["session_not_found"])
}

fn has_sessions_scope(t: &Token) -> bool {
    t.has("sessions:browser") || t.has("sessions:app")
}

/// Checks the caller may act on session `id`: 401 without a valid credential or with
/// another session's secret, 404 for an unknown session, 403 when the token's scopes do
/// not cover the session's channel. Returns whether the caller used OAuth.
fn authorize(
    sim: &CheckoutSimulator,
    headers: &HeaderMap,
    id: &str,
) -> Result<(bool, Option<Token>), Response> {
    let who = caller(sim, headers).ok_or_else(unauthorized)?;
    let mut inner = sim.lock();
    let Some(session) = inner.sessions.get_mut(id) else {
        return Err(match who {
            Caller::OAuth(_) => not_found(),
            Caller::Secret(_) => unauthorized(),
        });
    };
    sim.refresh(session);
    match who {
        Caller::Secret(secret) if secret == session.secret => Ok((false, None)),
        Caller::Secret(_) => Err(unauthorized()),
        Caller::OAuth(token) => {
            if !has_sessions_scope(&token) {
                return Err(scope_error());
            }
            let browser = session.hosted.is_some() || session.channel == Some(Chan::Browser);
            let app = session.channel == Some(Chan::App);
            if (browser && !token.has("sessions:browser")) || (app && !token.has("sessions:app")) {
                return Err(scope_error());
            }
            Ok((true, Some(token)))
        }
    }
}

fn session_response(
    sim: &CheckoutSimulator,
    status: StatusCode,
    id: &str,
    oauth: bool,
) -> Response {
    let inner = sim.lock();
    match inner.sessions.get(id) {
        Some(s) => json_response(status, &s.to_json(&sim.settings, oauth, None)),
        None => not_found(),
    }
}

// ---------------------------------------------------------------------------------------
// Request bodies
// ---------------------------------------------------------------------------------------

/// Parses a JSON body into `T`; a body that is not JSON is 422 `request_body_malformed`,
/// a field of the wrong type is 422 `{field}_invalid`.
fn parse_body<T: DeserializeOwned>(body: &[u8]) -> Result<T, Response> {
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|_| {
        error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "request_invalid",
            &["request_body_malformed"],
        )
    })?;
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let code = if path == "." || path.is_empty() {
            "request_body_invalid".to_owned()
        } else {
            field_code(&path, "invalid")
        };
        error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "unprocessable_entity",
            &[&code],
        )
    })
}

/// 422 with one code per violated field, in order, without repeats.
fn violations(list: &[FieldViolation], extra: Vec<String>) -> Option<Response> {
    let mut codes: Vec<String> = list
        .iter()
        .map(|v| {
            let suffix = if v.problem == Problem::Missing {
                "required"
            } else {
                "invalid"
            };
            field_code(&v.path, suffix)
        })
        .collect();
    codes.extend(extra);
    let mut seen = Vec::new();
    codes.retain(|c| {
        let new = !seen.contains(c);
        seen.push(c.clone());
        new
    });
    if codes.is_empty() {
        return None;
    }
    let refs: Vec<&str> = codes.iter().map(String::as_str).collect();
    Some(error(
        StatusCode::UNPROCESSABLE_ENTITY,
        "unprocessable_entity",
        &refs,
    ))
}

fn channel_of(c: &ChannelData) -> Option<Chan> {
    Chan::parse(c.channel.as_ref().map_or("browser", Channel::as_str))
}

// ---------------------------------------------------------------------------------------
// Sessions
// ---------------------------------------------------------------------------------------

/// `POST /sessions`.
pub async fn create_session(
    State(sim): State<CheckoutSimulator>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let token = match caller(&sim, &headers) {
        Some(Caller::OAuth(t)) => t,
        // Requesting a session takes OAuth only (Checkout.com API reference, `sessions.yaml`).
        _ => return unauthorized(),
    };
    if !has_sessions_scope(&token) {
        return scope_error();
    }
    let request: SessionRequest = match parse_body(&body) {
        Ok(r) => r,
        Err(response) => return response,
    };
    let mut extra = Vec::new();
    let mut list = request.validate();
    // The hosted + app rule is its own code (`ErrorResponse.yaml` `hosted_not_supported_for_app`).
    let hosted = matches!(
        request
            .completion
            .as_ref()
            .and_then(|c| c.completion_type.as_ref()),
        Some(CompletionType::Hosted)
    );
    let channel = request.channel_data.as_ref().and_then(channel_of);
    if hosted && channel == Some(Chan::App) {
        list.retain(|v| v.path != "completion.type");
        extra.push("hosted_not_supported_for_app".to_owned());
    }
    // The sandbox client's token is not bound to a processing channel, so the body names
    // it (`SessionRequest.yaml` `processing_channel_id`).
    match request.processing_channel_id.as_deref() {
        None => extra.push("processing_channel_id_required".into()),
        Some(PROCESSING_CHANNEL_ID) => {}
        Some(_) => extra.push("processing_channel_id_invalid".into()),
    }
    let source = request.source.clone().unwrap_or_default();
    let number = match source.source_type {
        Some(SourceType::NetworkToken) => source.token.as_ref().map(|t| t.expose().to_owned()),
        _ => source.number.as_ref().map(|n| n.expose().to_owned()),
    }
    .unwrap_or_default();
    if request.source.is_some() {
        match source.source_type.clone().unwrap_or(SourceType::Card) {
            SourceType::Card => {
                let plausible = number.len() >= 12 && threeds_wire::luhn_valid(&number);
                if !number.is_empty() && !plausible {
                    extra.push("source_number_invalid".into());
                }
                let (year, month) = year_month(sim.settings.clock.system_now());
                if let (Some(m), Some(y)) = (source.expiry_month, source.expiry_year) {
                    if (u64::from(y), u64::from(m)) < (year, month) {
                        extra.push("card_expired".into());
                    }
                }
            }
            // A network token (a DPAN with its expiry, Checkout's Sessions API
            // `NetworkTokenSource`) stands for a card: its number picks the scenario as a
            // card number does. Validation has checked its digits and expiry are there.
            SourceType::NetworkToken => {}
            // The simulator has no vault: instrument ids and Checkout tokens cannot be
            // resolved.
            _ => extra.push("source_not_supported".into()),
        }
    }
    if let Some(response) = violations(&list, extra) {
        return response;
    }
    // Scope against channel: browser data (and hosted, which is browser-only) needs
    // `sessions:browser`, app data `sessions:app` (Checkout.com API reference: 403).
    let browser = hosted || channel == Some(Chan::Browser);
    if (browser && !token.has("sessions:browser"))
        || (channel == Some(Chan::App) && !token.has("sessions:app"))
    {
        return scope_error();
    }
    let scenario = cards::scenario(&number);
    match scenario {
        Scenario::CardNotEnrolled => {
            return error(
                StatusCode::UNPROCESSABLE_ENTITY,
                "unprocessable_entity",
                &["card_not_enrolled"],
            )
        }
        Scenario::IssuerNotEnrolled => {
            return error(
                StatusCode::UNPROCESSABLE_ENTITY,
                "unprocessable_entity",
                &["issuer_not_enrolled"],
            )
        }
        _ => {}
    }
    let completion = request.completion.clone().unwrap_or_default();
    let scheme = source
        .scheme
        .as_ref()
        .map(|s| s.as_str().to_owned())
        .unwrap_or_else(|| cards::scheme(&number).to_owned());
    let mut session = Session::new(NewSession {
        scenario,
        scheme,
        amount: request.amount,
        currency: request.currency.clone().unwrap_or_default(),
        reference: request.reference.clone(),
        authentication_type: request
            .authentication_type
            .as_ref()
            .map(|t| t.as_str().to_owned()),
        transaction_type: request
            .transaction_type
            .as_ref()
            .map(|t| t.as_str().to_owned()),
        challenge_indicator: request
            .challenge_indicator
            .as_ref()
            .map(|t| t.as_str().to_owned()),
        hosted: hosted.then(|| {
            (
                completion.success_url.clone().unwrap_or_default(),
                completion.failure_url.clone().unwrap_or_default(),
            )
        }),
        callback_url: completion.callback_url.clone(),
        challenge_notification_url: completion.challenge_notification_url.clone(),
        channel: if hosted { Some(Chan::Browser) } else { channel },
        method_completion: None,
        created: sim.settings.clock.now(),
    });
    if let Some(data) = &request.channel_data {
        if !hosted {
            session.channel_collected = true;
            session.method_completion = data
                .three_ds_method_completion
                .as_ref()
                .map(|c| c.as_str().to_owned());
        }
    }
    sim.notify(&session, "authentication_started");
    if let Some(event) = session.advance(&sim.settings) {
        sim.notify(&session, event);
    }
    let status = if session.status == Status::Pending {
        StatusCode::ACCEPTED
    } else {
        StatusCode::CREATED
    };
    let body = session.to_json(&sim.settings, true, None);
    let mut inner = sim.lock();
    inner
        .retained
        .record(sim.settings.clock.now(), session.id.clone());
    inner
        .by_transaction
        .insert(session.transaction_id.clone(), session.id.clone());
    if let Some(acs) = &session.acs {
        inner.index_acs(
            acs.transaction_id.clone(),
            session.id.clone(),
            sim.settings.clock.now(),
        );
    }
    inner.sessions.insert(session.id.clone(), session);
    drop(inner);
    json_response(status, &body)
}

/// `GET /sessions/{id}`.
pub async fn get_session(
    State(sim): State<CheckoutSimulator>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let (oauth, _) = match authorize(&sim, &headers, &id) {
        Ok(a) => a,
        Err(response) => return response,
    };
    let channel = headers
        .get("channel")
        .and_then(|v| v.to_str().ok())
        .and_then(Chan::parse);
    let inner = sim.lock();
    match inner.sessions.get(&id) {
        Some(s) => json_response(StatusCode::OK, &s.to_json(&sim.settings, oauth, channel)),
        None => not_found(),
    }
}

/// `PUT /sessions/{id}/collect-data`.
pub async fn collect_data(
    State(sim): State<CheckoutSimulator>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (oauth, token) = match authorize(&sim, &headers, &id) {
        Ok(a) => a,
        Err(response) => return response,
    };
    let data: ChannelData = match parse_body(&body) {
        Ok(d) => d,
        Err(response) => return response,
    };
    if let Some(response) = violations(&data.validate(), Vec::new()) {
        return response;
    }
    let channel = channel_of(&data);
    if let Some(t) = &token {
        if (channel == Some(Chan::Browser) && !t.has("sessions:browser"))
            || (channel == Some(Chan::App) && !t.has("sessions:app"))
        {
            return scope_error();
        }
    }
    {
        let mut inner = sim.lock();
        let Some(session) = inner.sessions.get_mut(&id) else {
            return not_found();
        };
        if session.busy {
            return busy_error();
        }
        if session.status != Status::Pending || session.hosted.is_some() {
            return state_error();
        }
        session.channel = channel;
        session.channel_collected = true;
        if let Some(c) = &data.three_ds_method_completion {
            if channel == Some(Chan::Browser) {
                session.method_completion = Some(c.as_str().to_owned());
            }
        }
        if let Some(event) = session.advance(&sim.settings) {
            sim.notify(session, event);
        }
        if let Some(acs) = session.acs.as_ref().map(|a| a.transaction_id.clone()) {
            inner.index_acs(acs, id.clone(), sim.settings.clock.now());
        }
    }
    session_response(&sim, StatusCode::OK, &id, oauth)
}

/// `PUT /sessions/{id}/issuer-fingerprint`.
pub async fn issuer_fingerprint(
    State(sim): State<CheckoutSimulator>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (oauth, token) = match authorize(&sim, &headers, &id) {
        Ok(a) => a,
        Err(response) => return response,
    };
    // Browser only: OAuth callers need `sessions:browser` (Checkout.com API reference).
    if token.as_ref().is_some_and(|t| !t.has("sessions:browser")) {
        return scope_error();
    }
    let request: IssuerFingerprintRequest = match parse_body(&body) {
        Ok(r) => r,
        Err(response) => return response,
    };
    if let Some(response) = violations(&request.validate(), Vec::new()) {
        return response;
    }
    {
        let mut inner = sim.lock();
        let Some(session) = inner.sessions.get_mut(&id) else {
            return not_found();
        };
        if session.busy {
            return busy_error();
        }
        if session.channel == Some(Chan::App) {
            return error(
                StatusCode::UNPROCESSABLE_ENTITY,
                "unprocessable_entity",
                &["three_ds_method_not_supported_for_app"],
            );
        }
        if session.status != Status::Pending || session.hosted.is_some() {
            return state_error();
        }
        if !session.scenario.method_url() {
            return error(
                StatusCode::UNPROCESSABLE_ENTITY,
                "unprocessable_entity",
                &["three_ds_method_not_supported_without_url"],
            );
        }
        session.method_completion = request
            .three_ds_method_completion
            .as_ref()
            .map(|c| c.as_str().to_owned());
        if let Some(event) = session.advance(&sim.settings) {
            sim.notify(session, event);
        }
        if let Some(acs) = session.acs.as_ref().map(|a| a.transaction_id.clone()) {
            inner.index_acs(acs, id.clone(), sim.settings.clock.now());
        }
    }
    session_response(&sim, StatusCode::OK, &id, oauth)
}

/// How long `complete` waits for the merchant's callback endpoint.
const CALLBACK_WAIT: Duration = Duration::from_secs(10);

/// `POST /sessions/{id}/complete`: 204 once the result reached `callback_url` (or at once
/// without one). A callback answering non-2xx (or not at all) fails the call with
/// `callback_failed` / `session_callback_failed` (`sessions@{id}@complete.yaml`); the HTTP status is 403, the
/// only error status besides 404 the spec declares for this path.
pub async fn complete(
    State(sim): State<CheckoutSimulator>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Err(response) = authorize(&sim, &headers, &id) {
        return response;
    }
    let (url, body) = {
        let mut inner = sim.lock();
        let Some(session) = inner.sessions.get_mut(&id) else {
            return not_found();
        };
        if session.busy {
            return busy_error();
        }
        if session.hosted.is_some() || !session.status.is_final() || session.completed {
            return state_error();
        }
        match &session.callback_url {
            None => {
                session.completed = true;
                return no_content();
            }
            Some(url) => {
                session.busy = true;
                (
                    url.clone(),
                    session.callback_body().to_string().into_bytes(),
                )
            }
        }
    };
    let outbox = &sim.settings.outbox;
    let seq = outbox.send(
        "checkout",
        "session_callback",
        "POST",
        url,
        vec![("content-type".into(), "application/json".into())],
        body,
    );
    let delivered = outbox
        .settled(seq, CALLBACK_WAIT)
        .await
        .and_then(|d| d.status)
        .is_some_and(|s| (200..300).contains(&s));
    let mut inner = sim.lock();
    let Some(session) = inner.sessions.get_mut(&id) else {
        return not_found();
    };
    session.busy = false;
    if delivered {
        session.completed = true;
        no_content()
    } else {
        error(
            StatusCode::FORBIDDEN,
            "callback_failed",
            &["session_callback_failed"],
        )
    }
}

fn no_content() -> Response {
    (StatusCode::NO_CONTENT, api_headers(&ids::uuid_v4())).into_response()
}
