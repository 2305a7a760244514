//! Remoting (feature `remote`): reaching actors in other processes over gRPC.
//!
//! This module owns rakt's side of the network: today the `rakt.v1` wire protocol
//! ([`proto`]), the messages and the gRPC client and server that nodes speak to each other;
//! the transport (the node's server, connections to peers, remote handles) builds on it. It
//! imports the kernel's public names only, and the kernel never imports it: remote handles will
//! reach actors through the kernel's forwarding seam, the one router pools use, so local sends
//! pay nothing for remoting.
//!
//! The protocol's source of truth is `proto/rakt/v1/*.proto` in the repository, whose comments
//! document every message and field (and appear here as the generated items' docs). The Rust
//! in [`proto::v1`] is generated from it by `cargo xtask codegen` and checked in; CI fails
//! when the two drift apart.

pub mod proto;
