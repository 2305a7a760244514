//! Runs the tour and checks that every step did what it says.

mod common;

#[test]
fn the_tour_runs_every_step() {
    let stdout = common::stdout_of(env!("CARGO_BIN_EXE_tour"));
    let expected = [
        "system `tour` is up",
        "rakt://tour/user/counter told add(5), add(7); total() = 12",
        "take(100) answered an error: cannot take 100, only 12 left",
        "slow_total gave up after 50ms",
        "rakt://tour/user/team/alice is a child of rakt://tour/user/team; total() = 3",
        "divide(0) failed: attempt to divide by zero",
        "fragile alive: false; counter alive: true",
        "an ask to the stopped actor: it is stopped",
        "event: dead letter to rakt://tour/user/fragile: total (the actor is stopped)",
        "event: dead letter to rakt://tour/user/fragile: add { by: 1 } (the actor is stopped)",
        "dead letters so far: 2",
        "counter still answers: total() = 13",
        "divide(0) failed: attempt to divide by zero",
        "event: rakt://tour/user/resilient restarted after: attempt to divide by zero",
        "after the restart: total() = 2 (fresh state plus the queued add(2)); alive: true",
        "all actors stopped: true",
    ];
    let mut rest = stdout.as_str();
    for line in expected {
        let at = rest.find(line).unwrap_or_else(|| {
            panic!("missing or out of order: {line:?}\n--- output ---\n{stdout}")
        });
        rest = &rest[at + line.len()..];
    }
    let alice = stdout
        .find("post_stop  rakt://tour/user/team/alice")
        .expect("alice stopped");
    let team = stdout
        .find("post_stop  rakt://tour/user/team (")
        .expect("team stopped");
    assert!(alice < team, "the child stops before its parent:\n{stdout}");
}
