//! HMAC-SHA256 signatures of webhook bodies, checked in constant time.
//!
//! Each PSP encodes the MAC differently (Checkout: hex in `Cko-Signature`; Paysafe and
//! PXP: base64). Verification decodes the header and compares MACs with
//! [`hmac::Mac::verify_slice`], whose comparison does not stop at the first differing
//! byte, so response timing tells an attacker nothing about how close a guess was.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// The MAC of `parts` concatenated, keyed with `key`.
pub fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    keyed(key, parts).finalize().into_bytes().into()
}

/// Lower-case hex of the MAC (Checkout `Cko-Signature`).
pub fn sign_hex(key: &[u8], parts: &[&[u8]]) -> String {
    hmac_sha256(key, parts)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Standard base64 of the MAC (Paysafe `Signature`, PXP `X-Signature`).
pub fn sign_base64(key: &[u8], parts: &[&[u8]]) -> String {
    STANDARD.encode(hmac_sha256(key, parts))
}

/// Checks a hex signature (either case, surrounding whitespace ignored).
pub fn verify_hex(key: &[u8], parts: &[&[u8]], signature: &str) -> bool {
    match decode_hex(signature.trim()) {
        Some(expected) => verify(key, parts, &expected),
        None => false,
    }
}

/// Checks a standard-base64 signature.
pub fn verify_base64(key: &[u8], parts: &[&[u8]], signature: &str) -> bool {
    match STANDARD.decode(signature.trim()) {
        Ok(expected) => verify(key, parts, &expected),
        Err(_) => false,
    }
}

fn verify(key: &[u8], parts: &[&[u8]], expected: &[u8]) -> bool {
    keyed(key, parts).verify_slice(expected).is_ok()
}

/// The MAC state after `parts`.
fn keyed(key: &[u8], parts: &[&[u8]]) -> HmacSha256 {
    // HMAC accepts keys of any length (long keys are hashed first), so this cannot fail;
    // the fallback keeps the function total without an `expect`.
    let mut mac = HmacSha256::new_from_slice(key)
        .unwrap_or_else(|_| <HmacSha256 as Mac>::new(&Default::default()));
    for part in parts {
        mac.update(part);
    }
    mac
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    let pairs = text.as_bytes().chunks_exact(2);
    if !pairs.remainder().is_empty() {
        return None;
    }
    pairs
        .map(|pair| {
            let hi = (pair[0] as char).to_digit(16)?;
            let lo = (pair[1] as char).to_digit(16)?;
            Some((hi * 16 + lo) as u8)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 4231 test case 2.
    #[test]
    fn matches_rfc_4231_case_2() {
        assert_eq!(
            sign_hex(b"Jefe", &[b"what do ya want ", b"for nothing?"]),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn verification_accepts_the_signature_and_nothing_else() {
        let sig = sign_hex(b"key", &[b"body"]);
        assert!(verify_hex(b"key", &[b"body"], &sig));
        assert!(verify_hex(b"key", &[b"body"], &sig.to_uppercase()));
        assert!(!verify_hex(b"key", &[b"body "], &sig));
        assert!(!verify_hex(b"other", &[b"body"], &sig));
        assert!(!verify_hex(b"key", &[b"body"], &sig[..62]));
        assert!(!verify_hex(b"key", &[b"body"], "zz"));
        let b64 = sign_base64(b"key", &[b"id", b"ts", b"body"]);
        assert!(verify_base64(b"key", &[b"idtsbody"], &b64));
        assert!(!verify_base64(b"key", &[b"idtsbody"], "not base64!"));
    }
}
