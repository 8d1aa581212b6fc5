//! Every part of PXP's request signing and webhook signature that PXP's readable
//! documentation does not pin down, in one place so it can be swapped when PXP's reference
//! is available. The client signs with this module and the simulator verifies with it, so
//! the two always agree with each other; they agree with PXP only as far as the
//! assumptions below hold.
//!
//! # Request authentication (`Authorization: PXP-UST1 {tokenId}:{timestamp}:{hmac}`)
//!
//! Confirmed (PXP's API reference as summarised by PXP's own plugin,
//! `PXP-Financial/pxp-unity-cursor-plugin` `skills/implement-pxp-api-auth/SKILL.md`): the scheme name `PXP-UST1`, the header form
//! `PXP-UST1 {tokenId}:{timestamp}:{hmac}`, the `X-Request-Id` and `X-Client-Id` headers,
//! and that the credentials are a client id, a token id and a token value (Unity Portal,
//! merchant group, *Inbound calls*; `https://developer.pxp.io/guides/get-started/quickstart`).
//!
//! **Assumed** (nothing readable says; PXP's plugin itself says not to invent them):
//!
//! | what | assumption | why this one |
//! |---|---|---|
//! | string signed | `X-Request-Id` + timestamp + raw request body (empty for a GET), concatenated without separators, UTF-8 | the one signing construction PXP does document is its webhook signature, `requestId + timestamp + rawBody` (developer.pxp.io/guides/get-started/about-webhooks); a PXP request signature most likely reuses it |
//! | MAC | HMAC-SHA256 | the usual choice; also assumed for webhooks |
//! | key | the token value's UTF-8 bytes (not base64-decoded) | the token value is the only secret the Portal hands out |
//! | encoding of `{hmac}` | standard base64 with padding | what the webhook signature uses |
//! | timestamp | Unix time in whole seconds, decimal | the most common choice for such schemes; PXP's webhook timestamp format is not shown either |
//! | accepted clock skew (simulator) | ±300 seconds | common practice; PXP states none |
//!
//! Note that under these assumptions neither the method nor the path is signed: a captured
//! request could be replayed against another endpoint within the skew window. If PXP's
//! real scheme signs them, only [`string_to_sign`] changes.
//!
//! # Webhooks (`X-Request-Id`, `X-Signature-Timestamp`, `X-Signature`)
//!
//! Confirmed (`https://developer.pxp.io/guides/get-started/about-webhooks`):
//! `signedDataString = requestIdHeader + signatureTimestampHeader + rawRequestBody`, UTF-8,
//! HMAC with the merchant group's webhook key, base64 compared with `X-Signature`.
//! **Assumed**: the hash is SHA-256 (not named in the readable text), the key is used as
//! its UTF-8 bytes, `X-Signature-Timestamp` is Unix seconds and `X-Request-Id` a UUID (the
//! form of every PXP request id shown, and what the simulator sends).
//!
//! Because the three parts are concatenated without a separator, a genuine signature still
//! verifies when a character moves from the end of the request id to the start of the
//! timestamp (or from the timestamp into the body). The signed string stays PXP's; instead
//! both headers must have their exact form ([`webhook_headers_well_formed`]): a UUID has a
//! fixed length and a timestamp has only digits and no leading zero, so no character can
//! change sides. The timestamp must also be recent ([`timestamp_within`], the flow's
//! window), so a captured webhook cannot be replayed later.

use std::time::{SystemTime, UNIX_EPOCH};
use threeds_wire::signature::{sign_base64, verify_base64, KeyError};

/// How the request-signing key (the token value) is named in a [`KeyError`].
pub const TOKEN_KEY: &str = "PXP token value";
/// How the webhook key is named in a [`KeyError`].
pub const WEBHOOK_KEY: &str = "PXP webhook HMAC key";

/// The `Authorization` scheme name (confirmed).
pub const SCHEME: &str = "PXP-UST1";

/// How far a request timestamp may be from the simulator's clock (assumed).
pub const MAX_CLOCK_SKEW_SECS: u64 = 300;

/// The timestamp put in the `Authorization` header: Unix seconds (assumed unit).
pub fn timestamp_now() -> String {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
        .to_string()
}

/// The bytes the request MAC covers (assumed construction), as parts to concatenate.
pub fn string_to_sign<'a>(
    request_id: &'a str,
    timestamp: &'a str,
    body: &'a [u8],
) -> [&'a [u8]; 3] {
    [request_id.as_bytes(), timestamp.as_bytes(), body]
}

/// The full `Authorization` header value for one request; an error when the token value
/// is empty.
pub fn authorization(
    token_id: &str,
    token_value: &str,
    request_id: &str,
    timestamp: &str,
    body: &[u8],
) -> Result<String, KeyError> {
    let mac = sign_base64(
        TOKEN_KEY,
        token_value.as_bytes(),
        &string_to_sign(request_id, timestamp, body),
    )?;
    Ok(format!("{SCHEME} {token_id}:{timestamp}:{mac}"))
}

/// The parts of a `PXP-UST1` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedAuthorization<'a> {
    pub token_id: &'a str,
    pub timestamp: &'a str,
    pub mac: &'a str,
}

/// Splits `PXP-UST1 {tokenId}:{timestamp}:{hmac}`. The MAC is base64 and may contain no
/// colon, so splitting at the first two colons is unambiguous as long as the token id has
/// none (PXP's token ids are not shown; a colon in one would make the header form itself
/// ambiguous).
pub fn parse_authorization(header: &str) -> Option<ParsedAuthorization<'_>> {
    let rest = header.trim().strip_prefix(SCHEME)?.strip_prefix(' ')?;
    let mut parts = rest.trim().splitn(3, ':');
    let token_id = parts.next().filter(|s| !s.is_empty())?;
    let timestamp = parts.next().filter(|s| !s.is_empty())?;
    let mac = parts.next().filter(|s| !s.is_empty())?;
    Some(ParsedAuthorization {
        token_id,
        timestamp,
        mac,
    })
}

/// Checks a request MAC in constant time; an error when the token value is empty.
pub fn verify_request(
    token_value: &str,
    request_id: &str,
    timestamp: &str,
    body: &[u8],
    mac: &str,
) -> Result<bool, KeyError> {
    verify_base64(
        TOKEN_KEY,
        token_value.as_bytes(),
        &string_to_sign(request_id, timestamp, body),
        mac,
    )
}

/// True when `timestamp` (Unix seconds) is within [`MAX_CLOCK_SKEW_SECS`] of `now`.
pub fn timestamp_fresh(timestamp: &str, now: SystemTime) -> bool {
    timestamp_within(
        timestamp.trim(),
        now,
        std::time::Duration::from_secs(MAX_CLOCK_SKEW_SECS),
    )
}

/// True when `timestamp` is Unix seconds ([`is_unix_seconds`]) no further than `window`
/// from `now`, either way (clocks drift).
pub fn timestamp_within(timestamp: &str, now: SystemTime, window: std::time::Duration) -> bool {
    if !is_unix_seconds(timestamp) {
        return false;
    }
    let Ok(at) = timestamp.parse::<u64>() else {
        return false;
    };
    let now = now
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    now.abs_diff(at) <= window.as_secs()
}

/// Unix seconds exactly as sent: 1 to 12 decimal digits, no sign, space or leading zero.
pub fn is_unix_seconds(text: &str) -> bool {
    (1..=12).contains(&text.len())
        && text.bytes().all(|b| b.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'))
}

/// A UUID in its canonical 8-4-4-4-12 hexadecimal form (36 characters).
pub fn is_uuid(text: &str) -> bool {
    text.len() == 36
        && text.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// Which webhook header does not have its exact form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.reason())]
#[non_exhaustive]
pub enum HeaderFormError {
    RequestIdNotUuid,
    TimestampNotUnixSeconds,
}

impl HeaderFormError {
    /// The message, for callers that report reasons as static text.
    pub fn reason(self) -> &'static str {
        match self {
            HeaderFormError::RequestIdNotUuid => "X-Request-Id is not a UUID",
            HeaderFormError::TimestampNotUnixSeconds => "X-Signature-Timestamp is not Unix seconds",
        }
    }
}

/// Checks the form of a webhook's `X-Request-Id` (a UUID) and `X-Signature-Timestamp`
/// (Unix seconds), so that no character can move between them under one signature.
pub fn webhook_headers_well_formed(
    request_id: &str,
    timestamp: &str,
) -> Result<(), HeaderFormError> {
    if !is_uuid(request_id) {
        return Err(HeaderFormError::RequestIdNotUuid);
    }
    if !is_unix_seconds(timestamp) {
        return Err(HeaderFormError::TimestampNotUnixSeconds);
    }
    Ok(())
}

/// The webhook timestamp the simulator sends in `X-Signature-Timestamp` (assumed format).
pub fn webhook_timestamp_now() -> String {
    timestamp_now()
}

/// `X-Signature` for a webhook: base64(HMAC-SHA256(key, requestId + timestamp + rawBody)).
/// The construction is PXP's; the hash is assumed. An error when the key is empty.
pub fn webhook_signature(
    key: &str,
    request_id: &str,
    timestamp: &str,
    body: &[u8],
) -> Result<String, KeyError> {
    sign_base64(
        WEBHOOK_KEY,
        key.as_bytes(),
        &[request_id.as_bytes(), timestamp.as_bytes(), body],
    )
}

/// Checks a webhook's `X-Signature` in constant time; an error when the key is empty.
pub fn verify_webhook(
    key: &str,
    request_id: &str,
    timestamp: &str,
    body: &[u8],
    signature: &str,
) -> Result<bool, KeyError> {
    verify_base64(
        WEBHOOK_KEY,
        key.as_bytes(),
        &[request_id.as_bytes(), timestamp.as_bytes(), body],
        signature,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn authorization_round_trips_and_rejects_tampering() {
        let header = authorization("tok-1", "value", "req-1", "1700000000", b"{\"a\":1}").unwrap();
        let p = parse_authorization(&header).unwrap();
        assert_eq!(p.token_id, "tok-1");
        assert_eq!(p.timestamp, "1700000000");
        assert!(verify_request("value", "req-1", p.timestamp, b"{\"a\":1}", p.mac).unwrap());
        assert!(!verify_request("value", "req-2", p.timestamp, b"{\"a\":1}", p.mac).unwrap());
        assert!(!verify_request("value", "req-1", "1700000001", b"{\"a\":1}", p.mac).unwrap());
        assert!(!verify_request("value", "req-1", p.timestamp, b"{\"a\":2}", p.mac).unwrap());
        assert!(!verify_request("other", "req-1", p.timestamp, b"{\"a\":1}", p.mac).unwrap());
    }

    #[test]
    fn the_mac_is_hmac_sha256_of_id_timestamp_body() {
        // Pins the assumed construction: changing it must be a deliberate edit here.
        let header = authorization("t", "key", "id", "ts", b"body").unwrap();
        let mac = sign_base64(TOKEN_KEY, b"key", &[b"idtsbody"]).unwrap();
        assert_eq!(header, format!("PXP-UST1 t:ts:{mac}"));
    }

    #[test]
    fn malformed_headers_do_not_parse() {
        for h in [
            "",
            "PXP-UST1",
            "PXP-UST1 ",
            "Bearer a:b:c",
            "PXP-UST1 a:b",
            "PXP-UST1 :1:x",
            "PXP-UST1 a::x",
            "PXP-UST1 a:1:",
            "PXP-UST1a:1:x",
        ] {
            assert_eq!(parse_authorization(h), None, "{h:?}");
        }
    }

    #[test]
    fn freshness_window() {
        let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert!(timestamp_fresh("1700000000", now));
        assert!(timestamp_fresh("1699999700", now));
        assert!(timestamp_fresh("1700000300", now));
        assert!(!timestamp_fresh("1699999699", now));
        assert!(!timestamp_fresh("1700000301", now));
        assert!(!timestamp_fresh("2023-11-14T22:13:20Z", now));
    }

    #[test]
    fn webhook_signature_is_the_documented_concatenation() {
        let sig = webhook_signature("k", "rid", "123", b"{}").unwrap();
        assert_eq!(verify_webhook("k", "rid", "123", b"{}", &sig), Ok(true));
        assert_eq!(verify_webhook("k", "rid", "124", b"{}", &sig), Ok(false));
        assert_eq!(verify_webhook("k2", "rid", "123", b"{}", &sig), Ok(false));
        assert_eq!(sig, sign_base64(WEBHOOK_KEY, b"k", &[b"rid123{}"]).unwrap());
    }

    #[test]
    fn empty_keys_are_errors_naming_the_key() {
        let token = Err(KeyError::Empty { which: TOKEN_KEY });
        assert_eq!(authorization("t", "", "id", "ts", b"body"), token);
        assert_eq!(
            verify_request("", "id", "ts", b"body", "AAAA"),
            token.map(|_: String| true)
        );
        let webhook = Err(KeyError::Empty { which: WEBHOOK_KEY });
        assert_eq!(webhook_signature("", "rid", "123", b"{}"), webhook);
        assert_eq!(
            verify_webhook("", "rid", "123", b"{}", "AAAA"),
            webhook.map(|_: String| true)
        );
    }
}
