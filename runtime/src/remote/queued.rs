//! An envelope as a link's outbox holds it ([`Queued`]): in a few words when it has the common
//! shape, whole otherwise.
//!
//! Between the caller that queues it and the frame that carries it, an envelope is moved
//! several times (into the outbox's block, out of it, into the frame). A whole [`Envelope`] is
//! about 300 bytes, most of them fields a tell or an ask leaves empty (a sender, trace
//! context, the target's node); moving those cost a fifth of a remote tell. The common shape,
//! a target on the peer, a method and a payload (an ask adds its id and timeout), travels as
//! [`Plain`], a third of that size, and becomes an `Envelope` only in the frame.
//!
//! This module owns that shape and its encoded size (which must equal prost's: frame limits
//! are checked against it). It imports only the wire types.

use prost::Message;
use prost::bytes::Bytes;
use prost::encoding::{encoded_len_varint, key_len};

use super::proto::v1::{ActorAddress, Envelope};

/// An envelope waiting in a link's outbox.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Queued {
    /// The common shape.
    Plain(Plain),
    /// Anything else (a sender, trace context, a target with its node or none), as it was
    /// given.
    Full(Box<Envelope>),
}

/// An envelope with a target on the peer (no node), a method and a payload; for an ask, its
/// correlation id and timeout. No sender, no trace context, no stream window.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Plain {
    /// The target's path on the peer.
    pub(crate) path: String,
    /// The target's incarnation (0: whichever lives at the path).
    pub(crate) id: u64,
    pub(crate) method: String,
    pub(crate) payload: Bytes,
    pub(crate) correlation_id: u64,
    pub(crate) timeout_ms: u64,
}

impl Queued {
    /// The envelope, whole.
    pub(crate) fn into_envelope(self) -> Envelope {
        match self {
            Queued::Plain(plain) => Envelope {
                target: Some(ActorAddress {
                    node: None,
                    path: plain.path,
                    id: plain.id,
                }),
                method: plain.method,
                payload: plain.payload,
                correlation_id: plain.correlation_id,
                timeout_ms: plain.timeout_ms,
                ..Envelope::default()
            },
            Queued::Full(envelope) => *envelope,
        }
    }

    /// Its correlation id: 0 for a tell.
    pub(crate) fn correlation_id(&self) -> u64 {
        match self {
            Queued::Plain(plain) => plain.correlation_id,
            Queued::Full(envelope) => envelope.correlation_id,
        }
    }

    /// Makes it a tell (`correlation_id` 0, no timeout) or an ask.
    pub(crate) fn set_call(&mut self, correlation_id: u64, timeout_ms: u64) {
        let (id, timeout) = match self {
            Queued::Plain(plain) => (&mut plain.correlation_id, &mut plain.timeout_ms),
            Queued::Full(envelope) => (&mut envelope.correlation_id, &mut envelope.timeout_ms),
        };
        *id = correlation_id;
        *timeout = timeout_ms;
    }

    /// Makes it a streaming ask granting `window` items of credit: a whole envelope (a
    /// stream's start is rare enough to box; the common shape stays small).
    pub(crate) fn into_stream(self, window: u32) -> Queued {
        let mut envelope = self.into_envelope();
        envelope.stream_window = window;
        Queued::Full(Box::new(envelope))
    }

    /// Its size encoded, as prost counts it.
    pub(crate) fn encoded_len(&self) -> usize {
        match self {
            Queued::Plain(plain) => plain.encoded_len(),
            Queued::Full(envelope) => envelope.encoded_len(),
        }
    }
}

impl From<Envelope> for Queued {
    /// Plain when the envelope has that shape (its strings move, nothing is copied), else
    /// whole.
    fn from(envelope: Envelope) -> Queued {
        match envelope {
            Envelope {
                target:
                    Some(ActorAddress {
                        node: None,
                        path,
                        id,
                    }),
                method,
                payload,
                sender: None,
                correlation_id,
                timeout_ms,
                trace: None,
                stream_window: 0,
            } => Queued::Plain(Plain {
                path,
                id,
                method,
                payload,
                correlation_id,
                timeout_ms,
            }),
            envelope => Queued::Full(Box::new(envelope)),
        }
    }
}

impl From<Plain> for Queued {
    fn from(plain: Plain) -> Queued {
        Queued::Plain(plain)
    }
}

impl Plain {
    /// What prost's `Envelope::encoded_len` gives for the same envelope: a proto3 field at its
    /// default takes no bytes; the target, a message that is set, always takes its key and
    /// length.
    fn encoded_len(&self) -> usize {
        let target = string_len(2, &self.path) + u64_len(3, self.id);
        key_len(1)
            + encoded_len_varint(target as u64)
            + target
            + string_len(2, &self.method)
            + bytes_len(3, &self.payload)
            + u64_len(5, self.correlation_id)
            + u64_len(6, self.timeout_ms)
    }
}

fn string_len(tag: u32, value: &str) -> usize {
    bytes_len(tag, value.as_bytes())
}

fn bytes_len(tag: u32, value: &[u8]) -> usize {
    if value.is_empty() {
        0
    } else {
        key_len(tag) + encoded_len_varint(value.len() as u64) + value.len()
    }
}

fn u64_len(tag: u32, value: u64) -> usize {
    if value == 0 {
        0
    } else {
        key_len(tag) + encoded_len_varint(value)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::super::proto::v1::{NodeAddress, TraceContext};
    use super::*;

    fn plain() -> impl Strategy<Value = Plain> {
        (
            ".{0,200}",
            prop_oneof![Just(0u64), any::<u64>()],
            ".{0,40}",
            prop::collection::vec(any::<u8>(), 0..300),
            prop_oneof![Just(0u64), any::<u64>()],
            prop_oneof![Just(0u64), any::<u64>()],
        )
            .prop_map(
                |(path, id, method, payload, correlation_id, timeout_ms)| Plain {
                    path,
                    id,
                    method,
                    payload: payload.into(),
                    correlation_id,
                    timeout_ms,
                },
            )
    }

    proptest! {
        /// The size a plain envelope counts is the size prost encodes, and it round-trips
        /// through the whole envelope.
        #[test]
        fn a_plain_envelope_counts_what_prost_encodes(plain in plain()) {
            let queued = Queued::Plain(plain);
            let envelope = queued.clone().into_envelope();
            prop_assert_eq!(queued.encoded_len(), envelope.encoded_len());
            prop_assert_eq!(queued.encoded_len(), envelope.encode_to_vec().len());
            prop_assert_eq!(Queued::from(envelope), queued);
        }
    }

    #[test]
    fn an_envelope_with_more_than_the_plain_shape_stays_whole() {
        let plain = Queued::Plain(Plain {
            path: "/user/a".into(),
            id: 1,
            method: "m".into(),
            payload: Bytes::from_static(b"p"),
            correlation_id: 0,
            timeout_ms: 0,
        })
        .into_envelope();
        let node = NodeAddress {
            system: "s".into(),
            ..NodeAddress::default()
        };
        let mut with_node = plain.clone();
        with_node.target.as_mut().unwrap().node = Some(node);
        let with_sender = Envelope {
            sender: Some(ActorAddress::default()),
            ..plain.clone()
        };
        let with_trace = Envelope {
            trace: Some(TraceContext::default()),
            ..plain.clone()
        };
        let no_target = Envelope {
            target: None,
            ..plain.clone()
        };
        let streaming = Envelope {
            stream_window: 32,
            ..plain.clone()
        };
        for envelope in [with_node, with_sender, with_trace, no_target, streaming] {
            let queued = Queued::from(envelope.clone());
            assert!(matches!(queued, Queued::Full(_)), "{envelope:?}");
            assert_eq!(queued.encoded_len(), envelope.encoded_len());
            assert_eq!(queued.into_envelope(), envelope);
        }
    }
}
