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
//!   once ([`RemoteError::ConnectionLost`], [`RemoteError::NodeLeft`]).
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
//!   panic, and other links are unaffected.
//!
//! The modules, one concept each, each importing only those listed before it (the kernel
//! aside): `proto` (the generated wire types), `error` (typed errors and the cause/status
//! mapping), `address` (the text form of actor addresses), `events` (dead letters, link
//! events, counters), `pending` (the asks one link waits on), `queued` (an envelope as a
//! link's outbox holds it, compact in its common shape), `layer` (user tower layers and
//! interceptors, erased), `config` (settings and their checks), `service` (auth, interceptors,
//! layers, TLS and the tonic plumbing), `inbound` (the [`Inbound`] contract and [`ReplyTo`]),
//! `shared` (what a node's links and calls share: its address and protocol version, settings,
//! `Inbound`, runtime, counters, shutting down), `link` (one stream's outbox, pending asks,
//! reading and end), `writer` (frames and their batching), `peer` (the connection to one
//! peer: connect, handshake, backoff), `server` (the served side of the handshake and the
//! calls, and the links peers opened), `node` (a node's lifetime, its peers, tell and ask),
//! `calls` (lookup, spawn, stop, watch), `proxy` (the remote handle's forward), `remoting`
//! (the system's remoting: start, registered kinds, lookups, and the [`Inbound`] that
//! delivers to local actors).
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
mod server;
mod service;
mod shared;
mod writer;

pub use address::{address_text, node_address_text, parse_address, parse_node};
pub use calls::RemoteWatch;
#[cfg(feature = "remote-gzip")]
pub use config::Compression;
#[cfg(feature = "remote-tls")]
pub use config::TlsConfig;
pub use config::{
    DEFAULT_MAX_FRAME_BYTES, MAX_MAX_FRAME_BYTES, MIN_MAX_FRAME_BYTES, NodeConfig,
    NodeConfigBuilder,
};
pub use error::{NodeConfigError, RemoteError, StartError, cause_code, detail_status};
pub use events::{DeadLetter, Direction, LinkEvent, LinkStats};
pub use inbound::{Found, Inbound, ReplyTo, WatchStart};
pub use layer::{HttpLayer, HttpService};
pub use node::Node;
pub use remoting::Remoting;
pub use shared::PROTOCOL_VERSION;

#[cfg(test)]
mod tests;
