//! PSP documents to the normalized model: one module per PSP.
//!
//! Each adapter module has `matches` (does this JSON look like one of my documents?) and
//! `normalize` (turn it into a [`Normalized`]). They build a [`Draft`], set status, reason and
//! next step from the PSP's catalog (never from message text), fill the EMV fields, and call
//! [`Draft::finish`], which computes liability shift with the one rule engine and records what
//! decided each field for `--explain`.

mod draft;
mod outline;
mod skeleton;
mod source;

pub(crate) use draft::implied_trans_status;
pub use draft::Draft;
pub use outline::{Members, Outline};
pub use source::{parse_as, Document, Source};

use crate::catalog::Catalog;
use crate::liability::LiabilityFacts;
use crate::model::{Authentication, Provider};
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::Value;
use skeleton::skeleton;
use source::message_of;

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

impl Normalized {
    /// An authentication decided elsewhere and received whole (the service's answer to
    /// its client): nothing is decided again, and the explanation says where it came from.
    pub fn received(authentication: Authentication, document: &'static str) -> Normalized {
        Normalized {
            authentication,
            explain: Explain {
                document,
                status_rule: format!("received from {document}"),
                catalog_row: None,
                liability: LiabilityExplain {
                    rule: "received",
                    source: document,
                    facts: LiabilityFacts::default(),
                },
                warnings: Vec::new(),
            },
        }
    }
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
#[non_exhaustive]
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

impl NormalizeError {
    /// The error's kind as one word (`not_json`, `unknown_document`, `ambiguous`, `shape`,
    /// `unsupported`, `too_deep`), for callers that sort failures without reading messages
    /// (the Python package's `NormalizeError.kind`).
    pub fn kind(&self) -> &'static str {
        match self {
            Self::NotJson { .. } => "not_json",
            Self::UnknownDocument { .. } => "unknown_document",
            Self::Ambiguous { .. } => "ambiguous",
            Self::Shape { .. } => "shape",
            Self::Unsupported { .. } => "unsupported",
            Self::TooDeep { .. } => "too_deep",
        }
    }
}

pub use threeds_wire::scrub;
use threeds_wire::{bounded, excerpt};

/// Picks the PSP whose documents `value` looks like.
pub fn detect(value: &Outline<'_>) -> Result<Provider, NormalizeError> {
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
pub fn matches(provider: Provider, value: &Outline<'_>) -> bool {
    crate::psp::get(provider).is_some_and(|psp| psp.matches(value))
}

/// The first keys in sorted order, each once, as a parsed value's map lists them.
fn describe(value: &Outline<'_>) -> String {
    match value {
        Outline::Object(map) => {
            let mut keys: Vec<&str> = map.keys().collect();
            keys.sort_unstable();
            keys.dedup();
            keys.truncate(8);
            format!("top-level keys: {}", excerpt(&keys.join(", ")))
        }
        Outline::Array => "a JSON array, expected an object".to_owned(),
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
        None => detect(&doc.peek)?,
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
    from_text(text, provider, false, ctx)
}

/// [`normalize_text`] for input whose PSP the caller only believes it knows
/// (`normalize --provider`): a JSON document that does not have `provider`'s shape is
/// refused, naming the PSP it looks like, so a wrong flag never yields an outcome read with
/// another PSP's meanings. The shape is checked on the same one pass that classification
/// reads ([`skeleton`]).
pub fn normalize_text_checked(
    text: &str,
    provider: Option<Provider>,
    ctx: &Context<'_>,
) -> Result<Normalized, NormalizeError> {
    from_text(text, provider, true, ctx)
}

/// [`normalize_text`] and [`normalize_text_checked`]: `check` refuses a JSON document that
/// does not have the shape of the `provider` given.
fn from_text(
    text: &str,
    provider: Option<Provider>,
    check: bool,
    ctx: &Context<'_>,
) -> Result<Normalized, NormalizeError> {
    // serde_json's parser stops at MAX_DEPTH levels, so the depth walk is not repeated.
    match skeleton(text) {
        Ok(peek) => {
            if let Some(p) = provider.filter(|_| check) {
                if !matches(p, &peek) {
                    return Err(not_the_provider(p, &peek));
                }
            }
            normalize_checked(
                Document {
                    peek,
                    source: Source::Text(text),
                },
                provider,
                ctx,
            )
        }
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

/// Why a document that does not have `provider`'s shape is refused.
fn not_the_provider(provider: Provider, peek: &Outline<'_>) -> NormalizeError {
    let looks = match detect(peek) {
        Ok(other) => format!("it looks like a {other} document"),
        Err(_) => "it matches no known PSP document".to_owned(),
    };
    NormalizeError::Unsupported {
        provider,
        message: format!("not a {provider} document ({looks}); check --provider"),
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
            detect(&Outline::of_value(&serde_json::json!([1]))),
            Err(NormalizeError::UnknownDocument { .. })
        ));
        assert!(matches!(
            detect(&Outline::of_value(&serde_json::json!({"foo": 1}))),
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
