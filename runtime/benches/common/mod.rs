//! What the bench targets share: the three peers behind one [`Peer`] trait, and the runtime
//! they all run on.
//!
//! The peers are the same counter actor three times:
//! - [`floor::Floor`]: the raw tokio floor, a task draining an `mpsc::unbounded_channel` of a
//!   plain enum, with a `oneshot` inside the asks;
//! - [`kameo_peer::Kameo`]: kameo 0.22 with an unbounded mailbox (kameo's own default is
//!   bounded(64); unbounded keeps all three peers on the same footing);
//! - [`rakt_peer::Rakt`]: rakt through the `#[actor]` macro and its generated handle, with the
//!   system's default (unbounded) mailbox.

// Each bench target uses a different part of this module.
#![allow(dead_code)]

pub mod floor;
pub mod kameo_peer;
pub mod rakt_peer;

use std::future::Future;
use std::time::{Duration, Instant};

use tokio::runtime::Runtime;

/// The runtime every peer runs on: tokio multi-thread, 2 worker threads.
pub fn runtime() -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("building the tokio runtime")
}

/// Runs `fut` as a task on one of the runtime's workers (not on the bench thread), so that the
/// code under test runs where actors run, and waits for its output.
pub fn on_worker<F>(rt: &Runtime, fut: F) -> F::Output
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    rt.block_on(async { tokio::spawn(fut).await.expect("bench task panicked") })
}

/// Waits until every task of the runtime has finished (actors that were just stopped), so
/// that one iteration's tear-down does not overlap the next iteration's measurement.
pub fn wait_idle(rt: &Runtime) {
    let deadline = Instant::now() + Duration::from_secs(30);
    rt.block_on(async {
        while rt.metrics().num_alive_tasks() > 0 {
            if Instant::now() > deadline {
                eprintln!(
                    "warning: {} tasks still alive after tear-down",
                    rt.metrics().num_alive_tasks()
                );
                return;
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    });
}

/// A counter actor (`add(by)` tell, `total()` ask, `echo(x)` ask) in one of the peers.
///
/// Every method is generic, so the benchmark code monomorphises to the same calls a user of
/// the peer would write by hand.
pub trait Peer: 'static {
    /// The name in benchmark ids and tables.
    const NAME: &'static str;
    /// What actors are spawned into (rakt's `ActorSystem`; nothing for the others).
    type System: Send + Sync + 'static;
    /// The handle to one counter actor.
    type Handle: Clone + Send + Sync + 'static;

    /// Creates the system; call it inside the runtime.
    fn start() -> impl Future<Output = Self::System> + Send;
    /// Spawns one counter actor; call it inside the runtime.
    fn spawn(system: &Self::System) -> impl Future<Output = Self::Handle> + Send;
    /// Sends `add(by)` without waiting (all mailboxes are unbounded).
    fn tell(handle: &Self::Handle, by: u64);
    /// Asks `echo(x)` and waits for the answer.
    fn echo(handle: &Self::Handle, x: u64) -> impl Future<Output = u64> + Send;
    /// Asks for the total and waits for it: once it arrives, every earlier tell is handled.
    fn total(handle: &Self::Handle) -> impl Future<Output = u64> + Send;
    /// Stops every actor of the system.
    fn stop(system: Self::System, handles: Vec<Self::Handle>) -> impl Future<Output = ()> + Send;
}
