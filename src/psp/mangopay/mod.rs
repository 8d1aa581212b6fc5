//! Mangopay card pay-ins with SecureMode (3DS inside the pay-in).
//!
//! Everything the bridge knows about Mangopay: [`normalize`] (its documents to the model),
//! [`request`] (its request body to and from the normalized request), [`flow`] (the live
//! sequence; feature `live`) and `live` (accounts, simulator and demo). The wire types,
//! client, catalog and simulator are the `threeds-mangopay` crate's.

pub mod normalize;
pub mod request;

#[cfg(feature = "live")]
pub mod flow;
#[cfg(feature = "live")]
mod live;

use crate::model::Provider;
use crate::normalize::{Context, Document, NormalizeError, Normalized, Outline};
use crate::psp::Psp;
use crate::request::{Codec, DynCodec};

impl Provider {
    /// Mangopay.
    pub const MANGOPAY: Provider = Provider::new("mangopay");
}

/// Mangopay in the registry.
#[derive(Debug, Clone, Copy)]
pub struct Mangopay;

static CODEC: Codec<request::MangopayCodec> = Codec::new();

impl Psp for Mangopay {
    fn id(&self) -> Provider {
        Provider::MANGOPAY
    }

    fn name(&self) -> &'static str {
        "Mangopay"
    }

    fn catalog_csv(&self) -> &'static str {
        threeds_mangopay::CATALOG_CSV
    }

    fn matches(&self, peek: &Outline<'_>) -> bool {
        normalize::matches(peek)
    }

    fn normalize(
        &self,
        doc: Document<'_>,
        ctx: &Context<'_>,
    ) -> Result<Normalized, NormalizeError> {
        normalize::normalize(doc, ctx)
    }

    /// Mangopay delivers its hooks as a GET query string (`EventType=...&RessourceId=...`).
    fn is_text_document(&self, text: &str) -> bool {
        normalize::looks_like_hook_query(text)
    }

    fn normalize_text(&self, text: &str, ctx: &Context<'_>) -> Result<Normalized, NormalizeError> {
        normalize::normalize_hook_query(text, ctx)
    }

    // List responses: Mangopay's list endpoints answer with a bare array of objects and page
    // in the response headers (`x-number-of-pages`, `x-number-of-items`:
    // https://docs.mangopay.com/api-reference/overview/pagination), which every reader takes
    // as a list; there is no envelope, so `list_documents` keeps the trait's default.
    fn codec(&self) -> &'static dyn DynCodec {
        &CODEC
    }

    #[cfg(feature = "live")]
    fn live(&self) -> Option<&dyn crate::psp::LivePsp> {
        Some(self)
    }
}
