//! PXP accounts, its simulator and its demo.

use super::flow::{PxpFlow, PxpFlowConfig};
use super::Pxp;
use crate::catalog::Catalog;
use crate::flow::{Account, AccountError, AuthenticationFlow};
use crate::psp::LivePsp;
use std::sync::Arc;
use threeds_pxp::client::{Config, Environment};

const CLIENT_ID: &str = "client_id";
const TOKEN_ID: &str = "token_id";
const TOKEN_VALUE: &str = "token_value";
const WEBHOOK_KEY: &str = "webhook_key";
const MERCHANT_GROUP: &str = "merchant_group";
const ACQUIRER_PROFILE_ID: &str = "acquirer_profile_id";
const ACQUIRER_MERCHANT_ID: &str = "acquirer_merchant_id";
const CHALLENGE_WINDOW_SIZE: &str = "challenge_window_size";

#[async_trait::async_trait]
impl LivePsp for Pxp {
    fn credentials(&self) -> &'static [&'static str] {
        &[CLIENT_ID, TOKEN_ID, TOKEN_VALUE, WEBHOOK_KEY]
    }

    fn settings(&self) -> &'static [&'static str] {
        &[
            MERCHANT_GROUP,
            ACQUIRER_PROFILE_ID,
            ACQUIRER_MERCHANT_ID,
            CHALLENGE_WINDOW_SIZE,
        ]
    }

    fn flow(
        &self,
        account: &Account,
        catalog: Arc<Catalog>,
    ) -> Result<Box<dyn AuthenticationFlow>, AccountError> {
        account.check_names(self.credentials(), self.settings())?;
        let config = PxpFlowConfig {
            client: Config {
                environment: Environment::Custom(account.base_url.trim_end_matches('/').to_owned()),
                client_id: account.required_credential(CLIENT_ID)?.expose().to_owned(),
                token_id: account.required_credential(TOKEN_ID)?.expose().to_owned(),
                token_value: account.required_credential(TOKEN_VALUE)?,
                http: account.http.clone(),
            },
            merchant_group: account.required_setting(MERCHANT_GROUP)?.to_owned(),
            acquirer_profile_id: account.required_setting(ACQUIRER_PROFILE_ID)?.to_owned(),
            acquirer_merchant_id: account
                .optional_setting(ACQUIRER_MERCHANT_ID)
                .map(Into::into),
            challenge_window_size: account.parsed_setting::<i64>(CHALLENGE_WINDOW_SIZE)?,
            webhook_key: account.optional_credential(WEBHOOK_KEY),
        };
        let flow = PxpFlow::new(config, catalog).map_err(|e| account.client_error(e))?;
        Ok(Box::new(flow))
    }

    #[cfg(feature = "sandbox")]
    fn simulator(
        &self,
        settings: threeds_wire::sandbox::SimSettings,
    ) -> Option<Arc<dyn threeds_wire::sandbox::Simulator>> {
        Some(Arc::new(threeds_pxp::sandbox::PxpSimulator::new(settings)))
    }

    /// The simulator's API is under `/api/v1` of its prefix.
    #[cfg(feature = "sandbox")]
    fn sandbox_account(&self, base: &str) -> Option<Account> {
        use threeds_pxp::sandbox as sim;
        use threeds_wire::Secret;
        let api = format!("{}/api/v1", base.trim_end_matches('/'));
        Some(
            Account::new("pxp-sandbox", super::Provider::PXP, api)
                .credential(CLIENT_ID, Secret::new(sim::CLIENT_ID))
                .credential(TOKEN_ID, Secret::new(sim::TOKEN_ID))
                .credential(TOKEN_VALUE, Secret::new(sim::TOKEN_VALUE))
                .credential(WEBHOOK_KEY, Secret::new(sim::WEBHOOK_HMAC_KEY))
                .setting(MERCHANT_GROUP, sim::MERCHANT_GROUP)
                .setting(ACQUIRER_PROFILE_ID, sim::ACQUIRER_PROFILE_ID)
                .setting(ACQUIRER_MERCHANT_ID, "DEMO_MERCHANT_001")
                .setting(CHALLENGE_WINDOW_SIZE, "3"),
        )
    }

    #[cfg(feature = "demo")]
    async fn demo(
        &self,
        sandbox: &crate::sandbox::RunningSandbox,
        _receiver: &crate::demo::merchant::Receiver,
        catalog: Arc<Catalog>,
    ) -> Option<Result<crate::demo::setup::Demo, crate::demo::DemoError>> {
        use crate::demo::setup::{cardholder, request, scenario, Demo};
        let pass = threeds_pxp::sandbox::CHALLENGE_PASSWORD;
        let scenarios = vec![
            scenario(
                "frictionless",
                request("4444000000000014", 2999, "EUR"),
                None,
            ),
            scenario(
                "challenge passed",
                request("4444000000000063", 2999, "EUR"),
                cardholder(pass, "submit"),
            ),
            scenario(
                "challenge failed",
                request("4444000000000063", 2999, "EUR"),
                cardholder("wrong-password", "submit"),
            ),
            scenario(
                "frictionless failure",
                request("4444000000000030", 2999, "EUR"),
                None,
            ),
        ];
        Some(Demo::for_sandbox(self, sandbox, catalog, scenarios))
    }
}
