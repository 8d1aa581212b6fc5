//! The Paysafe request codec against Paysafe's documented request example, and the request
//! validation against the documented limits (one test per kind of violation).

use serde_json::{json, Value};
use threeds_bridge::model::Provider;
use threeds_bridge::psp::paysafe::request::PaysafeCodec;
use threeds_bridge::request::{
    codec, AuthenticationRequest, Card, CardReference, ChallengePreference, Channel,
    MessageCategory, PriorMethod, Purpose, RequestCodec, TransactionType,
};
use threeds_bridge::translate::compare;
use threeds_paysafe::AuthenticationRequest as Wire;
use threeds_wire::{with_secrets_revealed, CardNumber, Problem, Secret, Validate};

/// Paysafe 3D Secure 2 API blueprint: the request "Browser flow with 'Frictionless' Authentication"
/// (`paysafegroup/paysafe_api_3dsecure_v2 paysafeapi3dsecure2v1-apiary.apib`), with the
/// blueprint's extra wrapping `{ }` and missing comma fixed, nothing else changed.
const DOCUMENTED_REQUEST: &str = r#"{
  "amount": 123,
  "currency": "EUR",
  "merchantRefNum": "Ref-1234",
  "merchantUrl": "https://mysite.com",
  "card": { "cardExpiry": { "month": 12, "year": 2019 }, "cardNum": "4111111111111111", "holderName": "John Smith" },
  "billingDetails": { "city": "New York", "country": "US", "state": "AL", "street": "My street 1", "street2": "My street 2", "zip": "CHY987" },
  "shippingDetails": { "city": "New York", "country": "US", "state": "AL", "street": "My street 1", "street2": "My street 2", "zip": "CHY987", "shipMethod": "S" },
  "profile": { "cellPhone": "+154657854697", "email": "example@example.com", "phone": "+154657854697" },
  "deviceFingerprintingId": "123e4567-e89b-12d3-a456-426655440000",
  "deviceChannel": "BROWSER",
  "requestorChallengePreference": "NO_PREFERENCE",
  "messageCategory": "PAYMENT",
  "transactionIntent": "GOODS_OR_SERVICE_PURCHASE",
  "authenticationPurpose": "PAYMENT_TRANSACTION",
  "maxAuthorizationsForInstalmentPayment": 2,
  "initialPurchaseTime": "2014-01-21T14:47:31.540Z",
  "mcc": "0742",
  "merchantName": "Merchant Name Inc",
  "billingCycle": { "endDate": "2014-01-26", "frequency": 1 },
  "orderItemDetails": { "preOrderItemAvailabilityDate": "2014-01-26", "preOrderPurchaseIndicator": "MERCHANDISE_AVAILABLE", "reorderItemsIndicator": "FIRST_TIME_ORDER", "shippingIndicator": "SHIP_TO_BILLING_ADDRESS" },
  "purchasedGiftCardDetails": { "amount": 1234, "count": 2, "currency": "USD" },
  "userAccountDetails": {
    "addCardAttemptsForLastDay": 1,
    "changedDate": "2014-01-26",
    "changedRange": "DURING_TRANSACTION",
    "createdDate": "2014-01-26",
    "createdRange": "NO_ACCOUNT",
    "passwordChangedDate": "2014-01-26",
    "passwordChangedRange": "NO_CHANGE",
    "paymentAccountDetails": { "createdRange": "NO_ACCOUNT", "createdDate": "2014-01-26" },
    "priorThreeDSAuthentication": { "data": "Some up to 2048 bytes undefined data", "method": "FRICTIONLESS_AUTHENTICATION", "id": "123e4567-e89b-12d3-a456-426655440000", "time": "2014-01-26T10:32:28Z" },
    "shippingDetailsUsage": { "cardHolderNameMatch": true, "initialUsageDate": "2014-01-26", "initialUsageRange": "CURRENT_TRANSACTION" },
    "suspiciousAccountActivity": true,
    "totalPurchasesSixMonthCount": 1,
    "transactionCountForPreviousDay": 1,
    "transactionCountForPreviousYear": 3,
    "travelDetails": { "isAirTravel": true, "airlineCarrier": "Wizz air", "departureDate": "2014-01-26", "destination": "SOF", "origin": "BCN", "passengerFirstName": "John", "passengerLastName": "Smith" },
    "userLogin": { "authenticationMethod": "NO_LOGIN", "data": "Some up to 2048 bytes undefined data", "time": "2014-01-26T10:32:28Z" }
  },
  "browserDetails": { "acceptHeader": "*/*", "colorDepthBits": "24", "customerIp": "207.48.141.20", "javascriptEnabled": true, "javaEnabled": true, "language": "en-US", "screenHeight": 768, "screenWidth": 1024, "timezoneOffset": 240, "userAgent": "Mozilla/4.0 (compatible; Win32; WinHttp.WinHttpRequest.5)" }
}"#;

fn documented() -> Value {
    serde_json::from_str(DOCUMENTED_REQUEST).unwrap()
}

fn wire(value: &Value) -> Wire {
    serde_json::from_value(value.clone()).unwrap()
}

/// The violations of a request as `(path, problem)`.
fn violations(value: &Value) -> Vec<(String, Problem)> {
    wire(value)
        .validate()
        .into_iter()
        .map(|v| (v.path, v.problem))
        .collect()
}

fn paths(value: &Value) -> Vec<String> {
    violations(value).into_iter().map(|(p, _)| p).collect()
}

#[test]
fn the_documented_request_is_valid() {
    assert_eq!(violations(&documented()), vec![]);
}

#[test]
fn the_documented_request_reads_into_the_model() {
    let m = PaysafeCodec::to_model(&wire(&documented())).unwrap();
    assert_eq!(m.amount, Some(123));
    assert_eq!(m.currency.as_deref(), Some("EUR"));
    assert_eq!(m.reference.as_deref(), Some("Ref-1234"));
    let card = m.card.as_ref().unwrap();
    assert_eq!(
        card.number.as_ref().map(CardNumber::expose),
        Some("4111111111111111")
    );
    assert_eq!(
        (card.expiry_month, card.expiry_year),
        (Some(12), Some(2019))
    );
    assert_eq!(card.holder_name.as_deref(), Some("John Smith"));
    assert_eq!(m.cardholder.email.as_deref(), Some("example@example.com"));
    assert_eq!(m.cardholder.mobile_phone.as_deref(), Some("+154657854697"));
    assert_eq!(m.cardholder.home_phone.as_deref(), Some("+154657854697"));
    let billing = m.billing_address.as_ref().unwrap();
    assert_eq!(billing.line1.as_deref(), Some("My street 1"));
    assert_eq!(billing.postal_code.as_deref(), Some("CHY987"));
    assert_eq!(billing.state.as_deref(), Some("AL"));
    let browser = m.browser.as_ref().unwrap();
    assert_eq!(browser.color_depth, Some(24));
    assert_eq!(browser.timezone_offset_minutes, Some(240));
    assert_eq!(browser.ip_address.as_deref(), Some("207.48.141.20"));
    assert_eq!(m.channel, Some(Channel::Browser));
    assert_eq!(m.purpose, Some(Purpose::Payment));
    assert_eq!(m.message_category, Some(MessageCategory::Payment));
    assert_eq!(
        m.challenge_preference,
        Some(ChallengePreference::NoPreference)
    );
    assert_eq!(m.transaction_type, Some(TransactionType::GoodsService));
    let recurring = m.recurring.as_ref().unwrap();
    assert_eq!(recurring.frequency_days, Some(1));
    assert_eq!(recurring.expiry_date.as_deref(), Some("2014-01-26"));
    assert_eq!(recurring.max_payments, Some(2));
    assert_eq!(m.merchant.url.as_deref(), Some("https://mysite.com"));
    assert_eq!(m.merchant.mcc.as_deref(), Some("0742"));
    assert_eq!(m.merchant.name.as_deref(), Some("Merchant Name Inc"));
    let prior = m.prior_authentication.as_ref().unwrap();
    assert_eq!(prior.method, Some(PriorMethod::Frictionless));
    assert_eq!(
        prior.reference.as_deref(),
        Some("123e4567-e89b-12d3-a456-426655440000")
    );
}

/// `from_model(to_model(x))` gives the documented request back except exactly the fields
/// the model cannot hold; these are what `translate` reports as not carried.
#[test]
fn round_trip_keeps_everything_the_model_can_hold() {
    let original = documented();
    let c = codec(Provider::PAYSAFE).unwrap();
    let model = c.read(&original).unwrap();
    let rebuilt = c.write(&model).unwrap();
    let dropped: Vec<(String, bool)> = compare(&original, &rebuilt)
        .into_iter()
        .map(|d| (d.path, d.changed))
        .collect();
    let not_carried = [
        "initialPurchaseTime",
        "shippingDetails.shipMethod",
        "userAccountDetails.travelDetails.airlineCarrier",
        "userAccountDetails.travelDetails.departureDate",
        "userAccountDetails.travelDetails.destination",
        "userAccountDetails.travelDetails.isAirTravel",
        "userAccountDetails.travelDetails.origin",
        "userAccountDetails.travelDetails.passengerFirstName",
        "userAccountDetails.travelDetails.passengerLastName",
        "userAccountDetails.userLogin.authenticationMethod",
        "userAccountDetails.userLogin.data",
        "userAccountDetails.userLogin.time",
    ];
    let expected: Vec<(String, bool)> =
        not_carried.iter().map(|p| (p.to_string(), false)).collect();
    assert_eq!(dropped, expected);
    // The card number survives the round trip only inside the reveal scope `write` uses.
    assert_eq!(rebuilt["card"]["cardNum"], "4111111111111111");
}

#[test]
fn app_channel_is_written_as_sdk_and_portal_app_is_read() {
    let mut v = documented();
    v["deviceChannel"] = json!("APP");
    let m = PaysafeCodec::to_model(&wire(&v)).unwrap();
    assert_eq!(m.channel, Some(Channel::App));
    let w = PaysafeCodec::from_model(&m).unwrap();
    assert_eq!(w.device_channel.unwrap().as_str(), "SDK");
}

#[test]
fn payment_token_round_trips_and_foreign_references_are_left_out() {
    let v = json!({"card": {"paymentToken": "LTEyMzYzMjQ3ODg"}});
    let m = PaysafeCodec::to_model(&wire(&v)).unwrap();
    assert!(m.card.is_none());
    let r = m.card_reference.as_ref().unwrap();
    assert_eq!(
        (r.provider, r.kind.as_str(), r.value.expose()),
        (Provider::PAYSAFE, "payment_token", "LTEyMzYzMjQ3ODg")
    );
    let w = PaysafeCodec::from_model(&m).unwrap();
    let out = with_secrets_revealed(|| serde_json::to_value(&w).unwrap());
    assert_eq!(out, v);

    let foreign = AuthenticationRequest {
        card_reference: Some(CardReference {
            provider: Provider::CHECKOUT,
            kind: "instrument".into(),
            value: Secret::new("src_abc"),
        }),
        ..Default::default()
    };
    // Left out, so translation reports it and validation asks for the card.
    let w = PaysafeCodec::from_model(&foreign).unwrap();
    assert!(w.card.is_none());
    assert!(
        w.validate().iter().any(|v| v.path == "card"),
        "{:?}",
        w.validate()
    );
}

#[test]
fn challenge_preferences_paysafe_lacks_are_left_out() {
    // The 3DS2 API takes NO_PREFERENCE, CHALLENGE_REQUESTED, CHALLENGE_MANDATED only (the blueprint's request data structure).
    let m = AuthenticationRequest {
        challenge_preference: Some(ChallengePreference::NoChallengeRequested),
        ..Default::default()
    };
    let w = PaysafeCodec::from_model(&m).unwrap();
    assert!(w.requestor_challenge_preference.is_none());
    assert_ne!(
        PaysafeCodec::to_model(&w).unwrap(),
        m,
        "the loss is visible to translation"
    );
}

#[test]
fn colour_depths_outside_the_enum_are_left_out_and_reported_missing() {
    let m = AuthenticationRequest {
        browser: Some(threeds_bridge::request::Browser {
            color_depth: Some(30),
            ..Default::default()
        }),
        ..Default::default()
    };
    let w = PaysafeCodec::from_model(&m).unwrap();
    let violations = w.validate();
    assert!(
        violations
            .iter()
            .any(|v| v.path == "browserDetails.colorDepthBits"),
        "{violations:?}"
    );
}

#[test]
fn a_request_built_from_a_sparse_model_names_every_missing_required_field() {
    let m = AuthenticationRequest {
        amount: Some(1000),
        currency: Some("EUR".into()),
        card: Some(Card {
            number: Some(CardNumber::new("4000000000002701")),
            expiry_month: Some(1),
            expiry_year: Some(2030),
            ..Default::default()
        }),
        ..Default::default()
    };
    let w = PaysafeCodec::from_model(&m).unwrap();
    let missing: Vec<String> = w
        .validate()
        .into_iter()
        .filter(|v| v.problem == Problem::Missing)
        .map(|v| v.path)
        .collect();
    assert_eq!(
        missing,
        [
            "deviceFingerprintingId",
            "merchantRefNum",
            "card.holderName",
            "merchantUrl",
            "authenticationPurpose",
            "deviceChannel",
            "messageCategory",
            "billingDetails",
        ]
    );
}

#[test]
fn rendering_redacts_the_card_number() {
    let rendered = codec(Provider::PAYSAFE)
        .unwrap()
        .render(&documented())
        .unwrap();
    assert_eq!(rendered["card"]["cardNum"], "411111******1111");
    let text = rendered.to_string();
    assert!(!text.contains("4111111111111111"));
}

// ----- validation, one test per kind of violation --------------------------------------

#[test]
fn missing_device_fingerprinting_id() {
    let mut v = documented();
    v.as_object_mut().unwrap().remove("deviceFingerprintingId");
    assert_eq!(
        violations(&v),
        [("deviceFingerprintingId".to_string(), Problem::Missing)]
    );
}

#[test]
fn merchant_ref_num_longer_than_255() {
    let mut v = documented();
    v["merchantRefNum"] = json!("r".repeat(256));
    assert_eq!(
        violations(&v),
        [(
            "merchantRefNum".to_string(),
            Problem::TooLong {
                max: 255,
                actual: 256
            }
        )]
    );
}

#[test]
fn amount_above_99999999999() {
    let mut v = documented();
    v["amount"] = json!(100_000_000_000u64);
    assert_eq!(
        violations(&v),
        [(
            "amount".to_string(),
            Problem::OutOfRange {
                min: 0,
                max: 99_999_999_999,
                actual: 100_000_000_000
            }
        )]
    );
}

#[test]
fn color_depth_bits_not_in_the_enum() {
    let mut v = documented();
    v["browserDetails"]["colorDepthBits"] = json!("30");
    let got = violations(&v);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].0, "browserDetails.colorDepthBits");
    assert!(matches!(&got[0].1, Problem::Invalid { expected } if expected.contains("24")));
}

#[test]
fn electronic_delivery_with_shipping_details_is_refused() {
    // Blueprint: "If the electronicDelivery parameter is present, the shippingDetails
    // parameter will not be" (and the converse).
    let mut v = documented();
    v["electronicDelivery"] = json!({"isElectronicDelivery": true, "email": "a@b.c"});
    assert_eq!(paths(&v), ["electronicDelivery"]);
    v.as_object_mut().unwrap().remove("shippingDetails");
    assert_eq!(paths(&v), Vec::<String>::new());
}

#[test]
fn browser_details_fields_are_all_required_once_the_object_is_sent() {
    let mut v = documented();
    v["browserDetails"] = json!({"acceptHeader": "*/*"});
    assert_eq!(
        paths(&v),
        [
            "browserDetails.colorDepthBits",
            "browserDetails.customerIp",
            "browserDetails.javaEnabled",
            "browserDetails.javascriptEnabled",
            "browserDetails.language",
            "browserDetails.screenHeight",
            "browserDetails.screenWidth",
            "browserDetails.timezoneOffset",
            "browserDetails.userAgent",
        ]
    );
}

#[test]
fn conditional_requirements_of_recurring_and_instalment() {
    let mut v = documented();
    v["authenticationPurpose"] = json!("INSTALMENT_TRANSACTION");
    v["messageCategory"] = json!("NON_PAYMENT");
    let obj = v.as_object_mut().unwrap();
    obj.remove("maxAuthorizationsForInstalmentPayment");
    obj.remove("billingCycle");
    obj.remove("initialPurchaseTime");
    assert_eq!(
        paths(&v),
        [
            "maxAuthorizationsForInstalmentPayment",
            "initialPurchaseTime",
            "billingCycle"
        ]
    );
}

#[test]
fn number_ranges_of_nested_objects() {
    let mut v = documented();
    v["maxAuthorizationsForInstalmentPayment"] = json!(1000);
    v["billingCycle"]["frequency"] = json!(10000);
    v["purchasedGiftCardDetails"]["count"] = json!(100);
    v["userAccountDetails"]["totalPurchasesSixMonthCount"] = json!(10000);
    v["browserDetails"]["screenWidth"] = json!(1_000_000);
    assert_eq!(
        paths(&v),
        [
            "maxAuthorizationsForInstalmentPayment",
            "billingCycle.frequency",
            "purchasedGiftCardDetails.count",
            "browserDetails.screenWidth",
            "userAccountDetails.totalPurchasesSixMonthCount",
        ]
    );
}

#[test]
fn string_lengths_use_the_smaller_documented_limits() {
    // The blueprint contradicts itself: billingDetails.state is "<=40" in the table but exactly 2 in the
    // data structure; shippingDetails.street2 "<=255" vs 50. The smaller is checked.
    let mut v = documented();
    v["billingDetails"]["state"] = json!("Alabama");
    v["shippingDetails"]["street2"] = json!("s".repeat(51));
    v["card"]["holderName"] = json!("n".repeat(46));
    v["merchantName"] = json!("m".repeat(26));
    assert_eq!(
        violations(&v),
        [
            (
                "card.holderName".to_string(),
                Problem::TooLong {
                    max: 45,
                    actual: 46
                }
            ),
            (
                "billingDetails.state".to_string(),
                Problem::TooLong { max: 2, actual: 7 }
            ),
            (
                "shippingDetails.street2".to_string(),
                Problem::TooLong {
                    max: 50,
                    actual: 51
                }
            ),
            (
                "merchantName".to_string(),
                Problem::TooLong {
                    max: 25,
                    actual: 26
                }
            ),
        ]
    );
}

#[test]
fn formats_dates_ips_currencies_and_card_fields() {
    let mut v = documented();
    v["currency"] = json!("eur");
    v["card"]["cardNum"] = json!("4111-1111");
    v["card"]["cardExpiry"]["month"] = json!(13);
    v["billingCycle"]["endDate"] = json!("26/01/2014");
    v["browserDetails"]["customerIp"] = json!("207.48.141");
    v["userAccountDetails"]["userLogin"]["time"] = json!("2014-01-26-T10:32:28Z");
    v["mcc"] = json!("74");
    assert_eq!(
        paths(&v),
        [
            "currency",
            "card.cardNum",
            "card.cardExpiry.month",
            "billingCycle.endDate",
            "browserDetails.customerIp",
            "userAccountDetails.userLogin.time",
            "mcc",
        ]
    );
}

#[test]
fn unknown_enum_values_are_invalid() {
    let mut v = documented();
    v["deviceChannel"] = json!("MOBILE");
    v["requestorChallengePreference"] = json!("NO_CHALLENGE_REQUESTED");
    v["userAccountDetails"]["userLogin"]["authenticationMethod"] =
        json!("THIRD_PARY_AUTHENTICATION");
    assert_eq!(
        paths(&v),
        [
            "deviceChannel",
            "requestorChallengePreference",
            "userAccountDetails.userLogin.authenticationMethod",
        ]
    );
}

#[test]
fn payment_token_alone_or_card_details_not_both() {
    let mut v = documented();
    v["card"]["paymentToken"] = json!("LTEyMzYzMjQ3ODg");
    assert_eq!(paths(&v), ["card.paymentToken"]);
    // A token alone needs no card details and no billing details.
    v["card"] = json!({"paymentToken": "LTEyMzYzMjQ3ODg"});
    v.as_object_mut().unwrap().remove("billingDetails");
    assert_eq!(paths(&v), Vec::<String>::new());
}

#[test]
fn air_travel_requires_the_travel_fields_and_data_is_limited_in_bytes() {
    let mut v = documented();
    v["userAccountDetails"]["travelDetails"] = json!({"isAirTravel": true, "origin": "BCN"});
    v["userAccountDetails"]["priorThreeDSAuthentication"]["data"] = json!("é".repeat(1025));
    assert_eq!(
        paths(&v),
        [
            "userAccountDetails.priorThreeDSAuthentication.data",
            "userAccountDetails.travelDetails.airlineCarrier",
            "userAccountDetails.travelDetails.departureDate",
            "userAccountDetails.travelDetails.destination",
            "userAccountDetails.travelDetails.passengerFirstName",
            "userAccountDetails.travelDetails.passengerLastName",
        ]
    );
}

#[test]
fn lowercase_cellphone_is_read_and_validated() {
    let mut v = documented();
    v["profile"] = json!({"cellphone": "5".repeat(41)});
    assert_eq!(paths(&v), ["profile.cellphone"]);
    v["profile"] = json!({"cellphone": "5141234567"});
    let m = PaysafeCodec::to_model(&wire(&v)).unwrap();
    assert_eq!(m.cardholder.mobile_phone.as_deref(), Some("5141234567"));
}

/// The blueprint's account and order risk data reaches Checkout's `account_info` and
/// `merchant_risk_info` (Checkout API reference, `POST /sessions`) under the same EMV
/// meanings, and comes back to Paysafe unchanged.
#[test]
fn risk_data_goes_to_checkout_and_back() {
    use threeds_bridge::translate::translate;
    let original = documented();
    let to_checkout = translate(&original, Provider::PAYSAFE, Provider::CHECKOUT, &[]).unwrap();
    let cko = to_checkout.request.expose();
    let a = &cko["account_info"];
    assert_eq!(a["add_card_attempts"], 1);
    assert_eq!(a["account_change"], "2014-01-26T00:00:00Z");
    assert_eq!(a["account_change_indicator"], "this_transaction");
    assert_eq!(a["account_date"], "2014-01-26T00:00:00Z");
    assert_eq!(a["account_age"], "no_account");
    assert_eq!(a["cardholder_account_age_indicator"], "no_account");
    assert_eq!(a["account_password_change_indicator"], "no_change");
    assert_eq!(a["payment_account_age"], "2014-01-26T00:00:00Z");
    assert_eq!(a["account_name_matches_shipping_name"], true);
    assert_eq!(a["shipping_address_usage"], "2014-01-26T00:00:00Z");
    assert_eq!(a["shipping_address_age"], "this_transaction");
    assert_eq!(a["suspicious_account_activity"], true);
    assert_eq!(a["purchase_count"], 1);
    assert_eq!(a["transactions_today"], 1);
    assert_eq!(a["transactions_per_year"], 3);
    let r = &cko["merchant_risk_info"];
    assert_eq!(r["shipping_indicator"], "billing_address");
    assert_eq!(r["reorder_items_indicator"], "first_time_ordered");
    assert_eq!(r["is_reorder"], false);
    assert_eq!(r["pre_order_purchase_indicator"], "merchandise_available");
    assert_eq!(r["pre_order_date"], "2014-01-26T00:00:00Z");
    // 1234 USD cents are 12 whole dollars at Checkout (major units, EMV giftCardAmount).
    assert_eq!(r["gift_card_amount"], "12");
    assert_eq!(r["gift_card_currency"], "USD");
    assert_eq!(r["gift_card_count"], "2");
    // The prior authentication, as before.
    assert_eq!(
        cko["initial_transaction"]["authentication_method"],
        "frictionless_authentication"
    );
    let not_representable: Vec<&str> = to_checkout
        .not_representable
        .iter()
        .map(|d| d.path.as_str())
        .collect();
    // Checkout has no payment-account age indicator, and keeps whole dollars only.
    assert!(
        not_representable.contains(&"cardholder_account.payment_account_age"),
        "{not_representable:?}"
    );
    assert!(
        to_checkout
            .not_representable
            .iter()
            .any(|d| d.path == "merchant_risk.gift_card.amount" && d.changed),
        "{not_representable:?}"
    );

    let back = with_secrets_revealed(|| {
        let revealed = to_checkout.rendered(true).unwrap();
        translate(&revealed, Provider::CHECKOUT, Provider::PAYSAFE, &[]).unwrap()
    });
    let p = back.request.expose();
    let u = &p["userAccountDetails"];
    for (field, value) in [
        ("addCardAttemptsForLastDay", json!(1)),
        ("changedDate", json!("2014-01-26")),
        ("changedRange", json!("DURING_TRANSACTION")),
        ("createdDate", json!("2014-01-26")),
        ("createdRange", json!("NO_ACCOUNT")),
        ("passwordChangedDate", json!("2014-01-26")),
        ("passwordChangedRange", json!("NO_CHANGE")),
        ("suspiciousAccountActivity", json!(true)),
        ("totalPurchasesSixMonthCount", json!(1)),
        ("transactionCountForPreviousDay", json!(1)),
        ("transactionCountForPreviousYear", json!(3)),
    ] {
        assert_eq!(u[field], value, "{field}");
    }
    assert_eq!(
        u["shippingDetailsUsage"],
        json!({"cardHolderNameMatch": true, "initialUsageDate": "2014-01-26", "initialUsageRange": "CURRENT_TRANSACTION"})
    );
    assert_eq!(u["paymentAccountDetails"]["createdDate"], "2014-01-26");
    assert_eq!(
        p["orderItemDetails"], original["orderItemDetails"],
        "order items survive both ways"
    );
    assert_eq!(
        p["purchasedGiftCardDetails"],
        json!({"amount": 1200, "count": 2, "currency": "USD"})
    );
    assert_eq!(
        u["priorThreeDSAuthentication"]["method"],
        "FRICTIONLESS_AUTHENTICATION"
    );
}

#[test]
fn electronic_delivery_is_the_electronic_timeframe() {
    let mut v = documented();
    v.as_object_mut().unwrap().remove("shippingDetails");
    v["electronicDelivery"] = json!({"isElectronicDelivery": true, "email": "buyer@example.com"});
    let t = threeds_bridge::translate::translate(&v, Provider::PAYSAFE, Provider::CHECKOUT, &[])
        .unwrap();
    let r = &t.request.expose()["merchant_risk_info"];
    assert_eq!(r["delivery_timeframe"], "electronic_delivery");
    assert_eq!(r["delivery_email"], "buyer@example.com");
    assert!(
        !t.dropped
            .iter()
            .any(|d| d.path.starts_with("electronicDelivery")),
        "{:?}",
        t.dropped
    );
}

#[test]
fn an_undocumented_risk_value_is_an_error_naming_its_field() {
    let mut v = documented();
    v["orderItemDetails"]["shippingIndicator"] = json!("TELEPORT");
    let e = codec(Provider::PAYSAFE)
        .unwrap()
        .read(&v)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("orderItemDetails.shippingIndicator") && e.contains("TELEPORT"),
        "{e}"
    );
}
