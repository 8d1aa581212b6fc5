//! Helpers shared by the integration tests that drive the real binary.

use std::io::Write;
use std::process::{Command, Output, Stdio};

/// Runs `threeds-bridge args` from the package root with `stdin` as its input.
pub fn bin(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_threeds-bridge"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        // The binary logs what RUST_LOG asks for; a test's stderr must not depend on the
        // environment it runs in.
        .env_remove("RUST_LOG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary runs");
    let written = child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes());
    // A binary that stops before reading its input (a usage error) closes the pipe: what
    // it printed and its exit code are the answer, so that is not a test failure.
    if let Err(e) = written {
        assert_eq!(
            e.kind(),
            std::io::ErrorKind::BrokenPipe,
            "stdin written: {e}"
        );
    }
    child.wait_with_output().expect("binary finishes")
}
