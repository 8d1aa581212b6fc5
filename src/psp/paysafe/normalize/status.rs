//! What a Paysafe `status` means with the `threeDResult` or `threeDEnrollment` beside it
//! (`COMPLETED`, `PENDING`, none), contradictions between them, and the rules that refine
//! an outcome (non-payment, the 3DS 1.0.2 PARes signature).

use crate::liability::Category;
use crate::model::{AuthenticationStatus, NextStep, Retry};
use crate::normalize::{Context, Draft};
use threeds_paysafe::response::Authentication;
use threeds_paysafe::{SignatureStatus, Status, ThreeDEnrollment, ThreeDResult};

/// `COMPLETED`: the outcome is `threeDResult` (3DS2), or for the 3DS 1.0.2 fallback the
/// enrollment, and with enrollment `Y` the PARes status in `threeDResult`.
pub(super) fn completed(d: &mut Draft, ctx: &Context<'_>, a: &Authentication) {
    if let Some(enrollment) = &a.three_d_enrollment {
        match enrollment {
            ThreeDEnrollment::Y => match &a.three_d_result {
                Some(ThreeDResult::C) => completed_with_c(d),
                Some(result) => {
                    d.apply_catalog(ctx, "three_d_result", result.as_str());
                }
                None => {
                    // Enrolled and completed, but no PARes status: the outcome is not in
                    // the document. Never guessed.
                    d.set_status(
                        AuthenticationStatus::Unknown,
                        NextStep::Investigate,
                        "rule:paysafe.3ds1_completed_without_pares_status",
                    );
                    d.warn(
                        "paysafe 3DS 1.0.2 authentication COMPLETED with threeDEnrollment Y \
                         but no threeDResult (PARes status): outcome unknown",
                    );
                }
            },
            ThreeDEnrollment::N => {
                // Visa's "proceed" is dated: `visa_not_enrolled_rule`.
                d.apply_catalog(ctx, "three_d_enrollment", "N");
            }
            ThreeDEnrollment::U => {
                d.apply_catalog(ctx, "three_d_enrollment", "U");
            }
            ThreeDEnrollment::Unknown(e) => d.set_unknown("three_d_enrollment", e),
        }
        return;
    }
    match &a.three_d_result {
        Some(ThreeDResult::C) => completed_with_c(d),
        Some(result) => {
            d.apply_catalog(ctx, "three_d_result", result.as_str());
        }
        None => {
            d.set_status(
                AuthenticationStatus::Unknown,
                NextStep::Investigate,
                "rule:paysafe.completed_without_result",
            );
            d.warn("paysafe authentication COMPLETED without threeDResult or threeDEnrollment");
        }
    }
}

/// `C` is "challenge required": it contradicts `COMPLETED`, so neither is trusted.
fn completed_with_c(d: &mut Draft) {
    contradiction(
        d,
        "rule:paysafe.completed_with_challenge_result",
        "paysafe status COMPLETED with threeDResult C (challenge required)".to_owned(),
    );
}

/// Two fields of the document that contradict each other: neither is trusted, so the
/// outcome is `unknown` / `investigate`, never the more positive of the two (a rejected
/// result is not turned into a wait, an error into an authorization).
pub(super) fn contradiction(d: &mut Draft, rule: &str, what: String) {
    d.set_status(AuthenticationStatus::Unknown, NextStep::Investigate, rule);
    d.auth.retry = None;
    d.warn(format!("{what}: contradictory; reported as unknown"));
}

/// A non-payment authentication (`messageCategory` `NON_PAYMENT`: adding or maintaining a
/// card, verifying a token) has no payment to authorize, so a Y, A or U leaves nothing to
/// do (`none`) rather than `authorize` or `authorize_at_own_risk`.
pub(super) fn non_payment_rule(d: &mut Draft) {
    let authorizes = matches!(
        d.auth.next_step,
        NextStep::Authorize | NextStep::AuthorizeAtOwnRisk
    );
    if d.facts.category == Some(Category::NonPayment) && authorizes {
        d.auth.next_step = NextStep::None;
    }
}

/// `PENDING`: a challenge (3DS2 `C`, or 3DS1 enrollment `Y`), else still waiting; a final
/// result or enrollment with it is a contradiction (the blueprint pairs PENDING only with
/// `C` or enrollment `Y`). An abandoned challenge also stays PENDING (the blueprint's
/// `status` enum has no expired state).
pub(super) fn pending(d: &mut Draft, ctx: &Context<'_>, a: &Authentication) {
    if let Some(enrollment) = &a.three_d_enrollment {
        match enrollment {
            ThreeDEnrollment::Y => d.set_status(
                AuthenticationStatus::ChallengeRequired,
                NextStep::ChallengeCardholder,
                "rule:paysafe.3ds1_pending_enrolled_challenge",
            ),
            ThreeDEnrollment::Unknown(e) => d.set_unknown("three_d_enrollment", e),
            other => contradiction(
                d,
                "rule:paysafe.pending_with_final_enrollment",
                format!(
                    "paysafe status PENDING with threeDEnrollment {other} (a final 3DS1 answer)"
                ),
            ),
        }
        if d.auth.status == AuthenticationStatus::ChallengeRequired {
            d.auth.reason = Some("challenge_required".to_owned());
        }
        return;
    }
    match &a.three_d_result {
        Some(ThreeDResult::C) => {
            d.apply_catalog(ctx, "three_d_result", "C");
        }
        Some(ThreeDResult::Unknown(r)) => d.set_unknown("three_d_result", r),
        Some(other) => contradiction(
            d,
            "rule:paysafe.pending_with_final_result",
            format!("paysafe status PENDING with threeDResult {other} (a final result)"),
        ),
        None => {
            d.apply_catalog(ctx, "status", Status::Pending.as_str());
        }
    }
}

/// No `status`: the shape of the `authentication` object handed to the Card Payments API
/// (eci, cavv, threeDResult, version, DS id: developer.paysafe.com "Process a Card Purchase with
/// 3D Secure 2" and "External 3DS for 3DS 2.0"). The result alone decides.
pub(super) fn no_status(d: &mut Draft, ctx: &Context<'_>, a: &Authentication) {
    d.warn("paysafe authentication without status; outcome read from threeDResult alone");
    match (&a.three_d_enrollment, &a.three_d_result) {
        (Some(ThreeDEnrollment::N), _) => {
            d.apply_catalog(ctx, "three_d_enrollment", "N");
        }
        (Some(ThreeDEnrollment::U), _) => {
            d.apply_catalog(ctx, "three_d_enrollment", "U");
        }
        (_, Some(ThreeDResult::C)) => {
            d.apply_catalog(ctx, "three_d_result", "C");
        }
        (_, Some(result)) => {
            d.apply_catalog(ctx, "three_d_result", result.as_str());
        }
        (_, None) => d.set_status(
            AuthenticationStatus::Unknown,
            NextStep::Investigate,
            "rule:paysafe.no_status_no_result",
        ),
    }
}

/// 3DS 1.0.2: a failed PARes signature check means the result cannot be trusted. The
/// blueprint's 3DS 1.0.2 liability tables put every such row ("Y | any | any | any | N") at
/// merchant liability with "consider", so a positive result (Y or A) is reported as
/// `unavailable` / `authorize_at_own_risk`, never `authenticated`. Negative results (N, U,
/// R) stay as they are.
pub(super) fn signature_rule(d: &mut Draft, a: &Authentication) {
    if a.signature_status != Some(SignatureStatus::N) {
        return;
    }
    if matches!(
        d.auth.status,
        AuthenticationStatus::Authenticated | AuthenticationStatus::Attempted
    ) {
        d.set_status(
            AuthenticationStatus::Unavailable,
            NextStep::AuthorizeAtOwnRisk,
            "rule:paysafe.3ds1_signature_check_failed",
        );
        d.auth.reason = Some("signature_verification_failed".to_owned());
        // Unavailable, as a U: a new authentication may verify, after a delay at any PSP
        // (the ACS signs the PARes, whichever PSP asks).
        d.auth.retry = Some(Retry::Later);
        d.warn(
            "paysafe signatureStatus N: at least one PARes transaction or signature check \
             failed; the result is not treated as authenticated",
        );
    }
}
