//! Mangopay API error bodies (https://docs.mangopay.com/errors/http-response-codes).
//!
//! A declined payment is not one of these: it is a 200 pay-in with `Status: FAILED`.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::collections::BTreeMap;
use threeds_wire::NumOrStr;

threeds_wire::open_enum! {
    /// The error body's `Type`.
    pub enum ErrorType {
        /// HTTP 400: missing or incorrect parameter (also a wrong resource id).
        ParamError = "param_error",
        /// HTTP 401: the OAuth token expired or is wrong.
        InvalidCredentials = "invalid_credentials",
        /// HTTP 409: the `Idempotency-Key` was already used within 24 h.
        IdempotentCreationConflict = "idempotent_creation_conflict",
        /// HTTP 400: card, wallet and `DebitedFunds` currencies differ.
        CurrencyIncompatibility = "currency_incompatibility",
        /// HTTP 429.
        RateLimit = "rate_limit",
        /// HTTP 400 from the OAuth token endpoint (in its own body shape, see [`OAuthError`]):
        /// the account is temporarily locked after repeated bad credentials.
        UnauthorizedClient = "unauthorized_client",
        /// HTTP 404: the resource does not exist (Mangopay's spelling).
        RessourceNotFound = "ressource_not_found",
    }
}

/// `{"Message", "Type", "Id", "Date", "errors"}`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ApiError {
    #[serde(rename = "Message", default)]
    pub message: Option<String>,
    #[serde(rename = "Type", default)]
    pub error_type: Option<ErrorType>,
    /// The error occurrence id (`<uuid>` or `<uuid>#<unix>`), to quote to Mangopay support.
    #[serde(rename = "Id", default)]
    pub id: Option<String>,
    /// Unix seconds; sometimes a float (`1700045351.0`).
    #[serde(rename = "Date", default)]
    pub date: Option<NumOrStr>,
    /// Per-field messages, or null. Values are strings in every example; each is kept as
    /// its raw JSON text, so an array or object neither makes the error unreadable nor costs
    /// a parsed tree.
    #[serde(rename = "errors", default)]
    pub errors: Option<BTreeMap<String, Box<RawValue>>>,
}

/// The OAuth token endpoint's error body: `{"error": "unauthorized_client",
/// "error_description": "..."}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OAuthError {
    #[serde(default)]
    pub error: Option<ErrorType>,
    #[serde(default)]
    pub error_description: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_dates_and_field_errors_parse() {
        let e: ApiError = serde_json::from_str(
            r#"{"Message":"m","Type":"currency_incompatibility","Id":"x","Date":1700045351.0,
                "errors":{"currency":"The card's currency GBP ..."}}"#,
        )
        .unwrap();
        assert_eq!(e.error_type, Some(ErrorType::CurrencyIncompatibility));
        assert_eq!(e.date.unwrap().as_str(), "1700045351");
        assert_eq!(e.errors.unwrap().len(), 1);
    }

    #[test]
    fn null_errors_and_missing_id_parse() {
        let e: ApiError = serde_json::from_str(
            r#"{"Message":"m","Type":"invalid_credentials","Date":1,"errors":null}"#,
        )
        .unwrap();
        assert!(e.errors.is_none() && e.id.is_none());
    }
}
