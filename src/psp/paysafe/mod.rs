//! Paysafe 3D Secure 2 (the standalone authentication API).
//!
//! Everything the bridge knows about Paysafe: [`normalize`] (its documents to the model),
//! [`request`] (its request body to and from the normalized request), [`flow`] (the live
//! sequence; feature `live`) and `live` (accounts, simulator and demo). The wire types,
//! client, catalog and simulator are the `threeds-paysafe` crate's.

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
    /// Paysafe.
    pub const PAYSAFE: Provider = Provider::new("paysafe");
}

/// Paysafe in the registry.
#[derive(Debug, Clone, Copy)]
pub struct Paysafe;

static CODEC: Codec<request::PaysafeCodec> = Codec::new();

impl Psp for Paysafe {
    fn id(&self) -> Provider {
        Provider::PAYSAFE
    }

    fn name(&self) -> &'static str {
        "Paysafe"
    }

    fn catalog_csv(&self) -> &'static str {
        threeds_paysafe::CATALOG_CSV
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

    // List responses: the 3D Secure 2 API reads authentications one at a time (POST, and GET
    // by id; the "Paysafe 3D Secure 2 API blueprint" lists no search or list endpoint), so
    // there is no envelope: `list_documents` keeps the trait's default, and a bare array of
    // authentications is read as a list by every reader.
    fn codec(&self) -> &'static dyn DynCodec {
        &CODEC
    }

    #[cfg(feature = "live")]
    fn live(&self) -> Option<&dyn crate::psp::LivePsp> {
        Some(self)
    }
}
