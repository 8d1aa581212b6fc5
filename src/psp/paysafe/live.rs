//! Paysafe accounts, its simulator and its demo.

use super::flow::{KeyEncoding, PaysafeFlow};
use super::Paysafe;
use crate::catalog::Catalog;
use crate::flow::{Account, AccountError, AuthenticationFlow};
use crate::psp::LivePsp;
use std::sync::Arc;
use threeds_paysafe::client::{Client, Config, Environment};

const API_KEY_USER: &str = "api_key_user";
const API_KEY_PASSWORD: &str = "api_key_password";
const WEBHOOK_KEY: &str = "webhook_key";
const ACCOUNT_ID: &str = "account_id";
/// `raw` (the key's text is the key) or `base64` (decode it first): Paysafe's APIs differ.
const WEBHOOK_KEY_ENCODING: &str = "webhook_key_encoding";

/// The typed flow over `account` (the demo needs its client for the device-data JWT).
fn paysafe_flow(account: &Account, catalog: Arc<Catalog>) -> Result<PaysafeFlow, AccountError> {
    account.check_names(Paysafe.credentials(), Paysafe.settings())?;
    let user = account.required_credential(API_KEY_USER)?;
    let password = account.required_credential(API_KEY_PASSWORD)?;
    let mut config = Config::new(
        user.expose(),
        password.expose(),
        account.required_setting(ACCOUNT_ID)?,
        Environment::Custom(account.base_url.trim_end_matches('/').to_owned()),
    );
    config.http = account.http.clone();
    let client = Client::new(config).map_err(|e| account.client_error(e))?;
    let mut flow = PaysafeFlow::new(client, catalog);
    if let Some(key) = account.optional_credential(WEBHOOK_KEY) {
        let encoding = match account.optional_setting(WEBHOOK_KEY_ENCODING) {
            None | Some("raw") => KeyEncoding::Raw,
            Some("base64") => KeyEncoding::Base64,
            Some(other) => {
                return Err(account.bad_setting(
                    WEBHOOK_KEY_ENCODING,
                    format!(
                        "'{}' is neither raw nor base64",
                        threeds_wire::excerpt(other)
                    ),
                ))
            }
        };
        flow = flow.with_webhook_key(key, encoding);
    }
    Ok(flow)
}

#[async_trait::async_trait]
impl LivePsp for Paysafe {
    fn credentials(&self) -> &'static [&'static str] {
        &[API_KEY_USER, API_KEY_PASSWORD, WEBHOOK_KEY]
    }

    fn settings(&self) -> &'static [&'static str] {
        &[ACCOUNT_ID, WEBHOOK_KEY_ENCODING]
    }

    fn flow(
        &self,
        account: &Account,
        catalog: Arc<Catalog>,
    ) -> Result<Box<dyn AuthenticationFlow>, AccountError> {
        Ok(Box::new(paysafe_flow(account, catalog)?))
    }

    #[cfg(feature = "sandbox")]
    fn simulator(
        &self,
        settings: threeds_wire::sandbox::SimSettings,
    ) -> Option<Arc<dyn threeds_wire::sandbox::Simulator>> {
        Some(Arc::new(threeds_paysafe::sandbox::PaysafeSimulator::new(
            settings,
        )))
    }

    #[cfg(feature = "sandbox")]
    fn sandbox_account(&self, base: &str) -> Option<Account> {
        use threeds_paysafe::sandbox as sim;
        use threeds_wire::Secret;
        Some(
            Account::new("paysafe-sandbox", super::Provider::PAYSAFE, base)
                .credential(API_KEY_USER, Secret::new(sim::API_KEY_USER))
                .credential(API_KEY_PASSWORD, Secret::new(sim::API_KEY_PASSWORD))
                .setting(ACCOUNT_ID, sim::ACCOUNT_ID),
        )
    }

    /// Each request first gets a `deviceFingerprintingId` the way Paysafe's JS SDK
    /// `start()` does in the browser (`POST /threedsecure/v2/jwt`).
    #[cfg(feature = "demo")]
    async fn demo(
        &self,
        sandbox: &crate::sandbox::RunningSandbox,
        _receiver: &crate::demo::merchant::Receiver,
        catalog: Arc<Catalog>,
    ) -> Option<Result<crate::demo::setup::Demo, crate::demo::DemoError>> {
        Some(demo(self, sandbox, catalog).await)
    }
}

#[cfg(feature = "demo")]
async fn demo(
    psp: &Paysafe,
    sandbox: &crate::sandbox::RunningSandbox,
    catalog: Arc<Catalog>,
) -> Result<crate::demo::setup::Demo, crate::demo::DemoError> {
    use crate::demo::setup::{cardholder, request, sandbox_account, scenario, Demo};
    use crate::demo::DemoError;
    use crate::psp::Psp;
    use threeds_paysafe::sandbox as sim;
    use threeds_paysafe::sdk::{JwtCard, JwtRequest, JwtResponse, SdkInfo};
    use threeds_paysafe::SdkType;
    let account = sandbox_account(psp, sandbox)?;
    let flow = paysafe_flow(&account, catalog).map_err(|e| DemoError::new(psp.id(), e))?;
    let mut scenarios = vec![
        scenario(
            "frictionless",
            request("4000000000002701", 1000, "EUR"),
            None,
        ),
        scenario(
            "challenge passed",
            request("4000000000002503", 1000, "EUR"),
            cardholder(sim::OTP, "submit"),
        ),
        scenario(
            "challenge failed",
            request("4000000000002370", 1000, "EUR"),
            cardholder(sim::OTP, "submit"),
        ),
        scenario(
            "frictionless failure",
            request("4000000000002925", 1000, "EUR"),
            None,
        ),
    ];
    for s in &mut scenarios {
        let bin = s
            .request
            .card
            .as_ref()
            .and_then(|c| c.number.as_ref())
            .and_then(|n| n.bin())
            .map(str::to_owned);
        let answer = flow
            .client()
            .jwt(&JwtRequest {
                account_id: Some(sim::ACCOUNT_ID.into()),
                card: Some(JwtCard { card_bin: bin }),
                sdk: Some(SdkInfo {
                    sdk_type: Some(SdkType::Browser),
                    version: Some("1.0.0".into()),
                }),
            })
            .await
            .map_err(|e| DemoError::new(psp.id(), e))?;
        let body: JwtResponse = serde_json::from_slice(&answer.body)
            .ok()
            .filter(|_| answer.is_success())
            .ok_or_else(|| {
                DemoError::new(
                    psp.id(),
                    format!("paysafe.jwt: HTTP {} without a JWT answer", answer.status),
                )
            })?;
        s.request.device_session_id = body.device_fingerprinting_id;
    }
    Ok(Demo {
        provider: psp.id(),
        flow: Box::new(flow),
        scenarios,
    })
}
