//! Mangopay documents to the normalized model: card pay-ins (Direct and Web, one-off and
//! recurring), API error bodies, the OAuth token error, and the hook query string.
//!
//! Mangopay runs 3-D Secure inside the pay-in and exposes no EMV data (the pay-in object,
//! https://docs.mangopay.com/api-reference/direct-card-payins/direct-card-payin-object, has no
//! transStatus, ECI, CAVV or protocol ids): `trans_status`, `trans_status_reason`, `eci`, the
//! protocol ids and the authentication value always stay null here. The outcome comes from
//! `Status` + `ResultCode` (FAILED), `SecureModeNeeded` + `SecureModeRedirectURL` (CREATED),
//! and `SecureModeNeeded` + `Applied3DSVersion` (SUCCEEDED), following the lifecycle of
//! https://docs.mangopay.com/guides/payment-methods/card/direct/how-to and
//! https://docs.mangopay.com/guides/payment-methods/card/3ds.
//!
//! Mangopay authorizes (and captures) in the same call: a SUCCEEDED pay-in is a completed
//! payment (`next_step: none`) and a FAILED one has already been refused, so no outcome here
//! is ever `authorize` or `authorize_at_own_risk`.
//!
//! `raw` per document: pay-in `{Status, ResultCode, ResultMessage}`; API error
//! `{Type, null, Message}` (Mangopay error bodies have no code besides `Type`); OAuth error
//! `{error, null, error_description}`; hook `{EventType, null, null}`.
//!
//! Its parts: `payin` (a pay-in's fields), `status` (what `CREATED`, `SUCCEEDED` and
//! `FAILED` mean with the 3-D Secure fields beside them), `error` (API and OAuth error
//! bodies) and `hook` (the hook query string).

mod error;
mod hook;
mod payin;
mod status;
#[cfg(test)]
mod tests;

use crate::model::Provider;
use crate::normalize::{Context, Document, NormalizeError, Normalized, Outline};

use error::{normalize_api_error, normalize_oauth_error};
pub use hook::looks_like_hook_query;
pub use hook::normalize_hook_query;
use payin::normalize_payin;

const P: Provider = Provider::MANGOPAY;

/// Pay-ins (`ResultCode`, `SecureModeNeeded`, `PaymentType`) and error bodies (`Message` +
/// `Type`), all PascalCase. The OAuth token error (`error` + `error_description`) is generic
/// OAuth 2 and is read only when the provider is given.
pub fn matches(value: &Outline<'_>) -> bool {
    let Some(o) = value.as_object() else {
        return false;
    };
    let is_str = |k: &str| o.get(k).is_some_and(Outline::is_string);
    o.contains_key("ResultCode")
        || o.contains_key("SecureModeNeeded")
        || o.contains_key("PaymentType")
        || (is_str("Message") && is_str("Type"))
}

/// Normalizes one document: a parsed value, or a [`Document`] whose wire types are read from
/// its text.
pub fn normalize<'a>(
    doc: impl Into<Document<'a>>,
    ctx: &Context<'_>,
) -> Result<Normalized, NormalizeError> {
    let doc = doc.into();
    let value = &doc.peek;
    let Some(o) = value.as_object() else {
        return Err(NormalizeError::UnknownDocument {
            hint: "a Mangopay document is a JSON object".into(),
        });
    };
    let has = |k: &str| o.contains_key(k);
    if has("ResultCode") || has("SecureModeNeeded") || has("PaymentType") || has("Status") {
        normalize_payin(doc, ctx)
    } else if has("Message") && has("Type") {
        normalize_api_error(doc, ctx)
    } else if o.get("error").is_some_and(Outline::is_string) {
        normalize_oauth_error(doc, ctx)
    } else {
        Err(NormalizeError::UnknownDocument {
            hint: "not a Mangopay pay-in (ResultCode/Status), API error (Message+Type) or OAuth \
                   error (error)"
                .into(),
        })
    }
}
