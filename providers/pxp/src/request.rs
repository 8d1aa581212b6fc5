//! PXP request bodies: pre-initiate (standalone and integrated) and initiate
//! (browser-authentication).
//!
//! Sources: `https://developer.pxp.io/guides/3ds/standalone/pre-initiate`,
//! `/guides/3ds/integrated/pre-initiate` and the API reference pages
//! `/apis/three-d-secure-authentication/...` (limits), `/guides/3ds/standalone/initiate`
//! (the initiate example). Every field is optional so partial requests can be built; the
//! [`Validate`] impls report what PXP requires.

use crate::MajorAmount;
use serde::{Deserialize, Serialize};
use threeds_wire::validate::join;
use threeds_wire::{CardNumber, FieldViolation, Problem, Secret, Validate, Violations};

threeds_wire::open_enum! {
    /// `requestorAuthenticationIndicator`. PXP's list, which is *not* EMV's
    /// `threeDSRequestorAuthenticationInd` numbering (EMV 03 is instalment, PXP 06).
    pub enum RequestorAuthenticationIndicator {
        Payment = "01",
        InitialRecurring = "02",
        InitialCardOnFileMit = "03",
        InitialCardOnFileCit = "04",
        StoreCardWithoutPurchase = "05",
        Instalment = "06",
        BillingAgreement = "07",
        SplitShipment = "08",
        DelayedShipment = "09",
        SplitPayment = "10",
    }
}

threeds_wire::open_enum! {
    /// Integrated pre-initiate `intent` (API reference, integrated pre-initiate). PXP says
    /// authenticating makes sense for Purchase, Authorisation, EstimatedAuthorisation and
    /// Verification.
    pub enum Intent {
        Authorisation = "Authorisation",
        Purchase = "Purchase",
        Payout = "Payout",
        EstimatedAuthorisation = "EstimatedAuthorisation",
        Verification = "Verification",
        Refund = "Refund",
        Void = "Void",
        Capture = "Capture",
        Incremental = "Incremental",
        StandaloneRefund = "StandaloneRefund",
    }
}

threeds_wire::open_enum! {
    /// `requestorChallengeIndicator` / `recommendedChallengeIndicator`: EMV
    /// `threeDSRequestorChallengeInd` codes; PXP adds `10` for the low-value exemption
    /// (`/guides/3ds/exemptions`: `05` = TRA, `10` = LVP).
    pub enum ChallengeIndicator {
        NoPreference = "01",
        NoChallengeRequested = "02",
        ChallengeRequested = "03",
        ChallengeMandated = "04",
        TransactionRiskAnalysis = "05",
        DataShareOnly = "06",
        ScaAlreadyPerformed = "07",
        TrustedListing = "08",
        TrustedListingPrompt = "09",
        LowValue = "10",
    }
}

/// `amount` (`authenticationAmounts`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Amount {
    /// Major units, a JSON number.
    #[serde(rename = "transactionValue", skip_serializing_if = "Option::is_none")]
    pub transaction_value: Option<MajorAmount>,
    /// ISO 4217 alpha.
    #[serde(rename = "currencyCode", skip_serializing_if = "Option::is_none")]
    pub currency_code: Option<String>,
}

/// `card`: one of direct card, gateway token, scheme token or external scheme token.
///
/// The direct card fields are confirmed (pre-initiate guide). The token variants' field names
/// are *unconfirmed* for this endpoint: the API reference only names the variants ("Gateway
/// token", "Scheme token", "Scheme token (external)"); the names used are those PXP uses for
/// the same objects in its token vault and transactions APIs (`gatewayTokenId`,
/// `schemeTokenId`, `schemeTokenNumber` + `schemeTokenCryptogram`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Card {
    #[serde(
        rename = "primaryAccountNumber",
        skip_serializing_if = "Option::is_none"
    )]
    pub primary_account_number: Option<CardNumber>,
    #[serde(rename = "cardHolderName", skip_serializing_if = "Option::is_none")]
    pub card_holder_name: Option<String>,
    #[serde(rename = "expiryMonth", skip_serializing_if = "Option::is_none")]
    pub expiry_month: Option<i64>,
    #[serde(rename = "expiryYear", skip_serializing_if = "Option::is_none")]
    pub expiry_year: Option<i64>,
    #[serde(
        rename = "cardVerificationCode",
        skip_serializing_if = "Option::is_none"
    )]
    pub card_verification_code: Option<Secret>,
    /// Gateway token (unconfirmed name).
    #[serde(rename = "gatewayTokenId", skip_serializing_if = "Option::is_none")]
    pub gateway_token_id: Option<Secret>,
    /// PXP-held scheme token (unconfirmed name).
    #[serde(rename = "schemeTokenId", skip_serializing_if = "Option::is_none")]
    pub scheme_token_id: Option<Secret>,
    /// External scheme (network) token PAN (unconfirmed name).
    #[serde(rename = "schemeTokenNumber", skip_serializing_if = "Option::is_none")]
    pub scheme_token_number: Option<CardNumber>,
    /// External scheme token cryptogram (unconfirmed name).
    #[serde(
        rename = "schemeTokenCryptogram",
        skip_serializing_if = "Option::is_none"
    )]
    pub scheme_token_cryptogram: Option<Secret>,
}

/// Which of the `card` variants a [`Card`] holds. Exhaustive on purpose: code that maps
/// each kind fails to compile when PXP documents another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardKind {
    Direct,
    GatewayToken,
    SchemeToken,
    ExternalSchemeToken,
}

impl Card {
    /// The variants whose identifying field is present.
    pub fn kinds(&self) -> Vec<CardKind> {
        let mut kinds = Vec::new();
        if self.primary_account_number.is_some() {
            kinds.push(CardKind::Direct);
        }
        if self.gateway_token_id.is_some() {
            kinds.push(CardKind::GatewayToken);
        }
        if self.scheme_token_id.is_some() {
            kinds.push(CardKind::SchemeToken);
        }
        if self.scheme_token_number.is_some() {
            kinds.push(CardKind::ExternalSchemeToken);
        }
        kinds
    }

    fn validate_at(&self, path: &str, v: &mut Violations) {
        let p = |f: &str| join(path, f);
        let kinds = self.kinds();
        match kinds.as_slice() {
            [] => v.push(
                p("primaryAccountNumber"),
                Problem::Invalid {
                    expected: "a direct card, gateway token, scheme token or external scheme token"
                        .into(),
                },
            ),
            [_] => {}
            _ => v.push(
                path.to_owned(),
                Problem::Invalid {
                    expected: "exactly one of direct card, gateway token, scheme token, external scheme token".into(),
                },
            ),
        }
        if kinds.contains(&CardKind::Direct) {
            let pan = self.primary_account_number.as_ref().map(CardNumber::expose);
            v.length(&p("primaryAccountNumber"), pan, 13, 19);
            v.check(&p("primaryAccountNumber"), pan, "digits only", |s: &str| {
                s.bytes().all(|b| b.is_ascii_digit())
            });
            v.require(&p("expiryMonth"), self.expiry_month.as_ref());
            v.require(&p("expiryYear"), self.expiry_year.as_ref());
        }
        v.length(
            &p("cardHolderName"),
            self.card_holder_name.as_deref(),
            2,
            45,
        );
        v.range(&p("expiryMonth"), self.expiry_month, 1, 12);
        v.range(&p("expiryYear"), self.expiry_year, 2000, 9999);
        let cvc = self.card_verification_code.as_ref().map(Secret::expose);
        v.check(
            &p("cardVerificationCode"),
            cvc,
            "3 or 4 digits",
            |s: &str| (3..=4).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()),
        );
    }
}

/// The pre-initiate body. Standalone carries `acquirerProfileId` and `merchantGroup`;
/// integrated carries `site`, `providerId` and `intent` instead.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PreInitiateRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<Amount>,
    #[serde(
        rename = "fingerprintCallbackUrl",
        skip_serializing_if = "Option::is_none"
    )]
    pub fingerprint_callback_url: Option<String>,
    /// Standalone only, <= 20.
    #[serde(rename = "acquirerProfileId", skip_serializing_if = "Option::is_none")]
    pub acquirer_profile_id: Option<String>,
    /// Standalone only, <= 10.
    #[serde(rename = "merchantGroup", skip_serializing_if = "Option::is_none")]
    pub merchant_group: Option<String>,
    #[serde(
        rename = "requestorAuthenticationIndicator",
        skip_serializing_if = "Option::is_none"
    )]
    pub requestor_authentication_indicator: Option<RequestorAuthenticationIndicator>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub card: Option<Card>,
    /// Integrated only, <= 36; when absent PXP picks the provider.
    #[serde(rename = "providerId", skip_serializing_if = "Option::is_none")]
    pub provider_id: Option<String>,
    /// Integrated only; required when `providerId` is absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub intent: Option<Intent>,
    /// Integrated only, <= 10.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
}

/// Standalone or integrated, from the fields present. Exhaustive on purpose, like
/// [`CardKind`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Standalone,
    Integrated,
}

impl PreInitiateRequest {
    /// Integrated when any integrated-only field is present, standalone otherwise.
    pub fn mode(&self) -> Mode {
        if self.site.is_some() || self.provider_id.is_some() || self.intent.is_some() {
            Mode::Integrated
        } else {
            Mode::Standalone
        }
    }

    /// Validates with JSON paths under `path`.
    pub fn validate_at(&self, path: &str, v: &mut Violations) {
        let p = |f: &str| join(path, f);
        v.require(&p("amount"), self.amount.as_ref());
        if let Some(amount) = &self.amount {
            v.require(
                &p("amount.transactionValue"),
                amount.transaction_value.as_ref(),
            );
            v.require(&p("amount.currencyCode"), amount.currency_code.as_ref());
            v.check(
                &p("amount.currencyCode"),
                amount.currency_code.as_deref(),
                "an ISO 4217 alpha code (3 letters)",
                |c: &str| c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase()),
            );
        }
        v.require(
            &p("fingerprintCallbackUrl"),
            self.fingerprint_callback_url.as_ref(),
        );
        v.length(
            &p("fingerprintCallbackUrl"),
            self.fingerprint_callback_url.as_deref(),
            1,
            usize::MAX,
        );
        let indicator = self.requestor_authentication_indicator.as_ref();
        v.length(
            &p("requestorAuthenticationIndicator"),
            indicator.map(|i| i.as_str()),
            0,
            2,
        );
        v.check(
            &p("requestorAuthenticationIndicator"),
            indicator,
            "one of 01..10",
            RequestorAuthenticationIndicator::is_known,
        );
        v.require(&p("card"), self.card.as_ref());
        if let Some(card) = &self.card {
            card.validate_at(&p("card"), v);
        }
        match self.mode() {
            Mode::Standalone => {
                v.require(&p("acquirerProfileId"), self.acquirer_profile_id.as_ref());
                v.length(
                    &p("acquirerProfileId"),
                    self.acquirer_profile_id.as_deref(),
                    0,
                    20,
                );
                v.require(&p("merchantGroup"), self.merchant_group.as_ref());
                v.length(&p("merchantGroup"), self.merchant_group.as_deref(), 0, 10);
            }
            Mode::Integrated => {
                for (field, present) in [
                    ("acquirerProfileId", self.acquirer_profile_id.is_some()),
                    ("merchantGroup", self.merchant_group.is_some()),
                ] {
                    if present {
                        v.push(
                            p(field),
                            Problem::Invalid {
                                expected: "absent in an integrated pre-initiate (site/providerId/intent present)".into(),
                            },
                        );
                    }
                }
                v.require(&p("site"), self.site.as_ref());
                v.length(&p("site"), self.site.as_deref(), 0, 10);
                v.length(&p("providerId"), self.provider_id.as_deref(), 0, 36);
                if self.provider_id.is_none() {
                    v.require(&p("intent"), self.intent.as_ref());
                }
                v.check(
                    &p("intent"),
                    self.intent.as_ref(),
                    "a documented intent",
                    Intent::is_known,
                );
            }
        }
    }
}

impl Validate for PreInitiateRequest {
    fn validate(&self) -> Vec<FieldViolation> {
        let mut v = Violations::new();
        self.validate_at("", &mut v);
        v.into_vec()
    }
}

/// `recurring` in the initiate body.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Recurring {
    /// ISO 8601 date-time (`2024-12-31T23:59:59Z`).
    #[serde(rename = "expirationDate", skip_serializing_if = "Option::is_none")]
    pub expiration_date: Option<String>,
    #[serde(rename = "frequencyInDays", skip_serializing_if = "Option::is_none")]
    pub frequency_in_days: Option<i64>,
}

/// `billingAddress` / `shippingAddress`. The country is ISO 3166-1 *numeric* (`"840"`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Address {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    #[serde(rename = "countryNumericCode", skip_serializing_if = "Option::is_none")]
    pub country_numeric_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line1: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line2: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line3: Option<String>,
    #[serde(rename = "postalCode", skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    #[serde(rename = "stateCode", skip_serializing_if = "Option::is_none")]
    pub state_code: Option<String>,
}

impl Address {
    fn validate_at(&self, path: &str, v: &mut Violations) {
        v.check(
            &join(path, "countryNumericCode"),
            self.country_numeric_code.as_deref(),
            "an ISO 3166-1 numeric code",
            |c: &str| crate::country::numeric_to_alpha2(c).is_some() && c.len() == 3,
        );
    }
}

/// `browserData`. `timeZoneOffsetInMinutes` follows JavaScript's `getTimezoneOffset()`
/// (the example sends `-420`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BrowserData {
    #[serde(rename = "acceptHeader", skip_serializing_if = "Option::is_none")]
    pub accept_header: Option<String>,
    #[serde(rename = "colorDepth", skip_serializing_if = "Option::is_none")]
    pub color_depth: Option<i64>,
    #[serde(rename = "ipAddress", skip_serializing_if = "Option::is_none")]
    pub ip_address: Option<String>,
    #[serde(rename = "javaEnabled", skip_serializing_if = "Option::is_none")]
    pub java_enabled: Option<bool>,
    #[serde(rename = "javaScriptEnabled", skip_serializing_if = "Option::is_none")]
    pub java_script_enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    #[serde(rename = "screenHeight", skip_serializing_if = "Option::is_none")]
    pub screen_height: Option<i64>,
    #[serde(rename = "screenWidth", skip_serializing_if = "Option::is_none")]
    pub screen_width: Option<i64>,
    #[serde(
        rename = "timeZoneOffsetInMinutes",
        skip_serializing_if = "Option::is_none"
    )]
    pub time_zone_offset_in_minutes: Option<i64>,
    #[serde(rename = "userAgent", skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
}

/// The initiate (browser-authentication) body.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BrowserAuthenticationRequest {
    /// Base64 of the `threeDSMethodData` the ACS posted to `fingerprintCallbackUrl`.
    #[serde(
        rename = "fingerprintNotification",
        skip_serializing_if = "Option::is_none"
    )]
    pub fingerprint_notification: Option<String>,
    #[serde(
        rename = "merchantCategoryCode",
        skip_serializing_if = "Option::is_none"
    )]
    pub merchant_category_code: Option<String>,
    #[serde(
        rename = "merchantCountryNumericCode",
        skip_serializing_if = "Option::is_none"
    )]
    pub merchant_country_numeric_code: Option<String>,
    #[serde(rename = "merchantLegalName", skip_serializing_if = "Option::is_none")]
    pub merchant_legal_name: Option<String>,
    #[serde(rename = "acquirerMerchantId", skip_serializing_if = "Option::is_none")]
    pub acquirer_merchant_id: Option<String>,
    /// EMV challenge window size 1..5, a JSON number here (the example sends `3`).
    #[serde(
        rename = "challengeWindowSize",
        skip_serializing_if = "Option::is_none"
    )]
    pub challenge_window_size: Option<i64>,
    #[serde(
        rename = "requestorChallengeIndicator",
        skip_serializing_if = "Option::is_none"
    )]
    pub requestor_challenge_indicator: Option<ChallengeIndicator>,
    #[serde(
        rename = "challengeCallbackUrl",
        skip_serializing_if = "Option::is_none"
    )]
    pub challenge_callback_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recurring: Option<Recurring>,
    #[serde(rename = "billingAddress", skip_serializing_if = "Option::is_none")]
    pub billing_address: Option<Address>,
    #[serde(rename = "shippingAddress", skip_serializing_if = "Option::is_none")]
    pub shipping_address: Option<Address>,
    #[serde(rename = "browserData", skip_serializing_if = "Option::is_none")]
    pub browser_data: Option<BrowserData>,
}

impl BrowserAuthenticationRequest {
    /// Validates with JSON paths under `path`.
    ///
    /// Only `browserData` and `challengeCallbackUrl` are treated as required: the readable part
    /// of the initiate guide does not mark required fields, and a browser authentication cannot
    /// run without browser data nor deliver a CRes without the callback (inferred, not stated by PXP). Formats
    /// checked are those the example and EMV fix: a 4-digit MCC, 3-digit ISO 3166-1 numeric
    /// countries, challenge window 1..5, challenge indicator 01..10.
    pub fn validate_at(&self, path: &str, v: &mut Violations) {
        let p = |f: &str| join(path, f);
        v.require(&p("browserData"), self.browser_data.as_ref());
        v.require(
            &p("challengeCallbackUrl"),
            self.challenge_callback_url.as_ref(),
        );
        v.check(
            &p("merchantCategoryCode"),
            self.merchant_category_code.as_deref(),
            "4 digits",
            |s: &str| s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()),
        );
        v.check(
            &p("merchantCountryNumericCode"),
            self.merchant_country_numeric_code.as_deref(),
            "an ISO 3166-1 numeric code",
            |c: &str| c.len() == 3 && crate::country::numeric_to_alpha2(c).is_some(),
        );
        v.range(&p("challengeWindowSize"), self.challenge_window_size, 1, 5);
        v.check(
            &p("requestorChallengeIndicator"),
            self.requestor_challenge_indicator.as_ref(),
            "one of 01..10",
            ChallengeIndicator::is_known,
        );
        if let Some(r) = &self.recurring {
            v.range(
                &p("recurring.frequencyInDays"),
                r.frequency_in_days,
                1,
                9999,
            );
        }
        if let Some(a) = &self.billing_address {
            a.validate_at(&p("billingAddress"), v);
        }
        if let Some(a) = &self.shipping_address {
            a.validate_at(&p("shippingAddress"), v);
        }
    }
}

impl Validate for BrowserAuthenticationRequest {
    fn validate(&self) -> Vec<FieldViolation> {
        let mut v = Violations::new();
        self.validate_at("", &mut v);
        v.into_vec()
    }
}

/// The two PXP request bodies of one authentication, side by side.
///
/// This envelope is threeds-bridge's, **not PXP's**: PXP takes the pre-initiate body in one
/// call and the browser-authentication body in a second call (after the 3DS Method). Request
/// translation needs both at once, so they travel as
/// `{"preInitiate": <pre-initiate body>, "browserAuthentication": <initiate body>}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AuthenticationRequests {
    #[serde(rename = "preInitiate", skip_serializing_if = "Option::is_none")]
    pub pre_initiate: Option<PreInitiateRequest>,
    #[serde(
        rename = "browserAuthentication",
        skip_serializing_if = "Option::is_none"
    )]
    pub browser_authentication: Option<BrowserAuthenticationRequest>,
}

impl Validate for AuthenticationRequests {
    fn validate(&self) -> Vec<FieldViolation> {
        let mut v = Violations::new();
        v.require("preInitiate", self.pre_initiate.as_ref());
        v.require(
            "browserAuthentication",
            self.browser_authentication.as_ref(),
        );
        if let Some(pre) = &self.pre_initiate {
            pre.validate_at("preInitiate", &mut v);
        }
        if let Some(b) = &self.browser_authentication {
            b.validate_at("browserAuthentication", &mut v);
        }
        v.into_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn standalone() -> serde_json::Value {
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

    #[test]
    fn documented_standalone_example_round_trips_and_is_valid() {
        let req: PreInitiateRequest = serde_json::from_value(standalone()).unwrap();
        assert_eq!(req.mode(), Mode::Standalone);
        // PXP's own example breaks its documented limit: "merchant_001" is 12 characters,
        // the guide and the API reference both say merchantGroup is at most 10.
        assert_eq!(
            req.validate(),
            vec![FieldViolation {
                path: "merchantGroup".into(),
                problem: Problem::TooLong {
                    max: 10,
                    actual: 12
                }
            }]
        );
        let back = threeds_wire::with_secrets_revealed(|| serde_json::to_value(&req).unwrap());
        assert_eq!(back, standalone());
    }

    #[test]
    fn secrets_are_redacted_by_default() {
        let req: PreInitiateRequest = serde_json::from_value(standalone()).unwrap();
        let text = serde_json::to_string(&req).unwrap();
        assert!(text.contains("411111******1111"));
        assert!(!text.contains("\"123\""));
        assert!(!format!("{req:?}").contains("4111111111111111"));
    }

    #[test]
    fn integrated_needs_site_and_intent_without_provider() {
        let req: PreInitiateRequest = serde_json::from_value(json!({
            "amount": { "transactionValue": 0.1, "currencyCode": "EUR" },
            "fingerprintCallbackUrl": "https://m/cb",
            "site": "SITE-1",
            "card": { "gatewayTokenId": "7f46c09d-d1d1-4f94-9a88-6e8ac32e6341" }
        }))
        .unwrap();
        assert_eq!(req.mode(), Mode::Integrated);
        let v = req.validate();
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].path, "intent");
        assert_eq!(v[0].problem, Problem::Missing);
    }

    #[test]
    fn unknown_enum_values_are_kept() {
        let i: Intent = serde_json::from_str("\"Preauth\"").unwrap();
        assert_eq!(i, Intent::Unknown("Preauth".into()));
        let c: ChallengeIndicator = serde_json::from_str("3").unwrap();
        assert_eq!(c.as_str(), "3");
    }
}
