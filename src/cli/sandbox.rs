//! `threeds-bridge sandbox`: serve the four PSP simulators until interrupted.

use crate::sandbox::{start, SandboxOptions};
use clap::Args as ClapArgs;
use std::io::Write;
use std::net::SocketAddr;
use std::time::Duration;

#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Loopback address to listen on (port 0 picks a free one).
    #[arg(long, default_value = "127.0.0.1:8480")]
    listen: SocketAddr,
    /// Seconds a challenge waits for the cardholder before the authentication expires.
    #[arg(long, default_value_t = 600)]
    challenge_ttl: u64,
    /// Where Checkout workflow webhooks and PXP webhooks are sent (configured in those
    /// PSPs' dashboards, so not through their APIs).
    #[arg(long)]
    webhook_url: Option<String>,
    /// Do not print a line per request on stderr.
    #[arg(long)]
    quiet: bool,
}

pub fn run(args: &Args, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    if !args.listen.ip().is_loopback() {
        let _ = writeln!(
            err,
            "error: --listen {}: the sandbox accepts test credentials only and listens on loopback addresses only",
            args.listen
        );
        return 1;
    }
    let Some(runtime) = super::runtime(err) else {
        return 1;
    };
    let options = SandboxOptions {
        listen: args.listen,
        challenge_ttl: Duration::from_secs(args.challenge_ttl),
        webhook_url: args.webhook_url.clone(),
        log_requests: !args.quiet,
    };
    runtime.block_on(async {
        let sandbox = match start(options).await {
            Ok(s) => s,
            Err(e) => {
                let _ = writeln!(err, "error: --listen {}: {e}", args.listen);
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
