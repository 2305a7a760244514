//! What the example programs and their tests share: the `bank.v1` service (feature `remote`).

#[cfg(feature = "remote")]
pub mod bank;
