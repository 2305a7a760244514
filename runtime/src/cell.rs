//! The cell: what the runtime keeps for one live actor, shared by its task and its handles.
//!
//! A cell is one allocation holding the mailbox and the [`Core`] (identity, place in the tree,
//! children, termination signal). The [`Node`] trait is the type-erased view the tree and the
//! registry use, so that a parent can stop children of any actor type.

use std::any::Any;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use crate::actor::{Actor, Message};
use crate::actor_ref::ActorRef;
use crate::error::SendError;
use crate::event::{DeadLetterReason, StopReason};
use crate::id::{ActorId, ActorPath};
use crate::mailbox::{Mailbox, PushError, Signal, StopKind};
use crate::reply::Rejection;
use crate::sync::{AtomicBool, Mutex, MutexGuard, Notify, Ordering, PoisonError};
use crate::system::ActorSystem;
use crate::watch::{Notify as WatchNotify, Terminated, Watchers};

/// One actor's shared state.
pub(crate) struct Cell<A: Actor> {
    pub(crate) core: Core,
    pub(crate) mailbox: Mailbox<A::Msg>,
    /// Only in a cell whose sends go elsewhere (a router pool's): where they go. Boxed twice
    /// so that the field is one word, not two: every idle actor pays for it, and only a
    /// forwarded send (to a pool) pays the second pointer.
    forward: Option<Box<Box<dyn Forward<A>>>>,
}

impl<A: Actor> Cell<A> {
    /// A cell of `core` with `mailbox`; `forward` for a cell whose sends go elsewhere.
    pub(crate) fn new(
        core: Core,
        mailbox: Mailbox<A::Msg>,
        forward: Option<Box<dyn Forward<A>>>,
    ) -> Self {
        Cell {
            core,
            mailbox,
            forward: forward.map(Box::new),
        }
    }

    /// Where this cell's sends go, if elsewhere.
    pub(crate) fn forward(&self) -> Option<&dyn Forward<A>> {
        self.forward.as_deref().map(|forward| &**forward)
    }

    /// The actor's address: the forward's, when it stands for an actor elsewhere (a remote
    /// actor's proxy), else the cell's place in the tree.
    pub(crate) fn path(&self) -> ActorPath {
        match self.forward().and_then(|forward| forward.path()) {
            Some(path) => path,
            None => self.core.path(),
        }
    }

    /// Registers a watcher of this actor, or tells it at once if the actor is gone; the
    /// notice carries [`path`](Self::path).
    pub(crate) fn add_watcher(&self, watcher: ActorId, notify: WatchNotify) {
        self.core.watchers.add(watcher, notify, |reason| {
            self.core.terminated_notice(self.path(), reason)
        });
    }
}

/// The type-independent part of a cell.
pub(crate) struct Core {
    pub(crate) id: ActorId,
    /// `None` for an anonymous actor.
    pub(crate) name: Option<Arc<str>>,
    /// `None` for a top-level actor (a child of the system's user guardian).
    pub(crate) parent: Option<Arc<dyn Node>>,
    pub(crate) system: ActorSystem,
    pub(crate) children: Children,
    pub(crate) watchers: Watchers,
    termination: Termination,
}

impl Core {
    pub(crate) fn new(
        id: ActorId,
        name: Option<Arc<str>>,
        parent: Option<Arc<dyn Node>>,
        system: ActorSystem,
    ) -> Self {
        Core {
            id,
            name,
            parent,
            system,
            children: Children::new(),
            watchers: Watchers::new(),
            termination: Termination::new(),
        }
    }

    /// Registers a watcher of this actor, or tells it at once if the actor is gone.
    pub(crate) fn add_watcher(&self, watcher: ActorId, notify: WatchNotify) {
        self.watchers.add(watcher, notify, |reason| {
            self.terminated_notice(self.path(), reason)
        });
    }

    /// Tells this actor's watchers that it terminated, and why.
    pub(crate) fn tell_watchers(&self, reason: &StopReason) {
        self.watchers
            .close(reason, |reason| self.terminated_notice(self.path(), reason));
    }

    /// The notice a watcher of this actor gets: its id, `path` (where watchers know it by),
    /// and why it stopped.
    fn terminated_notice(&self, path: ActorPath, reason: StopReason) -> Terminated {
        Terminated {
            id: self.id,
            path,
            reason,
        }
    }

    /// Writes `rakt://system/user/.../name` into `out`.
    pub(crate) fn write_path(&self, out: &mut String) {
        match &self.parent {
            Some(parent) => parent.core().write_path(out),
            None => {
                out.push_str("rakt://");
                out.push_str(self.system.name());
                out.push_str("/user");
            }
        }
        out.push('/');
        match &self.name {
            Some(name) => out.push_str(name),
            None => {
                let _ = write!(out, "${}", self.id.get());
            }
        }
    }

    /// The actor's address.
    pub(crate) fn path(&self) -> ActorPath {
        let mut path = String::with_capacity(48);
        self.write_path(&mut path);
        ActorPath::new(path)
    }

    /// Whether the actor's task has finished.
    pub(crate) fn is_terminated(&self) -> bool {
        self.termination.is_done()
    }

    /// Marks the actor finished and wakes everyone waiting for it.
    pub(crate) fn mark_terminated(&self) {
        self.termination.mark();
    }

    /// Resolves once the actor's task has finished.
    pub(crate) async fn terminated(&self) {
        self.termination.wait().await;
    }
}

/// Whether an actor's task has finished, and the wait for it.
pub(crate) struct Termination {
    done: AtomicBool,
    /// Wakes whoever waits for the actor to finish; made by the first to wait (most actors
    /// are never waited for one by one), and kept small as it sits in every cell.
    notify: Mutex<Option<Arc<Notify>>>,
}

impl Termination {
    pub(crate) fn new() -> Self {
        Termination {
            done: AtomicBool::new(false),
            notify: Mutex::new(None),
        }
    }

    pub(crate) fn is_done(&self) -> bool {
        self.done.load(Ordering::Acquire)
    }

    /// Marks the task finished and wakes everyone waiting for it.
    pub(crate) fn mark(&self) {
        self.done.store(true, Ordering::Release);
        // Read under the lock after the store: a waiter that made its `Notify` before this
        // read is woken; one that makes it after sees the flag (see `wait`).
        let notify = self.notify(false);
        if let Some(notify) = notify {
            notify.notify_waiters();
        }
    }

    /// The `Notify` that waiters for termination wait on, made first if `make`.
    fn notify(&self, make: bool) -> Option<Arc<Notify>> {
        let mut slot = self.notify.lock().unwrap_or_else(PoisonError::into_inner);
        if make && slot.is_none() {
            *slot = Some(Arc::new(Notify::new()));
        }
        slot.clone()
    }

    /// Resolves once the task has finished.
    pub(crate) async fn wait(&self) {
        if self.is_done() {
            return;
        }
        let Some(notify) = self.notify(true) else {
            return;
        };
        loop {
            // Registered before the flag is read: a `notify_waiters` after this point wakes
            // it, and one before it came after the flag was set.
            let notified = notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.is_done() {
                return;
            }
            notified.await;
        }
    }
}

impl<A: Actor> Cell<A> {
    /// A message this actor will never handle: a dead letter, and (for an ask) an answer to
    /// its caller that says why.
    #[cold]
    pub(crate) fn give_up(&self, msg: A::Msg, reason: DeadLetterReason) {
        let why = match &reason {
            DeadLetterReason::Unhandled { state } => Rejection::Unhandled {
                state: state.clone(),
            },
            DeadLetterReason::StashFull { capacity } => Rejection::StashFull {
                capacity: *capacity,
            },
            _ => Rejection::Stopped,
        };
        self.core.system.inner.events.dead_letter(
            || self.core.path(),
            msg.name(),
            || msg.describe(),
            reason,
        );
        msg.reject(why);
    }
}

/// How a push to a forwarded cell's target went: `Pending` only while waiting for room.
pub(crate) type Pushed<M> = Poll<Result<(), PushError<M>>>;

/// How a forward pushes a message on the actor it chose.
pub(crate) type PushTo<'a, A> =
    dyn FnMut(&ActorRef<A>, <A as Actor>::Msg) -> Pushed<<A as Actor>::Msg> + 'a;

/// The one seam for sends that go elsewhere: a cell with a `Forward` has a sealed mailbox,
/// and every message it refuses is handed here (a router pool's, a remote actor's proxy).
/// Only the refusal path reaches it, so sends to ordinary actors pay nothing for it.
pub(crate) trait Forward<A: Actor>: Send + Sync + 'static {
    /// Hands `msg` on from `me`, pushing it with `push` on the actor it goes to; the outcome
    /// of the send (a message not delivered is a dead letter already). `timeout` is the
    /// caller's, for an ask that waits under one (its own, or its batch's; a forward that
    /// sends the ask to another node passes it on); `None` for a tell, or an ask whose
    /// caller's timeout is not at hand (one in a `tell_batch`, or delivered by the runtime),
    /// which waits under the system's default.
    fn push(
        &self,
        me: &ActorRef<A>,
        msg: A::Msg,
        timeout: Option<Duration>,
        push: &mut PushTo<'_, A>,
    ) -> Poll<Result<(), SendError>>;

    /// An actor `push` was given, and a send then waited on, refused as closed: it is gone.
    fn forget(&self, target: ActorId);

    /// Whether the cell has begun to stop.
    fn is_stopping(&self) -> bool;

    /// A stop request to the cell.
    fn request_stop(&self, cell: &Cell<A>, kind: StopKind);

    /// A supervision signal to the cell.
    fn signal(&self, cell: &Cell<A>, signal: Signal);

    /// The forward itself, for the feature that made it.
    fn as_any(&self) -> &dyn Any;

    /// The address of what the cell stands for, when that is not the cell's place in the tree
    /// (a remote actor's proxy); `None`: the cell's own path.
    fn path(&self) -> Option<ActorPath> {
        None
    }
}

/// The type-erased view of a cell.
pub(crate) trait Node: Send + Sync + 'static {
    fn core(&self) -> &Core;
    fn request_stop(&self, kind: StopKind);
    fn signal(&self, signal: Signal);
    fn into_any(self: Arc<Self>) -> Arc<dyn Any + Send + Sync>;
}

impl<A: Actor> Node for Cell<A> {
    fn core(&self) -> &Core {
        &self.core
    }

    fn request_stop(&self, kind: StopKind) {
        match &self.forward {
            None => self.mailbox.request_stop(kind),
            Some(forward) => forward.request_stop(self, kind),
        }
    }

    fn signal(&self, signal: Signal) {
        match &self.forward {
            None => self.mailbox.signal(signal),
            Some(forward) => forward.signal(self, signal),
        }
    }

    fn into_any(self: Arc<Self>) -> Arc<dyn Any + Send + Sync> {
        self
    }
}

/// Below this many slots a child map is not shrunk: a few slots cost less than reallocating.
const MIN_CHILD_CAPACITY: usize = 16;

/// The live children of an actor (or of the system's user guardian). Generic only so that its
/// loom model can hold children that are not cells.
pub(crate) struct Children<C = Arc<dyn Node>> {
    inner: Mutex<ChildMap<C>>,
}

/// What the child set needs of a child.
pub(crate) trait Child: Clone {
    fn id(&self) -> ActorId;
}

impl Child for Arc<dyn Node> {
    fn id(&self) -> ActorId {
        self.core().id
    }
}

struct ChildMap<C> {
    /// Cleared when the owner starts stopping: no child may join after that.
    open: bool,
    /// Boxed on the first child and dropped with the last: most actors have no children,
    /// and this sits in every cell.
    #[allow(clippy::box_collection)]
    map: Option<Box<Map<C>>>,
}

type Map<C> = HashMap<u64, C, BuildHasherDefault<IdHasher>>;

impl<C: Child> Children<C> {
    pub(crate) fn new() -> Self {
        Children {
            inner: Mutex::new(ChildMap {
                open: true,
                map: None,
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, ChildMap<C>> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Adds a child; `false` if the owner is stopping.
    pub(crate) fn insert(&self, child: C) -> bool {
        let mut children = self.lock();
        if !children.open {
            return false;
        }
        let map = children.map.get_or_insert_with(Box::default);
        map.insert(child.id().get(), child);
        true
    }

    /// Removes a child that has stopped. The map gives memory back as it empties, so a burst
    /// of short-lived children leaves nothing behind.
    pub(crate) fn remove(&self, id: ActorId) {
        let removed = {
            let mut children = self.lock();
            let Some(map) = children.map.as_mut() else {
                return;
            };
            let removed = map.remove(&id.get());
            if map.is_empty() {
                children.map = None;
            } else if map.capacity() > MIN_CHILD_CAPACITY && map.len() < map.capacity() / 4 {
                map.shrink_to(map.len() * 2);
            }
            removed
        };
        // Dropped outside the lock: it may be the last reference to the child's cell.
        drop(removed);
    }

    /// How many children the map has room for.
    #[cfg(test)]
    pub(crate) fn capacity(&self) -> usize {
        self.lock().map.as_ref().map_or(0, |map| map.capacity())
    }

    /// Every child but `except`, left in place.
    pub(crate) fn others(&self, except: ActorId) -> Vec<C> {
        self.lock()
            .map
            .iter()
            .flat_map(|map| map.values())
            .filter(|child| child.id() != except)
            .cloned()
            .collect()
    }

    /// Hands back every child, leaving the set open for new ones (a restarting parent).
    pub(crate) fn take_all(&self) -> Vec<C> {
        let map = self.lock().map.take();
        map.into_iter().flat_map(|map| map.into_values()).collect()
    }

    /// Closes the set and hands back every child still in it.
    pub(crate) fn close(&self) -> Vec<C> {
        let map = {
            let mut children = self.lock();
            children.open = false;
            children.map.take()
        };
        map.into_iter().flat_map(|map| map.into_values()).collect()
    }

    /// How many children are live.
    pub(crate) fn len(&self) -> usize {
        self.lock().map.as_ref().map_or(0, |map| map.len())
    }
}

/// Stops every node, children included, and waits until all have finished.
pub(crate) async fn stop_all(nodes: Vec<Arc<dyn Node>>, kind: StopKind) {
    for node in &nodes {
        node.request_stop(kind);
    }
    for node in &nodes {
        node.core().terminated().await;
    }
}

/// A hasher for sequential actor ids (Fibonacci hashing spreads them over the table).
#[derive(Default)]
pub(crate) struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(byte)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_u64(&mut self, id: u64) {
        self.0 = id.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

#[cfg(test)]
mod tests {
    use crate::prelude::*;

    #[actor]
    struct Brief;

    #[actor]
    impl Brief {
        pub fn ping(&self) {}
    }

    #[tokio::test]
    async fn the_child_map_gives_memory_back_once_its_actors_are_gone() {
        let system = ActorSystem::builder("children").build().await.unwrap();
        let mut briefs = Vec::new();
        for _ in 0..1000 {
            let brief: BriefRef = system.spawn_anonymous(Brief).await.unwrap();
            briefs.push(brief);
        }
        let guardian = &system.inner().guardian;
        assert!(guardian.capacity() >= 1000);
        for brief in briefs.drain(..) {
            brief.stop().await;
        }
        assert_eq!(guardian.len(), 0);
        assert_eq!(guardian.capacity(), 0, "slots kept for no child");
        system.shutdown().await;
    }
}
