//! threeds-bridge: one normalized 3-D Secure authentication model behind adapters for
//! Checkout.com Standalone Sessions, Paysafe 3D Secure 2, Mangopay card pay-ins with
//! SecureMode, and PXP Unity 3DS.
//!
//! * [`model`]: the normalized authentication and its one status enum;
//! * [`normalize`]: PSP documents to the model (detection, the draft every PSP fills in);
//! * [`psp`]: the PSP registry, and each PSP's own code in `psp::<name>`;
//! * [`liability`]: liability-shift rule tables per network;
//! * [`catalog`]: PSP code catalogs (data in the provider crates);
//! * [`request`] and [`translate`]: the normalized request and PSP-to-PSP translation;
//! * [`reconcile`]: a merchant's ledger against the PSPs' records;
//! * [`export`]: a normalized authentication's result as another PSP's external-3DS fields;
//! * `flow` (feature `live`): live flows, one async interface over every PSP's API;
//! * `router` (feature `router`): several PSP accounts behind one flow, with failover;
//! * `sandbox` (feature `sandbox`): every PSP's simulator on one loopback listener;
//! * [`browser`]: `threeds.js`, the browser helper that performs `next_action`.
//! * `store` (feature `store`): the service's durable store on SQLite or PostgreSQL.
//! * `parquet` (feature `parquet`): Parquet output of normalized documents and findings.
//!
//! Features: `default-features = false` is the offline core (normalize, translate,
//! liability, catalogs); `live` adds the HTTP clients and flows, `sandbox` the simulators,
//! `cli` (the default) the `threeds-bridge` binary.

//!
//! The command line and the contract are described in the repository's `README.md` and
//! `docs/contract.md`; the model's rustdoc ([`model`]) says what every value means.
//!
//! # Quick tour
//!
//! **Normalize** a PSP document (here Paysafe's published frictionless answer, shortened):
//! the PSP is detected from its shape, and the outcome comes out in the one vocabulary.
//!
//! ```
//! use threeds_bridge::model::{AuthenticationStatus, NextStep};
//! use threeds_bridge::{normalize_text, Catalog, Context};
//!
//! let catalog = Catalog::builtin()?;
//! let document = r#"{
//!     "id": "123e4567-e89b-12d3-a456-4266554456745",
//!     "cavv": "BwAQATkhGAEAABVIFSEYEGkybeU=",
//!     "eci": 5,
//!     "status": "COMPLETED",
//!     "threeDResult": "Y",
//!     "txnTime": "2019-01-21T16:28:17.735Z",
//!     "amount": 123,
//!     "currency": "EUR",
//!     "merchantRefNum": "Ref-1234",
//!     "threeDSecureVersion": "2.1.0"
//! }"#;
//! let normalized = normalize_text(document, None, &Context::new(&catalog))?;
//! let auth = normalized.authentication;
//! println!("{} {:?} {}", auth.status, auth.liability_shift, auth.next_step);
//! assert_eq!(auth.provider.as_str(), "paysafe");
//! assert_eq!(auth.status, AuthenticationStatus::Authenticated);
//! assert_eq!(auth.next_step, NextStep::Authorize);
//! // ECI 05 means "authenticated" at every network, so liability shifts to the issuer
//! // even though the answer names no network.
//! assert_eq!(auth.liability_shift, Some(true));
//! // The CAVV is a secret: serialized output redacts it.
//! let json = serde_json::to_string(&auth)?;
//! assert!(json.contains(r#""authentication_value":"[redacted]""#));
//! assert!(!json.contains("BwAQATkhGAEAABVIFSEYEGkybeU="));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! **Translate** one PSP's authentication request into another's. What the target cannot
//! carry is listed, never silently lost, and card numbers stay masked unless revealed.
//!
//! ```
//! use threeds_bridge::model::Provider;
//! use threeds_bridge::translate::translate;
//!
//! let checkout = serde_json::json!({
//!     "source": {"type": "card", "number": "4485040371536584", "expiry_month": 1, "expiry_year": 2030},
//!     "amount": 100,
//!     "currency": "USD",
//!     "reference": "ORD-5023-4E89",
//!     "processing_channel_id": "pc_zs5fqhybzc2e3jmq3efvybybpq",
//!     "completion": {"type": "non_hosted", "callback_url": "https://example.com/sessions/callback"}
//! });
//! let translation = translate(&checkout, Provider::CHECKOUT, Provider::PAYSAFE, &[])?;
//! let paysafe = translation.rendered(false)?;
//! assert_eq!(paysafe["amount"], 100);
//! assert_eq!(paysafe["currency"], "USD");
//! assert_eq!(paysafe["merchantRefNum"], "ORD-5023-4E89");
//! assert!(!paysafe.to_string().contains("4485040371536584"));
//! // The normalized request has no processing channel: the translation says so.
//! assert!(translation.dropped.iter().any(|d| d.path == "processing_channel_id"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! **Decide liability** from authentication facts. The answer names the rule that gave it.
//!
//! ```
//! use threeds_bridge::liability::{decide, LiabilityFacts};
//! use threeds_bridge::model::{Eci, Network, TransStatus};
//!
//! let visa_y = LiabilityFacts {
//!     network: Some(Network::Visa),
//!     protocol_version: Some("2.2.0".into()),
//!     trans_status: Some(TransStatus::Y),
//!     eci: Eci::parse("05"),
//!     authentication_value_present: Some(true),
//!     ..Default::default()
//! };
//! let decision = decide(&visa_y);
//! assert_eq!(decision.liability_shift, Some(true));
//! assert_eq!(decision.rule, "visa.v2.y");
//!
//! // Visa shifts liability for Y only with a CAVV.
//! let without_cavv = LiabilityFacts { authentication_value_present: Some(false), ..visa_y };
//! assert_eq!(decide(&without_cavv).liability_shift, Some(false));
//! ```
//!
//! **Run a flow** against the in-process sandbox (feature `sandbox`): the registry gives the
//! PSP, its sandbox account and a flow over it. A Mangopay frictionless card pays in one
//! call, so `start` already returns the final outcome.
//!
//! ```
//! # #[cfg(feature = "sandbox")]
//! # fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
//! use std::sync::Arc;
//! use threeds_bridge::model::{AuthenticationStatus, NextStep};
//! use threeds_bridge::request::{AuthenticationRequest, Browser, Card, Urls};
//! use threeds_bridge::sandbox::{start, SandboxOptions};
//! use threeds_wire::{CardNumber, Secret};
//!
//! let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
//! runtime.block_on(async {
//!     let sandbox = start(SandboxOptions::default()).await?;
//!     let psp = threeds_bridge::psp::find("mangopay").ok_or("not registered")?;
//!     let live = psp.live().ok_or("no live flow")?;
//!     let account = live
//!         .sandbox_account(&sandbox.base("mangopay"))
//!         .ok_or("no sandbox account")?;
//!     let flow = live.flow(&account, Arc::new(threeds_bridge::Catalog::builtin()?))?;
//!     let request = AuthenticationRequest {
//!         amount: Some(100),
//!         currency: Some("EUR".into()),
//!         reference: Some("order-1".into()),
//!         card: Some(Card {
//!             // Mangopay's sandbox card for a frictionless authentication.
//!             number: Some(CardNumber::new("4970107111111119")),
//!             expiry_month: Some(12),
//!             expiry_year: Some(2039),
//!             holder_name: Some("Alex Smith".into()),
//!             cvv: Some(Secret::new("123")),
//!             preferred_network: None,
//!         }),
//!         browser: Some(Browser {
//!             accept_header: Some("text/html".into()),
//!             java_enabled: Some(false),
//!             javascript_enabled: Some(true),
//!             language: Some("en-US".into()),
//!             color_depth: Some(24),
//!             screen_height: Some(900),
//!             screen_width: Some(1440),
//!             timezone_offset_minutes: Some(-60),
//!             user_agent: Some("Mozilla/5.0 (X11; Linux x86_64)".into()),
//!             ip_address: Some("203.0.113.7".into()),
//!         }),
//!         urls: Urls {
//!             return_url: Some("https://merchant.example/mangopay/return".into()),
//!             ..Default::default()
//!         },
//!         ..Default::default()
//!     };
//!     let step = flow.start(&request).await;
//!     let auth = step.authentication();
//!     assert_eq!(auth.status, AuthenticationStatus::Authenticated);
//!     // Mangopay authorized in the same call: nothing is left to authorize.
//!     assert_eq!(auth.next_step, NextStep::None);
//!     sandbox.shutdown().await;
//!     Ok::<(), Box<dyn std::error::Error + Send + Sync>>(())
//! })?;
//! # Ok(())
//! # }
//! # #[cfg(not(feature = "sandbox"))]
//! # fn main() {}
//! ```

pub mod browser;
pub mod catalog;
#[cfg(feature = "cli")]
#[doc(hidden)]
pub mod cli;
#[cfg(feature = "demo")]
#[doc(hidden)]
pub mod demo;
pub mod docs;
pub mod export;
#[cfg(feature = "live")]
pub mod flow;
pub mod liability;
pub mod model;
pub mod normalize;
pub mod output;
#[cfg(feature = "parquet")]
pub mod parquet;
pub mod psp;
pub mod reconcile;
pub mod report;
pub mod request;
#[cfg(feature = "router")]
pub mod router;
#[cfg(feature = "sandbox")]
pub mod sandbox;
#[cfg(feature = "service")]
pub mod service;
#[cfg(all(feature = "demo", feature = "router"))]
pub mod simulate;
#[cfg(feature = "store")]
pub mod store;
pub mod translate;

pub use catalog::Catalog;
pub use normalize::{normalize_text, normalize_value, Context, NormalizeError, Normalized};
