//! [`CheckoutSettings`]: what the session requests need and the normalized request does not
//! carry.

use std::time::Duration;
use threeds_wire::Secret;

/// Merchant settings the session requests need and the normalized request does not carry.
#[derive(Clone)]
pub struct CheckoutSettings {
    /// Sent as `processing_channel_id` unless the request has one (required unless bound
    /// to the OAuth token, Checkout.com API reference).
    pub processing_channel_id: Option<String>,
    /// `completion.callback_url` when the request has none.
    pub callback_url: Option<String>,
    /// `completion.challenge_notification_url` when the request has none (where the ACS
    /// posts the CRes; Checkout's own endpoint when absent).
    pub challenge_notification_url: Option<String>,
    /// `threeDSMethodNotificationURL` when the request has none.
    pub method_notification_url: Option<String>,
    /// The workflow webhook signature key (`Cko-Signature`). Without it every webhook is
    /// treated as unverified and re-fetched.
    pub webhook_signature_key: Option<Secret>,
    /// Re-fetch the session after a verified webhook (see the module documentation).
    pub refetch_verified_webhooks: bool,
    /// EMV `challengeWindowSize` of a CReq the flow builds (`01`..`05`).
    pub challenge_window_size: String,
    /// How often `report_challenge` reads the session again while it is still
    /// `challenged` (the CRes can reach the browser before Checkout has the RReq).
    pub challenge_result_polls: u32,
    pub challenge_result_interval: Duration,
}

impl Default for CheckoutSettings {
    fn default() -> Self {
        CheckoutSettings {
            processing_channel_id: None,
            callback_url: None,
            challenge_notification_url: None,
            method_notification_url: None,
            webhook_signature_key: None,
            refetch_verified_webhooks: true,
            challenge_window_size: "05".to_owned(),
            challenge_result_polls: 3,
            challenge_result_interval: Duration::from_millis(500),
        }
    }
}

impl std::fmt::Debug for CheckoutSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CheckoutSettings")
            .field("processing_channel_id", &self.processing_channel_id)
            .field("callback_url", &self.callback_url)
            .field(
                "challenge_notification_url",
                &self.challenge_notification_url,
            )
            .field("method_notification_url", &self.method_notification_url)
            .field("webhook_signature_key", &self.webhook_signature_key)
            .field("refetch_verified_webhooks", &self.refetch_verified_webhooks)
            .finish_non_exhaustive()
    }
}
