//! Keeping values out of messages.

/// Removes quoted values from a serde message (`invalid type: string "4111..."` becomes
/// `invalid type: string "…"`): the field is named by the path, the value may be a secret.
pub fn scrub(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
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
    out
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
}
