//! The catalog against the blueprint: every documented value has exactly its row.

use crate::catalog::Catalog;
use crate::model::{AuthenticationStatus, Provider};
use crate::psp::paysafe::normalize::emv_code_of;
use threeds_paysafe::{Status, ThreeDEnrollment, ThreeDResult};

#[test]
fn every_documented_value_has_exactly_its_catalog_row() {
    let catalog = Catalog::builtin().unwrap();
    let tables: [(&str, &[&str]); 4] = [
        ("status", Status::KNOWN),
        ("three_d_result", ThreeDResult::KNOWN),
        ("three_d_enrollment", ThreeDEnrollment::KNOWN),
        ("status_reason", threeds_paysafe::StatusReason::KNOWN),
    ];
    for (table, known) in tables {
        let rows: Vec<&str> = catalog
            .rows(Provider::PAYSAFE)
            .filter(|e| e.table == table)
            .map(|e| e.code.as_str())
            .collect();
        let mut expected = known.to_vec();
        let mut got = rows.clone();
        expected.sort_unstable();
        got.sort_unstable();
        assert_eq!(got, expected, "{table}");
    }
    // Every status_reason name maps to an EMV code except the three Paysafe-only ones.
    let without: Vec<&str> = threeds_paysafe::StatusReason::KNOWN
        .iter()
        .copied()
        .filter(|n| emv_code_of(n).is_none())
        .collect();
    assert_eq!(
        without,
        [
            "NO_INFORMATION_AVAILABLE",
            "GENERAL_ISSUER_ERROR",
            "MERCHANT_CONFIGURATION_ERROR"
        ]
    );
}

#[test]
fn error_code_rows_cover_the_documented_codes() {
    let catalog = Catalog::builtin().unwrap();
    let mut codes: Vec<String> = [
        "1000", "1001", "1002", "1003", "1007", "1008", "1200", "5000", "5001", "5003", "5004",
        "5005", "5010", "5016", "5017", "5021", "5023", "5031", "5040", "5042", "5050", "5068",
        "5269", "5270", "5271", "5272", "5273", "5275", "5276", "5277", "5278", "5279", "5280",
        "5281", "5502", "3060",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    codes.extend((5100..=5113).map(|c: u32| c.to_string()));
    codes.extend(
        ["9004", "9012", "9013", "9014", "9015", "9500", "9501"]
            .iter()
            .map(|s| s.to_string()),
    );
    for code in &codes {
        let row = catalog
            .lookup(Provider::PAYSAFE, "error_code", code)
            .unwrap_or_else(|| panic!("no error_code row for {code}"));
        assert!(row.status.is_some() && row.next_step.is_some(), "{code}");
    }
    let row = catalog
        .lookup(Provider::PAYSAFE, "error_code", "3060")
        .unwrap();
    assert_eq!(row.reason.as_deref(), Some("sca_required"));
    let row = catalog
        .lookup(Provider::PAYSAFE, "error_code", "5107")
        .unwrap();
    assert_eq!(row.status, Some(AuthenticationStatus::Rejected));
}
