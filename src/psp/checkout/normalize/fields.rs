//! The field readers every Checkout document shares: network, amount, `response_code` as the
//! EMV transStatus, the EMV error component, the applied exemption, dates, the challenge
//! indicator and the checks a success gets (Mastercard ECI `00`, non-payment).

use super::P;
use crate::liability::Category;
use crate::model::{
    timestamp, AuthenticationStatus as St, Money, Network, NextStep, Retry, TransStatus,
};
use crate::normalize::{Context, Draft};
use threeds_checkout::{
    ChallengeIndicator, ErrorDetails, ExemptionApplied, FlowType, ResponseCode,
};
use threeds_wire::{excerpt, NumOrStr};

pub(super) fn set_network(d: &mut Draft, scheme: Option<&threeds_checkout::Scheme>) {
    if let Some(scheme) = scheme {
        d.auth.network = Network::from_psp(scheme.as_str());
        if d.auth.network.is_none() {
            d.warn(format!(
                "checkout scheme '{}' is not a known network; network left null",
                scheme.as_str()
            ));
        }
    }
}

pub(super) fn set_amount(d: &mut Draft, amount: Option<&NumOrStr>, currency: Option<&String>) {
    let Some(amount) = amount else { return };
    match (amount.as_u64(), currency) {
        (Some(value), Some(currency)) => {
            d.auth.amount = Some(Money {
                value,
                currency: currency.clone(),
            })
        }
        (None, _) => d.warn(format!(
            "checkout amount '{}' is not an integer in minor units; amount left null",
            amount.as_str()
        )),
        (Some(_), None) => d.warn("checkout amount without currency; amount left null"),
    }
}

pub(super) fn set_trans_status(d: &mut Draft, ctx: &Context<'_>, code: Option<&ResponseCode>) {
    let Some(code) = code else { return };
    if ctx
        .catalog
        .lookup(P, "response_code", code.as_str())
        .is_none()
    {
        d.warn(format!(
            "checkout response_code '{}' is not in the catalog",
            code.as_str()
        ));
    }
    let ts = TransStatus::from(code.as_str());
    if ts.is_known() {
        d.auth.trans_status = Some(ts);
    } else {
        d.warn(format!(
            "checkout response_code '{}' is not an EMV transStatus; trans_status left null",
            code.as_str()
        ));
    }
}

/// A reason, and where a new attempt can help, from the EMV error component (EMVCo Error
/// message `errorComponent`: `D` directory server, `A` ACS, `S` 3DS Server) when nothing more
/// precise is known. A DS or ACS failure reaches every PSP alike (`later`); a 3DS Server
/// failure is Checkout's own (`other_psp`). A rejection stays `never`.
pub(super) fn reason_from_error_details(d: &mut Draft, details: Option<&ErrorDetails>) {
    if d.auth.reason.is_some() {
        return;
    }
    let component = details.and_then(|e| e.error_component.as_deref());
    let (reason, retry) = match component {
        Some("D") => ("ds_error", Retry::Later),
        Some("A") => ("acs_error", Retry::Later),
        Some("S") => ("psp_technical_error", Retry::OtherPsp),
        _ => return,
    };
    d.auth.reason = Some(reason.to_owned());
    if d.auth.status != St::Rejected {
        d.auth.retry = Some(retry);
    }
}

/// The applied exemption (session `exemption.applied`, webhook `exemption_applied`) in the
/// model's words, for the output and the liability facts. Checkout's `none` is no exemption;
/// a value Checkout does not document is kept as sent and reported.
pub(super) fn set_exemption(d: &mut Draft, applied: Option<&ExemptionApplied>) {
    let Some(applied) = applied else { return };
    let word = match applied {
        ExemptionApplied::None => return,
        ExemptionApplied::LowValue => "low_value",
        ExemptionApplied::TransactionRiskAssessment => "transaction_risk_analysis",
        ExemptionApplied::SecureCorporatePayment => "secure_corporate",
        ExemptionApplied::TrustedListing => "trusted_listing",
        ExemptionApplied::ThreeDsOutage => "three_ds_outage",
        ExemptionApplied::ScaDelegation => "sca_delegation",
        ExemptionApplied::OutOfScaScope => "out_of_sca_scope",
        ExemptionApplied::LowRiskProgram => "low_risk_program",
        ExemptionApplied::Other => "other",
        ExemptionApplied::Unknown(raw) => {
            d.warn(format!(
                "checkout exemption '{}' is not a documented value; exported as sent",
                excerpt(raw)
            ));
            raw.as_str()
        }
    };
    d.auth.exemption = Some(word.to_owned());
    d.facts.exemption = Some(word.to_owned());
}

/// `authenticated_at` from a Checkout date-time (`created_on` of a webhook,
/// `authentication_date` of a session). A value that is not RFC 3339 is reported and left
/// null, so the liability rules fall back to the `--as-of` date.
pub(super) fn set_authenticated_at(d: &mut Draft, value: Option<&str>, field: &str) {
    let Some(value) = value else { return };
    match timestamp::from_rfc3339(value) {
        Some(at) => d.auth.authenticated_at = Some(at),
        None => d.warn(format!(
            "checkout {field} '{}' is not an RFC 3339 date-time; authenticated_at left null",
            excerpt(value)
        )),
    }
}

/// The EMV `threeDSRequestorChallengeInd` (two digits) of Checkout's `challenge_indicator`
/// word, for the Cartes Bancaires liability rule. Checkout echoes the indicator in the
/// session and the webhook; the words are the request's (API reference `SessionRequest`
/// `challenge_indicator`), mapped as the request translation maps them.
pub(super) fn set_challenge_indicator(d: &mut Draft, indicator: Option<&ChallengeIndicator>) {
    let Some(indicator) = indicator else { return };
    match crate::psp::checkout::request::challenge_to_model(indicator) {
        Ok(preference) => d.facts.challenge_indicator = Some(preference.emv_code().to_owned()),
        Err(_) => d.warn(format!(
            "checkout challenge_indicator '{}' is not a documented value; left out of the \
             liability facts",
            excerpt(indicator.as_str())
        )),
    }
}

/// Whether the cardholder was challenged: `challenged`, or else the session's `flow_type`.
pub(super) fn challenged(challenged: Option<bool>, flow_type: Option<&FlowType>) -> Option<bool> {
    challenged.or(match flow_type {
        Some(FlowType::Challenged) => Some(true),
        Some(FlowType::Frictionless | FlowType::FrictionlessDelegated) => Some(false),
        _ => None,
    })
}

/// A success whose Mastercard ECI is `00` (not authenticated) is reported: the ECI is not an
/// exemption, and the liability rules give no shift for it.
pub(super) fn check_success_eci(d: &mut Draft) {
    let success = matches!(
        d.auth.status,
        St::Authenticated | St::Attempted | St::Exempted
    );
    let mastercard = matches!(d.auth.network, Some(Network::Mastercard | Network::Maestro));
    if success && mastercard && d.auth.eci.as_ref().is_some_and(|e| e.as_str() == "00") {
        d.warn(
            "checkout reports a successful outcome with Mastercard ECI 00 (not authenticated); \
             no exemption is inferred from it and liability does not shift",
        );
    }
}

/// A non-payment authentication (add card, verification) has no authorization to follow,
/// so a success is `none`, not `authorize`.
pub(super) fn no_authorization_without_payment(d: &mut Draft) {
    if d.facts.category == Some(Category::NonPayment)
        && matches!(
            d.auth.next_step,
            NextStep::Authorize | NextStep::AuthorizeAtOwnRisk
        )
    {
        d.auth.next_step = NextStep::None;
    }
}
