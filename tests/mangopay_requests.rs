//! The Mangopay request codec against Mangopay's documented Direct Card PayIn request
//! (docs.mangopay.com/api-reference/direct-card-payins/create-direct-card-payin,
//! `Mangopay/docs snippets/code/rest-create-direct-card-payin.mdx`), and the request
//! validation of each documented limit.

use serde_json::{json, Value};
use threeds_bridge::model::{Network, Provider};
use threeds_bridge::psp::mangopay::request::MangopayCodec;
use threeds_bridge::request::{codec, ChallengePreference, Channel, RequestCodec};
use threeds_bridge::translate::{compare, Dropped};
use threeds_mangopay::DirectCardPayInRequest;
use threeds_wire::{FieldViolation, Problem, Validate};

/// The REST example of the create-direct-card-payin page, as documented.
fn documented_example() -> Value {
    json!({
      "Tag": "Created using Mangopay API Postman Collection",
      "AuthorId": "user_m_01JHQRCND66XP99SVBXQRP54MF",
      "DebitedFunds": { "Currency": "EUR", "Amount": 57842 },
      "Fees": { "Currency": "EUR", "Amount": 8877 },
      "CreditedWalletId": "wlt_m_01JHQRD0WZ1QWKNAMQF93E5M15",
      "SecureMode": "DEFAULT",
      "CardId": "card_m_iWdaSvYItChPyoia",
      "SecureModeReturnURL": "https://docs.mangopay.com/please-ignore",
      "StatementDescriptor": "Mangopay",
      "BrowserInfo": {
        "AcceptHeader": "text/html, application/xhtml+xml, application/xml;q=0.9, /;q=0.8",
        "JavaEnabled": true, "Language": "en", "ColorDepth": 4,
        "ScreenHeight": 1800, "ScreenWidth": 400, "TimeZoneOffset": 60,
        "UserAgent": "Mozilla/5.0 (iPhone; CPU iPhone OS 13_6_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
        "JavascriptEnabled": true
      },
      "IpAddress": "658e:1b88:7f7a:a60b:32af:0b7f:56e1:2e9a",
      "Billing": { "FirstName": "Alex", "LastName": "Smith",
        "Address": { "AddressLine1": "6 rue de la Cité", "AddressLine2": "Appartement 3",
          "City": "Paris", "Region": "Île-de-France", "PostalCode": "75001", "Country": "FR" } },
      "Shipping": { "FirstName": "Alex", "LastName": "Smith",
        "Address": { "AddressLine1": "6 rue de la Cité", "AddressLine2": "Appartement 3",
          "City": "Paris", "Region": "Île-de-France", "PostalCode": "75001", "Country": "FR" } }
    })
}

fn violations(mutate: impl FnOnce(&mut Value)) -> Vec<FieldViolation> {
    let mut v = documented_example();
    mutate(&mut v);
    codec(Provider::MANGOPAY).unwrap().validate(&v).unwrap()
}

fn only(v: &[FieldViolation]) -> (&str, &Problem) {
    assert_eq!(v.len(), 1, "{v:?}");
    (v[0].path.as_str(), &v[0].problem)
}

#[test]
fn the_documented_example_parses_validates_and_renders_unchanged() {
    let c = codec(Provider::MANGOPAY).unwrap();
    assert_eq!(c.validate(&documented_example()).unwrap(), vec![]);
    let rendered = threeds_wire::with_secrets_revealed(|| c.render(&documented_example())).unwrap();
    assert_eq!(rendered, documented_example());
}

#[test]
fn the_documented_example_reads_into_the_model() {
    let m = codec(Provider::MANGOPAY)
        .unwrap()
        .read(&documented_example())
        .unwrap();
    assert_eq!(m.amount, Some(57842));
    assert_eq!(m.currency.as_deref(), Some("EUR"));
    assert_eq!(
        m.reference.as_deref(),
        Some("Created using Mangopay API Postman Collection")
    );
    let card = m.card_reference.as_ref().unwrap();
    assert_eq!(
        (card.provider, card.kind.as_str()),
        (Provider::MANGOPAY, "card_id")
    );
    assert_eq!(card.value.expose(), "card_m_iWdaSvYItChPyoia");
    assert_eq!(
        m.challenge_preference,
        Some(ChallengePreference::NoChallengeRequested)
    );
    assert_eq!(m.channel, Some(Channel::Browser));
    let b = m.browser.as_ref().unwrap();
    assert_eq!(b.color_depth, Some(4));
    assert_eq!((b.screen_height, b.screen_width), (Some(1800), Some(400)));
    assert_eq!(b.timezone_offset_minutes, Some(60));
    assert_eq!(b.language.as_deref(), Some("en"));
    assert_eq!(
        b.ip_address.as_deref(),
        Some("658e:1b88:7f7a:a60b:32af:0b7f:56e1:2e9a")
    );
    let billing = m.billing_address.as_ref().unwrap();
    assert_eq!(billing.state.as_deref(), Some("Île-de-France"));
    assert_eq!(billing.first_name.as_deref(), Some("Alex"));
    assert_eq!(
        m.urls.return_url.as_deref(),
        Some("https://docs.mangopay.com/please-ignore")
    );
}

/// Exactly the fields the model cannot hold are lost on the way back; everything else
/// round-trips unchanged.
#[test]
fn round_trip_loses_only_what_the_model_cannot_hold() {
    let c = codec(Provider::MANGOPAY).unwrap();
    let source = documented_example();
    let rebuilt = c.write(&c.read(&source).unwrap()).unwrap();
    let dropped = compare(&source, &rebuilt);
    let not_carried = |p: &str| Dropped {
        path: p.into(),
        changed: false,
    };
    assert_eq!(
        dropped,
        vec![
            not_carried("AuthorId"),
            not_carried("CreditedWalletId"),
            not_carried("Fees.Amount"),
            not_carried("Fees.Currency"),
            not_carried("StatementDescriptor"),
        ]
    );
}

#[test]
fn legacy_and_optional_fields_are_read_and_reported_as_not_carried() {
    let c = codec(Provider::MANGOPAY).unwrap();
    let mut source = documented_example();
    source["Requested3DSVersion"] = json!("V2_1");
    source["PaymentCategory"] = json!("ECommerce");
    source["Culture"] = json!("FR");
    source["CreditedUserId"] = json!("user_2");
    source["ProfilingAttemptReference"] = json!("prof_1");
    source["PreferredCardNetwork"] = json!("CB");
    source["SecureMode"] = json!("FORCE");
    assert_eq!(c.validate(&source).unwrap(), vec![]);
    let m = c.read(&source).unwrap();
    assert_eq!(
        m.card.as_ref().unwrap().preferred_network,
        Some(Network::CartesBancaires)
    );
    assert_eq!(
        m.challenge_preference,
        Some(ChallengePreference::ChallengeMandated)
    );
    let rebuilt = c.write(&m).unwrap();
    assert_eq!(rebuilt["PreferredCardNetwork"], json!("CB"));
    assert_eq!(rebuilt["SecureMode"], json!("FORCE"));
    let dropped: Vec<String> = compare(&source, &rebuilt)
        .into_iter()
        .map(|d| d.path)
        .collect();
    for p in [
        "Requested3DSVersion",
        "PaymentCategory",
        "Culture",
        "CreditedUserId",
        "ProfilingAttemptReference",
    ] {
        assert!(
            dropped.contains(&p.to_owned()),
            "{p} not reported: {dropped:?}"
        );
    }
}

#[test]
fn built_requests_leave_missing_required_fields_to_validation() {
    let m = codec(Provider::MANGOPAY)
        .unwrap()
        .read(&documented_example())
        .unwrap();
    let wire = MangopayCodec::from_model(&m).unwrap();
    let missing: Vec<String> = wire.validate().into_iter().map(|v| v.path).collect();
    assert_eq!(missing, ["AuthorId", "Fees", "CreditedWalletId"]);
}

#[test]
fn missing_card_id_is_reported() {
    let v = violations(|r| {
        r.as_object_mut().unwrap().remove("CardId");
    });
    assert_eq!(only(&v), ("CardId", &Problem::Missing));
}

#[test]
fn statement_descriptor_longer_than_ten_is_reported() {
    let v = violations(|r| r["StatementDescriptor"] = json!("Mangopay 2025"));
    assert_eq!(
        only(&v),
        (
            "StatementDescriptor",
            &Problem::TooLong {
                max: 10,
                actual: 13
            }
        )
    );
}

#[test]
fn statement_descriptor_must_be_alphanumeric_or_spaces() {
    let v = violations(|r| r["StatementDescriptor"] = json!("Shop-1"));
    let (path, problem) = only(&v);
    assert_eq!(path, "StatementDescriptor");
    assert!(matches!(problem, Problem::Invalid { .. }));
}

#[test]
fn browser_language_must_match_the_pattern() {
    for bad in ["english", "en_US", "en-USA"] {
        let v = violations(|r| r["BrowserInfo"]["Language"] = json!(bad));
        let (path, problem) = only(&v);
        assert_eq!(path, "BrowserInfo.Language", "{bad}");
        assert!(matches!(problem, Problem::Invalid { .. }));
    }
    assert!(violations(|r| r["BrowserInfo"]["Language"] = json!("FR-FR")).is_empty());
}

#[test]
fn color_depth_must_be_an_allowed_value() {
    let v = violations(|r| r["BrowserInfo"]["ColorDepth"] = json!(12));
    let (path, problem) = only(&v);
    assert_eq!(path, "BrowserInfo.ColorDepth");
    assert!(matches!(problem, Problem::Invalid { expected } if expected.contains("24")));
    assert!(violations(|r| r["BrowserInfo"]["ColorDepth"] = json!(48)).is_empty());
}

#[test]
fn secure_mode_return_url_longer_than_255_is_reported() {
    let url = format!("https://example.com/{}", "a".repeat(236));
    let v = violations(|r| r["SecureModeReturnURL"] = json!(url));
    assert_eq!(
        only(&v),
        (
            "SecureModeReturnURL",
            &Problem::TooLong {
                max: 255,
                actual: 256
            }
        )
    );
}

#[test]
fn other_documented_limits_are_reported() {
    let v = violations(|r| {
        r["Tag"] = json!("t".repeat(256));
        r["BrowserInfo"]["ScreenHeight"] = json!(1_000_000);
        r["BrowserInfo"]["UserAgent"] = json!("u".repeat(256));
        r["BrowserInfo"]
            .as_object_mut()
            .unwrap()
            .remove("JavaEnabled");
        r["IpAddress"] = json!("IPV6");
        r["Fees"]["Currency"] = json!("GBP");
        r["PaymentCategory"] = json!("Mail");
        r["Shipping"].as_object_mut().unwrap().remove("Address");
    });
    let paths: Vec<&str> = v.iter().map(|x| x.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "Tag",
            "Fees.Currency",
            "BrowserInfo.JavaEnabled",
            "BrowserInfo.ScreenHeight",
            "BrowserInfo.UserAgent",
            "IpAddress",
            "Shipping.Address",
            "PaymentCategory"
        ]
    );
}

#[test]
fn the_request_type_is_the_provider_crate_type() {
    let wire: DirectCardPayInRequest = serde_json::from_value(documented_example()).unwrap();
    assert!(wire.validate().is_empty());
}
