//! The PXP authentication object (pre-initiate, initiate, get, and a webhook's
//! `eventData`): its fields in the model, and its `state` handed to `state`.

use crate::model::reason::normalize_code;
use crate::model::{
    major_to_minor, AuthenticationStatus as S, Eci, Money, Network, NextAction, NextStep as N,
    Retry, TransStatus,
};
use crate::normalize::{Context, Draft, NormalizeError};
use threeds_pxp::fingerprint;
use threeds_pxp::response::{Authentication, AuthenticationState};
use threeds_wire::{excerpt, Secret};

use super::state::{
    challenge_cancel, errored, failed, fraud_is_never_retried, pending_client_data,
    reported_exemption, successful,
};
use super::P;

/// Fills the draft from a PXP authentication object.
pub(super) fn fill(
    d: &mut Draft,
    a: &Authentication,
    ctx: &Context<'_>,
    document: &'static str,
) -> Result<(), NormalizeError> {
    let state_code = a
        .state_data
        .as_ref()
        .and_then(|s| s.code.as_ref())
        .map(|c| c.as_str().trim().to_owned())
        .filter(|c| !c.is_empty());
    d.auth.raw.status = a.state.as_ref().map(|s| s.to_string());
    d.auth.raw.code.clone_from(&state_code);
    d.auth.raw.message = a.state_data.as_ref().and_then(|s| s.reason.clone());

    d.auth.id.clone_from(&a.authentication_id);
    d.auth.protocol_version = non_empty(&a.three_d_secure_version);
    d.auth.ds_trans_id = non_empty(&a.directory_server_transaction_id);
    d.auth.acs_trans_id = non_empty(&a.acs_transaction_id);
    d.auth.eci = a
        .electronic_commerce_indicator
        .as_ref()
        .and_then(|e| Eci::parse(e.as_str()));
    d.auth.authentication_value = a
        .cardholder_authentication_verification_value
        .as_ref()
        .filter(|v| !v.is_empty())
        .map(|v| Secret::new(v.expose()));
    d.auth.trans_status_reason = state_code.as_deref().and_then(normalize_code);
    // The 3DS Server transaction id: an explicit field if PXP sends one, else the id inside
    // the 3DS Method data. `authenticationId` equalled it in PXP's one sample (exemptions
    // guide, https://developer.pxp.io/guides/3ds/exemptions), an observation only, so it is
    // not copied.
    d.auth.three_ds_server_trans_id =
        non_empty(&a.three_d_secure_server_transaction_id).or_else(|| {
            a.three_d_secure_fingerprint_data
                .as_deref()
                .and_then(fingerprint::decode_method_data)
                .and_then(|m| m.three_ds_server_trans_id)
                .filter(|s| !s.trim().is_empty())
        });
    if let Some(scheme) = non_empty(&a.card_scheme) {
        d.auth.network = Network::from_psp(&scheme);
        if d.auth.network.is_none() {
            d.warn(format!(
                "pxp cardScheme '{}' is not a known network",
                excerpt(&scheme)
            ));
        }
    }
    if let Some(amount) = &a.amount {
        if let (Some(value), Some(currency)) = (&amount.transaction_value, &amount.currency_code) {
            let minor =
                major_to_minor(value.as_str(), currency).map_err(|e| NormalizeError::Shape {
                    provider: P,
                    document,
                    path: "amount.transactionValue".into(),
                    message: e.to_string(),
                })?;
            d.auth.amount = Some(Money {
                value: minor,
                currency: currency.to_ascii_uppercase(),
            });
        }
    }
    let trans_status = a.trans_status().map(TransStatus::from);
    if let Some(ts) = &trans_status {
        if !ts.is_known() {
            d.warn(format!(
                "pxp transStatus '{}' is not an EMV value",
                excerpt(ts.as_str())
            ));
        }
    }
    d.auth.trans_status.clone_from(&trans_status);
    d.auth.challenged = match a
        .authentication_flow
        .as_deref()
        .map(str::to_ascii_lowercase)
    {
        Some(f) if f.starts_with("challenge") => Some(true),
        Some(f) if f.starts_with("frictionless") => Some(false),
        _ => None,
    };

    // Status from the state, then the state code's reason word.
    match &a.state {
        None => d.set_unknown("state", "(absent)"),
        Some(state) => {
            d.apply_catalog(ctx, "state", state.as_str());
        }
    }
    if let Some(code) = &state_code {
        let key = normalize_code(code).unwrap_or_else(|| code.clone());
        d.apply_reason(ctx, "state_code", &key);
    }

    match &a.state {
        Some(AuthenticationState::PendingClientData) => pending_client_data(d, a),
        Some(AuthenticationState::PendingCustomerChallenge) => {
            d.auth.challenged = Some(true);
            d.auth.next_action = Some(NextAction::Challenge {
                url: a.challenge_url().map(str::to_owned),
                creq: a.creq().map(str::to_owned),
            });
        }
        Some(AuthenticationState::AuthenticationSuccessful) => {
            successful(d, trans_status.as_ref());
            if let Some(code) = &state_code {
                reported_exemption(d, code);
            }
        }
        Some(AuthenticationState::AuthenticationFailed) => {
            failed(d, trans_status.as_ref(), state_code.as_deref());
            challenge_cancel(d, a, ctx);
        }
        Some(AuthenticationState::AuthenticationRejected) => {
            if trans_status.as_ref().is_some_and(|t| *t != TransStatus::R) {
                d.warn(
                    "pxp AuthenticationRejected with a transStatus other than R; the state decides",
                );
            }
            if let Some(code) = &state_code {
                d.apply_trans_status_reason(code);
            }
        }
        Some(AuthenticationState::AuthenticationError) => {
            errored(d, state_code.as_deref());
            challenge_cancel(d, a, ctx);
        }
        Some(AuthenticationState::Unknown(_)) | None => {}
    }
    if let Some(code) = &state_code {
        fraud_is_never_retried(d, code);
    }

    // threeDSecureSupported=false: PXP's check found the card outside 3DS. The states page
    // says PendingClientData means "3DS is supported", so the flag wins over a pending state.
    if a.three_d_secure_supported == Some(false) {
        if matches!(a.state, None | Some(AuthenticationState::PendingClientData)) {
            d.set_status(
                S::NotEnrolled,
                N::AuthorizeAtOwnRisk,
                "rule:pxp.three_d_secure_not_supported",
            );
            d.auth.reason = Some("card_not_enrolled".into());
            d.auth.retry = Some(Retry::Never);
            d.auth.next_action = None;
        } else {
            d.warn("pxp threeDSecureSupported=false with a later state; the state decides");
        }
    }

    // PXP's authentication object has a CAVV field (nullable, get-authentication guide), so
    // a final authentication without one says the value is absent: Visa Y / A do not shift.
    if d.auth.status.is_final() {
        d.facts.authentication_value_present = Some(d.auth.authentication_value.is_some());
    }
    Ok(())
}

pub(super) fn non_empty(f: &Option<String>) -> Option<String> {
    f.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}
