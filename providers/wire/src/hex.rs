//! Lower-case hexadecimal text of bytes, the one encoder every signature, id and hash
//! here uses: a table lookup per nibble, because formatting each byte with `{:02x}`
//! costs a formatter call per byte, and ids and hashes are written on every request.

const DIGITS: &[u8; 16] = b"0123456789abcdef";

/// `bytes` as lower-case hex, two digits per byte.
pub fn encode(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len() * 2);
    push(&mut text, bytes);
    text
}

/// Appends `bytes` as lower-case hex to `text`.
pub fn push(text: &mut String, bytes: &[u8]) {
    text.reserve(bytes.len() * 2);
    for b in bytes {
        text.push(char::from(DIGITS[usize::from(b >> 4)]));
        text.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
}

/// Why hex text is not the `N` bytes asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecodeError {
    /// The text has this many characters, not `2 * N`.
    Length(usize),
    /// The digit pair starting at this byte offset is not hexadecimal.
    Digit(usize),
}

/// Exactly `N` bytes written as `2 * N` hex digits (either case).
pub fn decode<const N: usize>(text: &str) -> Result<[u8; N], DecodeError> {
    if text.len() != 2 * N || !text.is_ascii() {
        return Err(DecodeError::Length(text.chars().count()));
    }
    let digit = |c: u8| char::from(c).to_digit(16);
    let mut out = [0u8; N];
    for (i, (byte, pair)) in out
        .iter_mut()
        .zip(text.as_bytes().chunks_exact(2))
        .enumerate()
    {
        match (digit(pair[0]), digit(pair[1])) {
            (Some(high), Some(low)) => *byte = (high * 16 + low) as u8,
            _ => return Err(DecodeError::Digit(2 * i)),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte_is_two_lower_case_digits_as_the_formatter_writes_them() {
        let bytes: Vec<u8> = (0..=255).collect();
        let expected: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(encode(&bytes), expected);
        let mut text = String::from("id_");
        push(&mut text, &[0x00, 0xab, 0xff]);
        assert_eq!(text, "id_00abff");
        assert_eq!(encode(&[]), "");
    }

    #[test]
    fn decoding_takes_either_case_and_says_where_it_fails() {
        assert_eq!(decode::<3>("00ABff"), Ok([0x00, 0xab, 0xff]));
        assert_eq!(decode::<2>(&encode(&[0x12, 0x34])), Ok([0x12, 0x34]));
        assert_eq!(decode::<2>("123"), Err(DecodeError::Length(3)));
        assert_eq!(decode::<2>("12345"), Err(DecodeError::Length(5)));
        assert_eq!(decode::<2>("12x4"), Err(DecodeError::Digit(2)));
        assert_eq!(decode::<1>("+1"), Err(DecodeError::Digit(0)));
        assert_eq!(decode::<2>("ééé"), Err(DecodeError::Length(3)));
    }
}
