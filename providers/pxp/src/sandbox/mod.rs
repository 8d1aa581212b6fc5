//! A local simulator of the PXP API (feature `sandbox`).
//!
//! PLACEHOLDER: replaced by the real simulator in this work.

use threeds_wire::sandbox::{SimSettings, Simulator};

/// The simulated PXP API.
#[derive(Debug, Clone)]
pub struct PxpSimulator {
    settings: SimSettings,
}

impl PxpSimulator {
    pub fn new(settings: SimSettings) -> Self {
        Self { settings }
    }
}

impl Simulator for PxpSimulator {
    fn name(&self) -> &'static str {
        "pxp"
    }

    fn router(&self) -> axum::Router {
        axum::Router::new()
    }

    fn banner(&self) -> Vec<(String, String)> {
        vec![("base URL".into(), self.settings.url("/"))]
    }

    fn sweep(&self) {}
}
