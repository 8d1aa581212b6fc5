//! Stripe Payment Intents: `payment_method_options.card.three_d_secure`, the 3D Secure
//! import of a result obtained elsewhere.
//!
//! Fields and values: Stripe API reference, Create a PaymentIntent,
//! `payment_method_options.card.three_d_secure` (as generated into `stripe/stripe-ruby`
//! `Stripe::PaymentIntentCreateParams::PaymentMethodOptions::Card::ThreeDSecure`), and the
//! guide "Import 3D Secure results" (https://docs.stripe.com/payments/payment-intents/three-d-secure-import):
//! `cryptogram`; `electronic_commerce_indicator` one of 01, 02, 05, 06, 07;
//! `transaction_id` "For 3D Secure 1, the XID. For 3D Secure 2, the Directory Server
//! Transaction ID (dsTransID)"; `version` one of 1.0.2, 2.1.0, 2.2.0 and, since the
//! 2026-01-28 API version, 2.3.0 and 2.3.1 (Stripe changelog "Adds support for 3D Secure
//! versions 2.3.0 and 2.3.1"); `ares_trans_status` "The transStatus returned from the card
//! Issuer's ACS in the ARes", one of A, C, I, N, R, U, Y, written only when known. There is
//! no field for the 3DS Server's transaction id.

use super::validate::{ares_status, Check, Facts, Failure};
use crate::model::Authentication;
use serde::Serialize;
use threeds_wire::{excerpt, Secret};

/// The ECIs Stripe accepts.
const ECIS: &[&str] = &["01", "02", "05", "06", "07"];

/// The versions Stripe accepts.
const VERSIONS: &[&str] = &["1.0.2", "2.1.0", "2.2.0", "2.3.0", "2.3.1"];

/// `{"payment_method_options": {"card": {"three_d_secure": {...}}}}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Request {
    pub payment_method_options: PaymentMethodOptions,
}

/// `payment_method_options`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PaymentMethodOptions {
    pub card: Card,
}

/// `payment_method_options.card`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Card {
    pub three_d_secure: ThreeDSecure,
}

/// `payment_method_options.card.three_d_secure`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThreeDSecure {
    /// The ARes transStatus, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ares_trans_status: Option<String>,
    /// The CAVV / AAV, base64.
    pub cryptogram: Secret,
    /// Two digits.
    pub electronic_commerce_indicator: String,
    /// The DS transaction id.
    pub transaction_id: String,
    /// The protocol version.
    pub version: String,
}

/// Stripe's enumerations for the ECI and the version.
pub fn check(auth: &Authentication, failures: &mut Vec<Failure>) {
    if let Some(eci) = auth.eci.as_ref().filter(|e| !ECIS.contains(&e.as_str())) {
        failures.push(Failure::new(
            Check::Format,
            format!(
                "stripe electronic_commerce_indicator is one of {}; ECI {} is not",
                ECIS.join(", "),
                excerpt(eci.as_str())
            ),
        ));
    }
    if let Some(v) = auth
        .protocol_version
        .as_deref()
        .filter(|v| v.starts_with("2.") && !VERSIONS.contains(v))
    {
        failures.push(Failure::new(
            Check::Format,
            format!(
                "stripe version is one of {}; {} is not",
                VERSIONS.join(", "),
                excerpt(v)
            ),
        ));
    }
}

/// The `three_d_secure` object, nested in `payment_method_options.card`.
pub fn build(auth: &Authentication, facts: &Facts<'_>) -> Request {
    Request {
        payment_method_options: PaymentMethodOptions {
            card: Card {
                three_d_secure: ThreeDSecure {
                    ares_trans_status: ares_status(auth),
                    cryptogram: facts.value.clone(),
                    electronic_commerce_indicator: facts.eci.as_str().to_owned(),
                    transaction_id: facts.ds_trans_id.to_owned(),
                    version: facts.version.to_owned(),
                },
            },
        },
    }
}
