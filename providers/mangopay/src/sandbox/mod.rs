//! A local simulator of the Mangopay API (feature `sandbox`).
//!
//! PLACEHOLDER: replaced by the real simulator in this work.

use threeds_wire::sandbox::{SimSettings, Simulator};

/// The simulated Mangopay API.
#[derive(Debug, Clone)]
pub struct MangopaySimulator {
    settings: SimSettings,
}

impl MangopaySimulator {
    pub fn new(settings: SimSettings) -> Self {
        Self { settings }
    }
}

impl Simulator for MangopaySimulator {
    fn name(&self) -> &'static str {
        "mangopay"
    }

    fn router(&self) -> axum::Router {
        axum::Router::new()
    }

    fn banner(&self) -> Vec<(String, String)> {
        vec![("base URL".into(), self.settings.url("/"))]
    }

    fn sweep(&self) {}
}
