//! The repository's chores, run as `cargo xtask <task>` (the alias is in `.cargo/config.toml`).
//!
//! - `cargo xtask codegen` compiles the wire protocol's `.proto` files under `proto/rakt/v1`
//!   and writes the Rust (messages, gRPC client and server) and the encoded descriptor set
//!   into `runtime/src/remote/proto/`, and the example services of `proto/examples` through
//!   rakt-codegen's `.proto` front end into `examples/src/generated/`, where they are checked
//!   in. Nothing else writes there.
//! - `cargo xtask codegen --check` generates the same into a temporary directory and fails,
//!   naming each file, when the checked-in ones differ. CI runs it.
//!
//! - `cargo xtask python-env` makes the Python environment the Python client's test needs
//!   (`target/python`, from the pinned `examples/python/requirements.txt`) and prints its
//!   interpreter's path, for `RAKT_PYTHON`. See `python.rs`.
//!
//! `--root <dir>` points either at another checkout (the tests use a copy); by default the
//! workspace xtask was built in.

mod codegen;
mod python;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask codegen [--check] [--root <dir>]
       cargo xtask python-env

  codegen          regenerate runtime/src/remote/proto/ from proto/rakt/v1 and
                   examples/src/generated/ from proto/examples
  --check          do not write: exit 1, naming the files, if the checked-in ones differ
  --root <dir>     the workspace to work on (default: the one xtask was built in)
  python-env       make target/python (the Python client's environment) from
                   examples/python/requirements.txt; print its interpreter's path";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = match Command::parse(&args) {
        Ok(command) => command,
        Err(message) => {
            eprintln!("xtask: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match command.run() {
        Ok(code) => code,
        Err(error) => {
            eprintln!("xtask: {error}");
            ExitCode::FAILURE
        }
    }
}

/// A parsed command line.
#[derive(Debug, PartialEq, Eq)]
enum Command {
    /// `codegen`: write the generated files, or with `check`, compare them.
    Codegen { check: bool, root: PathBuf },
    /// `python-env`: the Python client's environment, made or brought up to date.
    PythonEnv,
    /// `help`, `--help`, `-h`.
    Help,
}

impl Command {
    fn parse(args: &[String]) -> Result<Command, String> {
        let mut args = args.iter().map(String::as_str);
        match args.next() {
            Some("codegen") => {}
            Some("python-env") => {
                return match args.next() {
                    None => Ok(Command::PythonEnv),
                    Some(other) => Err(format!("`python-env` takes no option, not `{other}`")),
                };
            }
            Some("help" | "--help" | "-h") => return Ok(Command::Help),
            Some(other) => {
                return Err(format!(
                    "unknown task `{other}`; expected `codegen` or `python-env`"
                ));
            }
            None => return Err("no task given".to_owned()),
        }
        let mut check = false;
        let mut root = None;
        while let Some(arg) = args.next() {
            match arg {
                "--check" => check = true,
                "--root" => match args.next() {
                    Some(dir) => root = Some(PathBuf::from(dir)),
                    None => return Err("`--root` needs a directory".to_owned()),
                },
                other => {
                    return Err(format!(
                        "unknown option `{other}`; expected one of: `--check`, `--root`"
                    ));
                }
            }
        }
        let root = root.unwrap_or_else(workspace_root);
        Ok(Command::Codegen { check, root })
    }

    fn run(self) -> Result<ExitCode, Box<dyn std::error::Error>> {
        match self {
            Command::Help => {
                println!("{USAGE}");
                Ok(ExitCode::SUCCESS)
            }
            Command::PythonEnv => {
                let python = python::ensure(&workspace_root())?;
                println!("{}", python.display());
                Ok(ExitCode::SUCCESS)
            }
            Command::Codegen { check: false, root } => {
                let files = codegen::generate(&root)?;
                for path in codegen::write(&root, &files)? {
                    println!("updated {}", path.display());
                }
                println!(
                    "codegen: {} and {} are up to date",
                    codegen::OUT_DIR,
                    codegen::EXAMPLES_OUT_DIR
                );
                Ok(ExitCode::SUCCESS)
            }
            Command::Codegen { check: true, root } => {
                let files = codegen::generate(&root)?;
                let drift = codegen::check(&root, &files)?;
                if drift.is_empty() {
                    println!(
                        "codegen --check: {} and {} are up to date",
                        codegen::OUT_DIR,
                        codegen::EXAMPLES_OUT_DIR
                    );
                    return Ok(ExitCode::SUCCESS);
                }
                eprintln!("codegen --check: the checked-in generated code is out of date:");
                for drifted in &drift {
                    eprintln!("  {drifted}");
                }
                eprintln!("run `cargo xtask codegen` and commit the result");
                Ok(ExitCode::FAILURE)
            }
        }
    }
}

/// The workspace this xtask belongs to: the parent of its manifest's directory.
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Command, String> {
        let args: Vec<String> = args.iter().map(|arg| (*arg).to_owned()).collect();
        Command::parse(&args)
    }

    #[test]
    fn parses_codegen_and_its_options() {
        assert_eq!(
            parse(&["codegen"]),
            Ok(Command::Codegen {
                check: false,
                root: workspace_root()
            })
        );
        assert_eq!(
            parse(&["codegen", "--root", "/x", "--check"]),
            Ok(Command::Codegen {
                check: true,
                root: PathBuf::from("/x")
            })
        );
        assert_eq!(parse(&["--help"]), Ok(Command::Help));
    }

    #[test]
    fn parses_python_env() {
        assert_eq!(parse(&["python-env"]), Ok(Command::PythonEnv));
        assert!(parse(&["python-env", "--x"]).unwrap_err().contains("`--x`"));
    }

    #[test]
    fn the_python_requirements_are_pinned() {
        let requirements =
            std::fs::read_to_string(workspace_root().join(python::REQUIREMENTS)).unwrap();
        let packages: Vec<_> = requirements
            .lines()
            .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
            .collect();
        assert!(packages.iter().any(|line| line.starts_with("grpcio==")));
        assert!(
            packages.iter().all(|line| line.contains("==")),
            "{packages:?}"
        );
    }

    #[test]
    fn refuses_unknown_tasks_and_options() {
        assert!(parse(&[]).is_err());
        assert!(parse(&["build"]).unwrap_err().contains("`build`"));
        assert!(parse(&["build"]).unwrap_err().contains("`python-env`"));
        assert!(
            parse(&["codegen", "--force"])
                .unwrap_err()
                .contains("`--force`")
        );
        assert!(
            parse(&["codegen", "--root"])
                .unwrap_err()
                .contains("`--root`")
        );
    }

    #[test]
    fn the_workspace_root_holds_the_protocol() {
        assert!(workspace_root().join(codegen::PROTO_PACKAGE_DIR).is_dir());
    }
}
