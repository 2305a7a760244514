//! Remoting (feature `remote`): reaching actors in other processes over gRPC.
//!
//! This module owns rakt's side of the network: the `rakt.v1` wire protocol ([`proto`]), the
//! messages and the gRPC client and server that nodes speak to each other, and the transport
//! that carries opaque payload bytes between nodes over it. The kernel never imports this
//! module: a remote handle is a cell outside the tree whose sealed mailbox hands every send to
//! a remote proxy, through the kernel's forwarding seam (the one router pools use), so local
//! sends pay nothing for remoting; and the system keeps its [`Remoting`] among its extensions,
//! which also stop the node when the system shuts down.
//!
//! # Actors across nodes
//!
//! [`Remoting::start`] gives an actor system a node; [`ActorSystem::register`](crate::ActorSystem::register)
//! makes a kind of `#[actor(remote)]` actor reachable; and
//! [`ActorSystem::lookup_remote`](crate::ActorSystem::lookup_remote) returns an actor of
//! another node (`rakt://<system>@<host>:<port>/user/<name>`, see [`parse_address`]) as the
//! actor's own typed handle, which tells, asks, stops and is watched as a local one is.
//!
//! The protocol's source of truth is `proto/rakt/v1/*.proto` in the repository, whose comments
//! document every message and field (and appear here as the generated items' docs). The Rust
//! in [`proto::v1`] is generated from it by `cargo xtask codegen` and checked in; CI fails
//! when the two drift apart.
//!
//! # The transport
//!
//! A [`Node`] ([`Node::start`] with a [`NodeConfig`] and an [`Inbound`]) serves the
//! `Remoting` service on its listener and reports its [`NodeAddress`](proto::v1::NodeAddress)
//! (with a fresh random `uid` per start). To another node it keeps one HTTP/2 connection,
//! opened on first use, and on it one long-lived `Link` stream that carries its tells and asks
//! ([`Node::tell`], [`Node::ask`]) and the peer's replies; lookups, spawns, stops and watches
//! ([`Node::lookup`], [`Node::spawn`], [`Node::stop`], [`Node::watch`]) are calls on the same
//! connection. What peers send arrives at the node's [`Inbound`]: envelopes in the order they
//! were sent, each ask with its [`ReplyTo`].
//!
//! - **Ordering and delivery**: at most once; the envelopes one node sends to another go out
//!   in the order of the calls, on one stream, so every sender–receiver pair keeps its order.
//! - **Batching**: a link's writer puts everything queued while the previous frame was being
//!   written into the next frames, 32 KiB each at most ([below](#the-writer)).
//! - **Asks**: each waits under a correlation id with its own timeout, which also travels in
//!   the envelope; a reply completes it; when its link ends every ask waiting on it fails at
//!   once ([`RemoteError::ConnectionLost`], [`RemoteError::NodeLeft`]). A streaming ask gets
//!   its items on the same link, within the credit its caller grants ([below](#streams)).
//! - **Failures**: a tell that was queued and could not be sent reaches the dead-letter hook
//!   ([`NodeConfigBuilder::on_dead_letter`]) with its reason; a peer that could not be reached
//!   is left alone for a jittered, exponentially growing backoff, and the next use after it
//!   reconnects. Links coming and going reach [`NodeConfigBuilder::on_link_event`].
//! - **Security**: an auth token (gRPC metadata, checked before any frame is read), TLS and
//!   mutual TLS (feature `remote-tls`), user interceptors and tower layers on both the server
//!   and the client side.
//! - **Hostile input**: a frame that does not decode ends that link with
//!   `INVALID_ARGUMENT`; an envelope for another node, an ask nobody answers, an unknown error
//!   cause: each is a typed error for that call only. Nothing a peer sends makes the node
//!   panic, and other links are unaffected; an [`Inbound`] that panics on an envelope fails
//!   that envelope only (its ask answers `ERROR_CAUSE_HANDLER_FAILED`) and the link reads on.
//!
//! The modules, one concept each, each importing only those listed before it (the kernel
//! aside): `proto` (the generated wire types), `error` (typed errors and the cause/status
//! mapping), `address` (the text form of actor addresses), `events` (dead letters, link
//! events, counters), `pending` (the asks one link waits on), `queued` (an envelope as a
//! link's outbox holds it, compact in its common shape), `layer` (user tower layers and
//! interceptors, erased), `config` (settings and their checks), `door` (the registered kinds
//! as plain gRPC services, with reflection and health, behind the `Actors` seam the system's
//! remoting fills: see [below](#any-grpc-client)), `service` (auth, interceptors,
//! layers, TLS and the tonic plumbing, routing between `Remoting` and the door), `inbound`
//! (the [`Inbound`] contract and [`ReplyTo`]), `shared` (what a node's links and calls share:
//! its address and protocol version, settings, `Inbound`, runtime, counters, shutting down),
//! `served` (the streamed answers a link sends: credit, cancel, deadline, the task that pulls
//! each), `link` (one stream's outbox, pending asks and streams, reading and end), `writer`
//! (frames and their
//! batching), `peer` (the connection to one peer: connect, handshake, backoff), `server` (the
//! served side of the handshake and the calls, and the links peers opened), `node` (a node's
//! lifetime, its peers, tell and ask), `calls` (lookup, spawn, stop, watch), `proxy` (the
//! remote handle's forward), `remoting` (the system's remoting: start, registered kinds,
//! lookups, the [`Inbound`] that delivers to local actors, and the door's `Actors`).
//!
//! # Streams
//!
//! A handler that takes a [`StreamSlot`](crate::StreamSlot) answers a caller on another node
//! with a stream, as it answers a local one: the remote handle's method gives the same
//! [`ReplyStream`](crate::ReplyStream), and the items cross the link one `Reply` each (with
//! `more` set), in the order the handler sent them, then the end.
//!
//! - **Flow control** is by items, end to end. The streaming ask's envelope grants the serving
//!   node as many items as the caller's stream holds ([`STREAM_BUFFER`](crate::STREAM_BUFFER),
//!   as `stream_window`), and the caller's node grants more (`StreamControl.credit`, half a
//!   window at a time) as the caller takes items. The serving node pulls the handler's stream
//!   only while it has credit, so a handler whose caller reads slowly waits in
//!   [`send`](crate::StreamSlot::send) with its own buffer full: it gets at most two windows
//!   ahead of what its caller took, and neither node holds more of it than a window.
//! - **Cancel**: dropping the `ReplyStream` before its end sends `StreamControl.cancel`; the
//!   serving node drops the handler's stream, so the handler's next `send` fails and
//!   [`is_closed`](crate::StreamSlot::is_closed) turns true. Items in flight are dropped.
//! - **Deadline**: none by default; [`AskStream::timeout`](crate::AskStream::timeout) bounds
//!   the whole stream, not its first item. It travels as the envelope's `timeout_ms`: when it
//!   passes, the caller's stream yields [`AskError::Timeout`](crate::AskError::Timeout) and
//!   cancels, and the serving node drops the handler's stream all the same (ending it with
//!   `ERROR_CAUSE_TIMEOUT`) should the cancel not reach it.
//! - **Ends**: a clean end and the handler's error
//!   ([`AskError::Handler`](crate::AskError::Handler)) travel in the last reply; a panic
//!   ([`AskError::Failed`](crate::AskError::Failed)), a stopped actor
//!   ([`AskError::Stopped`](crate::AskError::Stopped)) and the other failures of an ask end
//!   the stream as they would end an ask. When a link ends, every stream on it ends at once on
//!   the caller's side ([`AskError::Remote`](crate::AskError::Remote), as asks fail), and the
//!   serving side drops every stream it was sending on it (their handlers' sends fail).
//! - **Hostile peers**: an item beyond the credit granted, an item that does not decode or has
//!   no payload, an item for a unary ask: each fails that one call
//!   ([`AskError::Remote`](crate::AskError::Remote), from [`RemoteError::MalformedPayload`])
//!   and cancels that stream; the link and its other calls carry on.
//!
//! Another [`Inbound`] answers a streaming ask ([`ReplyTo::stream_window`] non-zero) with
//! [`ReplyTo::stream`], which sends under the same flow control.
//!
//! # Any gRPC client
//!
//! Every kind of remote actor registered with a system that has a node is a plain gRPC service
//! on that node, callable by any gRPC client (grpcurl, Python's `grpcio`, Go, a tonic client): a
//! kind `#[actor(remote = "bank.v1")] impl Account` is the service `bank.v1.Account`, its handler
//! `deposit` the unary method `Deposit`. These calls pass the same auth token, interceptors,
//! layers, TLS and frame limit as the `Remoting` service, on the same port.
//!
//! ```text
//! grpcurl -plaintext -H 'rakt-actor: alice' -d '{"amount": 5}' \
//!     127.0.0.1:4000 bank.v1.Account/Deposit
//! grpcurl -plaintext 127.0.0.1:4000 list                   # reflection
//! grpcurl -plaintext 127.0.0.1:4000 grpc.health.v1.Health/Check
//! ```
//!
//! ## Which actor a call reaches
//!
//! A unary call to `/<SERVICE>/<Method>` (`/bank.v1.Account/Deposit`) of a kind registered with
//! [`ActorSystem::register`](crate::ActorSystem::register) reaches the actor named by the
//! request metadata key `rakt-actor`: an actor's name (`alice`, the actor at `/user/alice`) or
//! its path (`/user/accounts/alice`, a child too). The actor must be of that kind.
//!
//! A kind registered with [`register_default`](crate::ActorSystem::register_default) is
//! *activated* on demand: a call to a name under `/user` that no actor has spawns one there
//! (made with `Default`), then delivers the call to it; concurrent first calls reach the same
//! actor. A kind registered with [`register_spawn`](crate::ActorSystem::register_spawn) needs
//! constructor arguments a gRPC call does not carry, so a missing actor of it is `NOT_FOUND`.
//!
//! ## Statuses
//!
//! | what happened | status |
//! |---|---|
//! | the handler answered | `OK`, the reply (see the shapes below) |
//! | a tell was queued | `OK`, `google.protobuf.Empty` (no bytes) |
//! | no `rakt-actor` metadata | `INVALID_ARGUMENT`, naming the key |
//! | no such service or method here | `UNIMPLEMENTED` |
//! | no actor of that kind there (none, or one that has stopped) | `NOT_FOUND` |
//! | the actor is stopping, or stopped while the call waited; the node is shutting down | `UNAVAILABLE` |
//! | the request bytes are not the method's arguments | `INVALID_ARGUMENT` |
//! | the handler returned a [`Status`](crate::wire::Status) | its code, message and details (`grpc-status-details-bin`) |
//! | the handler returned a typed error | `UNKNOWN`; the details hold one `Any` of the reply message (`<Actor><Method>Reply`) with only its `error` field |
//! | the handler returned an error as text | `UNKNOWN`, the text |
//! | the handler panicked, or dropped its reply | `INTERNAL` |
//! | no reply by the deadline | `DEADLINE_EXCEEDED` |
//! | the mailbox (or the stash) is full | `RESOURCE_EXHAUSTED` |
//! | the actor's current state does not handle the call | `FAILED_PRECONDITION` |
//!
//! The deadline is the client's (`grpc-timeout`), else the system's default ask timeout; it
//! also bounds an activation. (A client that enforces its deadline itself may report its own
//! status first: tonic's is `CANCELLED`.) A call never waits for room in a bounded mailbox.
//!
//! ## Shapes
//!
//! A method's [`GrpcShape`](crate::wire::GrpcShape) says what travels: for an
//! `#[actor(remote)]` handler ([`Messages`](crate::wire::GrpcShape::Messages)) the request is
//! the arguments message (`<Actor><Method>Request`) and the response the reply message without
//! its error; for a handler generated from a `.proto` rpc
//! ([`Unwrapped`](crate::wire::GrpcShape::Unwrapped)) the request and response are the rpc's
//! own messages.
//!
//! ## Server streams
//!
//! A streaming handler (one that takes a [`StreamSlot`](crate::StreamSlot), or a
//! server-streaming rpc of a `.proto` service) is a server-streaming method: each item the
//! handler sends is one response message (shaped as above), and the stream's end is the call's
//! status: `OK` for a clean end, the table above for an error (a [`Status`](crate::wire::Status)
//! the handler failed with, a panic, ...). The client's deadline (`grpc-timeout`) is the whole
//! stream's, which then ends with `DEADLINE_EXCEEDED`; without one a stream lasts as long as
//! the handler sends (the system's ask timeout bounds only finding the actor). The handler sends
//! only as fast as HTTP/2 lets the client read, and a client that goes away (or a deadline that
//! passes) makes the handler's `send` fail.
//!
//! ## Reflection and health
//!
//! On by default ([`NodeConfigBuilder::grpc_reflection`](NodeConfigBuilder::grpc_reflection),
//! [`grpc_health`](NodeConfigBuilder::grpc_health)): `grpc.reflection.v1` and
//! `v1alpha` serve the descriptor set of every registered kind that has one
//! ([`RemoteActor::FILE_DESCRIPTOR_SET`](crate::wire::RemoteActor::FILE_DESCRIPTOR_SET)), the
//! `rakt.v1` protocol's, the health service's, and those given to
//! [`NodeConfigBuilder::descriptor_set`](NodeConfigBuilder::descriptor_set); a set that
//! does not build is logged and left out. `grpc.health.v1.Health` reports `SERVING` for `""`
//! and for each registered service from its registration on, and `NOT_SERVING` for all of
//! them once the node begins to shut down.
//!
//! # The writer
//!
//! The frames of a link are a `Stream` tonic pulls from. Each pull takes what was queued
//! since the last one, in order, into one frame, stopping before the frame would exceed
//! 32 KiB, or the peer's `max_frame_bytes` when that is smaller (the rest waits for the next
//! pull; a single envelope goes alone up to the peer's limit). While HTTP/2 is busy with a
//! frame (flow control, a slow socket) tonic does not pull, senders keep queueing, and the
//! next frames carry all of it: a quiet link sends one envelope per frame with no added
//! latency, a busy one coalesces by itself, with no timer. (Frames larger than 32 KiB would
//! save nothing: tonic writes about that much at a time, and each frame's envelopes are a
//! vector on both sides that must stay small enough for the allocator and the caches.)

mod address;
mod calls;
mod config;
mod door;
mod error;
mod events;
mod inbound;
mod layer;
mod link;
mod node;
mod peer;
mod pending;
pub mod proto;
mod proxy;
mod queued;
mod remoting;
mod served;
mod server;
mod service;
mod shared;
mod writer;

pub use address::{address_text, node_address_text, parse_address, parse_node};
pub use calls::RemoteWatch;
#[cfg(any(feature = "remote-gzip", feature = "remote-zstd"))]
pub use config::Compression;
#[cfg(feature = "remote-tls")]
pub use config::TlsConfig;
pub use config::{
    DEFAULT_MAX_FRAME_BYTES, MAX_MAX_FRAME_BYTES, MIN_MAX_FRAME_BYTES, NodeConfig,
    NodeConfigBuilder,
};
pub use door::{ACTOR_KEY, RawCodec};
pub use error::{NodeConfigError, RemoteError, StartError, cause_code, detail_status};
pub use events::{DeadLetter, Direction, LinkEvent, LinkStats};
pub use inbound::{Found, Inbound, ReplyTo, WatchStart};
pub use layer::{HttpLayer, HttpService};
pub use node::Node;
pub use remoting::Remoting;
pub use shared::PROTOCOL_VERSION;

#[cfg(test)]
mod tests;
