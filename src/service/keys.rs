//! Who may call: the merchant's secret keys (kept only as hashes) and the per-authentication
//! client secrets the browser helper uses.
//!
//! A client secret is not stored anywhere: it is the HMAC of the authentication's id under
//! a key derived from the store key, so every instance sharing the store computes the
//! same one, and a database dump gives none of them.

use crate::service::api::ClientSecret;
use crate::store::StoreKey;
use sha2::{Digest, Sha256};
use std::fmt;
use threeds_wire::Secret;

/// The SHA-256 of a secret API key, as the config lists it (`sha256:<64 hex>`).
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKeyHash([u8; 32]);

impl ApiKeyHash {
    /// The hash of `key`.
    pub fn of(key: &str) -> ApiKeyHash {
        ApiKeyHash(Sha256::digest(key.as_bytes()).into())
    }

    /// Reads `sha256:<64 hex digits>`.
    pub fn parse(text: &str) -> Result<ApiKeyHash, String> {
        let hex = text
            .strip_prefix("sha256:")
            .ok_or("expected sha256:<64 hex digits> (the hash, never the key itself)")?;
        let bytes = threeds_wire::hex::decode::<32>(hex)
            .map_err(|_| "expected 64 hex digits after sha256:")?;
        Ok(ApiKeyHash(bytes))
    }

    /// Whether `key` hashes to this (the hashes are compared, never the keys, so the
    /// comparison's timing tells nothing about a key).
    pub fn matches(&self, key: &str) -> bool {
        ApiKeyHash::of(key) == *self
    }

    /// A short public name for logs: the first 8 hex digits of the hash.
    pub fn label(&self) -> String {
        threeds_wire::hex::encode(&self.0[..4])
    }
}

impl fmt::Display for ApiKeyHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "sha256:{}", threeds_wire::hex::encode(&self.0))
    }
}

impl fmt::Debug for ApiKeyHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ApiKeyHash({})", self.label())
    }
}

/// A new random secret key, `sk_test_` and 32 hex digits (128 random bits).
pub fn generate_api_key() -> Secret {
    use chacha20poly1305::aead::rand_core::RngCore;
    let mut bytes = [0u8; 16];
    chacha20poly1305::aead::OsRng.fill_bytes(&mut bytes);
    Secret::new(format!("sk_test_{}", threeds_wire::hex::encode(&bytes)))
}

/// Computes and checks client secrets (`cs_` and 64 hex digits).
#[derive(Clone)]
pub struct ClientSecrets([u8; 32]);

impl ClientSecrets {
    pub fn new(store_key: &StoreKey) -> ClientSecrets {
        ClientSecrets(store_key.derive("threeds-bridge service client secret v1"))
    }

    /// The client secret of authentication `id`.
    pub fn of(&self, id: &str) -> ClientSecret {
        let mac = threeds_wire::signature::hmac_sha256("client secret", &self.0, &[id.as_bytes()])
            .unwrap_or([0; 32]);
        ClientSecret::new(format!("cs_{}", threeds_wire::hex::encode(&mac)))
    }

    /// Whether `given` is authentication `id`'s client secret (compared in constant time).
    pub fn verify(&self, id: &str, given: &str) -> bool {
        let expected = self.of(id);
        let (a, b) = (expected.expose().as_bytes(), given.as_bytes());
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_key_hashes_round_trip_and_match_only_their_key() {
        // SHA-256("test") is the well-known 9f86d081...
        let hash = ApiKeyHash::of("test");
        assert_eq!(
            hash.to_string(),
            "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
        );
        assert_eq!(ApiKeyHash::parse(&hash.to_string()), Ok(hash.clone()));
        assert!(hash.matches("test") && !hash.matches("Test"));
        assert!(ApiKeyHash::parse("9f86d081").is_err());
        assert!(ApiKeyHash::parse("sha256:zz").is_err());
        assert_eq!(format!("{hash:?}"), "ApiKeyHash(9f86d081)");
    }

    #[test]
    fn client_secrets_are_per_authentication_and_per_key() {
        let key = StoreKey::from_bytes([7; 32]);
        let secrets = ClientSecrets::new(&key);
        let a = secrets.of("auth_a");
        assert!(a.expose().starts_with("cs_") && a.expose().len() == 67);
        assert!(secrets.verify("auth_a", a.expose()));
        assert!(!secrets.verify("auth_b", a.expose()));
        assert!(!secrets.verify("auth_a", &a.expose()[..66]));
        // Another instance with the same store key computes the same secret; another key not.
        assert_eq!(ClientSecrets::new(&key).of("auth_a"), a);
        assert_ne!(
            ClientSecrets::new(&StoreKey::from_bytes([8; 32])).of("auth_a"),
            a
        );
        assert!(generate_api_key().expose().starts_with("sk_test_"));
    }
}
