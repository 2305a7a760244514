//! References to actors, their identity and their address.
//!
//! [`ActorRef<A>`] is the reference every generated handle (`CounterRef`) wraps. It is typed
//! by the actor, like the handle, but speaks in whole messages rather than handler calls: it
//! sends a ready-made `A::Msg` ([`tell`](ActorRef::tell), [`ask`](ActorRef::ask), the batch
//! forms), reports the actor's id, path, liveness and mailbox length, and stops or kills it
//! ([`Stopping`] waits for the end). Users mostly call the generated handle; generic code and
//! hand-written actors use the `ActorRef` it returns from `actor_ref()`. A reference to a pool
//! is the same type: its sends are routed to a routee.
//!
//! This module owns the reference and the identity types ([`ActorId`], [`ActorPath`]); the
//! mailbox, the send futures (`send`) and the routing (`router`) do the work behind it.

use std::collections::VecDeque;
use std::fmt;
use std::future::{Future, IntoFuture, poll_fn};
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;
use std::pin::Pin;
use std::ptr::NonNull;
use std::sync::Arc;

use crate::actor::Actor;
use crate::cell::{Cell, Node};
use crate::error::{AskError, SendError};
use crate::event::DeadLetterReason;
use crate::mailbox::{PushError, StopKind};
use crate::reply::ReplySlot;
use crate::router::{Route, routed};
use crate::send::{Ask, Tell, reply_outcome};

/// An actor's id: unique among the actors a system has ever started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ActorId(u64);

impl ActorId {
    pub(crate) fn new(id: u64) -> Self {
        ActorId(id)
    }

    /// The id as a number.
    pub fn get(self) -> u64 {
        self.0
    }
}

impl fmt::Display for ActorId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// An actor's address: `rakt://<system>/user/<parent>/<child>`; anonymous actors appear as
/// `$<id>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ActorPath(String);

impl ActorPath {
    pub(crate) fn new(path: String) -> Self {
        ActorPath(path)
    }

    /// The address as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The last segment: the actor's name, or `$<id>` for an anonymous actor.
    pub fn name(&self) -> &str {
        self.0.rsplit('/').next().unwrap_or_default()
    }
}

impl fmt::Display for ActorPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A reference to a running actor of type `A`.
///
/// Cheap to clone (one reference count); equal when it points at the same actor.
pub struct ActorRef<A: Actor> {
    pub(crate) cell: CellPtr<A>,
}

impl<A: Actor> ActorRef<A> {
    pub(crate) fn from_cell(cell: Arc<Cell<A>>) -> Self {
        ActorRef {
            cell: CellPtr::new(cell),
        }
    }

    /// The actor's id.
    pub fn id(&self) -> ActorId {
        self.cell.core.id
    }

    /// The actor's address.
    pub fn path(&self) -> ActorPath {
        self.cell.core.path()
    }

    /// The actor's name, `None` for an anonymous actor.
    pub fn name(&self) -> Option<&str> {
        self.cell.core.name.as_deref()
    }

    /// Whether the actor still accepts messages (it has not begun to stop).
    pub fn is_alive(&self) -> bool {
        match self.cell.router.as_deref() {
            None => self.cell.mailbox.is_open(),
            Some(router) => !router.is_stopping(),
        }
    }

    /// How many messages wait in the mailbox (0 for a pool, whose routees hold the messages).
    pub fn mailbox_len(&self) -> usize {
        self.cell.mailbox.len()
    }

    /// Sends a message without a reply. Await the result to queue it (waiting for room in a
    /// bounded mailbox), or call [`Tell::try_send`] to never wait.
    pub fn tell(&self, msg: A::Msg) -> Tell<'_, A> {
        Tell::new(self, msg)
    }

    /// Sends a message built around a fresh reply slot and waits for the answer.
    ///
    /// ```
    /// # use rakt::prelude::*;
    /// # #[actor] #[derive(Default)] struct Counter { total: u64 }
    /// # #[actor] impl Counter { pub fn total(&self) -> u64 { self.total } }
    /// # async fn demo(counter: CounterRef) -> Result<(), AskError> {
    /// let total = counter.actor_ref().ask(|reply| CounterMsg::Total { reply }).await?;
    /// # Ok(()) }
    /// ```
    pub fn ask<T, E>(&self, make: impl FnOnce(ReplySlot<T, E>) -> A::Msg) -> Ask<'_, A, T, E>
    where
        T: Send + 'static,
        E: Send + 'static,
    {
        let (slot, rx) = ReplySlot::channel();
        Ask::new(self, make(slot), rx)
    }

    /// Queues every message, in order, taking the mailbox lock once for as many as fit; waits
    /// for room in a bounded mailbox. On a stopped actor the messages not yet queued are
    /// rejected (their asks, if any, answer [`AskError::Stopped`]).
    pub async fn tell_batch(
        &self,
        msgs: impl IntoIterator<Item = A::Msg>,
    ) -> Result<(), SendError> {
        if self.cell.router.is_some() {
            // A pool: each message to the routee its router picks.
            for msg in msgs {
                self.tell(msg).await?;
            }
            return Ok(());
        }
        let mut pending: VecDeque<A::Msg> = msgs.into_iter().collect();
        let result = poll_fn(|cx| self.cell.mailbox.poll_push_many(cx, &mut pending)).await;
        match result {
            Ok(()) => Ok(()),
            Err(PushError::Closed(first) | PushError::Full(first)) => {
                for msg in std::iter::once(first).chain(pending) {
                    self.cell.give_up(msg, DeadLetterReason::Stopped);
                }
                Err(SendError::Stopped)
            }
        }
    }

    /// Sends one ask per element of `makes`, queued together, and returns the replies in the
    /// same order. The system's ask timeout covers the whole batch.
    pub async fn ask_batch<T, E, F>(
        &self,
        makes: impl IntoIterator<Item = F>,
    ) -> Vec<Result<T, AskError<E>>>
    where
        T: Send + 'static,
        E: Send + 'static,
        F: FnOnce(ReplySlot<T, E>) -> A::Msg,
    {
        let timeout = self.cell.core.system.ask_timeout();
        let deadline = tokio::time::Instant::now() + timeout;
        let mut receivers = Vec::new();
        let msgs: Vec<A::Msg> = makes
            .into_iter()
            .map(|make| {
                let (slot, rx) = ReplySlot::channel();
                receivers.push(rx);
                make(slot)
            })
            .collect();
        let sent = self.tell_batch(msgs).await;
        let mut replies = Vec::with_capacity(receivers.len());
        for rx in receivers {
            let reply = match sent {
                Err(error) => Err(error.into()),
                Ok(()) => match tokio::time::timeout_at(deadline, rx).await {
                    Ok(received) => reply_outcome(received),
                    Err(_) => Err(AskError::Timeout(timeout)),
                },
            };
            replies.push(reply);
        }
        replies
    }

    /// Puts a message from the runtime (a termination notice, a topic publication) in the
    /// mailbox without making the publisher wait: if a bounded mailbox is full, a task waits
    /// for room. Returns `false`, after a dead letter, if the actor has stopped.
    pub(crate) fn deliver(&self, msg: A::Msg) -> bool {
        match self.cell.mailbox.try_push(msg) {
            Ok(()) => true,
            Err(PushError::Full(msg)) => {
                let me = self.clone();
                self.cell.core.system.runtime().spawn(async move {
                    let _ = me.tell(msg).await;
                });
                true
            }
            Err(refused @ PushError::Closed(_)) => match routed(self, refused) {
                Ok((router, msg)) => match router.route(self, msg) {
                    Route::One(routee, msg) => routee.deliver(msg),
                    Route::Done(outcome) => outcome.is_ok(),
                },
                Err(PushError::Closed(msg) | PushError::Full(msg)) => {
                    self.cell.give_up(msg, DeadLetterReason::Stopped);
                    false
                }
            },
        }
    }

    /// Asks the actor to stop once it has handled what is already queued; new messages are
    /// refused from now on. Await the result to wait until the actor has stopped (never from
    /// inside the actor itself: use [`Ctx::stop`](crate::Ctx::stop) there).
    pub fn stop(&self) -> Stopping {
        self.cell.request_stop(StopKind::Graceful);
        Stopping::new(self.cell.to_arc())
    }

    /// Stops the actor after the message in hand; queued messages are not handled (their
    /// asks answer [`AskError::Stopped`]). Await the result to wait until it has stopped.
    pub fn kill(&self) -> Stopping {
        self.cell.request_stop(StopKind::Kill);
        Stopping::new(self.cell.to_arc())
    }
}

impl<A: Actor> Clone for ActorRef<A> {
    fn clone(&self) -> Self {
        ActorRef {
            cell: self.cell.clone(),
        }
    }
}

impl<A: Actor> PartialEq for ActorRef<A> {
    fn eq(&self, other: &Self) -> bool {
        self.cell.ptr == other.cell.ptr
    }
}

impl<A: Actor> Eq for ActorRef<A> {}

impl<A: Actor> Hash for ActorRef<A> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.cell.core.id.hash(state);
    }
}

impl<A: Actor> fmt::Debug for ActorRef<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ActorRef({} {})", self.path(), self.id())
    }
}

/// A stop in progress: the request is already sent; await this to wait until the actor and
/// all its children have stopped. Dropping it does not cancel the stop.
pub struct Stopping {
    node: Arc<dyn Node>,
}

impl Stopping {
    pub(crate) fn new(node: Arc<dyn Node>) -> Self {
        Stopping { node }
    }
}

impl fmt::Debug for Stopping {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Stopping")
            .field("id", &self.node.core().id)
            .field("terminated", &self.node.core().is_terminated())
            .finish()
    }
}

impl IntoFuture for Stopping {
    type Output = ();
    type IntoFuture = Pin<Box<dyn Future<Output = ()> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move { self.node.core().terminated().await })
    }
}

/// An owned `Arc<Cell<A>>` kept as a raw pointer.
///
/// It behaves exactly like the `Arc` it came from (one strong count, released on drop), but a
/// type holding it shows no interior mutability: clippy's `mutable_key_type` then accepts
/// handles as map keys, which is sound because their `Eq` and `Hash` read only the cell's
/// address and immutable id. An `Arc<dyn ..>` would do the same without `unsafe`, but costs an
/// indirect call on every send (measured: ~25% on tell throughput).
pub(crate) struct CellPtr<A: Actor> {
    ptr: NonNull<Cell<A>>,
    _owns: PhantomData<Cell<A>>,
}

// SAFETY: a `CellPtr` is an `Arc<Cell<A>>`, which is `Send` and `Sync` exactly when `Cell<A>`
// is `Send + Sync`.
unsafe impl<A: Actor> Send for CellPtr<A> where Cell<A>: Send + Sync {}
// SAFETY: as above.
unsafe impl<A: Actor> Sync for CellPtr<A> where Cell<A>: Send + Sync {}

impl<A: Actor> CellPtr<A> {
    fn new(cell: Arc<Cell<A>>) -> Self {
        // SAFETY: `Arc::into_raw` never returns null.
        let ptr = unsafe { NonNull::new_unchecked(Arc::into_raw(cell).cast_mut()) };
        CellPtr {
            ptr,
            _owns: PhantomData,
        }
    }

    /// Another strong `Arc` to the same cell.
    pub(crate) fn to_arc(&self) -> Arc<Cell<A>> {
        // SAFETY: `ptr` came from `Arc::into_raw` and this `CellPtr` still owns one strong
        // count, so the allocation is live; the increment gives the new `Arc` its own count.
        unsafe {
            Arc::increment_strong_count(self.ptr.as_ptr());
            Arc::from_raw(self.ptr.as_ptr())
        }
    }
}

impl<A: Actor> std::ops::Deref for CellPtr<A> {
    type Target = Cell<A>;

    #[inline]
    fn deref(&self) -> &Cell<A> {
        // SAFETY: this `CellPtr` owns a strong count, so the cell outlives the borrow.
        unsafe { self.ptr.as_ref() }
    }
}

impl<A: Actor> Clone for CellPtr<A> {
    #[inline]
    fn clone(&self) -> Self {
        // SAFETY: live allocation from `Arc::into_raw` (see `to_arc`); the new `CellPtr` owns
        // the added count.
        unsafe { Arc::increment_strong_count(self.ptr.as_ptr()) };
        CellPtr {
            ptr: self.ptr,
            _owns: PhantomData,
        }
    }
}

impl<A: Actor> Drop for CellPtr<A> {
    fn drop(&mut self) {
        // SAFETY: gives back the strong count this `CellPtr` owns, exactly once.
        unsafe { Arc::decrement_strong_count(self.ptr.as_ptr()) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prelude::*;

    #[actor]
    struct Probe;

    #[actor]
    impl Probe {
        pub fn ping(&self) {}
    }

    /// Strong counts of the probe's cell, not counting the one `to_arc` lends for the look.
    fn strong(probe: &ProbeRef) -> usize {
        Arc::strong_count(&probe.actor_ref().cell.to_arc()) - 1
    }

    #[tokio::test]
    async fn a_handle_owns_exactly_one_count_of_its_cell() {
        let system = ActorSystem::builder("cellptr").build().await.unwrap();
        let probe: ProbeRef = system.spawn_anonymous(Probe).await.unwrap();
        probe.ping().await.unwrap();
        let base = strong(&probe);
        let copies: Vec<ProbeRef> = (0..3).map(|_| probe.clone()).collect();
        assert_eq!(strong(&probe), base + 3);
        assert!(copies.iter().all(|copy| *copy == probe));
        drop(copies);
        assert_eq!(strong(&probe), base);
        probe.stop().await;
        // The actor's task lets go of its references as it finishes.
        for _ in 0..1000 {
            if strong(&probe) == 1 {
                break;
            }
            tokio::task::yield_now().await;
        }
        assert_eq!(strong(&probe), 1, "only this handle keeps the cell");
        let weak = Arc::downgrade(&probe.actor_ref().cell.to_arc());
        drop(probe);
        assert!(weak.upgrade().is_none(), "the last handle frees the cell");
        system.shutdown().await;
    }
}
