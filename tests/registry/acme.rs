//! Acme Pay: a made-up 3-D Secure API, bridged entirely from outside the crate.
//!
//! The API (invented for this suite, so every fact about it is stated here):
//!
//! * `POST /v1/authentications` with [`AcmeRequest`] (amount in minor units, currency, card,
//!   browser, return URL) answers an [`AcmeAuthentication`];
//! * `GET /v1/authentications/{id}` answers the same object in its current state;
//! * a failed call answers [`AcmeError`], `{"acme_object": "error", "error": {"code",
//!   "message"}}`;
//! * every document carries `acme_object` (`authentication` or `error`), a key no real PSP's
//!   document has, which is what detection looks for;
//! * `status` is one of the catalog's `status` rows (`frictionless_success`,
//!   `challenge_required`, `challenge_success`, `failed`, ...); `trans_status`, `eci`,
//!   `cavv`, `ds_transaction_id`, `network` and `protocol_version` are the EMV results;
//!   `challenge_url` is the page the cardholder is sent to for a challenge.
//!
//! Everything below uses only the crate's public API: the wire types are plain serde, the
//! statuses are catalog rows, the outcome is filled into a [`Draft`] whose `finish_in` runs
//! the one liability rule engine, and the request codec is a [`RequestCodec`] behind
//! [`Codec::new`].

use serde::{Deserialize, Serialize};
use threeds_bridge::model::{
    timestamp, AuthenticationStatus, DocumentKind, Eci, Money, Network, NextAction, NextStep,
    Provider, TransStatus,
};
use threeds_bridge::normalize::{
    parse_as, Context, Document, Draft, NormalizeError, Normalized, Outline,
};
use threeds_bridge::psp::Psp;
use threeds_bridge::request::{
    AuthenticationRequest, Browser, Card, Codec, DynCodec, RequestCodec, RequestError,
};
use threeds_wire::{excerpt, CardNumber, FieldViolation, Problem, Secret, Validate};

/// Acme's id in the registry. A PSP outside the crate names its id with [`Provider::new`]
/// exactly as a built-in one does in its folder.
pub const ACME: Provider = Provider::new("acme");

/// The key every Acme document carries, and no real PSP's does.
pub const OBJECT_KEY: &str = "acme_object";
const AUTHENTICATION: &str = "acme.authentication";
const ERROR: &str = "acme.error";

// ---------------------------------------------------------------------------------------
// Wire types
// ---------------------------------------------------------------------------------------

/// `POST /v1/authentications`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AcmeRequest {
    /// Minor units.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card: Option<AcmeCard>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub browser: Option<AcmeBrowser>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_url: Option<String>,
    /// The text on the cardholder's statement: Acme has it, the normalized request does
    /// not, so translation reports it as not carried.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statement_descriptor: Option<String>,
}

/// The card. The number is a [`CardNumber`]: it serializes as BIN and last four unless
/// secrets are revealed, so neither `Debug` nor a rendered request can print it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AcmeCard {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<CardNumber>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiry_month: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiry_year: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holder_name: Option<String>,
}

/// The browser fields Acme takes (fewer than the EMV AReq has).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AcmeBrowser {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accept_header: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_address: Option<String>,
}

impl Validate for AcmeRequest {
    /// Acme needs the amount, the currency (three letters), the card number and the return
    /// URL.
    fn validate(&self) -> Vec<FieldViolation> {
        let missing = |path: &str| FieldViolation {
            path: path.to_owned(),
            problem: Problem::Missing,
        };
        let mut out = Vec::new();
        if self.amount.is_none() {
            out.push(missing("amount"));
        }
        match &self.currency {
            None => out.push(missing("currency")),
            Some(c) if c.len() != 3 || !c.bytes().all(|b| b.is_ascii_uppercase()) => {
                out.push(FieldViolation {
                    path: "currency".to_owned(),
                    problem: Problem::Invalid {
                        expected: "an ISO 4217 alphabetic code".to_owned(),
                    },
                })
            }
            Some(_) => {}
        }
        if self.card.as_ref().and_then(|c| c.number.as_ref()).is_none() {
            out.push(missing("card.number"));
        }
        if self.return_url.is_none() {
            out.push(missing("return_url"));
        }
        out
    }
}

/// An authentication, as `POST` and `GET /v1/authentications` answer it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AcmeAuthentication {
    pub id: Option<String>,
    pub reference: Option<String>,
    pub status: Option<String>,
    pub amount: Option<u64>,
    pub currency: Option<String>,
    pub trans_status: Option<TransStatus>,
    pub eci: Option<String>,
    /// The authentication value, kept secret from the moment it is read.
    pub cavv: Option<Secret>,
    pub ds_transaction_id: Option<String>,
    pub challenge_url: Option<String>,
    /// `visa`, `mastercard`, ... (any spelling [`Network::from_psp`] reads).
    pub network: Option<String>,
    pub protocol_version: Option<String>,
    /// RFC 3339: when the authentication took place.
    pub created_at: Option<String>,
}

/// A failed call's body.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AcmeError {
    pub error: Option<AcmeErrorObject>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct AcmeErrorObject {
    pub code: Option<String>,
    pub message: Option<String>,
}

// ---------------------------------------------------------------------------------------
// The registry entry
// ---------------------------------------------------------------------------------------

/// Acme in the registry.
#[derive(Debug, Clone, Copy)]
pub struct Acme;

static CODEC: Codec<AcmeCodec> = Codec::new();

impl Psp for Acme {
    fn id(&self) -> Provider {
        ACME
    }

    fn name(&self) -> &'static str {
        "Acme Pay"
    }

    fn catalog_csv(&self) -> &'static str {
        include_str!("fixtures/catalog.csv")
    }

    fn matches(&self, peek: &Outline<'_>) -> bool {
        peek.get(OBJECT_KEY).is_some_and(Outline::is_string)
    }

    fn normalize(
        &self,
        doc: Document<'_>,
        ctx: &Context<'_>,
    ) -> Result<Normalized, NormalizeError> {
        normalize(doc, ctx)
    }

    fn codec(&self) -> &'static dyn DynCodec {
        &CODEC
    }

    #[cfg(feature = "live")]
    fn live(&self) -> Option<&dyn threeds_bridge::psp::LivePsp> {
        Some(self)
    }
}

// ---------------------------------------------------------------------------------------
// Normalization
// ---------------------------------------------------------------------------------------

/// An error body has `error` (and says `acme_object: error`); anything else is read as an
/// authentication, whose wire type says where it does not fit.
fn normalize(doc: Document<'_>, ctx: &Context<'_>) -> Result<Normalized, NormalizeError> {
    let is_error = doc.peek.get(OBJECT_KEY).and_then(Outline::as_str) == Some("error")
        || doc.peek.get("error").is_some();
    if is_error {
        let body: AcmeError = parse_as(&doc, ACME, ERROR)?;
        return Ok(normalize_error(&body, ctx));
    }
    let a: AcmeAuthentication = parse_as(&doc, ACME, AUTHENTICATION)?;
    Ok(normalize_authentication(&a, ctx))
}

fn normalize_error(body: &AcmeError, ctx: &Context<'_>) -> Normalized {
    let mut d = Draft::new(ACME, DocumentKind::Error, ERROR);
    let error = body.error.clone().unwrap_or_default();
    d.auth.raw.code.clone_from(&error.code);
    d.auth.raw.message.clone_from(&error.message);
    match error.code.as_deref() {
        Some(code) if ctx.catalog.lookup(ACME, "error_code", code).is_some() => {
            d.apply_catalog(ctx, "error_code", code);
        }
        // An error body always means the call failed, whatever its code says: the status
        // is error, and what to do about an unknown code is for a person to decide.
        other => {
            d.set_status(
                AuthenticationStatus::Error,
                NextStep::Investigate,
                "rule:acme.unknown_error_code",
            );
            d.auth.reason = Some("unknown_psp_value".to_owned());
            d.warn(format!(
                "acme error code '{}' is not in the catalog; reported as error / investigate",
                excerpt(other.unwrap_or(""))
            ));
        }
    }
    d.finish_in(ctx)
}

fn normalize_authentication(a: &AcmeAuthentication, ctx: &Context<'_>) -> Normalized {
    let mut d = Draft::new(ACME, DocumentKind::Authentication, AUTHENTICATION);
    fill_emv(&mut d, a);
    d.auth.raw.status.clone_from(&a.status);
    d.auth.raw.code = a.trans_status.as_ref().map(|t| t.as_str().to_owned());
    match a.status.as_deref() {
        Some(status) => {
            d.apply_catalog(ctx, "status", status);
        }
        None => d.set_unknown("status", "(absent)"),
    }
    check_trans_status(&mut d);
    if d.auth.status == AuthenticationStatus::ChallengeRequired {
        match &a.challenge_url {
            Some(url) => d.auth.next_action = Some(NextAction::Redirect { url: url.clone() }),
            None => {
                d.set_status(
                    AuthenticationStatus::Unknown,
                    NextStep::Investigate,
                    "rule:acme.challenge_without_url",
                );
                d.warn("acme challenge_required without a challenge_url: nothing to show");
            }
        }
    }
    d.finish_in(ctx)
}

fn fill_emv(d: &mut Draft, a: &AcmeAuthentication) {
    d.auth.id.clone_from(&a.id);
    d.auth.reference.clone_from(&a.reference);
    d.auth.trans_status.clone_from(&a.trans_status);
    d.auth.eci = a.eci.as_deref().and_then(Eci::parse);
    d.auth.authentication_value.clone_from(&a.cavv);
    d.auth.ds_trans_id.clone_from(&a.ds_transaction_id);
    d.auth.protocol_version.clone_from(&a.protocol_version);
    d.auth.authenticated_at = a.created_at.as_deref().and_then(timestamp::from_rfc3339);
    d.auth.challenged = match a.status.as_deref() {
        Some("challenge_success") => Some(true),
        Some("frictionless_success") => Some(false),
        _ => None,
    };
    if let (Some(value), Some(currency)) = (a.amount, &a.currency) {
        d.auth.amount = Some(Money {
            value,
            currency: currency.clone(),
        });
    }
    if let Some(raw) = &a.network {
        d.auth.network = Network::from_psp(raw);
        if d.auth.network.is_none() {
            d.warn(format!(
                "acme network '{}' is not a known network; left null",
                excerpt(raw)
            ));
        }
    }
}

/// A success whose EMV transStatus says otherwise is a contradiction: it is never resolved
/// to the more positive outcome.
fn check_trans_status(d: &mut Draft) {
    let expected = match d.auth.status {
        AuthenticationStatus::Authenticated => TransStatus::Y,
        AuthenticationStatus::Attempted => TransStatus::A,
        _ => return,
    };
    match &d.auth.trans_status {
        Some(reported) if *reported != expected => {
            let reported = reported.as_str().to_owned();
            d.set_status(
                AuthenticationStatus::Unknown,
                NextStep::Investigate,
                "rule:acme.status_contradicts_trans_status",
            );
            d.auth.retry = None;
            d.auth.reason = Some("contradictory_outcome".to_owned());
            d.warn(format!(
                "acme status says {expected} but trans_status is '{}'; reported as unknown",
                excerpt(&reported)
            ));
        }
        _ => {}
    }
}

// ---------------------------------------------------------------------------------------
// The request codec
// ---------------------------------------------------------------------------------------

/// Reads and writes Acme's `POST /v1/authentications` body.
pub struct AcmeCodec;

impl RequestCodec for AcmeCodec {
    type Wire = AcmeRequest;
    const PROVIDER: Provider = ACME;
    const DOCUMENT: &'static str = "acme.authentication_request";
    /// Its required fields.
    const IDENTIFYING: &'static [&'static str] = &["amount", "currency", "card", "return_url"];

    fn to_model(wire: &AcmeRequest) -> Result<AuthenticationRequest, RequestError> {
        let mut m = AuthenticationRequest {
            amount: wire.amount,
            currency: wire.currency.clone(),
            reference: wire.reference.clone(),
            card: wire.card.as_ref().map(|c| Card {
                number: c.number.clone(),
                expiry_month: c.expiry_month,
                expiry_year: c.expiry_year,
                holder_name: c.holder_name.clone(),
                ..Default::default()
            }),
            browser: wire.browser.as_ref().map(|b| Browser {
                accept_header: b.accept_header.clone(),
                user_agent: b.user_agent.clone(),
                language: b.language.clone(),
                ip_address: b.ip_address.clone(),
                ..Default::default()
            }),
            ..Default::default()
        };
        m.urls.return_url.clone_from(&wire.return_url);
        Ok(m)
    }

    fn from_model(request: &AuthenticationRequest) -> Result<AcmeRequest, RequestError> {
        if let Some(c) = request.currency.as_deref().filter(|c| c.len() > 3) {
            return Err(RequestError::Value {
                provider: ACME,
                path: "currency".to_owned(),
                message: format!("'{}' is not a currency code", excerpt(c)),
            });
        }
        Ok(AcmeRequest {
            amount: request.amount,
            currency: request.currency.clone(),
            reference: request.reference.clone(),
            card: request.card.as_ref().map(|c| AcmeCard {
                number: c.number.clone(),
                expiry_month: c.expiry_month,
                expiry_year: c.expiry_year,
                holder_name: c.holder_name.clone(),
            }),
            browser: request.browser.as_ref().map(|b| AcmeBrowser {
                accept_header: b.accept_header.clone(),
                user_agent: b.user_agent.clone(),
                language: b.language.clone(),
                ip_address: b.ip_address.clone(),
            }),
            return_url: request.urls.return_url.clone(),
            statement_descriptor: None,
        })
    }
}
