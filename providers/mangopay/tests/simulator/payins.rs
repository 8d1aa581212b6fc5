//! Pay-ins and what precedes them: validation, idempotency keys, the documented object,
//! currencies, card registration, and the challenge page.

use super::{keys, payin, sim};
use serde_json::{json, Value};
use threeds_mangopay::sandbox::SEEDED_USER_ID;
use threeds_wire::sandbox::Form;

#[tokio::test]
async fn validation_errors_name_every_field_in_mangopays_shape() {
    let s = sim().await;
    let (status, v) = s
        .call("POST", "payins/card/direct", None, Some(json!({})))
        .await;
    assert_eq!(status, 400);
    assert_eq!(
        keys(&v),
        ["Date", "Id", "Message", "Type", "errors"]
            .map(String::from)
            .into()
    );
    assert_eq!(v["Type"], "param_error");
    let fields = keys(&v["errors"]);
    for f in [
        "AuthorId",
        "DebitedFunds",
        "Fees",
        "CreditedWalletId",
        "CardId",
        "SecureModeReturnURL",
        "BrowserInfo",
        "IpAddress",
    ] {
        assert!(fields.contains(f), "{f} missing from {fields:?}");
    }
    // An unknown id in the body is a param_error too (docs.mangopay.com/api-reference/overview).
    let (status, v) = s
        .call(
            "POST",
            "payins/card/direct",
            None,
            Some(payin("card_m_nope", 100)),
        )
        .await;
    assert_eq!(status, 400);
    assert!(v["errors"]["CardId"].is_string());
    let (status, v) = s
        .call("POST", "payins/card/direct", None, Some(json!([1])))
        .await;
    assert_eq!((status, v["Type"].as_str()), (400, Some("param_error")));
}

#[tokio::test]
async fn idempotency_keys_block_reuse_and_keep_the_first_answer() {
    let s = sim().await;
    let card = s.card("4970107111111119", "EUR").await;
    let key = "b1946ac9-2d0e-4f2b-8a0a-1d2c3e4f5a6b";
    let (status, first) = s
        .call(
            "POST",
            "payins/card/direct",
            Some(key),
            Some(payin(&card, 1000)),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(first["Status"], "SUCCEEDED");
    let (status, again) = s
        .call(
            "POST",
            "payins/card/direct",
            Some(key),
            Some(payin(&card, 1000)),
        )
        .await;
    assert_eq!(status, 409);
    assert_eq!(again["Type"], "idempotent_creation_conflict");
    assert_eq!(
        again["Message"],
        "A resource has already been created with this Idempotency Key"
    );
    assert!(again["errors"].is_null());
    // A failed first call burns the key too.
    let bad = "c2946ac9-2d0e-4f2b-8a0a-1d2c3e4f5a6b";
    assert_eq!(
        s.call("POST", "payins/card/direct", Some(bad), Some(json!({})))
            .await
            .0,
        400
    );
    assert_eq!(
        s.call(
            "POST",
            "payins/card/direct",
            Some(bad),
            Some(payin(&card, 1000))
        )
        .await
        .0,
        409
    );

    let (status, stored) = s.call("GET", &format!("responses/{key}"), None, None).await;
    assert_eq!(status, 200);
    assert_eq!(stored["StatusCode"], "200");
    assert_eq!(stored["Resource"], first);
    assert!(stored["RequestURL"]
        .as_str()
        .unwrap()
        .ends_with("/payins/card/direct"));
    let (status, stored) = s.call("GET", &format!("responses/{bad}"), None, None).await;
    assert_eq!((status, stored["StatusCode"].as_str()), (200, Some("400")));
    let (status, _) = s
        .call(
            "GET",
            "responses/d3946ac9-2d0e-4f2b-8a0a-1d2c3e4f5a6b",
            None,
            None,
        )
        .await;
    assert_eq!(status, 404);
    let (status, v) = s
        .call("POST", "hooks", Some("short"), Some(json!({})))
        .await;
    assert_eq!((status, v["Type"].as_str()), (400, Some("param_error")));
}

#[tokio::test]
async fn payins_have_every_field_of_the_documented_object() {
    let s = sim().await;
    let card = s.card("4970105181818183", "EUR").await;
    let (status, created) = s
        .call("POST", "payins/card/direct", None, Some(payin(&card, 2500)))
        .await;
    assert_eq!(status, 200);
    // The create-direct-card-payin.mdx 200 example.
    let documented: Value = serde_json::from_str(include_str!(
        "../../../../fixtures/mangopay/payin_created_challenge_redirect.json"
    ))
    .unwrap();
    assert_eq!(keys(&created), keys(&documented));
    assert_eq!(created["Status"], "CREATED");
    assert!(created["ResultCode"].is_null());
    assert_eq!(created["SecureModeNeeded"], true);
    assert_eq!(created["Applied3DSVersion"], "V2_1");
    let id = created["Id"].as_str().unwrap();
    assert!(id.starts_with("wt_"));
    assert_eq!(
        created["SecureModeReturnURL"],
        format!("https://merchant.example/return?transactionId={id}")
    );
    assert_eq!(created["CardInfo"]["BIN"], "497010");
    let (_, fetched) = s.call("GET", &format!("payins/{id}"), None, None).await;
    assert_eq!(fetched, created);
}

#[tokio::test]
async fn currencies_must_match_the_card_and_the_wallet() {
    let s = sim().await;
    let gbp_card = s.card("4970107111111119", "GBP").await;
    let (status, v) = s
        .call(
            "POST",
            "payins/card/direct",
            None,
            Some(payin(&gbp_card, 1000)),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(v["Type"], "currency_incompatibility");
    assert_eq!(
        v["errors"]["currency"],
        "The card's currency GBP and the debitedAmount's currency EUR must be the same"
    );
}

#[tokio::test]
async fn the_tokenizer_rejects_bad_cards_and_the_registration_reports_it() {
    let s = sim().await;
    let (_, reg) = s
        .call(
            "POST",
            "cardregistrations",
            None,
            Some(json!({"UserId": SEEDED_USER_ID, "Currency": "EUR"})),
        )
        .await;
    assert_eq!(reg["Status"], "CREATED");
    assert_eq!(reg["CardType"], "CB_VISA_MASTERCARD");
    assert!(reg["CardRegistrationURL"]
        .as_str()
        .unwrap()
        .starts_with(&format!("{}/api/mangopay/vault/tokenize/", s.base)));
    assert_eq!(
        s.tokenize(&reg, "4970107111111118", "123").await,
        "errorCode=02625"
    );
    assert_eq!(
        s.tokenize(&reg, "4970107111111119", "12").await,
        "errorCode=02627"
    );
    let mut wrong = reg.clone();
    wrong["AccessKey"] = json!("not-the-key");
    assert_eq!(
        s.tokenize(&wrong, "4970107111111119", "123").await,
        "errorCode=09101"
    );
    let (status, done) = s
        .call(
            "PUT",
            &format!("cardregistrations/{}", reg["Id"].as_str().unwrap()),
            None,
            Some(json!({"RegistrationData": "errorCode=02625"})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(done["Status"], "ERROR");
    assert_eq!(done["ResultCode"], "105202");
    assert!(done["CardId"].is_null());
}

#[tokio::test]
async fn the_challenge_page_is_a_real_form_and_redirects_to_the_return_url() {
    let s = sim().await;
    let card = s.card("4970105181818183", "EUR").await;
    let mut body = payin(&card, 2500);
    body["SecureModeReturnURL"] = json!("https://merchant.example/return?order=7");
    let (_, created) = s.call("POST", "payins/card/direct", None, Some(body)).await;
    let id = created["Id"].as_str().unwrap();
    let html = s
        .http
        .get(created["SecureModeRedirectURL"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let form = Form::parse_all(&html).remove(0);
    assert_eq!(form.action, format!("{}/secure-mode/{id}", s.base));
    // A forged token is refused; a missing outcome too.
    let r = s
        .http
        .post(&form.action)
        .body("token=forged&outcome=authenticate")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);
    let r = s
        .http
        .post(&form.action)
        .body(form.submission(None))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let r = s
        .http
        .post(&form.action)
        .body(form.submission(Some("authenticate")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(
        r.headers()["location"],
        format!("https://merchant.example/return?order=7&transactionId={id}").as_str()
    );
    let (_, done) = s.call("GET", &format!("payins/{id}"), None, None).await;
    assert_eq!(done["Status"], "SUCCEEDED");
    assert!(done["ExecutionDate"].is_i64());
    let (_, card) = s.call("GET", &format!("cards/{card}"), None, None).await;
    assert_eq!(card["Validity"], "VALID");
}
