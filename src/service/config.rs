//! What `threeds-bridge serve` runs with: the router's accounts and routes, the merchant's
//! API keys (hashed), the merchant webhook, the store and its key.
//!
//! One TOML file holds the router's `[[account]]`, `[[route]]` and `[breaker]` (see
//! [`crate::router::config`]) and a `[service]` table:
//!
//! ```toml
//! [service]
//! api_key_hashes = ["sha256:9f86d0..."]        # `threeds-bridge serve --hash-api-key` prints one
//! store_key_env = "THREEDS_STORE_KEY"           # 64 hex digits: seals secrets at rest
//! webhook_url = "https://shop.example/hooks/3ds" # optional: where authentication.updated goes
//! webhook_secret_env = "THREEDS_WEBHOOK_SECRET"  # required with webhook_url
//! public_url = "https://3ds.shop.example"       # optional: how browsers and PSPs reach the service
//! db = "postgres://threeds@db/threeds"          # optional: --db overrides it
//! ```
//!
//! As in the router's file, secrets are never in it: API keys are stored as SHA-256 hashes
//! (a leaked config gives no key), and the store key and webhook secret are read from the
//! environment variables the file names.

use super::keys::ApiKeyHash;
use crate::router::{ConfigError, RouterConfig};
use crate::store::StoreKey;
use threeds_wire::{excerpt, Secret};

/// Where merchant webhooks go and the secret they are signed with.
#[derive(Debug, Clone)]
pub struct WebhookTarget {
    pub url: String,
    pub secret: Secret,
}

/// A loaded, validated service configuration.
#[derive(Debug, Clone)]
pub struct ServiceConfig {
    pub router: RouterConfig,
    /// The hashes of the secret keys the merchant's back end may call with.
    pub api_keys: Vec<ApiKeyHash>,
    pub webhook: Option<WebhookTarget>,
    pub store_key: StoreKey,
    /// The store URL from the file (`--db` wins over it).
    pub db: Option<String>,
    /// The service's URL as browsers and PSPs reach it; `None`: `http://` and the address
    /// it listens on.
    pub public_url: Option<String>,
}

/// Why a service configuration cannot be used; each names the key it is about.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServiceConfigError {
    #[error("service config {path}: {message}")]
    Read { path: String, message: String },
    #[error("service config: {}", threeds_wire::bounded(.0))]
    Toml(String),
    #[error(transparent)]
    Router(#[from] ConfigError),
    #[error("service config: [service] {key}: {message}")]
    Key { key: &'static str, message: String },
    #[error("service config: [service] has a key '{}' this service does not read (it reads api_key_hashes, store_key_env, webhook_url, webhook_secret_env, public_url, db)", excerpt(.0))]
    UnknownKey(String),
    #[error(
        "service config: no [service] table (it holds at least api_key_hashes and store_key_env)"
    )]
    NoService,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ServiceTable {
    #[serde(default)]
    api_key_hashes: Vec<String>,
    store_key_env: Option<String>,
    webhook_url: Option<String>,
    webhook_secret_env: Option<String>,
    public_url: Option<String>,
    db: Option<String>,
}

const SERVICE_KEYS: [&str; 6] = [
    "api_key_hashes",
    "store_key_env",
    "webhook_url",
    "webhook_secret_env",
    "public_url",
    "db",
];

impl ServiceConfig {
    /// Reads the file at `path`, secrets from the process's environment.
    pub fn load(path: &std::path::Path) -> Result<ServiceConfig, ServiceConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ServiceConfigError::Read {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        ServiceConfig::from_toml(&text, &|name| std::env::var(name).ok())
    }

    /// Reads a configuration from TOML text; `env` looks up the variables it names.
    pub fn from_toml(
        text: &str,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<ServiceConfig, ServiceConfigError> {
        let table: toml::Table = text
            .parse()
            .map_err(|e: toml::de::Error| ServiceConfigError::Toml(e.to_string()))?;
        let router = RouterConfig::from_table(&table, &["service"], env)?;
        let service = table.get("service").ok_or(ServiceConfigError::NoService)?;
        if let Some(unknown) = service
            .as_table()
            .and_then(|t| t.keys().find(|k| !SERVICE_KEYS.contains(&k.as_str())))
        {
            return Err(ServiceConfigError::UnknownKey(unknown.clone()));
        }
        let service: ServiceTable = service
            .clone()
            .try_into()
            .map_err(|e: toml::de::Error| ServiceConfigError::Toml(format!("[service]: {e}")))?;
        let api_keys = service
            .api_key_hashes
            .iter()
            .enumerate()
            .map(|(i, text)| {
                ApiKeyHash::parse(text).map_err(|message| ServiceConfigError::Key {
                    key: "api_key_hashes",
                    message: format!("entry {}: {message}", i + 1),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        if api_keys.is_empty() {
            return Err(ServiceConfigError::Key {
                key: "api_key_hashes",
                message: "no key: the service would accept no call (`threeds-bridge serve --hash-api-key` prints the hash of a key)".into(),
            });
        }
        let store_key_env = service
            .store_key_env
            .ok_or_else(|| ServiceConfigError::Key {
                key: "store_key_env",
                message:
                    "missing: name the environment variable holding the store key (64 hex digits)"
                        .into(),
            })?;
        let store_key = env(&store_key_env)
            .ok_or_else(|| ServiceConfigError::Key {
                key: "store_key_env",
                message: format!(
                    "environment variable {} is not set",
                    excerpt(&store_key_env)
                ),
            })
            .and_then(|hex| {
                StoreKey::from_hex(&hex).map_err(|e| ServiceConfigError::Key {
                    key: "store_key_env",
                    message: format!("{}: {e}", excerpt(&store_key_env)),
                })
            })?;
        let webhook = match (service.webhook_url, service.webhook_secret_env) {
            (None, None) => None,
            (Some(url), Some(variable)) => {
                check_url("webhook_url", &url)?;
                let secret = env(&variable).filter(|s| !s.is_empty()).ok_or_else(|| {
                    ServiceConfigError::Key {
                        key: "webhook_secret_env",
                        message: format!("environment variable {} is not set", excerpt(&variable)),
                    }
                })?;
                Some(WebhookTarget {
                    url,
                    secret: Secret::new(secret),
                })
            }
            (Some(_), None) => {
                return Err(ServiceConfigError::Key {
                    key: "webhook_secret_env",
                    message: "missing: webhooks are always signed; name the variable holding the signing secret".into(),
                })
            }
            (None, Some(_)) => {
                return Err(ServiceConfigError::Key {
                    key: "webhook_url",
                    message: "missing: webhook_secret_env is given but no URL to deliver to"
                        .into(),
                })
            }
        };
        if let Some(url) = &service.public_url {
            check_url("public_url", url)?;
        }
        Ok(ServiceConfig {
            router,
            api_keys,
            webhook,
            store_key,
            db: service.db,
            public_url: service
                .public_url
                .map(|u| u.trim_end_matches('/').to_owned()),
        })
    }
}

fn check_url(key: &'static str, url: &str) -> Result<(), ServiceConfigError> {
    if url.starts_with("https://") || url.starts_with("http://") {
        Ok(())
    } else {
        Err(ServiceConfigError::Key {
            key,
            message: format!("'{}' is not an http(s) URL", excerpt(url)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROUTER: &str = r#"
[[account]]
name = "checkout"
provider = "checkout"
base_url = "http://127.0.0.1:1/checkout/"
client_id_env = "ID"
client_secret_env = "SECRET"
webhook_signature_key_env = "WH"
processing_channel_id = "pc_1"

[[route]]
accounts = ["checkout"]
"#;

    fn env(name: &str) -> Option<String> {
        match name {
            "KEY" => Some("00".repeat(32)),
            "HOOK" => Some("whsec".into()),
            "ID" | "SECRET" | "WH" => Some("x".into()),
            _ => None,
        }
    }

    fn read(service: &str) -> Result<ServiceConfig, ServiceConfigError> {
        ServiceConfig::from_toml(&format!("{ROUTER}\n[service]\n{service}"), &env)
    }

    #[test]
    fn reads_keys_webhook_and_store_key_from_the_environment() {
        let hash = ApiKeyHash::of("sk_live_1").to_string();
        let config = read(&format!(
            "api_key_hashes = [\"{hash}\"]\nstore_key_env = \"KEY\"\nwebhook_url = \"https://shop.example/h\"\nwebhook_secret_env = \"HOOK\"\npublic_url = \"https://3ds.example/\""
        ))
        .unwrap();
        assert!(config.api_keys[0].matches("sk_live_1"));
        assert!(!config.api_keys[0].matches("sk_live_2"));
        assert_eq!(config.webhook.unwrap().secret.expose(), "whsec");
        assert_eq!(config.public_url.as_deref(), Some("https://3ds.example"));
        assert_eq!(config.router.accounts.len(), 1);
    }

    #[test]
    fn refuses_what_would_run_unsafely() {
        let hash = ApiKeyHash::of("k").to_string();
        let cases = [
            ("store_key_env = \"KEY\"".to_owned(), "api_key_hashes"),
            (format!("api_key_hashes = [\"{hash}\"]"), "store_key_env"),
            (format!("api_key_hashes = [\"{hash}\"]\nstore_key_env = \"NOPE\""), "NOPE is not set"),
            (format!("api_key_hashes = [\"{hash}\"]\nstore_key_env = \"KEY\"\nwebhook_url = \"https://x\""), "webhook_secret_env"),
            (format!("api_key_hashes = [\"{hash}\"]\nstore_key_env = \"KEY\"\nwebhook_url = \"ftp://x\"\nwebhook_secret_env = \"HOOK\""), "not an http(s) URL"),
            ("api_key_hashes = [\"md5:00\"]\nstore_key_env = \"KEY\"".to_owned(), "entry 1"),
            (format!("api_key_hashes = [\"{hash}\"]\nstore_key_env = \"KEY\"\napi_keys = [\"sk\"]"), "api_keys"),
        ];
        for (service, expected) in cases {
            let error = read(&service).unwrap_err().to_string();
            assert!(error.contains(expected), "{service}: {error}");
        }
        let error = ServiceConfig::from_toml(ROUTER, &env)
            .unwrap_err()
            .to_string();
        assert!(error.contains("no [service]"), "{error}");
    }
}
