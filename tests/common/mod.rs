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
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("stdin written");
    child.wait_with_output().expect("binary finishes")
}
