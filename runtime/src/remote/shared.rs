//! What every link and call of a node shares ([`Shared`]): its address and the protocol
//! version it speaks, its settings, its [`Inbound`], the runtime its tasks run on, its
//! counters, and whether it is shutting down.
//!
//! This module owns that state and nothing that acts on it: the node starts and stops it,
//! links, peers, the server and the calls read it. It imports none of them.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::sync::watch;

use super::config::NodeConfig;
use super::events::{Counters, LinkEvent};
use super::inbound::Inbound;
use super::proto::v1::NodeAddress;

/// The protocol version this node speaks (`proto/rakt/v1` describes version 1).
pub const PROTOCOL_VERSION: u32 = 1;

/// What every link and call of a node shares.
pub(crate) struct Shared {
    /// The node's own address, with its `uid`.
    pub(crate) address: NodeAddress,
    pub(crate) config: NodeConfig,
    pub(crate) inbound: Arc<dyn Inbound>,
    /// The runtime the node started on: its tasks run there, whichever thread sends.
    pub(crate) runtime: tokio::runtime::Handle,
    pub(crate) counters: Counters,
    closing: AtomicBool,
    /// Flips to `true` when the node starts shutting down (watch streams end on it).
    pub(crate) shutdown: watch::Sender<bool>,
}

impl fmt::Debug for Shared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Shared")
            .field("address", &self.address)
            .finish_non_exhaustive()
    }
}

impl Shared {
    /// The state of a node at `address`, not shutting down.
    pub(crate) fn new(
        address: NodeAddress,
        config: NodeConfig,
        inbound: Arc<dyn Inbound>,
        runtime: tokio::runtime::Handle,
    ) -> Shared {
        Shared {
            address,
            config,
            inbound,
            runtime,
            counters: Counters::default(),
            closing: AtomicBool::new(false),
            shutdown: watch::channel(false).0,
        }
    }

    /// A node's shared state without a server, for tests of links in isolation.
    #[cfg(test)]
    pub(crate) fn detached(
        config: NodeConfig,
        inbound: Arc<dyn Inbound>,
        uid: u64,
        runtime: tokio::runtime::Handle,
    ) -> Arc<Shared> {
        let address = NodeAddress {
            system: config.system.clone(),
            host: config.advertise_host.clone(),
            port: 1,
            uid,
        };
        Arc::new(Shared::new(address, config, inbound, runtime))
    }

    pub(crate) fn is_closing(&self) -> bool {
        self.closing.load(Ordering::Acquire)
    }

    /// Marks the node as shutting down and tells the watch streams so; `false` when it
    /// already was.
    pub(crate) fn begin_closing(&self) -> bool {
        if self.closing.swap(true, Ordering::AcqRel) {
            return false;
        }
        self.shutdown.send_replace(true);
        true
    }

    pub(crate) fn link_event(&self, event: LinkEvent) {
        if let Some(hook) = &self.config.link_events {
            hook(event);
        }
    }
}
