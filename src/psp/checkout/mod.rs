//! Checkout.com Standalone Sessions (3DS authentication without a payment).
//!
//! Everything the bridge knows about Checkout.com: [`normalize`] (its documents to the model),
//! [`request`] (its request body to and from the normalized request), [`flow`] (the live
//! sequence; feature `live`) and `live` (accounts, simulator and demo). The wire types,
//! client, catalog and simulator are the `threeds-checkout` crate's.

pub mod list;
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
use serde_json::Value;

impl Provider {
    /// Checkout.com.
    pub const CHECKOUT: Provider = Provider::new("checkout");
}

/// Checkout.com in the registry.
#[derive(Debug, Clone, Copy)]
pub struct Checkout;

static CODEC: Codec<request::CheckoutCodec> = Codec::new();

impl Psp for Checkout {
    fn id(&self) -> Provider {
        Provider::CHECKOUT
    }

    fn name(&self) -> &'static str {
        "Checkout.com"
    }

    fn catalog_csv(&self) -> &'static str {
        threeds_checkout::CATALOG_CSV
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

    fn list_documents<'v>(&self, value: &'v Value) -> Option<&'v [Value]> {
        list::documents(value)
    }

    fn codec(&self) -> &'static dyn DynCodec {
        &CODEC
    }

    #[cfg(feature = "live")]
    fn live(&self) -> Option<&dyn crate::psp::LivePsp> {
        Some(self)
    }
}
