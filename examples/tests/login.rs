//! Runs the login-session example and checks the conversation it prints.

mod common;

#[test]
fn the_login_session_walks_its_states() {
    let stdout = common::stdout_of(env!("CARGO_BIN_EXE_login"));
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
