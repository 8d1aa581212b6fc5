//! Small helpers of the simulator: dates, EMV base64url, ids and error bodies.

use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;
use serde_json::{json, Value};
use std::time::SystemTime;
use threeds_wire::sandbox::ids;

pub use threeds_wire::sandbox::clock::rfc3339_millis as rfc3339;

/// The current year and month (for card expiry checks).
pub fn year_month(at: SystemTime) -> (u64, u64) {
    let (y, m, _) = threeds_wire::sandbox::clock::civil_date(at);
    (y, m)
}

/// EMV base64url without padding (CReq, CRes, `threeDSMethodData`).
pub fn b64url(json: &Value) -> String {
    URL_SAFE_NO_PAD.encode(json.to_string())
}

/// Why a CReq or CRes is not strict EMV base64url of a JSON object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EmvDecodeError {
    #[error("base64url with '=' padding (EMV base64url carries none)")]
    Padded,
    #[error("not base64url")]
    NotBase64Url,
    #[error("not a JSON object")]
    NotAnObject,
}

/// Strict EMV decoding: base64url, no padding, a JSON object.
pub fn decode_strict(text: &str) -> Result<Value, EmvDecodeError> {
    if text.contains('=') {
        return Err(EmvDecodeError::Padded);
    }
    let bytes = URL_SAFE_NO_PAD
        .decode(text.trim())
        .map_err(|_| EmvDecodeError::NotBase64Url)?;
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(v) if v.is_object() => Ok(v),
        _ => Err(EmvDecodeError::NotAnObject),
    }
}

/// Lenient decoding for `threeDSMethodData` (with or without padding).
pub fn decode_lenient(text: &str) -> Option<Value> {
    let text = text.trim();
    let bytes = URL_SAFE_NO_PAD
        .decode(text.trim_end_matches('='))
        .or_else(|_| URL_SAFE.decode(text))
        .ok()?;
    serde_json::from_slice::<Value>(&bytes)
        .ok()
        .filter(Value::is_object)
}

/// `sid_` + 26 characters of Checkout's id alphabet.
pub fn session_id() -> String {
    format!("sid_{}", ids::lower_alnum(26))
}

/// `sek_` + 44 base64 characters (`^(sek)_(.{44})$`, the samples end in `=`).
pub fn session_secret() -> String {
    format!("sek_{}=", ids::base64_chars(43))
}

/// The authentication value: canonical base64 of 20 bytes, as a CAVV is.
pub use threeds_wire::sandbox::cavv as cryptogram;

/// Headers every API answer carries (`Cko-Request-Id`, `Cko-Version`, API reference `components/headers`).
pub fn api_headers(request_id: &str) -> HeaderMap {
    let mut h = HeaderMap::new();
    if let Ok(v) = HeaderValue::from_str(request_id) {
        h.insert("cko-request-id", v);
    }
    h.insert("cko-version", HeaderValue::from_static("1.0.0"));
    h
}

/// A JSON answer with the API headers.
pub fn json_response(status: StatusCode, body: &Value) -> Response {
    let request_id = body
        .get("request_id")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .unwrap_or_else(ids::uuid_v4);
    (
        status,
        api_headers(&request_id),
        [("content-type", "application/json; charset=utf-8")],
        body.to_string(),
    )
        .into_response()
}

/// Checkout's error body (`ErrorResponse.yaml`: `request_id`, `error_type`, `error_codes`).
pub fn error(status: StatusCode, error_type: &str, codes: &[&str]) -> Response {
    json_response(
        status,
        &json!({
            "request_id": ids::uuid_v4(),
            "error_type": error_type,
            "error_codes": codes,
        }),
    )
}

/// 401 without a body, as Checkout answers a missing or bad credential (Checkout.com API reference).
pub fn unauthorized() -> Response {
    (StatusCode::UNAUTHORIZED, api_headers(&ids::uuid_v4())).into_response()
}

/// A `{field}_required` / `{field}_invalid` code from a JSON path (`channel_data.timezone`
/// becomes `channel_data_timezone`, list indexes are dropped).
pub fn field_code(path: &str, suffix: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in path.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            _ if depth > 0 => {}
            '.' => out.push('_'),
            c => out.push(c),
        }
    }
    let trimmed = out.trim_matches('_');
    format!("{trimmed}_{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn year_month_is_the_utc_calendar_month() {
        let t = std::time::UNIX_EPOCH + std::time::Duration::from_millis(1_682_510_981_897);
        assert_eq!(year_month(t), (2023, 4));
    }

    #[test]
    fn emv_base64url_is_strict_about_padding() {
        let v = json!({"a": "b?"});
        let text = b64url(&v);
        assert!(!text.contains('='));
        assert_eq!(decode_strict(&text).unwrap(), v);
        let padded = URL_SAFE.encode(v.to_string());
        assert!(padded.ends_with('='));
        assert!(decode_strict(&padded).is_err());
        assert_eq!(decode_lenient(&padded).unwrap(), v);
        assert!(decode_strict("e30+").is_err());
        assert!(decode_strict("WzFd").is_err(), "an array is not a message");
    }

    #[test]
    fn ids_have_the_documented_shapes() {
        assert_eq!(session_id().len(), 30);
        let s = session_secret();
        assert_eq!(s.len(), 48);
        assert!(s.starts_with("sek_"));
        assert_eq!(cryptogram().len(), 28);
        assert_eq!(
            field_code("source.number", "invalid"),
            "source_number_invalid"
        );
        assert_eq!(
            field_code("channel_data.sdk_ui_elements[0]", "invalid"),
            "channel_data_sdk_ui_elements_invalid"
        );
    }
}
