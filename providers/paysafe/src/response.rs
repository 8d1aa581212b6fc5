//! Response bodies: the `authentication` object (POST and GET), and error bodies.
//!
//! Everything is optional: Paysafe echoes request fields selectively, and the 3DS 1.0.2
//! fallback replaces `threeDResult` with `threeDEnrollment`. Numbers Paysafe sends
//! inconsistently (`eci` as `5` or `"05"`, amounts) are [`NumOrStr`].

use crate::enums::*;
use crate::request::{
    BillingCycle, BillingDetails, BrowserDetails, Card, ElectronicDelivery, OrderItemDetails,
    Profile, PurchasedGiftCardDetails, ShippingDetails, UserAccountDetails,
};
use serde::{Deserialize, Serialize};
use threeds_wire::{NumOrStr, Secret};

/// The `authentication` object returned by `POST .../authentications` and
/// `GET .../authentications/{id}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Authentication {
    /// At most 36 characters per the table, but the blueprint's own sample id has 37: not
    /// checked as a UUID.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device_fingerprinting_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merchant_ref_num: Option<String>,
    /// Minor units.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<NumOrStr>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub card: Option<Card>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merchant_url: Option<String>,
    /// Processing time; with or without milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub txn_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorObject>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    /// The table spells it `acsURL`, the examples and the Java SDK `acsUrl`; both are read
    /// (kept apart so a body carrying both still parses). See [`Authentication::acs_url`].
    #[serde(rename = "acsUrl", skip_serializing_if = "Option::is_none")]
    pub acs_url: Option<String>,
    #[serde(rename = "acsURL", skip_serializing_if = "Option::is_none")]
    pub acs_url_upper: Option<String>,
    /// The encoded PaReq (3DS1) / challenge payload from MAPS; challenge only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payload: Option<String>,
    #[serde(rename = "threeDEnrollment", skip_serializing_if = "Option::is_none")]
    pub three_d_enrollment: Option<ThreeDEnrollment>,
    #[serde(rename = "threeDResult", skip_serializing_if = "Option::is_none")]
    pub three_d_result: Option<ThreeDResult>,
    #[serde(
        rename = "threeDSecureVersion",
        skip_serializing_if = "Option::is_none"
    )]
    pub three_d_secure_version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub directory_server_transaction_id: Option<String>,
    #[serde(
        rename = "threeDSecureServerTransactionId",
        skip_serializing_if = "Option::is_none"
    )]
    pub three_d_secure_server_transaction_id: Option<String>,
    /// A number, sometimes with a leading zero (`01`, i.e. a string).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eci: Option<NumOrStr>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cavv: Option<Secret>,
    /// 3DS 1.0.2 only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub xid: Option<String>,
    /// Opaque, base64: goes to the JS SDK `challenge()` (or, decoded, to the Cardinal
    /// mobile SDK). Paysafe documents no raw CReq endpoint.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sdk_challenge_payload: Option<String>,
    /// 3DS 1.0.2 only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature_status: Option<SignatureStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_reason: Option<StatusReason>,
    /// Issuer text the merchant must show when present (at most 128 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cardholder_display_text: Option<String>,

    // Echoed request fields.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authentication_purpose: Option<AuthenticationPurpose>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device_channel: Option<DeviceChannel>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_category: Option<MessageCategory>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requestor_challenge_preference: Option<ChallengePreference>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transaction_intent: Option<TransactionIntent>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_authorizations_for_instalment_payment: Option<NumOrStr>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub initial_purchase_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billing_cycle: Option<BillingCycle>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub electronic_delivery: Option<ElectronicDelivery>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_item_details: Option<OrderItemDetails>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purchased_gift_card_details: Option<PurchasedGiftCardDetails>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub browser_details: Option<BrowserDetails>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_account_details: Option<UserAccountDetails>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billing_details: Option<BillingDetails>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipping_details: Option<ShippingDetails>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile: Option<Profile>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merchant_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mcc: Option<String>,
}

impl Authentication {
    /// The ACS URL under either spelling (`acsUrl` preferred: the examples use it).
    pub fn acs_url(&self) -> Option<&str> {
        self.acs_url.as_deref().or(self.acs_url_upper.as_deref())
    }
}

/// An error body: `{"error": {...}}`, optionally with a top-level `status` (`FAILED` in the
/// classic 3DS API and on a failed `authentication`) or `liveMode` (Alternate Payments API).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorBody {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorObject>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    // `liveMode` (`"true"`, a string, in the Alternate Payments example) says nothing about
    // the error and is not read: a member no field names is skipped without being kept.
}

/// The `error` object. `code` is also in the `X-Application-Status-Code` (blueprint) or
/// `X-Application-Error` (errors page) response header.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorObject {
    /// A string of digits (`"5068"`); a number is read too.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<NumOrStr>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Documented as "string", sent as an array of strings: both are read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<Details>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field_errors: Option<Vec<FieldError>>,
    /// Card Payments API errors carry `links` to the error's documentation page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub links: Option<Vec<Link>>,
}

/// `error.details`: one string or a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Details {
    Many(Vec<String>),
    One(String),
}

impl Details {
    pub fn as_vec(&self) -> Vec<&str> {
        match self {
            Details::Many(v) => v.iter().map(String::as_str).collect(),
            Details::One(s) => vec![s.as_str()],
        }
    }
}

/// One entry of `error.fieldErrors`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FieldError {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// One entry of `error.links`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Link {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rel: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub href: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_acs_url_spellings_are_read() {
        let a: Authentication = serde_json::from_str(r#"{"acsUrl":"https://a"}"#).unwrap();
        let b: Authentication = serde_json::from_str(r#"{"acsURL":"https://b"}"#).unwrap();
        let both: Authentication =
            serde_json::from_str(r#"{"acsURL":"https://b","acsUrl":"https://a"}"#).unwrap();
        assert_eq!(
            (a.acs_url(), b.acs_url(), both.acs_url()),
            (Some("https://a"), Some("https://b"), Some("https://a"))
        );
    }

    #[test]
    fn eci_as_number_or_string_and_unknown_enum_values() {
        let a: Authentication =
            serde_json::from_str(r#"{"eci":5,"threeDResult":"X","status":"EXPIRED"}"#).unwrap();
        assert_eq!(a.eci.unwrap().as_str(), "5");
        assert_eq!(a.three_d_result, Some(ThreeDResult::Unknown("X".into())));
        assert_eq!(a.status, Some(Status::Unknown("EXPIRED".into())));
        let b: Authentication = serde_json::from_str(r#"{"eci":"02"}"#).unwrap();
        assert_eq!(b.eci.unwrap().as_str(), "02");
    }

    #[test]
    fn the_cavv_is_redacted() {
        let a: Authentication =
            serde_json::from_str(r#"{"cavv":"BwAQATkhGAEAABVIFSEYEGkybeU="}"#).unwrap();
        assert!(!format!("{a:?}").contains("BwAQ"));
        assert!(!serde_json::to_string(&a).unwrap().contains("BwAQ"));
    }

    #[test]
    fn error_details_as_string_or_list() {
        let e: ErrorBody =
            serde_json::from_str(r#"{"liveMode":"true","error":{"code":"1200","details":"one"}}"#)
                .unwrap();
        let err = e.error.unwrap();
        assert_eq!(err.details.unwrap().as_vec(), ["one"]);
        assert_eq!(err.code.unwrap().as_str(), "1200");
    }
}
