//! References to actors.
//!
//! [`ActorRef<A>`] is the reference every generated handle (`CounterRef`) wraps. It is typed
//! by the actor, like the handle, but speaks in whole messages rather than handler calls: it
//! sends a ready-made `A::Msg` ([`tell`](ActorRef::tell), [`ask`](ActorRef::ask), the batch
//! forms), reports the actor's id, path, liveness and mailbox length, and stops or kills it
//! ([`Stopping`] waits for the end). Users mostly call the generated handle; generic code and
//! hand-written actors use the `ActorRef` it returns from `actor_ref()`. A reference to a pool
//! is the same type: its sends are routed to a routee.
//!
//! This module owns the reference; the identity types live in `id`, and the mailbox, the send
//! futures (`send`) and the routing (`router`) do the work behind it.

use std::collections::VecDeque;
use std::fmt;
use std::future::{Future, IntoFuture, poll_fn};
use std::hash::{Hash, Hasher};
use std::pin::Pin;
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use crate::actor::Actor;
use crate::arc_ptr::ArcPtr;
use crate::cell::{Cell, Node};
use crate::error::SendError;
use crate::event::DeadLetterReason;
use crate::id::{ActorId, ActorPath};
use crate::mailbox::{PushError, StopKind};
use crate::reply::ReplySlot;
use crate::send::{Ask, AskBatch, Tell};

/// A reference to a running actor of type `A`.
///
/// Cheap to clone (one reference count); equal when it points at the same actor.
pub struct ActorRef<A: Actor> {
    pub(crate) cell: ArcPtr<Cell<A>>,
}

impl<A: Actor> ActorRef<A> {
    pub(crate) fn from_cell(cell: Arc<Cell<A>>) -> Self {
        ActorRef {
            cell: ArcPtr::new(cell),
        }
    }

    /// The actor's id.
    pub fn id(&self) -> ActorId {
        self.cell.core.id
    }

    /// The actor's address.
    pub fn path(&self) -> ActorPath {
        self.cell.path()
    }

    /// The actor's name, `None` for an anonymous actor.
    pub fn name(&self) -> Option<&str> {
        self.cell.core.name.as_deref()
    }

    /// Whether the actor still accepts messages (it has not begun to stop).
    pub fn is_alive(&self) -> bool {
        match self.cell.forward() {
            None => self.cell.mailbox.is_open(),
            Some(forward) => !forward.is_stopping(),
        }
    }

    /// How many messages wait for the actor: those queued, and those of the batch it took last
    /// behind the message it began with. The batch is counted until the actor comes back for
    /// more, so the figure may include messages of it already handled; it does not miss work
    /// the actor holds. For a pool, 0: its routees hold the messages.
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
    /// for room in a bounded mailbox. A pool routes the messages one by one.
    ///
    /// # Errors
    /// [`SendError::Stopped`] if the actor (or pool) stopped before every message was queued:
    /// each message not queued becomes a dead letter, and an ask among them answers
    /// [`AskError::Stopped`](crate::AskError::Stopped). The messages queued before the stop stay queued.
    pub async fn tell_batch(
        &self,
        msgs: impl IntoIterator<Item = A::Msg>,
    ) -> Result<(), SendError> {
        let mut pending: VecDeque<A::Msg> = msgs.into_iter().collect();
        let mut queued = 0;
        self.push_batch(&mut pending, &mut queued, None).await
    }

    /// Sends one ask per element of `makes`, queued together as by
    /// [`tell_batch`](ActorRef::tell_batch); await the result for the replies, in the same
    /// order. One timeout (the system's default, or [`AskBatch::timeout`]) covers the whole
    /// batch. When the actor stops part-way, the requests it handled carry their answers and
    /// only the others carry [`AskError::Stopped`](crate::AskError::Stopped).
    pub fn ask_batch<T, E, F>(&self, makes: impl IntoIterator<Item = F>) -> AskBatch<'_, A, T, E>
    where
        T: Send + 'static,
        E: Send + 'static,
        F: FnOnce(ReplySlot<T, E>) -> A::Msg,
    {
        AskBatch::new(self, makes)
    }

    /// Queues `pending` from the front, counting each message queued in `queued`. On a stop
    /// every message still pending becomes a dead letter. If the future is dropped while
    /// waiting for room, the messages not yet queued stay in `pending`. `timeout` is the
    /// batch's, for the asks among the messages (a remote actor's proxy sends it with them).
    pub(crate) async fn push_batch(
        &self,
        pending: &mut VecDeque<A::Msg>,
        queued: &mut usize,
        timeout: Option<Duration>,
    ) -> Result<(), SendError> {
        let outcome = if self.cell.forward().is_some() {
            // A pool (each message to the routee its router picks) or a remote actor.
            let mut outcome = Ok(());
            while let Some(msg) = pending.pop_front() {
                outcome = crate::send::push_under(self, msg, timeout).await;
                if outcome.is_err() {
                    // Already a dead letter, by the router.
                    break;
                }
                *queued += 1;
            }
            outcome
        } else {
            let open = poll_fn(|cx| {
                let before = pending.len();
                let polled = self.cell.mailbox.poll_push_many(cx, pending);
                *queued += before - pending.len();
                polled
            })
            .await;
            if open {
                Ok(())
            } else {
                Err(SendError::Stopped)
            }
        };
        if outcome.is_err() {
            for msg in pending.drain(..) {
                self.cell.give_up(msg, DeadLetterReason::Stopped);
            }
        }
        outcome
    }

    /// Puts a message from the runtime (a termination notice, a topic publication, a
    /// scheduled message) in the mailbox without making the publisher wait: it goes past a
    /// full bounded mailbox's capacity, so the messages of one publisher arrive in the order
    /// they were published. A pool routes it. Returns `false`, after a dead letter, if the
    /// actor has stopped.
    pub(crate) fn deliver(&self, msg: A::Msg) -> bool {
        let Err(msg) = self.cell.mailbox.push_over(msg) else {
            return true;
        };
        match self.cell.forward() {
            Some(forward) => {
                let pushed = forward.push(self, msg, None, &mut |routee, msg| {
                    Poll::Ready(
                        routee
                            .cell
                            .mailbox
                            .push_over(msg)
                            .map_err(PushError::Closed),
                    )
                });
                matches!(pushed, Poll::Ready(Ok(())))
            }
            None => {
                self.cell.give_up(msg, DeadLetterReason::Stopped);
                false
            }
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
    /// asks answer [`AskError::Stopped`](crate::AskError::Stopped)). Await the result to wait until it has stopped.
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
        self.cell.ptr_eq(&other.cell)
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
