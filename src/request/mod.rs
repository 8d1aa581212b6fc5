//! The normalized authentication *request*, and per-PSP codecs between it and each PSP's
//! request body.
//!
//! A codec reads a PSP request into [`AuthenticationRequest`] and builds a PSP request from
//! one. Translation between two PSPs goes through this model (see [`crate::translate`]); what
//! a source field cannot carry is found by rebuilding the source request from the model and
//! comparing, so no field list has to be kept by hand.
//!
//! Units: `amount` is always in minor units. Codecs convert to what their PSP wants (PXP:
//! major-unit decimal) and to its types (Checkout: browser numbers as strings).

use crate::model::{Network, Provider};
use crate::normalize::{parse_as, NormalizeError};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use threeds_wire::{with_secrets_revealed, CardNumber, FieldViolation, Secret, Validate};

/// A PSP-neutral 3DS authentication request.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AuthenticationRequest {
    /// Minor units.
    pub amount: Option<u64>,
    /// ISO 4217 alpha code.
    pub currency: Option<String>,
    /// The merchant's reference for this authentication / order.
    pub reference: Option<String>,
    pub card: Option<Card>,
    /// A card the PSP already holds (Checkout instrument or token, Paysafe payment token,
    /// Mangopay `CardId`, PXP gateway token). Only meaningful at that PSP.
    pub card_reference: Option<CardReference>,
    pub cardholder: Cardholder,
    pub billing_address: Option<Address>,
    pub shipping_address: Option<Address>,
    pub browser: Option<Browser>,
    pub channel: Option<Channel>,
    pub purpose: Option<Purpose>,
    pub message_category: Option<MessageCategory>,
    pub challenge_preference: Option<ChallengePreference>,
    pub transaction_type: Option<TransactionType>,
    /// Recurring or instalment terms.
    pub recurring: Option<Recurring>,
    pub merchant: Merchant,
    pub urls: Urls,
    /// The prior authentication this one refers to (3RI / MIT, recurring series).
    pub prior_authentication: Option<PriorAuthentication>,
    /// The id of the device-data session the PSP's client SDK ran in the browser before
    /// the authentication request (Paysafe `deviceFingerprintingId`, from its JS SDK's
    /// `start()`). PSPs that collect device data through their own API have none.
    #[serde(default)]
    pub device_session_id: Option<String>,
    /// The cardholder's account with the merchant (EMV `acctInfo`): what issuers score for
    /// risk-based (frictionless) decisions. Written `cardholder_account` in JSON: the
    /// service's create body uses `account` for the PSP account to authenticate at.
    #[serde(default, rename = "cardholder_account")]
    pub account: Option<AccountInfo>,
    /// The order's risk indicators (EMV `merchantRiskIndicator`).
    #[serde(default)]
    pub merchant_risk: Option<MerchantRisk>,
}

/// How long ago something happened to the cardholder's account (the EMV `*Ind` fields of
/// `acctInfo`: `chAccAgeInd`, `chAccChangeInd`, `chAccPwChangeInd`, `paymentAccInd`,
/// `shipAddressUsageInd`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Recency {
    /// No account (guest checkout) for ages; no change for the password.
    Never,
    /// During this transaction.
    ThisTransaction,
    LessThan30Days,
    #[serde(rename = "from_30_to_60_days")]
    From30To60Days,
    MoreThan60Days,
}

/// EMV `acctInfo`. Dates are ISO 8601 as the source wrote them (a date, or a date-time);
/// codecs convert to what their PSP takes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AccountInfo {
    /// `chAccAgeInd`.
    pub age: Option<Recency>,
    /// `chAccDate`.
    pub created: Option<String>,
    /// `chAccChangeInd`.
    pub changed_age: Option<Recency>,
    /// `chAccChange`.
    pub changed: Option<String>,
    /// `chAccPwChangeInd`.
    pub password_changed_age: Option<Recency>,
    /// `chAccPwChange`.
    pub password_changed: Option<String>,
    /// `paymentAccInd`: how long the card has been on the account.
    pub payment_account_age: Option<Recency>,
    /// `paymentAccAge`.
    pub payment_account_added: Option<String>,
    /// `shipAddressUsageInd`: since when the shipping address is used.
    pub shipping_address_age: Option<Recency>,
    /// `shipAddressUsage`.
    pub shipping_address_first_used: Option<String>,
    /// `shipNameIndicator`: the account name is the shipping name.
    pub shipping_name_matches: Option<bool>,
    /// `suspiciousAccActivity`.
    pub suspicious_activity: Option<bool>,
    /// `nbPurchaseAccount`: purchases in the last six months.
    pub purchases_last_6_months: Option<u32>,
    /// `provisionAttemptsDay`: attempts to add a card in the last 24 hours.
    pub add_card_attempts_last_day: Option<u32>,
    /// `txnActivityDay`: transactions in the last 24 hours.
    pub transactions_last_day: Option<u32>,
    /// `txnActivityYear`: transactions in the last year.
    pub transactions_last_year: Option<u32>,
}

/// EMV `shipIndicator`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ShippingIndicator {
    /// 01: to the cardholder's billing address.
    BillingAddress,
    /// 02: to another verified address on file.
    VerifiedAddress,
    /// 03: to an address other than the billing address.
    OtherAddress,
    /// 04: pick-up at a local store.
    StorePickup,
    /// 05: digital goods.
    DigitalGoods,
    /// 06: travel and event tickets, not shipped.
    TravelAndEvent,
    /// 07: other.
    Other,
}

/// EMV `deliveryTimeframe`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DeliveryTimeframe {
    Electronic,
    SameDay,
    Overnight,
    TwoDaysOrMore,
}

/// EMV `merchantRiskIndicator`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MerchantRisk {
    pub shipping_indicator: Option<ShippingIndicator>,
    pub delivery_timeframe: Option<DeliveryTimeframe>,
    /// `deliveryEmailAddress`, for electronic delivery.
    pub delivery_email: Option<String>,
    /// `reorderItemsInd`: true when the cardholder ordered these items before.
    pub reorder: Option<bool>,
    /// `preOrderPurchaseInd`: true for merchandise available only later.
    pub pre_order: Option<bool>,
    /// `preOrderDate`: when pre-ordered merchandise is available (ISO 8601).
    pub pre_order_date: Option<String>,
    /// Prepaid or gift cards bought.
    pub gift_card: Option<GiftCard>,
}

/// `giftCardAmount`, `giftCardCurr`, `giftCardCount`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GiftCard {
    /// Minor units, as every model amount (EMV and Checkout take whole major units).
    pub amount: Option<u64>,
    pub currency: Option<String>,
    pub count: Option<u32>,
}

/// Card details. The number and CVV are secrets.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Card {
    pub number: Option<CardNumber>,
    pub expiry_month: Option<u8>,
    pub expiry_year: Option<u16>,
    pub holder_name: Option<String>,
    pub cvv: Option<Secret>,
    /// The network the cardholder chose for a co-badged card.
    pub preferred_network: Option<Network>,
}

/// A PSP-held card reference.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CardReference {
    pub provider: Provider,
    /// The PSP's kind of reference (`instrument`, `token`, `payment_token`, `card_id`, ...).
    pub kind: String,
    pub value: Secret,
}

/// Cardholder contact data.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Cardholder {
    pub email: Option<String>,
    /// Phone numbers as written (E.164 where the PSP takes one string).
    pub home_phone: Option<String>,
    pub mobile_phone: Option<String>,
    pub work_phone: Option<String>,
}

/// A postal address. `country` is ISO 3166-1 alpha-2.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Address {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub line1: Option<String>,
    pub line2: Option<String>,
    pub line3: Option<String>,
    pub city: Option<String>,
    /// State / region / subdivision, as given.
    pub state: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
}

/// Browser data for the EMV AReq. `timezone_offset_minutes` keeps the sign convention every
/// PSP here documents: JavaScript's `getTimezoneOffset()`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Browser {
    pub accept_header: Option<String>,
    pub java_enabled: Option<bool>,
    pub javascript_enabled: Option<bool>,
    pub language: Option<String>,
    pub color_depth: Option<u8>,
    pub screen_height: Option<u32>,
    pub screen_width: Option<u32>,
    pub timezone_offset_minutes: Option<i32>,
    pub user_agent: Option<String>,
    pub ip_address: Option<String>,
}

/// EMV device channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Channel {
    Browser,
    App,
    /// 3DS Requestor Initiated (merchant-initiated, no cardholder present).
    ThreeRi,
}

/// Why the authentication is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Purpose {
    Payment,
    Recurring,
    Installment,
    AddCard,
    MaintainCard,
    EmvTokenVerification,
}

/// EMV message category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum MessageCategory {
    Payment,
    NonPayment,
}

/// EMV `threeDSRequestorChallengeInd`, with its two-digit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ChallengePreference {
    /// 01
    NoPreference,
    /// 02
    NoChallengeRequested,
    /// 03
    ChallengeRequested,
    /// 04
    ChallengeMandated,
    /// 05: no challenge, transaction risk analysis already performed.
    TransactionRiskAssessment,
    /// 06
    DataShareOnly,
    /// 07
    ScaAlreadyPerformed,
    /// 08
    TrustedListing,
    /// 09
    TrustedListingPrompt,
    /// 10 (PXP): low-value exemption.
    LowValue,
}

impl ChallengePreference {
    pub const ALL: &'static [ChallengePreference] = &[
        Self::NoPreference,
        Self::NoChallengeRequested,
        Self::ChallengeRequested,
        Self::ChallengeMandated,
        Self::TransactionRiskAssessment,
        Self::DataShareOnly,
        Self::ScaAlreadyPerformed,
        Self::TrustedListing,
        Self::TrustedListingPrompt,
        Self::LowValue,
    ];

    /// The EMV two-digit code.
    pub fn emv_code(self) -> &'static str {
        match self {
            Self::NoPreference => "01",
            Self::NoChallengeRequested => "02",
            Self::ChallengeRequested => "03",
            Self::ChallengeMandated => "04",
            Self::TransactionRiskAssessment => "05",
            Self::DataShareOnly => "06",
            Self::ScaAlreadyPerformed => "07",
            Self::TrustedListing => "08",
            Self::TrustedListingPrompt => "09",
            Self::LowValue => "10",
        }
    }

    pub fn from_emv_code(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|p| p.emv_code() == code)
    }
}

/// EMV transaction type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TransactionType {
    GoodsService,
    CheckAcceptance,
    AccountFunding,
    QuasiCash,
    PrepaidActivation,
}

/// Recurring or instalment terms.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Recurring {
    pub frequency_days: Option<u32>,
    /// Last date authorizations may happen, `YYYY-MM-DD`.
    pub expiry_date: Option<String>,
    /// Instalments only: the number of payments.
    pub max_payments: Option<u32>,
}

/// Merchant data some PSPs take per request.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Merchant {
    /// Name shown to the cardholder.
    pub name: Option<String>,
    pub url: Option<String>,
    pub mcc: Option<String>,
    /// ISO 3166-1 alpha-2.
    pub country: Option<String>,
}

/// Where PSPs send the cardholder or notifications.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Urls {
    /// Where the cardholder returns after a redirect flow (Mangopay, Checkout hosted
    /// success).
    pub return_url: Option<String>,
    /// Checkout hosted failure URL.
    pub failure_url: Option<String>,
    /// Server-to-server result callback (Checkout non-hosted `callback_url`).
    pub callback_url: Option<String>,
    /// Where the ACS posts the CRes.
    pub challenge_notification_url: Option<String>,
    /// Where the ACS posts the 3DS Method completion.
    pub method_notification_url: Option<String>,
}

/// A prior authentication (3RI, subsequent recurring).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PriorAuthentication {
    /// ACS transaction id or the PSP's authentication id of the prior authentication.
    pub reference: Option<String>,
    pub method: Option<PriorMethod>,
    /// ISO 8601 timestamp.
    pub timestamp: Option<String>,
    pub data: Option<String>,
}

/// How the prior authentication was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PriorMethod {
    Frictionless,
    Challenge,
    AvsVerified,
    Other,
}

/// Why a request cannot be read or built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RequestError {
    #[error(transparent)]
    Parse(#[from] NormalizeError),
    #[error("{provider}: {path}: {message}")]
    Value {
        provider: Provider,
        path: String,
        message: String,
    },
    /// The document has none of the fields that make it a request of this PSP.
    #[error("not a {document}: it has none of {expected}{hint}")]
    NotARequest {
        document: &'static str,
        expected: String,
        /// `; it looks like a paysafe request` when another codec recognizes it.
        hint: String,
    },
    /// A [`Provider`] built by hand that no registered PSP has.
    #[error("{0}: no PSP with this id is registered")]
    Unregistered(Provider),
    /// The normalized request model itself (`--from model`) could not be read.
    #[error("model: at {path}: {message}")]
    Model { path: String, message: String },
}

/// `'value'` for a message: at most [`threeds_wire::EXCERPT_CHARS`] characters, card
/// numbers masked. Every codec message that quotes an input value goes through it.
pub(crate) fn quoted(value: impl std::fmt::Display) -> String {
    format!("'{}'", threeds_wire::excerpt(&value.to_string()))
}

/// One PSP's request body, read from and written to the model.
///
/// `Wire` is the provider crate's typed request; it validates itself against the PSP's
/// documented limits.
pub trait RequestCodec {
    type Wire: Serialize + DeserializeOwned + Validate;
    const PROVIDER: Provider;
    /// The document name used in errors (`checkout.session_request`).
    const DOCUMENT: &'static str;
    /// Top-level fields of which a request has at least one: its required fields and the
    /// ones only this PSP's request has. A document with none of them (`{}`, another PSP's
    /// request) is not translated as if it were an empty request.
    const IDENTIFYING: &'static [&'static str];

    /// Violations the wire type's own validation leaves out because they depend on how the
    /// request is sent (Checkout's `processing_channel_id`, optional only when the OAuth
    /// token is bound to a channel); reported by translation, not by the live flows.
    fn translation_violations(_wire: &Self::Wire) -> Vec<FieldViolation> {
        Vec::new()
    }

    /// See [`DynCodec::canonical`]; most PSPs have one shape.
    fn canonical(_value: &Value) -> Option<(Value, &'static str)> {
        None
    }

    /// Reads the PSP request into the model.
    fn to_model(wire: &Self::Wire) -> Result<AuthenticationRequest, RequestError>;

    /// Builds the PSP request from the model. Missing required fields are left out (the
    /// validation reports them); values the PSP cannot represent are errors.
    fn from_model(request: &AuthenticationRequest) -> Result<Self::Wire, RequestError>;
}

/// A codec for one provider, object-safe, working on JSON.
pub trait DynCodec {
    fn provider(&self) -> Provider;
    /// Whether `value` has any of this PSP's identifying request fields.
    fn recognizes(&self, value: &Value) -> bool;
    /// Whether `value` is a request of this PSP at all (see [`RequestCodec::IDENTIFYING`]).
    fn identify(&self, value: &Value) -> Result<(), RequestError>;
    /// `value` in the shape [`DynCodec::read`] takes, when the PSP has another shape for the
    /// same request, with the path prefix to take off reported paths (PXP: its bare
    /// pre-initiate body, read as `{"preInitiate": ...}`).
    fn canonical(&self, value: &Value) -> Option<(Value, &'static str)>;
    /// Violations that only matter to a translated request (see
    /// [`RequestCodec::translation_violations`]).
    fn translation_violations(&self, value: &Value) -> Result<Vec<FieldViolation>, RequestError>;
    /// PSP JSON to the model.
    fn read(&self, value: &Value) -> Result<AuthenticationRequest, RequestError>;
    /// The model to PSP JSON, secrets included (this is what would be sent).
    fn write(&self, request: &AuthenticationRequest) -> Result<Value, RequestError>;
    /// Violations of the PSP's limits in a request.
    fn validate(&self, value: &Value) -> Result<Vec<FieldViolation>, RequestError>;
    /// Re-serializes a request through the typed wire struct with secrets redacted (card
    /// number to BIN and last four), unless called inside a reveal scope.
    fn render(&self, value: &Value) -> Result<Value, RequestError>;
}

/// A [`RequestCodec`] as the registry holds it: `static CODEC: Codec<MyCodec> = Codec::new();`
/// in the PSP's folder, returned by [`crate::psp::Psp::codec`].
pub struct Codec<C>(std::marker::PhantomData<fn() -> C>);

impl<C> Codec<C> {
    pub const fn new() -> Self {
        Codec(std::marker::PhantomData)
    }
}

impl<C> Default for Codec<C> {
    fn default() -> Self {
        Self::new()
    }
}

impl<C: RequestCodec> DynCodec for Codec<C> {
    fn provider(&self) -> Provider {
        C::PROVIDER
    }

    fn recognizes(&self, value: &Value) -> bool {
        has_any(value, C::IDENTIFYING)
    }

    fn canonical(&self, value: &Value) -> Option<(Value, &'static str)> {
        C::canonical(value)
    }

    fn identify(&self, value: &Value) -> Result<(), RequestError> {
        if self.recognizes(value) {
            return Ok(());
        }
        let hint = crate::psp::all()
            .into_iter()
            .filter(|psp| psp.id() != C::PROVIDER)
            .find(|psp| psp.codec().recognizes(value))
            .map(|psp| format!("; it looks like a {} request", psp.id()))
            .unwrap_or_default();
        Err(RequestError::NotARequest {
            document: C::DOCUMENT,
            expected: C::IDENTIFYING.join(", "),
            hint,
        })
    }

    fn translation_violations(&self, value: &Value) -> Result<Vec<FieldViolation>, RequestError> {
        let wire: C::Wire = parse_as(value, C::PROVIDER, C::DOCUMENT)?;
        Ok(C::translation_violations(&wire))
    }

    fn read(&self, value: &Value) -> Result<AuthenticationRequest, RequestError> {
        let wire: C::Wire = parse_as(value, C::PROVIDER, C::DOCUMENT)?;
        C::to_model(&wire)
    }

    fn write(&self, request: &AuthenticationRequest) -> Result<Value, RequestError> {
        let wire = C::from_model(request)?;
        with_secrets_revealed(|| serde_json::to_value(&wire)).map_err(|e| RequestError::Value {
            provider: C::PROVIDER,
            path: String::new(),
            message: crate::normalize::scrub(&e.to_string()),
        })
    }

    fn validate(&self, value: &Value) -> Result<Vec<FieldViolation>, RequestError> {
        let wire: C::Wire = parse_as(value, C::PROVIDER, C::DOCUMENT)?;
        Ok(wire.validate())
    }

    fn render(&self, value: &Value) -> Result<Value, RequestError> {
        let wire: C::Wire = parse_as(value, C::PROVIDER, C::DOCUMENT)?;
        serde_json::to_value(&wire).map_err(|e| RequestError::Value {
            provider: C::PROVIDER,
            path: String::new(),
            message: crate::normalize::scrub(&e.to_string()),
        })
    }
}

/// Whether `value` is an object holding at least one of `keys` (with a non-null value).
fn has_any(value: &Value, keys: &[&str]) -> bool {
    value.as_object().is_some_and(|map| {
        keys.iter()
            .any(|k| map.get(*k).is_some_and(|v| !v.is_null()))
    })
}

/// The normalized request itself as a codec (`translate --from model` / `--to model`): the
/// JSON of [`AuthenticationRequest`], the body of the service's `POST /v1/authentications`.
pub struct ModelCodec;

/// Top-level fields of the model, of which a model document has at least one.
const MODEL_FIELDS: &[&str] = &[
    "amount",
    "currency",
    "reference",
    "card",
    "card_reference",
    "cardholder",
    "billing_address",
    "shipping_address",
    "browser",
    "channel",
    "purpose",
    "message_category",
    "challenge_preference",
    "transaction_type",
    "recurring",
    "merchant",
    "urls",
    "prior_authentication",
    "device_session_id",
    "cardholder_account",
    "merchant_risk",
];

impl ModelCodec {
    /// Reads a model document, naming the JSON path of a bad field.
    pub fn read(value: &Value) -> Result<AuthenticationRequest, RequestError> {
        if !has_any(value, MODEL_FIELDS) {
            return Err(RequestError::NotARequest {
                document: "normalized authentication request",
                expected: MODEL_FIELDS.join(", "),
                hint: String::new(),
            });
        }
        serde_path_to_error::deserialize(value).map_err(|e| RequestError::Model {
            path: e.path().to_string(),
            message: crate::normalize::scrub(&e.into_inner().to_string()),
        })
    }

    /// The model as JSON; secrets redacted unless called inside a reveal scope.
    pub fn write(request: &AuthenticationRequest) -> Result<Value, RequestError> {
        serde_json::to_value(request).map_err(|e| RequestError::Model {
            path: String::new(),
            message: crate::normalize::scrub(&e.to_string()),
        })
    }
}

/// The request codec of `provider`; an error only for a provider nobody registered.
pub fn codec(provider: Provider) -> Result<&'static dyn DynCodec, RequestError> {
    crate::psp::get(provider)
        .map(|psp| psp.codec())
        .ok_or(RequestError::Unregistered(provider))
}
