//! Unit tests of the Mangopay normalization, one file per pay-in status or document, all
//! through [`normalize`]; here the builders they share, the common fields, detection and the
//! catalog's consistency.

mod created;
mod error;
mod failed;
mod hook;
mod retry;
mod succeeded;

use crate::catalog::Catalog;
use crate::model::{AuthenticationStatus as Status, Money, Network, NextStep as Step};
use crate::normalize::{Context, Normalized};
use crate::psp::mangopay::normalize::{normalize, P};
use serde_json::{json, Value};

/// Detection on a parsed value's outline, as `normalize_value` detects.
fn matches(value: &Value) -> bool {
    crate::psp::mangopay::normalize::matches(&crate::normalize::Outline::of_value(value))
}

fn run(value: Value) -> Normalized {
    let catalog = Catalog::builtin().unwrap();
    normalize(&value, &Context::new(&catalog)).unwrap()
}

fn payin(extra: Value) -> Value {
    let mut base = json!({
        "Id": "wt_1", "Tag": "order-7", "Type": "PAYIN", "Nature": "REGULAR",
        "PaymentType": "CARD", "ExecutionType": "DIRECT", "SecureMode": "DEFAULT",
        "DebitedFunds": {"Currency": "EUR", "Amount": 1260},
        "Fees": {"Currency": "EUR", "Amount": 10},
        "Status": "FAILED", "ResultCode": "101301", "ResultMessage": "m",
        "SecureModeNeeded": true, "SecureModeRedirectURL": null,
        "Applied3DSVersion": "V2_1", "RecurringPayinRegistrationId": null,
        "BrowserInfo": {"Language": "en"}, "IpAddress": "::1",
        "CardInfo": {"Brand": "VISA"}
    });
    for (k, v) in extra.as_object().unwrap() {
        base[k] = v.clone();
    }
    base
}

#[test]
fn common_fields_are_filled_and_no_emv_data_is_invented() {
    let a = run(payin(json!({}))).authentication;
    assert_eq!(a.id.as_deref(), Some("wt_1"));
    assert_eq!(a.reference.as_deref(), Some("order-7"));
    assert_eq!(
        a.amount,
        Some(Money {
            value: 1260,
            currency: "EUR".into()
        })
    );
    assert_eq!(a.network, Some(Network::Visa));
    assert_eq!(a.protocol_version.as_deref(), Some("2.1.0"));
    assert_eq!(a.raw.status.as_deref(), Some("FAILED"));
    assert_eq!(a.raw.code.as_deref(), Some("101301"));
    assert_eq!(a.raw.message.as_deref(), Some("m"));
    assert!(a.trans_status.is_none() && a.eci.is_none() && a.ds_trans_id.is_none());
    assert!(a.authentication_value.is_none());
}

#[test]
fn network_prefers_the_brand_and_reports_unknown_ones() {
    let n = run(payin(json!({"CardInfo": {"Brand": "MASTERCARD"},
        "PreferredCardNetwork": "CB"})));
    assert_eq!(n.authentication.network, Some(Network::Mastercard));
    assert!(n
        .explain
        .warnings
        .iter()
        .any(|w| w.contains("PreferredCardNetwork")));
    let n = run(payin(
        json!({"CardInfo": null, "PreferredCardNetwork": "CB"}),
    ));
    assert_eq!(n.authentication.network, Some(Network::CartesBancaires));
    let n = run(payin(json!({"CardInfo": {"Brand": "ELO"}})));
    assert_eq!(n.authentication.network, None);
    assert!(n.explain.warnings.iter().any(|w| w.contains("ELO")));
}

#[test]
fn protocol_versions() {
    let v = |x: Value| run(payin(json!({"Applied3DSVersion": x}))).authentication;
    assert_eq!(v(json!("V1")).protocol_version.as_deref(), Some("1.0.2"));
    assert_eq!(v(json!(null)).protocol_version, None);
    assert_eq!(v(json!("V2_2")).protocol_version, None);
}

#[test]
fn matches_mangopay_shapes_only() {
    assert!(matches(&json!({"ResultCode": null})));
    assert!(matches(&json!({"SecureModeNeeded": true})));
    assert!(matches(&json!({"Message": "m", "Type": "param_error"})));
    for other in [
        json!({"id": "sid_1", "_links": {}}),
        json!({"error_type": "request_invalid", "error_codes": []}),
        json!({"threeDResult": "Y", "merchantRefNum": "x"}),
        json!({"error": {"code": "5068"}}),
        json!({"authenticationId": "a", "state": "AuthenticationSuccessful"}),
        json!({"error": "unauthorized_client", "error_description": "d"}),
        json!([1]),
    ] {
        assert!(!matches(&other), "{other}");
    }
}

#[test]
fn catalog_tables_are_complete_and_consistent() {
    let catalog = Catalog::builtin().unwrap();
    let rows: Vec<_> = catalog.rows(P).collect();
    let in_table = |t: &'static str| rows.iter().filter(move |e| e.table == t);
    // Every card pay-in ResultCode of https://docs.mangopay.com/errors/codes and the legacy
    // list, ranges written out.
    let a5 = "000000 001999 009999 001015 101301 101302 101303 101304 101305 101399 008511 \
        008515 101250 001023 101101 101102 101103 101104 101105 101106 101107 101108 101109 \
        101111 101112 101113 101115 101116 101117 101118 101199 101410 001001 001002 001003 \
        001011 001012 001013 001014 001599 101699 105101 105102 105103 105104 105202 105203 \
        105204 105205 105206 105299 105199 005999 109102 008001 008002 008003 008004 008005 \
        008006 008007 008008 008009 008500 008501 008502 008503 008504 008505 008506 008507 \
        008508 008509 008510 008512 008513 008514 008516 008517 008518 008519 008600 008700 \
        008999 009101 009103 009199 009499 002601 002602 002701 002702 002703 002704 002981 \
        002996 002997 002998 002999 007101 007102 001030 001031 001032 001033 001034 101001 \
        101002";
    for code in a5.split_whitespace() {
        assert!(
            catalog.lookup(P, "result_code", code).is_some(),
            "result_code {code} missing"
        );
    }
    assert_eq!(
        in_table("result_code").count(),
        a5.split_whitespace().count()
    );
    for e in in_table("result_code") {
        assert_eq!(e.status.is_none(), e.code == "000000", "{}", e.code);
        assert!(e.code.len() == 6 && e.code.bytes().all(|b| b.is_ascii_digit()));
        // A card that takes no part in 3DS gains nothing from a retry anywhere.
        if e.status == Some(Status::NotEnrolled) {
            assert_eq!(e.retry, Some(crate::model::Retry::Never), "{}", e.code);
        }
    }
    for legacy in [
        "101250", "101107", "101117", "008009", "105199", "005999", "109102",
    ] {
        let e = catalog.lookup(P, "result_code", legacy).unwrap();
        assert!(e.source.contains("legacy"), "{legacy}");
    }
    let statuses: Vec<&str> = in_table("status").map(|e| e.code.as_str()).collect();
    assert_eq!(statuses, ["CREATED", "FAILED", "SUCCEEDED"]);
    for e in in_table("event_type") {
        assert_eq!(e.status, Some(Status::Pending), "{}", e.code);
        assert_eq!(e.next_step, Some(Step::Wait), "{}", e.code);
    }
    for ev in [
        "PAYIN_NORMAL_CREATED",
        "PAYIN_NORMAL_SUCCEEDED",
        "PAYIN_NORMAL_FAILED",
    ] {
        assert!(catalog.lookup(P, "event_type", ev).is_some());
    }
    for t in threeds_mangopay::ErrorType::KNOWN {
        let e = catalog.lookup(P, "error_type", t).unwrap();
        assert_eq!(e.status, Some(Status::Error));
    }
    assert_eq!(
        in_table("error_type").count(),
        threeds_mangopay::ErrorType::KNOWN.len()
    );
}
