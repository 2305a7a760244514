//! Runs the remoting example, two processes talking both ways, and checks what it prints.

mod common;

#[test]
fn two_processes_call_each_other() {
    let stdout = common::stdout_of(env!("CARGO_BIN_EXE_remote"));
    let expected = "\
alpha: node up, serving /user/greeter
alpha: started beta as a child process
beta: node up, serving /user/echo
beta: alpha's greeter says \"hello, beta\"
alpha: beta's echo says \"ping\"
alpha: told beta to quit
beta: told to quit, shutting down
alpha: beta exited cleanly
alpha: shut down
";
    assert_eq!(stdout, expected);
}
