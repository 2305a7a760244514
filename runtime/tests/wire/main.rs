//! The wire codecs that `#[actor(remote)]` generates, against prost: for every shape of
//! argument and reply, the bytes are the ones prost writes for the equivalent
//! `#[derive(prost::Message)]` struct (what prost-build generates for the equivalent `.proto`),
//! bytes prost writes decode to the same values, arbitrary bytes never panic a decoder, and the
//! wire identity is what the naming scheme says.
//!
//! Needs the `wire` feature: `cargo test -p rakt --features wire --test wire`.

mod common;
mod descriptor;
mod hostile;
mod identity;
mod replies;
mod shapes;
