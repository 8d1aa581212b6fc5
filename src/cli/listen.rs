//! `--listen` for the commands that serve HTTP (`sandbox`, `serve`).

use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use threeds_wire::excerpt;

/// Why `--listen` cannot be bound; each names the flag and an excerpt of its value.
#[derive(Debug, thiserror::Error)]
pub enum ListenError {
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

/// The address to bind for `--listen TEXT`: an IP:PORT, or a NAME:PORT resolved here;
/// IPv4 is preferred when there are both. With `loopback_only` (the sandbox, and `serve
/// --sandbox`, which accept test credentials) every address the name resolves to must be
/// a loopback one: a name that also reaches the network would expose them.
pub fn resolve(text: &str, loopback_only: bool) -> Result<SocketAddr, ListenError> {
    let resolved: Vec<SocketAddr> = text
        .to_socket_addrs()
        .map_err(|source| ListenError::Unresolvable {
            text: text.to_owned(),
            source,
        })?
        .collect();
    if let Some(outside) = resolved
        .iter()
        .find(|a| loopback_only && !a.ip().is_loopback())
    {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_resolve_to_loopback_and_other_addresses_are_refused() {
        let local = resolve("localhost:0", true).unwrap();
        assert!(local.ip().is_loopback());
        assert_eq!(
            resolve("[::1]:9", true).unwrap(),
            "[::1]:9".parse().unwrap()
        );
        let refused = resolve("0.0.0.0:8480", true).unwrap_err().to_string();
        assert!(
            refused.contains("0.0.0.0 is not a loopback address"),
            "{refused}"
        );
        assert!(resolve("localhost", true).is_err(), "a port is required");
        // Without loopback_only (serve with a real config) any address binds.
        assert_eq!(
            resolve("0.0.0.0:8480", false).unwrap(),
            "0.0.0.0:8480".parse().unwrap()
        );
    }
}
