//! The hook query string: a notification, never an outcome.

use crate::catalog::Catalog;
use crate::model::{AuthenticationStatus as Status, DocumentKind, NextStep as Step};
use crate::normalize::Context;
use crate::psp::mangopay::normalize::{looks_like_hook_query, normalize_hook_query};

#[test]
fn hooks_are_pokes() {
    let catalog = Catalog::builtin().unwrap();
    let ctx = Context::new(&catalog);
    for (q, reason) in [
        (
            "?Date=1548806400&EventType=PAYIN_NORMAL_SUCCEEDED&RessourceId=123456",
            "payin_succeeded_refetch",
        ),
        (
            "EventType=PAYIN_NORMAL_FAILED&ResourceId=123456&Date=1",
            "payin_failed_refetch",
        ),
        (
            "EventType=PAYIN_NORMAL_CREATED&RessourceId=123456",
            "payin_created",
        ),
    ] {
        assert!(looks_like_hook_query(q));
        let a = normalize_hook_query(q, &ctx).unwrap().authentication;
        assert_eq!(a.kind, DocumentKind::Webhook);
        assert_eq!((a.status, a.next_step), (Status::Pending, Step::Wait));
        assert_eq!(a.reason.as_deref(), Some(reason));
        assert_eq!(a.id.as_deref(), Some("123456"));
    }
    let n = normalize_hook_query("EventType=KYC_NEW_THING&RessourceId=", &ctx).unwrap();
    assert_eq!(n.authentication.status, Status::Unknown);
    assert_eq!(
        n.authentication.raw.status.as_deref(),
        Some("KYC_NEW_THING")
    );
    assert!(n.explain.warnings.iter().any(|w| w.contains("RessourceId")));
    assert!(!looks_like_hook_query("{\"EventType\": \"x\"}"));
    assert!(!looks_like_hook_query("Date=1&RessourceId=2"));
}
