//! Error responses of the simulator.
//!
//! PXP's HTTP error body is not published in readable form (not in the readable part of
//! developer.pxp.io), so
//! the simulator answers with **its own shape**: RFC 9457 problem details
//! (`application/problem+json`), `{"type": "about:blank", "title", "status", "detail",
//! "instance", "requestId", "errors": [{"field", "message"}]}`. A client must therefore not
//! rely on this body; the bridge decides by the HTTP status and only quotes `title` /
//! `detail` / `errors` in its warnings.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

/// One field-level validation problem.
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// A problem-details response.
pub fn problem(
    status: StatusCode,
    detail: impl Into<String>,
    instance: &str,
    request_id: Option<&str>,
    errors: Vec<FieldError>,
) -> Response {
    let mut body = json!({
        "type": "about:blank",
        "title": status.canonical_reason().unwrap_or("Error"),
        "status": status.as_u16(),
        "detail": detail.into(),
        "instance": instance,
    });
    if let Some(map) = body.as_object_mut() {
        if let Some(id) = request_id {
            map.insert("requestId".into(), Value::String(id.to_owned()));
        }
        if !errors.is_empty() {
            map.insert(
                "errors".into(),
                Value::Array(
                    errors
                        .into_iter()
                        .map(|e| json!({"field": e.field, "message": e.message}))
                        .collect(),
                ),
            );
        }
    }
    let mut response = (
        status,
        [("content-type", "application/problem+json")],
        body.to_string(),
    )
        .into_response();
    if status == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(
            "www-authenticate",
            HeaderValue::from_static(crate::client::signing_unverified::SCHEME),
        );
    }
    response
}
