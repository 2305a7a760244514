//! Router pools: N instances of one actor behind the actor's own typed handle.
//!
//! [`ActorSystem::spawn_pool`](crate::ActorSystem::spawn_pool) returns the generated handle
//! (`WorkerRef`), so code that calls `process` on one worker calls it on a pool unchanged.
//! Routing happens on the sender's side, with no hop through a router task: the pool's cell
//! carries a router, behind the cell's one seam for sends that go elsewhere
//! ([`Forward`](crate::cell::Forward)), whose routee table a send reads without a lock.
//!
//! The pool is a node in the actor tree (it has a path, can be watched and stopped, and stops
//! with its parent); the routees are its children, each spawned with the pool's supervision,
//! so a failing routee is resumed, restarted or stopped by the pool's own directive. A routee
//! that stops for good leaves the pool; the pool stops when its last routee has stopped and
//! says so on the event stream ([`StopReason::NoRoutees`](crate::StopReason::NoRoutees)).
//!
//! Strategies ([`Routing`]): round-robin, random, smallest-mailbox, consistent-hash (on the
//! handler argument marked `#[route(key = ..)]`, over a ring of virtual nodes),
//! scatter-gather-first-completed and tail-chopping for asks. A handler marked
//! `#[route(broadcast)]` reaches every routee whatever the strategy.
//!
//! This module owns the description of a pool ([`Pool`], [`Routing`], [`PoolError`]); its
//! parts:
//! - `ring`: the consistent-hash ring and the stable key hash;
//! - `roster`: the lock that orders table changes against the pool's end;
//! - `strategy`: the routee table and the choice of a routee for each message;
//! - `pool`: the pool's lifecycle (spawn, growth, routees leaving, the end), its answers to
//!   the cell's seam (sends, stop requests, supervision signals) and [`PoolControl`];
//! - `facade`: the entry points on [`ActorSystem`](crate::ActorSystem) and
//!   [`Ctx`](crate::Ctx) (`spawn_pool`, `spawn_pool_anonymous`).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::actor::Actor;
use crate::error::SpawnError;
use crate::mailbox::MailboxConfig;
use crate::supervision::Supervision;

mod facade;
mod pool;
mod ring;
pub(crate) mod roster;
mod strategy;

pub use pool::{PoolControl, PoolHandle};
pub use ring::{RouteKey, hash_key};

/// Virtual nodes per routee on a consistent-hash ring, unless set.
pub const DEFAULT_VIRTUAL_NODES: usize = 100;

/// How a pool picks the routee for a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Routing {
    /// Each routee in turn.
    RoundRobin,
    /// A routee picked at random.
    Random,
    /// The routee with the fewest queued messages (ties: the first).
    SmallestMailbox,
    /// The routee that owns the message's key on a hash ring with `virtual_nodes` points per
    /// routee: a key keeps its routee while that routee lives, and a resize moves about
    /// `1/(N+1)` of the keys. The key is the handler argument marked `#[route(key = ..)]`;
    /// a message without one goes round-robin.
    ConsistentHash {
        /// Points per routee on the ring; more spread the keys more evenly.
        virtual_nodes: usize,
    },
    /// Asks go to every routee and the first answer wins (the others are discarded); the
    /// ask's own timeout is the deadline. Tells go round-robin. A request whose arguments are
    /// not `Clone` goes to one routee.
    ScatterGather,
    /// An ask goes to one routee, then, every `interval` without an answer, to the next one,
    /// until one answers or every routee has it; the first answer wins. Tells go round-robin.
    TailChopping {
        /// How long to wait for an answer before asking the next routee.
        interval: Duration,
    },
}

impl Routing {
    /// [`Routing::ConsistentHash`] with [`DEFAULT_VIRTUAL_NODES`].
    pub const fn consistent_hash() -> Self {
        Routing::ConsistentHash {
            virtual_nodes: DEFAULT_VIRTUAL_NODES,
        }
    }
}

/// Why a pool could not be changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PoolError {
    /// A pool needs at least one routee; stop the pool instead.
    #[error("a pool needs at least one routee")]
    Empty,
    /// The pool is stopping or stopped.
    #[error("the pool is stopping")]
    Stopping,
    /// A new routee could not be spawned.
    #[error("a routee could not be spawned: {0}")]
    Spawn(#[from] SpawnError),
}

/// The description of a pool to spawn: how many routees, how to make one, how to route and
/// how to supervise them.
///
/// ```no_run
/// # use rakt::prelude::*;
/// # #[actor] #[derive(Default)] pub struct Worker;
/// # #[actor] impl Worker { pub fn process(&mut self, job: u64) {} }
/// # async fn demo(system: ActorSystem) -> Result<(), SpawnError> {
/// let workers: WorkerRef = system
///     .spawn_pool("workers", Pool::new(4, Worker::default).routing(Routing::SmallestMailbox))
///     .await?;
/// workers.process(7).await.ok();
/// # Ok(()) }
/// ```
pub struct Pool<A: Actor> {
    pub(super) size: usize,
    pub(super) make: Arc<dyn Fn() -> A + Send + Sync>,
    pub(super) routing: Routing,
    pub(super) supervision: Option<Supervision>,
    pub(super) mailbox: Option<MailboxConfig>,
}

impl<A: Actor> Pool<A> {
    /// `size` routees, each made by `make` (also for restarts and growth); round-robin.
    pub fn new(size: usize, make: impl Fn() -> A + Send + Sync + 'static) -> Self {
        Pool {
            size,
            make: Arc::new(make),
            routing: Routing::RoundRobin,
            supervision: None,
            mailbox: None,
        }
    }

    /// How messages are spread over the routees.
    pub fn routing(mut self, routing: Routing) -> Self {
        self.routing = routing;
        self
    }

    /// How a failing routee is handled (the system's default otherwise). `escalate` stops the
    /// routee and hands the failure to the pool's parent.
    pub fn supervision(mut self, supervision: Supervision) -> Self {
        self.supervision = Some(supervision);
        self
    }

    /// Every routee's mailbox.
    pub fn mailbox(mut self, mailbox: MailboxConfig) -> Self {
        self.mailbox = Some(mailbox);
        self
    }
}

impl<A: Actor> fmt::Debug for Pool<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pool")
            .field("size", &self.size)
            .field("routing", &self.routing)
            .field("supervision", &self.supervision)
            .field("mailbox", &self.mailbox)
            .finish_non_exhaustive()
    }
}
