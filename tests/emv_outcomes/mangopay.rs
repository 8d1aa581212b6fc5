//! mangopay's documents for each EMV outcome.
//!
//! A Mangopay pay-in carries no EMV field (no transStatus, transStatusReason or ECI): an
//! outcome is expressed only where one of Mangopay's own values stands for it, and each
//! document is one of Mangopay's published pay-ins as it is.

use super::{Built, Outcome};

/// The document mangopay sends for `o`, or why it cannot send one.
pub fn document(o: &Outcome) -> Built {
    let text = match (o.trans_status, o.reason) {
        // The cardholder passed the challenge and Mangopay made the payment: SUCCEEDED with
        // SecureModeNeeded true (the Create Direct Card PayIn example, completed).
        ("Y", None) => include_str!("../../fixtures/mangopay/payin_succeeded_challenge_variant.json"),
        ("A", _) => return Err("Mangopay reports no attempts outcome: a frictionless SUCCEEDED pay-in may be Y, A or an exemption, told apart nowhere"),
        ("I", _) => return Err("Mangopay reports no informational outcome: an exemption it obtained looks like any frictionless SUCCEEDED pay-in"),
        // 101301 "3DSecure authentication has failed" (errors/codes/101301 example).
        ("N", None) => include_str!("../../fixtures/mangopay/payin_failed_101301_auth_failed.json"),
        // 101304 "the 3DSecure authentication session has expired": the cardholder did not
        // finish at the ACS (errors/codes/101304 example).
        ("N", Some("14")) => include_str!("../../fixtures/mangopay/payin_failed_101304_expired.json"),
        ("N", Some(_)) => return Err("Mangopay reports no transStatusReason: every other N is the same 101301, expressed once as N"),
        ("R", _) => return Err("Mangopay does not tell R from N: its challenge simulator's No, Rejected and Unavailable all give 101301"),
        // 101399 "3DSecure authentication is not available" (errors/codes/101399 example).
        ("U", None) => include_str!("../../fixtures/mangopay/payin_failed_101399_unavailable.json"),
        ("U", Some(_)) => return Err("Mangopay reports no transStatusReason: 101399 names an unavailable authentication, whatever the cause"),
        _ => return Err("not a final EMV outcome"),
    };
    Ok(text.to_owned())
}
