//! One configured PSP account: what [`crate::psp::LivePsp::flow`] builds a flow from.
//!
//! The same type serves the router's TOML accounts, the service's configuration and the
//! sandbox's test accounts, so each PSP reads its configuration one way. Credentials are
//! [`Secret`]s (the router loads them from the environment variables the config names);
//! settings are the PSP's non-secret options (a processing channel, a merchant group),
//! each PSP listing the names it reads so that a misspelt one is an error, not a silently
//! ignored option.

use crate::model::Provider;
use std::collections::BTreeMap;
use threeds_wire::http::HttpSettings;
use threeds_wire::Secret;

/// A PSP account.
#[derive(Debug, Clone)]
pub struct Account {
    /// The merchant's name for the account (`checkout-eu`); names it in errors.
    pub name: String,
    pub provider: Provider,
    /// The API base URL (for the local sandbox: `http://ADDR/<provider>`).
    pub base_url: String,
    /// Credentials by the PSP's names for them (see [`crate::psp::LivePsp::credentials`]).
    pub credentials: BTreeMap<String, Secret>,
    /// Non-secret options by name (see [`crate::psp::LivePsp::settings`]).
    pub settings: BTreeMap<String, String>,
    pub http: HttpSettings,
}

/// Why an account cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AccountError {
    #[error("account '{account}' ({provider}): credential '{name}' is missing")]
    MissingCredential {
        account: String,
        provider: Provider,
        name: &'static str,
    },
    #[error("account '{account}' ({provider}): setting '{name}' is missing")]
    MissingSetting {
        account: String,
        provider: Provider,
        name: &'static str,
    },
    #[error("account '{account}' ({provider}): {kind} '{}' is not one {provider} reads (it reads {expected})", threeds_wire::excerpt(.name))]
    Unexpected {
        account: String,
        provider: Provider,
        kind: &'static str,
        name: String,
        expected: String,
    },
    #[error("account '{account}' ({provider}): setting '{name}': {}", threeds_wire::bounded(.message))]
    BadSetting {
        account: String,
        provider: Provider,
        name: &'static str,
        message: String,
    },
    #[error("account '{account}': provider {provider} has no live flow")]
    NoLiveFlow { account: String, provider: Provider },
    #[error("account '{account}' ({provider}): {}", threeds_wire::bounded(.message))]
    Client {
        account: String,
        provider: Provider,
        message: String,
    },
}

impl Account {
    /// An account of `provider` at `base_url` with no credentials or settings yet.
    pub fn new(name: impl Into<String>, provider: Provider, base_url: impl Into<String>) -> Self {
        Account {
            name: name.into(),
            provider,
            base_url: base_url.into(),
            credentials: BTreeMap::new(),
            settings: BTreeMap::new(),
            http: HttpSettings::default(),
        }
    }

    /// The same account with credential `name` set.
    pub fn credential(mut self, name: &str, value: Secret) -> Self {
        self.credentials.insert(name.to_owned(), value);
        self
    }

    /// The same account with setting `name` set.
    pub fn setting(mut self, name: &str, value: impl Into<String>) -> Self {
        self.settings.insert(name.to_owned(), value.into());
        self
    }

    /// Credential `name`, which the PSP requires.
    pub fn required_credential(&self, name: &'static str) -> Result<Secret, AccountError> {
        self.credentials
            .get(name)
            .cloned()
            .ok_or_else(|| AccountError::MissingCredential {
                account: self.name.clone(),
                provider: self.provider,
                name,
            })
    }

    /// Credential `name`, when given.
    pub fn optional_credential(&self, name: &str) -> Option<Secret> {
        self.credentials.get(name).cloned()
    }

    /// Setting `name`, which the PSP requires.
    pub fn required_setting(&self, name: &'static str) -> Result<&str, AccountError> {
        self.optional_setting(name)
            .ok_or_else(|| AccountError::MissingSetting {
                account: self.name.clone(),
                provider: self.provider,
                name,
            })
    }

    /// Setting `name`, when given.
    pub fn optional_setting(&self, name: &str) -> Option<&str> {
        self.settings.get(name).map(String::as_str)
    }

    /// Setting `name` parsed as a `T`, when given.
    pub fn parsed_setting<T: std::str::FromStr>(
        &self,
        name: &'static str,
    ) -> Result<Option<T>, AccountError>
    where
        T::Err: std::fmt::Display,
    {
        self.optional_setting(name)
            .map(|text| text.parse::<T>().map_err(|e| self.bad_setting(name, e)))
            .transpose()
    }

    /// The error for a setting whose value cannot be used.
    pub fn bad_setting(&self, name: &'static str, why: impl std::fmt::Display) -> AccountError {
        AccountError::BadSetting {
            account: self.name.clone(),
            provider: self.provider,
            name,
            message: why.to_string(),
        }
    }

    /// The error for a client that could not be built from the account.
    pub fn client_error(&self, why: impl std::fmt::Display) -> AccountError {
        AccountError::Client {
            account: self.name.clone(),
            provider: self.provider,
            message: why.to_string(),
        }
    }

    /// Fails on a credential or setting the PSP does not read: a misspelt name would
    /// otherwise leave an option silently at its default.
    pub fn check_names(&self, credentials: &[&str], settings: &[&str]) -> Result<(), AccountError> {
        let unexpected =
            |kind: &'static str, name: &str, expected: &[&str]| AccountError::Unexpected {
                account: self.name.clone(),
                provider: self.provider,
                kind,
                name: name.to_owned(),
                expected: if expected.is_empty() {
                    "none".to_owned()
                } else {
                    expected.join(", ")
                },
            };
        if let Some(name) = self
            .credentials
            .keys()
            .find(|k| !credentials.contains(&k.as_str()))
        {
            return Err(unexpected("credential", name, credentials));
        }
        if let Some(name) = self
            .settings
            .keys()
            .find(|k| !settings.contains(&k.as_str()))
        {
            return Err(unexpected("setting", name, settings));
        }
        Ok(())
    }
}
