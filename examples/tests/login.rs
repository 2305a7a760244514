//! Runs the login-session example and checks the conversation it prints.

use std::process::Command;

#[test]
fn the_login_session_walks_its_states() {
    let output = Command::new(env!("CARGO_BIN_EXE_login"))
        .output()
        .expect("the login binary runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "login failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let expected = "\
session state: (Authenticating, 0)
read before login: not handled in state Authenticating
login: the handler returned an error: wrong password for `ada`
logged in; state: Authenticated
second login: not handled in state Authenticated
while authorizing: (Authorizing, 1)
the early read, answered: ada's inbox: 3 messages
now: (Authorized, 0)
ada's archive: 3 messages
read after logout: not handled in state Authenticating
";
    assert_eq!(stdout, expected);
}
