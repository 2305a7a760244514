//! A fixed workload per scenario and peer, for instruction-level profiling with
//! `valgrind --tool=callgrind` (criterion's adaptive iteration counts make per-operation
//! numbers hard to recover from a profile of `core`).
//!
//! `cargo bench -p rakt --no-run` builds it; then, for example:
//!
//! ```text
//! valgrind --tool=callgrind target/release/deps/profile-<hash> ask rakt 100000
//! ```
//!
//! Scenarios: `tell1` / `tell2` (N tells from 1 / 2 sender tasks, then one ask), `ask` (N
//! sequential asks), `spawn` (N actors), `fanout` (N rounds of one tell to each of 1,000 actors,
//! then one ask each). Peers: `floor`, `kameo`, `rakt`, `rakt_supervised`, `rakt_fsm`. Running a scenario at N
//! and at 2N and dividing the difference by N gives instructions per operation without the set-up.
//! Without arguments (as in a plain `cargo bench` run) it prints this usage and exits.

mod common;

use std::hint::black_box;

use common::floor::Floor;
use common::kameo_peer::Kameo;
use common::rakt_peer::{Rakt, RaktFsm, RaktSupervised};
use common::{Peer, on_worker, runtime};

/// Actors in the `fanout` scenario.
const FAN_OUT_ACTORS: usize = 1_000;

fn run<P: Peer>(scenario: &str, n: u64) {
    let rt = runtime();
    let system = rt.block_on(P::start());
    let actors = match scenario {
        "tell1" | "tell2" => {
            let senders = if scenario == "tell1" { 1 } else { 2 };
            let actor = rt.block_on(P::spawn(&system));
            let total = on_worker(&rt, {
                let actor = actor.clone();
                async move {
                    let tasks: Vec<_> = (0..senders)
                        .map(|_| {
                            let actor = actor.clone();
                            tokio::spawn(async move {
                                for _ in 0..n / senders {
                                    P::tell(&actor, 1);
                                }
                            })
                        })
                        .collect();
                    for task in tasks {
                        task.await.expect("sender panicked");
                    }
                    P::total(&actor).await
                }
            });
            assert_eq!(total, n / senders * senders);
            vec![actor]
        }
        "ask" => {
            let actor = rt.block_on(P::spawn(&system));
            on_worker(&rt, {
                let actor = actor.clone();
                async move {
                    for x in 0..n {
                        assert_eq!(black_box(P::echo(&actor, x).await), x);
                    }
                }
            });
            vec![actor]
        }
        "spawn" => {
            on_worker(&rt, async move {
                let mut actors = Vec::with_capacity(n as usize);
                for _ in 0..n {
                    actors.push(P::spawn(&system).await);
                }
                (system, actors)
            })
            .1
        }
        "fanout" => {
            let actors = rt.block_on(async {
                let mut actors = Vec::with_capacity(FAN_OUT_ACTORS);
                for _ in 0..FAN_OUT_ACTORS {
                    actors.push(P::spawn(&system).await);
                }
                actors
            });
            let totals = on_worker(&rt, {
                let actors = actors.clone();
                async move {
                    for _ in 0..n {
                        for actor in &actors {
                            P::tell(actor, 1);
                        }
                    }
                    futures_util::future::join_all(actors.iter().map(P::total)).await
                }
            });
            assert!(totals.iter().all(|&t| t == n));
            actors
        }
        other => panic!("unknown scenario {other}"),
    };
    black_box(actors);
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let [scenario, peer, n] = args.as_slice() else {
        println!(
            "profile: usage: profile <tell1|tell2|ask|spawn|fanout> <floor|kameo|rakt|rakt_supervised|rakt_fsm> <N>"
        );
        return;
    };
    let n: u64 = n.parse().expect("N must be a number");
    match peer.as_str() {
        "floor" => run::<Floor>(scenario, n),
        "kameo" => run::<Kameo>(scenario, n),
        "rakt" => run::<Rakt>(scenario, n),
        "rakt_supervised" => run::<RaktSupervised>(scenario, n),
        "rakt_fsm" => run::<RaktFsm>(scenario, n),
        other => panic!("unknown peer {other}"),
    }
}
