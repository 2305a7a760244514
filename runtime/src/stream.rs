//! Streamed replies: the [`StreamSlot`] a streaming handler sends through, the
//! [`ReplyStream`] its caller reads, and the [`AskStream`] request that opens one.
//!
//! This module owns the slot, the stream and the request that opens it; the send path is the
//! `send` module's, the wire encoding of items the `wire` module's.

use std::convert::Infallible;
use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::{Instant, Sleep, sleep_until, timeout_at};

use crate::actor::Actor;
use crate::actor_ref::ActorRef;
use crate::error::AskError;
use crate::failure::Failure;
use crate::reply::{Rejection, rejection_error};
use crate::send::push_under;

/// How many items a stream holds that its caller has not taken yet; a producer's
/// [`StreamSlot::send`] waits while that many are waiting. Across nodes it is also the credit
/// the caller's node grants the serving node.
pub const STREAM_BUFFER: usize = 32;

/// What the two ends of a stream share besides the items: how the stream ended, and who hears
/// of the caller's progress (the transport of a stream from another node).
struct Shared<E> {
    /// The end, first recorded wins; `None` when the stream ends with no end recorded (the
    /// slot was dropped): a clean end.
    end: Mutex<Option<Result<(), AskError<E>>>>,
    feedback: OnceLock<Arc<dyn StreamFeedback>>,
}

impl<E> Shared<E> {
    /// Records how the stream ends, unless an end was recorded already.
    fn record(&self, end: Result<(), AskError<E>>) {
        let mut slot = self.end.lock().unwrap_or_else(PoisonError::into_inner);
        if slot.is_none() {
            *slot = Some(end);
        }
    }

    fn take(&self) -> Option<Result<(), AskError<E>>> {
        self.end
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }
}

/// Who hears how the caller of a stream reads it: the transport of a stream whose producer
/// runs on another node, which turns what it hears into credit and cancellation for that node.
/// Installed with `StreamSettler::set_feedback` (in `rakt::wire`, feature `wire`).
pub trait StreamFeedback: Send + Sync {
    /// The caller has taken `items` more items from its stream.
    fn consumed(&self, items: u32);

    /// The caller dropped its stream (or its deadline passed) before the stream ended.
    fn cancelled(&self);
}

/// The producer's end of a streamed reply: send items with [`send`](StreamSlot::send), end
/// with [`end`](StreamSlot::end) or by dropping it, or fail with [`fail`](StreamSlot::fail).
///
/// A handler answers a request with many values this way, as a server-streaming gRPC method
/// does: a handler that takes a `StreamSlot<T, E>` argument is a *streaming ask*: its handle method
/// returns an [`AskStream`], which, awaited, queues the request and gives the caller a
/// [`ReplyStream`] of `Result<T, AskError<E>>`. The handler sends items through the slot, from
/// the handler itself or from a task it hands the slot to (the actor is then free for other
/// messages while the stream runs), and ends the stream by dropping the slot (a clean end) or
/// with [`StreamSlot::fail`] (an error the caller receives as [`AskError::Handler`]).
///
/// ```
/// use rakt::prelude::*;
///
/// #[actor]
/// #[derive(Default)]
/// pub struct Ledger {
///     entries: Vec<u64>,
/// }
///
/// #[actor]
/// impl Ledger {
///     /// Records an amount.
///     pub fn record(&mut self, amount: u64) {
///         self.entries.push(amount);
///     }
///
///     /// Every amount recorded, oldest first.
///     pub async fn history(&self, mut items: StreamSlot<u64>) {
///         for amount in &self.entries {
///             if items.send(*amount).await.is_err() {
///                 return; // the caller dropped its stream
///             }
///         }
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let system = ActorSystem::builder("bank").build().await?;
/// let ledger: LedgerRef = system.spawn("ledger", Ledger::default()).await?;
/// ledger.record(5).await?;
/// ledger.record(7).await?;
///
/// let mut history = ledger.history().await?;
/// let mut seen = Vec::new();
/// while let Some(amount) = history.next().await {
///     seen.push(amount?);
/// }
/// assert_eq!(seen, [5, 7]);
/// system.shutdown().await;
/// # Ok(())
/// # }
/// ```
///
/// **Backpressure.** A stream holds at most [`STREAM_BUFFER`] items the caller has not taken
/// yet: [`StreamSlot::send`] waits for room, [`StreamSlot::try_send`] does not. A handler that
/// sends from its own body therefore holds its actor while a slow caller reads; one that should
/// not, hands the slot to a task. Across nodes the same bound holds end to end (the caller's
/// node grants the serving node credit as the caller reads).
///
/// **How a stream ends.** Dropping the slot, or [`end`](StreamSlot::end), is a clean end (the
/// stream yields `None`). [`fail`](StreamSlot::fail) yields one `Err(AskError::Handler(e))`,
/// then `None`. A handler that panics ends the stream with [`AskError::Failed`]; a request the
/// actor never handled (it stopped, its state does not handle it) with the error an ask would
/// get. The caller ends it early by dropping the [`ReplyStream`] (the slot's `send` then fails
/// and [`is_closed`](StreamSlot::is_closed) says so), or by a deadline
/// ([`AskStream::timeout`]), after which the stream yields [`AskError::Timeout`].
pub struct StreamSlot<T, E = Infallible> {
    tx: mpsc::Sender<T>,
    shared: Arc<Shared<E>>,
}

/// The item a [`StreamSlot::send`] could not deliver, because the caller no longer reads the
/// stream (it dropped it, or its deadline passed).
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[error("the caller no longer reads the stream")]
pub struct StreamClosed<T>(pub T);

impl<T> fmt::Debug for StreamClosed<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StreamClosed(..)")
    }
}

/// Why [`StreamSlot::try_send`] did not deliver its item, with the item.
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
pub enum TryStreamError<T> {
    /// The stream holds [`STREAM_BUFFER`] items the caller has not taken yet; try again later,
    /// or [`send`](StreamSlot::send), which waits.
    #[error("the stream is full: the caller has not taken the items before it")]
    Full(T),
    /// The caller no longer reads the stream.
    #[error("the caller no longer reads the stream")]
    Closed(T),
}

impl<T> fmt::Debug for TryStreamError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TryStreamError::Full(_) => f.write_str("Full(..)"),
            TryStreamError::Closed(_) => f.write_str("Closed(..)"),
        }
    }
}

impl<T, E> StreamSlot<T, E> {
    /// Sends one item, waiting while the stream holds [`STREAM_BUFFER`] items its caller has not
    /// taken. Fails, giving the item back, once the caller no longer reads the stream.
    pub async fn send(&mut self, item: T) -> Result<(), StreamClosed<T>> {
        self.tx
            .send(item)
            .await
            .map_err(|error| StreamClosed(error.0))
    }

    /// Sends one item if the stream has room for it now; never waits.
    pub fn try_send(&mut self, item: T) -> Result<(), TryStreamError<T>> {
        self.tx.try_send(item).map_err(|error| match error {
            mpsc::error::TrySendError::Full(item) => TryStreamError::Full(item),
            mpsc::error::TrySendError::Closed(item) => TryStreamError::Closed(item),
        })
    }

    /// Whether the caller no longer reads the stream: it dropped it, or its deadline passed.
    pub fn is_closed(&self) -> bool {
        self.tx.is_closed()
    }

    /// Resolves once the caller no longer reads the stream: for a producer that waits for
    /// something to send (a subscription) and should stop when nobody listens.
    pub async fn closed(&self) {
        self.tx.closed().await
    }

    /// Ends the stream cleanly (as dropping the slot does); the caller reads what was sent,
    /// then `None`. Returns `false` if the caller no longer reads the stream.
    pub fn end(self) -> bool {
        self.end_with(Ok(()))
    }

    /// Ends the stream with the handler's error: the caller reads what was sent, then
    /// `Err(AskError::Handler(error))`. Returns `false` if the caller no longer reads the
    /// stream.
    pub fn fail(self, error: E) -> bool {
        self.end_with(Err(error))
    }

    /// Ends the stream cleanly or with the handler's error. Returns `false` if the caller no
    /// longer reads the stream.
    pub fn end_with(self, result: Result<(), E>) -> bool {
        self.finish(result.map_err(AskError::Handler))
    }

    /// Ends the stream with `end`, which a transport or the runtime chose.
    pub(crate) fn finish(self, end: Result<(), AskError<E>>) -> bool {
        self.shared.record(end);
        !self.tx.is_closed()
    }

    /// How many items the stream holds that its caller has not taken, at most.
    #[cfg(feature = "wire")]
    pub(crate) fn capacity(&self) -> usize {
        self.tx.max_capacity()
    }

    /// Has `feedback` hear how the caller reads the stream; only the first one set is kept.
    #[cfg(any(feature = "wire", test))]
    pub(crate) fn set_feedback(&self, feedback: Arc<dyn StreamFeedback>) {
        let _ = self.shared.feedback.set(feedback);
    }
}

impl<T, E> fmt::Debug for StreamSlot<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamSlot")
            .field("closed", &self.is_closed())
            .finish_non_exhaustive()
    }
}

/// A new stream: the producer's slot and the caller's stream, holding `buffer` items at most.
pub(crate) fn channel<T, E>(buffer: usize) -> (StreamSlot<T, E>, ReplyStream<T, E>) {
    let (tx, rx) = mpsc::channel(buffer);
    let shared = Arc::new(Shared {
        end: Mutex::new(None),
        feedback: OnceLock::new(),
    });
    let slot = StreamSlot {
        tx,
        shared: Arc::clone(&shared),
    };
    let stream = ReplyStream {
        rx,
        shared,
        done: false,
        unreported: 0,
        report_every: (buffer / 2).max(1) as u32,
        deadline: None,
    };
    (slot, stream)
}

/// The caller's end of a streamed reply: the items the handler sends, in order, each
/// `Ok(item)`, and at most one `Err` last; `None` after the end. A `futures` `Stream`, and
/// readable without one through [`next`](ReplyStream::next). Dropping it tells the producer
/// that nobody reads any more. See [`StreamSlot`] for how a stream ends.
#[must_use = "dropping a reply stream cancels it"]
pub struct ReplyStream<T, E = Infallible> {
    rx: mpsc::Receiver<T>,
    shared: Arc<Shared<E>>,
    /// Whether the stream has ended (`None` comes next, for ever).
    done: bool,
    /// Items taken and not yet reported to the feedback.
    unreported: u32,
    /// How many items are reported at a time.
    report_every: u32,
    /// The deadline of the whole stream, and the timeout it came from.
    deadline: Option<(Pin<Box<Sleep>>, Duration)>,
}

impl<T, E> ReplyStream<T, E> {
    /// The next item, `Err` if the stream ended with an error, or `None` once it has ended.
    pub async fn next(&mut self) -> Option<Result<T, AskError<E>>> {
        std::future::poll_fn(|cx| self.poll_item(cx)).await
    }

    /// Ends the stream at `deadline` (made on `runtime`'s clock), as having timed out after
    /// `timeout`.
    fn expire_at(
        &mut self,
        deadline: Instant,
        timeout: Duration,
        runtime: &tokio::runtime::Handle,
    ) {
        let _entered = runtime.enter();
        self.deadline = Some((Box::pin(sleep_until(deadline)), timeout));
    }

    fn poll_item(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<T, AskError<E>>>> {
        if self.done {
            return Poll::Ready(None);
        }
        if let Some((sleep, timeout)) = &mut self.deadline
            && sleep.as_mut().poll(cx).is_ready()
        {
            let timeout = *timeout;
            self.cancel();
            return Poll::Ready(Some(Err(AskError::Timeout(timeout))));
        }
        match self.rx.poll_recv(cx) {
            Poll::Ready(Some(item)) => {
                self.unreported += 1;
                if self.unreported >= self.report_every
                    && let Some(feedback) = self.shared.feedback.get()
                {
                    feedback.consumed(self.unreported);
                    self.unreported = 0;
                }
                Poll::Ready(Some(Ok(item)))
            }
            Poll::Ready(None) => {
                self.done = true;
                Poll::Ready(match self.shared.take() {
                    Some(Err(error)) => Some(Err(error)),
                    Some(Ok(())) | None => None,
                })
            }
            Poll::Pending => Poll::Pending,
        }
    }

    /// Ends the stream from the caller's side: the producer hears that nobody reads any more.
    fn cancel(&mut self) {
        self.done = true;
        self.rx.close();
        if let Some(feedback) = self.shared.feedback.get() {
            feedback.cancelled();
        }
    }
}

impl<T, E> futures_util::Stream for ReplyStream<T, E> {
    type Item = Result<T, AskError<E>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_item(cx)
    }
}

// Nothing is pinned in place: the timer lives in its own box.
impl<T, E> Unpin for ReplyStream<T, E> {}

impl<T, E> Drop for ReplyStream<T, E> {
    fn drop(&mut self) {
        if !self.done {
            self.cancel();
        }
    }
}

impl<T, E> fmt::Debug for ReplyStream<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReplyStream")
            .field("done", &self.done)
            .field(
                "timeout",
                &self.deadline.as_ref().map(|(_, timeout)| timeout),
            )
            .finish_non_exhaustive()
    }
}

/// A request for a streamed reply, on its way to an actor: what a handle method of a streaming
/// handler returns.
///
/// `.await` it to queue the request (waiting for room in a bounded mailbox) and get the
/// [`ReplyStream`]; a request the mailbox refuses is a dead letter and the error
/// ([`AskError::MailboxFull`], [`AskError::Stopped`]). A stream has no deadline unless given
/// one with [`timeout`](AskStream::timeout): it lasts as long as its producer sends, and the
/// caller ends it by dropping it.
#[must_use = "a streaming ask does nothing until it is awaited"]
pub struct AskStream<'a, A: Actor, T, E = Infallible> {
    actor: &'a ActorRef<A>,
    msg: A::Msg,
    stream: ReplyStream<T, E>,
    timeout: Option<Duration>,
}

impl<'a, A: Actor, T, E> AskStream<'a, A, T, E> {
    /// Gives the whole stream a deadline, `timeout` from now: the time to queue the request
    /// counts, and when it passes the stream yields [`AskError::Timeout`] and ends, and the
    /// producer hears that nobody reads any more. A remote actor's node gets the deadline too.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }
}

impl<A: Actor, T, E> fmt::Debug for AskStream<'_, A, T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AskStream")
            .field("actor", self.actor)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl<'a, A: Actor, T: Send + 'static, E: Send + 'static> IntoFuture for AskStream<'a, A, T, E> {
    type Output = Result<ReplyStream<T, E>, AskError<E>>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'a>>;

    fn into_future(self) -> Self::IntoFuture {
        let AskStream {
            actor,
            msg,
            mut stream,
            timeout,
        } = self;
        Box::pin(async move {
            let Some(timeout) = timeout else {
                push_under(actor, msg, None).await?;
                return Ok(stream);
            };
            let runtime = actor.cell.core.system.inner.runtime();
            let deadline = {
                let _entered = runtime.enter();
                Instant::now() + timeout
            };
            stream.expire_at(deadline, timeout, runtime);
            match timeout_at(deadline, push_under(actor, msg, Some(timeout))).await {
                Ok(pushed) => pushed?,
                Err(_) => return Err(AskError::Timeout(timeout)),
            }
            Ok(stream)
        })
    }
}

/// Builds a streaming ask around a fresh stream. Used by generated handle methods.
#[doc(hidden)]
#[inline]
pub fn ask_stream<A: Actor, T: Send + 'static, E: Send + 'static>(
    actor: &ActorRef<A>,
    make: impl FnOnce(StreamSlot<T, E>) -> A::Msg,
) -> AskStream<'_, A, T, E> {
    let (slot, stream) = channel(STREAM_BUFFER);
    AskStream {
        actor,
        msg: make(slot),
        stream,
        timeout: None,
    }
}

/// Ends the stream of a request that will never be handled, with the error an ask would get.
/// Used by generated code.
#[doc(hidden)]
pub fn reject_stream<T, E>(slot: StreamSlot<T, E>, why: Rejection) {
    slot.finish(Err(rejection_error(why)));
}

/// Keeps a stream open while its handler runs, so that a handler that fails can still say so
/// after its slot was dropped with it. Used by generated code, through
/// [`stream_guard`] and [`settle_stream`].
#[doc(hidden)]
pub struct StreamGuard<T, E> {
    _open: mpsc::Sender<T>,
    shared: Arc<Shared<E>>,
}

/// The guard of `slot`'s stream, taken before its handler runs. Used by generated code.
#[doc(hidden)]
#[inline]
pub fn stream_guard<T, E>(slot: &StreamSlot<T, E>) -> StreamGuard<T, E> {
    StreamGuard {
        _open: slot.tx.clone(),
        shared: Arc::clone(&slot.shared),
    }
}

/// Settles a streaming handler's outcome: a failure (a panic) ends the stream with
/// [`AskError::Failed`] unless the handler ended it already, and goes on to the supervisor.
/// Used by generated code.
#[doc(hidden)]
#[inline]
pub fn settle_stream<T, E>(
    guard: StreamGuard<T, E>,
    outcome: Result<(), Failure>,
) -> Result<(), Failure> {
    if let Err(failure) = &outcome {
        guard.shared.record(Err(AskError::Failed(failure.reason())));
    }
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drain<T, E>(stream: &mut ReplyStream<T, E>) -> Vec<Result<T, AskError<E>>> {
        let waker = futures_util::task::noop_waker();
        let mut cx = Context::from_waker(&waker);
        let mut out = Vec::new();
        while let Poll::Ready(Some(item)) = stream.poll_item(&mut cx) {
            out.push(item);
        }
        out
    }

    #[test]
    fn a_dropped_slot_ends_the_stream_cleanly() {
        let (mut slot, mut stream) = channel::<u32, String>(4);
        slot.try_send(1).unwrap();
        drop(slot);
        assert_eq!(drain(&mut stream), [Ok(1)]);
    }

    #[test]
    fn a_failed_stream_yields_its_error_last() {
        let (mut slot, mut stream) = channel::<u32, String>(4);
        slot.try_send(1).unwrap();
        assert!(slot.fail("no".into()));
        assert_eq!(
            drain(&mut stream),
            [Ok(1), Err(AskError::Handler("no".into()))]
        );
    }

    #[test]
    fn a_failure_after_the_slot_dropped_still_reaches_the_caller() {
        let (slot, mut stream) = channel::<u32, String>(4);
        let guard = stream_guard(&slot);
        drop(slot); // dropped with the panicking handler's future
        let failure = Failure::from_panic(Box::new("boom"));
        assert!(settle_stream(guard, Err(failure)).is_err());
        assert_eq!(drain(&mut stream), [Err(AskError::Failed("boom".into()))]);
    }

    #[test]
    fn an_explicit_end_wins_over_a_later_failure() {
        let (slot, mut stream) = channel::<u32, String>(4);
        let guard = stream_guard(&slot);
        slot.end();
        let failure = Failure::from_panic(Box::new("boom"));
        let _ = settle_stream(guard, Err(failure));
        assert!(drain(&mut stream).is_empty());
    }

    #[test]
    fn a_full_stream_refuses_without_waiting() {
        let (mut slot, stream) = channel::<u32, Infallible>(1);
        slot.try_send(1).unwrap();
        assert_eq!(slot.try_send(2), Err(TryStreamError::Full(2)));
        drop(stream);
        assert!(slot.is_closed());
        assert_eq!(slot.try_send(3), Err(TryStreamError::Closed(3)));
    }

    struct Counting(std::sync::Mutex<(u32, u32)>);

    impl StreamFeedback for Counting {
        fn consumed(&self, items: u32) {
            self.0.lock().unwrap().0 += items;
        }
        fn cancelled(&self) {
            self.0.lock().unwrap().1 += 1;
        }
    }

    #[test]
    fn the_feedback_hears_progress_in_batches_and_a_cancel() {
        let (mut slot, mut stream) = channel::<u32, Infallible>(4);
        let counts = Arc::new(Counting(std::sync::Mutex::new((0, 0))));
        slot.set_feedback(counts.clone());
        for item in 0..3 {
            slot.try_send(item).unwrap();
        }
        assert_eq!(drain(&mut stream).len(), 3);
        assert_eq!(*counts.0.lock().unwrap(), (2, 0), "reported every 2 items");
        drop(stream);
        assert_eq!(*counts.0.lock().unwrap(), (2, 1));
    }

    #[test]
    fn a_rejected_request_ends_with_the_asks_error() {
        let (slot, mut stream) = channel::<u32, Infallible>(4);
        reject_stream(slot, Rejection::Stopped);
        assert_eq!(drain(&mut stream), [Err(AskError::Stopped)]);
    }
}
