//! A link's writer: the stream of frames tonic sends, made from the link's outbox.
//!
//! The writer is the `Stream` tonic pulls the next frame from. It yields the handshake first,
//! waits (on an outbound link) for the peer's handshake, then each time tonic asks for a frame
//! it takes what was queued since the last one, in order, up to 32 KiB (or the peer's
//! `max_frame_bytes`, when smaller): while the transport is busy writing a frame (flow
//! control, a slow socket) tonic does not ask, senders keep queueing, and the next frames carry
//! all of it. A quiet link sends a frame per envelope; a busy one coalesces by itself, with no
//! timer.
//! What does not fit the current frame waits for the next; a single envelope larger than the
//! peer's limit, or one for another incarnation of the peer, is refused (its ask fails, its
//! tell becomes a dead letter), and so is a reply too large (it becomes
//! `ERROR_CAUSE_FRAME_TOO_LARGE`; an item too large ends its stream so, and stops its
//! producer).
//!
//! This module owns frame building and nothing else; the outbox and the reasons for refusals
//! are the [link](super::link)'s.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use futures_util::Stream;
use prost::Message;
use tokio::sync::{mpsc, oneshot};
use tonic::Status;

use super::error::RemoteError;
use super::link::{Out, Session, field_size, wrong_incarnation};
use super::proto::v1::{ErrorCause, ErrorDetail, Frame, Reply, error_detail, reply};

/// The bytes of envelopes and replies a frame gathers before it goes out, when it carries more
/// than one (a single one goes alone up to the peer's `max_frame_bytes`). About what tonic
/// writes per chunk (32 KiB): a larger batch saves nothing on the wire, and costs both sides
/// vectors too large for the allocator to reuse and the caches to hold (measured: batches of
/// several thousand envelopes spent a quarter of the time copying and faulting in pages).
const BATCH_BYTES: usize = 32 << 10;

/// The envelopes a frame makes room for at once: the queue's length, up to what a batch of the
/// smallest envelopes holds.
const BATCH_ENVELOPES: usize = BATCH_BYTES / 16;

/// The frames of one link, in the order tonic sends them.
pub(crate) struct Writer {
    session: Arc<Session>,
    outbox: mpsc::UnboundedReceiver<Out>,
    /// The handshake, until it has been yielded.
    hello: Option<Frame>,
    /// An outbound link's signal that the peer's handshake has been read.
    ready: Option<oneshot::Receiver<()>>,
    /// What did not fit the last frame.
    carry: Option<Out>,
    done: bool,
}

impl Writer {
    /// A writer that yields `hello` first, then, once `ready` fires (at once when `None`),
    /// frames of what is queued.
    pub(crate) fn new(
        session: Arc<Session>,
        outbox: mpsc::UnboundedReceiver<Out>,
        hello: Frame,
        ready: Option<oneshot::Receiver<()>>,
    ) -> Self {
        Writer {
            session,
            outbox,
            hello: Some(hello),
            ready,
            carry: None,
            done: false,
        }
    }

    /// The limit of the frames the peer accepts.
    fn limit(&self) -> usize {
        self.session
            .peer()
            .map_or(super::config::DEFAULT_MAX_FRAME_BYTES as usize, |peer| {
                peer.max_frame
            })
    }

    /// The next item: what did not fit last time, else what is queued.
    fn next_item(&mut self, cx: &mut Context<'_>) -> Poll<Option<Out>> {
        match self.carry.take() {
            Some(item) => Poll::Ready(Some(item)),
            None => self.outbox.poll_recv(cx),
        }
    }
}

impl Stream for Writer {
    type Item = Result<Frame, Status>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if this.done {
            return Poll::Ready(None);
        }
        if let Some(hello) = this.hello.take() {
            return Poll::Ready(Some(Ok(hello)));
        }
        if let Some(ready) = &mut this.ready {
            match ready!(Pin::new(ready).poll(cx)) {
                Ok(()) => this.ready = None,
                Err(_) => {
                    // The handshake failed: nothing is sent.
                    this.done = true;
                    return Poll::Ready(None);
                }
            }
        }
        let limit = this.limit();
        let budget = limit.min(BATCH_BYTES);
        let peer_uid = this.session.peer().map_or(0, |peer| peer.node.uid);
        loop {
            let Some(first) = ready!(this.next_item(cx)) else {
                this.done = true;
                return Poll::Ready(None);
            };
            let mut frame = Frame::default();
            let mut size = 0;
            let mut item = Some(first);
            while let Some(next) = item.take() {
                match next {
                    Out::End(status) => {
                        if is_empty(&frame) {
                            this.done = true;
                            return Poll::Ready(status.map(Err));
                        }
                        this.carry = Some(Out::End(status));
                        break;
                    }
                    Out::Envelope {
                        envelope,
                        size: len,
                        uid,
                    } => {
                        if uid != 0 && peer_uid != 0 && uid != peer_uid {
                            let wrong = wrong_incarnation(this.session.peer_node(), uid);
                            this.session.reject(envelope, wrong);
                        } else if len > limit {
                            this.session
                                .reject(envelope, RemoteError::frame_too_large(len, limit as u64));
                        } else if size > 0 && size + len > budget {
                            this.carry = Some(Out::Envelope {
                                envelope,
                                size: len,
                                uid,
                            });
                            break;
                        } else {
                            size += len;
                            if frame.envelopes.capacity() == 0 {
                                let queued = this.outbox.len() + 1;
                                frame.envelopes.reserve(queued.min(BATCH_ENVELOPES));
                            }
                            frame.envelopes.push(envelope.into_envelope());
                        }
                    }
                    Out::Reply { reply, size: len } => {
                        let (reply, len) = if len > limit {
                            if reply.more {
                                // The stream ends with the error: its producer stops.
                                this.session.stop_serving(reply.correlation_id);
                            }
                            too_large_reply(reply.correlation_id, len, limit)
                        } else {
                            (reply, len)
                        };
                        if size > 0 && size + len > budget {
                            this.carry = Some(Out::Reply { reply, size: len });
                            break;
                        }
                        size += len;
                        frame.replies.push(reply);
                    }
                    Out::Control { control, size: len } => {
                        if size > 0 && size + len > budget {
                            this.carry = Some(Out::Control { control, size: len });
                            break;
                        }
                        size += len;
                        frame.controls.push(control);
                    }
                }
                item = this.outbox.try_recv().ok();
            }
            if is_empty(&frame) {
                // Everything taken was refused: look for more.
                continue;
            }
            this.session
                .shared
                .counters
                .sent(frame.envelopes.len(), frame.replies.len());
            return Poll::Ready(Some(Ok(frame)));
        }
    }
}

/// Whether a frame carries nothing yet.
fn is_empty(frame: &Frame) -> bool {
    frame.envelopes.is_empty() && frame.replies.is_empty() && frame.controls.is_empty()
}

/// The reply that replaces one too large for the peer's frames (an item's replacement ends
/// its stream: it is the last reply).
fn too_large_reply(correlation_id: u64, len: usize, limit: usize) -> (Reply, usize) {
    let reply = Reply {
        correlation_id,
        more: false,
        outcome: Some(reply::Outcome::Error(ErrorDetail {
            cause: ErrorCause::FrameTooLarge.into(),
            message: format!("the reply of {len} bytes does not fit in a frame of at most {limit}"),
            detail: Some(error_detail::Detail::FrameLimit(
                u32::try_from(limit).unwrap_or(u32::MAX),
            )),
        })),
    };
    let len = field_size(reply.encoded_len());
    (reply, len)
}

impl Drop for Writer {
    fn drop(&mut self) {
        // Whatever is still queued never left: give it back to the link, which fails or
        // dead-letters it with the reason the link ended.
        self.outbox.close();
        let mut left: Vec<Out> = self.carry.take().into_iter().collect();
        while let Ok(item) = self.outbox.try_recv() {
            left.push(item);
        }
        if !left.is_empty() {
            self.session.spill(left);
        }
    }
}

/// An outbound link's writer as the request stream of the `Link` call (a client's stream has
/// no status to end with: it just ends).
pub(crate) struct ClientFrames(pub(crate) Writer);

impl Stream for ClientFrames {
    type Item = Frame;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Frame>> {
        match ready!(Pin::new(&mut self.0).poll_next(cx)) {
            Some(Ok(frame)) => Poll::Ready(Some(frame)),
            Some(Err(_)) | None => Poll::Ready(None),
        }
    }
}
