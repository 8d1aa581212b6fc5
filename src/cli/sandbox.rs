//! `threeds-bridge sandbox`: serve every PSP simulator until interrupted.

use crate::sandbox::{start, SandboxOptions};
use clap::Args as ClapArgs;
use std::io::Write;
use std::time::Duration;
use threeds_wire::sandbox::ConnectionLimits;

#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Loopback address to listen on, as IP:PORT or NAME:PORT (`localhost:8480`); a name
    /// must resolve to loopback addresses only. Port 0 picks a free one.
    #[arg(long, default_value = "127.0.0.1:8480", value_name = "HOST:PORT")]
    listen: String,
    /// Seconds a challenge waits for the cardholder before the authentication expires.
    #[arg(long, default_value_t = 600, value_name = "SECS")]
    challenge_ttl: u64,
    /// Where Checkout workflow webhooks and PXP webhooks are sent (configured in those
    /// PSPs' dashboards, so not through their APIs).
    #[arg(long, value_name = "URL")]
    webhook_url: Option<String>,
    /// Seconds the simulators keep what clients created (sessions, pay-ins,
    /// authentications, stored answers, the webhook log) before forgetting it.
    #[arg(long, default_value_t = 3600, value_name = "SECS")]
    retention: u64,
    /// Seconds a connection may take to send a request header (a client that connects
    /// and sends nothing, or half a header, is dropped after it).
    #[arg(long, default_value_t = 10, value_name = "SECS")]
    header_timeout: u64,
    /// Seconds a connection may stay open between requests.
    #[arg(long, default_value_t = 60, value_name = "SECS")]
    idle_timeout: u64,
    /// Do not print a line per request on stderr.
    #[arg(long)]
    quiet: bool,
}

pub fn run(args: &Args, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let listen = match super::listen::resolve(&args.listen, true) {
        Ok(a) => a,
        Err(message) => {
            let _ = writeln!(err, "error: {message}");
            return 1;
        }
    };
    let Some(runtime) = super::runtime(err) else {
        return 1;
    };
    let options = SandboxOptions {
        listen,
        challenge_ttl: Duration::from_secs(args.challenge_ttl),
        webhook_url: args.webhook_url.clone(),
        log_requests: !args.quiet,
        retention: Duration::from_secs(args.retention),
        limits: ConnectionLimits {
            header_read: Duration::from_secs(args.header_timeout),
            idle: Duration::from_secs(args.idle_timeout),
        },
        ..SandboxOptions::default()
    };
    runtime.block_on(async {
        let sandbox = match start(options).await {
            Ok(s) => s,
            Err(e) => {
                let _ = writeln!(err, "error: --listen {listen}: {e}");
                return 1;
            }
        };
        // The banner goes out at once so scripts can read the address.
        let _ = write!(out, "{}", sandbox.banner());
        let _ = out.flush();
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = sandbox.wait() => {}
        }
        0
    })
}
