//! Sending: the [`Tell`] and [`Ask`] values that generated handle methods return, and the
//! futures that deliver them.
//!
//! Both are built without touching the mailbox; awaiting one queues the message (waiting for
//! room in a bounded mailbox), and `try_send` queues it without ever waiting. An ask then waits
//! for its reply ([`PendingReply`] after a `try_send`) under its timeout, the system's default
//! or its own. A message the mailbox refuses becomes a dead letter and the caller's typed
//! error, except at a pool, whose sealed mailbox always refuses: the message goes to the
//! routee the pool's router picks.
//!
//! This module owns the send and reply-wait futures; the mailbox queues, the `reply` module
//! carries the answer, and the `router` module picks a pool's routee.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use tokio::time::{Instant, Sleep, sleep, sleep_until, timeout_at};

use crate::actor::Actor;
use crate::actor_ref::ActorRef;
use crate::error::{AskError, SendError};
use crate::event::DeadLetterReason;
use crate::mailbox::PushError;
use crate::reply::channel::{RecvError, TryRecvError, Watch};
use crate::reply::{ReplyReceiver, ReplySlot};

/// A message on its way to an actor, with no reply.
///
/// `.await` it to queue the message (waiting for room if the mailbox is bounded and full), or
/// call [`try_send`](Tell::try_send) to queue it only if that needs no waiting.
#[must_use = "a tell does nothing until it is awaited or `try_send` is called"]
pub struct Tell<'a, A: Actor> {
    actor: &'a ActorRef<A>,
    msg: A::Msg,
}

impl<'a, A: Actor> Tell<'a, A> {
    pub(crate) fn new(actor: &'a ActorRef<A>, msg: A::Msg) -> Self {
        Tell { actor, msg }
    }

    /// Queues the message now, or fails with [`SendError::MailboxFull`] /
    /// [`SendError::Stopped`]; never waits.
    pub fn try_send(self) -> Result<(), SendError> {
        let actor = self.actor;
        actor
            .cell
            .mailbox
            .try_push(self.msg)
            .or_else(|refused| try_elsewhere(actor, refused, None))
    }
}

impl<A: Actor> fmt::Debug for Tell<'_, A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tell")
            .field("actor", self.actor)
            .finish_non_exhaustive()
    }
}

impl<'a, A: Actor> IntoFuture for Tell<'a, A> {
    type Output = Result<(), SendError>;
    type IntoFuture = TellFuture<'a, A>;

    fn into_future(self) -> Self::IntoFuture {
        TellFuture {
            target: Target::new(self.actor),
            msg: Some(self.msg),
        }
    }
}

/// The future of an awaited [`Tell`]: resolves once the message is queued.
#[must_use = "futures do nothing unless polled"]
pub struct TellFuture<'a, A: Actor> {
    target: Target<'a, A>,
    msg: Option<A::Msg>,
}

// The message is moved, never pinned in place.
impl<A: Actor> Unpin for TellFuture<'_, A> {}

impl<A: Actor> Future for TellFuture<'_, A> {
    type Output = Result<(), SendError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        this.target.poll_push(cx, &mut this.msg)
    }
}

impl<A: Actor> fmt::Debug for TellFuture<'_, A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TellFuture")
            .field("actor", self.target.actor)
            .field("queued", &self.msg.is_none())
            .finish()
    }
}

/// A request on its way to an actor; resolves to the handler's reply.
///
/// `.await` it to queue the request and wait for the reply under the system's default ask
/// timeout, or a per-call one set with [`timeout`](Ask::timeout). `T` is the reply, `E` the
/// handler's error type ([`Infallible`] for handlers that cannot fail).
#[must_use = "an ask does nothing until it is awaited or `try_send` is called"]
pub struct Ask<'a, A: Actor, T, E = Infallible> {
    actor: &'a ActorRef<A>,
    msg: A::Msg,
    rx: ReplyReceiver<T, E>,
    timeout: Option<Duration>,
}

impl<'a, A: Actor, T, E> Ask<'a, A, T, E> {
    pub(crate) fn new(actor: &'a ActorRef<A>, msg: A::Msg, rx: ReplyReceiver<T, E>) -> Self {
        Ask {
            actor,
            msg,
            rx,
            timeout: None,
        }
    }

    /// Waits at most `timeout` (for room in the mailbox and for the reply together) instead of
    /// the system's default ask timeout.
    ///
    /// A request to an actor that was waiting for messages is taken at once, and the timeout
    /// starts only if no answer came by the time the actor has handled it (with what it took
    /// along in the same batch) or awaits in a handler: a handler that blocks its thread holds
    /// its caller as long.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Queues the request now without waiting for room, or fails with
    /// [`AskError::MailboxFull`] / [`AskError::Stopped`]; await the returned
    /// [`PendingReply`] for the answer. The timeout runs from the send, not from the first
    /// poll of the reply.
    pub fn try_send(self) -> Result<PendingReply<T, E>, AskError<E>> {
        let timeout = self.effective_timeout();
        let actor = self.actor;
        actor
            .cell
            .mailbox
            .try_push(self.msg)
            .or_else(|refused| try_elsewhere(actor, refused, Some(timeout)))?;
        let runtime = actor.cell.core.system.inner.runtime();
        Ok(PendingReply {
            wait: ReplyWait::new(self.rx, timeout).starting_now(runtime),
            runtime: runtime.clone(),
        })
    }

    fn effective_timeout(&self) -> Duration {
        self.timeout
            .unwrap_or_else(|| self.actor.cell.core.system.inner.ask_timeout())
    }
}

impl<A: Actor, T, E> fmt::Debug for Ask<'_, A, T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ask")
            .field("actor", self.actor)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl<'a, A: Actor, T: Send + 'static, E: Send + 'static> IntoFuture for Ask<'a, A, T, E> {
    type Output = Result<T, AskError<E>>;
    type IntoFuture = AskFuture<'a, A, T, E>;

    fn into_future(self) -> Self::IntoFuture {
        let timeout = self.effective_timeout();
        AskFuture {
            target: Target::new(self.actor),
            msg: Some(self.msg),
            wait: ReplyWait::new(self.rx, timeout),
        }
    }
}

/// The future of an awaited [`Ask`].
#[must_use = "futures do nothing unless polled"]
pub struct AskFuture<'a, A: Actor, T, E> {
    target: Target<'a, A>,
    msg: Option<A::Msg>,
    wait: ReplyWait<T, E>,
}

// Nothing is pinned in place: the message is moved, the timer lives in its own box.
impl<A: Actor, T, E> Unpin for AskFuture<'_, A, T, E> {}

impl<A: Actor, T: Send + 'static, E: Send + 'static> Future for AskFuture<'_, A, T, E> {
    type Output = Result<T, AskError<E>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        if this.msg.is_some() {
            // The waker goes in first: the answer, or the actor letting go of its watch, may
            // come as soon as the request is queued.
            let rx = &mut this.wait.rx;
            rx.register(cx.waker());
            let timeout = this.wait.timeout;
            match this
                .target
                .poll_push_ask(cx, &mut this.msg, || rx.watch(), timeout)
            {
                // The actor takes the request next and wakes this task if it is done with it
                // unanswered: no timer, no poll until then (see `ReplyWait`).
                Poll::Ready(Ok(true)) => {
                    return match rx.try_recv() {
                        Ok(outcome) => Poll::Ready(outcome),
                        Err(TryRecvError::Closed) => Poll::Ready(Err(AskError::NoReply)),
                        Err(TryRecvError::Empty) => Poll::Pending,
                    };
                }
                Poll::Ready(Ok(false)) => {}
                Poll::Ready(Err(error)) => return Poll::Ready(Err(error.into())),
                // Waiting for room: the deadline runs from now.
                Poll::Pending => return this.wait.poll_deadline(cx, this.target.runtime()),
            }
        }
        this.wait.poll(cx, || this.target.runtime())
    }
}

impl<A: Actor, T, E> fmt::Debug for AskFuture<'_, A, T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AskFuture")
            .field("actor", self.target.actor)
            .field("queued", &self.msg.is_none())
            .field("timeout", &self.wait.timeout)
            .finish()
    }
}

/// Requests on their way to one actor, queued together; resolves to the replies, in order.
///
/// Built by [`ActorRef::ask_batch`]. `.await` it to queue every request (waiting for room in a
/// bounded mailbox) and collect the replies under one timeout for the whole batch: the
/// system's default ask timeout, or the one set with [`timeout`](AskBatch::timeout). Each
/// reply says what became of its own request: a request the actor handled carries its answer
/// even if the actor stopped before the rest; one that was never delivered carries
/// [`AskError::Stopped`], or [`AskError::Timeout`] if the deadline passed before it could be
/// queued.
#[must_use = "an ask batch does nothing until it is awaited"]
pub struct AskBatch<'a, A: Actor, T, E = Infallible> {
    actor: &'a ActorRef<A>,
    msgs: VecDeque<A::Msg>,
    receivers: Vec<ReplyReceiver<T, E>>,
    timeout: Option<Duration>,
}

impl<'a, A: Actor, T, E> AskBatch<'a, A, T, E> {
    pub(crate) fn new<F>(actor: &'a ActorRef<A>, makes: impl IntoIterator<Item = F>) -> Self
    where
        F: FnOnce(ReplySlot<T, E>) -> A::Msg,
    {
        let makes = makes.into_iter();
        let mut receivers = Vec::with_capacity(makes.size_hint().0);
        let msgs = makes
            .map(|make| {
                let (slot, rx) = ReplySlot::channel();
                receivers.push(rx);
                make(slot)
            })
            .collect();
        AskBatch {
            actor,
            msgs,
            receivers,
            timeout: None,
        }
    }

    /// Waits at most `timeout` for the whole batch (queueing and replies) instead of the
    /// system's default ask timeout.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }
}

impl<A: Actor, T, E> fmt::Debug for AskBatch<'_, A, T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AskBatch")
            .field("actor", self.actor)
            .field("requests", &self.receivers.len())
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl<'a, A: Actor, T: Send + 'static, E: Send + 'static> IntoFuture for AskBatch<'a, A, T, E> {
    type Output = Vec<Result<T, AskError<E>>>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'a>>;

    fn into_future(self) -> Self::IntoFuture {
        let AskBatch {
            actor,
            mut msgs,
            receivers,
            timeout,
        } = self;
        let timeout = timeout.unwrap_or_else(|| actor.cell.core.system.inner.ask_timeout());
        Box::pin(async move {
            let deadline = Instant::now() + timeout;
            let mut queued = 0;
            let batch = actor.push_batch(&mut msgs, &mut queued, Some(timeout));
            let pushed = timeout_at(deadline, batch).await;
            // Requests still unqueued at the deadline were never delivered: they time out.
            // Every other receiver tells what became of its request (a request rejected by a
            // stop has its `Stopped` waiting already).
            let cut_off = if pushed.is_err() { queued } else { usize::MAX };
            drop(msgs);
            let mut replies = Vec::with_capacity(receivers.len());
            for (index, rx) in receivers.into_iter().enumerate() {
                let reply = if index >= cut_off {
                    Err(AskError::Timeout(timeout))
                } else {
                    match timeout_at(deadline, rx).await {
                        Ok(received) => reply_outcome(received),
                        Err(_) => Err(AskError::Timeout(timeout)),
                    }
                };
                replies.push(reply);
            }
            replies
        })
    }
}

/// Where an awaited tell or ask queues its message: the actor, or for a pool the routee its
/// router picked on the first try.
struct Target<'a, A: Actor> {
    actor: &'a ActorRef<A>,
    routee: Option<ActorRef<A>>,
}

impl<'a, A: Actor> Target<'a, A> {
    fn new(actor: &'a ActorRef<A>) -> Self {
        Target {
            actor,
            routee: None,
        }
    }

    /// The runtime the actor's system runs on, where an ask's timer goes if it is not armed
    /// from inside a tokio task.
    fn runtime(&self) -> &'a tokio::runtime::Handle {
        self.actor.cell.core.system.inner.runtime()
    }

    /// Queues the message in `slot`, waiting for room; a refusal is a dead letter and the
    /// caller's error, except a pool's, which routes the message.
    #[inline]
    fn poll_push(
        &mut self,
        cx: &mut Context<'_>,
        slot: &mut Option<A::Msg>,
    ) -> Poll<Result<(), SendError>> {
        self.poll_push_under(cx, slot, None)
    }

    /// [`poll_push`](Target::poll_push) of a message that may hold an ask waiting under
    /// `timeout` (a batch's), which a forward passes on.
    #[inline]
    fn poll_push_under(
        &mut self,
        cx: &mut Context<'_>,
        slot: &mut Option<A::Msg>,
        timeout: Option<Duration>,
    ) -> Poll<Result<(), SendError>> {
        let actor = self.routee.as_ref().unwrap_or(self.actor);
        match actor.cell.mailbox.poll_push(cx, slot) {
            Poll::Ready(Err(refused)) => self
                .refused(cx, slot, refused, None, timeout)
                .map_ok(|_| ()),
            Poll::Ready(Ok(())) => Poll::Ready(Ok(())),
            Poll::Pending => Poll::Pending,
        }
    }

    /// [`poll_push`](Target::poll_push) for an ask: `Ready(Ok(true))` when the actor keeps the
    /// watch `watch` makes on the caller (see `Mailbox::poll_push_ask`).
    #[inline]
    fn poll_push_ask(
        &mut self,
        cx: &mut Context<'_>,
        slot: &mut Option<A::Msg>,
        watch: impl Fn() -> Watch,
        timeout: Duration,
    ) -> Poll<Result<bool, SendError>> {
        let actor = self.routee.as_ref().unwrap_or(self.actor);
        match actor.cell.mailbox.poll_push_ask(cx, slot, &watch) {
            Poll::Ready(Err(refused)) => {
                self.refused(cx, slot, refused, Some(&watch), Some(timeout))
            }
            Poll::Ready(Ok(watched)) => Poll::Ready(Ok(watched)),
            Poll::Pending => Poll::Pending,
        }
    }

    /// The mailbox refused the message. A pool's sealed mailbox always does, and so does a
    /// routee that is leaving its pool: the pool's router routes the message (again), or deals
    /// with it itself (a broadcast, or a dead letter for want of routees).
    #[cold]
    #[inline(never)]
    fn refused(
        &mut self,
        cx: &mut Context<'_>,
        slot: &mut Option<A::Msg>,
        refused: PushError<A::Msg>,
        watch: Option<&dyn Fn() -> Watch>,
        timeout: Option<Duration>,
    ) -> Poll<Result<bool, SendError>> {
        let (forward, msg) = match (self.actor.cell.forward(), refused) {
            (Some(forward), PushError::Closed(msg)) => (forward, msg),
            (_, refused) => {
                let actor = self.routee.as_ref().unwrap_or(self.actor);
                return Poll::Ready(Err(undelivered(actor, refused)));
            }
        };
        if let Some(leaving) = self.routee.take() {
            forward.forget(leaving.id());
        }
        let waiting_on = &mut self.routee;
        let mut watched = false;
        let pushed = forward.push(self.actor, msg, timeout, &mut |routee, msg| {
            *slot = Some(msg);
            let mailbox = &routee.cell.mailbox;
            let pushed = match watch {
                Some(watch) => mailbox.poll_push_ask(cx, slot, watch),
                None => mailbox.poll_push(cx, slot).map_ok(|()| false),
            };
            match pushed {
                Poll::Ready(Err(refused)) => Poll::Ready(Err(refused)),
                Poll::Ready(Ok(kept)) => {
                    watched = kept;
                    Poll::Ready(Ok(()))
                }
                Poll::Pending => {
                    // Later polls wait on this routee's mailbox.
                    *waiting_on = Some(routee.clone());
                    Poll::Pending
                }
            }
        });
        pushed.map_ok(|()| watched)
    }
}

/// Queues `msg` as an awaited [`Tell`] does; a forward that sends an ask in it elsewhere (a
/// remote actor's proxy) passes `timeout` on with it: a batch's asks travel with the batch's
/// timeout.
pub(crate) async fn push_under<A: Actor>(
    actor: &ActorRef<A>,
    msg: A::Msg,
    timeout: Option<Duration>,
) -> Result<(), SendError> {
    let mut target = Target::new(actor);
    let mut slot = Some(msg);
    std::future::poll_fn(|cx| target.poll_push_under(cx, &mut slot, timeout)).await
}

/// A queued request whose reply has not arrived yet; await it for the reply.
#[must_use = "futures do nothing unless polled"]
pub struct PendingReply<T, E = Infallible> {
    wait: ReplyWait<T, E>,
    /// The actor's runtime, for the timer (see [`ReplyWait::poll_deadline`]).
    runtime: tokio::runtime::Handle,
}

impl<T, E> Future for PendingReply<T, E> {
    type Output = Result<T, AskError<E>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        this.wait.poll(cx, || &this.runtime)
    }
}

impl<T, E> fmt::Debug for PendingReply<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PendingReply")
            .field("timeout", &self.wait.timeout)
            .finish_non_exhaustive()
    }
}

/// Waiting for a reply under a timeout, arming a timer only when the reply is slow.
///
/// Registering and removing a tokio timer costs more than a whole round trip, so most asks arm
/// none. An ask queued to an actor that was waiting for messages leaves a watch on its caller
/// with the actor (see `Mailbox::poll_push_ask`) and waits with no timer: it is woken once, by
/// the answer, unless the actor is done with the batch that holds the request, awaits inside a
/// handler, stops or turns to a supervision signal with the request unanswered; then the watch
/// wakes it, and it arms its timer with the full timeout from then. Every other ask arms its
/// timer at its first `Pending`, as the actor is busy or away; the reply of a `try_send` first
/// yields once, as the actor may well answer within a scheduling round. A caller therefore
/// never waits less than its timeout; it waits longer only by the time the actor spends on the
/// batch that holds its request without awaiting, as a handler that blocks its thread delays
/// everything else on that thread.
struct ReplyWait<T, E> {
    rx: ReplyReceiver<T, E>,
    timeout: Duration,
    /// Whether the first `Pending` wakes the task again instead of arming the timer.
    yield_first: bool,
    /// When the wait ends, if fixed at the send (a `try_send`); otherwise the timer runs the
    /// whole timeout from when it is armed.
    deadline: Option<Instant>,
    /// The armed timer; boxed so that only slow replies pay for it.
    timer: Option<Pin<Box<Sleep>>>,
}

impl<T, E> ReplyWait<T, E> {
    fn new(rx: ReplyReceiver<T, E>, timeout: Duration) -> Self {
        ReplyWait {
            rx,
            timeout,
            yield_first: false,
            deadline: None,
            timer: None,
        }
    }

    /// Fixes the deadline now, on the clock of the actor's `runtime`: the timeout counts from
    /// the send. The first `Pending` then yields rather than arming the timer.
    fn starting_now(mut self, runtime: &tokio::runtime::Handle) -> Self {
        let _entered = tokio::task::try_id().is_none().then(|| runtime.enter());
        self.deadline = Some(Instant::now() + self.timeout);
        self.yield_first = true;
        self
    }

    /// Polls for the reply; `runtime` gives the actor's runtime if the timer must be armed.
    #[inline]
    fn poll<'r>(
        &mut self,
        cx: &mut Context<'_>,
        runtime: impl FnOnce() -> &'r tokio::runtime::Handle,
    ) -> Poll<Result<T, AskError<E>>> {
        if let Poll::Ready(received) = Pin::new(&mut self.rx).poll(cx) {
            return Poll::Ready(reply_outcome(received));
        }
        if std::mem::take(&mut self.yield_first) {
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        self.poll_deadline(cx, runtime())
    }

    /// Arms the timer if needed and reports whether the deadline has passed. The timer is made
    /// in the current runtime when polled from a tokio task, else in the actor's `runtime`
    /// (a foreign executor, or a plain thread blocking on the future).
    #[cold]
    fn poll_deadline(
        &mut self,
        cx: &mut Context<'_>,
        runtime: &tokio::runtime::Handle,
    ) -> Poll<Result<T, AskError<E>>> {
        let timeout = self.timeout;
        let deadline = self.deadline;
        let timer = self.timer.get_or_insert_with(|| {
            let _entered = tokio::task::try_id().is_none().then(|| runtime.enter());
            Box::pin(match deadline {
                Some(deadline) => sleep_until(deadline),
                None => sleep(timeout),
            })
        });
        ready!(timer.as_mut().poll(cx));
        Poll::Ready(Err(AskError::Timeout(timeout)))
    }
}

/// What a caller makes of what came out of the reply channel.
pub(crate) fn reply_outcome<T, E>(
    received: Result<Result<T, AskError<E>>, RecvError>,
) -> Result<T, AskError<E>> {
    received.unwrap_or(Err(AskError::NoReply))
}

/// A `try_send` the mailbox refused: a dead letter and the caller's error, or, for a pool, the
/// routee its router picks.
#[cold]
fn try_elsewhere<A: Actor>(
    actor: &ActorRef<A>,
    refused: PushError<A::Msg>,
    timeout: Option<Duration>,
) -> Result<(), SendError> {
    match (actor.cell.forward(), refused) {
        (Some(forward), PushError::Closed(msg)) => {
            let pushed = forward.push(actor, msg, timeout, &mut |routee, msg| {
                Poll::Ready(routee.cell.mailbox.try_push(msg))
            });
            // `try_push` never waits, so the push is always ready.
            match pushed {
                Poll::Ready(outcome) => outcome,
                Poll::Pending => unreachable!("a try_push never waits"),
            }
        }
        (_, refused) => Err(undelivered(actor, refused)),
    }
}

/// Turns a message the mailbox refused into a dead letter and the caller's error.
#[cold]
fn undelivered<A: Actor>(actor: &ActorRef<A>, error: PushError<A::Msg>) -> SendError {
    let (msg, reason, error) = match error {
        PushError::Full(msg) => (msg, DeadLetterReason::MailboxFull, SendError::MailboxFull),
        PushError::Closed(msg) => (msg, DeadLetterReason::Stopped, SendError::Stopped),
    };
    actor.cell.give_up(msg, reason);
    error
}

/// Builds a tell. Used by generated handle methods.
#[doc(hidden)]
#[inline]
pub fn tell<A: Actor>(actor: &ActorRef<A>, msg: A::Msg) -> Tell<'_, A> {
    Tell::new(actor, msg)
}

/// Builds an ask around a fresh reply slot. Used by generated handle methods.
#[doc(hidden)]
#[inline]
pub fn ask<A: Actor, T: Send + 'static, E: Send + 'static>(
    actor: &ActorRef<A>,
    make: impl FnOnce(ReplySlot<T, E>) -> A::Msg,
) -> Ask<'_, A, T, E> {
    actor.ask(make)
}
