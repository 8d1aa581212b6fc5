//! A local simulator of the Checkout API (feature `sandbox`).
//!
//! PLACEHOLDER: replaced by the real simulator in this work.

use threeds_wire::sandbox::{SimSettings, Simulator};

/// The simulated Checkout API.
#[derive(Debug, Clone)]
pub struct CheckoutSimulator {
    settings: SimSettings,
}

impl CheckoutSimulator {
    pub fn new(settings: SimSettings) -> Self {
        Self { settings }
    }
}

impl Simulator for CheckoutSimulator {
    fn name(&self) -> &'static str {
        "checkout"
    }

    fn router(&self) -> axum::Router {
        axum::Router::new()
    }

    fn banner(&self) -> Vec<(String, String)> {
        vec![("base URL".into(), self.settings.url("/"))]
    }

    fn sweep(&self) {}
}
