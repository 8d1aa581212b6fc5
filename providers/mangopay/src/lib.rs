//! Mangopay card pay-in bindings for threeds-bridge: the Direct Card PayIn request, the
//! pay-in object (Direct and Web), the API error body, the hook query string, and the
//! ResultCode catalog.
//!
//! Mangopay authenticates with 3-D Secure *inside* the pay-in: there is no separate
//! authentication object and no EMV data (no transStatus, ECI, CAVV or protocol ids) on the
//! pay-in (docs.mangopay.com/api-reference/direct-card-payins/direct-card-payin-object). Everything a caller learns about 3DS comes from `Status`,
//! `ResultCode`, `SecureModeNeeded`, `SecureModeRedirectURL` and `Applied3DSVersion`.
//!
//! Field names follow Mangopay's PascalCase JSON exactly (including its spellings:
//! `RessourceId` in hooks, `SecureModeReturnURL`). Response types make every field optional:
//! Mangopay's own examples omit fields (the 2015 SDK mock has no `Applied3DSVersion`, Web
//! pay-ins have no `SecureModeNeeded`).

#[cfg(feature = "client")]
pub mod client;
pub mod common;
pub mod error;
pub mod hook;
pub mod payin;
pub mod request;

pub use common::{
    Address, BillingOrShipping, BrowserInfo, CardNetwork, Money, PaymentCategory, SecureMode,
    ThreeDsVersion,
};
pub use error::{ApiError, ErrorType, OAuthError};
pub use hook::{percent_decode, HookQuery, HookQueryError};
pub use payin::{
    AvsResult, CardInfo, ExecutionType, Nature, PayIn, PayInStatus, PaymentType, SecurityInfo,
    TransactionType, WebCardType,
};
pub use request::DirectCardPayInRequest;

/// The code catalog: see `threeds_wire::catalog` for the format.
pub const CATALOG_CSV: &str = include_str!("../catalog.csv");

#[cfg(feature = "sandbox")]
pub mod sandbox;
