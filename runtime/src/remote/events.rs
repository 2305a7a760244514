//! What the transport tells the rest of the node: dead letters ([`DeadLetter`]), links coming
//! and going ([`LinkEvent`]), and traffic counters ([`LinkStats`]).
//!
//! This module owns those types and the node-wide counters; the hooks that receive the events
//! are set on [`NodeConfigBuilder`](super::NodeConfigBuilder).

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use super::error::RemoteError;
use super::proto::v1::{Envelope, NodeAddress};

/// Which way a link or a message goes, seen from this node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// A link this node opened to a peer, or a message this node was sending.
    Outbound,
    /// A link a peer opened to this node, or a message a peer sent.
    Inbound,
}

/// A tell that could not be delivered, and why.
///
/// [`Direction::Outbound`]: this node accepted the tell and then could not send it (the link
/// was lost or never came up, the peer was in its reconnect backoff, the envelope did not fit
/// the peer's frames, the peer's incarnation was not the target's). [`Direction::Inbound`]: a
/// peer sent it and this node's transport refused it before any actor saw it (wrong node, no
/// target). Tells refused at the call ([`Node::tell`](super::Node::tell) returning an error)
/// are the caller's to report and do not come here; nor do asks, whose askers get the error.
#[derive(Debug, Clone, PartialEq)]
pub struct DeadLetter {
    /// The tell.
    pub envelope: Envelope,
    /// The node it was going to (outbound) or came from (inbound).
    pub peer: NodeAddress,
    /// Which way it was going.
    pub direction: Direction,
    /// Why it was not delivered.
    pub reason: RemoteError,
}

/// A link between this node and a peer came up or went down.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum LinkEvent {
    /// The handshake is done: envelopes flow.
    Up {
        /// The peer, with its `uid` (a new `uid` for a known host and port: the peer
        /// restarted).
        peer: NodeAddress,
        /// Who opened the link.
        direction: Direction,
    },
    /// The link ended, or an outbound link never came up. Asks pending on it have failed with
    /// `reason`; an outbound peer reconnects on the next use after its backoff.
    Down {
        /// The peer (its `uid` is 0 when the link never came up).
        peer: NodeAddress,
        /// Who opened the link.
        direction: Direction,
        /// Why: [`RemoteError::NodeLeft`] when the peer ended the link on purpose.
        reason: RemoteError,
    },
}

/// Traffic counters of a node since it started, over all its links (see
/// [`Node::stats`](super::Node::stats)).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LinkStats {
    /// Frames written (handshakes not counted).
    pub frames_sent: u64,
    /// Envelopes written.
    pub envelopes_sent: u64,
    /// Replies written.
    pub replies_sent: u64,
    /// Frames read (handshakes not counted).
    pub frames_received: u64,
    /// Envelopes read.
    pub envelopes_received: u64,
    /// Replies read.
    pub replies_received: u64,
}

/// The node-wide counters behind [`LinkStats`].
#[derive(Debug, Default)]
pub(crate) struct Counters {
    frames_sent: AtomicU64,
    envelopes_sent: AtomicU64,
    replies_sent: AtomicU64,
    frames_received: AtomicU64,
    envelopes_received: AtomicU64,
    replies_received: AtomicU64,
}

impl Counters {
    pub(crate) fn sent(&self, envelopes: usize, replies: usize) {
        self.frames_sent.fetch_add(1, Relaxed);
        self.envelopes_sent.fetch_add(envelopes as u64, Relaxed);
        self.replies_sent.fetch_add(replies as u64, Relaxed);
    }

    pub(crate) fn received(&self, envelopes: usize, replies: usize) {
        self.frames_received.fetch_add(1, Relaxed);
        self.envelopes_received.fetch_add(envelopes as u64, Relaxed);
        self.replies_received.fetch_add(replies as u64, Relaxed);
    }

    pub(crate) fn snapshot(&self) -> LinkStats {
        LinkStats {
            frames_sent: self.frames_sent.load(Relaxed),
            envelopes_sent: self.envelopes_sent.load(Relaxed),
            replies_sent: self.replies_sent.load(Relaxed),
            frames_received: self.frames_received.load(Relaxed),
            envelopes_received: self.envelopes_received.load(Relaxed),
            replies_received: self.replies_received.load(Relaxed),
        }
    }
}
