//! PXP's `threeDSecureFingerprintData` is the EMV `threeDSMethodData`: base64 of a JSON
//! object `{"threeDSServerTransID": ..., "threeDSMethodNotificationURL": ...}` (decoded from
//! PXP's integrated pre-initiate example, developer.pxp.io/guides/3ds/exemptions). Reading it is the only confirmed
//! place where PXP states the 3DS Server transaction id.
//!
//! A small decoder is written here rather than pulling a crate into the shared lock file; it
//! accepts the standard and URL-safe alphabets, with or without padding (PXP's standalone
//! guide shows the value unpadded), and never panics.

use serde::Deserialize;

/// The decoded 3DS Method data.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct ThreeDsMethodData {
    #[serde(rename = "threeDSServerTransID")]
    pub three_ds_server_trans_id: Option<String>,
    #[serde(rename = "threeDSMethodNotificationURL")]
    pub notification_url: Option<String>,
}

/// Decodes base64 (standard or URL-safe, padding optional). `None` on any invalid input.
pub fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    let mut padding = 0usize;
    for b in text.trim().bytes() {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => {
                padding += 1;
                continue;
            }
            _ => return None,
        };
        if padding > 0 {
            return None; // data after padding
        }
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((acc >> bits) & 0xFF) as u8);
        }
    }
    if padding > 2 || bits >= 6 {
        return None;
    }
    Some(out)
}

/// Decodes `threeDSecureFingerprintData`. `None` when it is not base64 of a JSON object.
pub fn decode_method_data(data: &str) -> Option<ThreeDsMethodData> {
    let bytes = decode_base64(data)?;
    serde_json::from_slice(&bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_pxp_sample_fingerprint_data() {
        let data = "eyJ0aHJlZURTU2VydmVyVHJhbnNJRCI6IjkxODBjODExLWFlNjgtNGI0MC04OTEwLWJmZTc0YTI2ZDY1YSIsInRocmVlRFNNZXRob2ROb3RpZmljYXRpb25VUkwiOiJodHRwczovL3d3dy50ZXN0LTAzIn0=";
        let m = decode_method_data(data).unwrap();
        assert_eq!(
            m.three_ds_server_trans_id.as_deref(),
            Some("9180c811-ae68-4b40-8910-bfe74a26d65a")
        );
        assert_eq!(m.notification_url.as_deref(), Some("https://www.test-03"));
    }

    #[test]
    fn unpadded_standalone_guide_sample() {
        let data = "eyJ0aHJlZURTU2VydmVyVHJhbnNJRCI6IjNhYzdjYWE3LWFhNDItMjY2My03OTFiLTJhYzA1YTU0MmM0YSIsInRocmVlRFNNZXRob2ROb3RpZmljYXRpb25VUkwiOiJ0aHJlZURTTWV0aG9kTm90aWZpY2F0aW9uVVJMIn0";
        let m = decode_method_data(data).unwrap();
        assert_eq!(
            m.three_ds_server_trans_id.as_deref(),
            Some("3ac7caa7-aa42-2663-791b-2ac05a542c4a")
        );
    }

    #[test]
    fn garbage_never_panics() {
        for s in ["", "=", "a", "ab=c", "!!!!", "YQ===", "eyJ", "bm90IGpzb24="] {
            assert_eq!(decode_method_data(s), None, "{s}");
        }
        assert_eq!(decode_base64("YQ==").unwrap(), b"a");
        assert_eq!(decode_base64("YWI").unwrap(), b"ab");
    }
}
