//! `AuthenticationSuccessful`: refined by the ECI or a transStatus, its liability and the
//! exemption the directory server names.

use crate::model::{AuthenticationStatus as S, NextStep as N, TransStatus};
use serde_json::json;

use super::{get, outcome, run};

#[test]
fn successful_is_refined_by_eci() {
    for (eci, want, rule) in [
        (
            "05",
            S::Authenticated,
            "rule:pxp.successful_eci_authenticated",
        ),
        (
            "5",
            S::Authenticated,
            "rule:pxp.successful_eci_authenticated",
        ),
        (
            "02",
            S::Authenticated,
            "rule:pxp.successful_eci_authenticated",
        ),
        ("06", S::Attempted, "rule:pxp.successful_eci_06_attempted"),
        ("01", S::Attempted, "rule:pxp.successful_eci_01_attempted"),
        ("07", S::Exempted, "rule:pxp.successful_eci_07_exempted"),
        ("00", S::Unknown, "rule:pxp.successful_with_eci_00"),
        ("04", S::Unknown, "rule:pxp.successful_unexpected_eci"),
    ] {
        let n = run(get(
            "AuthenticationSuccessful",
            json!({"electronicCommerceIndicator": eci,
                   "cardholderAuthenticationVerificationValue": "AAABBB"}),
        ));
        assert_eq!(n.authentication.status, want, "{eci}");
        assert_eq!(n.explain.status_rule, rule, "{eci}");
    }
}

#[test]
fn eci_06_warns_without_network_and_is_exempted_for_mastercard() {
    let n = run(get(
        "AuthenticationSuccessful",
        json!({"electronicCommerceIndicator": "06"}),
    ));
    assert!(n.explain.warnings.iter().any(|w| w.contains("ambiguous")));
    let n = run(get(
        "AuthenticationSuccessful",
        json!({"electronicCommerceIndicator": "06", "cardScheme": "Mastercard"}),
    ));
    assert_eq!(n.authentication.status, S::Exempted);
    let n = run(get(
        "AuthenticationSuccessful",
        json!({"electronicCommerceIndicator": "06", "cardScheme": "Visa"}),
    ));
    assert_eq!(n.authentication.status, S::Attempted);
    assert!(n.explain.warnings.is_empty());
}

#[test]
fn trans_status_decides_over_eci() {
    let n = run(get(
        "AuthenticationSuccessful",
        json!({"electronicCommerceIndicator": "06", "threeDSecureTransactionStatus": "I"}),
    ));
    assert_eq!(n.authentication.status, S::Exempted);
    assert_eq!(n.authentication.trans_status, Some(TransStatus::I));
    let n = run(get(
        "AuthenticationFailed",
        json!({"transactionStatus": "U"}),
    ));
    assert_eq!(n.authentication.status, S::Unavailable);
}

#[test]
fn a_success_with_n_or_u_is_not_authorized() {
    for ts in ["N", "U"] {
        let n = run(get(
            "AuthenticationSuccessful",
            json!({"transactionStatus": ts, "electronicCommerceIndicator": "05"}),
        ));
        assert_eq!(outcome(&n), (S::Unknown, N::Investigate, None), "{ts}");
    }
}

#[test]
fn mastercard_eci_00_on_a_success_is_not_an_exemption() {
    let n = run(get(
        "AuthenticationSuccessful",
        json!({"electronicCommerceIndicator": "00", "cardScheme": "Mastercard",
               "cardholderAuthenticationVerificationValue": "AAAB"}),
    ));
    assert_eq!(outcome(&n), (S::Unknown, N::Investigate, None));
    assert_eq!(n.authentication.exemption, None);
    assert_eq!(n.authentication.liability_shift, None);
}

#[test]
fn a_success_without_eci_claims_no_liability_and_no_trans_status() {
    // Mastercard Y without an authentication value would shift (Stand-In): only the ECI
    // could show it was Y.
    let n = run(get(
        "AuthenticationSuccessful",
        json!({"cardScheme": "Mastercard"}),
    ));
    let a = &n.authentication;
    assert_eq!(outcome(&n), (S::Authenticated, N::Authorize, None));
    assert_eq!(a.trans_status, None);
    assert_eq!(a.liability_shift, None);
    assert_eq!(a.reason.as_deref(), Some("eci_not_reported"));
    assert_eq!(n.explain.liability.rule, "pxp.successful_without_eci");
}

#[test]
fn visa_success_shifts_only_with_a_cavv() {
    let with = run(get(
        "AuthenticationSuccessful",
        json!({"electronicCommerceIndicator": "05", "cardScheme": "Visa",
               "cardholderAuthenticationVerificationValue": "AAAB"}),
    ));
    assert_eq!(with.authentication.liability_shift, Some(true));
    let without = run(get(
        "AuthenticationSuccessful",
        json!({"electronicCommerceIndicator": "05", "cardScheme": "Visa",
               "cardholderAuthenticationVerificationValue": null}),
    ));
    assert_eq!(without.authentication.status, S::Authenticated);
    assert_ne!(without.authentication.liability_shift, Some(true));
    assert_eq!(
        without.explain.liability.facts.authentication_value_present,
        Some(false)
    );
}

#[test]
fn an_exemption_the_directory_server_names_is_exported() {
    let n = run(get(
        "AuthenticationSuccessful",
        json!({"electronicCommerceIndicator": "07", "cardScheme": "Visa",
               "cardholderAuthenticationVerificationValue": "AAAB",
               "stateData": {"code": "89"}}),
    ));
    assert_eq!(n.authentication.status, S::Exempted);
    assert_eq!(
        n.authentication.exemption.as_deref(),
        Some("secure_corporate")
    );
    assert_eq!(n.authentication.liability_shift, Some(false));
    let n = run(get(
        "AuthenticationSuccessful",
        json!({"electronicCommerceIndicator": "06", "cardScheme": "Mastercard",
               "stateData": {"code": "81"}}),
    ));
    assert_eq!(n.authentication.exemption.as_deref(), Some("acquirer"));
    // Without the scheme a DS-specific code names nothing (81 is an ACS timeout at Visa).
    let n = run(get(
        "AuthenticationSuccessful",
        json!({"electronicCommerceIndicator": "07", "stateData": {"code": "81"}}),
    ));
    assert_eq!(n.authentication.status, S::Exempted);
    assert_eq!(n.authentication.exemption, None);
}
