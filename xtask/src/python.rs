//! `cargo xtask python-env`: the Python the Python gRPC client's test runs with.
//!
//! The test of the `bank` example with a real Python client
//! (`examples/tests/bank_example.rs`) needs a Python that has
//! `examples/python/requirements.txt` installed, which a test must not install (tests reach no
//! network). This task makes it: a virtual environment in `target/python`, made anew when the
//! requirements changed (they are pinned, and copied into it once installed), and prints the
//! interpreter's path on standard output, for `RAKT_PYTHON` (`.ci/run` does
//! `export RAKT_PYTHON="$(cargo xtask python-env)"` before `cargo test --workspace`).

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus};

/// The requirements, relative to the workspace.
pub const REQUIREMENTS: &str = "examples/python/requirements.txt";
/// The virtual environment, relative to the workspace.
pub const VENV: &str = "target/python";
/// The copy of the requirements a complete environment holds.
const INSTALLED: &str = "installed-requirements.txt";

/// Why the task could not run.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    File {
        /// Which.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// A program could not be started (`python3` missing, say).
    #[error("cannot run `{program}`: {source}")]
    Spawn {
        /// Which.
        program: String,
        /// Why.
        source: io::Error,
    },
    /// A step of making the environment failed.
    #[error("`{step}` failed ({status})")]
    Step {
        /// The command line.
        step: String,
        /// How it ended.
        status: ExitStatus,
    },
}

/// The Python of the environment in `root`, made or brought up to date first.
pub fn ensure(root: &Path) -> Result<PathBuf, Error> {
    let requirements = root.join(REQUIREMENTS);
    let venv = root.join(VENV);
    let python = venv.join("bin").join("python");
    let wanted = fs::read_to_string(&requirements).map_err(|source| Error::File {
        path: requirements.clone(),
        source,
    })?;
    let marker = venv.join(INSTALLED);
    if python.is_file() && fs::read_to_string(&marker).ok().as_deref() == Some(wanted.as_str()) {
        return Ok(python);
    }
    eprintln!("xtask: making the Python environment {VENV} from {REQUIREMENTS}");
    run(Command::new("python3")
        .args(["-m", "venv", "--clear"])
        .arg(&venv))?;
    run(Command::new(&python)
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-r",
        ])
        .arg(&requirements))?;
    fs::write(&marker, wanted).map_err(|source| Error::File {
        path: marker,
        source,
    })?;
    Ok(python)
}

/// Runs `command`, its output on standard error (standard output is the interpreter's path),
/// failing unless it succeeds.
fn run(command: &mut Command) -> Result<(), Error> {
    command.stdout(io::stderr());
    let step = format!("{command:?}");
    let status = command.status().map_err(|source| Error::Spawn {
        program: command.get_program().to_string_lossy().into_owned(),
        source,
    })?;
    if status.success() {
        Ok(())
    } else {
        Err(Error::Step { step, status })
    }
}
