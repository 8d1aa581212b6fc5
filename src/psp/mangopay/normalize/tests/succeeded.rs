//! `SUCCEEDED` pay-ins: how the cardholder was authenticated, if that is known, its date
//! and liability.

use crate::model::{AuthenticationStatus as Status, NextStep as Step};
use serde_json::json;

use super::{payin, run};

#[test]
fn succeeded_after_a_challenge_is_authenticated_and_done() {
    let a = run(payin(
        json!({"Status": "SUCCEEDED", "ResultCode": "000000"}),
    ))
    .authentication;
    assert_eq!((a.status, a.next_step), (Status::Authenticated, Step::None));
    assert_eq!(a.challenged, Some(true));
    assert_eq!(a.retry, None);
}

#[test]
fn succeeded_after_a_challenge_shifts_liability_with_the_cavv_mangopay_used() {
    let n = run(payin(json!({"Status": "SUCCEEDED", "ResultCode": "000000",
        "CreationDate": 1_700_210_889})));
    assert_eq!(n.authentication.liability_shift, Some(true));
    assert_eq!(n.explain.liability.rule, "visa.v2.y");
    assert_eq!(
        n.explain.liability.facts.authentication_value_present,
        Some(true)
    );
    // Mangopay keeps the value: it is never shown, only counted as used.
    assert!(n.authentication.authentication_value.is_none());
    assert!(n.authentication.trans_status.is_none());
}

#[test]
fn authenticated_at_comes_from_creation_date_whatever_the_status() {
    for status in [
        json!({"Status": "SUCCEEDED", "ResultCode": "000000",
        "ExecutionDate": 1_700_300_000}),
        json!({"Status": "FAILED"}),
    ] {
        let mut doc = payin(status);
        doc["CreationDate"] = json!(1_700_210_889);
        let a = run(doc).authentication;
        assert_eq!(a.authenticated_at.as_deref(), Some("2023-11-17T08:48:09Z"));
    }
    let n = run(payin(json!({"CreationDate": "soon"})));
    assert_eq!(n.authentication.authenticated_at, None);
    assert!(n
        .explain
        .warnings
        .iter()
        .any(|w| w.contains("CreationDate")));
}

#[test]
fn authenticated_at_dates_the_liability_rules() {
    // A 3DS 1.0.2 challenge that passed: Visa shifted liability in 2019, and not after
    // every scheme retired 3DS 1.0.2.
    let at = |date: u64| {
        run(payin(json!({"Status": "SUCCEEDED", "ResultCode": "000000",
            "Applied3DSVersion": "V1", "CreationDate": date})))
        .explain
        .liability
    };
    let (old, new) = (at(1_556_000_000), at(1_750_000_000));
    assert_eq!(new.rule, "visa.v1.retired");
    assert_ne!(old.rule, new.rule);
}

#[test]
fn succeeded_without_secure_mode_needed_claims_no_authentication() {
    let mut doc = payin(json!({"Status": "SUCCEEDED", "ResultCode": "000000",
        "Applied3DSVersion": null}));
    doc.as_object_mut().unwrap().remove("SecureModeNeeded");
    let n = run(doc.clone());
    let a = &n.authentication;
    assert_eq!((a.status, a.next_step), (Status::Exempted, Step::None));
    assert_eq!(a.reason.as_deref(), Some("3ds_outcome_not_reported"));
    assert_eq!(
        (a.challenged, a.liability_shift, a.trans_status.clone()),
        (None, None, None)
    );
    assert!(!n.explain.warnings.is_empty());
    // 3DS ran (a version was applied) but whether it challenged is not said.
    doc["Applied3DSVersion"] = json!("V2_1");
    let n = run(doc);
    let a = &n.authentication;
    assert_eq!(a.status, Status::Authenticated);
    assert_eq!((a.challenged, a.liability_shift), (None, None));
    assert_eq!(
        n.explain.liability.rule,
        "mangopay.3ds_outcome_not_reported"
    );
}

#[test]
fn web_payin_succeeded_is_not_authenticated() {
    let n = run(
        json!({"Id": "3352204488", "Status": "SUCCEEDED", "ResultCode": "000000",
        "PaymentType": "CARD", "ExecutionType": "WEB", "CardType": "CB_VISA_MASTERCARD",
        "SecureMode": "DEFAULT", "CreationDate": 1_678_191_358}),
    );
    let a = &n.authentication;
    assert_eq!((a.status, a.next_step), (Status::Exempted, Step::None));
    assert_eq!(a.reason.as_deref(), Some("web_payin_3ds_not_reported"));
    assert_eq!(
        (a.trans_status.clone(), a.liability_shift, a.challenged),
        (None, None, None)
    );
    assert_eq!(n.explain.document, "mangopay.web_payin");
}

#[test]
fn recurring_mit_reports_the_merchant_initiated_exemption() {
    let a = run(payin(json!({"Status": "SUCCEEDED", "ResultCode": "000000",
        "SecureModeNeeded": false, "RecurringPayinRegistrationId": "rec_1",
        "BrowserInfo": null, "IpAddress": null})))
    .authentication;
    assert_eq!(a.exemption.as_deref(), Some("merchant_initiated"));
    let a = run(payin(json!({"Status": "SUCCEEDED", "ResultCode": "000000",
        "SecureModeNeeded": false})))
    .authentication;
    assert_eq!(
        a.exemption, None,
        "Mangopay reports no exemption on a frictionless pay-in"
    );
}

#[test]
fn succeeded_frictionless_has_unknown_liability() {
    let n = run(payin(json!({"Status": "SUCCEEDED", "ResultCode": "000000",
        "SecureModeNeeded": false})));
    let a = &n.authentication;
    assert_eq!((a.status, a.next_step), (Status::Authenticated, Step::None));
    assert_eq!(a.reason.as_deref(), Some("frictionless"));
    assert_eq!(a.challenged, Some(false));
    assert_eq!(a.liability_shift, None);
    assert_eq!(
        n.explain.liability.rule,
        "mangopay.frictionless_outcome_not_reported"
    );
}

#[test]
fn succeeded_without_3ds_is_exempted_and_shifts_no_liability_whatever_the_network() {
    let n = run(payin(json!({"Status": "SUCCEEDED", "ResultCode": "000000",
        "SecureModeNeeded": false, "Applied3DSVersion": null})));
    let a = &n.authentication;
    assert_eq!((a.status, a.next_step), (Status::Exempted, Step::None));
    assert_eq!(a.reason.as_deref(), Some("no_3ds_performed"));
    assert_eq!(a.protocol_version, None);
    assert_eq!(a.liability_shift, Some(false));
    assert_eq!(n.explain.liability.rule, "mangopay.no_3ds_performed");
}

#[test]
fn succeeded_recurring_mit_is_exempted_even_with_a_3ds_version() {
    let a = run(payin(json!({"Status": "SUCCEEDED", "ResultCode": "000000",
        "SecureModeNeeded": false, "RecurringPayinRegistrationId": "rec_1",
        "BrowserInfo": null, "IpAddress": null})))
    .authentication;
    assert_eq!((a.status, a.next_step), (Status::Exempted, Step::None));
    assert_eq!(a.reason.as_deref(), Some("merchant_initiated"));
}

#[test]
fn succeeded_moto_never_shifts_liability() {
    let a = run(payin(json!({"Status": "SUCCEEDED", "ResultCode": "000000",
        "SecureModeNeeded": false, "Applied3DSVersion": null,
        "PaymentCategory": "TelephoneOrder"})))
    .authentication;
    assert_eq!(a.status, Status::Exempted);
    assert_eq!(a.liability_shift, Some(false));
}

#[test]
fn succeeded_with_another_result_code_is_unknown() {
    let n = run(payin(
        json!({"Status": "SUCCEEDED", "ResultCode": "101301"}),
    ));
    assert_eq!(n.authentication.status, Status::Unknown);
    assert_eq!(n.authentication.next_step, Step::Investigate);
    assert!(!n.explain.warnings.is_empty());
}
