//! Checkout.com accounts, its simulator and its demo.

use super::flow::{CheckoutFlow, CheckoutSettings};
use super::Checkout;
use crate::catalog::Catalog;
use crate::flow::{Account, AccountError, AuthenticationFlow};
use crate::psp::LivePsp;
use std::sync::Arc;
use threeds_checkout::client::{Client, Config, Environment};

/// The OAuth client credentials Checkout calls the access key ID and secret.
const CLIENT_ID: &str = "client_id";
const CLIENT_SECRET: &str = "client_secret";
const WEBHOOK_SIGNATURE_KEY: &str = "webhook_signature_key";
const PROCESSING_CHANNEL_ID: &str = "processing_channel_id";
const TOKEN_URL: &str = "token_url";
const CALLBACK_URL: &str = "callback_url";
const CHALLENGE_NOTIFICATION_URL: &str = "challenge_notification_url";
const METHOD_NOTIFICATION_URL: &str = "method_notification_url";

/// The client crate's environment for an account's API base: Checkout's own hosts
/// (`https://[prefix.]api[.sandbox].checkout.com`, whose OAuth endpoint is the `access.` host
/// beside them) by name, anything else (the local sandbox, a proxy) with its token endpoint
/// at `{base}/connect/token` unless the account's `token_url` says otherwise.
fn environment(base: &str, token_url: Option<&str>) -> Environment {
    let base = base.trim_end_matches('/');
    if token_url.is_none() {
        let host = base.strip_prefix("https://").unwrap_or("");
        let (prefix, rest) = match host.split_once('.') {
            Some((first, rest)) if first != "api" => (Some(first.to_owned()), rest),
            _ => (None, host),
        };
        match rest {
            "api.sandbox.checkout.com" => return Environment::Sandbox { prefix },
            "api.checkout.com" => return Environment::Live { prefix },
            _ => {}
        }
    }
    match token_url {
        Some(token_url) => Environment::Custom {
            api_base: base.to_owned(),
            token_url: token_url.to_owned(),
        },
        None => Environment::local(base),
    }
}

#[async_trait::async_trait]
impl LivePsp for Checkout {
    fn credentials(&self) -> &'static [&'static str] {
        &[CLIENT_ID, CLIENT_SECRET, WEBHOOK_SIGNATURE_KEY]
    }

    fn settings(&self) -> &'static [&'static str] {
        &[
            PROCESSING_CHANNEL_ID,
            TOKEN_URL,
            CALLBACK_URL,
            CHALLENGE_NOTIFICATION_URL,
            METHOD_NOTIFICATION_URL,
        ]
    }

    fn flow(
        &self,
        account: &Account,
        catalog: Arc<Catalog>,
    ) -> Result<Box<dyn AuthenticationFlow>, AccountError> {
        account.check_names(self.credentials(), self.settings())?;
        let key_id = account.required_credential(CLIENT_ID)?;
        let environment = environment(&account.base_url, account.optional_setting(TOKEN_URL));
        let mut config = Config::new(
            key_id.expose().to_owned(),
            account.required_credential(CLIENT_SECRET)?,
            environment,
        );
        config.http = account.http.clone();
        let settings = CheckoutSettings {
            processing_channel_id: account
                .optional_setting(PROCESSING_CHANNEL_ID)
                .map(Into::into),
            callback_url: account.optional_setting(CALLBACK_URL).map(Into::into),
            challenge_notification_url: account
                .optional_setting(CHALLENGE_NOTIFICATION_URL)
                .map(Into::into),
            method_notification_url: account
                .optional_setting(METHOD_NOTIFICATION_URL)
                .map(Into::into),
            webhook_signature_key: account.optional_credential(WEBHOOK_SIGNATURE_KEY),
            ..CheckoutSettings::default()
        };
        let client = Client::new(config).map_err(|e| account.client_error(e))?;
        Ok(Box::new(CheckoutFlow::new(client, settings, catalog)))
    }

    #[cfg(feature = "sandbox")]
    fn simulator(
        &self,
        settings: threeds_wire::sandbox::SimSettings,
    ) -> Option<Arc<dyn threeds_wire::sandbox::Simulator>> {
        Some(Arc::new(threeds_checkout::sandbox::CheckoutSimulator::new(
            settings,
        )))
    }

    #[cfg(feature = "sandbox")]
    fn sandbox_account(&self, base: &str) -> Option<Account> {
        use threeds_checkout::sandbox as sim;
        use threeds_wire::Secret;
        Some(
            Account::new("checkout-sandbox", super::Provider::CHECKOUT, base)
                .credential(CLIENT_ID, Secret::new(sim::ACCESS_KEY_ID))
                .credential(CLIENT_SECRET, Secret::new(sim::ACCESS_KEY_SECRET))
                .credential(
                    WEBHOOK_SIGNATURE_KEY,
                    Secret::new(sim::WEBHOOK_SIGNATURE_KEY),
                )
                .setting(PROCESSING_CHANNEL_ID, sim::PROCESSING_CHANNEL_ID),
        )
    }

    /// The complete callback goes to the demo's receiver: Checkout fails `complete` when
    /// the callback URL does not answer 2xx.
    #[cfg(feature = "demo")]
    async fn demo(
        &self,
        sandbox: &crate::sandbox::RunningSandbox,
        receiver: &crate::demo::merchant::Receiver,
        catalog: Arc<Catalog>,
    ) -> Option<Result<crate::demo::setup::Demo, crate::demo::DemoError>> {
        use crate::demo::setup::{cardholder, request, scenario, Demo};
        let pass = threeds_checkout::sandbox::CHALLENGE_PASSWORD;
        let with_callback = |pan: &str| {
            let mut r = request(pan, 6540, "GBP");
            r.urls.callback_url = Some(receiver.url("/checkout/callback"));
            r
        };
        let scenarios = vec![
            scenario("frictionless", with_callback("4485040371536584"), None),
            scenario(
                "challenge passed",
                with_callback("4242424242424242"),
                cardholder(pass, "submit"),
            ),
            scenario(
                "challenge failed",
                with_callback("4243754271700719"),
                cardholder(pass, "submit"),
            ),
            scenario(
                "frictionless failure",
                with_callback("4539628347117863"),
                None,
            ),
        ];
        Some(Demo::for_sandbox(self, sandbox, catalog, scenarios))
    }
}

#[cfg(test)]
mod tests {
    use super::environment;

    fn urls(base: &str, token_url: Option<&str>) -> (String, String) {
        let env = environment(base, token_url);
        (env.api_base(), env.token_url())
    }

    #[test]
    fn checkout_hosts_are_named_and_others_get_a_local_token_endpoint() {
        assert_eq!(
            urls("https://api.sandbox.checkout.com", None),
            (
                "https://api.sandbox.checkout.com".to_owned(),
                "https://access.sandbox.checkout.com/connect/token".to_owned()
            )
        );
        assert_eq!(
            urls("https://pl-abc123.api.checkout.com/", None),
            (
                "https://pl-abc123.api.checkout.com".to_owned(),
                "https://pl-abc123.access.checkout.com/connect/token".to_owned()
            )
        );
        assert_eq!(
            urls("http://127.0.0.1:8480/checkout", None).1,
            "http://127.0.0.1:8480/checkout/connect/token"
        );
        assert_eq!(
            urls(
                "https://proxy.example/cko",
                Some("https://proxy.example/token")
            )
            .1,
            "https://proxy.example/token"
        );
    }
}
