//! The PSP registry: the one way core code reaches a PSP.
//!
//! Each PSP implements [`Psp`] once, in its folder `src/psp/<name>/`: its id, how its
//! documents are recognised and normalized, its request codec, how a live flow is built
//! from an [`Account`](crate::flow::Account), its sandbox simulator and its demo. The CLI,
//! translation, the summary, the sandbox and the demo iterate [`all`] or look a PSP up with
//! [`get`] / [`find`]; none of them names a PSP.
//!
//! The registry holds the built-in PSPs (the [`BUILTIN`] list: adding a PSP to this crate is
//! one line there) and any a program adds with [`register`] before it normalizes: a PSP
//! written outside this crate (the test suite's made-up one, a merchant's in-house acquirer)
//! is then detected, normalized, translated and driven exactly like the built-in ones.
//!
//! What the design takes from switches such as Hyperswitch, and what it leaves: one trait
//! per connector, implemented in the connector's own module, and one lookup from id to
//! implementation; not a closed enum of every connector that each layer matches on, nor a
//! request-wide struct carried through every call (each call here takes what it needs).

pub mod checkout;
pub mod mangopay;
pub mod paysafe;
pub mod pxp;

use crate::model::Provider;
use crate::normalize::{Context, Document, NormalizeError, Normalized, Outline};
use crate::request::DynCodec;
use serde_json::Value;
use std::sync::RwLock;

/// Everything the bridge knows about one PSP.
///
/// A PSP without non-JSON documents or a live flow keeps the defaults, which say so.
pub trait Psp: Send + Sync + 'static {
    /// The PSP's id: the `provider` of its documents, its `--provider` value, its catalog
    /// rows' provider and its sandbox prefix.
    fn id(&self) -> Provider;

    /// The PSP's name as people write it (`Checkout.com`).
    fn name(&self) -> &'static str;

    /// Its code catalog as CSV (`table,code,message,status,reason,next_step,retry,source`):
    /// what each of its status, result and error codes means.
    fn catalog_csv(&self) -> &'static str;

    /// Whether a document looks like one of this PSP's. `peek` is the document's
    /// [`Outline`]: its top-level members with the keys (not the values) of top-level
    /// objects. Detection asks every registered PSP and accepts exactly one.
    fn matches(&self, peek: &Outline<'_>) -> bool;

    /// Normalizes one of this PSP's documents.
    fn normalize(&self, doc: Document<'_>, ctx: &Context<'_>)
        -> Result<Normalized, NormalizeError>;

    /// Whether `text`, which is not JSON, is one of this PSP's documents (Mangopay delivers
    /// its hooks as a query string). The CLI reads such a line as a document, and
    /// [`Psp::normalize_text`] normalizes it.
    fn is_text_document(&self, text: &str) -> bool {
        let _ = text;
        false
    }

    /// Normalizes a document [`Psp::is_text_document`] accepted.
    fn normalize_text(&self, text: &str, ctx: &Context<'_>) -> Result<Normalized, NormalizeError> {
        let _ = (text, ctx);
        Err(NormalizeError::Unsupported {
            provider: self.id(),
            message: "has no documents other than JSON".to_owned(),
        })
    }

    /// The documents inside one of this PSP's paginated list responses (an envelope object
    /// holding an array of its documents beside paging members), or `None` when `value` is
    /// not one. A bare array of documents needs no PSP: readers take any array as a list.
    /// Only the PSP knows its envelope's member names, so [`list_documents`] asks every
    /// registered PSP and accepts exactly one.
    fn list_documents<'v>(&self, value: &'v Value) -> Option<&'v [Value]> {
        let _ = value;
        None
    }

    /// The codec between this PSP's authentication request and the normalized request
    /// (`translate`, and the request a live flow sends).
    fn codec(&self) -> &'static dyn DynCodec;

    /// Live flows and the sandbox: see [`LivePsp`].
    #[cfg(feature = "live")]
    fn live(&self) -> Option<&dyn LivePsp> {
        None
    }
}

#[cfg(feature = "live")]
pub use live::LivePsp;

#[cfg(feature = "live")]
mod live;

/// Why a PSP cannot be registered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RegistryError {
    /// Another PSP has the id.
    #[error("a PSP with id '{0}' is already registered")]
    Taken(Provider),
    /// The id is not 1 to 32 characters of `a-z`, `0-9` and `_` starting with a letter: it
    /// is a CLI value, a URL path segment and a catalog column.
    #[error("'{}' is not a usable PSP id (1 to 32 of a-z, 0-9 and _, starting with a letter)", threeds_wire::excerpt(.0))]
    BadId(String),
}

/// The PSPs this crate ships, in the order the CLI lists them and the summary prints them.
/// Adding a PSP to the crate: its provider crate, its `src/psp/<name>/` folder, its
/// fixtures, and one line here.
pub static BUILTIN: [&dyn Psp; 4] = [
    &checkout::Checkout,
    &paysafe::Paysafe,
    &mangopay::Mangopay,
    &pxp::Pxp,
];

/// PSPs added with [`register`]. Registration happens at start-up and is rare, so each is
/// leaked to live as long as the process, and lookups hand out plain references.
static REGISTERED: RwLock<Vec<&'static dyn Psp>> = RwLock::new(Vec::new());

/// Adds a PSP to the registry for the rest of the process. Register before building the
/// [`Catalog`](crate::Catalog) (which loads every registered PSP's catalog) and before
/// normalizing. Registering the same id twice is refused, the built-in ids included.
pub fn register(psp: impl Psp) -> Result<Provider, RegistryError> {
    let id = psp.id();
    if !usable_id(id.as_str()) {
        return Err(RegistryError::BadId(id.as_str().to_owned()));
    }
    let mut registered = REGISTERED
        .write()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let taken = BUILTIN
        .iter()
        .chain(registered.iter())
        .any(|p| p.id() == id);
    if taken {
        return Err(RegistryError::Taken(id));
    }
    registered.push(Box::leak(Box::new(psp)));
    Ok(id)
}

fn usable_id(id: &str) -> bool {
    let mut chars = id.chars();
    (1..=32).contains(&id.len())
        && chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Every registered PSP: the built-in ones, then the added ones in registration order.
pub fn all() -> Vec<&'static dyn Psp> {
    let registered = REGISTERED
        .read()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    BUILTIN
        .iter()
        .copied()
        .chain(registered.iter().copied())
        .collect()
}

/// Every registered PSP's id, in [`all`]'s order.
pub fn providers() -> Vec<Provider> {
    all().iter().map(|p| p.id()).collect()
}

/// The registered PSP with id `id`. Looked up without collecting [`all`]: every document
/// normalized asks for its PSP.
pub fn find(id: &str) -> Option<&'static dyn Psp> {
    let is = |p: &&'static dyn Psp| p.id().as_str() == id;
    BUILTIN.iter().copied().find(is).or_else(|| {
        REGISTERED
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .iter()
            .copied()
            .find(is)
    })
}

/// The registered PSP for `provider`. `None` only for a [`Provider`] built with
/// [`Provider::new`] and never registered.
pub fn get(provider: Provider) -> Option<&'static dyn Psp> {
    find(provider.as_str())
}

/// The documents of a list response: a bare JSON array (`None` as the PSP: its items are
/// detected one by one), or the envelope of the one registered PSP that claims `value`.
/// `Ok(None)` when `value` is no list; an envelope two PSPs claim is refused, not guessed.
pub fn list_documents(value: &Value) -> Result<Option<List<'_>>, NormalizeError> {
    if let Value::Array(items) = value {
        return Ok(Some(List {
            provider: None,
            documents: items,
        }));
    }
    let mut found: Option<List<'_>> = None;
    for psp in all() {
        if let Some(documents) = psp.list_documents(value) {
            if let Some(first) = &found {
                return Err(NormalizeError::Ambiguous {
                    candidates: format!("a list of {} or {}", first.provider_id(), psp.id()),
                });
            }
            found = Some(List {
                provider: Some(psp.id()),
                documents,
            });
        }
    }
    Ok(found)
}

/// The documents of a list response ([`list_documents`]).
#[derive(Debug, Clone, Copy)]
pub struct List<'v> {
    /// The PSP whose envelope held them; `None` for a bare array.
    pub provider: Option<Provider>,
    /// The items, in the list's order.
    pub documents: &'v [Value],
}

impl List<'_> {
    fn provider_id(&self) -> &'static str {
        self.provider.map_or("documents", |p| p.as_str())
    }
}

/// The registered ids as a sentence for messages: `checkout, paysafe, mangopay or pxp`.
pub fn ids_sentence() -> String {
    let ids = providers();
    match ids.split_last() {
        None => String::new(),
        Some((last, [])) => last.to_string(),
        Some((last, rest)) => {
            let rest: Vec<&str> = rest.iter().map(|p| p.as_str()).collect();
            format!("{} or {last}", rest.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_checked_and_unique() {
        assert!(usable_id("checkout"));
        assert!(usable_id("acme_2"));
        for bad in ["", "Checkout", "2psp", "a-b", "a/b", &"x".repeat(33)] {
            assert!(!usable_id(bad), "{bad}");
        }
        assert_eq!(
            register(checkout::Checkout),
            Err(RegistryError::Taken(Provider::CHECKOUT))
        );
    }

    #[test]
    fn the_builtin_psps_are_listed_in_order() {
        assert_eq!(ids_sentence(), "checkout, paysafe, mangopay or pxp");
        assert_eq!("pxp".parse::<Provider>().map(|p| p.as_str()), Ok("pxp"));
        let err = "stripe".parse::<Provider>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown provider 'stripe' (expected checkout, paysafe, mangopay or pxp)"
        );
    }
}
