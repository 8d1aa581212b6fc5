//! The PSP registry, proved from outside the crate: a fifth PSP, Acme Pay (a made-up 3-D
//! Secure API, [`acme`]), is defined here with nothing but the public API, registered with
//! `threeds_bridge::psp::register`, and then detected, normalized, looked up in the shared
//! catalog, parsed as a provider, translated to and from Checkout.com, and driven through a
//! live flow against a loopback wiremock server (`flow`), exactly as a built-in PSP is.
//!
//! The registry is process-wide and refuses an id twice, so every test registers Acme
//! through [`acme`] (once per process, whichever test runs first) before it builds a
//! catalog or normalizes. The CLI binary is another process and never sees Acme.

mod acme;
#[cfg(feature = "live")]
mod flow;
#[cfg(feature = "live")]
mod live;

use acme::{Acme, ACME};
use serde_json::{json, Value};
use std::sync::OnceLock;
use threeds_bridge::liability::{decide, LiabilityFacts};
use threeds_bridge::model::{
    AuthenticationStatus as S, Eci, Network, NextAction, NextStep, Provider, Retry, TransStatus,
};
use threeds_bridge::output::{render, Options};
use threeds_bridge::psp::{self, RegistryError};
use threeds_bridge::translate::translate;
use threeds_bridge::{normalize_text, Catalog, Context, NormalizeError, Normalized};

/// Registers Acme once for the whole test process and returns its id.
pub fn acme() -> Provider {
    static REGISTERED: OnceLock<Provider> = OnceLock::new();
    *REGISTERED.get_or_init(|| psp::register(Acme).expect("acme is not registered yet"))
}

/// The catalog of every registered PSP, Acme included.
pub fn catalog() -> Catalog {
    acme();
    Catalog::builtin().expect("every catalog row is valid")
}

/// The date documents without one of their own are judged at, fixed so that a rule coming
/// into force cannot change these tests (the contract suite's goldens use it too).
fn ctx(catalog: &Catalog) -> Context<'_> {
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).expect("a calendar date");
    Context::new(catalog).as_of(as_of)
}

fn normalize(doc: &Value) -> Result<Normalized, NormalizeError> {
    let catalog = catalog();
    normalize_text(&doc.to_string(), None, &ctx(&catalog))
}

/// An Acme authentication in `status`, with the EMV results of a Visa frictionless `Y`.
pub fn authentication(status: &str) -> Value {
    json!({
        "acme_object": "authentication",
        "id": "auth_7f3a",
        "reference": "order-42",
        "status": status,
        "amount": 2500,
        "currency": "EUR",
        "trans_status": "Y",
        "eci": "05",
        "cavv": "AAABBEg0VhI0VniQEjRWAAAAAAA=",
        "ds_transaction_id": "f25084f0-5b16-4c0a-ae5d-b24808a95e4b",
        "network": "visa",
        "protocol_version": "2.2.0",
        "created_at": "2026-03-02T10:15:00Z"
    })
}

#[test]
fn registering_takes_the_id_once() {
    let id = acme();
    assert_eq!(id.as_str(), "acme");
    assert_eq!(psp::register(Acme), Err(RegistryError::Taken(ACME)));
    // The built-in PSPs come first, then the registered ones.
    assert_eq!(
        psp::providers()
            .iter()
            .map(|p| p.as_str())
            .collect::<Vec<_>>(),
        ["checkout", "paysafe", "mangopay", "pxp", "acme"]
    );
    assert_eq!(
        psp::ids_sentence(),
        "checkout, paysafe, mangopay, pxp or acme"
    );
    assert_eq!(psp::get(ACME).map(|p| p.name()), Some("Acme Pay"));
}

#[test]
fn a_frictionless_success_is_authenticated_with_the_rule_engines_liability() {
    let n = normalize(&authentication("frictionless_success")).expect("normalizes");
    let a = &n.authentication;
    assert_eq!(a.provider, ACME);
    assert_eq!(a.status, S::Authenticated);
    assert_eq!(a.next_step, NextStep::Authorize);
    assert_eq!(a.retry, None);
    assert_eq!(a.trans_status, Some(TransStatus::Y));
    assert_eq!(a.eci.as_ref().map(Eci::as_str), Some("05"));
    assert_eq!(a.network, Some(Network::Visa));
    assert_eq!(a.challenged, Some(false));
    assert_eq!(a.amount.as_ref().map(|m| m.value), Some(2500));
    assert_eq!(
        n.explain.status_rule,
        "catalog:acme/status/frictionless_success"
    );
    // The liability is the rule engine's for these facts, not something Acme decided.
    let facts = LiabilityFacts {
        network: Some(Network::Visa),
        protocol_version: Some("2.2.0".into()),
        trans_status: Some(TransStatus::Y),
        eci: Eci::parse("05"),
        authentication_value_present: Some(true),
        challenged: Some(false),
        authenticated_on: chrono::NaiveDate::from_ymd_opt(2026, 3, 2),
        ..Default::default()
    };
    let expected = decide(&facts);
    assert_eq!(expected.liability_shift, Some(true));
    assert_eq!(a.liability_shift, expected.liability_shift);
    assert_eq!(n.explain.liability.rule, expected.rule);
    // The CAVV is a secret in the output too.
    let out = render(&n, Options::default());
    assert!(
        out.contains(r#""authentication_value":"[redacted]""#),
        "{out}"
    );
    assert!(!out.contains("AAABBEg0VhI0VniQEjRWAAAAAAA="), "{out}");
}

#[test]
fn a_mastercard_attempt_gets_mastercards_rule() {
    let mut doc = authentication("attempted");
    doc["trans_status"] = json!("A");
    doc["eci"] = json!("1");
    doc["network"] = json!("mastercard");
    let n = normalize(&doc).expect("normalizes");
    let a = &n.authentication;
    assert_eq!(a.status, S::Attempted);
    assert_eq!(a.eci.as_ref().map(Eci::as_str), Some("01"));
    let facts = LiabilityFacts {
        network: Some(Network::Mastercard),
        protocol_version: Some("2.2.0".into()),
        trans_status: Some(TransStatus::A),
        eci: Eci::parse("01"),
        authentication_value_present: Some(true),
        authenticated_on: chrono::NaiveDate::from_ymd_opt(2026, 3, 2),
        ..Default::default()
    };
    let expected = decide(&facts);
    assert_eq!(a.liability_shift, expected.liability_shift);
    assert_eq!(n.explain.liability.rule, expected.rule);
    assert!(
        n.explain.liability.rule.starts_with("mastercard"),
        "{}",
        n.explain.liability.rule
    );
}

#[test]
fn a_challenge_is_pending_with_a_redirect() {
    let mut doc = authentication("challenge_required");
    doc["trans_status"] = json!("C");
    doc["cavv"] = Value::Null;
    doc["eci"] = Value::Null;
    doc["challenge_url"] = json!("https://acs.acme.example/challenge/auth_7f3a");
    let n = normalize(&doc).expect("normalizes");
    let a = &n.authentication;
    assert_eq!(a.status, S::ChallengeRequired);
    assert!(!a.status.is_final());
    assert_eq!(a.next_step, NextStep::ChallengeCardholder);
    assert_eq!(
        a.next_action,
        Some(NextAction::Redirect {
            url: "https://acs.acme.example/challenge/auth_7f3a".into()
        })
    );
    // Not final: no liability yet.
    assert_eq!(a.liability_shift, None);
    assert_eq!(n.explain.liability.rule, "not_final");
}

#[test]
fn a_challenge_without_a_url_is_investigated_not_shown() {
    let mut doc = authentication("challenge_required");
    doc["trans_status"] = json!("C");
    let n = normalize(&doc).expect("normalizes");
    assert_eq!(n.authentication.status, S::Unknown);
    assert_eq!(n.authentication.next_step, NextStep::Investigate);
    assert_eq!(n.authentication.next_action, None);
}

#[test]
fn a_failure_is_failed_and_retryable_at_the_same_psp() {
    let mut doc = authentication("failed");
    doc["trans_status"] = json!("N");
    doc["cavv"] = Value::Null;
    doc["eci"] = json!("07");
    let n = normalize(&doc).expect("normalizes");
    let a = &n.authentication;
    assert_eq!(a.status, S::Failed);
    assert_eq!(a.next_step, NextStep::DoNotAuthorize);
    assert_eq!(a.retry, Some(Retry::SamePsp));
    assert_eq!(a.liability_shift, Some(false));
}

#[test]
fn an_unknown_status_is_kept_reported_and_never_success() {
    let n = normalize(&authentication("frictionless_success_v2")).expect("normalizes");
    let a = &n.authentication;
    assert_eq!(a.status, S::Unknown);
    assert_eq!(a.next_step, NextStep::Investigate);
    assert_eq!(a.liability_shift, None);
    assert_eq!(a.raw.status.as_deref(), Some("frictionless_success_v2"));
    assert_eq!(a.reason.as_deref(), Some("unknown_psp_value"));
    assert!(
        n.explain
            .warnings
            .iter()
            .any(|w| w.contains("acme status 'frictionless_success_v2' is not in the catalog")),
        "{:?}",
        n.explain.warnings
    );
}

#[test]
fn a_success_that_its_trans_status_contradicts_is_unknown() {
    let mut doc = authentication("frictionless_success");
    doc["trans_status"] = json!("N");
    let n = normalize(&doc).expect("normalizes");
    assert_eq!(n.authentication.status, S::Unknown);
    assert_eq!(n.authentication.next_step, NextStep::Investigate);
    assert_eq!(n.authentication.liability_shift, None);
    assert_eq!(
        n.explain.status_rule,
        "rule:acme.status_contradicts_trans_status"
    );
}

/// Acme's error body `{"error": {"code", ...}}` is also what Paysafe's detection claims:
/// without `--provider` the bridge names both instead of guessing, and with it the body is
/// Acme's error.
#[test]
fn an_error_body_is_an_error_and_its_shared_shape_is_not_guessed() {
    let body = json!({
        "acme_object": "error",
        "error": {"code": "invalid_request", "message": "amount must be positive"}
    });
    match normalize(&body) {
        Err(NormalizeError::Ambiguous { candidates }) => {
            assert_eq!(candidates, "paysafe or acme")
        }
        other => panic!("expected an ambiguity, got {other:?}"),
    }
    let catalog = catalog();
    let n = normalize_text(&body.to_string(), Some(ACME), &ctx(&catalog)).expect("normalizes");
    let a = &n.authentication;
    assert_eq!(a.kind, threeds_bridge::model::DocumentKind::Error);
    assert_eq!(a.status, S::Error);
    assert_eq!(a.next_step, NextStep::FixRequest);
    assert_eq!(a.retry, Some(Retry::Never));
    assert_eq!(a.raw.code.as_deref(), Some("invalid_request"));
    assert_eq!(a.liability_shift, None);

    let unknown = json!({"acme_object": "error", "error": {"code": "card_on_fire"}});
    let n = normalize_text(&unknown.to_string(), Some(ACME), &ctx(&catalog)).expect("normalizes");
    assert_eq!(n.authentication.status, S::Error);
    assert_eq!(n.authentication.next_step, NextStep::Investigate);
    assert!(n
        .explain
        .warnings
        .iter()
        .any(|w| w.contains("card_on_fire")));
}

#[test]
fn a_malformed_acme_document_names_the_path() {
    let mut doc = authentication("frictionless_success");
    doc["amount"] = json!("a lot");
    let err = normalize(&doc).expect_err("amount is not a number");
    let text = err.to_string();
    assert!(
        text.starts_with("acme acme.authentication: at amount: "),
        "{text}"
    );
}

/// Registering a PSP changes nothing for the others: a Checkout fixture still normalizes to
/// exactly its golden output (the contract suite's, computed without Acme).
#[test]
fn a_real_psps_fixture_is_unchanged() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/checkout");
    let text = std::fs::read_to_string(root.join("session_approved_frictionless_node.json"))
        .expect("fixture");
    let golden: Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("session_approved_frictionless_node.golden.json"))
            .expect("golden"),
    )
    .expect("golden is JSON");
    let catalog = catalog();
    let n = normalize_text(&text, None, &ctx(&catalog)).expect("normalizes");
    assert_eq!(n.authentication.provider, Provider::CHECKOUT);
    let out: Value = serde_json::from_str(&render(&n, Options::default())).expect("JSON");
    assert_eq!(out, golden);
}

#[test]
fn the_catalog_has_acmes_rows_and_overrides_reach_them() {
    let mut catalog = catalog();
    let row = catalog
        .lookup(ACME, "status", "frictionless_success")
        .expect("acme's row");
    assert_eq!(row.status, Some(S::Authenticated));
    assert_eq!(row.origin, "builtin");
    assert!(row.source.contains("made up"), "{}", row.source);
    assert_eq!(catalog.rows(ACME).count(), 13);
    // Every other PSP keeps its rows.
    assert!(catalog.rows(Provider::CHECKOUT).count() > 0);

    // A `--codes` file adds a status Acme introduced after this catalog, and overrides one.
    let overrides = "provider,table,code,message,status,reason,next_step,retry,source\n\
        acme,status,frictionless_success_v2,Authenticated (new spelling),authenticated,,authorize,,Acme changelog\n\
        acme,status,unavailable,Directory server down,unavailable,ds_unavailable,authorize_at_own_risk,other_psp,Acme changelog\n";
    let added = catalog
        .extend_from_text("codes.csv", overrides)
        .expect("valid overrides");
    assert_eq!(added, 2);
    let ctx = ctx(&catalog);
    let n = normalize_text(
        &authentication("frictionless_success_v2").to_string(),
        None,
        &ctx,
    )
    .expect("normalizes");
    assert_eq!(n.authentication.status, S::Authenticated);
    assert_eq!(n.authentication.liability_shift, Some(true));
    assert_eq!(
        n.explain.catalog_row.as_deref(),
        Some("acme/status/frictionless_success_v2 (codes.csv)")
    );
    let mut doc = authentication("unavailable");
    doc["trans_status"] = json!("U");
    let n = normalize_text(&doc.to_string(), None, &ctx).expect("normalizes");
    assert_eq!(n.authentication.status, S::Unavailable);
    assert_eq!(n.authentication.retry, Some(Retry::OtherPsp));
    assert_eq!(n.authentication.reason.as_deref(), Some("ds_unavailable"));
}

#[test]
fn acme_parses_as_a_provider_everywhere_text_becomes_one() {
    acme();
    assert_eq!("acme".parse::<Provider>(), Ok(ACME));
    let err = "acme_pay".parse::<Provider>().expect_err("not registered");
    assert_eq!(
        err.to_string(),
        "unknown provider 'acme_pay' (expected checkout, paysafe, mangopay, pxp or acme)"
    );
    // A serialized authentication names the provider by its id...
    let n = normalize(&authentication("frictionless_success")).expect("normalizes");
    let out: Value = serde_json::from_str(&render(&n, Options::default())).expect("JSON");
    assert_eq!(out["provider"], "acme");
    // ...and what reads one back (the model's Provider, a flow's Handle kept in a session
    // store; `Authentication` itself is output only) takes it through the registry.
    let provider: Provider = serde_json::from_value(out["provider"].clone()).expect("provider");
    assert_eq!(provider, ACME);
    #[cfg(feature = "live")]
    {
        let handle: threeds_bridge::flow::Handle =
            serde_json::from_value(json!({"provider": "acme", "id": "auth_7f3a"})).expect("handle");
        assert_eq!(handle.provider, ACME);
        let unknown = serde_json::from_value::<threeds_bridge::flow::Handle>(
            json!({"provider": "acme_pay", "id": "auth_7f3a"}),
        );
        assert!(unknown.is_err());
    }
}

/// A Checkout hosted session request (the shape of Checkout's Node SDK test request, with
/// a hosted completion).
fn checkout_request() -> Value {
    json!({
        "source": {"type": "card", "number": "4485040371536584", "expiry_month": 1, "expiry_year": 2030},
        "amount": 100,
        "currency": "USD",
        "reference": "ORD-5023-4E89",
        "processing_channel_id": "pc_zs5fqhybzc2e3jmq3efvybybpq",
        "shipping_address": {"address_line1": "90 Tottenham Court Road", "city": "London", "zip": "W1T 4TJ", "country": "GB"},
        "completion": {
            "type": "hosted",
            "success_url": "https://merchant.example/3ds/success",
            "failure_url": "https://merchant.example/3ds/failure"
        }
    })
}

#[test]
fn checkout_translates_to_acme() {
    acme();
    let t = translate(&checkout_request(), Provider::CHECKOUT, ACME, &[]).expect("translates");
    let acme = t.rendered(true).expect("renders");
    assert_eq!(acme["amount"], 100);
    assert_eq!(acme["currency"], "USD");
    assert_eq!(acme["reference"], "ORD-5023-4E89");
    assert_eq!(acme["card"]["number"], "4485040371536584");
    assert_eq!(acme["card"]["expiry_year"], 2030);
    assert_eq!(acme["return_url"], "https://merchant.example/3ds/success");
    // The card stays masked wherever it is not explicitly revealed.
    let shown = format!("{t:?}");
    assert!(!shown.contains("4485040371536584"), "{shown}");
    assert!(shown.contains("448504"), "{shown}");
    assert!(!t
        .rendered(false)
        .expect("renders")
        .to_string()
        .contains("4485040371536584"));
    // The model has no processing channel, and Acme takes no shipping address or failure
    // URL: both are reported, not silently lost.
    assert!(
        t.dropped.iter().any(|d| d.path == "processing_channel_id"),
        "{:?}",
        t.dropped
    );
    let lost: Vec<&str> = t
        .not_representable
        .iter()
        .map(|d| d.path.as_str())
        .collect();
    assert!(lost.contains(&"shipping_address.city"), "{lost:?}");
    assert!(lost.contains(&"urls.failure_url"), "{lost:?}");
    assert!(t.violations.is_empty(), "{:?}", t.violations);
}

#[test]
fn acme_translates_to_checkout() {
    acme();
    let source = json!({
        "amount": 2500,
        "currency": "EUR",
        "reference": "order-42",
        "card": {"number": "4485040371536584", "expiry_month": 12, "expiry_year": 2031, "holder_name": "Alex Smith"},
        "browser": {"accept_header": "text/html", "user_agent": "Mozilla/5.0", "language": "en-GB", "ip_address": "203.0.113.7"},
        "return_url": "https://merchant.example/acme/return",
        "statement_descriptor": "ACME*ORDER42"
    });
    let t = translate(&source, ACME, Provider::CHECKOUT, &[]).expect("translates");
    let checkout = t.rendered(true).expect("renders");
    assert_eq!(checkout["amount"], 2500);
    assert_eq!(checkout["currency"], "EUR");
    assert_eq!(checkout["reference"], "order-42");
    assert_eq!(checkout["source"]["number"], "4485040371536584");
    assert_eq!(checkout["completion"]["type"], "hosted");
    assert_eq!(
        checkout["completion"]["success_url"],
        "https://merchant.example/acme/return"
    );
    assert!(!format!("{t:?}").contains("4485040371536584"));
    // Acme's statement descriptor has no place in the model.
    let dropped: Vec<&str> = t.dropped.iter().map(|d| d.path.as_str()).collect();
    assert_eq!(dropped, ["statement_descriptor"]);
    // Checkout wants a processing channel the Acme request cannot supply.
    assert!(
        t.violations
            .iter()
            .any(|v| v.path == "processing_channel_id"),
        "{:?}",
        t.violations
    );
}

#[test]
fn a_request_of_another_psp_is_not_read_as_acmes() {
    acme();
    let err = translate(
        &json!({"merchantRefNum": "r1"}),
        ACME,
        Provider::CHECKOUT,
        &[],
    )
    .expect_err("not an acme request");
    let text = err.to_string();
    assert!(
        text.starts_with(
            "not a acme.authentication_request: it has none of amount, currency, card, return_url"
        ),
        "{text}"
    );
    assert!(text.contains("it looks like a paysafe request"), "{text}");
}
