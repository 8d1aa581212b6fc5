//! Sessions and the callback body: catalog statuses, `response_code`, next actions.

use crate::catalog::Catalog;
use crate::liability::Category;
use crate::model::{AuthenticationStatus as St, Eci, Money, NextAction, NextStep, TransStatus};
use crate::psp::checkout::normalize::P;
use serde_json::json;
use threeds_checkout::{ResponseCode, StatusReason};

use super::{run, session};

#[test]
fn every_session_status_maps_through_the_catalog() {
    for (status, expected, step) in [
        ("pending", St::Pending, NextStep::Wait),
        ("processing", St::Pending, NextStep::Wait),
        (
            "challenged",
            St::ChallengeRequired,
            NextStep::ChallengeCardholder,
        ),
        (
            "challenge_abandoned",
            St::Expired,
            NextStep::RetryAuthentication,
        ),
        ("expired", St::Expired, NextStep::RetryAuthentication),
        ("approved", St::Authenticated, NextStep::Authorize),
        ("attempted", St::Attempted, NextStep::Authorize),
        ("unavailable", St::Unavailable, NextStep::AuthorizeAtOwnRisk),
        ("declined", St::Failed, NextStep::DoNotAuthorize),
        ("rejected", St::Rejected, NextStep::DoNotAuthorize),
    ] {
        let n = run(session(status, json!({})));
        assert_eq!(n.authentication.status, expected, "{status}");
        assert_eq!(n.authentication.next_step, step, "{status}");
        assert_eq!(n.authentication.raw.status.as_deref(), Some(status));
    }
    let n = run(session("challenge_abandoned", json!({})));
    assert_eq!(
        n.authentication.reason.as_deref(),
        Some("challenge_abandoned")
    );
    let n = run(session("expired", json!({})));
    assert_eq!(n.authentication.reason.as_deref(), Some("session_expired"));
}

#[test]
fn unknown_status_is_unknown_and_kept_raw() {
    let n = run(session("frozen", json!({"response_code": "Y"})));
    assert_eq!(n.authentication.status, St::Unknown);
    assert_eq!(n.authentication.next_step, NextStep::Investigate);
    assert_eq!(n.authentication.raw.status.as_deref(), Some("frozen"));
    assert!(!n.explain.warnings.is_empty());
}

#[test]
fn approved_with_a_is_attempted_and_with_i_is_exempted() {
    let n = run(session("approved", json!({"response_code": "A"})));
    assert_eq!(n.authentication.status, St::Attempted);
    assert_eq!(
        n.explain.status_rule,
        "rule:checkout.approved_response_code_a_attempted"
    );
    let n = run(session("approved", json!({"response_code": "I"})));
    assert_eq!(n.authentication.status, St::Exempted);
    assert_eq!(n.authentication.next_step, NextStep::Authorize);
    assert_eq!(n.authentication.trans_status, Some(TransStatus::I));
}

#[test]
fn status_wins_over_a_contradicting_response_code() {
    let n = run(session("declined", json!({"response_code": "Y"})));
    assert_eq!(n.authentication.status, St::Failed);
    assert_eq!(n.explain.liability.facts.trans_status, Some(TransStatus::N));
    assert!(n.explain.liability.facts.trans_status_implied);
    assert!(n.explain.warnings.iter().any(|w| w.contains("disagrees")));
    let n = run(session("challenged", json!({"response_code": "Y"})));
    assert_eq!(n.authentication.status, St::ChallengeRequired);
    assert!(n.explain.warnings.iter().any(|w| w.contains("disagrees")));
}

#[test]
fn declined_reasons_come_from_emv_words_or_risk() {
    let n = run(session(
        "declined",
        json!({"response_code": "N", "response_status_reason": "11", "status_reason": "ares_status"}),
    ));
    assert_eq!(n.authentication.reason.as_deref(), Some("suspected_fraud"));
    assert_eq!(n.authentication.trans_status_reason.as_deref(), Some("11"));
    let n = run(session(
        "declined",
        json!({"response_code": "N", "status_reason": "risk_declined"}),
    ));
    assert_eq!(n.authentication.reason.as_deref(), Some("risk_declined"));
    let n = run(session(
        "unavailable",
        json!({"response_code": "U", "status_reason": "ares_error"}),
    ));
    assert_eq!(n.authentication.reason.as_deref(), Some("ds_error"));
    let n = run(session(
        "unavailable",
        json!({"response_code": "U", "status_reason": "rreq_error"}),
    ));
    assert_eq!(n.authentication.reason.as_deref(), Some("acs_error"));
}

#[test]
fn every_status_reason_row_is_known() {
    for r in StatusReason::KNOWN {
        let n = run(session("declined", json!({"status_reason": r})));
        assert!(
            !n.explain
                .warnings
                .iter()
                .any(|w| w.contains("not in the catalog")),
            "{r}"
        );
    }
}

#[test]
fn every_response_code_row_agrees_with_its_status() {
    for (code, status) in [
        ("Y", "approved"),
        ("A", "attempted"),
        ("N", "declined"),
        ("R", "rejected"),
        ("U", "unavailable"),
        ("C", "challenged"),
    ] {
        let n = run(session(status, json!({"response_code": code})));
        assert!(
            n.explain.warnings.iter().all(|w| !w.contains("disagrees")),
            "{code}"
        );
        assert_eq!(
            n.authentication
                .trans_status
                .as_ref()
                .map(TransStatus::as_str),
            Some(code)
        );
    }
    let catalog = Catalog::builtin().unwrap();
    for code in ResponseCode::KNOWN {
        assert!(catalog.lookup(P, "response_code", code).is_some(), "{code}");
    }
}

#[test]
fn pending_next_actions_decide_the_front_end_step() {
    let links = json!({
        "three_ds_method_url": {"href": "https://acs/3ds-method"},
        "redirect_url": {"href": "https://hosted/redirect"}
    });
    let n = run(session(
        "pending",
        json!({"next_actions": ["collect_channel_data", "issuer_fingerprint"], "_links": links}),
    ));
    assert_eq!(
        n.authentication.next_action,
        Some(NextAction::ThreeDsMethod {
            url: "https://acs/3ds-method".into(),
            data: None
        })
    );
    assert_eq!(n.authentication.next_step, NextStep::CompleteDeviceData);
    assert_eq!(
        n.authentication.reason.as_deref(),
        Some("awaiting_three_ds_method")
    );
    let n = run(session(
        "pending",
        json!({"next_actions": ["collect_channel_data"]}),
    ));
    assert_eq!(
        n.authentication.next_action,
        Some(NextAction::CollectDeviceData)
    );
    assert_eq!(
        n.authentication.reason.as_deref(),
        Some("awaiting_device_data")
    );
    let n = run(session(
        "pending",
        json!({"next_actions": ["redirect_cardholder"], "_links": links}),
    ));
    assert_eq!(
        n.authentication.next_action,
        Some(NextAction::Redirect {
            url: "https://hosted/redirect".into()
        })
    );
    let n = run(session(
        "pending",
        json!({"next_actions": ["authenticate"], "protocol_version": "1.0.2",
               "_links": {"acs_url": {"href": "https://acs1/pareq"}}}),
    ));
    assert_eq!(n.authentication.status, St::ChallengeRequired);
    assert_eq!(
        n.authentication.next_action,
        Some(NextAction::Challenge {
            url: Some("https://acs1/pareq".into()),
            creq: None
        })
    );
    let n = run(session("processing", json!({})));
    assert_eq!(n.authentication.reason.as_deref(), Some("awaiting_psp"));
    assert_eq!(n.authentication.next_action, None);
}

#[test]
fn challenged_carries_acs_url_and_creq_and_d_waits() {
    let n = run(session(
        "challenged",
        json!({"response_code": "C", "acs": {"url": "https://acs/c", "transaction_id": "a"},
               "3ds": {"challenge_request": "eyJ"}}),
    ));
    assert_eq!(
        n.authentication.next_action,
        Some(NextAction::Challenge {
            url: Some("https://acs/c".into()),
            creq: Some("eyJ".into())
        })
    );
    assert_eq!(n.authentication.acs_trans_id.as_deref(), Some("a"));
    let n = run(session("challenged", json!({"response_code": "D"})));
    assert_eq!(n.authentication.next_step, NextStep::Wait);
    assert_eq!(n.authentication.next_action, None);
}

#[test]
fn exemption_category_and_secret_session_fields() {
    let n = run(session(
        "approved",
        json!({"response_code": "Y", "exemption": {"applied": "low_value"},
               "authentication_category": "non_payment",
               "session_secret": "sek_CANARYCANARY", "cryptogram": "CAVVCANARY", "eci": "5"}),
    ));
    assert_eq!(
        n.explain.liability.facts.exemption.as_deref(),
        Some("low_value")
    );
    assert_eq!(
        n.explain.liability.facts.category,
        Some(Category::NonPayment)
    );
    assert_eq!(n.authentication.eci.as_ref().map(Eci::as_str), Some("05"));
    let out = crate::output::render(
        &n,
        crate::output::Options {
            explain: true,
            ..Default::default()
        },
    );
    assert!(!out.contains("CANARY"));
    let n = run(session(
        "approved",
        json!({"response_code": "Y", "exemption": {"applied": "none"}}),
    ));
    assert_eq!(n.explain.liability.facts.exemption, None);
}

#[test]
fn callback_body_is_read_as_a_session() {
    let n = run(
        json!({"session_id": "sid_llraltf4jlwu5dxdtprcv7ba5i", "status": "declined",
        "response_code": "N", "response_reason": "05", "amount": 6540, "currency": "USD"}),
    );
    assert_eq!(n.explain.document, "checkout.callback");
    assert_eq!(
        n.authentication.id.as_deref(),
        Some("sid_llraltf4jlwu5dxdtprcv7ba5i")
    );
    assert_eq!(n.authentication.reason.as_deref(), Some("expired_card"));
    assert_eq!(
        n.authentication.amount,
        Some(Money {
            value: 6540,
            currency: "USD".into()
        })
    );
}
