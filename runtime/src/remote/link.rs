//! One `Link` stream between this node and a peer, whichever side opened it: its outbox (what
//! its writer puts into frames), its pending asks, what the handshake said about the peer, the
//! reading of incoming frames, and its end.
//!
//! This module owns a link's life after the handshake: enqueueing envelopes, replies and
//! stream controls, dispatching incoming envelopes to [`Inbound`](super::Inbound), replies to
//! pending asks (a streaming ask's items within the credit it granted, and the credit and
//! cancel its caller's stream reports back as controls) and controls to the streamed answers
//! being sent, refusing envelopes for another node, and closing (every pending ask and stream
//! fails at once, streamed answers stop, tells that never left become dead letters). Opening
//! links (handshakes, reconnects) is the peer's (outbound) and the server's (inbound); both
//! build on this module, which imports neither.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::Duration;

use prost::Message;
use tokio::sync::{mpsc, oneshot};
use tonic::{Status, Streaming};
use tracing::{debug, trace, warn};

use super::config::DEFAULT_MAX_FRAME_BYTES;
use super::error::{RemoteError, detail, node_text};
use super::events::{DeadLetter, Direction};
use super::inbound::{ReplyLink, ReplyTo, StreamAnswer};
use super::pending::{Completed, Outcome, Pending, PendingStream, StreamSink};
use super::proto::v1::{Envelope, ErrorCause, Frame, NodeAddress, Reply, StreamControl, reply};
use super::queued::Queued;
use super::served::Served;
use super::shared::Shared;
use crate::failure::catch_sync;
use crate::stream::StreamFeedback;

/// What a link's writer is given to send.
#[derive(Debug)]
#[allow(
    clippy::large_enum_variant,
    reason = "envelopes are nearly everything a link queues; boxing them would cost an \
              allocation per message"
)]
pub(crate) enum Out {
    /// A tell or an ask, with its size in a frame and the peer `uid` it is for (0: any).
    Envelope {
        envelope: Queued,
        size: usize,
        uid: u64,
    },
    /// The answer to one of the peer's asks (or an item of it), with its size in a frame.
    Reply { reply: Reply, size: usize },
    /// Credit for, or the cancel of, one of this node's streaming asks, with its size in a
    /// frame.
    Control { control: StreamControl, size: usize },
    /// End the stream after what was queued before: `None` with `OK` (on purpose), or with
    /// the status (server side only; a client's stream just ends).
    End(Option<Status>),
}

/// The bytes a repeated message field of `len` bytes takes in a frame (tags 2, 3 and 4 take
/// one byte).
pub(crate) fn field_size(len: usize) -> usize {
    1 + prost::encoding::encoded_len_varint(len as u64) + len
}

/// The largest frame a peer accepts, from its handshake's `max_frame_bytes` (0: the default).
pub(crate) fn peer_max_frame(max_frame_bytes: u32) -> usize {
    let bytes = match max_frame_bytes {
        0 => DEFAULT_MAX_FRAME_BYTES,
        bytes => bytes,
    };
    bytes as usize
}

/// Why a link to `peer` whose reading ended with `read` is over: the peer ended it on
/// purpose (`Ok`), or the connection failed.
pub(crate) fn read_ended(peer: &NodeAddress, read: &Result<(), Status>) -> RemoteError {
    match read {
        Ok(()) => RemoteError::NodeLeft {
            node: node_text(peer),
        },
        Err(status) => RemoteError::ConnectionLost {
            node: node_text(peer),
            reason: format!("{:?}: {}", status.code(), status.message()),
        },
    }
}

/// What the handshake told about the peer.
#[derive(Debug, Clone)]
pub(crate) struct PeerInfo {
    /// The peer's own address, with its `uid`.
    pub(crate) node: NodeAddress,
    /// The largest frame the peer accepts.
    pub(crate) max_frame: usize,
}

/// One link: its outbox, pending asks and state.
#[derive(Debug)]
pub(crate) struct Session {
    pub(crate) shared: Arc<Shared>,
    outbox: mpsc::UnboundedSender<Out>,
    pub(crate) pending: Pending,
    /// The streamed answers this node is sending to the peer's streaming asks.
    served: Arc<Served>,
    /// The peer's handshake, once read.
    peer: OnceLock<PeerInfo>,
    /// The address dialed (outbound), for messages before the handshake.
    dialed: NodeAddress,
    /// Set once the link has ended.
    closed: AtomicBool,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// Why the link ended, once it has.
    reason: Option<RemoteError>,
    /// Tells the writer gave back (it was dropped) before the link knew why it ended.
    spilled: Vec<Queued>,
}

impl Session {
    /// A new link and the receiving end of its outbox (for its writer).
    pub(crate) fn new(
        shared: Arc<Shared>,
        dialed: NodeAddress,
    ) -> (Arc<Session>, mpsc::UnboundedReceiver<Out>) {
        let (outbox, rx) = mpsc::unbounded_channel();
        let session = Session {
            shared,
            outbox,
            pending: Pending::default(),
            served: Arc::default(),
            peer: OnceLock::new(),
            dialed,
            closed: AtomicBool::new(false),
            state: Mutex::new(State::default()),
        };
        (Arc::new(session), rx)
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Records the peer's handshake.
    pub(crate) fn set_peer(&self, info: PeerInfo) {
        let _ = self.peer.set(info);
    }

    /// The peer's handshake, once read.
    pub(crate) fn peer(&self) -> Option<&PeerInfo> {
        self.peer.get()
    }

    /// The peer's address: from its handshake, or as dialed before that.
    pub(crate) fn peer_node(&self) -> &NodeAddress {
        self.peer.get().map_or(&self.dialed, |info| &info.node)
    }

    /// Whether the link has ended.
    pub(crate) fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }

    /// Why the link ended, if it has.
    pub(crate) fn reason(&self) -> Option<RemoteError> {
        self.state().reason.clone()
    }

    /// Checks an envelope against what the handshake said (when it has been read) and queues
    /// it. `uid` is the peer incarnation the envelope is for (0: any).
    fn enqueue(&self, envelope: Queued, uid: u64) -> Result<(), RemoteError> {
        if self.is_closed()
            && let Some(reason) = self.reason()
        {
            return Err(reason);
        }
        let size = field_size(envelope.encoded_len());
        if let Some(peer) = self.peer() {
            if size > peer.max_frame {
                return Err(RemoteError::frame_too_large(size, peer.max_frame as u64));
            }
            if uid != 0 && uid != peer.node.uid {
                return Err(wrong_incarnation(&peer.node, uid));
            }
        }
        let queued = self.outbox.send(Out::Envelope {
            envelope,
            size,
            uid,
        });
        if let Err(mpsc::error::SendError(item)) = queued {
            // The writer is gone, so the link is ending, but may not know why yet: what is
            // refused now is handled as if the writer had still held it (a tell becomes a
            // dead letter, an ask fails) with the reason the link's end gives.
            self.spill(vec![item]);
        }
        Ok(())
    }

    /// Queues a tell.
    pub(crate) fn tell(&self, envelope: impl Into<Queued>, uid: u64) -> Result<(), RemoteError> {
        let mut envelope = envelope.into();
        envelope.set_call(0, 0);
        self.enqueue(envelope, uid)
    }

    /// Registers and queues an ask: its id and where its outcome arrives.
    pub(crate) fn ask(
        &self,
        envelope: impl Into<Queued>,
        uid: u64,
        timeout_ms: u64,
    ) -> Result<(u64, oneshot::Receiver<Outcome>), RemoteError> {
        let (id, rx) = self.pending.register()?;
        let mut envelope = envelope.into();
        envelope.set_call(id, timeout_ms);
        match self.enqueue(envelope, uid) {
            Ok(()) => Ok((id, rx)),
            Err(error) => {
                self.pending.remove(id);
                Err(error)
            }
        }
    }

    /// Registers and queues a streaming ask: `sink` hears of its items and its end, also when
    /// it cannot be sent (at once, with why). The peer may send as many items as `sink`'s
    /// window, then as many more as its caller takes (credit controls); `timeout` bounds the
    /// whole stream (it travels as `timeout_ms`, and here ends the stream with
    /// [`RemoteError::Timeout`] and cancels it).
    pub(crate) fn ask_stream(
        self: &Arc<Self>,
        envelope: Queued,
        uid: u64,
        timeout: Option<Duration>,
        sink: Box<dyn StreamSink>,
    ) {
        // A window of 0 would make it a unary ask; the caller's stream holds at least one.
        let window = sink.window().max(1);
        let registered = self.pending.register_stream(sink, |id, entry| {
            Arc::new(Credit {
                session: Arc::downgrade(self),
                entry,
                id,
            })
        });
        let (id, entry) = match registered {
            Ok(registered) => registered,
            Err((reason, sink)) => return sink.end(Err(reason)),
        };
        let mut envelope = envelope.into_stream(window);
        envelope.set_call(id, timeout.map_or(0, RemoteError::timeout_ms));
        if let Err(error) = self.enqueue(envelope, uid) {
            if let Some(entry) = self.pending.remove_stream(id) {
                entry.end(Err(error));
            }
            return;
        }
        if let Some(timeout) = timeout {
            let session = Arc::downgrade(self);
            let deadline = self.shared.runtime.spawn(async move {
                tokio::time::sleep(timeout).await;
                if let Some(session) = session.upgrade() {
                    session.expire_stream(id, timeout);
                }
            });
            entry.set_deadline(deadline.abort_handle());
        }
    }

    /// Streaming ask `id` reached its deadline here: it ends with [`RemoteError::Timeout`] and
    /// the peer is told to stop.
    fn expire_stream(&self, id: u64, timeout: Duration) {
        if let Some(entry) = self.pending.remove_stream(id) {
            entry.end(Err(RemoteError::Timeout { timeout }));
            self.control(cancel(id));
        }
    }

    /// Queues a control for one of this node's streaming asks; dropped if the link has ended
    /// (the peer drops its streams with it).
    fn control(&self, control: StreamControl) {
        let size = field_size(control.encoded_len());
        let _ = self.outbox.send(Out::Control { control, size });
    }

    /// Stops sending the streamed answer to the peer's ask `id` (its last reply went already).
    pub(crate) fn stop_serving(&self, id: u64) {
        self.served.control(cancel(id));
    }

    /// Delivers the outcome of ask `id` (a reply, a streaming ask's end, or why it failed).
    fn settle(&self, id: u64, outcome: Outcome) {
        match self.pending.complete(id, outcome) {
            Completed::Ask => {}
            Completed::Stream(stream, outcome) => stream.end(outcome),
            Completed::Nobody => trace!(id, "a reply nobody waits for (timed out, cancelled)"),
        }
    }

    /// An item of one of this node's streaming asks: handed to its caller within the credit
    /// granted. An item for a unary ask, without a payload, beyond the credit, or that does not
    /// decode is the peer's protocol error: it fails that ask only (and cancels the stream).
    fn stream_item(&self, reply: Reply) {
        let id = reply.correlation_id;
        let Some(entry) = self.pending.stream(id) else {
            // An item for a unary ask fails it; one for nobody was in flight when the stream
            // ended here (cancelled, past its deadline): dropped.
            if let Completed::Stream(stream, outcome) = self
                .pending
                .complete(id, Err(broken("an item (`more`) for a unary ask")))
            {
                stream.end(outcome);
            }
            return;
        };
        let why = match &reply.outcome {
            Some(reply::Outcome::Payload(payload)) => match entry.item(payload) {
                Ok(()) => return,
                Err(why) => why,
            },
            Some(reply::Outcome::Error(_)) | None => {
                "an item (`more`) without a payload".to_owned()
            }
        };
        debug!(peer = %node_text(self.peer_node()), id, %why, "a stream broke the protocol");
        if let Some(entry) = self.pending.remove_stream(id) {
            entry.end(Err(broken(&why)));
            self.control(cancel(id));
        }
    }

    /// Ends the writer's stream after what is queued: with `OK` (`None`) or a status.
    pub(crate) fn end_stream(&self, status: Option<Status>) {
        let _ = self.outbox.send(Out::End(status));
    }

    /// The link has ended for `reason`: every pending ask and stream fails with it, at once,
    /// the streamed answers being sent stop, and tells the writer gave back become dead
    /// letters. Later calls keep the first reason.
    pub(crate) fn close(&self, reason: RemoteError) {
        let spilled = {
            let mut state = self.state();
            if state.reason.is_some() {
                return;
            }
            state.reason = Some(reason.clone());
            self.closed.store(true, Ordering::Release);
            std::mem::take(&mut state.spilled)
        };
        self.pending.close(&reason);
        self.served.close();
        for envelope in spilled {
            self.dead_letter(
                envelope.into_envelope(),
                Direction::Outbound,
                reason.clone(),
            );
        }
    }

    /// What the writer still held when it was dropped: tells become dead letters (now, or
    /// when the link learns why it ended); asks fail with the link (they are still pending);
    /// replies and controls are dropped (their askers and streams failed with the link on
    /// their side).
    pub(crate) fn spill(&self, items: Vec<Out>) {
        let tells = items.into_iter().filter_map(|item| match item {
            Out::Envelope { envelope, .. } if envelope.correlation_id() == 0 => Some(envelope),
            _ => None,
        });
        let mut state = self.state();
        match state.reason.clone() {
            None => state.spilled.extend(tells),
            Some(reason) => {
                drop(state);
                for envelope in tells {
                    self.dead_letter(
                        envelope.into_envelope(),
                        Direction::Outbound,
                        reason.clone(),
                    );
                }
            }
        }
    }

    /// An envelope the writer could not put into a frame: its ask fails, or its tell becomes
    /// a dead letter.
    pub(crate) fn reject(&self, envelope: Queued, reason: RemoteError) {
        match envelope.correlation_id() {
            0 => self.dead_letter(envelope.into_envelope(), Direction::Outbound, reason),
            id => self.settle(id, Err(reason)),
        }
    }

    pub(crate) fn dead_letter(
        &self,
        envelope: Envelope,
        direction: Direction,
        reason: RemoteError,
    ) {
        debug!(peer = %node_text(self.peer_node()), method = %envelope.method, %reason, "dead letter");
        if let Some(hook) = &self.shared.config.dead_letters {
            hook(DeadLetter {
                envelope,
                peer: self.peer_node().clone(),
                direction,
                reason,
            });
        }
    }

    /// Reads the peer's frames until the stream ends: `Ok(())` when it ended with `OK`, the
    /// status otherwise.
    pub(crate) async fn read(
        self: &Arc<Self>,
        frames: &mut Streaming<Frame>,
    ) -> Result<(), Status> {
        while let Some(frame) = frames.message().await? {
            self.receive(frame);
        }
        Ok(())
    }

    /// Handles one frame from the peer: envelopes to the node's [`Inbound`](super::Inbound)
    /// (or refused), replies to their pending asks, then controls to the streamed answers
    /// (after the envelopes, so that a frame may start a stream and control it).
    pub(crate) fn receive(self: &Arc<Self>, frame: Frame) {
        self.shared
            .counters
            .received(frame.envelopes.len(), frame.replies.len());
        if frame.handshake.is_some() {
            debug!(peer = %node_text(self.peer_node()), "a handshake after the first frame: ignored");
        }
        for envelope in frame.envelopes {
            self.deliver(envelope);
        }
        for reply in frame.replies {
            if reply.more {
                self.stream_item(reply);
                continue;
            }
            let outcome = match reply.outcome {
                Some(reply::Outcome::Payload(payload)) => Ok(payload),
                Some(reply::Outcome::Error(error)) => Err(RemoteError::from_detail(error)),
                None => Err(RemoteError::Unspecified {
                    cause: 0,
                    message: "a reply without an outcome".into(),
                }),
            };
            self.settle(reply.correlation_id, outcome);
        }
        for control in frame.controls {
            self.served.control(control);
        }
    }

    fn deliver(self: &Arc<Self>, envelope: Envelope) {
        let me = &self.shared.address;
        let refusal = match &envelope.target {
            None => Some(detail(
                ErrorCause::UnknownActor,
                "the envelope has no target",
            )),
            Some(target) => match &target.node {
                Some(node) if node.system != me.system => Some(detail(
                    ErrorCause::WrongNode,
                    format!("this is system `{}`, not `{}`", me.system, node.system),
                )),
                Some(node) if node.uid != 0 && node.uid != me.uid => Some(detail(
                    ErrorCause::WrongNode,
                    format!(
                        "this is incarnation {} of {}, not {}",
                        me.uid,
                        node_text(me),
                        node.uid
                    ),
                )),
                _ => None,
            },
        };
        if let Some(refusal) = refusal {
            if envelope.correlation_id != 0 {
                self.enqueue_reply(Reply {
                    correlation_id: envelope.correlation_id,
                    outcome: Some(reply::Outcome::Error(refusal)),
                    more: false,
                });
            } else {
                let reason = RemoteError::from_detail(refusal);
                self.dead_letter(envelope, Direction::Inbound, reason);
            }
            return;
        }
        let reply = (envelope.correlation_id != 0).then(|| {
            ReplyTo::new(
                self.clone(),
                envelope.correlation_id,
                envelope.timeout_ms,
                envelope.stream_window,
            )
        });
        // An `Inbound` that panics fails this envelope only (an ask's `ReplyTo`, dropped in
        // the unwinding, answers `ERROR_CAUSE_HANDLER_FAILED`); the link reads on.
        let from = self.peer_node();
        if let Err(failure) = catch_sync(|| self.shared.inbound.envelope(from, envelope, reply)) {
            warn!(peer = %node_text(from), %failure, "the node's inbound panicked on an envelope");
        }
    }
}

impl ReplyLink for Session {
    /// Queues the answer to one of the peer's asks; dropped if the link has ended.
    fn enqueue_reply(&self, reply: Reply) {
        let size = field_size(reply.encoded_len());
        let _ = self.outbox.send(Out::Reply { reply, size });
    }

    fn serve_stream(self: Arc<Self>, answer: StreamAnswer) {
        let served = self.served.clone();
        let runtime = self.shared.runtime.clone();
        served.start(self, &runtime, answer);
    }
}

/// How a caller's stream reports back to its link: credit as the caller takes items, a cancel
/// when it drops the stream. Holds its link and entry weakly: a stream that ended sends
/// nothing.
struct Credit {
    session: Weak<Session>,
    entry: Weak<PendingStream>,
    id: u64,
}

impl StreamFeedback for Credit {
    fn consumed(&self, items: u32) {
        let (Some(session), Some(entry)) = (self.session.upgrade(), self.entry.upgrade()) else {
            return;
        };
        // Counted here before it is sent, so the peer never has more than this side allows.
        if entry.grant(items) {
            session.control(StreamControl {
                correlation_id: self.id,
                credit: items,
                cancel: false,
            });
        }
    }

    fn cancelled(&self) {
        let Some(session) = self.session.upgrade() else {
            return;
        };
        if let Some(entry) = session.pending.remove_stream(self.id) {
            // Nobody reads: the stream goes without an end.
            drop(entry.take());
            session.control(cancel(self.id));
        }
    }
}

/// The control that cancels streaming ask `id`.
fn cancel(id: u64) -> StreamControl {
    StreamControl {
        correlation_id: id,
        credit: 0,
        cancel: true,
    }
}

/// The error of a streaming ask (or an ask) whose peer broke the stream protocol.
fn broken(why: &str) -> RemoteError {
    RemoteError::MalformedPayload {
        message: format!("the peer broke the stream protocol: {why}"),
    }
}

/// The error for an envelope meant for another incarnation of the peer.
pub(crate) fn wrong_incarnation(peer: &NodeAddress, uid: u64) -> RemoteError {
    RemoteError::WrongNode {
        message: format!(
            "the target is incarnation {uid} of {}, which now runs incarnation {}",
            node_text(peer),
            peer.uid
        ),
    }
}
