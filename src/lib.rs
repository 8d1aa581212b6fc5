//! threeds-bridge: one normalized 3-D Secure authentication model behind adapters for
//! Checkout.com Standalone Sessions, Paysafe 3D Secure 2, Mangopay card pay-ins with
//! SecureMode, and PXP Unity 3DS.
//!
//! * [`model`]: the normalized authentication and its one status enum;
//! * [`adapters`]: PSP documents to the model;
//! * [`liability`]: liability-shift rule tables per network;
//! * [`catalog`]: PSP code catalogs (data in the provider crates);
//! * [`request`] and [`translate`]: the normalized request and PSP-to-PSP translation;
//! * [`sandbox`]: the local simulators of the four PSP APIs on one listener;
//! * [`flow`]: live flows, one async interface over the four PSPs' APIs;
//! * [`cli`]: the `threeds-bridge` command line.

pub mod catalog;
#[cfg(feature = "cli")]
#[doc(hidden)]
pub mod cli;
#[cfg(feature = "demo")]
#[doc(hidden)]
pub mod demo;
pub mod docs;
#[cfg(feature = "live")]
pub mod flow;
pub mod liability;
pub mod model;
pub mod normalize;
pub mod output;
pub mod psp;
pub mod request;
#[cfg(feature = "sandbox")]
pub mod sandbox;
pub mod translate;

pub use catalog::Catalog;
pub use normalize::{normalize_text, normalize_value, Context, NormalizeError, Normalized};
