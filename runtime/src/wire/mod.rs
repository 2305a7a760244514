//! Wire codecs (cargo feature `wire`): what `#[actor(remote)]` generates, as the transport sees
//! it.
//!
//! `#[actor(remote)]` (or `#[actor(remote = "shop.v1")]`, the protobuf package) on an impl block
//! implements [`RemoteActor`] for the actor: each handler's arguments travel as one protobuf
//! message and its reply as another, encoded at compile time with prost's encoding, and each
//! method has a stable wire identity, `<package>.<Actor>/<Method>` (`shop.v1.Shop/Place`),
//! which depends on nothing but the package, the actor's name and the handler's name: not on
//! the module path, the file or the crate's version.
//!
//! ```text
//! message ShopPlaceRequest { Order order = 1; uint32 quantity = 2; }   // the arguments in order
//! message ShopPlaceReply {                                               // see `reply`
//!   uint32 value = 1;
//!   oneof failure { PlaceError error = 2; string error_text = 3; }
//! }
//! ```
//!
//! What the transport calls:
//!
//! - on the node that runs the actor, [`RemoteActor::decode_call`]: a method identity and the
//!   payload bytes in, a [`Call`] out: the message to send to the actor and, for an ask, the
//!   [`EncodedReply`] that resolves to the reply's bytes;
//! - on the node that holds a remote handle, [`RemoteActor::encode_call`]: a message of the
//!   actor in, an [`Outgoing`] out: the method identity, the payload bytes and, for an ask, the
//!   [`ReplySettler`] that answers the caller when the reply's bytes come back;
//! - for reflection and other languages, [`RemoteActor::PROTO`]: the `.proto` text of the
//!   service and its messages, and [`RemoteActor::FILE_DESCRIPTOR_SET`]: the same schema as
//!   protoc would compile it, for gRPC reflection.
//!
//! A streaming handler (one that takes a [`StreamSlot`](crate::StreamSlot)) answers with a
//! stream of its reply message: one per item, holding only `value`, then one that ends the
//! stream (empty, or holding the handler's error); [`Call`] gives the serving transport an
//! [`EncodedStream`] for it, and [`Outgoing`] the caller's transport a [`StreamSettler`]. Its
//! method is [`WireMethod::stream`], a server-streaming rpc in the schema.
//!
//! A handler that fails the way a gRPC service fails returns `Result<T, Status>` ([`Status`]:
//! a [`Code`], a message and typed [`Detail`]s); the status travels as `google.rpc.Status` in
//! its own field of the reply, and a plain gRPC client receives it as the call's status.
//!
//! Decoding never panics on any bytes: what does not decode is a [`WireError`], for that call
//! only. This module owns the codecs and these types; it sends nothing and knows no transport.
//!
//! ```
//! use rakt::prelude::*;
//! use rakt::wire::RemoteActor;
//!
//! /// A prost message: `#[derive(prost::Message)]` needs `prost` as a dependency.
//! #[derive(Clone, PartialEq, prost::Message)]
//! pub struct Order {
//!     #[prost(string, tag = "1")]
//!     pub id: String,
//! }
//!
//! #[actor]
//! #[derive(Default)]
//! pub struct Shop {
//!     orders: Vec<Order>,
//! }
//!
//! #[actor(remote = "shop.v1")]
//! impl Shop {
//!     /// Places an order (field 1) with an optional note (field 3 on the wire); answers how
//!     /// many orders there are.
//!     pub fn place(&mut self, order: Order, #[field(3)] note: Option<String>) -> u64 {
//!         let _ = note;
//!         self.orders.push(order);
//!         self.orders.len() as u64
//!     }
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! assert_eq!(Shop::SERVICE, "shop.v1.Shop");
//! assert_eq!(Shop::METHODS[0].path, "shop.v1.Shop/Place");
//!
//! let system = ActorSystem::builder("shop").build().await?;
//! let shop: ShopRef = system.spawn("shop", Shop::default()).await?;
//!
//! // On the actor's node: the payload of `ShopPlaceRequest { order: Order { id: "a" } }`
//! // becomes the actor's message; the actor answers, and the reply comes back as bytes.
//! let payload = [0x0a, 0x03, 0x0a, 0x01, b'a'];
//! let (msg, reply) = Shop::decode_call("shop.v1.Shop/Place", &payload)?.into_parts();
//! shop.actor_ref().tell(msg).await?;
//! let reply = reply.into_unary().expect("`place` is an ask").await?;
//! assert_eq!(reply, [0x08, 0x01]); // `ShopPlaceReply { value: 1 }`
//!
//! // Bytes that are not the arguments are an error for this call only.
//! assert!(Shop::decode_call("shop.v1.Shop/Place", &[0x0a, 0x09]).is_err());
//! system.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! What travels, and how (`#[actor(remote)]` checks it at compile time, at the argument's
//! type):
//!
//! | Rust | protobuf |
//! |---|---|
//! | `bool`, `u32`, `u64`, `i32`, `i64`, `f32`, `f64` | `bool`, `uint32`, `uint64`, `int32`, `int64`, `float`, `double` (the plain varint types: no `sint`/`fixed` encodings) |
//! | `String` | `string` |
//! | `Vec<u8>`, `bytes::Bytes` | `bytes` |
//! | `Vec<T>` | `repeated T` (packed for scalars and enums) |
//! | `Option<T>` | `optional T` (a message field for a message) |
//! | `HashMap<K, V>`, `BTreeMap<K, V>` | `map<K, V>` (keys: integers, `bool`, `String`) |
//! | a `#[derive(prost::Message)]` type | that message |
//! | a `#[derive(prost::Enumeration)]` type | that enum (an `int32` on the wire) |
//! | `()` as a reply | nothing (`google.protobuf.Empty`) |

mod codec;
mod error;
mod probe;
mod reply;
mod status;
mod stream;

use crate::actor::Actor;

pub use self::error::WireError;
pub use self::reply::{EncodedReply, ReplySettler};
pub use self::status::{Code, Detail, Status};
pub use self::stream::{EncodedStream, StreamPiece, StreamSettler};
pub use crate::stream::StreamFeedback;

/// One method of a remote actor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct WireMethod {
    /// Its wire identity, `shop.v1.Shop/Place`: the gRPC path without its leading `/`.
    pub path: &'static str,
    /// Its name, `Place`: the PascalCase of the handler's name.
    pub name: &'static str,
    /// Whether the caller waits for a reply (an ask) or not (a tell).
    pub ask: bool,
    /// Whether the reply is a stream of reply messages (a handler that takes a `StreamSlot`;
    /// a server-streaming rpc), not one.
    pub stream: bool,
    /// The protobuf name of its arguments message, `shop.v1.ShopPlaceRequest`.
    pub request: &'static str,
    /// The protobuf name of its reply message, `shop.v1.ShopPlaceReply`; `None` for a tell.
    pub reply: Option<&'static str>,
    /// What a plain gRPC client sends and receives for it (see [`GrpcShape`]).
    pub grpc: GrpcShape,
}

/// What a plain gRPC client (not a rakt node) sends and receives when it calls a method of a
/// remote actor through a node's gRPC service. A rakt node always speaks the arguments and
/// reply messages of the [module docs](self); this says how a gRPC request and response map
/// onto them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum GrpcShape {
    /// The request is the arguments message, the response the reply message without its
    /// error (an error becomes the call's status): an `#[actor(remote)]` handler.
    Messages,
    /// The request is the one argument's message (field 1 of the arguments message), the
    /// response the value's message (field 1 of the reply message): a handler generated from
    /// an `rpc` of a `.proto` service, whose request and response are the rpc's own messages.
    Unwrapped,
}

impl WireMethod {
    /// A method. Used by generated code.
    #[doc(hidden)]
    pub const fn new(
        path: &'static str,
        name: &'static str,
        request: &'static str,
        reply: Option<&'static str>,
    ) -> Self {
        WireMethod {
            path,
            name,
            ask: reply.is_some(),
            stream: false,
            request,
            reply,
            grpc: GrpcShape::Messages,
        }
    }

    /// A method generated from an `rpc` of a `.proto` service ([`GrpcShape::Unwrapped`]).
    /// Used by generated code.
    #[doc(hidden)]
    pub const fn unwrapped(
        path: &'static str,
        name: &'static str,
        request: &'static str,
        reply: Option<&'static str>,
    ) -> Self {
        let method = WireMethod::new(path, name, request, reply);
        WireMethod {
            grpc: GrpcShape::Unwrapped,
            ..method
        }
    }
}

impl WireMethod {
    /// The same method, answering with a stream (a handler that takes a `StreamSlot`). Used
    /// by generated code.
    #[doc(hidden)]
    pub const fn streaming(self) -> Self {
        WireMethod {
            stream: true,
            ..self
        }
    }
}

/// An actor whose handlers can be called from another process: implemented by
/// `#[actor(remote)]`, for the transport to call. See the [module docs](self).
pub trait RemoteActor: Actor {
    /// The protobuf package, `shop.v1`; empty when `#[actor(remote)]` gives none.
    const PACKAGE: &'static str;

    /// The actor's wire identity, `shop.v1.Shop` (`<package>.<Actor>`, or `<Actor>` without a
    /// package): the protobuf service name.
    const SERVICE: &'static str;

    /// Its methods, one per handler, in declaration order.
    const METHODS: &'static [WireMethod];

    /// Its wire schema as `.proto` text: the service, one `rpc` per handler, and each
    /// handler's request and reply messages (also in the handle's docs). The prost messages
    /// and enums it uses are named by their Rust names and not defined in it (the macro sees
    /// only their names); an alias is not resolved, a handler's error type that is a path is
    /// listed both typed and as text, and a handler configured out by `#[cfg]` is listed too.
    const PROTO: &'static str;

    /// The message `payload` carries for `method` (a [`WireMethod::path`]), with its reply
    /// slot in place for an ask. A method the actor does not have, or bytes that are not its
    /// arguments, are a [`WireError`].
    fn decode_call(method: &str, payload: &[u8]) -> Result<Call<Self>, WireError>;

    /// The method, the payload and, for an ask, the caller's reply slot of `msg`, for sending
    /// it to the actor on another node.
    fn encode_call(msg: Self::Msg) -> Outgoing;

    /// Its wire schema as an encoded `google.protobuf.FileDescriptorSet`: the file that
    /// defines the service, its methods and their messages, and the files it imports, for a
    /// node to serve through gRPC reflection. Empty when the actor has no descriptor.
    ///
    /// `#[actor(remote)]` builds it at compile time from the same reading as [`PROTO`]
    /// (what protoc makes of that text, without `json_name`, and with only the text's comments as
    /// source info): the actor's file,
    /// `<package as a path>/<actor in snake case>.proto` (`shop/v1/shop.proto`, `shop.proto`
    /// without a package), comes last, after the files it imports, `google/protobuf/empty.proto`
    /// and, for a [`Status`] error, `google/protobuf/any.proto` and `google/rpc/status.proto`
    /// (their messages as protoc's copies define them, without file options). Its limit is
    /// [`PROTO`]'s: a prost message or enum is referenced as `.<package>.<Name>` by its Rust
    /// name and not defined in the set (the macro sees only its name), so the set of an actor
    /// that uses one is complete only together with a file that defines it (a node can add
    /// those descriptors itself); every other reference resolves within the set.
    ///
    /// [`PROTO`]: RemoteActor::PROTO
    const FILE_DESCRIPTOR_SET: &'static [u8] = &[];

    /// The method whose path is `path`, if the actor has it.
    fn method(path: &str) -> Option<&'static WireMethod> {
        Self::METHODS.iter().find(|method| method.path == path)
    }
}

/// A call from the wire, decoded: the message for the actor, and what the caller waits for.
/// Send the message to the actor as it is (its reply slot is inside), then await the reply or
/// pull the stream.
pub struct Call<A: Actor> {
    msg: A::Msg,
    response: Response,
}

/// What the caller of a call from the wire waits for: nothing (a tell), one reply, or a
/// stream of them.
#[derive(Debug)]
pub enum Response {
    /// A tell: nothing comes back.
    Tell,
    /// An ask: the reply resolves once the actor answers.
    Unary(EncodedReply),
    /// A streaming ask: the stream yields each item the handler sends, then its end.
    Stream(EncodedStream),
}

impl Response {
    /// The reply of an ask, or `None` for a tell or a stream.
    pub fn into_unary(self) -> Option<EncodedReply> {
        match self {
            Response::Unary(reply) => Some(reply),
            Response::Tell | Response::Stream(_) => None,
        }
    }

    /// The stream of a streaming ask, or `None` for a tell or an ask.
    pub fn into_stream(self) -> Option<EncodedStream> {
        match self {
            Response::Stream(stream) => Some(stream),
            Response::Tell | Response::Unary(_) => None,
        }
    }
}

impl<A: Actor> Call<A> {
    /// A tell. Used by generated code.
    #[doc(hidden)]
    pub fn tell(msg: A::Msg) -> Self {
        Call {
            msg,
            response: Response::Tell,
        }
    }

    /// An ask. Used by generated code.
    #[doc(hidden)]
    pub fn ask(msg: A::Msg, reply: EncodedReply) -> Self {
        Call {
            msg,
            response: Response::Unary(reply),
        }
    }

    /// A streaming ask. Used by generated code.
    #[doc(hidden)]
    pub fn stream(msg: A::Msg, stream: EncodedStream) -> Self {
        Call {
            msg,
            response: Response::Stream(stream),
        }
    }

    /// Whether the caller waits for a reply or a stream.
    pub fn is_ask(&self) -> bool {
        !matches!(self.response, Response::Tell)
    }

    /// The message, and what the caller waits for.
    pub fn into_parts(self) -> (A::Msg, Response) {
        (self.msg, self.response)
    }
}

impl<A: Actor> std::fmt::Debug for Call<A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Call")
            .field("message", &crate::actor::Message::name(&self.msg))
            .field("ask", &self.is_ask())
            .finish()
    }
}

/// A message of a remote actor, encoded for the wire: its method's path, its arguments as
/// bytes, and for an ask the [`Settler`] holding the caller's reply slot or stream.
#[derive(Debug)]
pub struct Outgoing {
    method: &'static str,
    payload: Vec<u8>,
    settler: Settler,
}

/// The caller's end of a message sent to another node: nothing for a tell, the reply slot of
/// an ask, or the stream of a streaming ask.
#[derive(Debug)]
pub enum Settler {
    /// A tell: nobody waits.
    Tell,
    /// An ask: settled by the one reply.
    Unary(ReplySettler),
    /// A streaming ask: fed each item, then the end.
    Stream(StreamSettler),
}

impl Settler {
    /// The settler of an ask, or `None` for a tell or a stream.
    pub fn into_unary(self) -> Option<ReplySettler> {
        match self {
            Settler::Unary(reply) => Some(reply),
            Settler::Tell | Settler::Stream(_) => None,
        }
    }
}

impl Outgoing {
    /// A tell. Used by generated code.
    #[doc(hidden)]
    pub fn tell(method: &'static str, payload: Vec<u8>) -> Self {
        Outgoing {
            method,
            payload,
            settler: Settler::Tell,
        }
    }

    /// An ask. Used by generated code.
    #[doc(hidden)]
    pub fn ask(method: &'static str, payload: Vec<u8>, reply: ReplySettler) -> Self {
        Outgoing {
            method,
            payload,
            settler: Settler::Unary(reply),
        }
    }

    /// A streaming ask. Used by generated code.
    #[doc(hidden)]
    pub fn stream(method: &'static str, payload: Vec<u8>, stream: StreamSettler) -> Self {
        Outgoing {
            method,
            payload,
            settler: Settler::Stream(stream),
        }
    }

    /// The method's path, `shop.v1.Shop/Place`.
    pub fn method(&self) -> &'static str {
        self.method
    }

    /// The arguments message's bytes.
    pub fn payload(&self) -> &[u8] {
        &self.payload
    }

    /// Whether the caller waits for a reply or a stream.
    pub fn is_ask(&self) -> bool {
        !matches!(self.settler, Settler::Tell)
    }

    /// The method's path, the payload, and the caller's end of what comes back.
    pub fn into_parts(self) -> (&'static str, Vec<u8>, Settler) {
        (self.method, self.payload, self.settler)
    }
}

/// The codec API the generated code calls, through `rakt::__private::wire`. Not a public API.
#[doc(hidden)]
pub mod __private {
    pub use super::codec::{
        BTreeMapCodec, Bool, BytesCodec, Codec, Double, Encodes, EnumCodec, FieldError, Float,
        HashMapCodec, Int32, Int64, MapKey, MessageCodec, Optional, ProstEnum, Repeated, Singular,
        Str, UInt32, UInt64, Unencodable, Unit, VecBytes,
    };
    pub use super::probe::{
        ErrorDebug, ErrorDisplay, ErrorEnum, ErrorExact, ErrorMessage, ErrorName, ErrorProbe,
        Probe, ProbeEnum, ProbeExact, ProbeMessage, ProbeNone,
    };
    pub use super::reply::{
        ErrorCodec, NamedText, NoError, StatusError, TextError, Typed, decode_message, skip,
    };
    pub use super::{
        Call, EncodedReply, EncodedStream, GrpcShape, Outgoing, RemoteActor, ReplySettler,
        StreamSettler, WireError, WireMethod,
    };
    pub use prost;
    pub use prost::encoding::{DecodeContext, WireType};
}
