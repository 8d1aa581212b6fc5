//! Typed bindings for the Paysafe 3D Secure 2 API (`/threedsecure/v2`).
//!
//! * [`request`]: `POST /threedsecure/v2/accounts/{account_id}/authentications`, with
//!   validation against every documented limit;
//! * [`response`]: the `authentication` object (POST and GET, including the 3DS 1.0.2
//!   fallback fields) and the error bodies;
//! * [`sdk`]: the mobile SDK JWT and finalize bodies;
//! * [`client`]: the HTTP client (Basic auth, one method per endpoint);
//! * [`enums`]: every enumerated value, as open enums;
//! * [`CATALOG_CSV`]: what each status, result, reason and error code means.
//!
//! Source of truth: Paysafe's Apiary blueprint (`paysafegroup/paysafe_api_3dsecure_v2`,
//! 2022-03-14), the developer-portal pages and Paysafe's 2024 mobile SDKs, as listed in
//! `docs/sources.md`. The 3DS server behind Paysafe is CardinalCommerce.

#[cfg(feature = "client")]
pub mod client;
pub mod enums;
pub mod request;
pub mod response;
pub mod sdk;

pub use enums::*;
pub use request::AuthenticationRequest;
pub use response::{Authentication, ErrorBody, ErrorObject, FieldError};

/// The code catalog: see `threeds_wire::catalog` for the format.
pub const CATALOG_CSV: &str = include_str!("../catalog.csv");

/// API hosts (Paysafe 3D Secure 2 API blueprint).
pub const TEST_BASE_URL: &str = "https://api.test.paysafe.com";
pub const PRODUCTION_BASE_URL: &str = "https://api.paysafe.com";

/// The path of the authentication endpoint for an account.
pub fn authentications_path(account_id: &str) -> String {
    format!("/threedsecure/v2/accounts/{account_id}/authentications")
}

#[cfg(feature = "sandbox")]
pub mod sandbox;
