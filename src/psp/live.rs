//! The live side of a PSP: its flow, its simulator and its demo.

use crate::catalog::Catalog;
use crate::flow::{Account, AccountError, AuthenticationFlow};
use std::sync::Arc;

/// A PSP that can be called: [`super::Psp::live`] returns it.
#[async_trait::async_trait]
pub trait LivePsp: Send + Sync {
    /// The credentials an [`Account`] of this PSP holds, by name; the router's config
    /// names one environment variable per credential (`<name>_env`).
    fn credentials(&self) -> &'static [&'static str];

    /// The non-secret settings an account may carry, by name.
    fn settings(&self) -> &'static [&'static str];

    /// A flow over `account`, sharing `catalog` (so `--codes` overrides reach it).
    fn flow(
        &self,
        account: &Account,
        catalog: Arc<Catalog>,
    ) -> Result<Box<dyn AuthenticationFlow>, AccountError>;

    /// The PSP's simulator for the local sandbox.
    #[cfg(feature = "sandbox")]
    fn simulator(
        &self,
        settings: threeds_wire::sandbox::SimSettings,
    ) -> Option<Arc<dyn threeds_wire::sandbox::Simulator>> {
        let _ = settings;
        None
    }

    /// An account with the simulator's test credentials, against the simulator at `base`
    /// (`http://ADDR/<provider>`).
    #[cfg(feature = "sandbox")]
    fn sandbox_account(&self, base: &str) -> Option<Account> {
        let _ = base;
        None
    }

    /// The demo's scenarios for this PSP, run against the sandbox.
    #[cfg(feature = "demo")]
    #[doc(hidden)]
    async fn demo(
        &self,
        sandbox: &crate::sandbox::RunningSandbox,
        receiver: &crate::demo::merchant::Receiver,
        catalog: Arc<Catalog>,
    ) -> Option<Result<crate::demo::setup::Demo, crate::demo::DemoError>> {
        let _ = (sandbox, receiver, catalog);
        None
    }
}
