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
