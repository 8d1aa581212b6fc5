//! How a normalized document is printed: one JSON object, contract fields in order, with an
//! `explain` object when asked.

use crate::model::Authentication;
use crate::normalize::{Explain, Normalized};
use serde::Serialize;
use std::fmt::Display;
use threeds_wire::with_secrets_revealed;

#[derive(Serialize)]
struct Line<'a> {
    #[serde(flatten)]
    authentication: &'a Authentication,
    #[serde(skip_serializing_if = "Option::is_none")]
    explain: Option<&'a Explain>,
}

/// Output options.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Add the `explain` object.
    pub explain: bool,
    /// Print the authentication value instead of its redaction marker.
    pub reveal_secrets: bool,
    /// Pretty-print (golden files) instead of one line (JSON Lines).
    pub pretty: bool,
}

/// Renders one normalized document.
pub fn render(n: &Normalized, options: Options) -> String {
    let mut buf = Vec::new();
    render_into(n, options, &mut buf);
    // The serializer writes UTF-8 only; a lossy conversion would never change a byte.
    String::from_utf8(buf).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Appends one normalized document's rendering to `buf`, without building it as a tree or
/// a `String` first: `normalize` renders every document into one reused buffer.
pub fn render_into(n: &Normalized, options: Options, buf: &mut Vec<u8>) {
    let line = Line {
        authentication: &n.authentication,
        explain: options.explain.then_some(&n.explain),
    };
    let start = buf.len();
    let mut write = || {
        if options.pretty {
            serde_json::to_writer_pretty(&mut *buf, &line)
        } else {
            serde_json::to_writer(&mut *buf, &line)
        }
    };
    let result = if options.reveal_secrets {
        with_secrets_revealed(write)
    } else {
        write()
    };
    // Serializing plain structs of strings, numbers and enums cannot fail; if it ever did,
    // say so in the output rather than panic or print nothing (or half a document).
    if let Err(e) = result {
        buf.truncate(start);
        buf.extend_from_slice(
            format!("{{\"error\":\"output serialization failed: {e}\"}}").as_bytes(),
        );
    }
}

/// The longest diagnostic message, in characters: room for a few excerpts and the paths
/// that name them. A message built elsewhere that is longer is cut here.
pub const MESSAGE_CHARS: usize = 4 * threeds_wire::EXCERPT_CHARS;

/// A diagnostic (an error or a warning) as every front end reports it: card numbers masked
/// wherever they stand and the text cut at [`MESSAGE_CHARS`], with the full length noted.
/// The command line's stderr lines and the Python package's exceptions carry this text.
pub fn diagnostic_message(message: &dyn Display) -> String {
    let text = message.to_string();
    let cut = text
        .char_indices()
        .nth(MESSAGE_CHARS)
        .map_or(text.len(), |(i, _)| i);
    let masked = threeds_wire::mask_pans(&text[..cut]);
    if cut < text.len() {
        format!("{masked}…({} bytes)", text.len())
    } else {
        masked.into_owned()
    }
}
