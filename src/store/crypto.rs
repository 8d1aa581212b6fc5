//! Values sealed at rest: PSP client secrets, the full normalized authentication (its
//! authentication value included) and stored idempotent responses.
//!
//! XChaCha20-Poly1305 with a random 24-byte nonce per value (random nonces of that size do
//! not collide in any realistic number of writes, so no counter has to be shared between
//! instances). Each value is bound to where it is stored (table, column and row id as
//! associated data), so a sealed value copied to another row does not open there. A value
//! that does not open (another key, or altered bytes) is an error naming the value, never
//! garbage.

use chacha20poly1305::aead::rand_core::RngCore;
use chacha20poly1305::aead::{Aead, KeyInit, OsRng, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use std::fmt;

/// The first byte of every sealed value: the format, so a later one can be told apart.
const FORMAT: u8 = 1;
const NONCE_LEN: usize = 24;

/// The store's 32-byte key. Its `Debug` redacts it; it is never logged or written.
#[derive(Clone)]
pub struct StoreKey([u8; 32]);

impl StoreKey {
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        StoreKey(bytes)
    }

    /// A new random key (for a throwaway store such as `serve --sandbox`'s).
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        OsRng.fill_bytes(&mut bytes);
        StoreKey(bytes)
    }

    /// A key written as 64 hexadecimal digits (what [`StoreKey::to_hex`] gives).
    pub fn from_hex(text: &str) -> Result<Self, KeyError> {
        let text = text.trim();
        match threeds_wire::hex::decode::<32>(text) {
            Ok(bytes) => Ok(StoreKey(bytes)),
            Err(threeds_wire::hex::DecodeError::Length(n)) => Err(KeyError::Length(n)),
            Err(threeds_wire::hex::DecodeError::Digit(at)) => Err(KeyError::Hex(at)),
        }
    }

    /// A 32-byte key for another purpose, derived from this one (HMAC-SHA256 of `label`),
    /// so one configured secret serves both and neither reveals the other. The service
    /// derives its browser client secrets this way: every instance with the store's key
    /// computes the same secret for an authentication, and none has to be stored.
    pub fn derive(&self, label: &str) -> [u8; 32] {
        threeds_wire::signature::hmac_sha256("store key", &self.0, &[label.as_bytes()])
            .unwrap_or(self.0)
    }

    /// The key as 64 hexadecimal digits, for a configuration file. Handle with care.
    pub fn to_hex(&self) -> String {
        threeds_wire::hex::encode(&self.0)
    }
}

impl fmt::Debug for StoreKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StoreKey([redacted])")
    }
}

/// A store key that could not be read. The messages never quote the key's text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("store key: 64 hexadecimal digits (32 bytes) expected, got {0} characters")]
    Length(usize),
    #[error("store key: not a hexadecimal digit pair at character {0}")]
    Hex(usize),
}

/// Seals and opens values with the store key.
pub(crate) struct Sealer {
    cipher: XChaCha20Poly1305,
}

/// A sealed value that did not open: the store key is not the one it was sealed with, or
/// the stored bytes were altered.
#[derive(Debug)]
pub(crate) struct OpenError;

impl Sealer {
    pub(crate) fn new(key: &StoreKey) -> Self {
        Sealer {
            cipher: XChaCha20Poly1305::new(&key.0.into()),
        }
    }

    /// `FORMAT || nonce || ciphertext and tag`, bound to `place` (where it is stored).
    pub(crate) fn seal(&self, place: &str, plaintext: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        OsRng.fill_bytes(&mut nonce);
        let payload = Payload {
            msg: plaintext,
            aad: place.as_bytes(),
        };
        // Encryption fails only for a message longer than the cipher's limit (256 GiB).
        let sealed = self
            .cipher
            .encrypt(XNonce::from_slice(&nonce), payload)
            .unwrap_or_default();
        let mut out = Vec::with_capacity(1 + NONCE_LEN + sealed.len());
        out.push(FORMAT);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        out
    }

    pub(crate) fn open(&self, place: &str, sealed: &[u8]) -> Result<Vec<u8>, OpenError> {
        let (format, rest) = sealed.split_first().ok_or(OpenError)?;
        if *format != FORMAT || rest.len() < NONCE_LEN {
            return Err(OpenError);
        }
        let (nonce, ciphertext) = rest.split_at(NONCE_LEN);
        let payload = Payload {
            msg: ciphertext,
            aad: place.as_bytes(),
        };
        self.cipher
            .decrypt(XNonce::from_slice(nonce), payload)
            .map_err(|_| OpenError)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_with_their_key_and_place() {
        let key = StoreKey::generate();
        let sealer = Sealer::new(&key);
        let sealed = sealer.seal("t.c:1", b"secret");
        assert_eq!(sealer.open("t.c:1", &sealed).ok(), Some(b"secret".to_vec()));
        assert!(sealer.open("t.c:2", &sealed).is_err());
        assert!(Sealer::new(&StoreKey::generate())
            .open("t.c:1", &sealed)
            .is_err());
        assert!(sealer.open("t.c:1", &[]).is_err());
        assert!(sealer.open("t.c:1", &sealed[..10]).is_err());
        // A nonce per value: the same secret seals differently each time.
        assert_ne!(sealed, sealer.seal("t.c:1", b"secret"));
    }

    #[test]
    fn keys_round_trip_as_hex_and_never_print() {
        let key = StoreKey::generate();
        let again = StoreKey::from_hex(&key.to_hex()).map(|k| k.0);
        assert_eq!(again.ok(), Some(key.0));
        assert_eq!(format!("{key:?}"), "StoreKey([redacted])");
        assert_eq!(StoreKey::from_hex("abc").err(), Some(KeyError::Length(3)));
        assert_eq!(
            StoreKey::from_hex(&"zz".repeat(32)).err(),
            Some(KeyError::Hex(0))
        );
        assert_eq!(
            StoreKey::from_hex(&"é".repeat(32)).err(),
            Some(KeyError::Length(32))
        );
    }
}
