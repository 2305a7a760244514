//! What the example tests share: running an example binary.

use std::process::Command;

/// Runs the example binary at `path` (`env!("CARGO_BIN_EXE_<name>")`), checks that it
/// succeeded and printed nothing on standard error (the panics the examples provoke are
/// caught by quiet systems), and returns what it printed on standard output.
pub fn stdout_of(path: &str) -> String {
    let output = Command::new(path)
        .env("RUST_BACKTRACE", "1")
        .output()
        .unwrap_or_else(|error| panic!("{path} does not run: {error}"));
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "{path} failed:\n{stdout}\n{stderr}"
    );
    assert!(
        stderr.is_empty(),
        "{path} wrote to standard error:\n{stderr}"
    );
    stdout
}
