//! Remoting (feature `remote`): reaching actors in other processes over gRPC.
//!
//! This module owns rakt's side of the network: today the `rakt.v1` wire protocol
//! ([`proto`]), the messages and the gRPC client and server that nodes speak to each other;
//! the transport (the node's server, connections to peers, remote handles) builds on it. The
//! kernel never imports this module, and this module does not reach into the kernel's
//! internals: remote handles are to plug into the kernel's forwarding seam, the one router
//! pools use, so that local sends pay nothing for remoting.
//!
//! The protocol's source of truth is `proto/rakt/v1/*.proto` in the repository, whose comments
//! document every message and field (and appear here as the generated items' docs). The Rust
//! in [`proto::v1`] is generated from it by `cargo xtask codegen` and checked in; CI fails
//! when the two drift apart.

pub mod proto;
