//! threeds-bridge: one normalized 3-D Secure authentication model behind adapters for
//! Checkout.com Standalone Sessions, Paysafe 3D Secure 2, Mangopay card pay-ins with
//! SecureMode, and PXP Unity 3DS.
//!
//! * [`model`]: the normalized authentication and its one status enum;
//! * [`adapters`]: PSP documents to the model;
//! * [`liability`]: liability-shift rule tables per network;
//! * [`catalog`]: PSP code catalogs (data in the provider crates);
//! * [`request`] and [`translate`]: the normalized request and PSP-to-PSP translation;
//! * [`cli`]: the `threeds-bridge` command line.

pub mod adapters;
pub mod catalog;
pub mod cli;
pub mod docs;
pub mod liability;
pub mod model;
pub mod output;
pub mod request;
pub mod translate;

pub use adapters::{normalize_text, normalize_value, Context, NormalizeError, Normalized};
pub use catalog::Catalog;
