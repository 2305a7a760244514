//! Router pools: N instances of one actor behind the actor's own typed handle.
//!
//! [`ActorSystem::spawn_pool`](crate::ActorSystem::spawn_pool) returns the generated handle
//! (`WorkerRef`), so code that calls `process` on one worker calls it on a pool unchanged.
//! Routing happens on the sender's side, with no hop through a router task: the handle's cell
//! carries a [`Router`] whose routee table a send reads without a lock.
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
//! This module owns the routee table, the choice of routee and the pool's lifecycle; the send
//! path calls [`Router::route`] when it finds the pool's own mailbox closed (it always is), and
//! the cell forwards stop requests and supervision signals here.

use std::any::Any;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::task::Poll;
use std::time::Duration;

use arc_swap::ArcSwap;
use siphasher::sip::SipHasher13;

use crate::actor::{Actor, ActorHandle, Message};
use crate::actor_ref::ActorRef;
use crate::cell::{Cell, Forward, Node, PushTo};
use crate::context::Ctx;
use crate::error::{SendError, SpawnError};
use crate::event::{DeadLetterReason, Event, StopReason};
use crate::id::ActorId;
use crate::mailbox::{Mailbox, MailboxConfig, PushError, Signal, StopKind};
use crate::supervision::Supervision;
use crate::system::{ActorSystem, SpawnOptions};

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
    size: usize,
    make: Arc<dyn Fn() -> A + Send + Sync>,
    routing: Routing,
    supervision: Option<Supervision>,
    mailbox: Option<MailboxConfig>,
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

/// The routees at one moment, and the ring over them for consistent hashing.
struct Table<A: Actor> {
    routees: Vec<ActorRef<A>>,
    /// `(point, index into routees)`, sorted by point; empty unless consistent hashing.
    ring: Vec<(u64, usize)>,
}

impl<A: Actor> Table<A> {
    fn new(routees: Vec<ActorRef<A>>, routing: Routing) -> Self {
        let ring = match routing {
            Routing::ConsistentHash { virtual_nodes } => ring(
                routees.iter().map(|routee| routee.id().get()),
                virtual_nodes.max(1),
            ),
            _ => Vec::new(),
        };
        Table { routees, ring }
    }

    /// The routee owning `key`: the first point at or after the key's hash, wrapping.
    fn owner(&self, key: u64) -> Option<&ActorRef<A>> {
        self.routees.get(owner(&self.ring, key)?)
    }
}

/// The points of each routee (by id), derived from the id alone so that they do not move when
/// others come and go; `(point, index of the routee)`, sorted.
fn ring(ids: impl Iterator<Item = u64>, virtual_nodes: usize) -> Vec<(u64, usize)> {
    let mut ring = Vec::new();
    for (index, id) in ids.enumerate() {
        for vnode in 0..virtual_nodes {
            let mut hasher = stable_hasher();
            (id, vnode).hash(&mut hasher);
            ring.push((hasher.finish(), index));
        }
    }
    ring.sort_unstable();
    ring
}

/// The index owning `key`: the first point at or after it, wrapping round.
fn owner(ring: &[(u64, usize)], key: u64) -> Option<usize> {
    let at = ring.partition_point(|&(point, _)| point < key);
    ring.get(at)
        .or_else(|| ring.first())
        .map(|&(_, index)| index)
}

/// The hasher of keys and ring points: SipHash-1-3 with fixed keys, so that a key maps the
/// same way in every process and with every Rust release (`std`'s `DefaultHasher` promises
/// neither).
fn stable_hasher() -> SipHasher13 {
    SipHasher13::new_with_keys(0x7261_6b74_5f72_696e, 0x675f_706f_696e_7473)
}

/// Hashes a routing key; used by generated `route_key`.
#[doc(hidden)]
pub fn hash_key<K: RouteKey + ?Sized>(key: &K) -> u64 {
    let mut hasher = stable_hasher();
    key.hash(&mut hasher);
    hasher.finish()
}

/// A type that can be a consistent-hashing key: any `Hash` type.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a routing key: it does not implement `Hash`",
    label = "marked as the key by `#[route(key = ..)]`",
    note = "derive or implement `Hash` for it, or route on another argument"
)]
pub trait RouteKey: Hash {}

impl<T: Hash + ?Sized> RouteKey for T {}

/// A pool's routing state, kept in the pool's cell.
pub(crate) struct Router<A: Actor> {
    /// What the pool was spawned with: how to make, route and supervise routees.
    spec: Pool<A>,
    table: ArcSwap<Table<A>>,
    next: AtomicUsize,
    stopping: AtomicBool,
    /// Set once the pool has ended.
    finished: AtomicBool,
    /// Serialises changes of the table (growth, shrinking, a routee leaving).
    changes: Mutex<()>,
}

impl<A: Actor> Router<A> {
    fn new(spec: Pool<A>) -> Self {
        Router {
            table: ArcSwap::from_pointee(Table::new(Vec::new(), spec.routing)),
            spec,
            next: AtomicUsize::new(0),
            stopping: AtomicBool::new(false),
            finished: AtomicBool::new(false),
            changes: Mutex::new(()),
        }
    }

    /// How many routees the pool has.
    pub(crate) fn len(&self) -> usize {
        self.table.load().routees.len()
    }

    /// Whether the pool has begun to stop.
    pub(crate) fn is_stopping(&self) -> bool {
        self.stopping.load(Ordering::Acquire)
    }

    /// Routes `msg` and hands it to `push` for the routee picked; `pool` is the pool's own
    /// reference (for dead letters). A routee that refuses the message as closed is leaving
    /// the pool (shrunk away, or stopping for good): it leaves the routee table at once and
    /// the message is routed again, so a live pool never answers "stopped" for a message
    /// another routee can take. A routee that refuses it as full makes it a dead letter and
    /// the caller's [`SendError::MailboxFull`]. `Pending` comes only from a `push` that waits
    /// for room.
    fn route(
        &self,
        pool: &ActorRef<A>,
        mut msg: A::Msg,
        push: &mut PushTo<'_, A>,
    ) -> Poll<Result<(), SendError>> {
        let mut again = false;
        loop {
            let table = self.table.load();
            let (routee, picked) = match self.pick(&table, pool, msg, again) {
                Ok(picked) => picked,
                Err(outcome) => return Poll::Ready(outcome),
            };
            match push(routee, picked) {
                Poll::Ready(Ok(())) => return Poll::Ready(Ok(())),
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Err(PushError::Full(back))) => {
                    routee.cell.give_up(back, DeadLetterReason::MailboxFull);
                    return Poll::Ready(Err(SendError::MailboxFull));
                }
                Poll::Ready(Err(PushError::Closed(back))) => {
                    let leaving = routee.id();
                    drop(table);
                    self.forget(leaving);
                    msg = back;
                    again = true;
                }
            }
        }
    }

    /// Takes a routee that refused a message as closed out of the table; it is leaving, and
    /// its own termination will find it gone already.
    pub(crate) fn forget(&self, id: ActorId) {
        // Several senders may find the same leaver: only the first rebuilds the table.
        if self
            .table
            .load()
            .routees
            .iter()
            .any(|routee| routee.id() == id)
        {
            self.update(|routees| routees.retain(|routee| routee.id() != id));
        }
    }

    /// The routee of `msg` in `table`, or the outcome of a send made already (a broadcast, or
    /// a dead letter for want of routees). `again`: the message was routed before and its
    /// routee was leaving; copies of it went out then, so it now goes to one routee in turn.
    #[allow(clippy::type_complexity)]
    fn pick<'t>(
        &self,
        table: &'t Table<A>,
        pool: &ActorRef<A>,
        mut msg: A::Msg,
        again: bool,
    ) -> Result<(&'t ActorRef<A>, A::Msg), Result<(), SendError>> {
        let routees = &table.routees;
        // A stopping pool takes no new messages, as a stopping actor does not.
        if routees.is_empty() || self.is_stopping() {
            pool.cell.give_up(msg, DeadLetterReason::Stopped);
            return Err(Err(SendError::Stopped));
        }
        if msg.is_broadcast() {
            // Copies to all routees but the last, the original to the last.
            let delivered = match routees.split_last() {
                Some((last, others)) => send_copies(others, &mut msg) | last.deliver(msg),
                None => false,
            };
            return Err(if delivered {
                Ok(())
            } else {
                Err(SendError::Stopped)
            });
        }
        let chosen = match self.spec.routing {
            Routing::RoundRobin => self.round_robin(routees),
            Routing::Random => &routees[fastrand::usize(..routees.len())],
            Routing::SmallestMailbox => routees
                .iter()
                .min_by_key(|routee| routee.mailbox_len())
                .unwrap_or(&routees[0]),
            Routing::ConsistentHash { .. } => match msg.route_key() {
                Some(key) => table.owner(key).unwrap_or(&routees[0]),
                None => self.round_robin(routees),
            },
            Routing::ScatterGather | Routing::TailChopping { .. } if again => {
                self.round_robin(routees)
            }
            Routing::ScatterGather if msg.is_ask() => {
                let first = self.turn(routees.len());
                let others = routees[first + 1..].iter().chain(&routees[..first]);
                send_copies(others, &mut msg);
                &routees[first]
            }
            Routing::TailChopping { interval } if msg.is_ask() => {
                let first = self.turn(routees.len());
                let rest: Vec<(ActorRef<A>, A::Msg)> = routees[first + 1..]
                    .iter()
                    .chain(&routees[..first])
                    .map_while(|routee| msg.duplicate().map(|copy| (routee.clone(), copy)))
                    .collect();
                if !rest.is_empty() {
                    let runtime = pool.cell.core.system.inner.runtime().clone();
                    runtime.spawn(chop(rest, interval));
                }
                &routees[first]
            }
            Routing::ScatterGather | Routing::TailChopping { .. } => self.round_robin(routees),
        };
        Ok((chosen, msg))
    }

    fn round_robin<'t>(&self, routees: &'t [ActorRef<A>]) -> &'t ActorRef<A> {
        &routees[self.turn(routees.len())]
    }

    /// The index of the next routee in turn, out of `len`.
    fn turn(&self, len: usize) -> usize {
        self.next.fetch_add(1, Ordering::Relaxed) % len
    }

    fn lock_changes(&self) -> std::sync::MutexGuard<'_, ()> {
        self.changes.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Replaces the table with `change` applied to a copy of its routees, one change at a
    /// time.
    fn update(&self, change: impl FnOnce(&mut Vec<ActorRef<A>>)) {
        let _changes = self.lock_changes();
        let mut routees = self.table.load().routees.clone();
        change(&mut routees);
        self.table
            .store(Arc::new(Table::new(routees, self.spec.routing)));
    }
}

/// Sends the remaining copies of a tail-chopped request, one per `interval`, until one copy
/// has been answered (or the caller gave up).
async fn chop<A: Actor>(rest: Vec<(ActorRef<A>, A::Msg)>, interval: Duration) {
    for (routee, copy) in rest {
        tokio::time::sleep(interval).await;
        if copy.is_answered() {
            // Dropping the copies withdraws them quietly: the request is answered.
            return;
        }
        routee.deliver(copy);
    }
}

/// Delivers a copy of `msg` to each of `routees` (a broadcast, a scatter-gather), as far as the
/// message can be copied; whether any routee took one.
fn send_copies<'r, A: Actor>(
    routees: impl IntoIterator<Item = &'r ActorRef<A>>,
    msg: &mut A::Msg,
) -> bool {
    let mut delivered = false;
    for routee in routees {
        match msg.duplicate() {
            Some(copy) => delivered |= routee.deliver(copy),
            None => break,
        }
    }
    delivered
}

impl ActorSystem {
    /// Spawns a pool of routees named `name` and returns the actor's own typed handle for it:
    /// every handler call is routed to a routee. The name follows the rules of
    /// [`spawn`](ActorSystem::spawn); [`spawn_pool_anonymous`](ActorSystem::spawn_pool_anonymous)
    /// spawns a pool without one.
    ///
    /// # Errors
    /// As [`spawn`](ActorSystem::spawn) (an empty, bad or taken name, the system shutting
    /// down), and [`SpawnError::InvalidPool`] for a pool of zero routees.
    pub async fn spawn_pool<A: Actor>(
        &self,
        name: &str,
        pool: Pool<A>,
    ) -> Result<A::Ref, SpawnError> {
        self.spawn_pool_in(None, Some(name.to_owned()), pool)
    }

    /// Spawns a pool without a name (its path ends in `$<id>`), as
    /// [`spawn_pool`](ActorSystem::spawn_pool) does a named one.
    ///
    /// # Errors
    /// [`SpawnError::InvalidPool`] for a pool of zero routees, [`SpawnError::Stopping`] once
    /// the system shuts down.
    pub async fn spawn_pool_anonymous<A: Actor>(
        &self,
        pool: Pool<A>,
    ) -> Result<A::Ref, SpawnError> {
        self.spawn_pool_in(None, None, pool)
    }

    /// Registers a pool under `parent` (`None`: the user guardian) and spawns its routees.
    pub(crate) fn spawn_pool_in<A: Actor>(
        &self,
        parent: Option<Arc<dyn Node>>,
        name: Option<String>,
        pool: Pool<A>,
    ) -> Result<A::Ref, SpawnError> {
        let size = pool.size;
        if size == 0 {
            return Err(SpawnError::InvalidPool("a pool needs at least one routee"));
        }
        if let Some(mailbox) = pool.mailbox {
            mailbox.validate().map_err(SpawnError::InvalidMailbox)?;
        }
        // A pool's own mailbox is sealed: a send that finds it closed looks for the router (off
        // the hot path of sends to single actors) and goes to a routee.
        let cell = self.register_cell(
            parent,
            name,
            Mailbox::sealed(),
            Some(Box::new(Router::new(pool))),
        )?;
        let me = ActorRef::from_cell(cell);
        if let Err(error) = grow(&me, size) {
            // Nothing reached the new pool yet: take it down again.
            me.cell.request_stop(StopKind::Graceful);
            finish_if_empty(&me.cell);
            return Err(match error {
                PoolError::Spawn(error) => error,
                PoolError::Empty | PoolError::Stopping => SpawnError::Stopping,
            });
        }
        Ok(A::Ref::from_actor_ref(me))
    }
}

/// Spawns `count` more routees into the pool.
fn grow<A: Actor>(pool: &ActorRef<A>, count: usize) -> Result<(), PoolError> {
    let Some(router) = pool.cell.forward_as_router() else {
        return Err(PoolError::Stopping);
    };
    let system = pool.cell.core.system.clone();
    let cell = pool.cell.to_arc();
    let weak: Weak<Cell<A>> = Arc::downgrade(&cell);
    let parent: Arc<dyn Node> = cell;
    let spec = &router.spec;
    let mut options = SpawnOptions::new();
    if let Some(supervision) = &spec.supervision {
        options = options.supervision(supervision.clone());
    }
    if let Some(mailbox) = spec.mailbox {
        options = options.mailbox(mailbox);
    }
    for _ in 0..count {
        if router.is_stopping() {
            return Err(PoolError::Stopping);
        }
        let make = Arc::clone(&spec.make);
        let routee = system.spawn_in(
            Some(Arc::clone(&parent)),
            make(),
            options.clone(),
            Some(Box::new(move || make())),
        )?;
        let routee = routee.actor_ref().clone();
        router.update(|routees| routees.push(routee.clone()));
        // After it is in the table: a routee that is already gone is taken out at once.
        let weak = weak.clone();
        let id = routee.id();
        routee.cell.core.add_watcher(
            pool.id(),
            Box::new(move |_| {
                if let Some(cell) = weak.upgrade() {
                    leave(&cell, id);
                }
            }),
        );
    }
    Ok(())
}

/// A routee stopped for good: it leaves the table, and the pool stops if it was the last.
fn leave<A: Actor>(cell: &Arc<Cell<A>>, id: ActorId) {
    let Some(router) = cell.forward_as_router() else {
        return;
    };
    router.forget(id);
    finish_if_empty(cell);
}

/// Ends the pool once no routee is left: the registry, the watchers and the event stream
/// learn that it stopped.
fn finish_if_empty<A: Actor>(cell: &Cell<A>) {
    let Some(router) = cell.forward_as_router() else {
        return;
    };
    let reason = {
        // Decided under the lock, so that a routee joining meanwhile keeps the pool alive and
        // the pool ends once; the rest runs outside it (watchers run user callbacks).
        let _changes = router.lock_changes();
        if router.len() > 0 || router.finished.swap(true, Ordering::AcqRel) {
            return;
        }
        if router.stopping.swap(true, Ordering::AcqRel) {
            StopReason::Stopped
        } else {
            tracing::info!(pool = %cell.core.path(), "the pool's last routee stopped; the pool stops");
            StopReason::NoRoutees
        }
    };
    cell.core.children.close();
    cell.core.system.inner.forget(&cell.core);
    cell.core.tell_watchers(&reason);
    cell.core.system.inner.events.publish(|| Event::Stopped {
        actor: cell.core.path(),
        reason,
    });
    cell.core.mark_terminated();
}

impl<A: Actor> Cell<A> {
    /// The pool's router, if this is a pool's cell.
    fn forward_as_router(&self) -> Option<&Router<A>> {
        self.forward.as_deref()?.as_any().downcast_ref()
    }
}

/// A pool's cell forwards every send to its router.
impl<A: Actor> Forward<A> for Router<A> {
    fn push(
        &self,
        me: &ActorRef<A>,
        msg: A::Msg,
        push: &mut PushTo<'_, A>,
    ) -> Poll<Result<(), SendError>> {
        self.route(me, msg, push)
    }

    fn forget(&self, target: ActorId) {
        Router::forget(self, target);
    }

    fn is_stopping(&self) -> bool {
        Router::is_stopping(self)
    }

    /// A stop request to a pool: every routee stops (gracefully: it handles what it has
    /// queued), and the pool ends with the last of them.
    fn request_stop(&self, cell: &Cell<A>, kind: StopKind) {
        self.stopping.store(true, Ordering::Release);
        let routees = cell.core.children.close();
        for routee in &routees {
            routee.request_stop(kind);
        }
        if routees.is_empty() {
            finish_if_empty(cell);
        }
    }

    /// A supervision signal to a pool: a routee's escalated failure goes to the pool's parent;
    /// a sibling's all-for-one restart or stop applies to every routee.
    fn signal(&self, cell: &Cell<A>, signal: Signal) {
        match signal {
            Signal::Escalated(failure) => match &cell.core.parent {
                Some(parent) => parent.signal(Signal::Escalated(failure)),
                None => tracing::error!(
                    pool = %cell.core.path(), %failure,
                    "a routee escalated to a top-level pool; the routee stopped"
                ),
            },
            Signal::Restart(why) => {
                for routee in self.table.load().routees.iter() {
                    routee.cell.signal(Signal::Restart(why.clone()));
                }
            }
            Signal::Stop => Forward::request_stop(self, cell, StopKind::Graceful),
        }
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// The pool side of every handle: `handle.pool()` (in the prelude).
pub trait PoolHandle: ActorHandle {
    /// The management side of a router pool (size, resize, routees); `None` for a single
    /// actor.
    fn pool(&self) -> Option<PoolControl<'_, Self::Actor>> {
        PoolControl::of(self.actor_ref())
    }
}

impl<H: ActorHandle> PoolHandle for H {}

impl<A: Actor> Ctx<A> {
    /// Spawns a router pool named `name` as a child of this actor (see
    /// [`ActorSystem::spawn_pool`]); it and its routees stop when this actor stops.
    pub async fn spawn_pool<C: Actor>(
        &self,
        name: &str,
        pool: Pool<C>,
    ) -> Result<C::Ref, SpawnError> {
        let parent: Arc<dyn Node> = self.actor_ref().cell.to_arc();
        self.system()
            .spawn_pool_in(Some(parent), Some(name.to_owned()), pool)
    }

    /// Spawns an anonymous router pool as a child of this actor (see
    /// [`ActorSystem::spawn_pool_anonymous`]).
    pub async fn spawn_pool_anonymous<C: Actor>(
        &self,
        pool: Pool<C>,
    ) -> Result<C::Ref, SpawnError> {
        let parent: Arc<dyn Node> = self.actor_ref().cell.to_arc();
        self.system().spawn_pool_in(Some(parent), None, pool)
    }
}

/// The management side of a pool, reached through its handle's
/// [`pool`](PoolHandle::pool).
pub struct PoolControl<'a, A: Actor> {
    pool: &'a ActorRef<A>,
    router: &'a Router<A>,
}

impl<'a, A: Actor> PoolControl<'a, A> {
    pub(crate) fn of(pool: &'a ActorRef<A>) -> Option<Self> {
        let router = pool.cell.forward_as_router()?;
        Some(PoolControl { pool, router })
    }

    /// How many routees the pool has now.
    pub fn size(&self) -> usize {
        self.router.len()
    }

    /// How the pool routes.
    pub fn routing(&self) -> Routing {
        self.router.spec.routing
    }

    /// Handles to the routees, in routing order.
    pub fn routees(&self) -> Vec<A::Ref> {
        self.router
            .table
            .load()
            .routees
            .iter()
            .map(|routee| A::Ref::from_actor_ref(routee.clone()))
            .collect()
    }

    /// Grows or shrinks the pool to `size` routees. New routees take messages at once; the
    /// routees let go stop taking new messages at once and stop after handling what they
    /// have queued (await the returned future to wait for that).
    ///
    /// # Errors
    /// [`PoolError::Empty`] for a size of zero, [`PoolError::Stopping`] if the pool is
    /// stopping, [`PoolError::Spawn`] if a new routee could not be spawned.
    pub async fn resize(&self, size: usize) -> Result<(), PoolError> {
        if size == 0 {
            return Err(PoolError::Empty);
        }
        if self.router.is_stopping() {
            return Err(PoolError::Stopping);
        }
        let current = self.size();
        if size > current {
            return grow(self.pool, size - current);
        }
        let mut leaving = Vec::new();
        self.router.update(|routees| {
            leaving = routees.split_off(size.min(routees.len()));
        });
        for routee in &leaving {
            routee.cell.request_stop(StopKind::Graceful);
        }
        for routee in &leaving {
            routee.cell.core.terminated().await;
        }
        Ok(())
    }
}

impl<A: Actor> fmt::Debug for PoolControl<'_, A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PoolControl")
            .field("pool", self.pool)
            .field("size", &self.size())
            .field("routing", &self.router.spec.routing)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Which of `ids` owns each key.
    fn owners(ids: &[u64], keys: &[u64]) -> Vec<u64> {
        let ring = ring(ids.iter().copied(), DEFAULT_VIRTUAL_NODES);
        keys.iter()
            .map(|key| ids[owner(&ring, hash_key(key)).unwrap()])
            .collect()
    }

    #[test]
    fn growing_the_ring_moves_about_one_key_in_n_plus_one() {
        let keys: Vec<u64> = (0..10_000).collect();
        for n in [2u64, 4, 8] {
            let ids: Vec<u64> = (1..=n).collect();
            let before = owners(&ids, &keys);
            let mut grown = ids.clone();
            grown.push(n + 1);
            let after = owners(&grown, &keys);
            let moved = before.iter().zip(&after).filter(|(b, a)| b != a).count();
            let expected = keys.len() as f64 / (n + 1) as f64;
            assert!(
                (moved as f64) < expected * 1.25,
                "{n} -> {}: {moved} keys moved, about {expected:.0} expected",
                n + 1
            );
            // Every key that moved went to the new routee.
            for (b, a) in before.iter().zip(&after) {
                assert!(b == a || *a == n + 1, "a key moved between old routees");
            }
        }
    }

    #[test]
    fn a_key_keeps_its_owner_and_keys_spread() {
        let ids = [11, 12, 13, 14];
        let keys: Vec<u64> = (0..10_000).collect();
        assert_eq!(owners(&ids, &keys), owners(&ids, &keys));
        let owned = owners(&ids, &keys);
        for id in ids {
            let share = owned.iter().filter(|&&o| o == id).count();
            assert!(
                (1_500..=3_500).contains(&share),
                "routee {id} owns {share} keys"
            );
        }
    }

    #[test]
    fn an_empty_ring_owns_nothing() {
        assert_eq!(owner(&[], 5), None);
    }
}
