//! Request and response bodies of the calls around the pay-in: users, wallets, card
//! registrations, hooks and the stored API responses (the pay-in itself uses
//! [`crate::DirectCardPayInRequest`] and [`crate::PayIn`]).
//!
//! Field names are Mangopay's PascalCase. Requests leave out what is `None`; responses make
//! every field optional, as the pay-in type does.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// `POST /v2.01/{ClientId}/users/natural` (how-to guide step 1: a payer needs only a name
/// and an email).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NaturalUserRequest {
    #[serde(rename = "FirstName")]
    pub first_name: String,
    #[serde(rename = "LastName")]
    pub last_name: String,
    #[serde(rename = "Email")]
    pub email: String,
    #[serde(
        rename = "TermsAndConditionsAccepted",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub terms_and_conditions_accepted: Option<bool>,
    /// `PAYER` or `OWNER`.
    #[serde(
        rename = "UserCategory",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub user_category: Option<String>,
    #[serde(rename = "Tag", skip_serializing_if = "Option::is_none", default)]
    pub tag: Option<String>,
}

/// `POST /v2.01/{ClientId}/wallets` (how-to guide step 2).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WalletRequest {
    #[serde(rename = "Owners")]
    pub owners: Vec<String>,
    #[serde(rename = "Description")]
    pub description: String,
    #[serde(rename = "Currency")]
    pub currency: String,
    #[serde(rename = "Tag", skip_serializing_if = "Option::is_none", default)]
    pub tag: Option<String>,
}

/// `POST /v2.01/{ClientId}/cardregistrations` (how-to guide step 3).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardRegistrationRequest {
    #[serde(rename = "UserId")]
    pub user_id: String,
    #[serde(rename = "Currency")]
    pub currency: String,
    /// `CB_VISA_MASTERCARD` (the default), `MAESTRO`, `AMEX`, ...
    #[serde(rename = "CardType", skip_serializing_if = "Option::is_none", default)]
    pub card_type: Option<String>,
    #[serde(rename = "Tag", skip_serializing_if = "Option::is_none", default)]
    pub tag: Option<String>,
}

/// `PUT /v2.01/{ClientId}/cardregistrations/{Id}` (how-to guide step 5).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardRegistrationUpdate {
    /// The tokenization server's whole answer (`data=...`, or `errorCode=...`).
    #[serde(rename = "RegistrationData")]
    pub registration_data: String,
    #[serde(
        rename = "CardHolderName",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub card_holder_name: Option<String>,
}

/// The Card Registration object.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardRegistration {
    #[serde(rename = "Id", default)]
    pub id: Option<String>,
    #[serde(rename = "UserId", default)]
    pub user_id: Option<String>,
    /// Sent back to the tokenization server as `accessKeyRef`. Single-use and scoped to
    /// this registration, so not treated as a secret.
    #[serde(rename = "AccessKey", default)]
    pub access_key: Option<String>,
    /// Sent back to the tokenization server as `data`.
    #[serde(rename = "PreregistrationData", default)]
    pub preregistration_data: Option<String>,
    #[serde(rename = "RegistrationData", default)]
    pub registration_data: Option<String>,
    #[serde(rename = "CardId", default)]
    pub card_id: Option<String>,
    #[serde(rename = "CardType", default)]
    pub card_type: Option<String>,
    /// Where the card details are posted. Never hard-coded: it varies per registration.
    #[serde(rename = "CardRegistrationURL", default)]
    pub card_registration_url: Option<String>,
    #[serde(rename = "ResultCode", default)]
    pub result_code: Option<String>,
    #[serde(rename = "ResultMessage", default)]
    pub result_message: Option<String>,
    #[serde(rename = "Currency", default)]
    pub currency: Option<String>,
    /// `CREATED`, `VALIDATED` or `ERROR`.
    #[serde(rename = "Status", default)]
    pub status: Option<String>,
}

/// `POST /v2.01/{ClientId}/hooks`: one hook per `EventType`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HookRequest {
    #[serde(rename = "EventType")]
    pub event_type: String,
    #[serde(rename = "Url")]
    pub url: String,
    #[serde(rename = "Tag", skip_serializing_if = "Option::is_none", default)]
    pub tag: Option<String>,
}

/// `PUT /v2.01/{ClientId}/hooks/{Id}`: what is `None` is left unchanged. `Validity: VALID`
/// revives a hook Mangopay invalidated after 100 failed deliveries (docs.mangopay.com/webhooks).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HookUpdate {
    #[serde(rename = "Url", skip_serializing_if = "Option::is_none", default)]
    pub url: Option<String>,
    /// `ENABLED` or `DISABLED`.
    #[serde(rename = "Status", skip_serializing_if = "Option::is_none", default)]
    pub status: Option<String>,
    /// `VALID` or `INVALID`.
    #[serde(rename = "Validity", skip_serializing_if = "Option::is_none", default)]
    pub validity: Option<String>,
    #[serde(rename = "Tag", skip_serializing_if = "Option::is_none", default)]
    pub tag: Option<String>,
}

/// The Hook object.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hook {
    #[serde(rename = "Id", default)]
    pub id: Option<String>,
    #[serde(rename = "Url", default)]
    pub url: Option<String>,
    #[serde(rename = "Status", default)]
    pub status: Option<String>,
    #[serde(rename = "Validity", default)]
    pub validity: Option<String>,
    #[serde(rename = "EventType", default)]
    pub event_type: Option<String>,
    #[serde(rename = "Tag", default)]
    pub tag: Option<String>,
    #[serde(rename = "CreationDate", default)]
    pub creation_date: Option<i64>,
}

/// `GET /v2.01/{ClientId}/responses/{IdempotencyKey}` ("View an API Response",
/// `api-reference/api-responses/view-api-response.mdx`): the answer Mangopay gave to the
/// POST that carried the key, kept 24 hours.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ApiResponseRecord {
    /// The HTTP status of the original answer, as a string (`"200"`).
    #[serde(rename = "StatusCode", default)]
    pub status_code: Option<String>,
    #[serde(rename = "ContentLength", default)]
    pub content_length: Option<String>,
    #[serde(rename = "ContentType", default)]
    pub content_type: Option<String>,
    /// An HTTP date (`Tue, 19 Jul 2022 08:47:59 GMT`).
    #[serde(rename = "Date", default)]
    pub date: Option<String>,
    #[serde(rename = "RequestURL", default)]
    pub request_url: Option<String>,
    /// The original body: the created resource, or an error body.
    #[serde(rename = "Resource", default)]
    pub resource: Option<Value>,
}

impl ApiResponseRecord {
    /// The original HTTP status, when it is a number.
    pub fn status(&self) -> Option<u16> {
        self.status_code.as_deref()?.trim().parse().ok()
    }
}
