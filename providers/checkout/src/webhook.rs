//! Workflow webhook events for Standalone sessions (`authentication_*`).
//!
//! The envelope is Checkout's generic workflow event; `data` uses its own spellings:
//! `type` is the authentication type, `transaction_status_reason` is the session's
//! `status_reason`, `3ds_transaction_id` is the session's `transaction_id`, and `amount` is
//! a string (<https://www.checkout.com/docs/workflows/webhook-event-types/>). Verify `Cko-Signature` over the raw bytes before parsing.

use crate::enums::*;
use crate::response::{ErrorDetails, Link};
use serde::{Deserialize, Serialize};
use threeds_wire::NumOrStr;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WebhookEvent {
    /// The event id (`evt_...`), not the session id.
    pub id: Option<String>,
    #[serde(rename = "type")]
    pub event_type: Option<WebhookType>,
    pub version: Option<String>,
    pub created_on: Option<String>,
    pub data: Option<WebhookData>,
    #[serde(rename = "_links")]
    pub links: Option<WebhookLinks>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookLinks {
    #[serde(rename = "self")]
    pub self_link: Option<Link>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WebhookData {
    pub session_id: Option<String>,
    /// Minor units, as a string (`"1250"`).
    pub amount: Option<NumOrStr>,
    pub currency: Option<String>,
    /// The authentication type (`regular`, ...).
    #[serde(rename = "type")]
    pub authentication_type: Option<AuthenticationType>,
    pub response_code: Option<ResponseCode>,
    pub challenge_indicator: Option<ChallengeIndicator>,
    pub protocol_version: Option<String>,
    pub scheme: Option<Scheme>,
    pub payment_id: Option<String>,
    pub reference: Option<String>,
    pub experience: Option<Experience>,
    #[serde(rename = "3ds_transaction_id")]
    pub three_ds_transaction_id: Option<String>,
    pub ds_transaction_id: Option<String>,
    pub acs_transaction_id: Option<String>,
    pub eci: Option<NumOrStr>,
    pub xid: Option<String>,
    pub challenged: Option<bool>,
    /// Checkout's spelling (sic).
    pub acs_challenged_mandated: Option<bool>,
    pub exemption_applied: Option<ExemptionApplied>,
    /// Free text such as `ChallengeExpired`, `Unavailable`.
    pub reason: Option<String>,
    pub reason_description: Option<String>,
    /// The session's `status_reason` (`rreq_status`, ...).
    pub transaction_status_reason: Option<StatusReason>,
    pub error_details: Option<ErrorDetails>,
}
