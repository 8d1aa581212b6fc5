//! `threeds-bridge sandbox`: serve every PSP simulator until interrupted.

use crate::sandbox::{start, SandboxOptions};
use clap::Args as ClapArgs;
use std::io::Write;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::time::Duration;
use threeds_wire::excerpt;
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

/// Why `--listen` cannot be bound; each names the flag and an excerpt of its value.
#[derive(Debug, thiserror::Error)]
enum ListenError {
    #[error("--listen {}: not an address or a resolvable HOST:PORT ({source})", excerpt(.text))]
    Unresolvable {
        text: String,
        source: std::io::Error,
    },
    #[error("--listen {}: {ip} is not a loopback address; the sandbox accepts test credentials only and listens on loopback addresses only (127.0.0.1:PORT, [::1]:PORT or localhost:PORT)", excerpt(.text))]
    NotLoopback { text: String, ip: IpAddr },
    #[error("--listen {}: the name resolves to no address", excerpt(.text))]
    NoAddress { text: String },
}

/// The address to bind for `--listen TEXT`: an IP:PORT, or a NAME:PORT resolved here.
/// Every address the name resolves to must be a loopback one (a name that also reaches
/// the network would expose test credentials); IPv4 is preferred when there are both.
fn loopback_address(text: &str) -> Result<SocketAddr, ListenError> {
    let resolved: Vec<SocketAddr> = text
        .to_socket_addrs()
        .map_err(|source| ListenError::Unresolvable {
            text: text.to_owned(),
            source,
        })?
        .collect();
    if let Some(outside) = resolved.iter().find(|a| !a.ip().is_loopback()) {
        return Err(ListenError::NotLoopback {
            text: text.to_owned(),
            ip: outside.ip(),
        });
    }
    resolved
        .iter()
        .find(|a| a.is_ipv4())
        .or_else(|| resolved.first())
        .copied()
        .ok_or_else(|| ListenError::NoAddress {
            text: text.to_owned(),
        })
}

pub fn run(args: &Args, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let listen = match loopback_address(&args.listen) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_resolve_to_loopback_and_other_addresses_are_refused() {
        let local = loopback_address("localhost:0").unwrap();
        assert!(local.ip().is_loopback());
        assert_eq!(
            loopback_address("[::1]:9").unwrap(),
            "[::1]:9".parse().unwrap()
        );
        let refused = loopback_address("0.0.0.0:8480").unwrap_err().to_string();
        assert!(
            refused.contains("0.0.0.0 is not a loopback address"),
            "{refused}"
        );
        assert!(loopback_address("localhost").is_err(), "a port is required");
    }
}
