//! rakt: the `#[actor]` counter and its generated `CounterRef`.

use rakt::prelude::*;

use super::Peer;

/// The counter as a rakt actor.
#[actor]
#[derive(Default)]
pub struct Counter {
    total: u64,
}

#[actor]
impl Counter {
    /// Adds `by` to the total (a tell).
    pub fn add(&mut self, by: u64) {
        self.total += by;
    }

    /// The total (an ask).
    pub fn total(&self) -> u64 {
        self.total
    }

    /// Answers `x` (an ask).
    pub fn echo(&self, x: u64) -> u64 {
        x
    }
}

/// rakt with the system's default, unbounded mailbox.
pub struct Rakt;

impl Peer for Rakt {
    const NAME: &'static str = "rakt";
    type System = ActorSystem;
    type Handle = CounterRef;

    async fn start() -> ActorSystem {
        ActorSystem::builder("bench")
            .build()
            .await
            .expect("building the actor system")
    }

    async fn spawn(system: &ActorSystem) -> CounterRef {
        system
            .spawn_anonymous(Counter::default())
            .await
            .expect("spawning a rakt actor")
    }

    fn tell(handle: &CounterRef, by: u64) {
        handle.add(by).try_send().expect("rakt tell failed");
    }

    async fn echo(handle: &CounterRef, x: u64) -> u64 {
        handle.echo(x).await.expect("rakt ask failed")
    }

    async fn total(handle: &CounterRef) -> u64 {
        handle.total().await.expect("rakt ask failed")
    }

    async fn stop(system: ActorSystem, handles: Vec<CounterRef>) {
        system.shutdown().await;
        drop(handles);
    }
}

/// rakt with every actor under a restart supervision (all-for-one, budget and backoff set):
/// supervision is decided only on a failure, so this should cost what [`Rakt`] costs.
pub struct RaktSupervised;

impl Peer for RaktSupervised {
    const NAME: &'static str = "rakt_supervised";
    type System = ActorSystem;
    type Handle = CounterRef;

    async fn start() -> ActorSystem {
        ActorSystem::builder("bench")
            .supervision(
                rakt::Supervision::restart()
                    .all_for_one()
                    .max_restarts(3, std::time::Duration::from_secs(1))
                    .backoff(
                        std::time::Duration::from_millis(1),
                        std::time::Duration::from_millis(100),
                    ),
            )
            .build()
            .await
            .expect("building the actor system")
    }

    async fn spawn(system: &ActorSystem) -> CounterRef {
        Rakt::spawn(system).await
    }

    fn tell(handle: &CounterRef, by: u64) {
        Rakt::tell(handle, by);
    }

    async fn echo(handle: &CounterRef, x: u64) -> u64 {
        Rakt::echo(handle, x).await
    }

    async fn total(handle: &CounterRef) -> u64 {
        Rakt::total(handle).await
    }

    async fn stop(system: ActorSystem, handles: Vec<CounterRef>) {
        Rakt::stop(system, handles).await;
    }
}

/// The behaviour states of [`FsmCounter`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Counting,
    Paused,
}

/// The counter as a state machine with a behaviour stack: `add` and `echo` are handled only
/// while `Counting`, and `post_start` stacks one state, so every message pays the state check.
#[actor]
#[derive(Default)]
pub struct FsmCounter {
    total: u64,
}

#[actor(states = Mode, initial = Counting, unhandled = stash)]
impl FsmCounter {
    #[post_start]
    fn stack_one(&mut self, ctx: &mut Ctx<Self>) {
        ctx.become_stacked(Mode::Counting);
    }

    /// Adds `by` to the total (a tell).
    #[state(Counting)]
    pub fn add(&mut self, by: u64) {
        self.total += by;
    }

    /// The total (an ask), in every state.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// Answers `x` (an ask).
    #[state(Counting)]
    pub fn echo(&self, x: u64) -> u64 {
        x
    }

    /// Stops counting; `add` and `echo` are stashed meanwhile.
    #[state(Counting)]
    pub fn pause(&mut self, ctx: &mut Ctx<Self>) {
        ctx.become_state(Mode::Paused);
    }

    /// Counts again, taking back what was stashed.
    #[state(Paused)]
    pub fn resume(&mut self, ctx: &mut Ctx<Self>) {
        ctx.become_state(Mode::Counting);
        ctx.unstash_all();
    }
}

/// rakt with [`FsmCounter`]: what a behaviour stack costs over the plain [`Rakt`] actor.
pub struct RaktFsm;

impl Peer for RaktFsm {
    const NAME: &'static str = "rakt_fsm";
    type System = ActorSystem;
    type Handle = FsmCounterRef;

    async fn start() -> ActorSystem {
        Rakt::start().await
    }

    async fn spawn(system: &ActorSystem) -> FsmCounterRef {
        system
            .spawn_anonymous(FsmCounter::default())
            .await
            .expect("spawning a rakt actor")
    }

    fn tell(handle: &FsmCounterRef, by: u64) {
        handle.add(by).try_send().expect("rakt tell failed");
    }

    async fn echo(handle: &FsmCounterRef, x: u64) -> u64 {
        handle.echo(x).await.expect("rakt ask failed")
    }

    async fn total(handle: &FsmCounterRef) -> u64 {
        handle.total().await.expect("rakt ask failed")
    }

    async fn stop(system: ActorSystem, handles: Vec<FsmCounterRef>) {
        system.shutdown().await;
        drop(handles);
    }
}
