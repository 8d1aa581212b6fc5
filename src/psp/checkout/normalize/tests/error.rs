//! Error bodies: codes before the error type, every catalog row reachable.

use crate::catalog::Catalog;
use crate::model::{AuthenticationStatus as St, DocumentKind, NextStep};
use crate::psp::checkout::normalize::P;
use serde_json::json;
use threeds_checkout::{SessionStatus, WebhookType};

use super::{error, run};

#[test]
fn error_codes_decide_before_error_type() {
    let n = run(error("unprocessable_entity", &["card_not_enrolled"]));
    assert_eq!(n.authentication.status, St::NotEnrolled);
    assert_eq!(
        n.authentication.reason.as_deref(),
        Some("card_not_enrolled")
    );
    assert_eq!(n.authentication.kind, DocumentKind::Error);
    let n = run(error(
        "unprocessable_entity",
        &["xyz", "issuer_not_enrolled"],
    ));
    assert_eq!(
        n.authentication.reason.as_deref(),
        Some("issuer_not_enrolled")
    );
    assert_eq!(
        n.authentication.raw.code.as_deref(),
        Some("xyz,issuer_not_enrolled")
    );
    let n = run(error("request_invalid", &["payment_source_required"]));
    assert_eq!(n.authentication.next_step, NextStep::FixRequest);
    assert_eq!(
        n.explain.status_rule,
        "rule:checkout.error_code_field_pattern"
    );
    for (code, reason) in [
        ("amount_invalid", "invalid_request"),
        ("unable_to_verify_card", "psp_technical_error"),
        ("session_not_found", "not_found"),
        ("instrument_already_exists", "duplicate_request"),
    ] {
        let n = run(error("conflict", &[code]));
        assert_eq!(n.authentication.reason.as_deref(), Some(reason), "{code}");
    }
}

#[test]
fn error_type_decides_when_no_code_is_known() {
    let n = run(error("request_invalid", &["invalid_field"]));
    assert_eq!(n.authentication.status, St::Error);
    assert_eq!(n.authentication.reason.as_deref(), Some("invalid_request"));
    assert!(n
        .explain
        .warnings
        .iter()
        .any(|w| w.contains("invalid_field")));
    let n = run(error("invalid_request", &["bad_request"]));
    assert_eq!(n.authentication.status, St::Error);
    assert_eq!(n.authentication.next_step, NextStep::Investigate);
    assert_eq!(n.authentication.retry, None);
    assert_eq!(n.authentication.raw.code.as_deref(), Some("bad_request"));
    assert!(n
        .explain
        .warnings
        .iter()
        .any(|w| w.contains("invalid_request")));
    assert_eq!(
        n.authentication.raw.status.as_deref(),
        Some("invalid_request")
    );
    assert_eq!(n.authentication.raw.message, None);
    let n = run(json!({"error_type": null, "error_codes": []}));
    assert_eq!(n.authentication.status, St::Error);
    assert_eq!(n.authentication.next_step, NextStep::Investigate);
}

#[test]
fn every_error_row_is_reachable() {
    let catalog = Catalog::builtin().unwrap();
    for row in catalog
        .rows(P)
        .filter(|r| r.table == "error_code" || r.table == "error_type")
    {
        let v = if row.table == "error_code" {
            error("zzz", &[row.code.as_str()])
        } else {
            error(&row.code, &["zzz"])
        };
        let n = run(v);
        assert_eq!(Some(n.authentication.status), row.status, "{}", row.code);
        assert_eq!(n.authentication.reason, row.reason, "{}", row.code);
    }
    for t in threeds_checkout::ErrorType::KNOWN {
        assert!(catalog.lookup(P, "error_type", t).is_some(), "{t}");
    }
    for t in WebhookType::KNOWN {
        assert!(catalog.lookup(P, "webhook_type", t).is_some(), "{t}");
    }
    for t in SessionStatus::KNOWN {
        assert!(catalog.lookup(P, "session_status", t).is_some(), "{t}");
    }
}
