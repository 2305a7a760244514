//! What a node serves to its peers, seen from the node's side: the [`Inbound`] trait the
//! actor system implements, the [`ReplyTo`] an incoming ask answers through, and the shapes of
//! lookups ([`Found`]) and watches ([`WatchStart`]).
//!
//! This module owns the contract between the transport and whatever hosts actors. The
//! transport validates and decodes what arrives (handshake, frames, targets on another node)
//! and hands the rest here; it never looks at payloads.

use std::fmt;
use std::sync::Arc;

use futures_util::Stream;
use futures_util::future::BoxFuture;
use futures_util::stream::BoxStream;
use prost::bytes::Bytes;
use tokio::sync::oneshot;
use tokio::time::Instant;

use super::error::detail;
use super::proto::v1::{
    ActorAddress, Envelope, ErrorCause, ErrorDetail, NodeAddress, Reply, SpawnRequest, Terminated,
    error_detail, reply,
};
use crate::wire::StreamPiece;

/// The actor system behind a node: where the transport delivers what peers send.
///
/// The transport calls [`envelope`](Self::envelope) on the reader task of the link the
/// envelope came on, in the order the envelopes arrived (the order their sender sent them), so
/// the implementation must not block: a slow call holds up every envelope behind it on that
/// link. It should not panic either; if it does, the transport catches the panic, answers the
/// envelope's ask (if it is one) with `ERROR_CAUSE_HANDLER_FAILED`, and the link reads on. The
/// other methods answer the unary calls and the watch stream of
/// the `Remoting` service; their futures run on the server's tasks. Errors are the protocol's
/// [`ErrorDetail`]s (`RemoteError::to_detail` makes one from a typed error); the transport
/// sends each with the gRPC code its cause lists.
///
/// The provided methods answer as a node that hosts no remotely reachable actor would: nothing
/// found, no kind registered, nothing to stop, nothing to watch.
pub trait Inbound: Send + Sync + 'static {
    /// A tell (`reply` is `None`) or an ask (`reply` is where its one answer goes) from the
    /// peer `from` (its handshake's address, with its `uid`). `envelope.target` is set and
    /// names this node (or leaves its node unset); an unset `envelope.sender.node` means
    /// `from`.
    ///
    /// An ask's [`ReplyTo`] carries the deadline its asker gave (`timeout_ms`, counted from
    /// when this node decoded it): an implementation should skip an ask whose
    /// [`ReplyTo::is_expired`] is true when its turn comes, as nobody waits for it. A
    /// streaming ask ([`ReplyTo::stream_window`] non-zero) is answered with
    /// [`ReplyTo::stream`], from this call (the link sends its items as the asker's credit
    /// allows). A tell that
    /// cannot be delivered (no such actor, no such method, a payload that does not decode, a
    /// full mailbox) is the implementation's to publish as a dead letter.
    fn envelope(&self, from: &NodeAddress, envelope: Envelope, reply: Option<ReplyTo>);

    /// Whether a live, remotely reachable actor is at `address` (`id` 0: whichever lives at
    /// its path). `Ok(None)`: not found. The transport fills in an unset `node` of the found
    /// address with this node's.
    fn lookup(
        &self,
        address: ActorAddress,
    ) -> BoxFuture<'static, Result<Option<Found>, ErrorDetail>> {
        let _ = address;
        Box::pin(async { Ok(None) })
    }

    /// Starts an actor of a kind registered for remote spawning, and returns its address
    /// (an unset `node` is filled in with this node's).
    fn spawn(
        &self,
        request: SpawnRequest,
    ) -> BoxFuture<'static, Result<ActorAddress, ErrorDetail>> {
        let kind = request.kind;
        Box::pin(async move {
            Err(detail(
                ErrorCause::UnknownKind,
                format!("no kind `{kind}` is registered for spawning"),
            ))
        })
    }

    /// Stops the actor at `address` (at once when `kill`, else gracefully) and resolves once
    /// it has stopped: `true` when there was a live actor to stop.
    fn stop(
        &self,
        address: ActorAddress,
        kill: bool,
    ) -> BoxFuture<'static, Result<bool, ErrorDetail>> {
        let _ = (address, kill);
        Box::pin(async { Ok(false) })
    }

    /// Watches the actor at `address`.
    fn watch(&self, address: ActorAddress) -> BoxFuture<'static, Result<WatchStart, ErrorDetail>> {
        let _ = address;
        Box::pin(async { Ok(WatchStart::NotFound) })
    }
}

impl<T: Inbound + ?Sized> Inbound for Arc<T> {
    fn envelope(&self, from: &NodeAddress, envelope: Envelope, reply: Option<ReplyTo>) {
        (**self).envelope(from, envelope, reply);
    }

    fn lookup(
        &self,
        address: ActorAddress,
    ) -> BoxFuture<'static, Result<Option<Found>, ErrorDetail>> {
        (**self).lookup(address)
    }

    fn spawn(
        &self,
        request: SpawnRequest,
    ) -> BoxFuture<'static, Result<ActorAddress, ErrorDetail>> {
        (**self).spawn(request)
    }

    fn stop(
        &self,
        address: ActorAddress,
        kill: bool,
    ) -> BoxFuture<'static, Result<bool, ErrorDetail>> {
        (**self).stop(address, kill)
    }

    fn watch(&self, address: ActorAddress) -> BoxFuture<'static, Result<WatchStart, ErrorDetail>> {
        (**self).watch(address)
    }
}

/// A live actor a lookup found.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Found {
    /// Its full address: node (with `uid`), path and the incarnation's `id`.
    pub address: ActorAddress,
    /// The wire name of its kind, `<package>.<Actor>`.
    pub kind: String,
}

/// How a watch begins, as [`Inbound::watch`] answers it.
#[derive(Debug)]
pub enum WatchStart {
    /// The watch is in place on this incarnation. The implementation keeps the sender of
    /// `terminated` with the actor and sends its [`Terminated`] when it stops; when the
    /// watcher cancels (or its node goes away) the receiver is dropped, which the
    /// implementation sees as `Sender::is_closed` / `Sender::closed` and may then forget the
    /// watch. A sender dropped without a value ends the watch with `UNAVAILABLE`.
    Watching {
        /// The watched actor's full address (an unset `node` is filled in).
        address: ActorAddress,
        /// Where its end will arrive.
        terminated: oneshot::Receiver<Terminated>,
    },
    /// No such actor (or another incarnation): the watcher hears `STOP_CAUSE_NOT_FOUND` at
    /// once.
    NotFound,
}

/// Where the one answer to an incoming ask goes: back to the asker, on the link the ask came
/// on, under the ask's correlation id.
///
/// Answer with [`send`](Self::send), [`fail`](Self::fail) or [`reply`](Self::reply), once
/// (each takes `self`); a streaming ask ([`stream_window`](Self::stream_window) non-zero) is
/// answered with [`stream`](Self::stream). A `ReplyTo` dropped without an answer answers for
/// you with `ERROR_CAUSE_NO_REPLY` (`ERROR_CAUSE_HANDLER_FAILED` when a panic drops it). An
/// answer given after the ask's deadline is replaced by `ERROR_CAUSE_TIMEOUT` (its asker has
/// stopped waiting, so the payload would be wasted). If the link has ended meanwhile, the
/// answer is dropped: the asker has already failed with the link's loss.
#[derive(Debug)]
pub struct ReplyTo {
    correlation_id: u64,
    timeout_ms: u64,
    /// The envelope's `stream_window`: 0 for a unary ask.
    window: u32,
    deadline: Option<Instant>,
    link: Option<Arc<dyn ReplyLink>>,
}

/// Where a [`ReplyTo`] queues its answer: the link the ask came on. Links implement it, so
/// this contract does not depend on them.
pub(crate) trait ReplyLink: fmt::Debug + Send + Sync {
    /// Queues the answer to one of the peer's asks; dropped if the link has ended.
    fn enqueue_reply(&self, reply: Reply);

    /// Sends a streamed answer as the peer's credit allows, until it ends, the peer cancels,
    /// its deadline passes or the link ends (dropping the stream, which stops its producer).
    fn serve_stream(self: Arc<Self>, answer: StreamAnswer);
}

/// A streamed answer to one of the peer's streaming asks, for its link to send.
pub(crate) struct StreamAnswer {
    /// The ask's correlation id.
    pub(crate) correlation_id: u64,
    /// The credit the asker granted up front (the envelope's `stream_window`, non-zero).
    pub(crate) window: u32,
    /// When the whole stream must have ended, and the timeout that deadline came from.
    pub(crate) deadline: Option<(Instant, u64)>,
    /// The items, then the end.
    pub(crate) pieces: BoxStream<'static, StreamPiece>,
}

impl ReplyTo {
    pub(crate) fn new(
        link: Arc<dyn ReplyLink>,
        correlation_id: u64,
        timeout_ms: u64,
        window: u32,
    ) -> Self {
        // A timeout too far out for the clock is no deadline at all.
        let deadline = (timeout_ms > 0)
            .then(|| Instant::now().checked_add(std::time::Duration::from_millis(timeout_ms)))
            .flatten();
        ReplyTo {
            correlation_id,
            timeout_ms,
            window,
            deadline,
            link: Some(link),
        }
    }

    /// The ask's correlation id on its link.
    pub fn correlation_id(&self) -> u64 {
        self.correlation_id
    }

    /// When the asker stops waiting, as this node reckons it (its `timeout_ms` after the ask
    /// was decoded); `None` for an ask without a deadline.
    pub fn deadline(&self) -> Option<Instant> {
        self.deadline
    }

    /// Whether the deadline has passed: nobody waits for the answer any more.
    pub fn is_expired(&self) -> bool {
        self.deadline
            .is_some_and(|deadline| Instant::now() >= deadline)
    }

    /// Whether the asker asked for a streamed answer (`stream_window` in its envelope), and
    /// the credit it granted up front: how many items may go before it grants more. 0 for a
    /// unary ask.
    pub fn stream_window(&self) -> u32 {
        self.window
    }

    /// Answers a streaming ask with `pieces`: each [`StreamPiece::Item`] goes as an item reply,
    /// then the [`End`](StreamPiece::End) or [`Failed`](StreamPiece::Failed) piece (or the
    /// stream's end, a clean end) as the last reply. The link pulls `pieces` only while the
    /// asker's credit lasts, so a producer behind a bounded buffer (an
    /// [`EncodedStream`](crate::wire::EncodedStream)) waits while its caller reads slowly; it
    /// drops `pieces`, which stops the producer, when the asker cancels, when the link ends,
    /// and at the ask's deadline, which bounds the whole stream (answering
    /// `ERROR_CAUSE_TIMEOUT`).
    ///
    /// Call it from [`Inbound::envelope`]: a cancel the asker sends before the stream has
    /// started is not kept. A unary ask (a [`stream_window`](Self::stream_window) of 0) cannot
    /// take a stream: it is answered with `ERROR_CAUSE_UNSPECIFIED`, and `pieces` is dropped.
    pub fn stream(mut self, pieces: impl Stream<Item = StreamPiece> + Send + 'static) {
        if self.window == 0 {
            self.answer(Err(detail(
                ErrorCause::Unspecified,
                "the method answers with a stream, and the ask asked for one reply \
                 (`stream_window` 0)",
            )));
            return;
        }
        if self.is_expired() {
            // Answered `ERROR_CAUSE_TIMEOUT`.
            self.answer(Ok(Bytes::new()));
            return;
        }
        let Some(link) = self.link.take() else {
            return;
        };
        link.serve_stream(StreamAnswer {
            correlation_id: self.correlation_id,
            window: self.window,
            deadline: self.deadline.map(|deadline| (deadline, self.timeout_ms)),
            pieces: Box::pin(pieces),
        });
    }

    /// Answers with the reply payload (the method's encoded reply message; empty for `()`).
    pub fn send(self, payload: Bytes) {
        self.reply(Ok(payload));
    }

    /// Answers with an error.
    pub fn fail(self, error: ErrorDetail) {
        self.reply(Err(error));
    }

    /// Answers with a payload or an error.
    pub fn reply(mut self, outcome: Result<Bytes, ErrorDetail>) {
        self.answer(outcome);
    }

    fn answer(&mut self, outcome: Result<Bytes, ErrorDetail>) {
        let Some(link) = self.link.take() else {
            return;
        };
        let outcome = if self.is_expired() {
            reply::Outcome::Error(ErrorDetail {
                cause: ErrorCause::Timeout.into(),
                message: format!(
                    "the ask's {} ms passed before it was answered",
                    self.timeout_ms
                ),
                detail: Some(error_detail::Detail::TimeoutMs(self.timeout_ms)),
            })
        } else {
            match outcome {
                Ok(payload) => reply::Outcome::Payload(payload),
                Err(error) => reply::Outcome::Error(error),
            }
        };
        link.enqueue_reply(Reply {
            correlation_id: self.correlation_id,
            outcome: Some(outcome),
            more: false,
        });
    }
}

impl Drop for ReplyTo {
    fn drop(&mut self) {
        if self.link.is_none() {
            return;
        }
        let unanswered = if std::thread::panicking() {
            detail(
                ErrorCause::HandlerFailed,
                "the node panicked while it held the ask",
            )
        } else {
            detail(ErrorCause::NoReply, "the ask was dropped without a reply")
        };
        self.answer(Err(unanswered));
    }
}
