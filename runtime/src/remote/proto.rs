//! The `rakt.v1` wire protocol: the messages nodes exchange and the `Remoting` gRPC service.
//!
//! [`v1`] is generated from `proto/rakt/v1/*.proto` by `cargo xtask codegen` (prost for the
//! messages, tonic for [`v1::remoting_client::RemotingClient`] and
//! [`v1::remoting_server::RemotingServer`]); nobody edits it by hand. The proto comments are
//! its docs: [`v1::Envelope`] for a message to an actor, [`v1::Reply`] and
//! [`v1::ErrorDetail`] for the answer to an ask, [`v1::ActorAddress`] for
//! `rakt://<system>@<host>:<port>/user/...`, and [`v1::remoting_server::Remoting`] for the
//! service a node serves.
//!
//! ```
//! use prost::Message;
//! use rakt::remote::proto::v1::{ActorAddress, Envelope};
//!
//! let tell = Envelope {
//!     target: Some(ActorAddress { path: "/user/counter".into(), ..Default::default() }),
//!     method: "demo.v1.Counter/add".into(),
//!     payload: vec![0x08, 0x05].into(), // `by: 5`, as `demo.v1.Counter/add` encodes it
//!     ..Default::default()
//! };
//! let bytes = tell.encode_to_vec();
//! assert_eq!(Envelope::decode(bytes.as_slice())?, tell);
//! # Ok::<(), prost::DecodeError>(())
//! ```

/// The `rakt.v1` package: messages, enums, and the `Remoting` client and server.
pub mod v1 {
    include!("proto/rakt.v1.rs");
}

/// The `rakt.v1` package as an encoded `google.protobuf.FileDescriptorSet` (all its files,
/// with their comments), for gRPC reflection and for tools that decode frames without the
/// Rust types.
pub const FILE_DESCRIPTOR_SET: &[u8] = include_bytes!("proto/rakt.v1.bin");
