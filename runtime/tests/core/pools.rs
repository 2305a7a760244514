//! Router pools: every strategy, resize, routee supervision, and the pool's own lifecycle,
//! all through the actor's ordinary typed handle.
//!
//! Each test runs on both runtimes, except those on the paused clock (current-thread only).

use std::collections::{HashMap, HashSet};
use std::future::IntoFuture;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use futures_util::FutureExt;
use rakt::prelude::*;
use rakt::{ActorId, PoolError};
use tokio::sync::Notify;

use crate::actors::{ms, next_event, picked_up};

/// A routee that says who it is, records its jobs, and answers after its own delay.
#[actor]
pub struct Worker {
    delay: Duration,
    jobs: Vec<u64>,
}

impl Worker {
    fn quick() -> Self {
        Worker {
            delay: Duration::ZERO,
            jobs: Vec::new(),
        }
    }
}

#[actor]
impl Worker {
    /// Which routee answered.
    pub fn whoami(&self, ctx: &mut Ctx<Self>) -> ActorId {
        ctx.id()
    }

    /// Which routee owns `key`; records the key as a job.
    #[route(key = key)]
    pub fn owner(&mut self, key: u64, ctx: &mut Ctx<Self>) -> ActorId {
        self.jobs.push(key);
        ctx.id()
    }

    /// Records a job.
    pub fn work(&mut self, job: u64) {
        self.jobs.push(job);
    }

    /// Records a job on every routee.
    #[route(broadcast)]
    pub fn announce(&mut self, job: u64) {
        self.jobs.push(job);
    }

    pub fn jobs(&self) -> Vec<u64> {
        self.jobs.clone()
    }

    /// Answers its own delay, after waiting for it.
    pub async fn answer(&self) -> Duration {
        tokio::time::sleep(self.delay).await;
        self.delay
    }

    /// Takes its time over a job, then records it.
    pub async fn slow_work(&mut self, job: u64) {
        tokio::time::sleep(self.delay).await;
        self.jobs.push(job);
    }

    pub async fn wait(&mut self, gate: Arc<Notify>) {
        gate.notified().await;
    }

    /// Says it has begun, then waits until `gate` is opened.
    pub async fn hold(&mut self, started: Arc<Notify>, gate: Arc<Notify>) {
        started.notify_one();
        gate.notified().await;
    }

    pub fn crash(&mut self) {
        panic!("routee crash");
    }
}

/// Workers whose delays come from `delays`, in turn.
fn delayed(delays: &[u64]) -> impl Fn() -> Worker + Send + Sync + 'static {
    let delays: Vec<Duration> = delays.iter().map(|&d| ms(d)).collect();
    let next = AtomicU64::new(0);
    move || {
        let turn = next.fetch_add(1, Ordering::Relaxed) as usize;
        Worker {
            delay: delays[turn % delays.len()],
            jobs: Vec::new(),
        }
    }
}

/// A system called `name` running an anonymous pool of `pool`.
async fn anonymous_pool(name: &str, pool: Pool<Worker>) -> (ActorSystem, WorkerRef) {
    let system = ActorSystem::builder(name).build().await.unwrap();
    let handle = system.spawn_pool_anonymous(pool).await.unwrap();
    (system, handle)
}

async fn ids(pool: &WorkerRef, asks: usize) -> Vec<ActorId> {
    let mut ids = Vec::new();
    for _ in 0..asks {
        ids.push(pool.whoami().await.unwrap());
    }
    ids
}

on_both_runtimes!(a_pool_is_called_through_the_actors_own_handle);
async fn a_pool_is_called_through_the_actors_own_handle() {
    let system = ActorSystem::builder("pool").build().await.unwrap();
    let pool: WorkerRef = system
        .spawn_pool("workers", Pool::new(3, Worker::quick))
        .await
        .unwrap();
    assert_eq!(pool.path().as_str(), "rakt://pool/user/workers");
    let control = pool.pool().expect("a pool");
    assert_eq!(
        (control.size(), control.routing()),
        (3, Routing::RoundRobin)
    );
    let routees: Vec<ActorId> = control.routees().iter().map(|r| r.id()).collect();
    for routee in control.routees() {
        assert!(routee.pool().is_none(), "a routee is a single actor");
        assert!(
            routee
                .path()
                .as_str()
                .starts_with("rakt://pool/user/workers/$")
        );
    }

    // Round-robin: each routee in turn.
    assert_eq!(
        ids(&pool, 6).await,
        [routees.clone(), routees.clone()].concat()
    );
    // Tells are routed too.
    for job in 0..6 {
        pool.work(job).await.unwrap();
    }
    for (n, routee) in control.routees().iter().enumerate() {
        let n = n as u64;
        assert_eq!(routee.jobs().await, Ok(vec![n, n + 3]));
    }
    // The lookup finds the pool, with the same handle type.
    let found: WorkerRef = system.lookup("workers").unwrap();
    assert_eq!(found, pool);
    system.shutdown().await;
}

on_both_runtimes!(random_routing_reaches_every_routee);
async fn random_routing_reaches_every_routee() {
    let (system, pool) = anonymous_pool(
        "random",
        Pool::new(3, Worker::quick).routing(Routing::Random),
    )
    .await;
    let seen: HashSet<ActorId> = ids(&pool, 200).await.into_iter().collect();
    assert_eq!(seen.len(), 3);
    system.shutdown().await;
}

on_both_runtimes!(smallest_mailbox_routing_avoids_a_busy_routee);
async fn smallest_mailbox_routing_avoids_a_busy_routee() {
    let (system, pool) = anonymous_pool(
        "smallest",
        Pool::new(2, Worker::quick).routing(Routing::SmallestMailbox),
    )
    .await;
    let routees = pool.pool().unwrap().routees();
    let gate = Arc::new(Notify::new());
    routees[0].wait(gate.clone()).await.unwrap();
    picked_up(routees[0].actor_ref()).await;
    routees[0].work(1).await.unwrap();
    for _ in 0..5 {
        assert_eq!(pool.whoami().await, Ok(routees[1].id()));
    }
    gate.notify_one();
    system.shutdown().await;
}

on_both_runtimes!(consistent_hashing_keeps_a_key_on_its_routee);
async fn consistent_hashing_keeps_a_key_on_its_routee() {
    let (system, pool) = anonymous_pool(
        "hash",
        Pool::new(4, Worker::quick).routing(Routing::consistent_hash()),
    )
    .await;
    let mut owners = HashMap::new();
    for key in 0..200 {
        owners.insert(key, pool.owner(key).await.unwrap());
    }
    assert_eq!(owners.values().collect::<HashSet<_>>().len(), 4);
    for key in 0..200 {
        assert_eq!(pool.owner(key).await.unwrap(), owners[&key], "key {key}");
    }

    // Growing by one moves only the keys the new routee takes.
    let control = pool.pool().unwrap();
    control.resize(5).await.unwrap();
    let newcomer = control.routees()[4].id();
    let mut moved = 0;
    for key in 0..200 {
        let now = pool.owner(key).await.unwrap();
        if now != owners[&key] {
            assert_eq!(now, newcomer, "key {key} moved between old routees");
            moved += 1;
        }
    }
    assert!((1..=80).contains(&moved), "{moved} of 200 keys moved");
    system.shutdown().await;
}

on_both_runtimes!(a_broadcast_message_reaches_every_routee);
async fn a_broadcast_message_reaches_every_routee() {
    let (system, pool) = anonymous_pool("broadcast", Pool::new(3, Worker::quick)).await;
    pool.announce(9).await.unwrap();
    pool.work(1).await.unwrap();
    let mut all = Vec::new();
    for routee in pool.pool().unwrap().routees() {
        let jobs = routee.jobs().await.unwrap();
        assert_eq!(jobs[0], 9);
        all.extend(jobs);
    }
    all.sort_unstable();
    assert_eq!(all, [1, 9, 9, 9]);
    system.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn scatter_gather_takes_the_first_answer() {
    let (system, pool) = anonymous_pool(
        "scatter",
        Pool::new(3, delayed(&[300, 100, 200])).routing(Routing::ScatterGather),
    )
    .await;
    let start = tokio::time::Instant::now();
    assert_eq!(pool.answer().await, Ok(ms(100)));
    assert_eq!(start.elapsed(), ms(100));
    // Past the deadline, no answer: a timeout.
    assert_eq!(
        pool.answer().timeout(ms(50)).await,
        Err(AskError::Timeout(ms(50)))
    );
    system.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn tail_chopping_asks_the_next_routee_after_each_interval() {
    let (system, pool) = anonymous_pool(
        "tail",
        Pool::new(3, delayed(&[300, 100, 20])).routing(Routing::TailChopping { interval: ms(50) }),
    )
    .await;
    let start = tokio::time::Instant::now();
    // The first routee would answer at 300 ms, the second (asked at 50) at 150 ms, the third
    // (asked at 100) at 120 ms: the third wins.
    assert_eq!(pool.answer().await, Ok(ms(20)));
    assert_eq!(start.elapsed(), ms(120));
    system.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn resizing_grows_and_shrinks_and_lets_leavers_finish() {
    let (system, pool) = anonymous_pool("resize", Pool::new(2, delayed(&[20]))).await;
    let control = pool.pool().unwrap();
    control.resize(4).await.unwrap();
    assert_eq!(control.size(), 4);
    assert_eq!(
        ids(&pool, 8)
            .await
            .into_iter()
            .collect::<HashSet<_>>()
            .len(),
        4
    );

    // Queue slow jobs on the last two, then shrink: they finish before they stop.
    let leavers = control.routees()[2..].to_vec();
    for leaver in &leavers {
        leaver.slow_work(7).await.unwrap();
        leaver.slow_work(8).await.unwrap();
    }
    let mut watch = system.events();
    control.resize(2).await.unwrap();
    assert_eq!(control.size(), 2);
    for leaver in &leavers {
        assert!(!leaver.is_alive());
    }
    for _ in 0..2 {
        let event = next_event(&mut watch, |e| matches!(e, Event::Stopped { .. })).await;
        assert!(matches!(
            event,
            Event::Stopped {
                reason: StopReason::Stopped,
                ..
            }
        ));
    }
    assert_eq!(control.resize(0).await, Err(PoolError::Empty));
    assert!(
        ids(&pool, 4)
            .await
            .iter()
            .all(|id| leavers.iter().all(|l| l.id() != *id))
    );
    system.shutdown().await;
}

on_both_runtimes!(a_failing_routee_is_restarted_by_the_pools_directive);
async fn a_failing_routee_is_restarted_by_the_pools_directive() {
    let system = ActorSystem::builder("poolrestart").build().await.unwrap();
    let mut events = system.events();
    let pool: WorkerRef = system
        .spawn_pool_anonymous(Pool::new(2, Worker::quick).supervision(Supervision::restart()))
        .await
        .unwrap();
    let control = pool.pool().unwrap();
    let first = control.routees()[0].clone();
    first.work(1).await.unwrap();
    first.crash().await.unwrap();
    next_event(&mut events, |e| matches!(e, Event::Restarted { .. })).await;
    assert_eq!(control.size(), 2);
    assert_eq!(first.jobs().await, Ok(vec![]), "a fresh routee");
    system.shutdown().await;
}

on_both_runtimes!(a_stopped_routee_leaves_and_the_last_one_takes_the_pool_with_it);
async fn a_stopped_routee_leaves_and_the_last_one_takes_the_pool_with_it() {
    let system = ActorSystem::builder("poolstop").build().await.unwrap();
    let mut events = system.events();
    let pool: WorkerRef = system
        .spawn_pool(
            "workers",
            Pool::new(2, Worker::quick).supervision(Supervision::stop()),
        )
        .await
        .unwrap();
    let control = pool.pool().unwrap();
    let [one, two] = <[WorkerRef; 2]>::try_from(control.routees()).unwrap();
    one.crash().await.unwrap();
    one.stop().await;
    assert_eq!(control.size(), 1);
    assert_eq!(ids(&pool, 3).await, vec![two.id(); 3]);
    assert!(pool.is_alive());

    two.crash().await.unwrap();
    let stopped = next_event(&mut events, |e| {
        matches!(e, Event::Stopped { actor, .. } if actor.as_str() == "rakt://poolstop/user/workers")
    })
    .await;
    assert!(matches!(
        stopped,
        Event::Stopped {
            reason: StopReason::NoRoutees,
            ..
        }
    ));
    assert!(!pool.is_alive());
    assert_eq!(pool.whoami().await, Err(AskError::Stopped));
    assert_eq!(pool.work(1).await, Err(SendError::Stopped));
    assert!(system.lookup::<WorkerRef>("workers").is_none());
    system.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn stopping_a_pool_stops_its_routees_after_their_queues() {
    let (system, pool) = anonymous_pool("poolgraceful", Pool::new(2, delayed(&[10]))).await;
    let routees = pool.pool().unwrap().routees();
    for job in 0..4 {
        pool.slow_work(job).await.unwrap();
    }
    let mut watch = system.events();
    pool.stop().await;
    assert!(routees.iter().all(|r| !r.is_alive()));
    let mut stopped = 0;
    while stopped < 3 {
        if let Event::Stopped { actor, reason } =
            next_event(&mut watch, |e| matches!(e, Event::Stopped { .. })).await
        {
            assert_eq!(reason, StopReason::Stopped, "{actor}");
            stopped += 1;
        }
    }
    assert_eq!(
        system.dead_letter_count(),
        0,
        "every queued job was handled"
    );
    system.shutdown().await;
}

on_both_runtimes!(a_pool_of_zero_is_refused);
async fn a_pool_of_zero_is_refused() {
    let system = ActorSystem::builder("poolzero").build().await.unwrap();
    let refused = system
        .spawn_pool_anonymous::<Worker>(Pool::new(0, Worker::quick))
        .await;
    assert!(matches!(refused, Err(SpawnError::InvalidPool(_))));
    system.shutdown().await;
}

#[tokio::test]
async fn a_pool_name_follows_the_rules_of_actor_names() {
    let system = ActorSystem::builder("poolname").build().await.unwrap();
    let empty = system.spawn_pool("", Pool::new(2, Worker::quick)).await;
    assert!(
        matches!(empty, Err(SpawnError::InvalidName { .. })),
        "an empty name is an error, as for `spawn`: {empty:?}"
    );
    let anonymous = system
        .spawn_pool_anonymous(Pool::new(2, Worker::quick))
        .await
        .unwrap();
    assert!(anonymous.path().name().starts_with('$'));
    assert_eq!(system.actor_count(), 3, "the pool and its two routees");
    system.shutdown().await;
}

#[tokio::test]
async fn actor_count_counts_a_pool_and_its_routees_until_they_stop() {
    let system = ActorSystem::builder("poolcount").build().await.unwrap();
    let pool: WorkerRef = system
        .spawn_pool("counted", Pool::new(3, Worker::quick))
        .await
        .unwrap();
    assert_eq!(system.actor_count(), 4);
    pool.pool().unwrap().resize(1).await.unwrap();
    assert_eq!(system.actor_count(), 2, "the leavers no longer count");
    pool.stop().await;
    assert_eq!(system.actor_count(), 0);
    system.shutdown().await;
}

/// Hires a crew: a pool of workers as its child.
#[actor]
#[derive(Default)]
pub struct Foreman;

#[actor]
impl Foreman {
    pub async fn hire(
        &mut self,
        size: usize,
        ctx: &mut Ctx<Self>,
    ) -> Result<WorkerRef, SpawnError> {
        ctx.spawn_pool("crew", Pool::new(size, Worker::quick)).await
    }

    pub async fn hire_anonymous(
        &mut self,
        size: usize,
        ctx: &mut Ctx<Self>,
    ) -> Result<WorkerRef, SpawnError> {
        ctx.spawn_pool_anonymous(Pool::new(size, Worker::quick))
            .await
    }
}

#[tokio::test]
async fn an_anonymous_child_pool_lives_under_its_parent() {
    let system = ActorSystem::builder("crew-anon").build().await.unwrap();
    let foreman: ForemanRef = system.spawn("foreman", Foreman).await.unwrap();
    let crew = foreman.hire_anonymous(2).await.unwrap();
    let path = crew.path();
    assert!(
        path.as_str().starts_with("rakt://crew-anon/user/foreman/$"),
        "{path}"
    );
    assert_eq!(
        system.actor_count(),
        4,
        "the foreman, the pool and two routees"
    );
    foreman.stop().await;
    assert!(!crew.is_alive());
    assert_eq!(system.actor_count(), 0);
    system.shutdown().await;
}

on_both_runtimes!(a_child_pool_stops_with_its_parent);
async fn a_child_pool_stops_with_its_parent() {
    let system = ActorSystem::builder("crew").build().await.unwrap();
    let foreman: ForemanRef = system.spawn("foreman", Foreman).await.unwrap();
    let crew = foreman.hire(2).await.unwrap();
    assert_eq!(crew.path().as_str(), "rakt://crew/user/foreman/crew");
    let routees = crew.pool().unwrap().routees();
    assert_eq!(ids(&crew, 2).await.len(), 2);
    foreman.stop().await;
    assert!(!crew.is_alive());
    assert!(routees.iter().all(|r| !r.is_alive()));
    assert_eq!(crew.work(1).await, Err(SendError::Stopped));
    system.shutdown().await;
}

on_both_runtimes!(a_full_routee_makes_a_pool_send_wait_for_room);
async fn a_full_routee_makes_a_pool_send_wait_for_room() {
    let (system, pool) = anonymous_pool(
        "poolfull",
        Pool::new(1, Worker::quick).mailbox(MailboxConfig::bounded(1)),
    )
    .await;
    let routee = pool.pool().unwrap().routees()[0].clone();
    let gate = Arc::new(Notify::new());
    pool.wait(gate.clone()).await.unwrap();
    picked_up(routee.actor_ref()).await;
    pool.work(1).await.unwrap();
    // The routee's mailbox is full: `try_send` refuses, an awaited send waits for room.
    assert_eq!(pool.work(2).try_send(), Err(SendError::MailboxFull));
    let mut waiting = std::pin::pin!(pool.work(3).into_future());
    assert!(waiting.as_mut().now_or_never().is_none(), "waits for room");
    gate.notify_one();
    assert_eq!(waiting.await, Ok(()));
    assert_eq!(pool.whoami().await, Ok(routee.id()));
    assert_eq!(routee.jobs().await, Ok(vec![1, 3]));
    system.shutdown().await;
}

on_both_runtimes!(a_batch_to_a_pool_is_routed_message_by_message);
async fn a_batch_to_a_pool_is_routed_message_by_message() {
    let (system, pool) = anonymous_pool("poolbatch", Pool::new(2, Worker::quick)).await;
    pool.actor_ref()
        .tell_batch((1..=4).map(|job| WorkerMsg::Work { job }))
        .await
        .unwrap();
    let routees = pool.pool().unwrap().routees();
    assert_eq!(routees[0].jobs().await, Ok(vec![1, 3]));
    assert_eq!(routees[1].jobs().await, Ok(vec![2, 4]));
    system.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn topics_and_schedules_reach_a_pool_through_its_router() {
    let (system, pool) = anonymous_pool("pooldeliver", Pool::new(2, Worker::quick)).await;
    let jobs = system.topic::<u64>("jobs").unwrap();
    jobs.subscribe_actor(&pool, |job| WorkerMsg::Work { job });
    jobs.publish(1);
    jobs.publish(2);
    system.schedule_times(2, ms(10), &pool, || WorkerMsg::Work { job: 7 });
    tokio::time::sleep(ms(50)).await;
    let mut all = Vec::new();
    for routee in pool.pool().unwrap().routees() {
        let jobs = routee.jobs().await.unwrap();
        assert_eq!(jobs.len(), 2, "round-robin: two each");
        all.extend(jobs);
    }
    all.sort_unstable();
    assert_eq!(all, [1, 2, 7, 7]);
    assert_eq!(system.dead_letter_count(), 0);
    system.shutdown().await;
}

on_both_runtimes!(a_batch_to_a_stopped_pool_leaves_a_dead_letter_per_message);
async fn a_batch_to_a_stopped_pool_leaves_a_dead_letter_per_message() {
    let (system, pool) = anonymous_pool("poolbatchstop", Pool::new(2, Worker::quick)).await;
    pool.stop().await;
    let told = pool
        .actor_ref()
        .tell_batch((1..=5).map(|job| WorkerMsg::Work { job }))
        .await;
    assert_eq!(told, Err(SendError::Stopped));
    assert_eq!(system.dead_letter_count(), 5);
    let asked = pool
        .actor_ref()
        .ask_batch((0..5).map(|_| |reply| WorkerMsg::Whoami { reply }))
        .await;
    assert_eq!(asked, vec![Err(AskError::Stopped); 5]);
    assert_eq!(system.dead_letter_count(), 10);
    system.shutdown().await;
}

on_both_runtimes!(a_send_waiting_on_a_routee_that_leaves_goes_to_another);
async fn a_send_waiting_on_a_routee_that_leaves_goes_to_another() {
    let (system, pool) = anonymous_pool(
        "poolleaver",
        Pool::new(2, Worker::quick).mailbox(MailboxConfig::bounded(1)),
    )
    .await;
    let routees = pool.pool().unwrap().routees();
    // Round-robin: each routee blocks on a gate of its own with one job queued behind it.
    let gates = [Arc::new(Notify::new()), Arc::new(Notify::new())];
    for gate in &gates {
        pool.wait(gate.clone()).await.unwrap();
    }
    for routee in &routees {
        picked_up(routee.actor_ref()).await;
    }
    pool.work(1).await.unwrap();
    pool.work(2).await.unwrap();
    assert_eq!(pool.work(3).try_send(), Err(SendError::MailboxFull));
    let dead_before = system.dead_letter_count();
    // The next turn is the second routee's: polled once, the ask waits for room there.
    let mut ask = std::pin::pin!(pool.whoami().into_future());
    assert!(ask.as_mut().now_or_never().is_none(), "waits for room");
    // Shrinking lets the second routee go while the ask waits on it.
    let control = pool.clone();
    let resize = tokio::spawn(async move { control.pool().unwrap().resize(1).await });
    while routees[1].is_alive() {
        tokio::task::yield_now().await;
    }
    for gate in &gates {
        // A permit, should the routee not have reached `notified()` yet.
        gate.notify_one();
    }
    assert_eq!(ask.await, Ok(routees[0].id()));
    assert_eq!(resize.await.unwrap(), Ok(()));
    assert_eq!(system.dead_letter_count(), dead_before);
    system.shutdown().await;
}

on_both_runtimes!(a_routee_that_is_stopping_is_passed_over_by_every_kind_of_send);
async fn a_routee_that_is_stopping_is_passed_over_by_every_kind_of_send() {
    let (system, pool) = anonymous_pool("poolstopping", Pool::new(2, Worker::quick)).await;
    let routees = pool.pool().unwrap().routees();
    let gate = Arc::new(Notify::new());
    // The second routee is busy and stopping: closed, but still in the table until it ends.
    routees[1].wait(gate.clone()).await.unwrap();
    picked_up(routees[1].actor_ref()).await;
    let stopping = routees[1].stop();
    let first = routees[0].id();
    for _ in 0..4 {
        assert_eq!(pool.whoami().await, Ok(first));
        let pending = pool.whoami().try_send().unwrap();
        assert_eq!(pending.await, Ok(first));
        pool.work(1).try_send().unwrap();
    }
    let jobs = system.topic::<u64>("jobs").unwrap();
    jobs.subscribe_actor(&pool, |job| WorkerMsg::Work { job });
    for job in 2..6 {
        jobs.publish(job);
    }
    assert_eq!(routees[0].jobs().await, Ok(vec![1, 1, 1, 1, 2, 3, 4, 5]));
    assert_eq!(system.dead_letter_count(), 0, "nothing was refused");
    assert_eq!(pool.pool().unwrap().size(), 1);
    gate.notify_one();
    stopping.await;
    system.shutdown().await;
}

on_both_runtimes!(smallest_mailbox_counts_what_a_routee_has_taken_but_not_begun);
async fn smallest_mailbox_counts_what_a_routee_has_taken_but_not_begun() {
    let (system, pool) = anonymous_pool(
        "poolsmallest",
        Pool::new(2, Worker::quick).routing(Routing::SmallestMailbox),
    )
    .await;
    let routees = pool.pool().unwrap().routees();
    let gate = Arc::new(Notify::new());
    // The first routee takes a whole batch at once: a hold, then 49 jobs behind it.
    let started = Arc::new(Notify::new());
    let batch = std::iter::once(WorkerMsg::Hold {
        started: started.clone(),
        gate: gate.clone(),
    })
    .chain((100..149).map(|job| WorkerMsg::Work { job }));
    routees[0].actor_ref().tell_batch(batch).await.unwrap();
    // In the hold: the 49 jobs are in its batch, no longer queued, and they still count.
    started.notified().await;
    assert_eq!(routees[0].actor_ref().mailbox_len(), 49);
    for job in 0..10 {
        pool.work(job).await.unwrap();
    }
    assert_eq!(
        routees[1].jobs().await,
        Ok((0..10).collect::<Vec<_>>()),
        "the idle routee takes every new job"
    );
    gate.notify_one();
    assert_eq!(routees[0].jobs().await.unwrap().len(), 49);
    system.shutdown().await;
}
