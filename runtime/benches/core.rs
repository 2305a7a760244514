//! Timed benchmarks of rakt against the raw tokio floor and kameo, side by side in one run.
//!
//! Every peer is the same counter actor (see `common/`), on one tokio multi-thread runtime with
//! 2 worker threads. The code under test runs as a task on that runtime (`on_worker`), never on
//! the bench thread, so senders and actors share the two workers. `ask` and `tell` also run
//! `rakt_supervised`: the same actor under a restart / all-for-one supervision, to show that
//! supervision costs nothing until something fails, and `rakt_fsm`: the same counter as a
//! state machine with one state stacked, whose `add` and `echo` are state-checked. Groups, in the order they run
//! (the groups that leave the most memory behind run last):
//! - `ask/<peer>`: one `echo(x)` round trip (u64 in, u64 out) per iteration, asked sequentially
//!   from one task.
//! - `fan_out/<peer>`: 1,000 actors; one sender task sends 1,000 rounds of one tell to each
//!   (1,000,000 tells per iteration); ends when every actor has answered a final `total()` ask.
//! - `tell/<peer>/<senders>`: 2,000,000 `add(1)` tells per iteration, split over 1 or 2 sender
//!   tasks; the iteration ends when a final `total()` ask answers (every tell is handled then).
//! - `spawn/<peer>`: 100,000 actors spawned one after the other by one task per iteration;
//!   system start and tear-down are outside the timing.
//! - `stream/<peer>`: one request answered with a stream of 100,000 u64 items, sent from the
//!   handler and read one by one by the caller's task. The floor is a producer task and a
//!   bounded tokio channel of the same capacity (`rakt::STREAM_BUFFER`); kameo has no streamed
//!   reply to compare with.
//!
//! A sender never yields between tells. With one sender the actor is woken into the sender's
//! worker's LIFO slot, which the other worker cannot steal; with two, both workers are busy
//! sending. Either way the actor runs once the senders are done (the queue reaches 2,000,000):
//! `tell/*/1` measures queueing then draining, `tell/*/2` adds two senders contending on one
//! mailbox from two threads.
//!
//! Run: `cargo bench -p rakt --bench core`. Bytes per idle actor are in `benches/memory.rs`.

mod common;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::measurement::WallTime;
use criterion::{
    BenchmarkGroup, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};
use tokio::runtime::Runtime;

use common::floor::Floor;
use common::kameo_peer::Kameo;
use common::rakt_peer::{Rakt, RaktFsm, RaktSupervised};
use common::{Peer, on_worker, runtime, wait_idle};

/// Tells per iteration of the tell benchmark, whatever the number of senders.
const TELL_MESSAGES: u64 = 2_000_000;
/// Actors spawned per iteration of the spawn benchmark.
const SPAWN_ACTORS: usize = 100_000;
/// Actors in the fan-out benchmark.
const FAN_OUT_ACTORS: usize = 1_000;
/// Tells each fan-out actor receives per iteration.
const FAN_OUT_TELLS: u64 = 1_000;
/// Items per stream in the stream benchmark.
const STREAM_ITEMS: u64 = 100_000;

/// A source of numbers, for the stream benchmark.
#[rakt::actor]
#[derive(Default)]
pub struct Numbers;

#[rakt::actor]
impl Numbers {
    /// Streams 0 to `n - 1` from the handler itself.
    pub async fn upto(&self, n: u64, mut items: rakt::StreamSlot<u64>) {
        for i in 0..n {
            if items.send(i).await.is_err() {
                return;
            }
        }
    }
}

/// The floor of a streamed reply: a producer task and a bounded tokio channel.
fn stream_floor(group: &mut BenchmarkGroup<'_, WallTime>, rt: &Runtime) {
    group.bench_function("floor", |b| {
        b.iter_custom(|iters| {
            on_worker(rt, async move {
                let start = Instant::now();
                for _ in 0..iters {
                    let (tx, mut rx) = tokio::sync::mpsc::channel(rakt::STREAM_BUFFER);
                    tokio::spawn(async move {
                        for i in 0..STREAM_ITEMS {
                            if tx.send(i).await.is_err() {
                                return;
                            }
                        }
                    });
                    let mut sum = 0;
                    while let Some(i) = rx.recv().await {
                        sum += i;
                    }
                    black_box(sum);
                }
                start.elapsed()
            })
        })
    });
}

/// A streamed reply through rakt: `numbers.upto(n)`, read to its end.
fn stream_rakt(group: &mut BenchmarkGroup<'_, WallTime>, rt: &Runtime) {
    let (system, numbers) = rt.block_on(async {
        let system = rakt::ActorSystem::builder("bench").build().await.unwrap();
        let numbers: NumbersRef = system.spawn_anonymous(Numbers).await.unwrap();
        (system, numbers)
    });
    group.bench_function("rakt", |b| {
        b.iter_custom(|iters| {
            let numbers = numbers.clone();
            on_worker(rt, async move {
                let start = Instant::now();
                for _ in 0..iters {
                    let mut items = numbers.upto(STREAM_ITEMS).await.unwrap();
                    let mut sum = 0;
                    while let Some(i) = items.next().await {
                        sum += i.unwrap();
                    }
                    black_box(sum);
                }
                start.elapsed()
            })
        })
    });
    rt.block_on(system.shutdown());
    wait_idle(rt);
}

/// Applies the settings every group shares: 10 samples, short warm-up and measurement.
fn configure(group: &mut BenchmarkGroup<'_, WallTime>, measurement: Duration) {
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(measurement);
}

fn tell<P: Peer>(group: &mut BenchmarkGroup<'_, WallTime>, rt: &Runtime, senders: u64) {
    let (system, actor) = rt.block_on(async {
        let system = P::start().await;
        let actor = P::spawn(&system).await;
        (system, actor)
    });
    let mut expected = 0u64;
    group.bench_function(format!("{}/{senders}", P::NAME), |b| {
        b.iter_custom(|iters| {
            let mut elapsed = Duration::ZERO;
            for _ in 0..iters {
                let actor = actor.clone();
                let (took, total) = on_worker(rt, async move {
                    let start = Instant::now();
                    let tasks: Vec<_> = (0..senders)
                        .map(|_| {
                            let actor = actor.clone();
                            tokio::spawn(async move {
                                for _ in 0..TELL_MESSAGES / senders {
                                    P::tell(&actor, 1);
                                }
                            })
                        })
                        .collect();
                    for task in tasks {
                        task.await.expect("sender panicked");
                    }
                    let total = P::total(&actor).await;
                    (start.elapsed(), total)
                });
                expected += TELL_MESSAGES / senders * senders;
                assert_eq!(total, expected, "{}: tells lost", P::NAME);
                elapsed += took;
            }
            elapsed
        })
    });
    rt.block_on(P::stop(system, vec![actor]));
    wait_idle(rt);
}

fn ask<P: Peer>(group: &mut BenchmarkGroup<'_, WallTime>, rt: &Runtime) {
    let (system, actor) = rt.block_on(async {
        let system = P::start().await;
        let actor = P::spawn(&system).await;
        (system, actor)
    });
    group.bench_function(P::NAME, |b| {
        b.iter_custom(|iters| {
            let actor = actor.clone();
            on_worker(rt, async move {
                let start = Instant::now();
                for x in 0..iters {
                    assert_eq!(black_box(P::echo(&actor, x).await), x);
                }
                start.elapsed()
            })
        })
    });
    rt.block_on(P::stop(system, vec![actor]));
    wait_idle(rt);
}

fn spawn<P: Peer>(group: &mut BenchmarkGroup<'_, WallTime>, rt: &Runtime) {
    group.bench_function(P::NAME, |b| {
        b.iter_custom(|iters| {
            let mut elapsed = Duration::ZERO;
            for _ in 0..iters {
                let system = rt.block_on(P::start());
                let (took, system, actors) = on_worker(rt, async move {
                    let mut actors = Vec::with_capacity(SPAWN_ACTORS);
                    let start = Instant::now();
                    for _ in 0..SPAWN_ACTORS {
                        actors.push(P::spawn(&system).await);
                    }
                    (start.elapsed(), system, actors)
                });
                elapsed += took;
                rt.block_on(P::stop(system, actors));
                wait_idle(rt);
            }
            elapsed
        })
    });
}

fn fan_out<P: Peer>(group: &mut BenchmarkGroup<'_, WallTime>, rt: &Runtime) {
    let (system, actors) = rt.block_on(async {
        let system = P::start().await;
        let mut actors = Vec::with_capacity(FAN_OUT_ACTORS);
        for _ in 0..FAN_OUT_ACTORS {
            actors.push(P::spawn(&system).await);
        }
        (system, actors)
    });
    let mut expected = 0u64;
    group.bench_function(P::NAME, |b| {
        b.iter_custom(|iters| {
            let mut elapsed = Duration::ZERO;
            for _ in 0..iters {
                let actors = actors.clone();
                let (took, totals) = on_worker(rt, async move {
                    let start = Instant::now();
                    for _ in 0..FAN_OUT_TELLS {
                        for actor in &actors {
                            P::tell(actor, 1);
                        }
                    }
                    // Pipelined: every ask is queued on the first poll, then all are awaited.
                    let totals = futures_util::future::join_all(actors.iter().map(P::total)).await;
                    (start.elapsed(), totals)
                });
                expected += FAN_OUT_TELLS;
                assert!(
                    totals.iter().all(|&t| t == expected),
                    "{}: tells lost",
                    P::NAME
                );
                elapsed += took;
            }
            elapsed
        })
    });
    rt.block_on(P::stop(system, actors));
    wait_idle(rt);
}

fn benches(c: &mut Criterion) {
    let rt = runtime();

    let mut group = c.benchmark_group("ask");
    configure(&mut group, Duration::from_secs(6));
    // A round trip is ~0.2 µs: many samples and a longer warm-up steady the scheduler's
    // placement of the two tasks, which otherwise dominates the spread.
    group.sample_size(50).warm_up_time(Duration::from_secs(1));
    ask::<Floor>(&mut group, &rt);
    ask::<Kameo>(&mut group, &rt);
    ask::<Rakt>(&mut group, &rt);
    ask::<RaktSupervised>(&mut group, &rt);
    ask::<RaktFsm>(&mut group, &rt);
    group.finish();

    let mut group = c.benchmark_group("fan_out");
    configure(&mut group, Duration::from_secs(5));
    group.sampling_mode(SamplingMode::Flat);
    group.throughput(Throughput::Elements(FAN_OUT_TELLS * FAN_OUT_ACTORS as u64));
    fan_out::<Floor>(&mut group, &rt);
    fan_out::<Kameo>(&mut group, &rt);
    fan_out::<Rakt>(&mut group, &rt);
    group.finish();
    let mut group = c.benchmark_group("tell");
    configure(&mut group, Duration::from_secs(8));
    group.sampling_mode(SamplingMode::Flat);
    group.throughput(Throughput::Elements(TELL_MESSAGES));
    for senders in [1, 2] {
        tell::<Floor>(&mut group, &rt, senders);
        tell::<Kameo>(&mut group, &rt, senders);
        tell::<Rakt>(&mut group, &rt, senders);
        tell::<RaktSupervised>(&mut group, &rt, senders);
        tell::<RaktFsm>(&mut group, &rt, senders);
    }
    group.finish();

    let mut group = c.benchmark_group("spawn");
    configure(&mut group, Duration::from_secs(5));
    group.sampling_mode(SamplingMode::Flat);
    group.throughput(Throughput::Elements(SPAWN_ACTORS as u64));
    spawn::<Floor>(&mut group, &rt);
    spawn::<Kameo>(&mut group, &rt);
    spawn::<Rakt>(&mut group, &rt);
    group.finish();

    let mut group = c.benchmark_group("stream");
    configure(&mut group, Duration::from_secs(5));
    group.sampling_mode(SamplingMode::Flat);
    group.throughput(Throughput::Elements(STREAM_ITEMS));
    stream_floor(&mut group, &rt);
    stream_rakt(&mut group, &rt);
    group.finish();
}

criterion_group!(all, benches);
criterion_main!(all);
