//! Request checks shared by the API handlers: credentials, account, content
//! negotiation, and the wording of field errors.

use super::{
    Inner, ACCOUNTS, API_KEY_PASSWORD, API_KEY_USER, PUBLIC_KEY_PASSWORD, PUBLIC_KEY_USER,
};
use crate::request::AuthenticationRequest;
use axum::http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{Map, Value};
use threeds_wire::signature;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Caller {
    Server,
    Public,
}

/// A refused request: the HTTP status and the Paysafe code to answer with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Refusal(StatusCode, &'static str);

impl Inner {
    pub(super) fn refuse(&self, refusal: Refusal) -> Response {
        self.error(refusal.0, refusal.1)
    }
}

/// Reads HTTP Basic credentials: `5280` when absent, `5279` when not the sandbox's.
pub(super) fn caller(headers: &HeaderMap) -> Result<Caller, Refusal> {
    let Some(value) = headers.get(AUTHORIZATION) else {
        return Err(Refusal(StatusCode::UNAUTHORIZED, "5280"));
    };
    let invalid = Refusal(StatusCode::UNAUTHORIZED, "5279");
    let text = value.to_str().map_err(|_| invalid)?;
    let (scheme, token) = text.trim().split_once(' ').ok_or(invalid)?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(invalid);
    }
    let decoded = STANDARD.decode(token.trim()).map_err(|_| invalid)?;
    let decoded = String::from_utf8(decoded).map_err(|_| invalid)?;
    // Compared in constant time: a sandbox, but the habit is the point.
    const WHICH: &str = "sandbox credential comparison key";
    const KEY: &[u8] = b"paysafe-sandbox-credentials";
    let same = |expected: String| {
        signature::sign_base64(WHICH, KEY, &[expected.as_bytes()])
            .and_then(|mac| signature::verify_base64(WHICH, KEY, &[decoded.as_bytes()], &mac))
            == Ok(true)
    };
    if same(format!("{API_KEY_USER}:{API_KEY_PASSWORD}")) {
        Ok(Caller::Server)
    } else if same(format!("{PUBLIC_KEY_USER}:{PUBLIC_KEY_PASSWORD}")) {
        Ok(Caller::Public)
    } else {
        Err(invalid)
    }
}

/// Server calls refuse the public key: `403` / `5270`.
fn server_caller(headers: &HeaderMap) -> Result<(), Refusal> {
    match caller(headers)? {
        Caller::Server => Ok(()),
        Caller::Public => Err(Refusal(StatusCode::FORBIDDEN, "5270")),
    }
}

pub(super) fn known_account(account: &str) -> Result<(), Refusal> {
    if ACCOUNTS.contains(&account) {
        Ok(())
    } else {
        Err(Refusal(StatusCode::BAD_REQUEST, "5016"))
    }
}

/// `Accept` must allow JSON (`406` / `5271`).
pub(super) fn accepts_json(headers: &HeaderMap) -> Result<(), Refusal> {
    let Some(accept) = headers.get(ACCEPT).and_then(|v| v.to_str().ok()) else {
        return Ok(());
    };
    let ok = accept.split(',').any(|range| {
        let media = range.split(';').next().unwrap_or("").trim();
        media.eq_ignore_ascii_case("application/json")
            || media == "*/*"
            || media.eq_ignore_ascii_case("application/*")
    });
    if ok {
        Ok(())
    } else {
        Err(Refusal(StatusCode::NOT_ACCEPTABLE, "5271"))
    }
}

/// A JSON body: `Content-Type` JSON (`406` / `5272`) that parses (`400` / `5023`).
pub(super) fn json_body(headers: &HeaderMap, body: &[u8]) -> Result<Value, Refusal> {
    let content_type = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let media = content_type.split(';').next().unwrap_or("").trim();
    if !media.eq_ignore_ascii_case("application/json") {
        return Err(Refusal(StatusCode::NOT_ACCEPTABLE, "5272"));
    }
    serde_json::from_slice(body).map_err(|_| Refusal(StatusCode::BAD_REQUEST, "5023"))
}

/// The checks every API call makes, in Paysafe's order: credentials, account, `Accept`.
pub(super) fn admit(headers: &HeaderMap, account: &str, server_only: bool) -> Result<(), Refusal> {
    if server_only {
        server_caller(headers)?;
    } else {
        caller(headers)?;
    }
    known_account(account)?;
    accepts_json(headers)
}

pub(super) fn json(status: StatusCode, value: Value) -> Response {
    (status, axum::Json(value)).into_response()
}

pub(super) fn is_http_url(text: &str) -> bool {
    text.starts_with("http://") || text.starts_with("https://")
}

/// The `fieldErrors` text of one violation. Paysafe publishes one sample message ("An
/// amount is required.", Paysafe 3DS2 errors page), used for `amount`; the rest are this simulator's
/// wording.
pub(super) fn field_error_text(path: &str, problem: &threeds_wire::Problem) -> String {
    use threeds_wire::Problem;
    match problem {
        Problem::Missing if path == "amount" => "An amount is required.".to_owned(),
        Problem::Missing => format!("{path} is required."),
        Problem::TooLong { max, .. } => format!("size must be at most {max} characters"),
        Problem::TooShort { min, .. } => format!("size must be at least {min} characters"),
        Problem::OutOfRange { min, max, .. } => format!("must be between {min} and {max}"),
        Problem::Invalid { expected } => format!("must be {expected}"),
    }
}

/// The top-level fields whose JSON type does not fit the request (each tried alone, so
/// the answer names them without quoting a value).
pub(super) fn mistyped_fields(value: &Value) -> Vec<(String, String)> {
    let Some(map) = value.as_object() else {
        return vec![(
            "body".to_owned(),
            "must be a JSON object (the authentication request)".to_owned(),
        )];
    };
    let mut out: Vec<(String, String)> = map
        .iter()
        .filter(|(k, v)| {
            let mut one = Map::new();
            one.insert((*k).clone(), (*v).clone());
            serde_json::from_value::<AuthenticationRequest>(Value::Object(one)).is_err()
        })
        .map(|(k, _)| {
            (
                k.clone(),
                "has a value of the wrong type or format".to_owned(),
            )
        })
        .collect();
    if out.is_empty() {
        out.push((
            "body".to_owned(),
            "does not match the authentication request".to_owned(),
        ));
    }
    out
}
