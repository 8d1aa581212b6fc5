//! The liability facts a document gives: ECI, challenge indicator, dates, exemption,
//! authentication value presence, non-payment.

use crate::model::{AuthenticationStatus as St, NextStep};
use serde_json::json;
use threeds_checkout::ChallengeIndicator;

use super::{run, session, webhook};

#[test]
fn mastercard_eci_00_on_a_success_is_not_an_exemption() {
    let n = run(session(
        "approved",
        json!({"response_code": "Y", "scheme": "mastercard", "eci": "00",
               "cryptogram": "AAABAVIREQAAAAAAAAAAAAAAAAA="}),
    ));
    assert_eq!(n.authentication.status, St::Authenticated);
    assert_eq!(n.authentication.exemption, None);
    assert_ne!(n.authentication.liability_shift, Some(true));
    assert!(n.explain.warnings.iter().any(|w| w.contains("ECI 00")));
}

#[test]
fn cartes_bancaires_challenge_indicator_rule_fires_for_every_indicator() {
    for indicator in threeds_checkout::ChallengeIndicator::KNOWN {
        let code = crate::psp::checkout::request::challenge_to_model(&ChallengeIndicator::from(
            *indicator,
        ))
        .unwrap()
        .emv_code();
        let asked_no_challenge = crate::liability::NO_CHALLENGE_REQUESTED.contains(&code);
        let frictionless = run(session(
            "approved",
            json!({"response_code": "Y", "scheme": "cartes_bancaires", "eci": "05",
                   "cryptogram": "AAABAVIREQAAAAAAAAAAAAAAAAA=", "challenged": false,
                   "challenge_indicator": indicator}),
        ));
        let facts = &frictionless.explain.liability.facts;
        assert_eq!(
            facts.challenge_indicator.as_deref(),
            Some(code),
            "{indicator}"
        );
        let (rule, shift) = if asked_no_challenge {
            ("cartes_bancaires.v2.y_frictionless_requested", false)
        } else {
            ("cartes_bancaires.v2.y", true)
        };
        assert_eq!(frictionless.explain.liability.rule, rule, "{indicator}");
        assert_eq!(
            frictionless.authentication.liability_shift,
            Some(shift),
            "{indicator}"
        );
        // Challenged (here from `flow_type`): the issuer took the decision, it is liable.
        let challenged = run(session(
            "approved",
            json!({"response_code": "Y", "scheme": "cartes_bancaires", "eci": "05",
                   "cryptogram": "AAABAVIREQAAAAAAAAAAAAAAAAA=", "flow_type": "challenged",
                   "challenge_indicator": indicator}),
        ));
        assert_eq!(challenged.authentication.challenged, Some(true));
        assert_eq!(
            challenged.explain.liability.rule, "cartes_bancaires.v2.y",
            "{indicator}"
        );
        // The webhook carries the indicator too.
        let hook = run(webhook(
            "authentication_approved",
            json!({"response_code": "Y", "scheme": "cartes_bancaires", "eci": "05",
                   "challenged": false, "challenge_indicator": indicator}),
        ));
        assert_eq!(
            hook.explain.liability.facts.challenge_indicator.as_deref(),
            Some(code)
        );
        if asked_no_challenge {
            assert_eq!(hook.explain.liability.rule, rule, "{indicator}");
        }
    }
}

#[test]
fn authenticated_at_is_the_documents_own_date() {
    let n = run(json!({"id": "evt_x", "type": "authentication_approved",
                       "created_on": "2023-04-26T12:09:41.897Z",
                       "data": {"response_code": "Y"}}));
    assert_eq!(
        n.authentication.authenticated_at.as_deref(),
        Some("2023-04-26T12:09:41.897Z")
    );
    assert_eq!(
        n.explain.liability.facts.authenticated_on,
        chrono::NaiveDate::from_ymd_opt(2023, 4, 26)
    );
    let n = run(session(
        "approved",
        json!({"response_code": "Y", "authentication_date": "2019-04-24T20:11:06+02:00"}),
    ));
    assert_eq!(
        n.authentication.authenticated_at.as_deref(),
        Some("2019-04-24T18:11:06Z")
    );
    let n = run(session(
        "approved",
        json!({"response_code": "Y", "authentication_date": "yesterday"}),
    ));
    assert_eq!(n.authentication.authenticated_at, None);
    assert!(n
        .explain
        .warnings
        .iter()
        .any(|w| w.contains("authentication_date")));
}

#[test]
fn a_3ds1_session_is_judged_at_its_own_date() {
    let v1 = |date: &str| {
        run(session(
            "approved",
            json!({"protocol_version": "1.0.2", "status_reason": "pares_status",
                   "eci": "05", "cryptogram": "AAABAVIREQAAAAAAAAAAAAAAAAA=",
                   "authentication_date": date}),
        ))
    };
    assert_eq!(
        v1("2020-06-01T10:00:00Z").authentication.liability_shift,
        Some(true)
    );
    assert_eq!(
        v1("2025-06-01T10:00:00Z").authentication.liability_shift,
        Some(false)
    );
}

#[test]
fn the_applied_exemption_is_exported_in_model_words() {
    for (applied, word) in [
        ("low_value", Some("low_value")),
        (
            "transaction_risk_assessment",
            Some("transaction_risk_analysis"),
        ),
        ("secure_corporate_payment", Some("secure_corporate")),
        ("trusted_listing", Some("trusted_listing")),
        ("none", None),
    ] {
        let n = run(session(
            "approved",
            json!({"response_code": "I", "exemption": {"applied": applied}}),
        ));
        assert_eq!(n.authentication.exemption.as_deref(), word, "{applied}");
        let n = run(webhook(
            "authentication_approved",
            json!({"response_code": "Y", "exemption_applied": applied}),
        ));
        assert_eq!(n.authentication.exemption.as_deref(), word, "{applied}");
    }
    let n = run(session(
        "approved",
        json!({"response_code": "I", "exemption": {"applied": "brand_new"}}),
    ));
    assert_eq!(n.authentication.exemption.as_deref(), Some("brand_new"));
    assert!(n.explain.warnings.iter().any(|w| w.contains("brand_new")));
}

#[test]
fn authentication_value_presence_depends_on_the_document_kind() {
    // An OAuth answer (eci returned) without a cryptogram has none to pass on.
    let n = run(session(
        "approved",
        json!({"response_code": "Y", "eci": "05"}),
    ));
    assert_eq!(
        n.explain.liability.facts.authentication_value_present,
        Some(false)
    );
    assert_eq!(n.authentication.liability_shift, Some(false));
    // Answered to the session secret: eci and cryptogram withheld, nothing known.
    let n = run(session("approved", json!({"response_code": "Y"})));
    assert_eq!(n.explain.liability.facts.authentication_value_present, None);
    assert_eq!(n.authentication.liability_shift, None);
    let n = run(session(
        "approved",
        json!({"response_code": "Y", "eci": "05", "cryptogram": "AAABAVIREQAAAAAAAAAAAAAAAAA="}),
    ));
    assert_eq!(n.authentication.liability_shift, Some(true));
    // The callback carries the cryptogram whenever there is one.
    let n = run(
        json!({"session_id": "sid_x", "status": "approved", "response_code": "Y",
                        "scheme": "visa"}),
    );
    assert_eq!(
        n.explain.liability.facts.authentication_value_present,
        Some(false)
    );
    // A webhook never carries it.
    let n = run(webhook(
        "authentication_approved",
        json!({"response_code": "Y", "eci": "05", "scheme": "visa"}),
    ));
    assert_eq!(n.explain.liability.facts.authentication_value_present, None);
    assert_eq!(n.authentication.liability_shift, None);
}

#[test]
fn a_non_payment_success_has_nothing_to_authorize() {
    for (status, code) in [("approved", "Y"), ("attempted", "A"), ("unavailable", "U")] {
        let n = run(session(
            status,
            json!({"response_code": code, "authentication_category": "non_payment"}),
        ));
        assert_eq!(n.authentication.next_step, NextStep::None, "{status}");
    }
    let n = run(session(
        "declined",
        json!({"response_code": "N", "authentication_category": "non_payment"}),
    ));
    assert_eq!(n.authentication.next_step, NextStep::DoNotAuthorize);
}
