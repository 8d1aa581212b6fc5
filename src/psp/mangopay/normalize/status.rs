//! What a pay-in's `Status` means with the 3-D Secure fields beside it: `CREATED` (a redirect
//! to follow), `SUCCEEDED` (how the cardholder was authenticated, if that is known) and
//! `FAILED` (`ResultCode`).

use crate::model::{AuthenticationStatus as Status, NextAction, NextStep as Step};
use crate::normalize::{Context, Draft};
use threeds_mangopay::{PayIn, PaymentCategory};

const FRICTIONLESS_SOURCE: &str = "https://docs.mangopay.com/guides/payment-methods/card/3ds \
     (How does it work: a frictionless flow is the issuer not requiring SCA, which Mangopay calls \
     an exemption; exemptions are requested by Mangopay as acquirer): a SUCCEEDED pay-in without \
     a 3DS redirect that ran 3DS may be an issuer frictionless Y or an acquirer exemption; \
     Mangopay reports neither transStatus nor ECI, so liability cannot be known";
const MOTO_SOURCE: &str = "https://docs.mangopay.com/guides/payment-methods/card/3ds (MOTO \
     transactions: SCA does not apply and liability is always with the platform)";
const NOT_REPORTED_SOURCE: &str =
    "https://docs.mangopay.com/api-reference/direct-card-payins/direct-card-payin-object \
     (SecureModeNeeded: whether the SecureMode was used): a pay-in that does not say whether \
     3DS redirected the cardholder (a Web card pay-in reports neither SecureModeNeeded nor \
     Applied3DSVersion) does not show how, or whether, the cardholder was authenticated";

pub(super) fn created(d: &mut Draft, p: &PayIn) {
    let non_empty = |u: &Option<String>| u.clone().filter(|u| !u.trim().is_empty());
    if let Some(code) = &p.result_code {
        d.warn(format!(
            "mangopay CREATED pay-in carries ResultCode '{code}'; ignored until it is final"
        ));
    }
    if p.secure_mode_needed == Some(true) {
        if let Some(url) = non_empty(&p.secure_mode_redirect_url) {
            d.set_status(
                Status::ChallengeRequired,
                Step::ChallengeCardholder,
                "rule:mangopay.created_secure_mode_redirect",
            );
            d.auth.reason = Some("challenge_required".to_owned());
            d.auth.challenged = Some(true);
            // A full-page browser redirect, not an iframe CReq
            // (https://docs.mangopay.com/guides/payment-methods/card/direct/how-to).
            d.auth.next_action = Some(NextAction::Redirect { url });
            return;
        }
        d.warn("mangopay CREATED pay-in needs SecureMode but has no SecureModeRedirectURL");
    }
    if p.is_web() {
        if let Some(url) = non_empty(&p.redirect_url) {
            // The hosted payment page, where card entry and 3DS happen.
            d.set_status(
                Status::Pending,
                Step::Wait,
                "rule:mangopay.web_payin_created_payment_page",
            );
            d.auth.reason = Some("awaiting_cardholder".to_owned());
            d.auth.next_action = Some(NextAction::Redirect { url });
        }
    }
    // Otherwise the catalog's CREATED row stands: pending, wait for the hook or poll.
}

pub(super) fn succeeded(d: &mut Draft, p: &PayIn, ctx: &Context<'_>) {
    match p.result_code.as_deref() {
        Some("000000") => {
            d.apply_catalog(ctx, "result_code", "000000");
        }
        other => {
            let code = other.unwrap_or("null");
            mark_unknown(
                d,
                &format!("status+result_code:SUCCEEDED+{code}"),
                &format!("a SUCCEEDED pay-in with ResultCode {code} (expected 000000)"),
            );
            return;
        }
    }
    if p.payment_category == Some(PaymentCategory::TelephoneOrder) {
        d.set_status(
            Status::Exempted,
            Step::None,
            "rule:mangopay.succeeded_moto_out_of_sca_scope",
        );
        d.auth.reason = Some("moto_out_of_sca_scope".to_owned());
        d.auth.challenged = Some(false);
        d.set_liability(Some(false), "mangopay.moto_no_liability_shift", MOTO_SOURCE);
        return;
    }
    if is_merchant_initiated(p) {
        // A recurring MIT is out of SCA scope (https://docs.mangopay.com/guides/payment-methods/card/3ds,
        // Out of scope). Its Applied3DSVersion is the registration's, carried over from the
        // CIT that authenticated the series; no 3DS ran for this pay-in.
        d.set_status(
            Status::Exempted,
            Step::None,
            "rule:mangopay.succeeded_recurring_mit",
        );
        d.auth.reason = Some("merchant_initiated".to_owned());
        d.auth.exemption = Some("merchant_initiated".to_owned());
        d.facts.exemption = Some("merchant_initiated".to_owned());
        d.auth.challenged = Some(false);
        return;
    }
    match p.secure_mode_needed {
        Some(true) => succeeded_after_challenge(d),
        Some(false) => succeeded_without_redirect(d, p),
        None => succeeded_not_reported(d, p),
    }
}

/// The cardholder went through the 3DS redirect and the pay-in then succeeded: the document
/// shows an authentication that passed (SecureModeNeeded true, the payment made).
///
/// Mangopay is the acquirer: it receives the authentication value from the ACS and sends it in
/// its own authorization, so the value the schemes need for the shift (Visa reclassifies ECI
/// 05/06 without a CAVV to 07) was present where it counts, though never shown to the
/// platform. Mangopay refuses a pay-in whose authentication cannot shift liability (008515,
/// "do not benefit from liability shift") and says that when SCA is applied the platform
/// benefits from the shift (https://docs.mangopay.com/guides/payment-methods/card/3ds,
/// Benefits). The scheme tables then decide, at the pay-in's date.
fn succeeded_after_challenge(d: &mut Draft) {
    d.set_status(
        Status::Authenticated,
        Step::None,
        "rule:mangopay.succeeded_after_challenge",
    );
    d.auth.challenged = Some(true);
    d.facts.authentication_value_present = Some(true);
}

/// No redirect. With an `Applied3DSVersion` a 3DS2 exchange ran and the issuer let it through
/// without a challenge: an issuer frictionless Y or an exemption Mangopay requested as acquirer,
/// which Mangopay does not tell apart, so liability is null. Without one, no 3DS ran for this
/// payment (out of SCA scope, or an exemption applied in the authorization): `exempted`.
fn succeeded_without_redirect(d: &mut Draft, p: &PayIn) {
    d.auth.challenged = Some(false);
    if p.applied_3ds_version.is_some() {
        d.set_status(
            Status::Authenticated,
            Step::None,
            "rule:mangopay.succeeded_frictionless",
        );
        d.auth.reason = Some("frictionless".to_owned());
        d.set_liability(
            None,
            "mangopay.frictionless_outcome_not_reported",
            FRICTIONLESS_SOURCE,
        );
    } else {
        d.set_status(
            Status::Exempted,
            Step::None,
            "rule:mangopay.succeeded_without_3ds",
        );
        d.auth.reason = Some("no_3ds_performed".to_owned());
        // No authentication took place, whatever the network: nothing to shift liability.
        d.set_liability(
            Some(false),
            "mangopay.no_3ds_performed",
            "Worldpay 'What is liability shift' and Monext '3D-Secure - Liability shift': a shift needs authentication data, and no 3DS ran for this pay-in",
        );
    }
}

/// A SUCCEEDED pay-in that does not say whether the cardholder was redirected (a Web card
/// pay-in never does). `authenticated` only where `Applied3DSVersion` shows that 3DS ran;
/// otherwise nothing shows an authentication, and `exempted` is the success that claims none.
/// Either way liability cannot be known.
fn succeeded_not_reported(d: &mut Draft, p: &PayIn) {
    if p.applied_3ds_version.is_some() {
        d.set_status(
            Status::Authenticated,
            Step::None,
            "rule:mangopay.succeeded_3ds_redirect_not_reported",
        );
    } else {
        d.set_status(
            Status::Exempted,
            Step::None,
            "rule:mangopay.succeeded_3ds_not_reported",
        );
    }
    d.auth.reason = Some(if p.is_web() {
        "web_payin_3ds_not_reported".to_owned()
    } else {
        "3ds_outcome_not_reported".to_owned()
    });
    d.warn(if p.is_web() {
        "mangopay Web pay-in succeeded; the hosted page does not report its 3DS outcome"
    } else {
        "mangopay SUCCEEDED pay-in has no SecureModeNeeded; its 3DS outcome is not known"
    });
    d.set_liability(
        None,
        "mangopay.3ds_outcome_not_reported",
        NOT_REPORTED_SOURCE,
    );
}

/// A recurring pay-in created by the platform without the cardholder: the MIT endpoint takes
/// no `BrowserInfo` and no `IpAddress`, which the CIT endpoint requires.
fn is_merchant_initiated(p: &PayIn) -> bool {
    p.recurring_payin_registration_id.is_some()
        && p.browser_info.is_none()
        && p.ip_address.is_none()
}

pub(super) fn failed(d: &mut Draft, p: &PayIn, ctx: &Context<'_>) {
    let Some(code) = p.result_code.as_deref() else {
        mark_unknown(
            d,
            "status+result_code:FAILED+null",
            "a FAILED pay-in without ResultCode",
        );
        return;
    };
    let Some(entry) = d.apply_catalog(ctx, "result_code", code) else {
        return;
    };
    if entry.status.is_none() {
        mark_unknown(
            d,
            &format!("status+result_code:FAILED+{code}"),
            &format!("a FAILED pay-in with ResultCode {code}, which does not decide a failure"),
        );
        return;
    }
    // SecureModeNeeded stays true after the redirect (the 101301 and 101304 examples on
    // https://docs.mangopay.com/errors/codes): the cardholder was sent to the challenge,
    // whatever happened there.
    d.auth.challenged = p.secure_mode_needed;
}

pub(super) fn mark_unknown(d: &mut Draft, rule: &str, what: &str) {
    d.set_status(
        Status::Unknown,
        Step::Investigate,
        format!("unknown:mangopay/{rule}"),
    );
    d.auth.reason = Some("unknown_psp_value".to_owned());
    d.warn(format!("mangopay: {what}; reported as unknown"));
}
