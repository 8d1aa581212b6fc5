//! Keeping values out of messages.
//!
//! Three rules every warning and error follows, whatever produced it:
//! * a quoted value in a serde message is dropped ([`scrub`]): the JSON path names the field,
//!   and the value may be a secret;
//! * any run of 13 to 19 digits that passes the Luhn check is masked to its BIN and last four
//!   wherever it stands ([`mask_pans`]), as ActiveMerchant's transcript scrubbers do: a card
//!   number put in a wrong field is still a card number;
//! * a PSP value quoted in a message is at most [`EXCERPT_CHARS`] characters ([`excerpt`]):
//!   a 5 MB field is named, not echoed;
//! * a whole message is at most about [`MESSAGE_BYTES`] bytes ([`bounded`]): the backstop for
//!   a template that quotes a value without [`excerpt`].

use crate::secret::luhn_valid;
use std::borrow::Cow;

/// The most characters of any one value a message quotes.
pub const EXCERPT_CHARS: usize = 200;

/// The most bytes of a whole message [`bounded`] keeps (its head and its tail), plus the
/// marker saying how long it was.
pub const MESSAGE_BYTES: usize = 800;

/// How much of [`MESSAGE_BYTES`] is the message's tail: templates put what went wrong at the
/// end (`... is not in the catalog; reported as unknown`), so the tail is kept too.
const TAIL_BYTES: usize = 200;

/// Removes quoted values from a serde message (`invalid type: string "4111..."` becomes
/// `invalid type: string "…"`) and masks card numbers in what is left (serde quotes integers
/// with backticks: ``invalid type: integer `4000000000001091` ``).
pub fn scrub(message: &str) -> String {
    let mut out = String::with_capacity(message.len().min(4 * EXCERPT_CHARS));
    let mut in_quote = false;
    for c in message.chars() {
        match (c, in_quote) {
            ('"', false) => {
                in_quote = true;
                out.push_str("\"…");
            }
            ('"', true) => {
                in_quote = false;
                out.push('"');
            }
            (_, true) => {}
            (c, false) => out.push(c),
        }
    }
    excerpt(&out).into_owned()
}

/// At most [`EXCERPT_CHARS`] characters of `value`, with card numbers masked; a cut value
/// ends with `…(N bytes)` so the reader knows it was cut and how long it was.
pub fn excerpt(value: &str) -> Cow<'_, str> {
    let cut = value
        .char_indices()
        .nth(EXCERPT_CHARS)
        .map_or(value.len(), |(i, _)| i);
    let cut = outside_digit_run_backward(value, cut);
    let head = &value[..cut];
    let masked = mask_pans(head);
    if cut == value.len() {
        masked
    } else {
        Cow::Owned(format!("{masked}…({} bytes)", value.len()))
    }
}

/// `message` with card numbers masked and, when longer than [`MESSAGE_BYTES`], cut to its
/// head and tail around `…(N bytes)…`. Cuts fall on character boundaries and never inside a
/// run of digits, so no cut leaves a card number's digits unmasked beside the marker.
pub fn bounded(message: &str) -> Cow<'_, str> {
    if message.len() <= MESSAGE_BYTES {
        return mask_pans(message);
    }
    let head_end = outside_digit_run_backward(
        message,
        floor_char_boundary(message, MESSAGE_BYTES - TAIL_BYTES),
    );
    let tail_start = outside_digit_run_forward(
        message,
        ceil_char_boundary(message, message.len() - TAIL_BYTES),
    );
    Cow::Owned(format!(
        "{}…({} bytes)…{}",
        mask_pans(&message[..head_end]),
        message.len(),
        mask_pans(&message[tail_start..])
    ))
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_char_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// `cut`, moved back to the start of the digit run it falls inside, if any.
fn outside_digit_run_backward(text: &str, mut cut: usize) -> usize {
    let bytes = text.as_bytes();
    if bytes.get(cut).is_some_and(u8::is_ascii_digit) {
        while cut > 0 && bytes[cut - 1].is_ascii_digit() {
            cut -= 1;
        }
    }
    cut
}

/// `start`, moved forward past the digit run it falls inside, if any.
fn outside_digit_run_forward(text: &str, mut start: usize) -> usize {
    let bytes = text.as_bytes();
    if start > 0 && bytes.get(start - 1).is_some_and(u8::is_ascii_digit) {
        while bytes.get(start).is_some_and(u8::is_ascii_digit) {
            start += 1;
        }
    }
    start
}

/// Masks every run of 13 to 19 ASCII digits that passes the Luhn check to its first six and
/// last four digits (`400000******1091`). Other digit runs are left alone.
pub fn mask_pans(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        let run = &text[start..i];
        if (13..=19).contains(&run.len()) && luhn_valid(run) {
            let buf = out.get_or_insert_with(|| String::with_capacity(text.len()));
            buf.push_str(&text[copied..start]);
            buf.push_str(&run[..6]);
            buf.extend(std::iter::repeat_n('*', run.len() - 10));
            buf.push_str(&run[run.len() - 4..]);
            copied = i;
        }
    }
    match out {
        Some(mut buf) => {
            buf.push_str(&text[copied..]);
            Cow::Owned(buf)
        }
        None => Cow::Borrowed(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrub_hides_quoted_values_only() {
        assert_eq!(
            scrub(r#"invalid type: string "4111111111111111", expected u8 at line 1"#),
            r#"invalid type: string "…", expected u8 at line 1"#
        );
        assert_eq!(scrub("missing field `id`"), "missing field `id`");
    }

    #[test]
    fn scrub_masks_a_card_number_outside_quotes() {
        assert_eq!(
            scrub("invalid type: integer `4000000000001091`, expected a string"),
            "invalid type: integer `400000******1091`, expected a string"
        );
    }

    #[test]
    fn mask_pans_keeps_digit_runs_that_are_not_card_numbers() {
        // 16 digits failing Luhn, a 12-digit run and a 20-digit run stay as they are.
        let text = "ids 4000000000001092 123456789012 40000000000010910000";
        assert_eq!(mask_pans(text), text);
        assert_eq!(mask_pans("pan=5555555555554444;"), "pan=555555******4444;");
    }

    #[test]
    fn excerpt_cuts_long_values_on_a_char_boundary_and_says_how_long_they_were() {
        let long = "é".repeat(5000);
        let short = excerpt(&long);
        assert_eq!(short.chars().filter(|c| *c == 'é').count(), EXCERPT_CHARS);
        assert!(short.ends_with("…(10000 bytes)"), "{short}");
        assert_eq!(excerpt("short"), "short");
    }

    #[test]
    fn excerpt_never_cuts_a_card_number_in_two() {
        // The 200-character cut falls inside the card number: the number is left out whole
        // rather than shown as a 10-digit head.
        let text = format!("{}4000000000001091 tail", "x".repeat(EXCERPT_CHARS - 10));
        let short = excerpt(&text);
        assert!(!short.contains("4000000000"), "{short}");
        assert!(
            short.ends_with(&format!("…({} bytes)", text.len())),
            "{short}"
        );
    }

    #[test]
    fn bounded_keeps_head_and_tail_of_a_long_message_and_masks_card_numbers() {
        let message = format!(
            "code '4000000000001091{}' is not in the catalog; reported as unknown",
            "a".repeat(5_000_000)
        );
        let short = bounded(&message);
        assert!(short.len() <= MESSAGE_BYTES + 40, "{}", short.len());
        assert!(short.starts_with("code '400000******1091aaa"), "{short}");
        assert!(short.ends_with("is not in the catalog; reported as unknown"));
        assert!(short.contains(&format!("…({} bytes)…", message.len())));
        assert_eq!(bounded("pan 5555555555554444"), "pan 555555******4444");
        // Cuts inside a digit run move to its edge: no piece of a longer run is shown.
        let digits = "7".repeat(2 * MESSAGE_BYTES);
        assert_eq!(bounded(&digits), format!("…({} bytes)…", digits.len()));
    }
}
