//! Random identifiers in the shapes the PSPs use.

use rand::distributions::{Alphanumeric, DistString};
use rand::Rng;

/// `len` random lower-case letters and digits.
pub fn lower_alnum(len: usize) -> String {
    Alphanumeric
        .sample_string(&mut rand::thread_rng(), len)
        .to_ascii_lowercase()
}

/// `len` random characters of the standard base64 alphabet.
pub fn base64_chars(len: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut rng = rand::thread_rng();
    (0..len)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

/// A random RFC 4122 version-4 UUID in lower-case hex.
pub fn uuid_v4() -> String {
    let mut b: [u8; 16] = rand::thread_rng().gen();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex = crate::hex::encode(&b);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// `len` random decimal digits.
pub fn digits(len: usize) -> String {
    let mut rng = rand::thread_rng();
    (0..len)
        .map(|_| char::from(b'0' + rng.gen_range(0..10u8)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        let u = uuid_v4();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        assert!(lower_alnum(26)
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()));
        assert_eq!(base64_chars(44).len(), 44);
        assert!(digits(8).chars().all(|c| c.is_ascii_digit()));
    }
}
