//! Router pools: throughput of one actor against a pool of 2 and a pool of 4, in one run.
//!
//! The machine has 2 cores and the runtime 2 worker threads. Each group also runs the floor:
//! `floor/<n>` is `n` tokio tasks each draining an `mpsc::unbounded_channel`, the sender
//! picking them round-robin, with the same work per message. Groups:
//! - `pool_work/{floor,rakt}/<n>`: 4,000 jobs of about 3.5 µs of CPU each (a hash chain), told
//!   one after the other by one sender; the iteration ends when every routee has answered a
//!   final ask (each routee's ask queues behind its jobs). `n` = 1 is a single actor (no pool);
//!   with 2 and 4 routees the jobs run on both cores, so the ceiling is 2x.
//! - `pool_tell/{floor,rakt}/<n>`: 200,000 trivial `add(1)` tells, the same way: what routing
//!   costs when the handler does nothing (a round-robin pick per message, and a sender and a
//!   consumer contending for a mailbox from two cores).
//!
//! Run: `cargo bench -p rakt --bench pool`.

mod common;

use std::hash::{Hash, Hasher};
use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::measurement::WallTime;
use criterion::{
    BenchmarkGroup, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};
use rakt::prelude::*;
use tokio::runtime::Runtime;
use tokio::sync::{mpsc, oneshot};

use common::{on_worker, runtime, wait_idle};

/// Jobs per iteration of `pool_work`.
const JOBS: u64 = 4_000;
/// Hash rounds per job: about 3.5 µs on this machine.
const ROUNDS: u64 = 400;
/// Tells per iteration of `pool_tell`.
const TELLS: u64 = 200_000;

/// A worker that crunches numbers.
#[actor]
#[derive(Default)]
pub struct Cruncher {
    done: u64,
    last: u64,
}

#[actor]
impl Cruncher {
    /// A job of `ROUNDS` chained hashes.
    pub fn crunch(&mut self, seed: u64) {
        self.last = crunch(seed);
        self.done += 1;
    }

    /// A job of nothing.
    pub fn add(&mut self, by: u64) {
        self.done += by;
    }

    /// Jobs done so far.
    pub fn done(&self) -> u64 {
        self.done
    }
}

/// The work of one job: `ROUNDS` chained hashes.
fn crunch(seed: u64) -> u64 {
    let mut x = seed;
    for _ in 0..ROUNDS {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        x.hash(&mut hasher);
        x = hasher.finish();
    }
    black_box(x)
}

/// What a floor consumer receives.
enum Job {
    Work(u64),
    Add(u64),
    Done(oneshot::Sender<u64>),
}

/// `consumers` tasks draining one unbounded channel each, fed round-robin: the floor.
fn floor(
    group: &mut BenchmarkGroup<'_, WallTime>,
    rt: &Runtime,
    consumers: usize,
    messages: u64,
    job: fn(u64) -> Job,
) {
    let senders: Vec<mpsc::UnboundedSender<Job>> = rt.block_on(async {
        (0..consumers)
            .map(|_| {
                let (tx, mut rx) = mpsc::unbounded_channel();
                tokio::spawn(async move {
                    let (mut done, mut last) = (0, 0);
                    while let Some(job) = rx.recv().await {
                        match job {
                            Job::Work(seed) => {
                                last = crunch(seed);
                                done += 1;
                            }
                            Job::Add(by) => done += by,
                            Job::Done(reply) => {
                                let _ = reply.send(done);
                            }
                        }
                    }
                    black_box(last);
                });
                tx
            })
            .collect()
    });
    let mut expected = 0;
    group.bench_function(format!("floor/{consumers}"), |b| {
        b.iter_custom(|iters| {
            let mut elapsed = Duration::ZERO;
            for _ in 0..iters {
                let senders = senders.clone();
                let (took, done) = on_worker(rt, async move {
                    let start = Instant::now();
                    for n in 0..messages {
                        let to = &senders[n as usize % senders.len()];
                        to.send(job(n)).expect("floor send failed");
                    }
                    let mut done = 0;
                    for to in &senders {
                        let (reply, answer) = oneshot::channel();
                        to.send(Job::Done(reply)).expect("floor send failed");
                        done += answer.await.expect("floor consumer gone");
                    }
                    (start.elapsed(), done)
                });
                expected += messages;
                assert_eq!(done, expected, "messages lost");
                elapsed += took;
            }
            elapsed
        })
    });
    drop(senders);
    wait_idle(rt);
}

/// One actor (`routees` = 1) or a round-robin pool of `routees`.
async fn start(routees: usize) -> (ActorSystem, CruncherRef, Vec<CruncherRef>) {
    let system = ActorSystem::builder("bench")
        .build()
        .await
        .expect("building the actor system");
    let (handle, members) = if routees == 1 {
        let one: CruncherRef = system
            .spawn_anonymous(Cruncher::default())
            .await
            .expect("spawning");
        (one.clone(), vec![one])
    } else {
        let pool: CruncherRef = system
            .spawn_pool_anonymous(
                Pool::new(routees, Cruncher::default).routing(Routing::RoundRobin),
            )
            .await
            .expect("spawning a pool");
        let members = pool.pool().expect("a pool").routees();
        (pool, members)
    };
    (system, handle, members)
}

fn run(
    group: &mut BenchmarkGroup<'_, WallTime>,
    rt: &Runtime,
    routees: usize,
    messages: u64,
    send: fn(&CruncherRef, u64),
) {
    let (system, handle, members) = rt.block_on(start(routees));
    let mut expected = 0;
    group.bench_function(format!("rakt/{routees}"), |b| {
        b.iter_custom(|iters| {
            let mut elapsed = Duration::ZERO;
            for _ in 0..iters {
                let handle = handle.clone();
                let members = members.clone();
                let (took, done) = on_worker(rt, async move {
                    let start = Instant::now();
                    for n in 0..messages {
                        send(&handle, n);
                    }
                    let mut done = 0;
                    for member in &members {
                        done += member.done().await.expect("ask failed");
                    }
                    (start.elapsed(), done)
                });
                expected += messages;
                assert_eq!(done, expected, "messages lost");
                elapsed += took;
            }
            elapsed
        })
    });
    rt.block_on(system.shutdown());
    wait_idle(rt);
}

/// Runs one group: the floor and rakt with 1, 2 and 4 consumers, `messages` per iteration.
fn group(
    c: &mut Criterion,
    rt: &Runtime,
    name: &str,
    messages: u64,
    job: fn(u64) -> Job,
    send: fn(&CruncherRef, u64),
) {
    let mut group = c.benchmark_group(name);
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(6))
        .sampling_mode(SamplingMode::Flat)
        .throughput(Throughput::Elements(messages));
    for routees in [1, 2, 4] {
        floor(&mut group, rt, routees, messages, job);
        run(&mut group, rt, routees, messages, send);
    }
    group.finish();
}

fn benches(c: &mut Criterion) {
    let rt = runtime();
    group(c, &rt, "pool_work", JOBS, Job::Work, |h, n| {
        h.crunch(n).try_send().expect("tell failed");
    });
    group(
        c,
        &rt,
        "pool_tell",
        TELLS,
        |_| Job::Add(1),
        |h, _| {
            h.add(1).try_send().expect("tell failed");
        },
    );
}

criterion_group!(all, benches);
criterion_main!(all);
