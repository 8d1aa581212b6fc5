//! Pending states: the 3DS Method, device data, not enrolled, the challenge.

use crate::model::{AuthenticationStatus as S, NextAction, NextStep as N, Retry};
use serde_json::json;

use super::{get, outcome, run, status};

#[test]
fn pending_client_data_with_method_runs_the_3ds_method() {
    let n = run(json!({
        "authenticationId": "9180c811-ae68-4b40-8910-bfe74a26d65a",
        "state": "PendingClientData",
        "threeDSecureSupported": true,
        "threeDSecureFingerprintUrl": "https://acs/fp",
        "threeDSecureFingerprintData": "eyJ0aHJlZURTU2VydmVyVHJhbnNJRCI6IjkxODBjODExLWFlNjgtNGI0MC04OTEwLWJmZTc0YTI2ZDY1YSIsInRocmVlRFNNZXRob2ROb3RpZmljYXRpb25VUkwiOiJodHRwczovL3d3dy50ZXN0LTAzIn0="
    }));
    let a = &n.authentication;
    assert_eq!(status(&n), (S::Pending, N::CompleteDeviceData));
    assert_eq!(a.reason.as_deref(), Some("awaiting_three_ds_method"));
    assert!(matches!(
        a.next_action,
        Some(NextAction::ThreeDsMethod { .. })
    ));
    assert_eq!(
        a.three_ds_server_trans_id.as_deref(),
        Some("9180c811-ae68-4b40-8910-bfe74a26d65a")
    );
    assert_eq!(n.explain.document, "pxp.pre_initiate_response");
}

#[test]
fn pending_client_data_without_method_collects_device_data() {
    let n = run(json!({
        "authenticationId": "a", "state": "PendingClientData",
        "threeDSecureSupported": true,
        "threeDSecureFingerprintUrl": "", "threeDSecureFingerprintData": "not base64!"
    }));
    assert_eq!(
        n.authentication.next_action,
        Some(NextAction::CollectDeviceData)
    );
    assert_eq!(
        n.authentication.reason.as_deref(),
        Some("awaiting_device_data")
    );
    assert_eq!(n.authentication.three_ds_server_trans_id, None);
}

#[test]
fn not_supported_is_not_enrolled() {
    let n = run(
        json!({"authenticationId": "a", "state": "PendingClientData",
                       "threeDSecureSupported": false}),
    );
    assert_eq!(
        outcome(&n),
        (S::NotEnrolled, N::AuthorizeAtOwnRisk, Some(Retry::Never))
    );
    assert_eq!(
        n.authentication.reason.as_deref(),
        Some("card_not_enrolled")
    );
    assert_eq!(
        n.explain.status_rule,
        "rule:pxp.three_d_secure_not_supported"
    );
    assert_eq!(n.authentication.next_action, None);
}

#[test]
fn challenge_next_action_with_or_without_fields() {
    let n = run(get("PendingCustomerChallenge", json!({})));
    assert_eq!(status(&n), (S::ChallengeRequired, N::ChallengeCardholder));
    assert_eq!(
        n.authentication.next_action,
        Some(NextAction::Challenge {
            url: None,
            creq: None
        })
    );
    assert_eq!(n.authentication.challenged, Some(true));
    let n = run(get(
        "PendingCustomerChallenge",
        json!({"acsUrl": "https://acs/c", "creq": "eyJ"}),
    ));
    assert_eq!(
        n.authentication.next_action,
        Some(NextAction::Challenge {
            url: Some("https://acs/c".into()),
            creq: Some("eyJ".into())
        })
    );
}
