//! PSP documents to the normalized model: one module per PSP.
//!
//! Each adapter module has `matches` (does this JSON look like one of my documents?) and
//! `normalize` (turn it into a [`Normalized`]). They build a [`Draft`], set status, reason and
//! next step from the PSP's catalog (never from message text), fill the EMV fields, and call
//! [`Draft::finish`], which computes liability shift with the one rule engine and records what
//! decided each field for `--explain`.

use crate::catalog::{Catalog, Entry};
use crate::liability::{self, LiabilityFacts};
use crate::model::{
    Authentication, AuthenticationStatus, DocumentKind, NextStep, Provider, TransStatus,
};
use chrono::NaiveDate;
use serde::de::{DeserializeOwned, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Serialize;
use serde_json::Value;

/// What adapters need besides the document.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub catalog: &'a Catalog,
    /// The date liability rules are applied at when a document carries no date of its own
    /// (`normalize --as-of`; today by default). Scheme rules change over time, so the same
    /// facts can shift liability in 2019 and not in 2026.
    pub as_of: NaiveDate,
}

impl<'a> Context<'a> {
    /// A context over `catalog`, dated today (UTC).
    pub fn new(catalog: &'a Catalog) -> Self {
        Self {
            catalog,
            as_of: today(),
        }
    }

    /// The same context, dated `as_of`.
    pub fn as_of(self, as_of: NaiveDate) -> Self {
        Self { as_of, ..self }
    }
}

/// Today's date in UTC.
pub fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}

/// A normalized document and the account of how it was normalized.
#[derive(Debug, Clone)]
pub struct Normalized {
    pub authentication: Authentication,
    pub explain: Explain,
}

/// Why each decided field has its value (`normalize --explain`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explain {
    /// The PSP document type that was recognised (`checkout.session`, `mangopay.payin`, ...).
    pub document: &'static str,
    /// The mapping rule that set `status`: a catalog row id or a named adapter rule.
    pub status_rule: String,
    /// The catalog row used, with where it was loaded from.
    pub catalog_row: Option<String>,
    pub liability: LiabilityExplain,
    /// Values this version does not know, and other things worth a look. Also printed on
    /// stderr by the CLI.
    pub warnings: Vec<String>,
}

/// The liability rule that fired and the facts it saw.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LiabilityExplain {
    pub rule: &'static str,
    pub source: &'static str,
    pub facts: LiabilityFacts,
}

/// Why a document could not be normalized.
///
/// Every text field is printed through [`bounded`] (card numbers masked, length capped),
/// whoever built the error: the PSP values and keys they may quote never reach a message
/// whole.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NormalizeError {
    #[error("not JSON: {} (line {line}, column {column})", bounded(.message))]
    NotJson {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("the document matches no known PSP document ({})", bounded(.hint))]
    UnknownDocument { hint: String },
    #[error("the document could be from {}; pass --provider", bounded(.candidates))]
    Ambiguous { candidates: String },
    #[error("{provider} {document}: at {}: {}", excerpt(.path), bounded(.message))]
    Shape {
        provider: Provider,
        document: &'static str,
        path: String,
        message: String,
    },
    #[error("{provider}: {}", bounded(.message))]
    Unsupported { provider: Provider, message: String },
    /// A JSON value nested deeper than [`MAX_DEPTH`]: no PSP document comes near it, and
    /// walking it recursively could overflow the stack.
    #[error("the document nests deeper than {limit} levels of arrays and objects")]
    TooDeep { limit: usize },
}

/// An authentication under construction. Starts as `unknown` / `investigate`; adapters set
/// what the document says.
#[derive(Debug, Clone)]
pub struct Draft {
    pub auth: Authentication,
    /// Liability inputs the model has no field for (enrollment, signature, exemption,
    /// category, authentication value presence). Network, ECI, transStatus and version are
    /// taken from `auth` by [`Draft::finish`].
    pub facts: LiabilityFacts,
    document: &'static str,
    status_rule: String,
    catalog_row: Option<String>,
    warnings: Vec<String>,
    liability_override: Option<liability::LiabilityDecision>,
}

impl Draft {
    pub fn new(provider: Provider, kind: DocumentKind, document: &'static str) -> Self {
        Self {
            auth: Authentication::new(provider, kind),
            facts: LiabilityFacts::default(),
            document,
            status_rule: "unset".to_owned(),
            catalog_row: None,
            warnings: Vec::new(),
            liability_override: None,
        }
    }

    /// Decides liability shift here instead of by the rule tables: for PSPs whose document
    /// cannot tell outcomes with different liability apart (a Mangopay frictionless success
    /// may be `Y` or an exemption the merchant asked for). `rule` and `source` say why.
    pub fn set_liability(
        &mut self,
        liability_shift: Option<bool>,
        rule: &'static str,
        source: &'static str,
    ) {
        self.liability_override = Some(liability::LiabilityDecision {
            liability_shift,
            rule,
            source,
        });
    }

    /// Sets status, reason and next step from the catalog row for `code` in `table`, where
    /// the row decides them. A code the catalog does not know makes the status `unknown` with
    /// next step `investigate`, and is reported. Returns the row.
    pub fn apply_catalog(&mut self, ctx: &Context<'_>, table: &str, code: &str) -> Option<Entry> {
        let provider = self.auth.provider;
        match ctx.catalog.lookup(provider, table, code) {
            Some(entry) => {
                if let Some(status) = entry.status {
                    self.auth.status = status;
                    self.status_rule = format!("catalog:{}", entry.id());
                }
                if let Some(step) = entry.next_step {
                    self.auth.next_step = step;
                }
                if entry.status.is_some() || entry.retry.is_some() {
                    self.auth.retry = entry.retry;
                }
                if entry.reason.is_some() {
                    self.auth.reason.clone_from(&entry.reason);
                }
                self.catalog_row = Some(entry.to_string());
                Some(entry.clone())
            }
            None => {
                self.set_unknown(table, code);
                None
            }
        }
    }

    /// Looks up a reason code (a row that does not decide the status). An unknown code is
    /// reported and leaves the reason null; the status stays what the state field said.
    pub fn apply_reason(&mut self, ctx: &Context<'_>, table: &str, code: &str) -> Option<Entry> {
        let provider = self.auth.provider;
        match ctx.catalog.lookup(provider, table, code) {
            Some(entry) => {
                if entry.reason.is_some() {
                    self.auth.reason.clone_from(&entry.reason);
                }
                if entry.retry.is_some() {
                    self.auth.retry = entry.retry;
                }
                Some(entry.clone())
            }
            None => {
                self.warn(format!(
                    "{provider} {table} '{code}' is not in the catalog; reason left null"
                ));
                None
            }
        }
    }

    /// Applies an EMV transStatusReason the PSP reported with an N, R or U, the same way at
    /// every PSP: the reason word (when the PSP's own reason field gave none), the `retry`
    /// the reason family decides ([`crate::model::reason::emv_reason_retry`]), and for N with
    /// 14 (transaction timed out at the ACS) the status `expired`, as a timed-out challenge is
    /// everywhere. Other transStatus values are left as they are.
    pub fn apply_trans_status_reason(&mut self, code: &str) {
        use crate::model::reason::{emv_reason, emv_reason_retry, normalize_code};
        let outcome = matches!(
            self.auth.status,
            AuthenticationStatus::Failed
                | AuthenticationStatus::Rejected
                | AuthenticationStatus::Unavailable
        );
        if !outcome {
            return;
        }
        if self.auth.reason.is_none() {
            self.auth.reason = emv_reason(code).map(str::to_owned);
        }
        if self.auth.status == AuthenticationStatus::Rejected {
            // R is final whatever the reason: the issuer asks that nothing be retried.
            self.auth.retry = Some(crate::model::Retry::Never);
            return;
        }
        if let Some(retry) = emv_reason_retry(code) {
            self.auth.retry = Some(retry);
        }
        if self.auth.status == AuthenticationStatus::Failed
            && normalize_code(code).as_deref() == Some("14")
        {
            self.set_status(
                AuthenticationStatus::Expired,
                NextStep::RetryAuthentication,
                "emv:trans_status_reason/14",
            );
            self.auth.reason = Some("acs_timed_out".to_owned());
        }
    }

    /// Marks the document as carrying a value this version does not know.
    pub fn set_unknown(&mut self, table: &str, code: &str) {
        let provider = self.auth.provider;
        self.auth.status = AuthenticationStatus::Unknown;
        self.auth.next_step = NextStep::Investigate;
        self.auth.retry = None;
        self.auth.reason = Some("unknown_psp_value".to_owned());
        self.status_rule = format!("unknown:{provider}/{table}/{code}");
        self.warn(format!(
            "{provider} {table} '{code}' is not in the catalog; reported as unknown"
        ));
    }

    /// Sets the status by a named adapter rule (not a catalog row). A request that must be
    /// fixed first (`fix_request`) gains nothing from being sent again as it is, anywhere:
    /// its retry is `never`, set here so that no rule can forget it.
    pub fn set_status(
        &mut self,
        status: AuthenticationStatus,
        next_step: NextStep,
        rule: impl Into<String>,
    ) {
        self.auth.status = status;
        self.auth.next_step = next_step;
        if next_step == NextStep::FixRequest {
            self.auth.retry = Some(crate::model::Retry::Never);
        }
        self.status_rule = rule.into();
    }

    /// Records a warning. The message goes through [`bounded`] as a backstop: a template
    /// that quotes a PSP value without [`excerpt`] still cannot print a card number or a
    /// 5 MB field.
    pub fn warn(&mut self, message: impl Into<String>) {
        let message = message.into();
        let message = match bounded(&message) {
            std::borrow::Cow::Borrowed(_) => message,
            std::borrow::Cow::Owned(shorter) => shorter,
        };
        self.warnings.push(message);
    }

    /// Computes liability shift at the document's own date (`authenticated_at`), or at
    /// `ctx.as_of` when it has none, and returns the result with its explanation.
    ///
    /// Liability is null while the status is not final, and for outcomes that are not an
    /// authentication result (`error`, `unknown`, `declined`). When the PSP reports no EMV
    /// transStatus, the one implied by the normalized status is used and flagged as implied.
    pub fn finish_in(self, ctx: &Context<'_>) -> Normalized {
        self.finish_at(ctx.as_of)
    }

    /// [`Draft::finish_in`] dated today: for drafts that carry no authentication outcome
    /// (a failed request, a transport error), whose liability is null at any date.
    pub fn finish(self) -> Normalized {
        self.finish_at(today())
    }

    fn finish_at(mut self, as_of: NaiveDate) -> Normalized {
        let a = &self.auth;
        let mut facts = self.facts.clone();
        facts.authenticated_on = a
            .authenticated_at
            .as_deref()
            .and_then(crate::model::date_of)
            .or(facts.authenticated_on)
            .or(Some(as_of));
        facts.network = facts.network.or(a.network);
        facts.eci = facts.eci.clone().or_else(|| a.eci.clone());
        facts.protocol_version = facts
            .protocol_version
            .clone()
            .or_else(|| a.protocol_version.clone());
        if facts.authentication_value_present.is_none() && a.authentication_value.is_some() {
            facts.authentication_value_present = Some(true);
        }
        facts.challenged = facts.challenged.or(a.challenged);
        if facts.trans_status.is_none() {
            facts.trans_status = a.trans_status.clone();
        }
        if facts.trans_status.is_none() {
            facts.trans_status = implied_trans_status(a.status);
            facts.trans_status_implied = facts.trans_status.is_some();
        }
        let decision = match (self.liability_override.take(), a.status) {
            (Some(decision), _) => decision,
            (None, status) => match status {
                s if !s.is_final() => liability::LiabilityDecision {
                    liability_shift: None,
                    rule: "not_final",
                    source: NOT_FINAL_SOURCE,
                },
                AuthenticationStatus::Error
                | AuthenticationStatus::Unknown
                | AuthenticationStatus::Declined => liability::LiabilityDecision {
                    liability_shift: None,
                    rule: "no_authentication_outcome",
                    source: NO_OUTCOME_SOURCE,
                },
                _ => liability::decide(&facts),
            },
        };
        self.auth.liability_shift = decision.liability_shift;
        Normalized {
            authentication: self.auth,
            explain: Explain {
                document: self.document,
                status_rule: self.status_rule,
                catalog_row: self.catalog_row,
                liability: LiabilityExplain {
                    rule: decision.rule,
                    source: decision.source,
                    facts,
                },
                warnings: self.warnings,
            },
        }
    }
}

const NOT_FINAL_SOURCE: &str =
    "threeds-bridge contract (docs/contract.md, The normalized authentication): liability_shift is null while the authentication is not final";
const NO_OUTCOME_SOURCE: &str =
    "threeds-bridge contract (docs/contract.md, The normalized authentication): an error, an unknown value or a declined payment carries no authentication outcome";

/// The transStatus a final normalized status stands for, used for liability when the PSP
/// reports none (or, for Checkout, reports one that contradicts the status that won).
pub(crate) fn implied_trans_status(status: AuthenticationStatus) -> Option<TransStatus> {
    Some(match status {
        AuthenticationStatus::Authenticated => TransStatus::Y,
        AuthenticationStatus::Attempted => TransStatus::A,
        AuthenticationStatus::Failed => TransStatus::N,
        AuthenticationStatus::Rejected => TransStatus::R,
        AuthenticationStatus::Unavailable => TransStatus::U,
        AuthenticationStatus::Exempted => TransStatus::I,
        _ => return None,
    })
}

/// Where a document's wire types are read from: its text, or a value already parsed (library
/// callers of [`normalize_value`]). Reading from the text skips the members a wire type does
/// not know without building them, so a document costs a small multiple of its size.
#[derive(Debug, Clone, Copy)]
pub enum Source<'a> {
    Text(&'a str),
    Value(&'a Value),
}

impl<'a> From<&'a Value> for Source<'a> {
    fn from(value: &'a Value) -> Self {
        Source::Value(value)
    }
}

impl<'a> From<Document<'a>> for Source<'a> {
    fn from(doc: Document<'a>) -> Self {
        doc.source
    }
}

/// A document as the adapters see it: `peek`, what classification looks at (the top-level
/// members and the keys of top-level objects: see [`skeleton`]), and the `source` its wire
/// types are read from.
#[derive(Debug, Clone, Copy)]
pub struct Document<'a> {
    pub peek: &'a Value,
    pub source: Source<'a>,
}

impl<'a> From<&'a Value> for Document<'a> {
    /// A parsed value is both what is peeked at and what is read.
    fn from(value: &'a Value) -> Self {
        Self {
            peek: value,
            source: Source::Value(value),
        }
    }
}

/// Deserializes a PSP wire type from `source`, naming the JSON path on failure. Values are
/// scrubbed from serde's message so a secret in a malformed field never reaches an error.
/// The message is the same whichever the source: the position serde_json appends when
/// reading text is dropped (the path says where).
pub fn parse_as<'a, T: DeserializeOwned>(
    source: impl Into<Source<'a>>,
    provider: Provider,
    document: &'static str,
) -> Result<T, NormalizeError> {
    let result = match source.into() {
        Source::Value(value) => serde_path_to_error::deserialize(value),
        Source::Text(text) => {
            serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_str(text))
        }
    };
    result.map_err(|e| {
        let path = e.path().to_string();
        NormalizeError::Shape {
            provider,
            document,
            path,
            message: scrub(&message_of(&e.into_inner())),
        }
    })
}

/// serde_json's message without the ` at line L column C` it ends with when reading text.
fn message_of(e: &serde_json::Error) -> String {
    let message = e.to_string();
    if e.line() == 0 {
        return message;
    }
    let position = format!(" at line {} column {}", e.line(), e.column());
    match message.strip_suffix(&position) {
        Some(bare) => bare.to_owned(),
        None => message,
    }
}

pub use threeds_wire::scrub;
use threeds_wire::{bounded, excerpt};

/// Picks the PSP whose documents `value` looks like.
pub fn detect(value: &Value) -> Result<Provider, NormalizeError> {
    let candidates: Vec<Provider> = crate::psp::all()
        .into_iter()
        .filter(|psp| psp.matches(value))
        .map(|psp| psp.id())
        .collect();
    match candidates.as_slice() {
        [one] => Ok(*one),
        [] => Err(NormalizeError::UnknownDocument {
            hint: describe(value),
        }),
        many => Err(NormalizeError::Ambiguous {
            candidates: many
                .iter()
                .map(|p| p.as_str())
                .collect::<Vec<_>>()
                .join(" or "),
        }),
    }
}

/// Whether `value` has the shape of one of `provider`'s documents (`normalize --provider`
/// refuses a document that does not).
pub fn matches(provider: Provider, value: &Value) -> bool {
    crate::psp::get(provider).is_some_and(|psp| psp.matches(value))
}

fn describe(value: &Value) -> String {
    match value {
        Value::Object(map) => {
            let keys: Vec<&str> = map.keys().take(8).map(String::as_str).collect();
            format!("top-level keys: {}", excerpt(&keys.join(", ")))
        }
        Value::Array(_) => "a JSON array, expected an object".to_owned(),
        _ => "a JSON scalar, expected an object".to_owned(),
    }
}

/// The deepest nesting of arrays and objects a document may have: what serde_json's parser
/// accepts in text (its recursion limit of 128 refuses the 128th level), so a value built in
/// memory is held to what text input can reach.
pub const MAX_DEPTH: usize = 127;

/// Normalizes one parsed document; `provider` skips detection.
///
/// `value` is first checked, without recursion, to nest at most [`MAX_DEPTH`] levels: a
/// value built in memory has no parser's limit, and the recursive walks that follow (serde's
/// deserialization, copies of subtrees) would overflow the stack on a deep one.
pub fn normalize_value(
    value: &Value,
    provider: Option<Provider>,
    ctx: &Context<'_>,
) -> Result<Normalized, NormalizeError> {
    check_depth(value)?;
    normalize_checked(Document::from(value), provider, ctx)
}

/// Fails when `value` nests deeper than [`MAX_DEPTH`]. Iterative, and stops at the first
/// node past the limit, so its cost is bounded by the document's size whatever its depth.
fn check_depth(value: &Value) -> Result<(), NormalizeError> {
    let mut stack: Vec<(&Value, usize)> = vec![(value, 1)];
    while let Some((node, depth)) = stack.pop() {
        let is_container = matches!(node, Value::Array(_) | Value::Object(_));
        if is_container && depth > MAX_DEPTH {
            return Err(NormalizeError::TooDeep { limit: MAX_DEPTH });
        }
        match node {
            Value::Array(items) => stack.extend(items.iter().map(|c| (c, depth + 1))),
            Value::Object(map) => stack.extend(map.values().map(|c| (c, depth + 1))),
            _ => {}
        }
    }
    Ok(())
}

/// [`normalize_value`] for a value known to be within [`MAX_DEPTH`].
fn normalize_checked(
    doc: Document<'_>,
    provider: Option<Provider>,
    ctx: &Context<'_>,
) -> Result<Normalized, NormalizeError> {
    let provider = match provider {
        Some(p) => p,
        None => detect(doc.peek)?,
    };
    psp(provider)?.normalize(doc, ctx)
}

/// The registered PSP for `provider`.
fn psp(provider: Provider) -> Result<&'static dyn crate::psp::Psp, NormalizeError> {
    crate::psp::get(provider).ok_or_else(|| NormalizeError::Unsupported {
        provider,
        message: "no PSP with this id is registered".to_owned(),
    })
}

/// Normalizes one document's text: JSON, or a document a PSP sends in another form (a
/// Mangopay hook's query string `EventType=...&RessourceId=...&Date=...`, which Mangopay
/// delivers as a GET: see [`crate::psp::Psp::normalize_text`]).
pub fn normalize_text(
    text: &str,
    provider: Option<Provider>,
    ctx: &Context<'_>,
) -> Result<Normalized, NormalizeError> {
    // serde_json's parser stops at MAX_DEPTH levels, so the depth walk is not repeated.
    match skeleton(text) {
        Ok(peek) => normalize_checked(
            Document {
                peek: &peek,
                source: Source::Text(text),
            },
            provider,
            ctx,
        ),
        Err(e) => {
            let candidates = match provider {
                Some(p) => vec![psp(p)?],
                None => crate::psp::all(),
            };
            if let Some(psp) = candidates
                .into_iter()
                .find(|psp| psp.is_text_document(text))
            {
                return psp.normalize_text(text, ctx);
            }
            Err(NormalizeError::NotJson {
                line: e.line(),
                column: e.column(),
                message: scrub(&message_of(&e)),
            })
        }
    }
}

/// What classification needs of `text`, checked as JSON exactly as parsing it into a
/// [`Value`] checks it (same errors at the same place, the same depth limit), without the
/// tree: the top-level value, where each top-level member keeps its value if a scalar, its
/// keys (with null values) if an object, and nothing of its items if an array. The adapters
/// look no deeper before reading their wire types from the text; a tree of a long array of
/// tiny objects costs 80 times its text.
fn skeleton(text: &str) -> Result<Value, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let peek = Skeleton { depth: 0 }.deserialize(&mut de)?;
    de.end()?;
    Ok(peek)
}

/// Members kept down to this depth (the root is at 0): top-level members and the keys of
/// top-level objects (`error.code`, `eventData.state`, ...).
const SKELETON_DEPTH: usize = 2;

/// Builds the [`skeleton`] of the value at `depth`.
struct Skeleton {
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for Skeleton {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        if self.depth >= SKELETON_DEPTH {
            deserializer.deserialize_any(Discard)?;
            return Ok(Value::Null);
        }
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Skeleton {
    type Value = Value;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        while seq.next_element_seed(Discard)?.is_some() {}
        Ok(Value::Array(Vec::new()))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut members = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(Skeleton {
                depth: self.depth + 1,
            })?;
            members.insert(key, value);
        }
        Ok(Value::Object(members))
    }
}

/// Reads a value through to its end and keeps nothing: every number, string and nesting
/// level is still checked by the parser, as building a [`Value`] would.
struct Discard;

impl<'de> DeserializeSeed<'de> for Discard {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Discard {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(Discard)?.is_some() {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_key_seed(Discard)?.is_some() {
            map.next_value_seed(Discard)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;

    /// `normalize_text`'s result, and `normalize_value`'s on the parsed text (what
    /// `normalize_text` did before it read wire types from the text).
    fn both_ways(text: &str, provider: Option<Provider>, ctx: &Context<'_>) -> (String, String) {
        let from_text = normalize_text(text, provider, ctx);
        let value: Value = serde_json::from_str(text).expect("JSON");
        let from_value = normalize_value(&value, provider, ctx);
        (format!("{from_text:?}"), format!("{from_value:?}"))
    }

    /// `value` with the leaf at every position in turn replaced by each of a few JSON values
    /// of other types: every wire type's error path and message, at every depth.
    fn mutations(value: &Value) -> Vec<Value> {
        let replacements = [
            serde_json::json!({"a": 1}),
            serde_json::json!([1, "x"]),
            serde_json::json!("s"),
            serde_json::json!(1.5),
            Value::Null,
        ];
        let mut out = Vec::new();
        let mut paths = Vec::new();
        leaf_pointers(value, String::new(), &mut paths);
        for path in paths {
            for r in &replacements {
                let mut v = value.clone();
                if let Some(slot) = v.pointer_mut(&path) {
                    *slot = r.clone();
                    out.push(v);
                }
            }
        }
        out
    }

    fn leaf_pointers(value: &Value, at: String, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => map.iter().for_each(|(k, v)| {
                let key = k.replace('~', "~0").replace('/', "~1");
                leaf_pointers(v, format!("{at}/{key}"), out);
            }),
            Value::Array(items) => items
                .iter()
                .enumerate()
                .for_each(|(i, v)| leaf_pointers(v, format!("{at}/{i}"), out)),
            _ => out.push(at),
        }
    }

    /// Reading the wire types from the text changes nothing: every fixture (as written, and
    /// detected), and every fixture with one member of another type (its provider given),
    /// normalizes or fails, with the same path and message, exactly as its parsed value does.
    #[test]
    fn reading_from_the_text_is_reading_from_the_parsed_value() {
        let catalog = Catalog::builtin().expect("catalog");
        let ctx = Context::new(&catalog);
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let mut checked = 0;
        for provider in crate::psp::providers() {
            let dir = root.join(provider.as_str());
            for entry in std::fs::read_dir(&dir).expect("fixtures") {
                let path = entry.expect("entry").path();
                let name = path.to_string_lossy().into_owned();
                if !name.ends_with(".json") || name.ends_with(".golden.json") {
                    continue;
                }
                let text = std::fs::read_to_string(&path).expect("fixture");
                let Ok(value) = serde_json::from_str::<Value>(&text) else {
                    continue;
                };
                let (from_text, from_value) = both_ways(&text, None, &ctx);
                assert_eq!(from_text, from_value, "{name}");
                // With the provider given, each mutation reaches the adapter even when it no
                // longer looks like the provider's.
                for doc in std::iter::once(value.clone()).chain(mutations(&value)) {
                    let text = doc.to_string();
                    let (from_text, from_value) = both_ways(&text, Some(provider), &ctx);
                    assert_eq!(from_text, from_value, "{name}: {text}");
                    checked += 1;
                }
            }
        }
        assert!(checked > 1000, "{checked} documents");
    }

    #[test]
    fn scalars_and_arrays_belong_to_no_psp() {
        assert!(matches!(
            detect(&serde_json::json!([1])),
            Err(NormalizeError::UnknownDocument { .. })
        ));
        assert!(matches!(
            detect(&serde_json::json!({"foo": 1})),
            Err(NormalizeError::UnknownDocument { .. })
        ));
    }

    /// A member given twice is a contradiction the document does not resolve: it is refused
    /// with the path and the member's name, where a parsed value would silently keep the
    /// last one (here the more positive outcome).
    #[test]
    fn a_member_given_twice_is_refused_not_resolved_by_the_last() {
        let catalog = Catalog::builtin().expect("catalog");
        let ctx = Context::new(&catalog);
        let text = r#"{"eventCategory":"Authentication","eventData":{"authenticationId":"a",
            "state":"AuthenticationFailed","state":"AuthenticationSuccessful"}}"#;
        let err = normalize_text(text, None, &ctx).expect_err("contradiction");
        assert_eq!(
            err.to_string(),
            "pxp pxp.webhook: at eventData..: duplicate field `state`"
        );
    }
}
