//! The 3DS 1.0.2 fallback: enrollment, the PARes status and its signature.

use crate::liability::Enrollment;
use crate::model::{AuthenticationStatus, NextStep, Retry, TransStatus};
use serde_json::json;

use super::run;

#[test]
fn threeds1_pending_enrolled_is_a_challenge() {
    let n = run(json!({"status": "PENDING", "threeDEnrollment": "Y",
                       "acsUrl": "https://acs", "threeDSecureVersion": "1.0.2"}));
    let a = &n.authentication;
    assert_eq!(a.status, AuthenticationStatus::ChallengeRequired);
    assert_eq!(a.raw.code.as_deref(), Some("Y"));
    assert_eq!(n.explain.liability.facts.enrollment, Some(Enrollment::Y));
    assert_eq!(
        n.explain.status_rule,
        "rule:paysafe.3ds1_pending_enrolled_challenge"
    );
}

#[test]
fn threeds1_completed_enrollment_rows() {
    let mc = |e: &str| {
        json!({"status": "COMPLETED", "threeDEnrollment": e, "card": {"type": "MC"},
               "threeDSecureVersion": "1.0.2"})
    };
    let a = run(mc("N")).authentication;
    assert_eq!(
        (a.status, a.reason.as_deref(), a.next_step),
        (
            AuthenticationStatus::NotEnrolled,
            Some("card_not_enrolled"),
            NextStep::AuthorizeAtOwnRisk
        )
    );
    let a = run(mc("U")).authentication;
    assert_eq!(
        (a.status, a.next_step),
        (
            AuthenticationStatus::Unavailable,
            NextStep::AuthorizeAtOwnRisk
        )
    );
    // Visa not enrolled: the matrix's "proceed" is dated, see
    // `visa_not_enrolled_proceeds_only_while_visa_shifted_liability`.
    let mut visa = mc("N");
    visa["card"]["type"] = json!("VI");
    let n = run(visa);
    assert_eq!(n.authentication.status, AuthenticationStatus::NotEnrolled);
    assert_eq!(n.authentication.retry, Some(Retry::Never));
}

#[test]
fn threeds1_completed_enrolled_uses_the_pares_status_or_is_unknown() {
    let v = json!({"status": "COMPLETED", "threeDEnrollment": "Y", "threeDResult": "Y",
                   "signatureStatus": "Y", "eci": 5, "cavv": "AAAB", "xid": "x",
                   "threeDSecureVersion": "1.0.2"});
    let n = run(v);
    assert_eq!(n.authentication.status, AuthenticationStatus::Authenticated);
    assert_eq!(n.authentication.trans_status, Some(TransStatus::Y));
    assert_eq!(n.authentication.raw.code.as_deref(), Some("Y"));
    assert_eq!(n.explain.liability.facts.signature_verified, Some(true));
    let n = run(json!({"status": "COMPLETED", "threeDEnrollment": "Y"}));
    assert_eq!(n.authentication.status, AuthenticationStatus::Unknown);
    assert_eq!(n.authentication.next_step, NextStep::Investigate);
    assert!(!n.explain.warnings.is_empty());
}

#[test]
fn failed_signature_is_never_authenticated() {
    for pares in ["Y", "A"] {
        let n = run(json!({"status": "COMPLETED", "threeDEnrollment": "Y",
                           "threeDResult": pares, "signatureStatus": "N"}));
        let a = &n.authentication;
        assert_eq!(a.status, AuthenticationStatus::Unavailable, "{pares}");
        assert_eq!(a.next_step, NextStep::AuthorizeAtOwnRisk);
        assert_eq!(a.reason.as_deref(), Some("signature_verification_failed"));
        assert_eq!(a.retry, Some(Retry::Later));
        assert_eq!(n.explain.liability.facts.signature_verified, Some(false));
    }
    let a = run(json!({"status": "COMPLETED", "threeDEnrollment": "Y",
                       "threeDResult": "N", "signatureStatus": "N"}))
    .authentication;
    assert_eq!(a.status, AuthenticationStatus::Failed);
}
