//! The reply message of an ask, and the two ends that carry it: [`EncodedReply`] on the node
//! that runs the actor, [`ReplySettler`] on the node that asked.
//!
//! A reply is one protobuf message (`<Actor><Method>Reply`):
//!
//! ```text
//! message ShopPlaceReply {
//!   T value = 1;                 // the handler's value; absent for `()`
//!   oneof failure {              // only for a `Result<T, E>` handler or a `ReplySlot<T, E>`
//!     E error = 2;               // the handler's `Err(e)`, when `E` can travel
//!     string error_text = 3;     // its text otherwise
//!     google.rpc.Status status = 4; // the handler's `Err(e)` when `E` is `rakt::wire::Status`
//!   }
//! }
//! ```
//!
//! A reply is an error when field 2, 3 or 4 is present, a value otherwise. A [`Status`] has its
//! own field so that the transport can hand it to a plain gRPC client as the call's status
//! without knowing the handler. Everything else that
//! can end an ask (the actor stopped, the handler panicked, the timeout) is not the handler's
//! answer and is not in the reply: the transport carries it as an [`AskError`].

use std::convert::Infallible;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Buf, BufMut};
use prost::encoding::{self, DecodeContext, WireType};

use super::codec::{Codec, FieldError, Singular, Str};
use super::error::WireError;
use super::status::Status;
use crate::error::AskError;
use crate::reply::ReplySlot;

/// The field of a reply's value.
pub const VALUE_FIELD: u32 = 1;
/// The field of a reply's typed error.
pub const ERROR_FIELD: u32 = 2;
/// The field of a reply's error text.
pub const ERROR_TEXT_FIELD: u32 = 3;
/// The field of a reply's error when it is a [`Status`].
pub const STATUS_FIELD: u32 = 4;

/// How a handler's error travels in its reply: typed in field 2, or as text in field 3.
pub trait ErrorCodec {
    /// The handler's error type (`Infallible` for a handler that cannot fail).
    type Error;

    /// The reply field its typed errors travel in: field 2 (`ERROR_FIELD`), or field 4
    /// (`STATUS_FIELD`) for a [`Status`].
    const FIELD: u32 = ERROR_FIELD;

    /// Writes `error` into the reply (an error reply is not sized first: the cold path
    /// grows its buffer rather than render a text error twice).
    fn encode(&self, error: &Self::Error, buf: &mut impl BufMut);

    /// Reads its [`FIELD`](Self::FIELD) into `error`; a codec whose errors travel as text
    /// skips it.
    fn merge(
        &self,
        wire_type: WireType,
        error: &mut Option<Self::Error>,
        buf: &mut impl Buf,
        ctx: DecodeContext,
    ) -> Result<(), FieldError>;
}

/// An error that travels as itself, in field 2 (always written, even when it is the default).
#[derive(Debug, Clone, Copy, Default)]
pub struct Typed<C>(pub C);

impl<C: Singular> ErrorCodec for Typed<C> {
    type Error = C::Value;

    fn encode(&self, error: &C::Value, buf: &mut impl BufMut) {
        self.0.encode_present(ERROR_FIELD, error, buf);
    }

    fn merge(
        &self,
        wire_type: WireType,
        error: &mut Option<C::Value>,
        buf: &mut impl Buf,
        ctx: DecodeContext,
    ) -> Result<(), FieldError> {
        let slot = error.get_or_insert_with(|| self.0.empty());
        self.0.merge(wire_type, slot, buf, ctx)
    }
}

/// A [`Status`], in field 4.
#[derive(Debug, Clone, Copy, Default)]
pub struct StatusError;

impl ErrorCodec for StatusError {
    type Error = Status;

    const FIELD: u32 = STATUS_FIELD;

    fn encode(&self, error: &Status, buf: &mut impl BufMut) {
        encoding::message::encode(STATUS_FIELD, error, buf);
    }

    fn merge(
        &self,
        wire_type: WireType,
        error: &mut Option<Status>,
        buf: &mut impl Buf,
        ctx: DecodeContext,
    ) -> Result<(), FieldError> {
        let slot = error.get_or_insert_with(Status::default);
        Ok(encoding::message::merge(wire_type, slot, buf, ctx)?)
    }
}

/// Writes `text` as the reply's field 3.
fn encode_text(text: &str, buf: &mut impl BufMut) {
    encoding::encode_key(ERROR_TEXT_FIELD, WireType::LengthDelimited, buf);
    encoding::encode_varint(text.len() as u64, buf);
    buf.put_slice(text.as_bytes());
}

/// An error that cannot travel as itself: its text (`Display`, else `Debug`) in field 3.
pub struct TextError<E> {
    render: fn(&E) -> String,
}

impl<E> TextError<E> {
    /// The codec that renders errors with `render`.
    pub fn new(render: fn(&E) -> String) -> Self {
        TextError { render }
    }
}

impl<E> ErrorCodec for TextError<E> {
    type Error = E;

    fn encode(&self, error: &E, buf: &mut impl BufMut) {
        encode_text(&(self.render)(error), buf);
    }

    fn merge(
        &self,
        wire_type: WireType,
        _: &mut Option<E>,
        buf: &mut impl Buf,
        ctx: DecodeContext,
    ) -> Result<(), FieldError> {
        Ok(encoding::skip_field(wire_type, ERROR_FIELD, buf, ctx)?)
    }
}

/// An error with neither `Display` nor `Debug`: its type's name in field 3.
pub struct NamedText<E> {
    name: &'static str,
    error: PhantomData<fn(&E)>,
}

impl<E> NamedText<E> {
    /// The codec that sends `name` for every error.
    pub fn new(name: &'static str) -> Self {
        NamedText {
            name,
            error: PhantomData,
        }
    }
}

impl<E> ErrorCodec for NamedText<E> {
    type Error = E;

    fn encode(&self, _: &E, buf: &mut impl BufMut) {
        encode_text(self.name, buf);
    }

    fn merge(
        &self,
        wire_type: WireType,
        _: &mut Option<E>,
        buf: &mut impl Buf,
        ctx: DecodeContext,
    ) -> Result<(), FieldError> {
        Ok(encoding::skip_field(wire_type, ERROR_FIELD, buf, ctx)?)
    }
}

/// The error codec of a handler that cannot fail (a plain ask).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoError;

impl ErrorCodec for NoError {
    type Error = Infallible;

    fn encode(&self, error: &Infallible, _: &mut impl BufMut) {
        match *error {}
    }

    fn merge(
        &self,
        wire_type: WireType,
        _: &mut Option<Infallible>,
        buf: &mut impl Buf,
        ctx: DecodeContext,
    ) -> Result<(), FieldError> {
        Ok(encoding::skip_field(wire_type, ERROR_FIELD, buf, ctx)?)
    }
}

/// A decoded reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply<T, E> {
    /// The handler's value.
    Value(T),
    /// The handler's typed error.
    Error(E),
    /// The text of a handler error that cannot travel as itself.
    ErrorText(String),
}

/// The bytes of the reply `outcome`.
pub fn encode_reply<O: Codec, X: ErrorCodec>(
    ok: &O,
    errors: &X,
    outcome: &Result<O::Value, X::Error>,
) -> Vec<u8> {
    let mut buf = Vec::new();
    match outcome {
        Ok(value) => {
            buf.reserve(ok.encoded_len(VALUE_FIELD, value));
            ok.encode(VALUE_FIELD, value, &mut buf);
        }
        // Not sized first: a text error would be rendered twice.
        Err(error) => errors.encode(error, &mut buf),
    }
    buf
}

/// Reads the reply `message` (its protobuf name, for errors) from `payload`.
pub fn decode_reply<O: Codec, X: ErrorCodec>(
    ok: &O,
    errors: &X,
    message: &'static str,
    payload: &[u8],
) -> Result<Reply<O::Value, X::Error>, WireError> {
    let mut value = ok.empty();
    let mut error = None;
    let mut text: Option<String> = None;
    decode_message(message, payload, |tag, wire_type, buf, ctx| match tag {
        VALUE_FIELD => ok.merge(wire_type, &mut value, buf, ctx),
        tag if tag == X::FIELD => errors.merge(wire_type, &mut error, buf, ctx),
        ERROR_TEXT_FIELD => Str.merge(wire_type, text.get_or_insert_default(), buf, ctx),
        _ => skip(tag, wire_type, buf, ctx),
    })?;
    Ok(match (error, text) {
        (Some(error), _) => Reply::Error(error),
        (None, Some(text)) => Reply::ErrorText(text),
        (None, None) => Reply::Value(value),
    })
}

/// Reads the fields of message `message` (its protobuf name, for errors) from `payload`,
/// handing each to `field` with its tag and wire type.
pub fn decode_message<F>(
    message: &'static str,
    mut payload: &[u8],
    mut field: F,
) -> Result<(), WireError>
where
    F: FnMut(u32, WireType, &mut &[u8], DecodeContext) -> Result<(), FieldError>,
{
    let buf = &mut payload;
    let ctx = DecodeContext::default();
    while buf.has_remaining() {
        let (tag, wire_type) =
            encoding::decode_key(buf).map_err(|e| WireError::field(message, e.into()))?;
        field(tag, wire_type, buf, ctx.clone()).map_err(|e| WireError::field(message, e))?;
    }
    Ok(())
}

/// Skips a field no codec reads (one a newer peer added).
pub fn skip(
    tag: u32,
    wire_type: WireType,
    buf: &mut impl Buf,
    ctx: DecodeContext,
) -> Result<(), FieldError> {
    Ok(encoding::skip_field(wire_type, tag, buf, ctx)?)
}

/// An ask failure that is not the handler's error, as the transport carries it.
pub(super) fn plain<E>(error: AskError<E>) -> Result<AskError, E> {
    Ok(match error {
        AskError::Handler(error) => return Err(error),
        AskError::MailboxFull => AskError::MailboxFull,
        AskError::Stopped => AskError::Stopped,
        AskError::Timeout(after) => AskError::Timeout(after),
        AskError::Failed(reason) => AskError::Failed(reason),
        AskError::NoReply => AskError::NoReply,
        AskError::Unhandled { state } => AskError::Unhandled { state },
        AskError::StashFull { capacity } => AskError::StashFull { capacity },
        AskError::Remote(why) => AskError::Remote(why),
    })
}

/// An ask failure from the transport, for a caller whose handler errors are `E`.
pub(super) fn widen<E>(error: AskError) -> AskError<E> {
    match error {
        AskError::Handler(never) => match never {},
        AskError::MailboxFull => AskError::MailboxFull,
        AskError::Stopped => AskError::Stopped,
        AskError::Timeout(after) => AskError::Timeout(after),
        AskError::Failed(reason) => AskError::Failed(reason),
        AskError::NoReply => AskError::NoReply,
        AskError::Unhandled { state } => AskError::Unhandled { state },
        AskError::StashFull { capacity } => AskError::StashFull { capacity },
        AskError::Remote(why) => AskError::Remote(why),
    }
}

type ReplyFuture = Pin<Box<dyn Future<Output = Result<Vec<u8>, AskError>> + Send>>;

/// The reply of a call from the wire, on the node that runs the actor: resolves to the reply
/// message's bytes once the handler answers (its value or its error), or to the [`AskError`]
/// that ended the ask otherwise (the actor stopped, the handler panicked, the slot was dropped),
/// for the transport to send back as such.
#[must_use = "the caller waits for the reply"]
pub struct EncodedReply {
    inner: ReplyFuture,
}

impl EncodedReply {
    /// A reply slot for the message built from the call, and the reply that encodes what it
    /// receives with `ok` and `errors`. Used by generated code.
    pub fn channel<O, X>(ok: O, errors: X) -> (ReplySlot<O::Value, X::Error>, EncodedReply)
    where
        O: Codec + Send + 'static,
        X: ErrorCodec + Send + 'static,
        O::Value: Send + 'static,
        X::Error: Send + 'static,
    {
        let (slot, rx) = ReplySlot::channel();
        let inner = Box::pin(async move {
            let outcome = match rx.await {
                Ok(Ok(value)) => Ok(value),
                Ok(Err(error)) => match plain(error) {
                    Ok(failure) => return Err(failure),
                    Err(error) => Err(error),
                },
                // The slot went without an answer.
                Err(_) => return Err(AskError::NoReply),
            };
            Ok(encode_reply(&ok, &errors, &outcome))
        });
        (slot, EncodedReply { inner })
    }
}

impl Future for EncodedReply {
    type Output = Result<Vec<u8>, AskError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.inner.as_mut().poll(cx)
    }
}

impl std::fmt::Debug for EncodedReply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EncodedReply").finish_non_exhaustive()
    }
}

type Settle = Box<dyn for<'a> FnOnce(Result<&'a [u8], AskError>) -> Result<(), WireError> + Send>;

/// The caller's end of an ask sent to another node: holds the caller's reply slot until the
/// reply comes back. [`settle`](Self::settle) answers the caller from the reply's bytes,
/// [`fail`](Self::fail) with what ended the ask otherwise. Dropping it answers
/// [`AskError::NoReply`].
///
/// A handler error that travels as itself reaches the caller as [`AskError::Handler`]; one that
/// travels as text (its type cannot travel) as [`AskError::Failed`] with that text.
#[must_use = "the caller waits until the reply settles"]
pub struct ReplySettler {
    settle: Settle,
}

impl ReplySettler {
    /// Holds `slot` until the reply (message `message`, read with `ok` and `errors`) comes back.
    /// Used by generated code.
    pub fn new<O, X>(
        slot: ReplySlot<O::Value, X::Error>,
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
        let settle = Box::new(move |reply: Result<&[u8], AskError>| {
            let payload = match reply {
                Ok(payload) => payload,
                Err(error) => {
                    slot.deliver(Err(widen(error)));
                    return Ok(());
                }
            };
            match decode_reply(&ok, &errors, message, payload) {
                Ok(Reply::Value(value)) => slot.deliver(Ok(value)),
                Ok(Reply::Error(error)) => slot.deliver(Err(AskError::Handler(error))),
                Ok(Reply::ErrorText(text)) => slot.deliver(Err(AskError::Failed(text))),
                Err(error) => {
                    slot.deliver(Err(AskError::Failed(error.to_string())));
                    return Err(error);
                }
            };
            Ok(())
        });
        ReplySettler { settle }
    }

    /// Answers the caller from the reply's bytes. Bytes that are not the reply fail the ask
    /// with [`AskError::Failed`] (saying why) and return the error.
    pub fn settle(self, payload: &[u8]) -> Result<(), WireError> {
        (self.settle)(Ok(payload))
    }

    /// Answers the caller with what ended the ask, when no reply came: the actor stopped, the
    /// handler failed, the ask timed out, the node was unreachable.
    pub fn fail(self, error: AskError) {
        // An error settles without decoding anything.
        let _ = (self.settle)(Err(error));
    }
}

impl std::fmt::Debug for ReplySettler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReplySettler").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::wire::codec::Unit;

    static RENDERED: AtomicUsize = AtomicUsize::new(0);

    fn render(error: &u32) -> String {
        RENDERED.fetch_add(1, Ordering::Relaxed);
        format!("error {error}")
    }

    /// An error that travels as text is rendered once per reply (its `Display` may be costly,
    /// or not even give the same text twice).
    #[test]
    fn a_text_error_is_rendered_once() {
        let bytes = encode_reply(&Unit, &TextError::new(render), &Err(7));
        assert_eq!(RENDERED.load(Ordering::Relaxed), 1);
        assert_eq!(
            decode_reply(&Unit, &TextError::new(render), "test.Reply", &bytes),
            Ok(Reply::ErrorText("error 7".to_owned()))
        );
    }
}
