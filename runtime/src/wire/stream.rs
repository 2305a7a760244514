//! The streamed reply of a streaming handler (`StreamSlot`), as a transport carries it:
//! [`EncodedStream`] on the node that runs the actor, [`StreamSettler`] on the node that asked.
//!
//! A streamed reply travels as a sequence of the method's reply message
//! (`<Actor><Method>Reply`, see [`reply`](super::reply)): one per item, holding only its
//! `value`, then one that ends the stream, empty for a clean end or holding the handler's
//! error in its `failure` fields. What ends a stream otherwise (the actor stopped, the handler
//! panicked) is not a reply message: the transport carries it as an [`AskError`], as it does
//! for a unary ask.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures_util::Stream;

use super::codec::Codec;
use super::error::WireError;
use super::reply::{ErrorCodec, Reply, decode_reply, encode_reply, plain, widen};
use crate::error::AskError;
use crate::stream::{self, ReplyStream, STREAM_BUFFER, StreamFeedback, StreamSlot, TryStreamError};

/// One step of an [`EncodedStream`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamPiece {
    /// An item: the reply message holding only its `value`.
    Item(Vec<u8>),
    /// The end: the reply message that ends the stream, empty for a clean end, or holding the
    /// handler's error. Nothing follows.
    End(Vec<u8>),
    /// The stream ended without the handler's answer: the actor stopped before handling the
    /// request, the handler panicked, its state does not handle the request. Nothing follows.
    Failed(AskError),
}

type Pieces = Pin<Box<dyn Stream<Item = StreamPiece> + Send>>;

/// The streamed reply of a call from the wire, on the node that runs the actor: each item the
/// handler sends, encoded, then its end; `None` after the end. Pull it only as fast as the
/// caller reads: the handler's [`StreamSlot::send`] waits while [`window`](Self::window) items
/// wait here. Dropping it tells the handler that nobody reads any more.
#[must_use = "dropping an encoded stream cancels it"]
pub struct EncodedStream {
    pieces: Pieces,
    window: u32,
}

impl EncodedStream {
    /// A stream slot for the message built from the call, and the stream that encodes what
    /// the handler sends with `ok` and `errors`. Used by generated code.
    pub fn channel<O, X>(ok: O, errors: X) -> (StreamSlot<O::Value, X::Error>, EncodedStream)
    where
        O: Codec + Send + 'static,
        X: ErrorCodec + Send + 'static,
        O::Value: Send + 'static,
        X::Error: Send + 'static,
    {
        let (slot, items) = stream::channel(STREAM_BUFFER);
        let encoder = Encoder {
            items: Some(items),
            ok,
            errors,
        };
        let stream = EncodedStream {
            pieces: Box::pin(encoder),
            window: STREAM_BUFFER as u32,
        };
        (slot, stream)
    }

    /// How many items the handler may send ahead of this stream being pulled.
    pub fn window(&self) -> u32 {
        self.window
    }
}

impl Stream for EncodedStream {
    type Item = StreamPiece;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<StreamPiece>> {
        self.pieces.as_mut().poll_next(cx)
    }
}

impl std::fmt::Debug for EncodedStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EncodedStream")
            .field("window", &self.window)
            .finish_non_exhaustive()
    }
}

/// Encodes the items of a handler's stream; `items` is `None` once the end went out.
struct Encoder<O: Codec, X: ErrorCodec> {
    items: Option<ReplyStream<O::Value, X::Error>>,
    ok: O,
    errors: X,
}

// Nothing is pinned in place: the reply stream is `Unpin`, and the codecs are only borrowed.
impl<O: Codec, X: ErrorCodec> Unpin for Encoder<O, X> {}

impl<O: Codec, X: ErrorCodec> Stream for Encoder<O, X> {
    type Item = StreamPiece;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<StreamPiece>> {
        let this = self.get_mut();
        let Some(items) = &mut this.items else {
            return Poll::Ready(None);
        };
        let piece = match futures_util::ready!(Pin::new(items).poll_next(cx)) {
            Some(Ok(item)) => {
                return Poll::Ready(Some(StreamPiece::Item(encode_reply(
                    &this.ok,
                    &this.errors,
                    &Ok(item),
                ))));
            }
            Some(Err(error)) => match plain(error) {
                Ok(failure) => StreamPiece::Failed(failure),
                Err(error) => StreamPiece::End(encode_reply(&this.ok, &this.errors, &Err(error))),
            },
            None => StreamPiece::End(Vec::new()),
        };
        this.items = None;
        Poll::Ready(Some(piece))
    }
}

type Items = Box<dyn SettleItems>;

/// The caller's end of a streamed reply from another node: holds the caller's stream slot
/// until the stream's end comes back. A transport hands it each item's bytes with
/// [`item`](Self::item), then the end with [`end`](Self::end); dropping it ends the caller's
/// stream cleanly if nothing ended it before, so a transport ends it explicitly.
#[must_use = "the caller reads the stream until it is settled"]
pub struct StreamSettler {
    items: Items,
}

/// The typed half of a [`StreamSettler`].
trait SettleItems: Send {
    fn item(&mut self, payload: &[u8]) -> Result<(), WireError>;
    fn end(self: Box<Self>, reply: Result<&[u8], AskError>) -> Result<(), WireError>;
    fn window(&self) -> u32;
    fn set_feedback(&mut self, feedback: Arc<dyn StreamFeedback>);
    fn is_closed(&self) -> bool;
}

struct Settle<O: Codec, X: ErrorCodec> {
    slot: StreamSlot<O::Value, X::Error>,
    ok: O,
    errors: X,
    message: &'static str,
}

impl<O, X> SettleItems for Settle<O, X>
where
    O: Codec + Send,
    X: ErrorCodec + Send,
    O::Value: Send,
    X::Error: Send,
{
    fn item(&mut self, payload: &[u8]) -> Result<(), WireError> {
        match decode_reply(&self.ok, &self.errors, self.message, payload)? {
            Reply::Value(value) => match self.slot.try_send(value) {
                // A caller that no longer reads has told its node, which cancels the stream;
                // items already in flight are dropped.
                Ok(()) | Err(TryStreamError::Closed(_)) => Ok(()),
                Err(TryStreamError::Full(_)) => Err(WireError::Overrun {
                    message: self.message,
                }),
            },
            Reply::Error(_) | Reply::ErrorText(_) => Err(WireError::ErrorItem {
                message: self.message,
            }),
        }
    }

    fn end(self: Box<Self>, reply: Result<&[u8], AskError>) -> Result<(), WireError> {
        let payload = match reply {
            Ok(payload) => payload,
            Err(error) => {
                self.slot.finish(Err(widen(error)));
                return Ok(());
            }
        };
        match decode_reply(&self.ok, &self.errors, self.message, payload) {
            // The end carries no value; one that does is read as a clean end all the same.
            Ok(Reply::Value(_)) => self.slot.finish(Ok(())),
            Ok(Reply::Error(error)) => self.slot.finish(Err(AskError::Handler(error))),
            Ok(Reply::ErrorText(text)) => self.slot.finish(Err(AskError::Failed(text))),
            Err(error) => {
                self.slot.finish(Err(AskError::Failed(error.to_string())));
                return Err(error);
            }
        };
        Ok(())
    }

    fn window(&self) -> u32 {
        u32::try_from(self.slot.capacity()).unwrap_or(u32::MAX)
    }

    fn set_feedback(&mut self, feedback: Arc<dyn StreamFeedback>) {
        self.slot.set_feedback(feedback);
    }

    fn is_closed(&self) -> bool {
        self.slot.is_closed()
    }
}

impl StreamSettler {
    /// Holds `slot` until the stream (of reply message `message`, read with `ok` and `errors`)
    /// ends. Used by generated code.
    pub fn new<O, X>(
        slot: StreamSlot<O::Value, X::Error>,
        ok: O,
        errors: X,
        message: &'static str,
    ) -> Self
    where
        O: Codec + Send + 'static,
        X: ErrorCodec + Send + 'static,
        O::Value: Send + 'static,
        X::Error: Send + 'static,
    {
        StreamSettler {
            items: Box::new(Settle {
                slot,
                ok,
                errors,
                message,
            }),
        }
    }

    /// How many items the caller's stream holds: the credit a transport grants the serving
    /// node up front, and renews as [`StreamFeedback::consumed`] reports.
    pub fn window(&self) -> u32 {
        self.items.window()
    }

    /// Hands the caller one item from its bytes, without waiting. Bytes that are not an item,
    /// an item that carries an error, or an item beyond the window (the caller's stream is
    /// full) are an error, which the transport answers by ending the stream with
    /// [`end`](Self::end). An item for a caller that no longer reads is dropped.
    pub fn item(&mut self, payload: &[u8]) -> Result<(), WireError> {
        self.items.item(payload)
    }

    /// Ends the caller's stream: with the end message's bytes (a clean end, or the handler's
    /// error), or with what ended it otherwise. Bytes that are not the end message end the
    /// stream with [`AskError::Failed`] (saying why) and return the error.
    pub fn end(self, reply: Result<&[u8], AskError>) -> Result<(), WireError> {
        self.items.end(reply)
    }

    /// Has `feedback` hear how the caller reads its stream: items taken (credit to renew) and
    /// the stream dropped (a cancel to send).
    pub fn set_feedback(&mut self, feedback: Arc<dyn StreamFeedback>) {
        self.items.set_feedback(feedback);
    }

    /// Whether the caller no longer reads its stream.
    pub fn is_closed(&self) -> bool {
        self.items.is_closed()
    }
}

impl std::fmt::Debug for StreamSettler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StreamSettler")
            .field("window", &self.window())
            .field("closed", &self.is_closed())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use futures_util::StreamExt;

    use super::*;
    use crate::wire::codec::{Str, UInt64};
    use crate::wire::reply::Typed;

    /// Carries every piece of `served` to `settler`, as a transport would.
    async fn carry(mut served: EncodedStream, mut settler: StreamSettler) {
        while let Some(piece) = served.next().await {
            match piece {
                StreamPiece::Item(bytes) => settler.item(&bytes).unwrap(),
                StreamPiece::End(bytes) => return settler.end(Ok(&bytes)).unwrap(),
                StreamPiece::Failed(error) => return settler.end(Err(error)).unwrap(),
            }
        }
        panic!("a stream ends with an end piece");
    }

    #[tokio::test]
    async fn items_and_a_typed_error_cross_the_wire() {
        let (mut producer, served) = EncodedStream::channel(UInt64, Typed(Str));
        let (caller, mut stream) = stream::channel::<u64, String>(STREAM_BUFFER);
        let settler = StreamSettler::new(caller, UInt64, Typed(Str), "test.Reply");
        producer.send(1).await.unwrap();
        producer.send(0).await.unwrap(); // the default value is an item too
        producer.fail("late".to_owned());
        carry(served, settler).await;
        let mut seen = Vec::new();
        while let Some(item) = stream.next().await {
            seen.push(item);
        }
        assert_eq!(seen, [Ok(1), Ok(0), Err(AskError::Handler("late".into()))]);
    }

    #[tokio::test]
    async fn a_clean_end_and_a_failure_cross_the_wire() {
        let (mut producer, served) = EncodedStream::channel(UInt64, Typed(Str));
        let (caller, mut stream) = stream::channel::<u64, String>(STREAM_BUFFER);
        producer.send(3).await.unwrap();
        drop(producer);
        carry(
            served,
            StreamSettler::new(caller, UInt64, Typed(Str), "test.Reply"),
        )
        .await;
        assert_eq!(stream.next().await, Some(Ok(3)));
        assert_eq!(stream.next().await, None);

        let (producer, served) = EncodedStream::channel(UInt64, Typed(Str));
        let (caller, mut stream) = stream::channel::<u64, String>(STREAM_BUFFER);
        crate::stream::reject_stream(producer, crate::reply::Rejection::Stopped);
        carry(
            served,
            StreamSettler::new(caller, UInt64, Typed(Str), "test.Reply"),
        )
        .await;
        assert_eq!(stream.next().await, Some(Err(AskError::Stopped)));
    }

    #[test]
    fn an_item_beyond_the_window_or_carrying_an_error_is_refused() {
        let (caller, _stream) = stream::channel::<u64, String>(1);
        let mut settler = StreamSettler::new(caller, UInt64, Typed(Str), "test.Reply");
        assert_eq!(settler.window(), 1);
        let item = encode_reply(&UInt64, &Typed(Str), &Ok(5));
        settler.item(&item).unwrap();
        assert_eq!(
            settler.item(&item),
            Err(WireError::Overrun {
                message: "test.Reply"
            })
        );
        let error = encode_reply(&UInt64, &Typed(Str), &Err("no".to_owned()));
        assert_eq!(
            settler.item(&error),
            Err(WireError::ErrorItem {
                message: "test.Reply"
            })
        );
    }
}
