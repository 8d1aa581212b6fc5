//! Starting and stopping the service: the store, the router, the sandbox (`--sandbox`),
//! the HTTP listener and the outbox worker.
//!
//! `--sandbox` is the embedded default: it starts the in-process sandbox, configures one
//! account per PSP (named after the PSP: `checkout`, `paysafe`, `mangopay`, `pxp`) with
//! the simulators' test credentials and one route over all of them, generates an API key
//! (or takes `THREEDS_BRIDGE_API_KEY`) and, without `--db`, keeps its store in a temporary
//! SQLite file removed at exit. With `--config` as well, the file's accounts and routes
//! are used, each account pointed at its PSP's simulator.
//!
//! Shutdown is graceful: the listener stops taking connections, requests in flight are
//! answered, the outbox worker finishes the delivery it is in, then the store closes.

use super::config::{ServiceConfig, WebhookTarget};
use super::engine::Engine;
use super::http::{routes, App};
use super::keys::{generate_api_key, ApiKeyHash, ClientSecrets};
use super::pages::DemoShop;
use crate::catalog::Catalog;
use crate::router::routes::{Filters, Route, RoutingTable};
use crate::router::{AccountConfig, BreakerSettings, Router, RouterConfig};
use crate::sandbox::{RunningSandbox, SandboxOptions};
use crate::store::{Store, StoreKey};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use threeds_wire::Secret;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// The environment variable `--sandbox` takes its API key from (else it generates one).
pub const SANDBOX_API_KEY_ENV: &str = "THREEDS_BRIDGE_API_KEY";
/// The environment variable `--sandbox` takes its store key from (64 hex digits; else it
/// generates one, and a `--db` file then opens only in this run).
pub const SANDBOX_STORE_KEY_ENV: &str = "THREEDS_BRIDGE_STORE_KEY";
/// The environment variable holding the secret for `--webhook-url`.
pub const WEBHOOK_SECRET_ENV: &str = "THREEDS_BRIDGE_WEBHOOK_SECRET";

/// How to run the service.
#[derive(Debug, Default)]
pub struct ServeOptions {
    pub listen: Option<SocketAddr>,
    /// `sqlite:PATH` or `postgres://...`; wins over the config's `db`.
    pub db: Option<String>,
    pub config: Option<ServiceConfig>,
    pub sandbox: bool,
    /// Wins over the config's webhook.
    pub webhook: Option<WebhookTarget>,
    /// How long one webhook delivery may take (default [`super::outbox::DELIVERY_TIMEOUT`]).
    pub webhook_timeout: Option<std::time::Duration>,
    /// Wins over the config's `public_url`.
    pub public_url: Option<String>,
    /// The environment lookup for the sandbox's keys (tests pass their own).
    pub env: Option<fn(&str) -> Option<String>>,
}

/// Why the service cannot start; each says what and where.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServeError {
    #[error("serve: give --config FILE, --sandbox, or both")]
    NothingToServe,
    #[error("serve: listen on {addr}: {source}")]
    Listen {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("serve: the sandbox: {0}")]
    Sandbox(String),
    #[error("serve: the catalogs: {0}")]
    Catalog(String),
    #[error("serve: {0}")]
    Router(#[from] crate::router::RouterError),
    #[error("serve: {0}")]
    Store(#[from] crate::store::StoreError),
    #[error("serve: {SANDBOX_STORE_KEY_ENV}: {0}")]
    StoreKey(crate::store::KeyError),
    #[error("serve: the demo: {0}")]
    Demo(String),
}

/// A running service.
pub struct RunningService {
    /// `http://ADDR` (or the configured public URL).
    pub base_url: String,
    pub addr: SocketAddr,
    /// The generated sandbox key (`None` when it came from the environment or a config).
    pub api_key: Option<Secret>,
    /// The store URL, for the banner.
    pub store_url: String,
    /// Whether the store is a temporary file removed at shutdown.
    pub temporary_store: bool,
    sandbox: Option<RunningSandbox>,
    shutdown: watch::Sender<bool>,
    server: JoinHandle<std::io::Result<()>>,
    worker: Option<JoinHandle<()>>,
    store: Arc<Store>,
    temp_db: Option<PathBuf>,
}

impl RunningService {
    /// The in-process sandbox (`--sandbox`).
    pub fn sandbox(&self) -> Option<&RunningSandbox> {
        self.sandbox.as_ref()
    }

    /// What `serve` prints: `base_url: ...`, `api_key: ...` and where things are.
    pub fn banner(&self) -> String {
        let mut out = format!("base_url: {}\n", self.base_url);
        if let Some(key) = &self.api_key {
            out.push_str(&format!("api_key: {}\n", key.expose()));
        }
        out.push_str(&format!(
            "store: {}{}\n",
            redact_url(&self.store_url),
            if self.temporary_store {
                " (temporary)"
            } else {
                ""
            }
        ));
        if let Some(sandbox) = &self.sandbox {
            out.push_str(&format!("sandbox: http://{}\n", sandbox.addr));
            out.push_str(&format!("demo: {}/demo\n", self.base_url));
        }
        out
    }

    /// Stops gracefully (module docs) and waits until everything is stopped.
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(true);
        self.finish().await;
    }

    /// Serves until interrupted (Ctrl-C or SIGTERM), then stops gracefully.
    pub async fn wait_for_signal(self) {
        let stop = self.shutdown.clone();
        tokio::spawn(async move {
            shutdown_signal().await;
            let _ = stop.send(true);
        });
        self.finish().await;
    }

    async fn finish(self) {
        let _ = self.server.await;
        if let Some(worker) = self.worker {
            let _ = worker.await;
        }
        self.store.close().await;
        if let Some(sandbox) = self.sandbox {
            sandbox.shutdown().await;
        }
        if let Some(path) = self.temp_db {
            for suffix in ["", "-wal", "-shm"] {
                let mut file = path.clone().into_os_string();
                file.push(suffix);
                let _ = std::fs::remove_file(file);
            }
        }
    }
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = tokio::signal::ctrl_c().await;
                    return;
                }
            };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// `postgres://user:password@host/db` with the password replaced.
fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:[redacted]{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// The sandbox's router config: one account per PSP with a simulator, named after it,
/// and one route over all of them in registry order.
fn sandbox_router(sandbox: &RunningSandbox) -> RouterConfig {
    let accounts: Vec<AccountConfig> = crate::psp::all()
        .into_iter()
        .filter_map(|psp| {
            let live = psp.live()?;
            let mut account = live.sandbox_account(&sandbox.base(psp.id().as_str()))?;
            account.name = psp.id().to_string();
            Some(AccountConfig {
                account,
                weight: None,
            })
        })
        .collect();
    let names = accounts.iter().map(|a| a.account.name.clone()).collect();
    RouterConfig {
        accounts,
        table: RoutingTable {
            routes: vec![Route {
                number: 1,
                filters: Filters::default(),
                accounts: names,
            }],
        },
        breaker: BreakerSettings::default(),
    }
}

/// Starts the service (module docs).
pub async fn start(options: ServeOptions) -> Result<RunningService, ServeError> {
    if options.config.is_none() && !options.sandbox {
        return Err(ServeError::NothingToServe);
    }
    let env = options.env.unwrap_or(|name| std::env::var(name).ok());
    let listen = options
        .listen
        .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080)));
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|source| ServeError::Listen {
            addr: listen,
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| ServeError::Listen {
        addr: listen,
        source,
    })?;
    let public_url = options
        .public_url
        .clone()
        .or_else(|| options.config.as_ref().and_then(|c| c.public_url.clone()))
        .unwrap_or_else(|| format!("http://{addr}"));
    let catalog = Arc::new(Catalog::builtin().map_err(|e| ServeError::Catalog(e.to_string()))?);

    let sandbox = if options.sandbox {
        let started = crate::sandbox::start(SandboxOptions {
            // Checkout's and PXP's webhooks: to the service, which finds the account.
            webhook_url: Some(format!("{public_url}/v1/notifications")),
            ..SandboxOptions::default()
        })
        .await
        .map_err(|e| ServeError::Sandbox(e.to_string()))?;
        Some(started)
    } else {
        None
    };

    let (router_config, mut api_keys, config_webhook, config_key, config_db) = match options.config
    {
        Some(config) => (
            Some(config.router),
            config.api_keys,
            config.webhook,
            Some(config.store_key),
            config.db,
        ),
        None => (None, Vec::new(), None, None, None),
    };
    let mut generated_key = None;
    let router_config = match (&sandbox, router_config) {
        (Some(sandbox), Some(config)) => config.against_sandbox(sandbox),
        (Some(sandbox), None) => sandbox_router(sandbox),
        (None, Some(config)) => config,
        (None, None) => return Err(ServeError::NothingToServe),
    };
    if sandbox.is_some() && api_keys.is_empty() {
        let key = match env(SANDBOX_API_KEY_ENV).filter(|k| !k.is_empty()) {
            Some(key) => Secret::new(key),
            None => {
                let key = generate_api_key();
                generated_key = Some(key.clone());
                key
            }
        };
        api_keys.push(ApiKeyHash::of(key.expose()));
    }
    let store_key = match config_key {
        Some(key) => key,
        None => match env(SANDBOX_STORE_KEY_ENV).filter(|k| !k.is_empty()) {
            Some(hex) => StoreKey::from_hex(&hex).map_err(ServeError::StoreKey)?,
            None => StoreKey::generate(),
        },
    };
    let (store_url, temp_db) = match options.db.or(config_db) {
        Some(url) => (url, None),
        None => {
            let path = std::env::temp_dir().join(format!(
                "threeds-bridge-{}.db",
                crate::store::new_authentication_id().trim_start_matches("auth_")
            ));
            (format!("sqlite:{}", path.display()), Some(path))
        }
    };
    let store = Arc::new(Store::open(&store_url, &store_key).await?);
    let router = Router::new(&router_config, catalog.clone())?;
    let engine = Engine::new(
        router,
        store.clone(),
        ClientSecrets::new(&store_key),
        public_url.trim_end_matches('/').to_owned(),
    );
    let wake = engine.outbox.clone();
    let demo = match &sandbox {
        Some(sandbox) => Some(
            DemoShop::new(sandbox, catalog.clone())
                .await
                .map_err(|e| ServeError::Demo(e.to_string()))?,
        ),
        None => None,
    };
    let app = Arc::new(App {
        engine,
        api_keys,
        openapi: super::openapi::document().to_string(),
        demo,
    });
    let (shutdown, mut stop) = watch::channel(false);
    let worker = options.webhook.or(config_webhook).map(|target| {
        tokio::spawn(super::outbox::run(
            store.clone(),
            target,
            options
                .webhook_timeout
                .unwrap_or(super::outbox::DELIVERY_TIMEOUT),
            wake,
            shutdown.subscribe(),
        ))
    });
    let server = tokio::spawn(async move {
        axum::serve(listener, routes(app))
            .with_graceful_shutdown(async move {
                let _ = stop.wait_for(|stopped| *stopped).await;
            })
            .await
    });
    Ok(RunningService {
        base_url: public_url,
        addr,
        api_key: generated_key,
        store_url,
        temporary_store: temp_db.is_some(),
        sandbox,
        shutdown,
        server,
        worker,
        store,
        temp_db,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn store_urls_lose_their_password_in_the_banner() {
        assert_eq!(
            super::redact_url("postgres://threeds:hunter2@127.0.0.1:5432/db"),
            "postgres://threeds:[redacted]@127.0.0.1:5432/db"
        );
        assert_eq!(super::redact_url("sqlite:/tmp/x.db"), "sqlite:/tmp/x.db");
    }
}
