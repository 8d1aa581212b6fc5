//! Normalized reason words for EMV transStatusReason codes.
//!
//! Checkout sends the code (`"01"`), Paysafe its own name (`CARD_AUTHENTICATION_FAILED`),
//! PXP the code in `stateData.code`. All of them normalize to the same word, taken from this
//! one table, so a reconciliation job sees one vocabulary.

use super::Retry;

/// `(code, reason word, EMVCo meaning)` for transStatusReason 01..30.
pub const EMV_REASONS: &[(&str, &str, &str)] = &[
    (
        "01",
        "card_authentication_failed",
        "Card authentication failed",
    ),
    ("02", "unknown_device", "Unknown device"),
    ("03", "unsupported_device", "Unsupported device"),
    (
        "04",
        "exceeds_authentication_frequency_limit",
        "Exceeds authentication frequency limit",
    ),
    ("05", "expired_card", "Expired card"),
    ("06", "invalid_card_number", "Invalid card number"),
    ("07", "invalid_transaction", "Invalid transaction"),
    ("08", "no_card_record", "No card record"),
    ("09", "security_failure", "Security failure"),
    ("10", "stolen_card", "Stolen card"),
    ("11", "suspected_fraud", "Suspected fraud"),
    (
        "12",
        "transaction_not_permitted",
        "Transaction not permitted to cardholder",
    ),
    (
        "13",
        "cardholder_not_enrolled",
        "Cardholder not enrolled in service",
    ),
    ("14", "acs_timed_out", "Transaction timed out at the ACS"),
    ("15", "low_confidence", "Low confidence"),
    ("16", "medium_confidence", "Medium confidence"),
    ("17", "high_confidence", "High confidence"),
    ("18", "very_high_confidence", "Very high confidence"),
    (
        "19",
        "exceeds_acs_maximum_challenges",
        "Exceeds ACS maximum challenges",
    ),
    (
        "20",
        "non_payment_not_supported",
        "Non-payment transaction not supported",
    ),
    (
        "21",
        "three_ri_not_supported",
        "3RI transaction not supported",
    ),
    ("22", "acs_technical_issue", "ACS technical issue"),
    (
        "23",
        "decoupled_required_not_requested",
        "Decoupled authentication required by ACS but not requested",
    ),
    (
        "24",
        "decoupled_max_expiry_exceeded",
        "3DS Requestor decoupled max expiry time exceeded",
    ),
    (
        "25",
        "decoupled_insufficient_time",
        "Decoupled authentication was provided insufficient time",
    ),
    (
        "26",
        "attempted_not_performed_by_cardholder",
        "Authentication attempted but not performed by the cardholder",
    ),
    (
        "27",
        "preferred_method_not_supported",
        "Preferred authentication method not supported",
    ),
    (
        "28",
        "content_security_policy_failed",
        "Validation of content security policy failed",
    ),
    (
        "29",
        "attempted_not_completed_fallback_to_decoupled",
        "Authentication attempted but not completed; fall back to decoupled",
    ),
    (
        "30",
        "additional_authentication_required_decoupled",
        "Authenticated, but additional authentication required as decoupled",
    ),
];

/// Where a new attempt can help after an N, R or U with this transStatusReason, when the
/// reason decides it (`None`: the transStatus decides). One table for every PSP, so the same
/// EMV outcome gets the same `retry` at Checkout, Paysafe and PXP:
/// * fraud and "never retry" reasons (09 security failure, 10 stolen, 11 suspected fraud,
///   12 not permitted) and card or device facts a retry cannot change (02, 03, 05-08, 13,
///   20, 21): `never`;
/// * limits (04 frequency, 19 maximum challenges) and an ACS technical issue (22, which every
///   PSP reaches the same way): `later`;
/// * a cardholder who did not finish (01, 14, 23-26, 29): `same_psp`.
pub fn emv_reason_retry(code: &str) -> Option<Retry> {
    let code = normalize_code(code)?;
    Some(match code.as_str() {
        "01" | "14" | "23" | "24" | "25" | "26" | "29" => Retry::SamePsp,
        "04" | "19" | "22" => Retry::Later,
        "02" | "03" | "05" | "06" | "07" | "08" | "09" | "10" | "11" | "12" | "13" | "20"
        | "21" => Retry::Never,
        _ => return None,
    })
}

/// The reason word for an EMV transStatusReason code (`"1"` and `"01"` alike).
pub fn emv_reason(code: &str) -> Option<&'static str> {
    let code = normalize_code(code)?;
    EMV_REASONS
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(_, word, _)| *word)
}

/// A transStatusReason zero-padded to two digits; `None` unless it is one or two digits.
pub fn normalize_code(code: &str) -> Option<String> {
    let t = code.trim();
    (!t.is_empty() && t.len() <= 2 && t.bytes().all(|b| b.is_ascii_digit()))
        .then(|| format!("{t:0>2}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_padded_and_looked_up() {
        assert_eq!(emv_reason("1"), Some("card_authentication_failed"));
        assert_eq!(emv_reason("14"), Some("acs_timed_out"));
        assert_eq!(emv_reason("85"), None);
        assert_eq!(normalize_code("85").as_deref(), Some("85"));
        assert_eq!(normalize_code("rreq_status"), None);
    }

    #[test]
    fn fraud_reasons_are_never_retried_and_limits_wait() {
        for code in ["09", "10", "11", "12"] {
            assert_eq!(emv_reason_retry(code), Some(Retry::Never), "{code}");
        }
        assert_eq!(emv_reason_retry("4"), Some(Retry::Later));
        assert_eq!(emv_reason_retry("14"), Some(Retry::SamePsp));
        assert_eq!(emv_reason_retry("15"), None);
        assert_eq!(emv_reason_retry("85"), None);
    }

    #[test]
    fn table_is_ordered_and_words_are_unique() {
        let mut words: Vec<&str> = EMV_REASONS.iter().map(|r| r.1).collect();
        for (i, (code, _, _)) in EMV_REASONS.iter().enumerate() {
            assert_eq!(*code, format!("{:02}", i + 1));
        }
        words.sort_unstable();
        words.dedup();
        assert_eq!(words.len(), EMV_REASONS.len());
    }
}
