//! Reading documents from files or stdin, one at a time, in constant memory.
//!
//! A file is JSON Lines when its first non-empty line is a document by itself (a JSON value
//! or a Mangopay hook query string): every non-empty line is then one document, and a bad
//! line is reported and skipped. Otherwise the whole file is one document (pretty-printed
//! JSON), reported by the line the parser stopped at.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

/// One document's text and the line it starts on.
pub struct Document {
    pub line: usize,
    pub text: String,
}

/// Calls `each` for every document of `path` (`-` is stdin).
pub fn for_each_document(path: &Path, mut each: impl FnMut(Document)) -> io::Result<()> {
    let reader: Box<dyn Read> = if path.as_os_str() == "-" {
        Box::new(io::stdin().lock())
    } else {
        Box::new(File::open(path)?)
    };
    let mut reader = BufReader::new(reader);
    let mut line = String::new();
    let mut number = 0;
    if !next_non_blank(&mut reader, &mut line, &mut number)? {
        return Ok(());
    }
    // The first non-empty line decides the mode.
    if is_document_line(line.trim()) {
        loop {
            each(Document {
                line: number,
                text: line.trim().to_owned(),
            });
            if !next_non_blank(&mut reader, &mut line, &mut number)? {
                return Ok(());
            }
        }
    }
    let start = number;
    let mut text = std::mem::take(&mut line);
    reader.read_to_string(&mut text)?;
    each(Document { line: start, text });
    Ok(())
}

/// Reads up to the next non-empty line into `line`, counting lines in `number`; false at
/// the end of the input.
fn next_non_blank(
    reader: &mut impl BufRead,
    line: &mut String,
    number: &mut usize,
) -> io::Result<bool> {
    loop {
        line.clear();
        if reader.read_line(line)? == 0 {
            return Ok(false);
        }
        *number += 1;
        if !line.trim().is_empty() {
            return Ok(true);
        }
    }
}

fn is_document_line(line: &str) -> bool {
    serde_json::from_str::<serde::de::IgnoredAny>(line).is_ok()
        || crate::adapters::mangopay::looks_like_hook_query(line)
}
