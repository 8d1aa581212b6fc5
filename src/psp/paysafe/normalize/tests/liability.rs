//! Liability judged at the authentication's own date (`txnTime`), the dated Visa
//! not-enrolled rule and the CAVV.

use crate::catalog::Catalog;
use crate::model::{AuthenticationStatus, NextStep};
use crate::normalize::{Context, Normalized};
use crate::psp::paysafe::normalize::normalize;
use serde_json::{json, Value};

use super::{completed, run};

fn with_date(mut v: Value, txn_time: &str) -> Value {
    v["txnTime"] = json!(txn_time);
    v
}

fn run_as_of(value: Value, as_of: (i32, u32, u32)) -> Normalized {
    let catalog = Catalog::builtin().unwrap();
    let date = chrono::NaiveDate::from_ymd_opt(as_of.0, as_of.1, as_of.2).unwrap();
    normalize(&value, &Context::new(&catalog).as_of(date)).unwrap()
}

#[test]
fn txn_time_is_the_authentication_date() {
    let a = run(with_date(completed("Y"), "2019-01-21T16:28:17.735Z")).authentication;
    assert_eq!(
        a.authenticated_at.as_deref(),
        Some("2019-01-21T16:28:17.735Z")
    );
    // The field tables' spelling, with a hyphen before the T, and an offset.
    let a = run(with_date(completed("Y"), "2014-01-26-T10:32:28+01:00")).authentication;
    assert_eq!(a.authenticated_at.as_deref(), Some("2014-01-26T09:32:28Z"));
    let n = run(with_date(completed("Y"), "yesterday"));
    assert_eq!(n.authentication.authenticated_at, None);
    assert!(n.explain.warnings.iter().any(|w| w.contains("txnTime")));
    assert_eq!(run(completed("Y")).authentication.authenticated_at, None);
}

fn visa_not_enrolled() -> Value {
    json!({"status": "COMPLETED", "threeDEnrollment": "N", "card": {"type": "VI"},
           "threeDSecureVersion": "1.0.2"})
}

#[test]
fn visa_not_enrolled_proceeds_only_while_visa_shifted_liability() {
    // Dated 2019: the matrix's answer, issuer liability and proceed.
    let n = run(with_date(visa_not_enrolled(), "2019-01-21T16:28:17Z"));
    let a = &n.authentication;
    assert_eq!(
        (a.status, a.next_step, a.liability_shift),
        (
            AuthenticationStatus::NotEnrolled,
            NextStep::Authorize,
            Some(true)
        )
    );
    assert_eq!(
        n.explain.status_rule,
        "rule:paysafe.3ds1_visa_not_enrolled_proceed"
    );
    // Dated after Visa ended 3DS 1.0.2 attempts (16 Oct 2021): merchant liability.
    let a = run(with_date(visa_not_enrolled(), "2021-10-16T00:00:00Z")).authentication;
    assert_eq!(
        (a.next_step, a.liability_shift),
        (NextStep::AuthorizeAtOwnRisk, Some(false))
    );
    // Undated: judged at the context's date.
    let early = run_as_of(visa_not_enrolled(), (2020, 6, 1)).authentication;
    assert_eq!(early.next_step, NextStep::Authorize);
    let late = run_as_of(visa_not_enrolled(), (2026, 12, 1)).authentication;
    assert_eq!(late.next_step, NextStep::AuthorizeAtOwnRisk);
    // The document's own date wins over the context's.
    let dated = run_as_of(
        with_date(visa_not_enrolled(), "2019-01-21T16:28:17Z"),
        (2026, 12, 1),
    );
    assert_eq!(dated.authentication.liability_shift, Some(true));
}

#[test]
fn threeds1_liability_is_judged_at_the_authentication_date() {
    let enrolled_y = json!({"status": "COMPLETED", "threeDEnrollment": "Y",
        "threeDResult": "Y", "signatureStatus": "Y", "eci": 5, "cavv": "AAAB",
        "card": {"type": "VI"}, "threeDSecureVersion": "1.0.2"});
    let shift = |date: &str| {
        run(with_date(enrolled_y.clone(), date))
            .authentication
            .liability_shift
    };
    assert_eq!(shift("2019-01-21T16:28:17Z"), Some(true));
    // Visa retired 3DS 1.0.2 in October 2022 (regional exceptions to October 2023).
    assert_eq!(shift("2024-01-01T10:00:00Z"), Some(false));
}

#[test]
fn a_completed_y_or_a_without_cavv_does_not_shift_visa_liability() {
    for r in ["Y", "A"] {
        let mut v = completed(r);
        v["eci"] = json!(if r == "Y" { 5 } else { 6 });
        let n = run(v.clone());
        assert_eq!(
            n.explain.liability.facts.authentication_value_present,
            Some(false),
            "{r}"
        );
        assert_eq!(n.authentication.liability_shift, Some(false), "{r}");
        v["cavv"] = json!("BwAQATkhGAEAABVIFSEYEGkybeU=");
        assert_eq!(run(v).authentication.liability_shift, Some(true), "{r}");
    }
    // The hand-off shape without a status does not say whether a CAVV came back.
    let n = run(json!({"threeDResult": "Y", "eci": 5, "card": {"type": "VI"}}));
    assert_eq!(n.explain.liability.facts.authentication_value_present, None);
    assert_eq!(n.authentication.liability_shift, None);
}
