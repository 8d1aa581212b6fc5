//! API error bodies: the `Type` row, unknown bodies, every error type row.

use crate::model::{AuthenticationStatus as Status, DocumentKind, NextStep as Step};
use serde_json::json;

use super::run;

#[test]
fn unknown_error_bodies_are_errors_to_investigate() {
    for doc in [
        json!({"Message": "m", "Type": "brand_new"}),
        json!({"Message": "m", "Type": ""}),
        json!({"error": "brand_new_oauth", "error_description": "d"}),
    ] {
        let n = run(doc.clone());
        let a = &n.authentication;
        assert_eq!(a.kind, DocumentKind::Error, "{doc}");
        assert_eq!(
            (a.status, a.next_step, a.retry),
            (Status::Error, Step::Investigate, None),
            "{doc}"
        );
        assert!(
            n.explain
                .warnings
                .iter()
                .any(|w| w.contains("not in the catalog")),
            "{doc}"
        );
    }
    let a = run(json!({"Message": "m", "Type": "brand_new"})).authentication;
    assert_eq!(a.raw.status.as_deref(), Some("brand_new"));
}

#[test]
fn api_errors_map_type_and_warn_every_field() {
    let n = run(
        json!({"Message": "Error: multi-currency usage is not authorized",
        "Type": "currency_incompatibility", "Id": "e1", "Date": 1700045351.0,
        "errors": {"currency": "GBP vs EUR", "DebitedFunds": "bad"}}),
    );
    let a = &n.authentication;
    assert_eq!(a.kind, DocumentKind::Error);
    assert_eq!((a.status, a.next_step), (Status::Error, Step::FixRequest));
    assert_eq!(a.raw.status.as_deref(), Some("currency_incompatibility"));
    assert_eq!(a.raw.code, None);
    let w = &n.explain.warnings;
    assert!(w.iter().any(|w| w.contains("'currency'")));
    assert!(w.iter().any(|w| w.contains("'DebitedFunds'")));
}

#[test]
fn every_error_type_row_is_an_error() {
    for t in threeds_mangopay::ErrorType::KNOWN {
        let a = run(json!({"Message": "m", "Type": t})).authentication;
        assert_eq!(a.status, Status::Error, "{t}");
    }
    let a =
        run(json!({"error": "unauthorized_client", "error_description": "locked"})).authentication;
    assert_eq!(a.status, Status::Error);
    assert_eq!(a.reason.as_deref(), Some("invalid_credentials"));
}
