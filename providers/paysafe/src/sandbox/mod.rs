//! A local simulator of the Paysafe API (feature `sandbox`).
//!
//! PLACEHOLDER: replaced by the real simulator in this work.

use threeds_wire::sandbox::{SimSettings, Simulator};

/// The simulated Paysafe API.
#[derive(Debug, Clone)]
pub struct PaysafeSimulator {
    settings: SimSettings,
}

impl PaysafeSimulator {
    pub fn new(settings: SimSettings) -> Self {
        Self { settings }
    }
}

impl Simulator for PaysafeSimulator {
    fn name(&self) -> &'static str {
        "paysafe"
    }

    fn router(&self) -> axum::Router {
        axum::Router::new()
    }

    fn banner(&self) -> Vec<(String, String)> {
        vec![("base URL".into(), self.settings.url("/"))]
    }

    fn sweep(&self) {}
}
