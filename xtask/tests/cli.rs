//! `cargo xtask codegen --check` as CI runs it: the exit code and the files it names.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const GENERATED_RUST: &str = "runtime/src/remote/proto/rakt.v1.rs";

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .expect("xtask runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Copies the `.proto` sources and their checked-in output to a temporary workspace.
fn copy_of_workspace() -> tempfile::TempDir {
    let copy = tempfile::tempdir().expect("a temporary folder");
    for dir in [
        "proto/rakt/v1",
        "runtime/src/remote/proto",
        "proto/examples",
        "examples/src/generated",
    ] {
        copy_dir(&workspace_root().join(dir), &copy.path().join(dir));
    }
    copy
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create the copy's folder");
    for entry in fs::read_dir(from).expect("read the workspace") {
        let entry = entry.expect("a folder entry");
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &to.join(entry.file_name()));
        } else {
            fs::copy(entry.path(), to.join(entry.file_name())).expect("copy a file");
        }
    }
}

#[test]
fn check_passes_on_the_workspace() {
    let output = xtask(&["codegen", "--check"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(text(&output.stdout).contains("up to date"));
}

#[test]
fn check_fails_naming_a_drifted_file_and_codegen_repairs_it() {
    let copy = copy_of_workspace();
    let root = copy.path().to_str().expect("a UTF-8 temporary path");
    let rust = copy.path().join(GENERATED_RUST);
    let edited = fs::read_to_string(&rust)
        .expect("the generated Rust")
        .replacen("pub struct Envelope", "pub struct Envelope2", 1);
    fs::write(&rust, edited).expect("edit the copy");

    let output = xtask(&["codegen", "--check", "--root", root]);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains(&format!("{GENERATED_RUST} differs")),
        "{stderr}"
    );
    assert!(!stderr.contains("rakt.v1.bin"), "{stderr}");

    let output = xtask(&["codegen", "--root", root]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(text(&output.stdout).contains(&format!("updated {GENERATED_RUST}")));
    let output = xtask(&["codegen", "--check", "--root", root]);
    assert!(output.status.success(), "{}", text(&output.stderr));
}

#[test]
fn a_wrong_command_line_exits_2_with_the_usage() {
    let output = xtask(&["codegen", "--force"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("usage: cargo xtask codegen"));
}
