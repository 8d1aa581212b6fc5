//! Mangopay accounts, its simulator and its demo.

use super::flow::{MangopayFlow, Payer};
use super::Mangopay;
use crate::catalog::Catalog;
use crate::flow::{Account, AccountError, AuthenticationFlow};
use crate::psp::LivePsp;
use std::sync::Arc;
use threeds_mangopay::client::{Client, Config, Environment};

const CLIENT_ID: &str = "client_id";
const API_KEY: &str = "api_key";
/// The pay-in's `AuthorId`: the platform user who pays.
const AUTHOR_ID: &str = "author_id";
/// The pay-in's `CreditedWalletId`, in the payment's currency.
const CREDITED_WALLET_ID: &str = "credited_wallet_id";
/// The platform's fees per pay-in in minor units (0 when absent).
const FEES: &str = "fees";

#[async_trait::async_trait]
impl LivePsp for Mangopay {
    fn credentials(&self) -> &'static [&'static str] {
        &[CLIENT_ID, API_KEY]
    }

    fn settings(&self) -> &'static [&'static str] {
        &[AUTHOR_ID, CREDITED_WALLET_ID, FEES]
    }

    fn flow(
        &self,
        account: &Account,
        catalog: Arc<Catalog>,
    ) -> Result<Box<dyn AuthenticationFlow>, AccountError> {
        account.check_names(self.credentials(), self.settings())?;
        let client_id = account.required_credential(CLIENT_ID)?;
        let mut config = Config::new(
            client_id.expose(),
            account.required_credential(API_KEY)?,
            Environment::Custom(account.base_url.trim_end_matches('/').to_owned()),
        );
        config.http = account.http.clone();
        let payer = Payer {
            author_id: account.required_setting(AUTHOR_ID)?.to_owned(),
            credited_wallet_id: account.required_setting(CREDITED_WALLET_ID)?.to_owned(),
            fees: account.parsed_setting::<u64>(FEES)?.unwrap_or(0),
        };
        let client = Client::new(config).map_err(|e| account.client_error(e))?;
        Ok(Box::new(MangopayFlow::new(client, catalog, payer)))
    }

    #[cfg(feature = "sandbox")]
    fn simulator(
        &self,
        settings: threeds_wire::sandbox::SimSettings,
    ) -> Option<Arc<dyn threeds_wire::sandbox::Simulator>> {
        Some(Arc::new(threeds_mangopay::sandbox::MangopaySimulator::new(
            settings,
        )))
    }

    /// Pays from the simulator's seeded payer into its seeded EUR wallet without fees.
    #[cfg(feature = "sandbox")]
    fn sandbox_account(&self, base: &str) -> Option<Account> {
        use threeds_mangopay::sandbox as sim;
        use threeds_wire::Secret;
        Some(
            Account::new("mangopay-sandbox", super::Provider::MANGOPAY, base)
                .credential(CLIENT_ID, Secret::new(sim::SANDBOX_CLIENT_ID))
                .credential(API_KEY, Secret::new(sim::SANDBOX_API_KEY))
                .setting(AUTHOR_ID, sim::SEEDED_USER_ID)
                .setting(CREDITED_WALLET_ID, sim::SEEDED_WALLET_ID),
        )
    }

    /// A card registration, then the pay-in. The challenge page has no password; the
    /// cardholder presses `authenticate` or a refusal.
    #[cfg(feature = "demo")]
    async fn demo(
        &self,
        sandbox: &crate::sandbox::RunningSandbox,
        _receiver: &crate::demo::merchant::Receiver,
        catalog: Arc<Catalog>,
    ) -> Option<Result<crate::demo::setup::Demo, crate::demo::DemoError>> {
        use crate::demo::setup::{cardholder, request, scenario, Demo};
        let eur = |pan: &str| request(pan, 1000, "EUR");
        let scenarios = vec![
            scenario("frictionless", eur("4970107111111119"), None),
            scenario(
                "challenge passed",
                eur("4970105181818183"),
                cardholder("", "authenticate"),
            ),
            scenario(
                "challenge failed",
                eur("4970105181818183"),
                cardholder("", "no"),
            ),
        ];
        Some(Demo::for_sandbox(self, sandbox, catalog, scenarios))
    }
}
