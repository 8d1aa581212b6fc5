//! The Checkout request codec against Checkout's documented request examples (Checkout.com Node SDK tests, API reference):
//! the Node SDK `POST /sessions` example (`checkout/checkout-sdk-node test/sessions/sessions.js`,
//! also on the hosted-sessions docs page with `completion.type = hosted`) and the
//! `ChannelData.yaml` browser example.

use serde_json::{json, Value};
use threeds_bridge::model::{Network, Provider};
use threeds_bridge::request::{
    codec, AuthenticationRequest, Browser, Card, CardReference, ChallengePreference, Channel,
    MessageCategory, Purpose, RequestError, TransactionType,
};
use threeds_bridge::translate::{compare, Dropped};
use threeds_wire::{CardNumber, Problem, Secret, Validate};

/// Checkout.com Node SDK tests, `checkout/checkout-sdk-node test/sessions/sessions.js`.
fn node_example() -> Value {
    json!({
      "source": { "type": "card", "number": "4485040371536584", "expiry_month": 1, "expiry_year": 2030 },
      "amount": 100,
      "currency": "USD",
      "authentication_type": "regular",
      "authentication_category": "payment",
      "challenge_indicator": "no_preference",
      "reference": "ORD-5023-4E89",
      "transaction_type": "goods_service",
      "processing_channel_id": "pc_zs5fqhybzc2e3jmq3efvybybpq",
      "shipping_address": {
        "address_line1": "Checkout.com", "address_line2": "90 Tottenham Court Road",
        "city": "London", "state": "GB", "zip": "W1T 4TJ", "country": "GB"
      },
      "completion": { "type": "non_hosted", "callback_url": "https://example.com/sessions/callback" }
    })
}

/// Checkout.com API reference, `ChannelData.yaml` example (the `PUT /collect-data` body).
fn browser_channel_data() -> Value {
    json!({
      "channel": "browser",
      "accept_header": "Accept:  *.*, q=0.1",
      "java_enabled": true,
      "language": "FR-fr",
      "color_depth": "16",
      "screen_height": "1080",
      "screen_width": "1920",
      "timezone": "60",
      "user_agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/69.0.3497.100 Safari/537.36",
      "three_ds_method_completion": "Y",
      "ip_address": "1.12.123.255"
    })
}

fn read(v: &Value) -> AuthenticationRequest {
    codec(Provider::CHECKOUT).unwrap().read(v).unwrap()
}

fn write(m: &AuthenticationRequest) -> Value {
    codec(Provider::CHECKOUT).unwrap().write(m).unwrap()
}

fn violations(v: &Value) -> Vec<(String, Problem)> {
    codec(Provider::CHECKOUT)
        .unwrap()
        .validate(v)
        .unwrap()
        .into_iter()
        .map(|f| (f.path, f.problem))
        .collect()
}

fn dropped(paths: &[&str]) -> Vec<Dropped> {
    paths
        .iter()
        .map(|p| Dropped {
            path: (*p).to_owned(),
            changed: false,
        })
        .collect()
}

#[test]
fn node_example_reads_into_the_model() {
    let m = read(&node_example());
    assert_eq!(m.amount, Some(100), "minor units both sides");
    assert_eq!(m.currency.as_deref(), Some("USD"));
    assert_eq!(m.reference.as_deref(), Some("ORD-5023-4E89"));
    let card = m.card.clone().unwrap();
    assert_eq!(card.number.unwrap().expose(), "4485040371536584");
    assert_eq!((card.expiry_month, card.expiry_year), (Some(1), Some(2030)));
    assert_eq!(m.purpose, Some(Purpose::Payment));
    assert_eq!(m.message_category, Some(MessageCategory::Payment));
    assert_eq!(
        m.challenge_preference,
        Some(ChallengePreference::NoPreference)
    );
    assert_eq!(m.transaction_type, Some(TransactionType::GoodsService));
    let ship = m.shipping_address.clone().unwrap();
    assert_eq!(ship.line2.as_deref(), Some("90 Tottenham Court Road"));
    assert_eq!(ship.postal_code.as_deref(), Some("W1T 4TJ"));
    assert_eq!(
        m.urls.callback_url.as_deref(),
        Some("https://example.com/sessions/callback")
    );
}

#[test]
fn node_example_round_trips_except_what_the_model_cannot_hold() {
    let original = node_example();
    let rebuilt = write(&read(&original));
    assert_eq!(
        compare(&original, &rebuilt),
        dropped(&["processing_channel_id"])
    );
    // Nothing is invented on the way back either.
    assert_eq!(compare(&rebuilt, &original), vec![]);
}

#[test]
fn node_example_is_valid() {
    assert_eq!(violations(&node_example()), vec![]);
}

#[test]
fn hosted_docs_example_round_trips() {
    let mut v = node_example();
    v["completion"] = json!({"type": "hosted", "success_url": "https://example.com/success", "failure_url": "https://example.com/failure"});
    let m = read(&v);
    assert_eq!(
        m.urls.return_url.as_deref(),
        Some("https://example.com/success")
    );
    assert_eq!(
        m.urls.failure_url.as_deref(),
        Some("https://example.com/failure")
    );
    let rebuilt = write(&m);
    assert_eq!(compare(&v, &rebuilt), dropped(&["processing_channel_id"]));
    assert_eq!(violations(&v), vec![]);
}

#[test]
fn browser_channel_data_example_reads_string_numbers_and_writes_them_back_as_strings() {
    let mut v = node_example();
    v["channel_data"] = browser_channel_data();
    let m = read(&v);
    assert_eq!(m.channel, Some(Channel::Browser));
    let b = m.browser.clone().unwrap();
    assert_eq!(b.color_depth, Some(16));
    assert_eq!((b.screen_height, b.screen_width), (Some(1080), Some(1920)));
    assert_eq!(b.timezone_offset_minutes, Some(60));
    assert_eq!(b.java_enabled, Some(true));
    assert_eq!(b.language.as_deref(), Some("FR-fr"));
    let rebuilt = write(&m);
    assert_eq!(rebuilt["channel_data"]["color_depth"], json!("16"));
    assert_eq!(rebuilt["channel_data"]["screen_height"], json!("1080"));
    assert_eq!(rebuilt["channel_data"]["timezone"], json!("60"));
    assert_eq!(
        compare(&v, &rebuilt),
        dropped(&[
            "channel_data.three_ds_method_completion",
            "processing_channel_id"
        ])
    );
    assert_eq!(violations(&v), vec![]);
    // The same object is the whole `PUT /collect-data` body.
    let body: threeds_checkout::ChannelData =
        serde_json::from_value(browser_channel_data()).unwrap();
    assert_eq!(body.validate(), vec![]);
}

#[test]
fn from_model_builds_checkout_types() {
    let m = AuthenticationRequest {
        amount: Some(2999),
        currency: Some("EUR".into()),
        card: Some(Card {
            number: Some(CardNumber::new("4242424242424242")),
            expiry_month: Some(6),
            expiry_year: Some(2030),
            holder_name: Some("Jo Doe".into()),
            cvv: Some(Secret::new("100")),
            preferred_network: Some(Network::CartesBancaires),
        }),
        browser: Some(Browser {
            color_depth: Some(24),
            screen_height: Some(900),
            screen_width: Some(1440),
            timezone_offset_minutes: Some(-120),
            ..Browser::default()
        }),
        purpose: Some(Purpose::Installment),
        recurring: Some(threeds_bridge::request::Recurring {
            frequency_days: Some(30),
            expiry_date: Some("2027-01-31".into()),
            max_payments: Some(3),
        }),
        challenge_preference: Some(ChallengePreference::DataShareOnly),
        ..AuthenticationRequest::default()
    };
    let mut m = m;
    m.cardholder.mobile_phone = Some("+44 7700 900123".into());
    m.merchant.name = Some("Shop.example".into());
    let w = write(&m);
    assert_eq!(w["amount"], json!(2999));
    assert_eq!(w["source"]["type"], json!("card"));
    assert_eq!(w["source"]["scheme"], json!("cartes_bancaires"));
    assert_eq!(w["source"]["name"], json!("Jo Doe"));
    assert!(w["source"].get("cvv").is_none(), "sessions take no CVV");
    assert_eq!(
        w["source"]["mobile_phone"],
        json!({"country_code": "44", "number": "7700900123"})
    );
    assert_eq!(w["channel_data"]["channel"], json!("browser"));
    assert_eq!(w["channel_data"]["timezone"], json!("-120"));
    assert_eq!(w["channel_data"]["color_depth"], json!("24"));
    assert_eq!(w["authentication_type"], json!("installment"));
    assert_eq!(
        w["installment"],
        json!({"number_of_payments": 3, "days_between_payments": 30, "expiry": "20270131"})
    );
    assert_eq!(w["challenge_indicator"], json!("data_share"));
    assert_eq!(w["billing_descriptor"]["name"], json!("Shop.example"));
}

#[test]
fn merchant_initiated_channel_carries_the_request_type() {
    let m = AuthenticationRequest {
        channel: Some(Channel::ThreeRi),
        purpose: Some(Purpose::Recurring),
        ..AuthenticationRequest::default()
    };
    let w = write(&m);
    assert_eq!(
        w["channel_data"],
        json!({"channel": "merchant_initiated", "request_type": "recurring_transaction"})
    );
    assert_eq!(read(&w).purpose, Some(Purpose::Recurring));
}

#[test]
fn instrument_and_token_sources_are_card_references() {
    let v = json!({"source": {"type": "id", "id": "src_wmlfc3zyhqzehihu7giusaaawu"}, "currency": "GBP",
                   "completion": {"type": "non_hosted", "callback_url": "https://example.com/cb"}});
    let m = read(&v);
    let r = m.card_reference.clone().unwrap();
    assert_eq!(
        (r.provider, r.kind.as_str()),
        (Provider::CHECKOUT, "instrument")
    );
    assert_eq!(compare(&v, &write(&m)), vec![]);
    let v = json!({"source": {"type": "network_token", "token": "4543474002249996", "expiry_month": 6, "expiry_year": 2030}, "currency": "GBP"});
    assert_eq!(compare(&v, &write(&read(&v))), vec![]);
}

/// Values Checkout has no field for are left out of the request (not an error), so that
/// `translate` still writes the best request and reports them through the model comparison.
#[test]
fn values_checkout_cannot_represent_are_left_out() {
    let cases = [
        (
            AuthenticationRequest {
                card: Some(Card {
                    preferred_network: Some(Network::Maestro),
                    ..Card::default()
                }),
                ..AuthenticationRequest::default()
            },
            "/source/scheme",
        ),
        (
            AuthenticationRequest {
                challenge_preference: Some(ChallengePreference::ScaAlreadyPerformed),
                ..AuthenticationRequest::default()
            },
            "/challenge_indicator",
        ),
        (
            AuthenticationRequest {
                purpose: Some(Purpose::EmvTokenVerification),
                ..AuthenticationRequest::default()
            },
            "/authentication_type",
        ),
        (
            AuthenticationRequest {
                card_reference: Some(CardReference {
                    provider: Provider::MANGOPAY,
                    kind: "card_id".into(),
                    value: Secret::new("123"),
                }),
                ..AuthenticationRequest::default()
            },
            "/source/id",
        ),
    ];
    let c = codec(Provider::CHECKOUT).unwrap();
    for (m, pointer) in cases {
        let written = c.write(&m).expect("written");
        assert!(
            written.pointer(pointer).is_none(),
            "{pointer} should be left out: {written}"
        );
        assert_ne!(
            c.read(&written).expect("read back"),
            m,
            "the loss is visible to translation"
        );
    }
}

#[test]
fn unreadable_values_name_their_path() {
    let mut v = node_example();
    v["channel_data"] = browser_channel_data();
    v["channel_data"]["screen_width"] = json!("wide");
    match codec(Provider::CHECKOUT).unwrap().read(&v) {
        Err(RequestError::Value { path, .. }) => assert_eq!(path, "channel_data.screen_width"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn rendering_masks_the_card_number() {
    let rendered = codec(Provider::CHECKOUT)
        .unwrap()
        .render(&node_example())
        .unwrap();
    assert_eq!(rendered["source"]["number"], json!("448504******6584"));
}

// ---- validation: one test per kind of violation -------------------------------------------

#[test]
fn missing_required_fields() {
    let got = violations(&json!({"amount": 100}));
    assert_eq!(
        got,
        vec![
            ("source".to_owned(), Problem::Missing),
            ("currency".to_owned(), Problem::Missing),
            ("completion".to_owned(), Problem::Missing),
        ]
    );
    let mut v = node_example();
    v["source"] = json!({"type": "card"});
    v["channel_data"] = json!({"channel": "browser"});
    let paths: Vec<String> = violations(&v).into_iter().map(|(p, _)| p).collect();
    for p in [
        "source.number",
        "source.expiry_month",
        "source.expiry_year",
        "channel_data.accept_header",
        "channel_data.color_depth",
        "channel_data.timezone",
        "channel_data.ip_address",
    ] {
        assert!(paths.contains(&p.to_owned()), "{p} in {paths:?}");
    }
    let mut v = node_example();
    v["authentication_type"] = json!("recurring");
    v.as_object_mut().unwrap().remove("amount");
    assert!(violations(&v).contains(&("amount".to_owned(), Problem::Missing)));
}

#[test]
fn too_long_fields() {
    let mut v = node_example();
    v["reference"] = json!("x".repeat(101));
    v["billing_descriptor"] = json!({"name": "N".repeat(41)});
    assert_eq!(
        violations(&v),
        vec![
            (
                "billing_descriptor.name".to_owned(),
                Problem::TooLong {
                    max: 40,
                    actual: 41
                }
            ),
            (
                "reference".to_owned(),
                Problem::TooLong {
                    max: 100,
                    actual: 101
                }
            ),
        ]
    );
}

#[test]
fn too_short_fields() {
    let mut v = node_example();
    v["source"]["name"] = json!("J");
    v["source"]["number"] = json!("424242424242");
    assert_eq!(
        violations(&v),
        vec![
            (
                "source.number".to_owned(),
                Problem::TooShort {
                    min: 13,
                    actual: 12
                }
            ),
            (
                "source.name".to_owned(),
                Problem::TooShort { min: 2, actual: 1 }
            ),
        ]
    );
}

#[test]
fn out_of_range_numbers() {
    let mut v = node_example();
    v["source"]["expiry_month"] = json!(13);
    v["account_info"] = json!({"purchase_count": 10000});
    v["installment"] = json!({"number_of_payments": 1});
    let got = violations(&v);
    assert!(got.contains(&(
        "source.expiry_month".to_owned(),
        Problem::OutOfRange {
            min: 1,
            max: 12,
            actual: 13
        }
    )));
    assert!(got.contains(&(
        "account_info.purchase_count".to_owned(),
        Problem::OutOfRange {
            min: 0,
            max: 9999,
            actual: 10000
        }
    )));
    assert!(got.contains(&(
        "installment.number_of_payments".to_owned(),
        Problem::OutOfRange {
            min: 2,
            max: 999,
            actual: 1
        }
    )));
}

#[test]
fn invalid_values_and_patterns() {
    let mut v = node_example();
    v["currency"] = json!("usd");
    v["processing_channel_id"] = json!("pc_123");
    v["challenge_indicator"] = json!("please_no");
    v["recurring"] = json!({"expiry": "2030-12-31"});
    v["channel_data"] = browser_channel_data();
    v["channel_data"]["color_depth"] = json!("1x");
    v["source"]["home_phone"] = json!({"country_code": "+44", "number": "7700900123"});
    let paths: Vec<String> = violations(&v)
        .into_iter()
        .filter(|(_, p)| matches!(p, Problem::Invalid { .. }))
        .map(|(p, _)| p)
        .collect();
    assert_eq!(
        paths,
        [
            "source.home_phone.country_code",
            "currency",
            "processing_channel_id",
            "challenge_indicator",
            "channel_data.color_depth",
            "recurring.expiry",
        ]
    );
}

#[test]
fn hosted_completion_is_refused_with_app_channel_data() {
    let mut v = node_example();
    v["completion"] =
        json!({"type": "hosted", "success_url": "https://e/s", "failure_url": "https://e/f"});
    v["channel_data"] = json!({"channel": "app"});
    let got = violations(&v);
    assert!(got
        .iter()
        .any(|(p, problem)| p == "completion.type" && matches!(problem, Problem::Invalid { .. })));
    assert!(got.contains(&("channel_data.sdk_app_id".to_owned(), Problem::Missing)));
}

/// `+` and a multibyte character where the calling code is split off once sliced a
/// string by bytes and panicked (`{"source":{"home_phone":{"country_code":"2é"}}}`).
#[test]
fn multibyte_phone_numbers_translate_without_panic() {
    for phone in [
        json!({"country_code": "2é"}),
        json!({"country_code": "é", "number": "1"}),
        json!({"number": "+44é"}),
        json!({"country_code": "😀😀", "number": "😀"}),
    ] {
        let doc = json!({"source": {"home_phone": phone.clone(), "mobile_phone": phone}});
        for to in threeds_bridge::psp::providers() {
            let _ = threeds_bridge::translate::translate(&doc, Provider::CHECKOUT, to, &[]);
        }
        let m = read(&doc);
        let written = write(&m);
        assert!(written["source"]["home_phone"].is_object(), "{written}");
    }
}
