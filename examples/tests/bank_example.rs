//! The `bank` example, run as a program: accounts generated from `.proto`, called from Rust
//! and from a second process, a history streamed to both; and with its Python client, a plain
//! gRPC client (grpcio) that calls the accounts, iterates a server stream, gets a status with
//! details, runs into a deadline, lists the services through reflection, and calls an actor
//! declared only in Rust through its reflected schema.
//!
//! The Python client needs a Python with `examples/python/requirements.txt` installed: the one
//! `RAKT_PYTHON` names, else `target/python`'s, which `cargo xtask python-env` makes (a test
//! installs nothing). `.ci/run` makes it before `cargo test --workspace`, and there (`CI` set)
//! a missing Python fails the test; elsewhere the test says it skipped the client and passes.

use std::ffi::OsString;
use std::path::Path;
use std::process::Command;

/// What the example prints before it turns to the Python client.
const RUST_STEPS: &str = "\
bank: node up, serving bank.v1.Account and bank.v1.Teller
bank: opened alice with 100
bank: alice deposits 50, balance 150
bank: alice withdraws 500: FailedPrecondition: cannot withdraw 500 from a balance of 150
bank: alice's history: deposit 100, balance 100
bank: alice's history: deposit 50, balance 150
bank: started branch as a child process
branch: looked alice up on node bank
branch: alice deposits 25, balance 175
branch: alice's latest entries: deposit 50, deposit 25
bank: branch exited cleanly
bank: opened bob with 0
";

/// Runs the example with `RAKT_PYTHON` set to `python` (unset for `None`); what it printed.
fn bank(python: Option<OsString>) -> String {
    let mut command = Command::new(env!("CARGO_BIN_EXE_bank"));
    match python {
        Some(python) => command.env("RAKT_PYTHON", python),
        None => command.env_remove("RAKT_PYTHON"),
    };
    let output = command.output().expect("the bank example runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "bank failed:\n{stdout}\n{stderr}");
    assert!(stderr.is_empty(), "bank wrote to standard error:\n{stderr}");
    stdout
}

#[test]
fn the_bank_example_runs() {
    let expected = format!(
        "{RUST_STEPS}\
bank: Python client skipped: set RAKT_PYTHON to a Python with examples/python/requirements.txt installed
bank: balances: alice 175, bob 0
bank: shut down
"
    );
    assert_eq!(bank(None), expected);
}

/// The Python with the client's requirements, if there is one.
fn python() -> Option<OsString> {
    std::env::var_os("RAKT_PYTHON").or_else(|| {
        let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/python/bin/python");
        venv.is_file().then(|| venv.into_os_string())
    })
}

#[test]
fn a_python_client_calls_the_bank() {
    let Some(python) = python() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "no Python for the client: .ci/run sets RAKT_PYTHON from `cargo xtask python-env`"
        );
        eprintln!(
            "skipped the Python client: run `cargo xtask python-env` (or set RAKT_PYTHON) first"
        );
        return;
    };
    let expected = format!(
        "{RUST_STEPS}\
bank: started the Python client
python: deposited 70 into bob, balance 70
python: deposited 30 into bob, balance 100
python: bob's balance is 100
python: bob's history streams 2 entries: deposit 70 (balance 70), deposit 30 (balance 100)
python: withdrawing 500 fails with FAILED_PRECONDITION: cannot withdraw 500 from a balance of 100
python: the status details carry the same code
python: an audit longer than the deadline fails with DEADLINE_EXCEEDED
python: account nobody fails with NOT_FOUND
python: reflection lists bank.v1.Account
python: reflection lists bank.v1.Teller
python: the teller (Rust only), called through its reflected schema: 'opened carol with 25'
python: done
bank: balances: alice 175, bob 100
bank: shut down
"
    );
    assert_eq!(bank(Some(python)), expected);
}
