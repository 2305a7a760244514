//! Runs the router-pool example and checks what it prints.

mod common;

#[test]
fn the_pool_routes_restarts_and_resizes() {
    let stdout = common::stdout_of(env!("CARGO_BIN_EXE_pool"));
    // Routee names are `$<id>`, given in spawn order: the pool is actor 1, its routees 2 to 4.
    let expected = "\
rakt://pool/user/workers has 3 routees
job 1 by $2
job 2 by $3
job 3 by $4
job 4 by $2
job 5 by $3
job 6 by $4
job 13: the handler failed: job 13 is cursed
restarted: $2
still 3 routees; jobs done since start: [0, 2, 2]
resized to 4
resized to 1
6 customers billed twice each, always by the same worker (3 workers used)
after growing to 4: 1 of 6 customers moved
all stopped
";
    assert_eq!(stdout, expected);
}
