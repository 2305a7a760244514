//! What the example tests share: running an example binary.

use std::process::Command;

/// Runs the example binary at `path` (`env!("CARGO_BIN_EXE_<name>")`), checks that it
/// succeeded, and returns what it printed on standard output.
pub fn stdout_of(path: &str) -> String {
    let output = Command::new(path)
        .output()
        .unwrap_or_else(|error| panic!("{path} does not run: {error}"));
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{path} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}
