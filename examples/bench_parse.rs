//! The floor `normalize` is measured against (`scripts/bench-normalize.sh`): every line of a
//! JSON Lines file parsed into a `serde_json::Value` and dropped, nothing written.
//!
//! It reads its input the way `normalize` does (a buffered reader, one line at a time into a
//! reused buffer, blank lines skipped), so the two differ only in what is done with a line.
//! Prints one line on stdout: the number of lines that parsed and of those that did not.
//!
//! `cargo run --release --example bench_parse -- FILE|-`

use std::io::{self, BufRead, BufReader, Read, Write};

fn main() -> io::Result<()> {
    let path = std::env::args().nth(1).unwrap_or_else(|| "-".to_owned());
    let input: Box<dyn Read> = if path == "-" {
        Box::new(io::stdin().lock())
    } else {
        Box::new(std::fs::File::open(&path)?)
    };
    let mut reader = BufReader::new(input);
    let mut line = Vec::new();
    let (mut parsed, mut failed) = (0u64, 0u64);
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        let text = line.trim_ascii();
        if text.is_empty() {
            continue;
        }
        match serde_json::from_slice::<serde_json::Value>(text) {
            Ok(value) => {
                std::hint::black_box(&value);
                parsed += 1;
            }
            Err(_) => failed += 1,
        }
    }
    writeln!(io::stdout(), "parsed={parsed} failed={failed}")
}
