//! What the adapter cannot know and the flow fills in: the `threeDSMethodData` to post and
//! the CReq, both in EMV base64url without padding.

use crate::flow::Handle;
use crate::model::NextAction;
use crate::normalize::Normalized;
use base64::engine::general_purpose::{STANDARD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;
use serde_json::{json, Value};
use threeds_checkout::SessionResponse;

use super::CheckoutFlow;

impl CheckoutFlow {
    /// Fills in what the adapter cannot know: the `threeDSMethodData` to post and a CReq
    /// in EMV base64url.
    pub(super) fn complete_next_action(
        &self,
        normalized: &mut Normalized,
        session: &SessionResponse,
        handle: Option<&Handle>,
    ) {
        let warnings = &mut normalized.explain.warnings;
        match normalized.authentication.next_action.as_mut() {
            Some(NextAction::ThreeDsMethod { data, .. }) if data.is_none() => {
                let notify = handle
                    .and_then(|h| h.state.get("method_notification_url"))
                    .and_then(Value::as_str)
                    .map(str::to_owned)
                    .or_else(|| self.settings.method_notification_url.clone());
                match (&session.transaction_id, notify) {
                    (Some(trans_id), Some(url)) => {
                        *data = Some(emv_base64url(&json!({
                            "threeDSServerTransID": trans_id,
                            "threeDSMethodNotificationURL": url,
                        })));
                    }
                    (None, _) => warnings.push(
                        "checkout session without transaction_id: threeDSMethodData cannot be built"
                            .to_owned(),
                    ),
                    (_, None) => warnings.push(
                        "no 3DS Method notification URL (request urls.method_notification_url or \
                         CheckoutSettings::method_notification_url): threeDSMethodData left null"
                            .to_owned(),
                    ),
                }
            }
            Some(NextAction::Challenge { url: Some(_), creq }) => match creq.take() {
                Some(given) => {
                    let fixed = to_emv_base64url(&given);
                    if fixed.as_deref() != Some(given.as_str()) {
                        warnings.push(
                            "checkout 3ds.challenge_request was not base64url without padding; \
                             re-encoded for the ACS"
                                .to_owned(),
                        );
                    }
                    *creq = Some(fixed.unwrap_or(given));
                }
                None => {
                    let acs_id = session.acs.as_ref().and_then(|a| a.transaction_id.clone());
                    match (&session.transaction_id, acs_id) {
                        (Some(trans_id), Some(acs_id)) => {
                            *creq = Some(emv_base64url(&json!({
                                "threeDSServerTransID": trans_id,
                                "acsTransID": acs_id,
                                "messageType": "CReq",
                                "messageVersion": session
                                    .protocol_version
                                    .clone()
                                    .unwrap_or_else(|| "2.2.0".to_owned()),
                                "challengeWindowSize": self.settings.challenge_window_size,
                            })));
                        }
                        _ => warnings.push(
                            "checkout challenged session without transaction_id or \
                             acs.transaction_id: no CReq can be built"
                                .to_owned(),
                        ),
                    }
                }
            },
            _ => {}
        }
    }
}
/// EMV base64url without padding of a JSON message.
fn emv_base64url(message: &Value) -> String {
    URL_SAFE_NO_PAD.encode(message.to_string())
}

/// `text` as base64url without padding: unchanged when it already is, re-encoded from
/// standard or padded base64 when it decodes as such, `None` when it is no base64 at all.
pub(super) fn to_emv_base64url(text: &str) -> Option<String> {
    let trimmed = text.trim();
    if URL_SAFE_NO_PAD.decode(trimmed).is_ok() {
        return Some(trimmed.to_owned());
    }
    let bytes = URL_SAFE
        .decode(trimmed)
        .or_else(|_| STANDARD.decode(trimmed))
        .or_else(|_| {
            base64::engine::general_purpose::STANDARD_NO_PAD.decode(trimmed.trim_end_matches('='))
        })
        .ok()?;
    Some(URL_SAFE_NO_PAD.encode(bytes))
}
