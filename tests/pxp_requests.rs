//! The PXP request codec against PXP's documented request examples (PXP 3DS guides:
//! `https://developer.pxp.io/guides/3ds/standalone/pre-initiate`, `/standalone/initiate`,
//! `/integrated/pre-initiate`).

use serde_json::{json, Value};
use threeds_bridge::model::Provider;
use threeds_bridge::request::{codec, AuthenticationRequest, ChallengePreference, RequestError};
use threeds_bridge::translate::{compare, Dropped};
use threeds_wire::{Problem, Validate};

fn standalone_pre_initiate() -> Value {
    json!({
      "amount": { "transactionValue": 29.99, "currencyCode": "EUR" },
      "fingerprintCallbackUrl": "https://example-merchant.com/3ds-fingerprint-callback",
      "acquirerProfileId": "acquirer_profile_123",
      "requestorAuthenticationIndicator": "01",
      "merchantGroup": "merchant_001",
      "card": { "primaryAccountNumber": "4111111111111111", "cardHolderName": "John Doe",
                "expiryMonth": 3, "expiryYear": 2025, "cardVerificationCode": "123" }
    })
}

fn initiate() -> Value {
    json!({
      "fingerprintNotification": "eyJ0aHJlZURTTWV0aG9kTm90aWZpY2F0aW9uVVJMIjoiaHR0cHM6Ly9leGFtcGxlLmNvbS8zZHMtbm90aWZpY2F0aW9uIiwidGhyZWVEU1NlcnZlclRyYW5zSUQiOiIxMjM0NTY3OC05YWJjIn0=",
      "merchantCategoryCode": "5411",
      "merchantCountryNumericCode": "840",
      "merchantLegalName": "ACME Ltd",
      "acquirerMerchantId": "ACME_MERCHANT_001",
      "challengeWindowSize": 3,
      "requestorChallengeIndicator": "01",
      "challengeCallbackUrl": "https://example-merchant.com/3ds-challenge-callback",
      "recurring": { "expirationDate": "2024-12-31T23:59:59Z", "frequencyInDays": 30 },
      "billingAddress": { "city": "San Francisco", "countryNumericCode": "840", "line1": "123 Market St",
        "line2": "Apt 456", "line3": "Building B", "postalCode": "94105", "stateCode": "CA" },
      "shippingAddress": { "city": "San Francisco", "countryNumericCode": "840", "line1": "123 Market St",
        "line2": "Apt 456", "line3": "Building B", "postalCode": "94105", "stateCode": "CA" },
      "browserData": { "acceptHeader": "text/html,application/xhtml+xml,application/xml;q=0.9,image/webp,*/*;q=0.8",
        "colorDepth": 24, "ipAddress": "192.168.1.1", "javaEnabled": true, "javaScriptEnabled": true,
        "language": "en-US", "screenHeight": 1080, "screenWidth": 1920, "timeZoneOffsetInMinutes": -420,
        "userAgent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/91.0.4472.124 Safari/537.36" }
    })
}

fn envelope() -> Value {
    json!({ "preInitiate": standalone_pre_initiate(), "browserAuthentication": initiate() })
}

fn not_carried(path: &str) -> Dropped {
    Dropped {
        path: path.into(),
        changed: false,
    }
}

#[test]
fn documented_examples_round_trip_except_fields_the_model_cannot_hold() {
    let c = codec(Provider::PXP).unwrap();
    let model = c.read(&envelope()).unwrap();
    assert_eq!(model.amount, Some(2999));
    assert_eq!(model.currency.as_deref(), Some("EUR"));
    assert_eq!(model.merchant.country.as_deref(), Some("US"));
    assert_eq!(
        model.billing_address.as_ref().unwrap().country.as_deref(),
        Some("US")
    );
    assert_eq!(
        model.browser.as_ref().unwrap().timezone_offset_minutes,
        Some(-420)
    );
    assert_eq!(
        model.recurring.as_ref().unwrap().expiry_date.as_deref(),
        Some("2024-12-31")
    );
    assert_eq!(
        model.challenge_preference,
        Some(ChallengePreference::NoPreference)
    );
    let rebuilt = c.write(&model).unwrap();
    assert_eq!(
        compare(&envelope(), &rebuilt),
        vec![
            not_carried("browserAuthentication.acquirerMerchantId"),
            not_carried("browserAuthentication.challengeWindowSize"),
            not_carried("browserAuthentication.fingerprintNotification"),
            not_carried("preInitiate.acquirerProfileId"),
            not_carried("preInitiate.merchantGroup"),
        ]
    );
    // Nothing appears that the source did not have.
    assert_eq!(compare(&rebuilt, &envelope()), vec![]);
    // The amount is the same JSON number, not 29.990000000000002.
    assert_eq!(
        rebuilt["preInitiate"]["amount"]["transactionValue"],
        json!(29.99)
    );
}

#[test]
fn integrated_pre_initiate_reads_and_drops_integrated_fields() {
    let c = codec(Provider::PXP).unwrap();
    let src = json!({ "preInitiate": {
        "amount": { "transactionValue": 0.1, "currencyCode": "EUR" },
        "fingerprintCallbackUrl": "https://example-merchant.com/3ds-fingerprint-callback",
        "providerId": "provider_123456", "intent": "Purchase", "site": "SITE-1",
        "requestorAuthenticationIndicator": "01",
        "card": { "primaryAccountNumber": "4111111111111111", "expiryMonth": 3, "expiryYear": 2025 }
    }});
    let model = c.read(&src).unwrap();
    assert_eq!(model.amount, Some(10));
    let rebuilt = c.write(&model).unwrap();
    assert_eq!(
        compare(&src, &rebuilt),
        vec![
            not_carried("preInitiate.intent"),
            not_carried("preInitiate.providerId"),
            not_carried("preInitiate.site"),
        ]
    );
}

fn amount_json(minor: u64, currency: &str) -> Value {
    let model = AuthenticationRequest {
        amount: Some(minor),
        currency: Some(currency.into()),
        ..Default::default()
    };
    codec(Provider::PXP).unwrap().write(&model).unwrap()["preInitiate"]["amount"].clone()
}

#[test]
fn amounts_are_major_unit_json_numbers() {
    assert_eq!(
        amount_json(2999, "EUR").to_string(),
        r#"{"currencyCode":"EUR","transactionValue":29.99}"#
    );
    assert_eq!(
        amount_json(10, "EUR")["transactionValue"].to_string(),
        "0.1"
    );
    assert_eq!(
        amount_json(100, "JPY")["transactionValue"].to_string(),
        "100"
    );
    assert_eq!(
        amount_json(1234, "KWD")["transactionValue"].to_string(),
        "1.234"
    );
    let c = codec(Provider::PXP).unwrap();
    for (value, currency, minor) in [
        (json!(0.10), "EUR", 10),
        (json!(100), "JPY", 100),
        (json!(1.234), "KWD", 1234),
    ] {
        let src = json!({"preInitiate": {"amount": {"transactionValue": value, "currencyCode": currency}}});
        assert_eq!(c.read(&src).unwrap().amount, Some(minor), "{currency}");
    }
}

#[test]
fn too_precise_amounts_and_unknown_countries_are_value_errors() {
    let c = codec(Provider::PXP).unwrap();
    let err = c
        .read(&json!({"preInitiate": {"amount": {"transactionValue": 1.5, "currencyCode": "JPY"}}}))
        .unwrap_err();
    assert!(
        matches!(&err, RequestError::Value { path, .. } if path == "preInitiate.amount.transactionValue"),
        "{err}"
    );
    let err = c
        .read(&json!({"browserAuthentication": {"billingAddress": {"countryNumericCode": "999"}}}))
        .unwrap_err();
    assert!(
        matches!(&err, RequestError::Value { path, .. } if path == "browserAuthentication.billingAddress.countryNumericCode"),
        "{err}"
    );
    let mut model = AuthenticationRequest::default();
    model.merchant.country = Some("XK".into()); // Kosovo: user-assigned, not in ISO 3166-1
    let err = c.write(&model).unwrap_err();
    assert!(
        matches!(&err, RequestError::Value { path, .. } if path == "merchant.country"),
        "{err}"
    );
}

#[test]
fn challenge_preference_uses_the_emv_codes() {
    let c = codec(Provider::PXP).unwrap();
    for p in ChallengePreference::ALL {
        let model = AuthenticationRequest {
            challenge_preference: Some(*p),
            ..Default::default()
        };
        let wire = c.write(&model).unwrap();
        assert_eq!(
            wire["browserAuthentication"]["requestorChallengeIndicator"],
            json!(p.emv_code())
        );
        assert_eq!(c.read(&wire).unwrap().challenge_preference, Some(*p));
    }
}

#[test]
fn secrets_are_redacted_when_rendered() {
    let rendered = codec(Provider::PXP)
        .unwrap()
        .render(&envelope())
        .unwrap()
        .to_string();
    assert!(rendered.contains("411111******1111"));
    assert!(!rendered.contains("4111111111111111"));
    assert!(!rendered.contains("\"123\""));
}

fn violations(v: Value) -> Vec<(String, Problem)> {
    codec(Provider::PXP)
        .unwrap()
        .validate(&v)
        .unwrap()
        .into_iter()
        .map(|f| (f.path, f.problem))
        .collect()
}

fn with(mut base: Value, pointer: &str, value: Value) -> Value {
    if let Some(slot) = base.pointer_mut(pointer) {
        *slot = value;
    }
    base
}

#[test]
fn documented_example_only_breaks_its_own_merchant_group_limit() {
    // "merchant_001" is 12 characters; PXP documents merchantGroup as at most 10.
    assert_eq!(
        violations(envelope()),
        vec![(
            "preInitiate.merchantGroup".into(),
            Problem::TooLong {
                max: 10,
                actual: 12
            }
        )]
    );
}

fn valid() -> Value {
    with(envelope(), "/preInitiate/merchantGroup", json!("MG_001"))
}

#[test]
fn missing_required_fields() {
    assert_eq!(violations(valid()), vec![]);
    let mut v = valid();
    v["preInitiate"]
        .as_object_mut()
        .unwrap()
        .remove("fingerprintCallbackUrl");
    v["browserAuthentication"]
        .as_object_mut()
        .unwrap()
        .remove("browserData");
    assert_eq!(
        violations(v),
        vec![
            (
                "preInitiate.fingerprintCallbackUrl".into(),
                Problem::Missing
            ),
            ("browserAuthentication.browserData".into(), Problem::Missing),
        ]
    );
    assert_eq!(
        violations(json!({})),
        vec![
            ("preInitiate".into(), Problem::Missing),
            ("browserAuthentication".into(), Problem::Missing)
        ]
    );
}

#[test]
fn too_long() {
    let v = with(
        valid(),
        "/preInitiate/acquirerProfileId",
        json!("a".repeat(21)),
    );
    assert_eq!(
        violations(v),
        vec![(
            "preInitiate.acquirerProfileId".into(),
            Problem::TooLong {
                max: 20,
                actual: 21
            }
        )]
    );
}

#[test]
fn too_short() {
    let v = with(
        valid(),
        "/preInitiate/card/primaryAccountNumber",
        json!("411111111111"),
    );
    assert_eq!(
        violations(v),
        vec![(
            "preInitiate.card.primaryAccountNumber".into(),
            Problem::TooShort {
                min: 13,
                actual: 12
            }
        )]
    );
    let v = with(valid(), "/preInitiate/card/cardHolderName", json!("J"));
    assert_eq!(
        violations(v),
        vec![(
            "preInitiate.card.cardHolderName".into(),
            Problem::TooShort { min: 2, actual: 1 }
        )]
    );
}

#[test]
fn out_of_range() {
    let v = with(valid(), "/preInitiate/card/expiryMonth", json!(13));
    assert_eq!(
        violations(v),
        vec![(
            "preInitiate.card.expiryMonth".into(),
            Problem::OutOfRange {
                min: 1,
                max: 12,
                actual: 13
            }
        )]
    );
    let v = with(valid(), "/preInitiate/card/expiryYear", json!(1999));
    assert_eq!(
        violations(v),
        vec![(
            "preInitiate.card.expiryYear".into(),
            Problem::OutOfRange {
                min: 2000,
                max: 9999,
                actual: 1999
            }
        )]
    );
    let v = with(
        valid(),
        "/browserAuthentication/challengeWindowSize",
        json!(6),
    );
    assert_eq!(
        violations(v),
        vec![(
            "browserAuthentication.challengeWindowSize".into(),
            Problem::OutOfRange {
                min: 1,
                max: 5,
                actual: 6
            }
        )]
    );
}

#[test]
fn invalid_values() {
    let v = with(
        valid(),
        "/preInitiate/requestorAuthenticationIndicator",
        json!("11"),
    );
    assert!(
        matches!(&violations(v)[..], [(p, Problem::Invalid { .. })] if p == "preInitiate.requestorAuthenticationIndicator")
    );
    let v = with(
        valid(),
        "/browserAuthentication/billingAddress/countryNumericCode",
        json!("US"),
    );
    assert!(
        matches!(&violations(v)[..], [(p, Problem::Invalid { .. })] if p == "browserAuthentication.billingAddress.countryNumericCode")
    );
    let mut v = valid();
    v["preInitiate"]["card"]["gatewayTokenId"] = json!("7f46c09d");
    let got = violations(v);
    assert!(
        matches!(&got[..], [(p, Problem::Invalid { .. })] if p == "preInitiate.card"),
        "{got:?}"
    );
}

#[test]
fn integrated_rules() {
    let pre = json!({
        "amount": { "transactionValue": 0.1, "currencyCode": "EUR" },
        "fingerprintCallbackUrl": "https://m/cb", "site": "SITE-1",
        "card": { "primaryAccountNumber": "4111111111111111", "expiryMonth": 3, "expiryYear": 2025 }
    });
    let typed: threeds_pxp::request::PreInitiateRequest = serde_json::from_value(pre).unwrap();
    let v: Vec<_> = typed
        .validate()
        .into_iter()
        .map(|f| (f.path, f.problem))
        .collect();
    assert_eq!(v, vec![("intent".into(), Problem::Missing)]);
}
