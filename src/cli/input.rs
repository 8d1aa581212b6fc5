//! Reading documents from files or stdin, one at a time, in memory bounded by a limit.
//!
//! A file is JSON Lines when its first non-empty line is a document by itself (a JSON value
//! or a Mangopay hook query string): every non-empty line is then one document, and a bad
//! line is reported and skipped. Otherwise the file is pretty-printed JSON: one document, or
//! several concatenated (`{...}\n{...}`), each reported by the line it starts on.
//!
//! No line and no pretty-printed document is held in memory beyond `max_bytes`: a longer
//! line is counted while it is read, reported with its length and skipped, so a 200 MB line
//! costs the limit, not 200 MB. A UTF-8 byte order mark at the start is accepted.

use serde::de::IgnoredAny;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

/// The default `--max-line-bytes`: 16 MiB.
pub const DEFAULT_MAX_LINE_BYTES: usize = 16 * 1024 * 1024;

const BOM: &str = "\u{feff}";

/// One document's text and the line it starts on.
pub struct Document {
    pub line: usize,
    pub text: String,
}

/// A part of the input that is not handed over as a document, and why. The caller names
/// the file and [`Skipped::line`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Skipped {
    /// A line (JSON Lines) or a pretty-printed document longer than the limit.
    #[error("{what} of {bytes} bytes is longer than --max-line-bytes {max}; skipped")]
    TooLong {
        line: usize,
        bytes: usize,
        max: usize,
        what: &'static str,
    },
    /// A line that is not UTF-8.
    #[error("the line is not UTF-8; skipped")]
    NotUtf8 { line: usize },
}

impl Skipped {
    pub fn line(&self) -> usize {
        match self {
            Self::TooLong { line, .. } | Self::NotUtf8 { line } => *line,
        }
    }
}

/// What the reader hands to its caller, in input order.
pub type Item = Result<Document, Skipped>;

/// Calls `each` for every document (or skipped part) of `path` (`-` is stdin); returns the
/// number of items handed over, so that an empty input can be told apart.
pub fn for_each_document(
    path: &Path,
    max_bytes: usize,
    each: impl FnMut(Item),
) -> io::Result<usize> {
    let reader: Box<dyn Read> = if path.as_os_str() == "-" {
        Box::new(io::stdin().lock())
    } else {
        Box::new(File::open(path)?)
    };
    read_documents(BufReader::new(reader), max_bytes, each)
}

/// [`for_each_document`] over any reader.
pub fn read_documents(
    reader: impl BufRead,
    max_bytes: usize,
    mut each: impl FnMut(Item),
) -> io::Result<usize> {
    let mut lines = Lines::new(reader, max_bytes);
    let mut count = 0;
    let mut emit = |item: Item| {
        count += 1;
        each(item);
    };
    // The first non-empty line decides the mode.
    let first = loop {
        match lines.next_line()? {
            None => return Ok(0),
            Some(Line::Text(t)) if t.trim().is_empty() => continue,
            Some(Line::Text(t)) => break t,
            Some(Line::TooLong(bytes)) => emit(Err(lines.too_long(bytes, "the line"))),
            Some(Line::NotUtf8) => emit(Err(Skipped::NotUtf8 { line: lines.number })),
        }
    };
    let first = first.strip_prefix(BOM).unwrap_or(&first).to_owned();
    if is_document_line(first.trim()) {
        emit(Ok(Document {
            line: lines.number,
            text: first.trim().to_owned(),
        }));
        while let Some(line) = lines.next_line()? {
            match line {
                Line::Text(t) if t.trim().is_empty() => {}
                Line::Text(t) => emit(Ok(Document {
                    line: lines.number,
                    text: trimmed(t),
                })),
                Line::TooLong(bytes) => emit(Err(lines.too_long(bytes, "the line"))),
                Line::NotUtf8 => emit(Err(Skipped::NotUtf8 { line: lines.number })),
            }
        }
        return Ok(count);
    }
    pretty_documents(&mut lines, first, &mut emit)?;
    Ok(count)
}

/// Pretty-printed documents, one after another, starting with `first`. The pending text is
/// at most the limit: a document that does not end within it is reported and the rest of
/// the file is skipped (there is no telling where the next document starts).
fn pretty_documents(
    lines: &mut Lines<impl BufRead>,
    first: String,
    emit: &mut impl FnMut(Item),
) -> io::Result<()> {
    let mut pending = first;
    pending.push('\n');
    // The line `pending` starts on.
    let mut start_line = lines.number;
    let mut eof = false;
    loop {
        let (consumed, outcome) = split_documents(&pending, start_line, eof, emit);
        start_line += pending[..consumed].matches('\n').count();
        pending.drain(..consumed);
        match outcome {
            Split::Done => return Ok(()),
            Split::NeedMore => {}
        }
        if pending.len() > lines.max {
            let line = start_line + leading_newlines(&pending);
            emit(Err(Skipped::TooLong {
                line,
                bytes: pending.len(),
                max: lines.max,
                what: "the document",
            }));
            return skip_rest(lines);
        }
        // Read until the pending text doubles (amortized linear), passes the limit or the
        // input ends.
        let target = (pending.len() * 2)
            .max(4096)
            .min(lines.max.saturating_add(1));
        while pending.len() < target {
            match lines.next_line()? {
                None => {
                    eof = true;
                    break;
                }
                Some(Line::Text(t)) => {
                    pending.push_str(&t);
                    pending.push('\n');
                }
                Some(Line::TooLong(bytes)) => {
                    emit(Err(lines.too_long(bytes, "the line")));
                    return skip_rest(lines);
                }
                Some(Line::NotUtf8) => {
                    emit(Err(Skipped::NotUtf8 { line: lines.number }));
                    return skip_rest(lines);
                }
            }
        }
    }
}

enum Split {
    /// The pending text is used up (or cannot be resynchronized after an error).
    Done,
    /// The last document is incomplete; read more.
    NeedMore,
}

/// Hands over every complete document in `pending`; returns how many bytes were used.
fn split_documents(
    pending: &str,
    start_line: usize,
    eof: bool,
    emit: &mut impl FnMut(Item),
) -> (usize, Split) {
    let mut stream = serde_json::Deserializer::from_str(pending).into_iter::<IgnoredAny>();
    let mut used = 0;
    loop {
        let before = stream.byte_offset();
        match stream.next() {
            None => return (pending.len(), Split::Done),
            Some(Ok(_)) => {
                let end = stream.byte_offset();
                let begin = before + leading_whitespace(&pending[before..end]);
                emit(Ok(Document {
                    line: start_line + pending[..begin].matches('\n').count(),
                    text: pending[begin..end].to_owned(),
                }));
                used = end;
            }
            Some(Err(e)) if e.is_eof() && !eof => return (used, Split::NeedMore),
            Some(Err(_)) => {
                // Handed over whole, so that the parser's message and line are reported
                // by the command; nothing after a syntax error can be trusted.
                let rest = &pending[used..];
                let skip = leading_whitespace(rest);
                emit(Ok(Document {
                    line: start_line + pending[..used + skip].matches('\n').count(),
                    text: rest[skip..].to_owned(),
                }));
                return (pending.len(), Split::Done);
            }
        }
    }
}

/// `s` without surrounding whitespace, copied only when there is any.
fn trimmed(s: String) -> String {
    if s.trim().len() == s.len() {
        s
    } else {
        s.trim().to_owned()
    }
}

fn leading_whitespace(s: &str) -> usize {
    s.len() - s.trim_start().len()
}

fn leading_newlines(s: &str) -> usize {
    s[..leading_whitespace(s)].matches('\n').count()
}

fn skip_rest(lines: &mut Lines<impl BufRead>) -> io::Result<()> {
    while lines.next_line()?.is_some() {}
    Ok(())
}

enum Line {
    Text(String),
    /// Longer than the limit: only its length is known.
    TooLong(usize),
    NotUtf8,
}

/// Lines of at most `max` bytes each, counted from 1.
struct Lines<R> {
    reader: R,
    max: usize,
    number: usize,
    buf: Vec<u8>,
}

impl<R: BufRead> Lines<R> {
    fn new(reader: R, max: usize) -> Self {
        Self {
            reader,
            max,
            number: 0,
            buf: Vec::new(),
        }
    }

    fn too_long(&self, bytes: usize, what: &'static str) -> Skipped {
        Skipped::TooLong {
            line: self.number,
            bytes,
            max: self.max,
            what,
        }
    }

    /// The next line without its line ending; `None` at the end of the input.
    fn next_line(&mut self) -> io::Result<Option<Line>> {
        let Some(bytes) = read_bounded_line(&mut self.reader, &mut self.buf, self.max)? else {
            return Ok(None);
        };
        self.number += 1;
        if bytes > self.max {
            return Ok(Some(Line::TooLong(bytes)));
        }
        if self.buf.last() == Some(&b'\r') {
            self.buf.pop();
        }
        // Copied out at its size, so that `buf` keeps its capacity for the next line.
        Ok(Some(match std::str::from_utf8(&self.buf) {
            Ok(s) => Line::Text(s.to_owned()),
            Err(_) => Line::NotUtf8,
        }))
    }
}

/// Reads one line into `buf` (without the `\n`) and returns its full length in bytes, or
/// `None` at the end of the input. `buf` never holds more than `max` bytes: past that the
/// line is only counted, and `buf` is left empty.
fn read_bounded_line(
    reader: &mut impl BufRead,
    buf: &mut Vec<u8>,
    max: usize,
) -> io::Result<Option<usize>> {
    buf.clear();
    let mut total = 0usize;
    let mut any = false;
    loop {
        let chunk = match reader.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            return Ok(any.then_some(total));
        }
        any = true;
        let (part, done) = match memchr::memchr(b'\n', chunk) {
            Some(i) => (&chunk[..i], Some(i + 1)),
            None => (chunk, None),
        };
        total = total.saturating_add(part.len());
        if total <= max {
            buf.extend_from_slice(part);
        } else if !buf.is_empty() {
            // Release what was kept so far: the line is only counted from here on.
            *buf = Vec::new();
        }
        let used = done.unwrap_or(chunk.len());
        reader.consume(used);
        if done.is_some() {
            return Ok(Some(total));
        }
    }
}

fn is_document_line(line: &str) -> bool {
    serde_json::from_str::<IgnoredAny>(line).is_ok()
        || crate::psp::all()
            .iter()
            .any(|psp| psp.is_text_document(line))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(input: &[u8], max: usize) -> Vec<Result<(usize, String), Skipped>> {
        let mut out = Vec::new();
        read_documents(input, max, |item| {
            out.push(item.map(|d| (d.line, d.text)));
        })
        .unwrap();
        out
    }

    /// A reader that yields `len` bytes of `x` then a newline and a short line, without
    /// ever existing whole in memory.
    struct Endless {
        left: usize,
        tail: &'static [u8],
        chunk: Vec<u8>,
    }

    impl Read for Endless {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            if self.left > 0 {
                let n = out.len().min(self.left).min(self.chunk.len());
                out[..n].copy_from_slice(&self.chunk[..n]);
                self.left -= n;
                return Ok(n);
            }
            let n = out.len().min(self.tail.len());
            out[..n].copy_from_slice(&self.tail[..n]);
            self.tail = &self.tail[n..];
            Ok(n)
        }
    }

    #[test]
    fn a_long_line_is_counted_not_kept() {
        let mut reader = BufReader::new(Endless {
            left: 50_000_000,
            tail: b"\n{\"a\":1}\n",
            chunk: vec![b'x'; 8192],
        });
        let mut buf = Vec::new();
        let len = read_bounded_line(&mut reader, &mut buf, 1024).unwrap();
        assert_eq!(len, Some(50_000_000));
        assert!(buf.capacity() <= 2 * 1024 + 8192, "{}", buf.capacity());
        let len = read_bounded_line(&mut reader, &mut buf, 1024).unwrap();
        assert_eq!((len, buf.as_slice()), (Some(7), &b"{\"a\":1}"[..]));
        assert_eq!(
            read_bounded_line(&mut reader, &mut buf, 1024).unwrap(),
            None
        );
    }

    #[test]
    fn json_lines_skip_a_long_line_and_go_on() {
        let input = format!("{{\"a\":1}}\n\"{}\"\n{{\"b\":2}}\n", "y".repeat(100));
        let got = collect(input.as_bytes(), 50);
        assert_eq!(got.len(), 3);
        assert_eq!(got[0], Ok((1, "{\"a\":1}".into())));
        assert_eq!(
            got[1],
            Err(Skipped::TooLong {
                line: 2,
                bytes: 102,
                max: 50,
                what: "the line"
            })
        );
        assert_eq!(got[2], Ok((3, "{\"b\":2}".into())));
    }

    #[test]
    fn concatenated_pretty_documents_keep_their_lines() {
        let input = "\u{feff}{\n  \"a\": 1\n}\n\n{\n  \"b\": [\n 2\n]\n}\n{\"c\": 3}";
        let got = collect(input.as_bytes(), 1 << 20);
        let lines: Vec<usize> = got.iter().map(|d| d.as_ref().unwrap().0).collect();
        assert_eq!(lines, [1, 5, 10]);
        assert_eq!(got[2], Ok((10, "{\"c\": 3}".into())));
    }

    #[test]
    fn a_pretty_document_split_across_reads_is_whole() {
        let body = format!("{{\n\"k\": \"{}\"\n}}\n", "z".repeat(10_000));
        let input = format!("{body}{body}");
        let got = collect(input.as_bytes(), 1 << 20);
        assert_eq!(got.len(), 2);
        assert_eq!(got[1].as_ref().unwrap().0, 4);
        assert_eq!(got[1].as_ref().unwrap().1.len(), body.trim().len());
    }

    #[test]
    fn a_syntax_error_is_handed_over_from_its_document() {
        let got = collect(b"{\n\"a\": 1\n}\n{\n\"b\" 2\n}\n", 1 << 20);
        assert_eq!(got.len(), 2);
        assert_eq!(got[1].as_ref().unwrap().0, 4);
    }

    #[test]
    fn a_pretty_document_over_the_limit_is_reported() {
        let input = format!(
            "{{\n\"k\": \"{}\",\n\"j\": \"{}\"\n}}\n",
            "z".repeat(40),
            "w".repeat(40)
        );
        let got = collect(input.as_bytes(), 64);
        assert!(
            matches!(
                got.as_slice(),
                [Err(Skipped::TooLong {
                    line: 1,
                    what: "the document",
                    ..
                })]
            ),
            "{got:?}"
        );
    }

    #[test]
    fn empty_and_blank_inputs_have_no_documents() {
        assert!(collect(b"", 100).is_empty());
        assert!(collect(b"\n  \n\r\n", 100).is_empty());
        assert!(collect(BOM.as_bytes(), 100).is_empty());
    }
}
