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

/// Why a key cannot sign or verify. It names the key (the `which` the caller passed, such
/// as "Checkout webhook signature key") and never shows its value.
///
/// An empty key is refused although HMAC would accept it: a webhook secret that is empty
/// is a configuration mistake, and anyone could compute a MAC under it, so a signature made
/// with it proves nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The key has no bytes.
    #[error("the {which} is empty; configure the key the PSP signs with")]
    Empty { which: &'static str },
    /// The MAC implementation refused the key.
    #[error("the {which} cannot key HMAC-SHA256")]
    Rejected { which: &'static str },
}

/// The MAC of `parts` concatenated, keyed with `key` (`which` names it in the error).
pub fn hmac_sha256(which: &'static str, key: &[u8], parts: &[&[u8]]) -> Result<[u8; 32], KeyError> {
    Ok(keyed(which, key, parts)?.finalize().into_bytes().into())
}

/// Lower-case hex of the MAC (Checkout `Cko-Signature`).
pub fn sign_hex(which: &'static str, key: &[u8], parts: &[&[u8]]) -> Result<String, KeyError> {
    Ok(crate::hex::encode(&hmac_sha256(which, key, parts)?))
}

/// Standard base64 of the MAC (Paysafe `Signature`, PXP `X-Signature`).
pub fn sign_base64(which: &'static str, key: &[u8], parts: &[&[u8]]) -> Result<String, KeyError> {
    Ok(STANDARD.encode(hmac_sha256(which, key, parts)?))
}

/// Checks a hex signature (either case, surrounding whitespace ignored). `Ok(false)` when
/// the signature does not match or is not hex; an error when the key cannot be used.
pub fn verify_hex(
    which: &'static str,
    key: &[u8],
    parts: &[&[u8]],
    signature: &str,
) -> Result<bool, KeyError> {
    let mac = keyed(which, key, parts)?;
    Ok(decode_hex(signature.trim()).is_some_and(|expected| mac.verify_slice(&expected).is_ok()))
}

/// Checks a standard-base64 signature, like [`verify_hex`].
pub fn verify_base64(
    which: &'static str,
    key: &[u8],
    parts: &[&[u8]],
    signature: &str,
) -> Result<bool, KeyError> {
    let mac = keyed(which, key, parts)?;
    Ok(STANDARD
        .decode(signature.trim())
        .is_ok_and(|expected| mac.verify_slice(&expected).is_ok()))
}

/// The MAC state after `parts`: the one place a key is checked and used.
fn keyed(which: &'static str, key: &[u8], parts: &[&[u8]]) -> Result<HmacSha256, KeyError> {
    if key.is_empty() {
        return Err(KeyError::Empty { which });
    }
    let mut mac = HmacSha256::new_from_slice(key).map_err(|_| KeyError::Rejected { which })?;
    for part in parts {
        mac.update(part);
    }
    Ok(mac)
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

    const WHICH: &str = "test key";

    /// RFC 4231 test case 2.
    #[test]
    fn matches_rfc_4231_case_2() {
        assert_eq!(
            sign_hex(WHICH, b"Jefe", &[b"what do ya want ", b"for nothing?"]).unwrap(),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn verification_accepts_the_signature_and_nothing_else() {
        let verify = |key: &[u8], body: &[u8], sig: &str| verify_hex(WHICH, key, &[body], sig);
        let sig = sign_hex(WHICH, b"key", &[b"body"]).unwrap();
        assert_eq!(verify(b"key", b"body", &sig), Ok(true));
        assert_eq!(verify(b"key", b"body", &sig.to_uppercase()), Ok(true));
        assert_eq!(verify(b"key", b"body ", &sig), Ok(false));
        assert_eq!(verify(b"other", b"body", &sig), Ok(false));
        assert_eq!(verify(b"key", b"body", &sig[..62]), Ok(false));
        assert_eq!(verify(b"key", b"body", "zz"), Ok(false));
        let b64 = sign_base64(WHICH, b"key", &[b"id", b"ts", b"body"]).unwrap();
        assert_eq!(verify_base64(WHICH, b"key", &[b"idtsbody"], &b64), Ok(true));
        assert_eq!(
            verify_base64(WHICH, b"key", &[b"idtsbody"], "not base64!"),
            Ok(false)
        );
    }

    /// An empty key signs nothing and verifies nothing, not even a MAC computed under the
    /// empty key (which anyone can compute), and the error names the key.
    #[test]
    fn an_empty_key_is_an_error_naming_the_key() {
        let which = "Paysafe webhook key";
        let empty = KeyError::Empty { which };
        assert_eq!(sign_hex(which, b"", &[b"body"]), Err(empty.clone()));
        assert_eq!(sign_base64(which, b"", &[b"body"]), Err(empty.clone()));
        assert_eq!(hmac_sha256(which, b"", &[b"body"]), Err(empty.clone()));
        // The MAC an empty HMAC key gives for "body" (computed independently).
        let under_empty_key = "fsNhnqf5IXIbbYvsg+otDG1VfgsWTa9XfmLIzIjtdK4=";
        assert_eq!(
            verify_base64(which, b"", &[b"body"], under_empty_key),
            Err(empty.clone())
        );
        assert_eq!(verify_hex(which, b"", &[b"body"], "00"), Err(empty.clone()));
        assert_eq!(
            empty.to_string(),
            "the Paysafe webhook key is empty; configure the key the PSP signs with"
        );
    }

    /// Long keys are hashed first (RFC 2104), so they are usable, not an error.
    #[test]
    fn a_key_longer_than_the_block_is_usable() {
        let long = [7u8; 200];
        let sig = sign_base64(WHICH, &long, &[b"body"]).unwrap();
        assert_eq!(verify_base64(WHICH, &long, &[b"body"], &sig), Ok(true));
    }
}
