//! The simulator's records and the JSON Mangopay returns for them.
//!
//! Pay-ins are rendered through [`PayInView`], whose fields follow the order and types of
//! the documented example responses (Mangopay Direct Card PayIn reference, error-code pages) (every key present, `null` where Mangopay sends null), so a
//! client sees the same document shape the real API returns.

use super::cards::Behaviour;
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};
use threeds_wire::sandbox::Retention;

/// Everything the simulator holds, behind one mutex.
///
/// Every lookup a request makes is by key; the [`Retention`] queues let the simulator
/// forget old records and expire challenges at a cost proportional to what is due, so
/// the cost of a request does not grow with the history.
#[derive(Default)]
pub struct State {
    /// Bearer token -> expiry.
    pub tokens: HashMap<String, Instant>,
    /// Failed token requests per (ClientId presented, source address), and the lock they
    /// trigger for that pair only.
    pub logins: HashMap<String, Logins>,
    pub users: BTreeMap<String, Value>,
    pub wallets: BTreeMap<String, Value>,
    /// Owner user id -> ids of the wallets they own (`GET /users/{Id}/wallets`).
    pub wallets_by_owner: HashMap<String, Vec<String>>,
    pub registrations: HashMap<String, Registration>,
    /// Tokenization path token -> card registration id.
    pub tokenize_paths: HashMap<String, String>,
    /// `RegistrationData` the tokenizer handed out -> the card it stands for.
    pub tokenized: HashMap<String, Tokenized>,
    pub cards: HashMap<String, Card>,
    pub payins: HashMap<String, PayIn>,
    /// Credited wallet id -> ids of its pay-ins, in creation order
    /// (`GET /wallets/{Id}/transactions`).
    pub payins_by_wallet: HashMap<String, Vec<String>>,
    pub hooks: Vec<Hook>,
    /// Idempotency key -> the answer given (or `None` while the request is processed).
    pub responses: HashMap<String, Recorded>,
    /// What the API created, by creation time, to forget after the retention period.
    pub retained: Retention<Created>,
    /// Idempotency keys by first use, due when their answer is no longer kept.
    pub stored: Retention<String>,
    /// Pay-ins by the time their challenge opened, due when it expires.
    pub challenges: Retention<String>,
    /// Tokens by issue, due when they expire.
    pub issued: Retention<String>,
}

impl State {
    /// Empty state whose queues use the simulator's periods.
    pub fn new(retention: Duration, challenge_ttl: Duration, token_lifetime: Duration) -> Self {
        State {
            retained: Retention::new(retention),
            stored: Retention::new(retention.min(super::IDEMPOTENCY_WINDOW)),
            challenges: Retention::new(challenge_ttl),
            issued: Retention::new(token_lifetime),
            ..State::default()
        }
    }

    /// Forgets what is due at `now`: expired tokens, stored answers past their window,
    /// and records past retention. A pay-in still waiting for its challenge is kept one
    /// more period (the challenge expires before then).
    pub fn forget_old(&mut self, now: Instant) {
        while let Some(token) = self.issued.next_due(now) {
            self.tokens.remove(&token);
        }
        let window = self.stored.ttl();
        while let Some(key) = self.stored.next_due(now) {
            // A key used again after an earlier removal has its own, later entry.
            let old = self
                .responses
                .get(&key)
                .is_some_and(|r| now.saturating_duration_since(r.at) >= window);
            if old {
                self.responses.remove(&key);
            }
        }
        while let Some(created) = self.retained.next_due(now) {
            match created {
                Created::PayIn(id) => {
                    let open = self
                        .payins
                        .get(&id)
                        .is_some_and(|p| p.status == PayInStatus::Created);
                    if open {
                        self.retained.record(now, Created::PayIn(id));
                    } else if let Some(p) = self.payins.remove(&id) {
                        if let Some(list) = self.payins_by_wallet.get_mut(&p.credited_wallet_id) {
                            list.retain(|other| *other != id);
                        }
                    }
                }
                Created::User(id) => {
                    self.users.remove(&id);
                    self.wallets_by_owner.remove(&id);
                }
                Created::Wallet(id) => {
                    let owner = self
                        .wallets
                        .remove(&id)
                        .and_then(|w| w.get("Owners")?.get(0)?.as_str().map(str::to_owned));
                    if let Some(list) = owner.and_then(|o| self.wallets_by_owner.get_mut(&o)) {
                        list.retain(|w| *w != id);
                    }
                }
                Created::Registration { id, path_token } => {
                    self.registrations.remove(&id);
                    self.tokenize_paths.remove(&path_token);
                }
                Created::Tokenized(data) => {
                    self.tokenized.remove(&data);
                }
                Created::Card(id) => {
                    self.cards.remove(&id);
                }
            }
        }
    }

    /// Adds a pay-in and indexes it by the wallet it credits.
    pub fn add_payin(&mut self, id: String, payin: PayIn) {
        self.payins_by_wallet
            .entry(payin.credited_wallet_id.clone())
            .or_default()
            .push(id.clone());
        self.payins.insert(id, payin);
    }

    /// The pay-ins crediting `wallet`, oldest first.
    pub fn payins_of(&self, wallet: &str) -> impl Iterator<Item = &PayIn> {
        self.payins_by_wallet
            .get(wallet)
            .into_iter()
            .flatten()
            .filter_map(|id| self.payins.get(id))
    }

    /// Adds a wallet and indexes it by owner.
    pub fn add_wallet(&mut self, id: String, owner: &str, wallet: Value) {
        self.wallets_by_owner
            .entry(owner.to_owned())
            .or_default()
            .push(id.clone());
        self.wallets.insert(id, wallet);
    }

    /// The wallets `owner` owns, oldest first.
    pub fn wallets_of(&self, owner: &str) -> Vec<Value> {
        self.wallets_by_owner
            .get(owner)
            .map(|ids| {
                ids.iter()
                    .filter_map(|id| self.wallets.get(id))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Something the API created, as the retention queue names it.
pub enum Created {
    User(String),
    Wallet(String),
    Registration { id: String, path_token: String },
    Tokenized(String),
    Card(String),
    PayIn(String),
}

/// Failed token requests in a row from one (ClientId, source), and the lock they caused.
#[derive(Debug, Default, Clone)]
pub struct Logins {
    pub failures: u32,
    pub locked_until: Option<Instant>,
}

pub struct Registration {
    pub id: String,
    pub tag: Option<String>,
    pub creation: i64,
    pub user_id: String,
    pub access_key: String,
    pub preregistration_data: String,
    pub registration_data: Option<String>,
    pub card_id: Option<String>,
    pub card_type: String,
    pub url: String,
    pub result_code: Option<String>,
    pub result_message: Option<String>,
    pub currency: String,
    pub status: &'static str,
}

impl Registration {
    /// `create-card-registration.mdx` / how-to step 5.
    pub fn to_json(&self) -> Value {
        json!({
            "Id": self.id, "Tag": self.tag, "CreationDate": self.creation,
            "UserId": self.user_id, "AccessKey": self.access_key,
            "PreregistrationData": self.preregistration_data,
            "RegistrationData": self.registration_data, "CardId": self.card_id,
            "CardType": self.card_type, "CardRegistrationURL": self.url,
            "ResultCode": self.result_code, "ResultMessage": self.result_message,
            "Currency": self.currency, "Status": self.status,
        })
    }
}

/// What the tokenizer learned about a card. The full number is not kept.
#[derive(Clone)]
pub struct Tokenized {
    pub registration_id: String,
    pub behaviour: Behaviour,
    pub brand: &'static str,
    pub bin: String,
    pub last4: String,
    pub expiration: String,
}

pub struct Card {
    pub id: String,
    pub user_id: String,
    pub tag: Option<String>,
    pub creation: i64,
    pub expiration: String,
    pub bin: String,
    pub last4: String,
    pub brand: &'static str,
    pub card_type: String,
    pub currency: String,
    pub active: bool,
    pub validity: &'static str,
    pub fingerprint: String,
    pub holder: Option<String>,
    pub behaviour: Behaviour,
}

impl Card {
    /// The Card object (`api-reference/cards/card-object.mdx` fields).
    pub fn to_json(&self) -> Value {
        json!({
            "ExpirationDate": self.expiration,
            "Alias": format!("{}XXXXXX{}", self.bin, self.last4),
            "CardProvider": self.brand, "CardType": self.card_type,
            "Country": "FRA", "Product": "I", "BankCode": "00152",
            "Active": self.active, "Currency": self.currency, "Validity": self.validity,
            "UserId": self.user_id, "Id": self.id, "Tag": self.tag,
            "CreationDate": self.creation, "Fingerprint": self.fingerprint,
            "CardHolderName": self.holder,
        })
    }

    /// `CardInfo` on the pay-in. The 4970 sandbox cards report La Banque Postale (the
    /// documented examples); others a neutral issuer.
    pub fn card_info(&self) -> Value {
        let (bank, country) = if self.bin.starts_with("4970") {
            ("LA BANQUE POSTALE", "MA")
        } else {
            ("SANDBOX BANK", "FR")
        };
        json!({
            "BIN": self.bin, "IssuingBank": bank, "IssuerCountryCode": country,
            "Type": "CREDIT", "Brand": self.brand, "SubType": null,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayInStatus {
    Created,
    Succeeded,
    Failed,
}

impl PayInStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PayInStatus::Created => "CREATED",
            PayInStatus::Succeeded => "SUCCEEDED",
            PayInStatus::Failed => "FAILED",
        }
    }
}

pub struct PayIn {
    pub id: String,
    pub tag: Option<String>,
    pub creation: i64,
    pub author_id: String,
    pub credited_user_id: String,
    pub currency: String,
    pub debited: u64,
    pub fees: u64,
    pub status: PayInStatus,
    pub result_code: Option<String>,
    pub result_message: Option<String>,
    pub execution_date: Option<i64>,
    pub credited_wallet_id: String,
    pub secure_mode: String,
    pub card_id: String,
    /// With `?transactionId=<Id>` appended, as Mangopay echoes it.
    pub return_url: Option<String>,
    pub redirect_url: Option<String>,
    pub secure_mode_needed: bool,
    pub culture: String,
    pub statement_descriptor: Option<String>,
    pub browser_info: Value,
    pub ip_address: Value,
    pub billing: Value,
    pub shipping: Value,
    pub requested_3ds_version: Value,
    pub applied_3ds_version: Option<&'static str>,
    pub preferred_card_network: Value,
    pub payment_category: String,
    pub card_info: Value,
    /// The challenge page's one-time token (part of `SecureModeRedirectURL`).
    pub challenge_token: String,
    /// When an unanswered challenge expires.
    pub deadline: Option<Instant>,
    /// A decline to apply after a successful challenge (legacy amounts, mocks).
    pub decline_after_challenge: Option<String>,
    /// When the pay-in was created (the simulator's clock).
    pub created: Instant,
}

impl PayIn {
    /// The pay-in as the sandbox's records list it. A pay-in that did not fail has taken
    /// the funds, or may still take them once its challenge ends.
    pub fn record(&self) -> threeds_wire::sandbox::Record {
        use threeds_wire::sandbox::{Record, RecordKind, RecordOutcome};
        Record {
            simulator: "mangopay",
            kind: RecordKind::PayIn,
            id: self.id.clone(),
            reference: self.tag.clone(),
            state: self.status.as_str().to_owned(),
            outcome: match self.status {
                PayInStatus::Created => RecordOutcome::Open,
                PayInStatus::Succeeded => RecordOutcome::Authenticated,
                PayInStatus::Failed => RecordOutcome::NotAuthenticated,
            },
            moves_money: self.status != PayInStatus::Failed,
            created: self.created,
        }
    }

    pub fn view(&self) -> PayInView<'_> {
        PayInView {
            id: &self.id,
            tag: &self.tag,
            creation_date: self.creation,
            author_id: &self.author_id,
            credited_user_id: &self.credited_user_id,
            debited_funds: Funds::new(&self.currency, self.debited),
            credited_funds: Funds::new(&self.currency, self.debited.saturating_sub(self.fees)),
            fees: Funds::new(&self.currency, self.fees),
            status: self.status.as_str(),
            result_code: &self.result_code,
            result_message: &self.result_message,
            execution_date: self.execution_date,
            transaction_type: "PAYIN",
            nature: "REGULAR",
            credited_wallet_id: &self.credited_wallet_id,
            debited_wallet_id: None,
            payment_type: "CARD",
            execution_type: "DIRECT",
            secure_mode: &self.secure_mode,
            card_id: &self.card_id,
            secure_mode_return_url: &self.return_url,
            secure_mode_redirect_url: &self.redirect_url,
            secure_mode_needed: self.secure_mode_needed,
            culture: &self.culture,
            security_info: json!({"AVSResult": "NO_CHECK"}),
            statement_descriptor: &self.statement_descriptor,
            browser_info: &self.browser_info,
            ip_address: &self.ip_address,
            billing: &self.billing,
            shipping: &self.shipping,
            requested_3ds_version: &self.requested_3ds_version,
            applied_3ds_version: self.applied_3ds_version,
            recurring_payin_registration_id: None,
            preferred_card_network: &self.preferred_card_network,
            payment_category: &self.payment_category,
            card_info: &self.card_info,
        }
    }

    pub fn to_json(&self) -> Value {
        serde_json::to_value(self.view()).unwrap_or(Value::Null)
    }
}

#[derive(Serialize)]
pub struct Funds<'a> {
    #[serde(rename = "Currency")]
    currency: &'a str,
    #[serde(rename = "Amount")]
    amount: u64,
}

impl<'a> Funds<'a> {
    fn new(currency: &'a str, amount: u64) -> Self {
        Funds { currency, amount }
    }
}

/// A Direct Card PayIn exactly as the API returns it (docs.mangopay.com/api-reference/direct-card-payins/create-direct-card-payin, 200 example).
#[derive(Serialize)]
pub struct PayInView<'a> {
    #[serde(rename = "Id")]
    id: &'a str,
    #[serde(rename = "Tag")]
    tag: &'a Option<String>,
    #[serde(rename = "CreationDate")]
    creation_date: i64,
    #[serde(rename = "AuthorId")]
    author_id: &'a str,
    #[serde(rename = "CreditedUserId")]
    credited_user_id: &'a str,
    #[serde(rename = "DebitedFunds")]
    debited_funds: Funds<'a>,
    #[serde(rename = "CreditedFunds")]
    credited_funds: Funds<'a>,
    #[serde(rename = "Fees")]
    fees: Funds<'a>,
    #[serde(rename = "Status")]
    status: &'static str,
    #[serde(rename = "ResultCode")]
    result_code: &'a Option<String>,
    #[serde(rename = "ResultMessage")]
    result_message: &'a Option<String>,
    #[serde(rename = "ExecutionDate")]
    execution_date: Option<i64>,
    #[serde(rename = "Type")]
    transaction_type: &'static str,
    #[serde(rename = "Nature")]
    nature: &'static str,
    #[serde(rename = "CreditedWalletId")]
    credited_wallet_id: &'a str,
    #[serde(rename = "DebitedWalletId")]
    debited_wallet_id: Option<&'a str>,
    #[serde(rename = "PaymentType")]
    payment_type: &'static str,
    #[serde(rename = "ExecutionType")]
    execution_type: &'static str,
    #[serde(rename = "SecureMode")]
    secure_mode: &'a str,
    #[serde(rename = "CardId")]
    card_id: &'a str,
    #[serde(rename = "SecureModeReturnURL")]
    secure_mode_return_url: &'a Option<String>,
    #[serde(rename = "SecureModeRedirectURL")]
    secure_mode_redirect_url: &'a Option<String>,
    #[serde(rename = "SecureModeNeeded")]
    secure_mode_needed: bool,
    #[serde(rename = "Culture")]
    culture: &'a str,
    #[serde(rename = "SecurityInfo")]
    security_info: Value,
    #[serde(rename = "StatementDescriptor")]
    statement_descriptor: &'a Option<String>,
    #[serde(rename = "BrowserInfo")]
    browser_info: &'a Value,
    #[serde(rename = "IpAddress")]
    ip_address: &'a Value,
    #[serde(rename = "Billing")]
    billing: &'a Value,
    #[serde(rename = "Shipping")]
    shipping: &'a Value,
    #[serde(rename = "Requested3DSVersion")]
    requested_3ds_version: &'a Value,
    #[serde(rename = "Applied3DSVersion")]
    applied_3ds_version: Option<&'static str>,
    #[serde(rename = "RecurringPayinRegistrationId")]
    recurring_payin_registration_id: Option<&'a str>,
    #[serde(rename = "PreferredCardNetwork")]
    preferred_card_network: &'a Value,
    #[serde(rename = "PaymentCategory")]
    payment_category: &'a str,
    #[serde(rename = "CardInfo")]
    card_info: &'a Value,
}

pub struct Hook {
    pub id: String,
    pub url: String,
    pub status: String,
    pub validity: String,
    pub event_type: String,
    pub tag: Option<String>,
    pub creation: i64,
}

impl Hook {
    /// `api-reference/webhooks/create-hook.mdx` 200 example.
    pub fn to_json(&self) -> Value {
        json!({
            "Url": self.url, "Status": self.status, "Validity": self.validity,
            "EventType": self.event_type, "Id": self.id, "Tag": self.tag,
            "CreationDate": self.creation,
        })
    }
}

/// The answer to one idempotent POST.
pub struct Recorded {
    pub at: Instant,
    pub answer: Option<Answer>,
}

#[derive(Clone)]
pub struct Answer {
    pub status: u16,
    pub body: Value,
    /// HTTP date of the answer.
    pub date: String,
    pub request_url: String,
}
