//! `threeds-bridge serve`: the authentication service until interrupted.

use crate::service::server::WEBHOOK_SECRET_ENV;
use crate::service::{start, ServeOptions, ServiceConfig, WebhookTarget};
use clap::Args as ClapArgs;
use std::io::Write;
use std::path::PathBuf;
use threeds_wire::Secret;

#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Address to listen on, as IP:PORT or NAME:PORT. With --sandbox it must be a loopback
    /// address (the sandbox's accounts use test credentials). Port 0 picks a free one.
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "HOST:PORT")]
    listen: String,
    /// The store: sqlite:PATH (created if missing) or postgres://USER:PASSWORD@HOST/DB.
    /// Default: the config's `db`; with --sandbox and no config, a temporary SQLite file.
    #[arg(long, value_name = "URL")]
    db: Option<String>,
    /// The service config: the router's [[account]]s and [[route]]s and a [service] table
    /// (API key hashes, store key variable, webhook). See docs/service-api.md.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Start the in-process sandbox and one account per PSP with its test credentials;
    /// prints `base_url:` and `api_key:` lines. With --config, its accounts are pointed at
    /// the sandbox.
    #[arg(long)]
    sandbox: bool,
    /// Deliver authentication.updated webhooks here, signed with the secret in the
    /// THREEDS_BRIDGE_WEBHOOK_SECRET environment variable (wins over the config's).
    #[arg(long, value_name = "URL")]
    webhook_url: Option<String>,
    /// Seconds one webhook delivery may take before it counts as failed and is retried
    /// (with backoff); an event is leased for this and 5 seconds more.
    #[arg(long, default_value_t = 10, value_name = "SECS")]
    webhook_timeout: u64,
    /// The service's URL as browsers and PSPs reach it (default: http:// and the listen
    /// address).
    #[arg(long, value_name = "URL")]
    public_url: Option<String>,
    /// Read a secret API key on stdin and print the `sha256:...` line the config's
    /// api_key_hashes takes, then exit.
    #[arg(long, exclusive = true)]
    hash_api_key: bool,
}

pub fn run(args: &Args, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    if args.hash_api_key {
        let mut key = String::new();
        if let Err(e) = std::io::stdin().read_line(&mut key) {
            let _ = writeln!(err, "error: --hash-api-key: reading stdin: {e}");
            return 1;
        }
        let key = key.trim_end_matches(['\r', '\n']);
        if key.is_empty() {
            let _ = writeln!(err, "error: --hash-api-key: stdin holds no key");
            return 1;
        }
        let _ = writeln!(out, "{}", crate::service::keys::ApiKeyHash::of(key));
        return 0;
    }
    let listen = match super::listen::resolve(&args.listen, args.sandbox) {
        Ok(a) => a,
        Err(message) => {
            let _ = writeln!(err, "error: {message}");
            return 2;
        }
    };
    let config = match &args.config {
        Some(path) => match ServiceConfig::load(path) {
            Ok(c) => Some(c),
            Err(e) => {
                let _ = writeln!(err, "error: {e}");
                return 1;
            }
        },
        None => None,
    };
    let webhook = match &args.webhook_url {
        None => None,
        Some(url) => match std::env::var(WEBHOOK_SECRET_ENV)
            .ok()
            .filter(|s| !s.is_empty())
        {
            Some(secret) => Some(WebhookTarget {
                url: url.clone(),
                secret: Secret::new(secret),
            }),
            None => {
                let _ = writeln!(
                    err,
                    "error: --webhook-url: {WEBHOOK_SECRET_ENV} is not set; webhooks are always signed"
                );
                return 2;
            }
        },
    };
    let Some(runtime) = super::runtime(err) else {
        return 1;
    };
    runtime.block_on(async {
        let options = ServeOptions {
            listen: Some(listen),
            db: args.db.clone(),
            config,
            sandbox: args.sandbox,
            webhook,
            webhook_timeout: Some(std::time::Duration::from_secs(args.webhook_timeout.max(1))),
            public_url: args.public_url.clone(),
            env: None,
        };
        let service = match start(options).await {
            Ok(s) => s,
            Err(e) => {
                let _ = writeln!(err, "error: {e}");
                return 1;
            }
        };
        // The banner goes out at once so scripts can read the address and key.
        let _ = write!(out, "{}", service.banner());
        let _ = out.flush();
        service.wait_for_signal().await;
        0
    })
}
