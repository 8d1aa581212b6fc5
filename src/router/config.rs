//! The router's TOML configuration, validated when it is loaded.
//!
//! ```toml
//! [[account]]
//! name = "checkout-eu"                 # the merchant's name for one PSP account
//! provider = "checkout"                # a registered PSP id
//! base_url = "https://api.sandbox.checkout.com"
//! client_id_env = "CKO_CLIENT_ID"          # <credential>_env: the variable holding it
//! client_secret_env = "CKO_CLIENT_SECRET"
//! processing_channel_id = "pc_..."     # any other key: a setting the PSP reads
//! weight = 3                           # optional: weighted order within a route
//! http = { timeout_ms = 5000, connect_timeout_ms = 1000, max_attempts = 2 }  # optional
//!
//! [[route]]                            # the first matching route wins
//! networks = ["visa", "mastercard"]
//! currencies = ["EUR", "GBP"]
//! accounts = ["checkout-eu", "paysafe-eu"]
//!
//! [breaker]                            # optional
//! failures = 5
//! cool_down_secs = 30
//! ```
//!
//! Secrets never sit in the file: each `<credential>_env` key names the environment
//! variable that holds the credential, read through an injectable lookup so tests need no
//! real environment. Everything a PSP would otherwise only refuse at the first payment is
//! refused here, with the account or route it is in: an unknown provider (the registered
//! ones are listed), a provider without a live flow, a missing variable (named), a
//! credential or setting the PSP does not read, a duplicate account name, a route naming
//! an account that does not exist, a filter value that is not a network, currency,
//! country, BIN range or channel, and a config without routes.

use super::breaker::BreakerSettings;
use super::routes::{BinRange, Filters, Route, RoutingTable};
use crate::flow::{Account, AccountError};
use crate::model::{Network, Provider, UnknownProvider};
use crate::request::Channel;
use serde::Deserialize;
use std::collections::BTreeSet;
use std::time::Duration;
use threeds_wire::{excerpt, Secret};

/// A loaded, validated router configuration. Its parts are public so a program can
/// change them (point accounts elsewhere, shorten timeouts) before building the router.
#[derive(Debug, Clone)]
pub struct RouterConfig {
    /// In config order.
    pub accounts: Vec<AccountConfig>,
    pub table: RoutingTable,
    pub breaker: BreakerSettings,
}

/// One `[[account]]`.
#[derive(Debug, Clone)]
pub struct AccountConfig {
    pub account: Account,
    /// Its weight in weighted routes; `None` when the config gives none.
    pub weight: Option<u32>,
}

/// Why a router configuration cannot be used. Each says where: the file, the account (by
/// position and name) or the route (by position).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    #[error("router config {path}: {message}")]
    Read { path: String, message: String },
    #[error("router config: {}", threeds_wire::bounded(.0))]
    Toml(String),
    #[error("router config: unknown top-level key '{}' (expected account, route, breaker)", excerpt(.0))]
    UnknownKey(String),
    #[error("router config: account {number}{}: {message}", name_part(.name))]
    Account {
        number: usize,
        name: Option<String>,
        message: String,
    },
    #[error("router config: account {number} '{name}': {error}")]
    UnknownProvider {
        number: usize,
        name: String,
        error: UnknownProvider,
    },
    #[error("router config: account {number} '{name}': environment variable {variable} (credential '{credential}') is not set")]
    MissingEnv {
        number: usize,
        name: String,
        credential: String,
        variable: String,
    },
    #[error("router config: account {number}: {error}")]
    Names { number: usize, error: AccountError },
    #[error("router config: accounts {first} and {second} are both named '{name}'")]
    DuplicateAccount {
        first: usize,
        second: usize,
        name: String,
    },
    #[error("router config: route {number}: {message}")]
    Route { number: usize, message: String },
    #[error("router config: route {number} names account '{}', which is not configured (accounts: {known})", excerpt(.account))]
    UnknownAccount {
        number: usize,
        account: String,
        known: String,
    },
    #[error("router config: no [[route]]: at least one route must list the accounts to try")]
    NoRoutes,
}

fn name_part(name: &Option<String>) -> String {
    name.as_ref()
        .map(|n| format!(" '{}'", excerpt(n)))
        .unwrap_or_default()
}

/// Keys of an `[[account]]` that are not credentials or settings.
const RESERVED: [&str; 5] = ["name", "provider", "base_url", "weight", "http"];

impl RouterConfig {
    /// Reads the file at `path`, credentials from the process's environment.
    pub fn load(path: &std::path::Path) -> Result<RouterConfig, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Read {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        RouterConfig::from_toml(&text, &|name| std::env::var(name).ok())
    }

    /// Reads a config from TOML text; `env` looks up the variables `<credential>_env` keys
    /// name.
    pub fn from_toml(
        text: &str,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<RouterConfig, ConfigError> {
        let table: toml::Table = text
            .parse()
            .map_err(|e: toml::de::Error| ConfigError::Toml(e.to_string()))?;
        RouterConfig::from_table(&table, &[], env)
    }

    /// Reads a config from a parsed TOML table whose top-level keys other than `account`,
    /// `route` and `breaker` may only be `others` (the service's `[service]` section sits
    /// in the same file and is read by the service).
    pub fn from_table(
        table: &toml::Table,
        others: &[&str],
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<RouterConfig, ConfigError> {
        if let Some(key) = table.keys().find(|k| {
            !["account", "route", "breaker"].contains(&k.as_str()) && !others.contains(&k.as_str())
        }) {
            return Err(ConfigError::UnknownKey(key.clone()));
        }
        let accounts = array(table, "account")
            .map_err(|message| ConfigError::Account {
                number: 0,
                name: None,
                message,
            })?
            .iter()
            .enumerate()
            .map(|(i, v)| account(i + 1, v, env))
            .collect::<Result<Vec<_>, _>>()?;
        check_unique(&accounts)?;
        let routes = array(table, "route")
            .map_err(|message| ConfigError::Route { number: 0, message })?
            .iter()
            .enumerate()
            .map(|(i, v)| route(i + 1, v, &accounts))
            .collect::<Result<Vec<_>, _>>()?;
        if routes.is_empty() {
            return Err(ConfigError::NoRoutes);
        }
        let breaker = match table.get("breaker") {
            None => BreakerSettings::default(),
            Some(v) => v
                .clone()
                .try_into()
                .map_err(|e: toml::de::Error| ConfigError::Toml(format!("[breaker]: {e}")))?,
        };
        Ok(RouterConfig {
            accounts,
            table: RoutingTable { routes },
            breaker,
        })
    }

    /// The same config with every account pointed at its provider's simulator in the
    /// local sandbox, with the simulator's test credentials and settings
    /// ([`crate::psp::LivePsp::sandbox_account`]); names, weights, HTTP settings and routes
    /// are kept. An account whose PSP has no simulator is left as it is.
    #[cfg(feature = "sandbox")]
    pub fn against_sandbox(mut self, sandbox: &crate::sandbox::RunningSandbox) -> RouterConfig {
        for entry in &mut self.accounts {
            let provider = entry.account.provider;
            let test = crate::psp::get(provider)
                .and_then(|psp| psp.live())
                .and_then(|live| live.sandbox_account(&sandbox.base(provider.as_str())));
            if let Some(test) = test {
                let http = entry.account.http.clone();
                entry.account = Account {
                    name: entry.account.name.clone(),
                    http,
                    ..test
                };
            }
        }
        self
    }

    /// The account named `name`.
    pub fn account(&self, name: &str) -> Option<&AccountConfig> {
        self.accounts.iter().find(|a| a.account.name == name)
    }
}

/// The array of tables under `key` (absent: empty).
fn array<'a>(table: &'a toml::Table, key: &str) -> Result<&'a [toml::Value], String> {
    match table.get(key) {
        None => Ok(&[]),
        Some(toml::Value::Array(items)) => Ok(items),
        Some(_) => Err(format!("'{key}' must be written [[{key}]]")),
    }
}

fn account(
    number: usize,
    value: &toml::Value,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<AccountConfig, ConfigError> {
    let fail = |name: Option<&str>, message: String| ConfigError::Account {
        number,
        name: name.map(str::to_owned),
        message,
    };
    let table = value
        .as_table()
        .ok_or_else(|| fail(None, "must be a table".into()))?;
    let text = |key: &str| -> Result<String, ConfigError> {
        match table.get(key) {
            Some(toml::Value::String(s)) if !s.trim().is_empty() => Ok(s.trim().to_owned()),
            Some(_) => Err(fail(None, format!("'{key}' must be a non-empty string"))),
            None => Err(fail(None, format!("'{key}' is missing"))),
        }
    };
    let name = text("name")?;
    let provider_text = text("provider")?;
    let base_url = text("base_url")?;
    let fail = |message: String| ConfigError::Account {
        number,
        name: Some(name.clone()),
        message,
    };
    let provider: Provider =
        provider_text
            .parse()
            .map_err(|error| ConfigError::UnknownProvider {
                number,
                name: name.clone(),
                error,
            })?;
    let live = crate::psp::get(provider)
        .and_then(|psp| psp.live())
        .ok_or_else(|| fail(format!("provider {provider} has no live flow")))?;
    let mut account = Account::new(name.clone(), provider, base_url);
    let mut weight = None;
    for (key, value) in table {
        if let Some(credential) = key.strip_suffix("_env") {
            let variable = value
                .as_str()
                .filter(|v| !v.trim().is_empty())
                .ok_or_else(|| fail(format!("'{key}' must name an environment variable")))?;
            let secret = env(variable.trim())
                .filter(|v| !v.is_empty())
                .ok_or_else(|| ConfigError::MissingEnv {
                    number,
                    name: name.clone(),
                    credential: credential.to_owned(),
                    variable: variable.trim().to_owned(),
                })?;
            account = account.credential(credential, Secret::new(secret));
        } else if key == "weight" {
            let w = value
                .as_integer()
                .and_then(|w| u32::try_from(w).ok())
                .ok_or_else(|| fail("'weight' must be a whole number from 0".into()))?;
            weight = Some(w);
        } else if key == "http" {
            account.http = http(&account.http, value).map_err(|e| fail(format!("http: {e}")))?;
        } else if !RESERVED.contains(&key.as_str()) {
            let setting = match value {
                toml::Value::String(s) => s.clone(),
                toml::Value::Integer(i) => i.to_string(),
                toml::Value::Boolean(b) => b.to_string(),
                _ => {
                    return Err(fail(format!(
                        "setting '{}' must be a string, number or boolean",
                        excerpt(key)
                    )))
                }
            };
            account = account.setting(key, setting);
        }
    }
    account
        .check_names(live.credentials(), live.settings())
        .map_err(|error| ConfigError::Names { number, error })?;
    Ok(AccountConfig { account, weight })
}

/// `http = { timeout_ms, connect_timeout_ms, max_attempts }` over the defaults.
fn http(
    base: &threeds_wire::http::HttpSettings,
    value: &toml::Value,
) -> Result<threeds_wire::http::HttpSettings, String> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Http {
        timeout_ms: Option<u64>,
        connect_timeout_ms: Option<u64>,
        max_attempts: Option<u32>,
    }
    let h: Http = value
        .clone()
        .try_into()
        .map_err(|e: toml::de::Error| e.to_string())?;
    let mut settings = base.clone();
    if let Some(ms) = h.timeout_ms {
        settings.timeout = Duration::from_millis(ms);
    }
    if let Some(ms) = h.connect_timeout_ms {
        settings.connect_timeout = Duration::from_millis(ms);
    }
    if let Some(n) = h.max_attempts {
        settings.max_attempts = n.max(1);
    }
    Ok(settings)
}

fn check_unique(accounts: &[AccountConfig]) -> Result<(), ConfigError> {
    for (i, a) in accounts.iter().enumerate() {
        if let Some(j) = accounts[..i]
            .iter()
            .position(|b| b.account.name == a.account.name)
        {
            return Err(ConfigError::DuplicateAccount {
                first: j + 1,
                second: i + 1,
                name: a.account.name.clone(),
            });
        }
    }
    Ok(())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RouteToml {
    networks: Option<Vec<String>>,
    currencies: Option<Vec<String>>,
    countries: Option<Vec<String>>,
    bin_ranges: Option<Vec<String>>,
    channels: Option<Vec<String>>,
    min_amount: Option<u64>,
    max_amount: Option<u64>,
    accounts: Vec<String>,
}

fn route(
    number: usize,
    value: &toml::Value,
    accounts: &[AccountConfig],
) -> Result<Route, ConfigError> {
    let fail = |message: String| ConfigError::Route { number, message };
    let r: RouteToml = value
        .clone()
        .try_into()
        .map_err(|e: toml::de::Error| fail(e.to_string().trim().to_owned()))?;
    if r.accounts.is_empty() {
        return Err(fail("'accounts' is empty".into()));
    }
    let known: BTreeSet<&str> = accounts.iter().map(|a| a.account.name.as_str()).collect();
    if let Some(missing) = r.accounts.iter().find(|a| !known.contains(a.as_str())) {
        return Err(ConfigError::UnknownAccount {
            number,
            account: missing.clone(),
            known: known.into_iter().collect::<Vec<_>>().join(", "),
        });
    }
    let mut seen = BTreeSet::new();
    if let Some(twice) = r.accounts.iter().find(|a| !seen.insert(a.as_str())) {
        return Err(fail(format!(
            "account '{}' is listed twice",
            excerpt(twice)
        )));
    }
    if let (Some(min), Some(max)) = (r.min_amount, r.max_amount) {
        if min > max {
            return Err(fail(format!("min_amount {min} is above max_amount {max}")));
        }
    }
    let filters = Filters {
        networks: each(r.networks, "networks", Network::from_psp).map_err(&fail)?,
        currencies: each(r.currencies, "currencies", |s| code(s, 3)).map_err(&fail)?,
        countries: each(r.countries, "countries", |s| code(s, 2)).map_err(&fail)?,
        bin_ranges: each(r.bin_ranges, "bin_ranges", BinRange::parse).map_err(&fail)?,
        channels: each(r.channels, "channels", |s| {
            serde_json::from_value::<Channel>(serde_json::Value::String(s.to_owned())).ok()
        })
        .map_err(&fail)?,
        min_amount: r.min_amount,
        max_amount: r.max_amount,
    };
    Ok(Route {
        number,
        filters,
        accounts: r.accounts,
    })
}

/// Each value of a filter list read by `parse`; the first that does not read is the error.
fn each<T>(
    list: Option<Vec<String>>,
    key: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<Option<Vec<T>>, String> {
    let Some(list) = list else { return Ok(None) };
    if list.is_empty() {
        return Err(format!(
            "'{key}' is empty (leave it out to match everything)"
        ));
    }
    list.iter()
        .map(|s| {
            parse(s.trim())
                .ok_or_else(|| format!("{key}: '{}' is not {}", excerpt(s), expected(key)))
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

fn expected(key: &str) -> &'static str {
    match key {
        "networks" => "a network (visa, mastercard, amex, discover, diners, jcb, cartes_bancaires, unionpay, maestro)",
        "currencies" => "an ISO 4217 code (EUR)",
        "countries" => "an ISO 3166-1 alpha-2 code (FR)",
        "bin_ranges" => "a BIN range (400000-499999, or a prefix 4571: 1 to 8 digits, both ends of one length, low first)",
        "channels" => "a channel (browser, app, three_ri)",
        _ => "a valid value",
    }
}

/// An upper-case code of `len` ASCII letters.
fn code(s: &str, len: usize) -> Option<String> {
    (s.len() == len && s.bytes().all(|b| b.is_ascii_alphabetic())).then(|| s.to_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
        [[account]]
        name = "checkout-eu"
        provider = "checkout"
        base_url = "https://api.sandbox.checkout.com"
        client_id_env = "CKO_ID"
        client_secret_env = "CKO_SECRET"
        processing_channel_id = "pc_abc"
        weight = 3
        http = { timeout_ms = 1500, max_attempts = 1 }

        [[account]]
        name = "mangopay-eu"
        provider = "mangopay"
        base_url = "https://api.sandbox.mangopay.com"
        client_id_env = "MGP_ID"
        api_key_env = "MGP_KEY"
        author_id = "user_1"
        credited_wallet_id = "wallet_1"
        fees = 0

        [[route]]
        networks = ["visa", "MC"]
        currencies = ["eur"]
        bin_ranges = ["400000-499999"]
        accounts = ["checkout-eu", "mangopay-eu"]

        [[route]]
        accounts = ["mangopay-eu"]

        [breaker]
        failures = 2
        cool_down_secs = 5
    "#;

    fn env(name: &str) -> Option<String> {
        ["CKO_ID", "CKO_SECRET", "MGP_ID", "MGP_KEY"]
            .contains(&name)
            .then(|| format!("value-of-{name}"))
    }

    fn load(text: &str) -> Result<RouterConfig, ConfigError> {
        RouterConfig::from_toml(text, &env)
    }

    fn error(text: &str) -> String {
        load(text).map(|_| ()).unwrap_err().to_string()
    }

    #[test]
    fn a_full_config_loads() {
        let c = load(GOOD).unwrap();
        assert_eq!(c.accounts.len(), 2);
        let cko = c.account("checkout-eu").unwrap();
        assert_eq!(cko.weight, Some(3));
        assert_eq!(cko.account.provider, Provider::CHECKOUT);
        assert_eq!(
            cko.account
                .optional_credential("client_id")
                .unwrap()
                .expose(),
            "value-of-CKO_ID"
        );
        assert_eq!(
            cko.account.optional_setting("processing_channel_id"),
            Some("pc_abc")
        );
        assert_eq!(cko.account.http.timeout, Duration::from_millis(1500));
        assert_eq!(cko.account.http.max_attempts, 1);
        let mgp = c.account("mangopay-eu").unwrap();
        assert_eq!(mgp.account.optional_setting("fees"), Some("0"));
        let r = &c.table.routes[0];
        assert_eq!(
            r.filters.networks,
            Some(vec![Network::Visa, Network::Mastercard])
        );
        assert_eq!(r.filters.currencies, Some(vec!["EUR".to_owned()]));
        assert_eq!(c.table.routes[1].filters, Filters::default());
        assert_eq!(c.breaker.failures, 2);
        // Secrets stay typed: the config's Debug does not show them.
        assert!(!format!("{c:?}").contains("value-of-CKO_SECRET"));
    }

    fn with_account(extra: &str) -> String {
        format!(
            "[[account]]\nname = \"a\"\nprovider = \"mangopay\"\nbase_url = \"http://x\"\nclient_id_env = \"MGP_ID\"\napi_key_env = \"MGP_KEY\"\n{extra}\n[[route]]\naccounts = [\"a\"]\n"
        )
    }

    #[test]
    fn every_mistake_is_named_with_where_it_is() {
        let unknown = error(&with_account("").replace("mangopay", "stripe"));
        assert!(unknown.contains("account 1 'a'"), "{unknown}");
        assert!(
            unknown.contains(
                "unknown provider 'stripe' (expected checkout, paysafe, mangopay or pxp)"
            ),
            "{unknown}"
        );

        let missing = error(&with_account("").replace("MGP_KEY", "NOT_SET"));
        assert!(
            missing.contains("environment variable NOT_SET (credential 'api_key') is not set"),
            "{missing}"
        );

        let misspelt = error(&with_account("autor_id = \"u\""));
        assert!(misspelt.contains("account 1"), "{misspelt}");
        assert!(
            misspelt.contains("setting 'autor_id' is not one mangopay reads"),
            "{misspelt}"
        );
        let credential = error(&with_account("secret_env = \"MGP_ID\""));
        assert!(
            credential.contains("credential 'secret' is not one mangopay reads"),
            "{credential}"
        );

        let route =
            error(&with_account("").replace("accounts = [\"a\"]", "accounts = [\"a\", \"b\"]"));
        assert!(
            route.contains("route 1 names account 'b', which is not configured (accounts: a)"),
            "{route}"
        );

        let bin = error(
            &with_account("").replace("[[route]]\n", "[[route]]\nbin_ranges = [\"49-40\"]\n"),
        );
        assert!(
            bin.contains("route 1: bin_ranges: '49-40' is not a BIN range"),
            "{bin}"
        );
        let network =
            error(&with_account("").replace("[[route]]\n", "[[route]]\nnetworks = [\"visaa\"]\n"));
        assert!(
            network.contains("networks: 'visaa' is not a network"),
            "{network}"
        );
        let filter =
            error(&with_account("").replace("[[route]]\n", "[[route]]\ncurrency = [\"EUR\"]\n"));
        assert!(
            filter.contains("route 1: unknown field `currency`"),
            "{filter}"
        );

        let no_routes = error(&with_account("").replace("[[route]]\naccounts = [\"a\"]\n", ""));
        assert!(no_routes.contains("no [[route]]"), "{no_routes}");

        let twice = format!("{}{}", with_account(""), with_account(""));
        assert!(error(&twice).contains("accounts 1 and 2 are both named 'a'"));

        let no_name = error("[[account]]\nprovider = \"checkout\"\n");
        assert!(
            no_name.contains("account 1: 'name' is missing"),
            "{no_name}"
        );
        assert!(error("[[acount]]\n").contains("unknown top-level key 'acount'"));
        assert!(error("[[route]\n").starts_with("router config: "));
    }
}
