//! Mangopay card Direct PayIn with SecureMode behind [`AuthenticationFlow`].
//!
//! Mangopay authenticates inside the payment (Mangopay card guides, docs.mangopay.com/guides/payment-methods/card/direct/how-to):
//!
//! 1. [`start`](AuthenticationFlow::start): when the request carries a card number and no
//!    `CardId`, the card is registered first (`POST /cardregistrations`, the card details to
//!    the returned `CardRegistrationURL`, `PUT /cardregistrations/{Id}` for the `CardId`);
//!    then `POST /payins/card/direct`. The answer is final (`SUCCEEDED`/`FAILED`) or
//!    `CREATED` with `next_action` = redirect to `SecureModeRedirectURL`.
//! 2. The cardholder comes back to `SecureModeReturnURL?transactionId=<Id>`; that return
//!    carries no result, so [`report_challenge`](AuthenticationFlow::report_challenge)
//!    GETs the pay-in.
//! 3. [`fetch`](AuthenticationFlow::fetch) / [`complete`](AuthenticationFlow::complete)
//!    GET the pay-in (Mangopay has no completion call).
//! 4. Hooks carry only an event type and an id and are not signed
//!    ([`handle_notification`](AuthenticationFlow::handle_notification)): the pay-in is
//!    always fetched again, so duplicates and out-of-order deliveries just read the current
//!    state.
//!
//! The pay-in POST can charge the card, so it is never repeated with a new key. An unsure
//! outcome (timeout, broken answer, 5xx, 409) is resolved through the answer Mangopay stored
//! for its idempotency key and re-posts with the *same* key (see
//! [`threeds_mangopay::client`]: a 404 from `GET /responses/{key}` does not prove that no
//! pay-in exists, the original may still be on its way). When that does not settle it, the
//! step is `error` with `wait` and the handle keeps the key and the pay-in request
//! (`state.idempotency_key`, `state.payin_request`, `state.key_first_sent`, with an empty
//! `id`): a later [`fetch`](AuthenticationFlow::fetch) asks again the same way until
//! Mangopay has an answer, and says `investigate` once the key is too old to be re-sent
//! safely ([`KEY_RESEND_WINDOW`]). It never says `retry_authentication` for it.
//!
//! The normalized request has no Mangopay user or wallet: the payer (`AuthorId`), the
//! credited wallet and the platform fee come from a [`Payer`], the flow's default or one
//! given to [`MangopayFlow::start_for`].

use crate::catalog::Catalog;
use crate::flow::failure::{self, Resolvable, Stage};
use crate::flow::{AuthenticationFlow, ChallengeResult, DeviceData, Handle, Notification, Step};
use crate::model::{AuthenticationStatus, DocumentKind, NextStep, Provider};
use crate::normalize::{Context, Draft, Normalized};
use crate::psp::mangopay::normalize as adapter;
use crate::psp::mangopay::request::MangopayCodec;
use crate::request::{AuthenticationRequest, RequestCodec};
use async_trait::async_trait;
use serde_json::json;
use std::sync::Arc;
use threeds_mangopay::client::{
    is_unsure, new_idempotency_key, CardDetails, CardRegistration, CardRegistrationRequest,
    CardRegistrationUpdate, Client, ClientError, Recovery,
};
use threeds_mangopay::{DirectCardPayInRequest, HookQuery, Money};
use threeds_wire::http::Response;
use threeds_wire::oauth::TokenError;
use threeds_wire::Validate;

const P: Provider = Provider::MANGOPAY;
const CREATE: &str = "mangopay.create_card_payin";

/// Who pays and who is credited: Mangopay objects the normalized request cannot hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payer {
    /// `AuthorId`: the Mangopay user paying; must own the card.
    pub author_id: String,
    /// `CreditedWalletId`: must be in the payment's currency.
    pub credited_wallet_id: String,
    /// `Fees` in minor units of the payment's currency (the platform's cut).
    pub fees: u64,
}

/// The Mangopay flow.
pub struct MangopayFlow {
    client: Client,
    catalog: Arc<Catalog>,
    payer: Payer,
}

impl MangopayFlow {
    pub fn new(client: Client, catalog: Arc<Catalog>, payer: Payer) -> Self {
        MangopayFlow {
            client,
            catalog,
            payer,
        }
    }

    /// A flow against `threeds-bridge sandbox` at `base` (`http://ADDR/mangopay`) with the
    /// sandbox's printed credentials, paying from its seeded payer into its seeded EUR wallet
    /// without fees.
    #[cfg(feature = "sandbox")]
    pub fn local_sandbox(
        base: &str,
        http: threeds_wire::http::HttpSettings,
        catalog: Arc<Catalog>,
    ) -> Result<Self, threeds_wire::http::TransportError> {
        use threeds_mangopay::client::{Config, Environment};
        use threeds_mangopay::sandbox as sbx;
        let mut config = Config::new(
            sbx::SANDBOX_CLIENT_ID,
            threeds_wire::Secret::new(sbx::SANDBOX_API_KEY),
            Environment::Custom(base.to_owned()),
        );
        config.http = http;
        Ok(MangopayFlow::new(
            Client::new(config)?,
            catalog,
            Payer {
                author_id: sbx::SEEDED_USER_ID.to_owned(),
                credited_wallet_id: sbx::SEEDED_WALLET_ID.to_owned(),
                fees: 0,
            },
        ))
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    fn ctx(&self) -> Context<'_> {
        Context::new(&self.catalog)
    }

    /// [`AuthenticationFlow::start`] for a given payer.
    pub async fn start_for(&self, request: &AuthenticationRequest, payer: &Payer) -> Step {
        let mut wire = match MangopayCodec::from_model(request) {
            Ok(w) => w,
            Err(e) => return rejected("request.codec", vec![e.to_string()]),
        };
        wire.author_id = Some(payer.author_id.clone());
        wire.credited_wallet_id = Some(payer.credited_wallet_id.clone());
        if let Some(currency) = wire.debited_funds.as_ref().and_then(|m| m.currency.clone()) {
            wire.fees = Some(Money::new(currency, payer.fees));
        }
        if wire.card_id.is_none() {
            match self.register_card(request, payer).await {
                Ok(Some(card_id)) => wire.card_id = Some(card_id),
                Ok(None) => {}
                Err(step) => return *step,
            }
        }
        let problems: Vec<String> = wire.validate().iter().map(ToString::to_string).collect();
        if !problems.is_empty() {
            return rejected("request.validation", problems);
        }
        let key = new_idempotency_key();
        let first_sent = now_unix();
        let result = self.client.create_card_payin_recovering(&wire, &key).await;
        let pending = PendingPayIn {
            key,
            request: Some(wire),
            first_sent: Some(first_sent),
        };
        self.settle(&pending, result)
    }

    /// What the pay-in POST's answer (or its absence) means, and the handle that goes with
    /// it.
    fn settle(&self, pending: &PendingPayIn, result: Result<Response, ClientError>) -> Step {
        if is_unsure(&result) {
            return self.unresolved(pending, describe(&result));
        }
        let stage = Stage::Start { moves_money: true };
        match result {
            Ok(response) => {
                let normalized = failure::answered(P, stage, CREATE, &response, &self.ctx());
                let handle = match payin_handle(&response) {
                    Some(h) => Some(h),
                    // Mangopay accepted the pay-in but its Id cannot be read: the key still
                    // finds it.
                    None if response.is_success() => Some(pending.handle()),
                    // A definitive error answer: no pay-in was created.
                    None => None,
                };
                Step { normalized, handle }
            }
            // The pay-in POST was never sent.
            Err(ClientError::Token(e)) => Step {
                normalized: self.token_failure(Stage::Start { moves_money: false }, &e),
                handle: None,
            },
            Err(ClientError::Transport(e)) => Step {
                normalized: failure::transport(P, Stage::Start { moves_money: false }, &e),
                handle: None,
            },
            // A kind of client error this flow does not know yet: the outcome is unknown.
            Err(other) => self.unresolved(pending, other.to_string()),
        }
    }

    /// A pay-in whose outcome is not known yet: `wait` while the key can still settle it.
    fn unresolved(&self, pending: &PendingPayIn, what: String) -> Step {
        let resolvable = if pending.may_resend(now_unix()) {
            Resolvable::Yes
        } else {
            Resolvable::No
        };
        let advice = match resolvable {
            Resolvable::Yes => "fetch this handle again: the pay-in must never be created with a new key",
            Resolvable::No => "the idempotency key is too old to be re-sent safely (or the handle lacks the request); look the pay-in up in the Mangopay dashboard before charging again",
        };
        Step {
            normalized: failure::unresolved(
                P,
                resolvable,
                "payin_outcome_unknown",
                format!("{what}; whether the pay-in exists is not known yet; {advice}"),
            ),
            handle: Some(pending.handle()),
        }
    }

    /// Registers the request's card when it carries a number. `Ok(None)`: nothing to
    /// register (validation then reports the missing `CardId`).
    async fn register_card(
        &self,
        request: &AuthenticationRequest,
        payer: &Payer,
    ) -> Result<Option<String>, Box<Step>> {
        let Some(card) = request.card.as_ref() else {
            return Ok(None);
        };
        let Some(number) = card.number.clone() else {
            return Ok(None);
        };
        let stage = Stage::Start { moves_money: false };
        let (Some(month), Some(year)) = (card.expiry_month, card.expiry_year) else {
            return Err(Box::new(rejected(
                "request.card",
                vec![
                    "card.expiry_month and card.expiry_year are needed to register the card".into(),
                ],
            )));
        };
        let Some(cvx) = card.cvv.clone() else {
            return Err(Box::new(rejected(
                "request.card",
                vec!["card.cvv is needed to register the card".into()],
            )));
        };
        let Some(currency) = request.currency.clone() else {
            return Err(Box::new(rejected(
                "request.card",
                vec!["currency is needed to register the card".into()],
            )));
        };
        let card_type = card_type(number.expose(), card.preferred_network);
        let body = CardRegistrationRequest {
            user_id: payer.author_id.clone(),
            currency,
            card_type: Some(card_type.to_owned()),
            tag: request.reference.clone(),
        };
        const CREATE: &str = "mangopay.create_card_registration";
        let response = self
            .client
            .create_card_registration(&body, &new_idempotency_key())
            .await
            .map_err(|e| Box::new(self.client_failure(stage, &e)))?;
        let registration = self.registration(stage, CREATE, &response)?;
        let details = CardDetails {
            number,
            expiration: format!("{month:02}{:02}", year % 100),
            cvx,
        };
        const TOKENIZE: &str = "mangopay.tokenize_card";
        let tokenized = self
            .client
            .tokenize_card(&registration, &details)
            .await
            .map_err(|e| Box::new(self.client_failure(stage, &e)))?;
        if !tokenized.is_success() {
            return Err(Box::new(Step {
                normalized: failure::http_error(P, stage, TOKENIZE, &tokenized, &self.ctx()),
                handle: None,
            }));
        }
        // `data=...` or `errorCode=...`: either goes back to Mangopay, which turns an error
        // into a registration ResultCode (1052xx).
        let registration_data = String::from_utf8_lossy(&tokenized.body).trim().to_owned();
        let id = registration.id.clone().unwrap_or_default();
        const UPDATE: &str = "mangopay.update_card_registration";
        let update = CardRegistrationUpdate {
            registration_data,
            card_holder_name: card.holder_name.clone(),
        };
        let response = self
            .client
            .update_card_registration(&id, &update)
            .await
            .map_err(|e| Box::new(self.client_failure(stage, &e)))?;
        let updated = self.registration(stage, UPDATE, &response)?;
        match (updated.status.as_deref(), updated.card_id) {
            (Some("VALIDATED"), Some(card_id)) => Ok(Some(card_id)),
            (status, _) => {
                let mut d = Draft::new(P, DocumentKind::Error, "mangopay.card_registration");
                d.auth.id = updated.id.clone();
                d.auth.raw.status = status.map(str::to_owned);
                d.auth.raw.code.clone_from(&updated.result_code);
                d.auth.raw.message.clone_from(&updated.result_message);
                match updated.result_code.as_deref() {
                    Some(code) => {
                        d.apply_catalog(&self.ctx(), "result_code", code);
                        if d.auth.status != AuthenticationStatus::Unknown {
                            // A registration failure is never an authentication outcome.
                            d.auth.status = AuthenticationStatus::Error;
                        }
                    }
                    None => d.set_status(
                        AuthenticationStatus::Error,
                        NextStep::Investigate,
                        "rule:mangopay.card_registration_not_validated",
                    ),
                }
                d.warn(format!(
                    "mangopay card registration ended {} without a CardId",
                    status.unwrap_or("without a Status")
                ));
                Err(Box::new(Step {
                    normalized: d.finish(),
                    handle: None,
                }))
            }
        }
    }

    /// Reads a Card Registration answer, or the step that reports why it is not one.
    fn registration(
        &self,
        stage: Stage,
        operation: &'static str,
        response: &Response,
    ) -> Result<CardRegistration, Box<Step>> {
        if !response.is_success() {
            return Err(Box::new(Step {
                normalized: failure::http_error(P, stage, operation, response, &self.ctx()),
                handle: None,
            }));
        }
        serde_json::from_slice::<CardRegistration>(&response.body).map_err(|e| {
            Box::new(Step {
                normalized: failure::unreadable(P, stage, operation, response, &e.to_string()),
                handle: None,
            })
        })
    }

    fn token_failure(&self, stage: Stage, error: &TokenError) -> Normalized {
        const OP: &str = "mangopay.oauth_token";
        match error {
            TokenError::Transport(e) => failure::transport(P, stage, e),
            TokenError::Rejected(response) => {
                failure::http_error(P, stage, OP, response, &self.ctx())
            }
            TokenError::Unreadable(response, why) => {
                failure::unreadable(P, stage, OP, response, why)
            }
            other => failure::unresolved(P, Resolvable::No, "token_error", other.to_string()),
        }
    }

    fn client_failure(&self, stage: Stage, error: &ClientError) -> Step {
        let normalized = match error {
            ClientError::Transport(e) => failure::transport(P, stage, e),
            ClientError::Token(e) => self.token_failure(stage, e),
            other => failure::unresolved(P, Resolvable::No, "client_error", other.to_string()),
        };
        Step {
            normalized,
            handle: None,
        }
    }

    /// `GET /payins/{Id}`, normalized; the handle is kept whatever happens.
    async fn read_payin(&self, handle: &Handle) -> Step {
        if handle.id.is_empty() {
            return self.resolve_key(handle).await;
        }
        self.get_payin(handle).await
    }

    async fn get_payin(&self, handle: &Handle) -> Step {
        const OP: &str = "mangopay.get_payin";
        let normalized = match self.client.get_payin(&handle.id).await {
            Ok(response) => failure::answered(P, Stage::Later, OP, &response, &self.ctx()),
            Err(e) => self.client_failure(Stage::Later, &e).normalized,
        };
        Step {
            normalized,
            handle: Some(handle.clone()),
        }
    }

    /// A handle from a start whose outcome was unsure: ask Mangopay for the answer it
    /// stored for the idempotency key, and re-post with the same key while that is safe.
    async fn resolve_key(&self, handle: &Handle) -> Step {
        let Some(pending) = PendingPayIn::from_handle(handle) else {
            return rejected(
                "flow.handle",
                vec!["the handle has neither a pay-in id nor an idempotency key".into()],
            );
        };
        let may_resend = pending.may_resend(now_unix());
        let request = pending.request.clone().unwrap_or_default();
        match self
            .client
            .recover_payin(&request, &pending.key, !may_resend)
            .await
        {
            Recovery::Answered(response) => match payin_handle(&response) {
                // Found the pay-in: read its current state rather than the creation answer.
                Some(h) => self.get_payin(&h).await,
                None => {
                    let mut step = self.settle(&pending, Ok(response));
                    step.handle = Some(pending.handle());
                    step
                }
            },
            Recovery::KeyUsed(_) => self.unresolved(
                &pending,
                "mangopay.get_api_response: no answer recorded for the idempotency key yet, and a POST with the same key was told 409 idempotent_creation_conflict (the original exists or is being processed)".to_owned(),
            ),
            Recovery::Unknown => self.unresolved(
                &pending,
                "mangopay.get_api_response: no answer recorded for the idempotency key (a 404, or no answer at all, proves nothing: the original may still be on its way)".to_owned(),
            ),
        }
    }
}

/// Mangopay blocks a reused idempotency key for 24 hours; after that a POST with it would
/// be new. A pay-in whose outcome is unknown is re-sent with its key only within this
/// window (24 hours less a margin for clock drift and a slow original).
pub const KEY_RESEND_WINDOW: u64 = 23 * 3600;

/// A pay-in POST whose outcome is not settled yet: what a later call needs to settle it
/// without a second pay-in. Lives in [`Handle::state`]; the request holds no card data
/// (only the `CardId`).
struct PendingPayIn {
    key: String,
    request: Option<DirectCardPayInRequest>,
    /// Unix seconds of the first POST with the key.
    first_sent: Option<u64>,
}

impl PendingPayIn {
    fn handle(&self) -> Handle {
        Handle {
            provider: P,
            id: String::new(),
            client_secret: None,
            state: json!({
                "idempotency_key": self.key,
                "payin_request": self.request,
                "key_first_sent": self.first_sent,
            }),
        }
    }

    fn from_handle(handle: &Handle) -> Option<Self> {
        let state = &handle.state;
        let key = state.get("idempotency_key")?.as_str()?.to_owned();
        Some(PendingPayIn {
            key,
            request: state
                .get("payin_request")
                .and_then(|r| serde_json::from_value(r.clone()).ok()),
            first_sent: state.get("key_first_sent").and_then(|t| t.as_u64()),
        })
    }

    /// Whether the POST may be sent again with the key: Mangopay still blocks the key (so
    /// a second pay-in is impossible) and the request is at hand.
    fn may_resend(&self, now: u64) -> bool {
        self.request.is_some()
            && self
                .first_sent
                .is_some_and(|t| now.saturating_sub(t) < KEY_RESEND_WINDOW)
    }
}

fn now_unix() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// What an unsure pay-in POST got, for a message.
fn describe(result: &Result<Response, ClientError>) -> String {
    match result {
        Ok(r) if r.status == 409 => format!(
            "{CREATE}: HTTP 409 (the idempotency key was used: the original exists or is being processed)"
        ),
        Ok(r) => format!("{CREATE}: HTTP {}", r.status),
        Err(e) => e.to_string(),
    }
}

/// The pay-in id in a 2xx pay-in answer.
fn payin_handle(response: &Response) -> Option<Handle> {
    if !response.is_success() {
        return None;
    }
    let value: serde_json::Value = serde_json::from_slice(&response.body).ok()?;
    let id = value.get("Id")?.as_str()?.trim();
    (!id.is_empty()).then(|| Handle::new(P, id))
}

/// Mangopay's `CardType` for a card (`CB_VISA_MASTERCARD` unless it is Amex or Maestro).
fn card_type(number: &str, network: Option<crate::model::Network>) -> &'static str {
    use crate::model::Network;
    match network {
        Some(Network::Amex) => "AMEX",
        Some(Network::Maestro) => "MAESTRO",
        _ if number.starts_with("34") || number.starts_with("37") => "AMEX",
        _ => "CB_VISA_MASTERCARD",
    }
}

/// A request that cannot be sent as it is.
fn rejected(rule: &str, problems: Vec<String>) -> Step {
    let mut d = Draft::new(P, DocumentKind::Error, "mangopay.request");
    d.set_status(
        AuthenticationStatus::Error,
        NextStep::FixRequest,
        format!("rule:mangopay.{rule}"),
    );
    d.auth.reason = Some("invalid_request".to_owned());
    d.auth.raw.message = Some(problems.join("; "));
    for p in problems {
        d.warn(p);
    }
    Step {
        normalized: d.finish(),
        handle: None,
    }
}

#[async_trait]
impl AuthenticationFlow for MangopayFlow {
    fn provider(&self) -> Provider {
        P
    }

    async fn start(&self, request: &AuthenticationRequest) -> Step {
        let payer = self.payer.clone();
        self.start_for(request, &payer).await
    }

    /// Mangopay has no device-data step: `BrowserInfo` and `IpAddress` go in the pay-in and
    /// the issuer's 3DS Method is run by Mangopay. Reads the pay-in's current state.
    async fn submit_device_data(&self, handle: &Handle, _data: &DeviceData) -> Step {
        let mut step = self.read_payin(handle).await;
        step.normalized.explain.warnings.push(
            "mangopay has no device-data step: browser data is sent with the pay-in".to_owned(),
        );
        step
    }

    /// The return to `SecureModeReturnURL?transactionId=<Id>` carries no result: the pay-in
    /// is read. A `transactionId` that is not the handle's pay-in is reported and ignored
    /// (it came through the browser and is not trusted).
    async fn report_challenge(&self, handle: &Handle, result: &ChallengeResult) -> Step {
        let returned = result
            .params
            .iter()
            .find(|(k, _)| k == "transactionId")
            .map(|(_, v)| v.clone());
        let mut step = self.read_payin(handle).await;
        if let Some(id) = returned.filter(|id| *id != handle.id) {
            step.normalized.explain.warnings.push(format!(
                "the return URL names transactionId {id}, not this pay-in {}; ignored",
                handle.id
            ));
        }
        step
    }

    async fn fetch(&self, handle: &Handle) -> Step {
        self.read_payin(handle).await
    }

    /// Mangopay has no completion call: the pay-in is final once SUCCEEDED or FAILED.
    async fn complete(&self, handle: &Handle) -> Step {
        self.read_payin(handle).await
    }

    /// A hook names an event and a resource and is not signed (docs.mangopay.com/webhooks): a pay-in
    /// event is answered by reading the pay-in; anything else (another event type, a
    /// dashboard ping without `RessourceId`) is normalized as the hook itself, pending.
    async fn handle_notification(&self, notification: &Notification) -> Step {
        let hook = HookQuery::parse(&notification.query);
        let payin_id = hook
            .as_ref()
            .ok()
            .filter(|h| {
                h.event_type
                    .as_deref()
                    .is_some_and(|e| e.starts_with("PAYIN_NORMAL_"))
            })
            .and_then(|h| h.ressource_id.clone())
            .map(|id| id.trim().to_owned())
            .filter(|id| !id.is_empty());
        if let Some(id) = payin_id {
            if let Some(problem) = threeds_wire::http::path_id_problem(&id) {
                return Step {
                    normalized: failure::unusable_notification_id(P, "RessourceId", &id, problem),
                    handle: None,
                };
            }
            return self.read_payin(&Handle::new(P, id)).await;
        }
        match adapter::normalize_hook_query(&notification.query, &self.ctx()) {
            Ok(normalized) => Step {
                normalized,
                handle: None,
            },
            Err(e) => rejected("notification", vec![e.to_string()]),
        }
    }
}
