//! What each PXP state means: the catalog's `state` row, refined where the state folds EMV
//! outcomes together (the ECI within `AuthenticationSuccessful`, U within
//! `AuthenticationFailed`), a contradicting transStatus, and `stateData.code`.

use crate::model::reason::{emv_reason_retry, normalize_code};
use crate::model::{
    AuthenticationStatus as S, Network, NextAction, NextStep as N, Retry, TransStatus,
};
use crate::normalize::{Context, Draft};
use threeds_pxp::response::Authentication;
use threeds_wire::excerpt;

use super::authentication::non_empty;
use super::P;

pub(super) fn pending_client_data(d: &mut Draft, a: &Authentication) {
    let url = non_empty(&a.three_d_secure_fingerprint_url);
    let data = non_empty(&a.three_d_secure_fingerprint_data);
    d.auth.next_action = Some(match (url, data) {
        // Both non-empty: run the 3DS Method (standalone guide step 4). Empty fields mean
        // the issuer has no 3DS Method: go straight to initiate with browser data.
        (Some(url), Some(data)) => {
            d.auth.reason = Some("awaiting_three_ds_method".into());
            NextAction::ThreeDsMethod {
                url,
                data: Some(data),
            }
        }
        _ => NextAction::CollectDeviceData,
    });
    if d.auth.eci.is_some() || d.auth.authentication_value.is_some() {
        d.warn(
            "pxp PendingClientData carries an ECI or authentication value (as PXP's own get \
             example does); the state decides: pending",
        );
    }
}

/// Where the ECI values of a success state come from: the schemes' ECI tables.
const ECI_SOURCE: &str = "https://www.checkout.com/docs/developer-resources/codes/eci-values";

/// `AuthenticationSuccessful`: Y, A or an exemption. A transStatus decides when present;
/// otherwise the ECI, read per network when PXP names the scheme (ECI tables:
/// <https://www.checkout.com/docs/developer-resources/codes/eci-values>).
pub(super) fn successful(d: &mut Draft, trans_status: Option<&TransStatus>) {
    if let Some(ts) = trans_status {
        match ts {
            TransStatus::Y => d.set_status(
                S::Authenticated,
                N::Authorize,
                "rule:pxp.successful_trans_status_y",
            ),
            TransStatus::A => d.set_status(
                S::Attempted,
                N::Authorize,
                "rule:pxp.successful_trans_status_a",
            ),
            TransStatus::I => d.set_status(
                S::Exempted,
                N::Authorize,
                "rule:pxp.successful_trans_status_i",
            ),
            TransStatus::R => rejected_by_trans_status(d, "AuthenticationSuccessful"),
            other => contradiction(
                d,
                "rule:pxp.successful_with_contradicting_trans_status",
                format!(
                    "pxp AuthenticationSuccessful with transStatus '{}'; not guessed",
                    excerpt(other.as_str())
                ),
            ),
        }
        return;
    }
    let Some(eci) = d.auth.eci.as_ref().map(|e| e.as_str().to_owned()) else {
        successful_without_eci(d);
        return;
    };
    let mastercard = matches!(d.auth.network, Some(Network::Mastercard | Network::Maestro));
    let known_other = d.auth.network.is_some() && !mastercard;
    let (status, rule) = match (eci.as_str(), mastercard) {
        ("05", false) | ("02", _) => (S::Authenticated, "rule:pxp.successful_eci_authenticated"),
        // Mastercard ECI 07 is an authenticated recurring / 3RI series.
        ("07", true) => (
            S::Authenticated,
            "rule:pxp.successful_mastercard_eci_07_authenticated",
        ),
        ("06", false) => {
            if !known_other {
                d.warn(
                    "pxp ECI 06 without a card network is ambiguous: attempted (A) for \
                     Visa, Amex, Discover, JCB, but an exemption (I) for Mastercard",
                );
            }
            (S::Attempted, "rule:pxp.successful_eci_06_attempted")
        }
        ("06", true) => (
            S::Exempted,
            "rule:pxp.successful_mastercard_eci_06_exempted",
        ),
        // 01 is Mastercard's attempts value; no other scheme uses it.
        ("01", _) => (S::Attempted, "rule:pxp.successful_eci_01_attempted"),
        // A success without liability shift: Visa-family 07 is an exemption the merchant
        // flagged or an informational (I) outcome.
        ("07", false) => (S::Exempted, "rule:pxp.successful_eci_07_exempted"),
        // Mastercard 00 is "not authenticated / failed": it contradicts the success state
        // and is not an exemption (a Mastercard exemption is I with ECI 06).
        ("00", _) => {
            contradiction(
                d,
                "rule:pxp.successful_with_eci_00",
                "pxp AuthenticationSuccessful with ECI 00 (not authenticated); not guessed",
            );
            return;
        }
        (other, _) => {
            contradiction(
                d,
                "rule:pxp.successful_unexpected_eci",
                format!(
                    "pxp AuthenticationSuccessful with ECI '{}', which no success maps to",
                    excerpt(other)
                ),
            );
            return;
        }
    };
    d.set_status(status, N::Authorize, rule);
}

/// `AuthenticationSuccessful` without an ECI (and without a transStatus): PXP's state folds
/// Y, A and exemptions together, and only the ECI tells them apart.
///
/// The status stays `authenticated`, PXP's own word for the state ("The 3DS authentication
/// request was successful", with the advice to proceed to authorisation): `attempted` or
/// `exempted` would be guesses of their own, and `unknown` would say PXP sent a value this
/// version does not know, which it did not. What the document does not show is not
/// claimed: `trans_status` stays null, the reason says the ECI is missing, and liability is
/// null, since Y, A and an exemption shift it differently.
fn successful_without_eci(d: &mut Draft) {
    d.set_status(
        S::Authenticated,
        N::Authorize,
        "rule:pxp.successful_without_eci",
    );
    d.auth.reason = Some("eci_not_reported".to_owned());
    d.warn(
        "pxp AuthenticationSuccessful without an ECI: Y, A and an exemption cannot be told \
         apart; liability unknown",
    );
    d.set_liability(None, "pxp.successful_without_eci", ECI_SOURCE);
}

/// `AuthenticationFailed`: EMV N or U (states page, "Transaction status = N / U"). A
/// transStatus decides; without one, code 22 (ACS technical issue), which only a technical
/// inability produces, makes it U, and anything else stays N, the less positive reading.
/// Then the transStatusReason applies as at every PSP (retry by reason family, 14 expired).
pub(super) fn failed(d: &mut Draft, trans_status: Option<&TransStatus>, code: Option<&str>) {
    match trans_status {
        Some(TransStatus::U) => unavailable(d, "rule:pxp.failed_trans_status_u"),
        Some(TransStatus::N) => {}
        None => {
            if code.and_then(normalize_code).as_deref() == Some("22") {
                unavailable(d, "rule:pxp.failed_code_22_unavailable");
            }
        }
        Some(TransStatus::R) => rejected_by_trans_status(d, "AuthenticationFailed"),
        // A (and Y) must not be folded into failed: the document contradicts itself.
        Some(ts @ (TransStatus::Y | TransStatus::A)) => {
            contradiction(
                d,
                "rule:pxp.failed_with_contradicting_trans_status",
                format!("pxp AuthenticationFailed with transStatus '{ts}'; not guessed"),
            );
            return;
        }
        // I does not turn a failure into an exemption; a non-final or unknown value does
        // not undo it either.
        Some(other) => d.warn(format!(
            "pxp AuthenticationFailed with transStatus '{}'; the state decides",
            excerpt(other.as_str())
        )),
    }
    if let Some(code) = code {
        d.apply_trans_status_reason(code);
    }
}

/// EMV U: authentication could not be performed. Authorization is still the merchant's
/// call (at own risk); a new attempt helps only later, as the directory server and ACS that
/// failed are the same through every PSP.
fn unavailable(d: &mut Draft, rule: &'static str) {
    d.set_status(S::Unavailable, N::AuthorizeAtOwnRisk, rule);
    d.auth.retry = Some(Retry::Later);
}

/// A transStatus R in a state that is not `AuthenticationRejected`: R never loses
/// `rejected`, whatever the state says.
fn rejected_by_trans_status(d: &mut Draft, state: &str) {
    d.set_status(
        S::Rejected,
        N::DoNotAuthorize,
        "rule:pxp.trans_status_r_rejects",
    );
    d.auth.retry = Some(Retry::Never);
    d.warn(format!(
        "pxp {state} with transStatus R; rejected, as the issuer asks"
    ));
}

/// A document that contradicts itself: `unknown` / `investigate`, never the more positive
/// reading, and no retry advice.
fn contradiction(d: &mut Draft, rule: &'static str, message: impl Into<String>) {
    d.set_status(S::Unknown, N::Investigate, rule);
    d.auth.retry = None;
    d.warn(message);
}

/// `AuthenticationError`: PXP's own failure (the state row's `other_psp`), unless the state
/// code names the cause and its EMV reason family says otherwise (22, an ACS technical
/// issue, is the same through every PSP: `later`).
pub(super) fn errored(d: &mut Draft, code: Option<&str>) {
    if let Some(retry) = code.and_then(emv_reason_retry) {
        d.auth.retry = Some(retry);
    }
}

/// A fraud or "never retry" reason (EMV 09-12 and the like) is never retried, whatever else
/// the document says (a challenge cancel indicator, an error state).
pub(super) fn fraud_is_never_retried(d: &mut Draft, code: &str) {
    if emv_reason_retry(code) == Some(Retry::Never) && d.auth.retry.is_some() {
        d.auth.retry = Some(Retry::Never);
    }
}

/// The exemption a directory server names in the transStatusReason of a success, where the
/// scheme is known (DS-specific codes 80-99: Visa 89 "CAVV included in response, Secure
/// Corporate Payment exemption", Mastercard 81 "acquirer SCA exemption accepted"; IXOPAY
/// brand-specific 3DS guidelines,
/// <https://documentation.ixopay.com/modules/docs/tokenex/3ds-brand-specific-guidelines>).
/// PXP has no field naming the applied exemption, so this is the only place it shows.
pub(super) fn reported_exemption(d: &mut Draft, code: &str) {
    if !matches!(d.auth.status, S::Authenticated | S::Exempted) {
        return;
    }
    let word = match (d.auth.network, normalize_code(code).as_deref()) {
        (Some(Network::Visa), Some("89")) => "secure_corporate",
        (Some(Network::Mastercard | Network::Maestro), Some("81")) => "acquirer",
        _ => return,
    };
    d.auth.exemption = Some(word.to_owned());
    d.facts.exemption = Some(word.to_owned());
}

/// The EMV challengeCancel indicator, where PXP sends it, turns a failed or errored
/// challenge into an abandoned / timed-out one (its catalog row decides status, next step
/// and retry). It never undoes a rejection (R stays `rejected`) or a contradiction
/// (`unknown`). An indicator the catalog does not know is reported and leaves the state's
/// outcome.
pub(super) fn challenge_cancel(d: &mut Draft, a: &Authentication, ctx: &Context<'_>) {
    let Some(code) = a.challenge_cancel() else {
        return;
    };
    if matches!(d.auth.status, S::Rejected | S::Unknown) {
        d.warn(format!(
            "pxp challengeCancel '{}' with a {} outcome; the outcome stands",
            excerpt(code),
            d.auth.status
        ));
        return;
    }
    let key = normalize_code(code).unwrap_or_else(|| code.to_owned());
    if ctx.catalog.lookup(P, "challenge_cancel", &key).is_some() {
        d.apply_catalog(ctx, "challenge_cancel", &key);
    } else {
        d.warn(format!(
            "pxp challengeCancel '{}' is not in the catalog",
            excerpt(code)
        ));
    }
}
