//! PXP Unity 3DS (browser authentication).
//!
//! Everything the bridge knows about PXP: [`normalize`] (its documents to the model),
//! [`request`] (its request body to and from the normalized request), [`flow`] (the live
//! sequence; feature `live`) and `live` (accounts, simulator and demo). The wire types,
//! client, catalog and simulator are the `threeds-pxp` crate's.

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
    /// PXP.
    pub const PXP: Provider = Provider::new("pxp");
}

/// PXP in the registry.
#[derive(Debug, Clone, Copy)]
pub struct Pxp;

static CODEC: Codec<request::PxpCodec> = Codec::new();

impl Psp for Pxp {
    fn id(&self) -> Provider {
        Provider::PXP
    }

    fn name(&self) -> &'static str {
        "PXP"
    }

    fn catalog_csv(&self) -> &'static str {
        threeds_pxp::CATALOG_CSV
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

    // List responses: the 3D Secure authentication API reads authentications one at a time
    // (GET by id: https://developer.pxp.io/apis/three-d-secure-authentication), so there is
    // no envelope: `list_documents` keeps the trait's default, and a bare array of
    // authentications is read as a list by every reader.
    fn codec(&self) -> &'static dyn DynCodec {
        &CODEC
    }

    #[cfg(feature = "live")]
    fn live(&self) -> Option<&dyn crate::psp::LivePsp> {
        Some(self)
    }
}
