//! The authentication object's fields in the model.

use crate::liability::Category;
use crate::model::{Eci, Money, Network};
use serde_json::json;

use super::{completed, run};

#[test]
fn fields_are_filled() {
    let mut v = completed("Y");
    v["eci"] = json!("02");
    v["cavv"] = json!("BwAQATkhGAEAABVIFSEYEGkybeU=");
    v["directoryServerTransactionId"] = json!("ds");
    v["threeDSecureServerTransactionId"] = json!("srv");
    v["messageCategory"] = json!("NON_PAYMENT");
    let n = run(v);
    let a = &n.authentication;
    assert_eq!(a.id.as_deref(), Some("a1"));
    assert_eq!(a.reference.as_deref(), Some("r"));
    assert_eq!(a.eci.as_ref().map(Eci::as_str), Some("02"));
    assert_eq!(a.network, Some(Network::Visa));
    assert_eq!(
        a.amount,
        Some(Money {
            value: 123,
            currency: "EUR".into()
        })
    );
    assert_eq!(a.ds_trans_id.as_deref(), Some("ds"));
    assert_eq!(a.three_ds_server_trans_id.as_deref(), Some("srv"));
    assert_eq!(a.protocol_version.as_deref(), Some("2.1.0"));
    assert!(a.authentication_value.is_some());
    assert_eq!(
        n.explain.liability.facts.category,
        Some(Category::NonPayment)
    );
    assert_eq!(
        n.explain.liability.facts.authentication_value_present,
        Some(true)
    );
    assert_eq!(
        run(completed("Y")).authentication.eci.unwrap().as_str(),
        "05"
    );
}

#[test]
fn unknown_card_type_is_warned() {
    let mut v = completed("Y");
    v["card"]["type"] = json!("DI");
    let n = run(v);
    assert_eq!(n.authentication.network, None);
    assert!(n.explain.warnings.iter().any(|w| w.contains("'DI'")));
}

#[test]
fn cardholder_display_text_is_surfaced_not_dropped() {
    let mut v = completed("R");
    v["cardholderDisplayText"] = json!("Call your bank");
    let n = run(v);
    assert!(n
        .explain
        .warnings
        .iter()
        .any(|w| w.contains("Call your bank")));
    assert_eq!(n.authentication.raw.message, None);
}
