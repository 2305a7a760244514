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

use std::convert::Infallible;
use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use tokio::sync::oneshot::error::RecvError;
use tokio::time::{Sleep, sleep};

use crate::actor::Actor;
use crate::actor_ref::ActorRef;
use crate::error::{AskError, SendError};
use crate::event::DeadLetterReason;
use crate::mailbox::PushError;
use crate::reply::{ReplyReceiver, ReplySlot};
use crate::router::{Route, routed};

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
            .or_else(|refused| try_elsewhere(actor, refused))
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
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Queues the request now without waiting for room, or fails with
    /// [`AskError::MailboxFull`] / [`AskError::Stopped`]; await the returned
    /// [`PendingReply`] for the answer.
    pub fn try_send(self) -> Result<PendingReply<T, E>, AskError<E>> {
        let timeout = self.effective_timeout();
        let actor = self.actor;
        actor
            .cell
            .mailbox
            .try_push(self.msg)
            .or_else(|refused| try_elsewhere(actor, refused))?;
        Ok(PendingReply {
            wait: ReplyWait::new(self.rx, timeout, actor),
        })
    }

    fn effective_timeout(&self) -> Duration {
        self.timeout
            .unwrap_or_else(|| self.actor.cell.core.system.ask_timeout())
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

impl<'a, A: Actor, T, E> IntoFuture for Ask<'a, A, T, E> {
    type Output = Result<T, AskError<E>>;
    type IntoFuture = AskFuture<'a, A, T, E>;

    fn into_future(self) -> Self::IntoFuture {
        let timeout = self.effective_timeout();
        AskFuture {
            target: Target::new(self.actor),
            msg: Some(self.msg),
            wait: ReplyWait::new(self.rx, timeout, self.actor),
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

impl<A: Actor, T, E> Future for AskFuture<'_, A, T, E> {
    type Output = Result<T, AskError<E>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        if this.msg.is_some() {
            match this.target.poll_push(cx, &mut this.msg) {
                Poll::Ready(Ok(())) => {}
                Poll::Ready(Err(error)) => return Poll::Ready(Err(error.into())),
                // Waiting for room: the deadline runs from now.
                Poll::Pending => return this.wait.poll_deadline(cx),
            }
        }
        this.wait.poll(cx)
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

    /// Queues the message in `slot`, waiting for room; a refusal is a dead letter and the
    /// caller's error, except a pool's, which routes the message.
    #[inline]
    fn poll_push(
        &mut self,
        cx: &mut Context<'_>,
        slot: &mut Option<A::Msg>,
    ) -> Poll<Result<(), SendError>> {
        let actor = self.routee.as_ref().unwrap_or(self.actor);
        match actor.cell.mailbox.poll_push(cx, slot) {
            Poll::Ready(Err(refused)) => self.refused(cx, slot, refused),
            Poll::Ready(Ok(())) => Poll::Ready(Ok(())),
            Poll::Pending => Poll::Pending,
        }
    }

    /// The mailbox refused the message. A pool's sealed mailbox always does: the message goes
    /// to the routee its router picks, or the router already dealt with it (a broadcast, or
    /// a dead letter for want of routees).
    #[cold]
    #[inline(never)]
    fn refused(
        &mut self,
        cx: &mut Context<'_>,
        slot: &mut Option<A::Msg>,
        refused: PushError<A::Msg>,
    ) -> Poll<Result<(), SendError>> {
        let refused = match self.routee {
            Some(_) => refused,
            None => match routed(self.actor, refused) {
                Ok((router, msg)) => match router.route(self.actor, msg) {
                    Route::One(routee, msg) => {
                        *slot = Some(msg);
                        let pushed = routee
                            .cell
                            .mailbox
                            .poll_push(cx, slot)
                            .map_err(|error| undelivered(&routee, error));
                        self.routee = Some(routee);
                        return pushed;
                    }
                    Route::Done(outcome) => return Poll::Ready(outcome),
                },
                Err(refused) => refused,
            },
        };
        let actor = self.routee.as_ref().unwrap_or(self.actor);
        Poll::Ready(Err(undelivered(actor, refused)))
    }
}

/// A queued request whose reply has not arrived yet; await it for the reply.
#[must_use = "futures do nothing unless polled"]
pub struct PendingReply<T, E = Infallible> {
    wait: ReplyWait<T, E>,
}

impl<T, E> Future for PendingReply<T, E> {
    type Output = Result<T, AskError<E>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.get_mut().wait.poll(cx)
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
/// Most replies arrive within one scheduling round: the actor was woken by the request and
/// runs before the caller is polled again. So on its first `Pending` the wait yields once
/// (wakes itself) instead of arming a tokio timer, whose registration and removal would cost
/// more than the round trip itself; only if the reply is still missing on the next poll does
/// it arm the timer, with the full timeout from then. A caller therefore never waits less than
/// its timeout, and may wait one scheduling round more.
struct ReplyWait<T, E> {
    rx: ReplyReceiver<T, E>,
    timeout: Duration,
    /// The actor's runtime, kept only when the ask was made outside a tokio task: the timer
    /// must be made in a runtime even if a foreign executor polls this future.
    runtime: Option<tokio::runtime::Handle>,
    /// Whether the wait already yielded once with no reply.
    yielded: bool,
    /// The armed timer; boxed so that only slow replies pay for it.
    timer: Option<Pin<Box<Sleep>>>,
}

impl<T, E> ReplyWait<T, E> {
    fn new<A: Actor>(rx: ReplyReceiver<T, E>, timeout: Duration, actor: &ActorRef<A>) -> Self {
        let runtime = tokio::task::try_id()
            .is_none()
            .then(|| actor.cell.core.system.runtime().clone());
        ReplyWait {
            rx,
            timeout,
            runtime,
            yielded: false,
            timer: None,
        }
    }

    fn poll(&mut self, cx: &mut Context<'_>) -> Poll<Result<T, AskError<E>>> {
        if let Poll::Ready(received) = Pin::new(&mut self.rx).poll(cx) {
            return Poll::Ready(reply_outcome(received));
        }
        if !self.yielded && self.timer.is_none() {
            self.yielded = true;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        self.poll_deadline(cx)
    }

    /// Arms the timer if needed and reports whether the deadline has passed.
    fn poll_deadline(&mut self, cx: &mut Context<'_>) -> Poll<Result<T, AskError<E>>> {
        let timeout = self.timeout;
        let runtime = &self.runtime;
        let timer = self.timer.get_or_insert_with(|| {
            let _entered = runtime.as_ref().map(tokio::runtime::Handle::enter);
            Box::pin(sleep(timeout))
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
/// routee's mailbox.
#[cold]
fn try_elsewhere<A: Actor>(
    actor: &ActorRef<A>,
    refused: PushError<A::Msg>,
) -> Result<(), SendError> {
    match routed(actor, refused) {
        Ok((router, msg)) => router.try_send(actor, msg, undelivered),
        Err(refused) => Err(undelivered(actor, refused)),
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
