//! Typed bindings for PXP Unity's 3D Secure authentication service
//! (`https://developer.pxp.io/guides/3ds`, API "3D Secure authentication service API 1.0.0").
//!
//! PXP authenticates in two calls plus a read:
//! 1. *pre-initiate* (`POST /v1/threedsecure/{standalone|integrated}/authentications`):
//!    card and amount in, [`response::Authentication`] with `authenticationId`, state
//!    `PendingClientData` and the 3DS Method ("fingerprint") URL and data out;
//! 2. *initiate* (`PUT .../authentications/{authenticationId}/browser-authentication`):
//!    browser and merchant data in, the authentication (frictionless result or
//!    `PendingCustomerChallenge`) out;
//! 3. *get* (`GET .../authentications/{authenticationId}`): the authentication.
//!
//! Webhooks wrap events in one envelope ([`webhook::WebhookEvent`]).
//!
//! Only part of PXP's documentation could be read (see the PXP sources in `docs/sources.md`): field
//! names that were not seen in a PXP document are marked *unconfirmed* on the field; they are
//! accepted when present and never required.

pub mod amount;
#[cfg(feature = "client")]
pub mod client;
pub mod country;
pub mod fingerprint;
pub mod request;
pub mod response;
pub mod webhook;

pub use amount::MajorAmount;

/// The code catalog: see `threeds_wire::catalog` for the format.
pub const CATALOG_CSV: &str = include_str!("../catalog.csv");

#[cfg(feature = "sandbox")]
pub mod sandbox;
