//! Property tests of the path every frame from a peer takes: bytes, decoded as a `Frame`, read
//! by a link (envelopes dispatched or refused, replies matched to pending asks), and the link's
//! answers framed by its writer. Whatever the bytes, nothing panics, every ask in a frame that
//! decodes gets exactly one answer, and every frame the writer makes fits the peer's limit.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use futures_util::{FutureExt, StreamExt};
use proptest::prelude::*;
use prost::Message;
use prost::bytes::Bytes;

use super::NodeConfig;
use super::inbound::{Inbound, ReplyTo};
use super::link::{PeerInfo, Session};
use super::proto::v1::{
    ActorAddress, Envelope, ErrorDetail, Frame, Handshake, NodeAddress, Reply, StreamControl,
    error_detail, reply,
};
use super::shared::Shared;
use super::writer::Writer;

const ME_UID: u64 = 42;
const PEER_LIMIT: usize = 2048;

/// Answers every other ask at once and drops the rest unanswered (which answers
/// `ERROR_CAUSE_NO_REPLY`); counts what it saw.
#[derive(Default)]
struct Counting {
    tells: AtomicUsize,
    asks: AtomicUsize,
    kept: Mutex<Vec<ReplyTo>>,
}

impl Inbound for Counting {
    fn envelope(&self, _from: &NodeAddress, envelope: Envelope, reply: Option<ReplyTo>) {
        match reply {
            None => {
                self.tells.fetch_add(1, Ordering::Relaxed);
            }
            Some(reply) => {
                let n = self.asks.fetch_add(1, Ordering::Relaxed);
                match n % 3 {
                    0 => reply.send(envelope.payload),
                    1 => drop(reply),
                    _ => self.kept.lock().unwrap().push(reply),
                }
            }
        }
    }
}

/// A runtime for the detached links' handle (they spawn nothing).
fn runtime() -> tokio::runtime::Handle {
    static RUNTIME: std::sync::LazyLock<tokio::runtime::Runtime> = std::sync::LazyLock::new(|| {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a runtime")
    });
    RUNTIME.handle().clone()
}

fn peer() -> NodeAddress {
    NodeAddress {
        system: "peer".into(),
        host: "127.0.0.1".into(),
        port: 2,
        uid: 7,
    }
}

/// Reads `bytes` as a frame from the peer on a fresh link and checks what comes out.
fn read_bytes(bytes: &[u8]) {
    let Ok(frame) = Frame::decode(bytes) else {
        // Not a frame: tonic ends the stream with a status; nothing reaches the link.
        return;
    };
    let counting = Arc::new(Counting::default());
    let config = NodeConfig::builder("me").build().expect("valid");
    let shared = Shared::detached(config, counting.clone(), ME_UID, runtime());
    let (session, outbox) = Session::new(shared, peer());
    session.set_peer(PeerInfo {
        node: peer(),
        max_frame: PEER_LIMIT,
    });
    // Asks of ours the peer's replies may (by chance) answer.
    let mine: Vec<_> = (0..4)
        .map(|_| session.pending.register().expect("open"))
        .collect();

    let asks = frame
        .envelopes
        .iter()
        .filter(|envelope| envelope.correlation_id != 0)
        .count();
    let tells = frame.envelopes.len() - asks;
    session.receive(frame);
    // Answers kept by the inbound are given now, after the fact.
    for reply in counting.kept.lock().unwrap().drain(..) {
        reply.fail(ErrorDetail::default());
    }

    // Every ask got exactly one answer (delivered, refused, or NO_REPLY), in frames that fit.
    session.end_stream(None);
    let mut writer = Writer::new(session.clone(), outbox, Frame::default(), None);
    let hello = writer.next().now_or_never().flatten();
    assert!(
        matches!(hello, Some(Ok(_))),
        "the handshake frame comes first"
    );
    let mut answers = 0;
    while let Some(next) = writer
        .next()
        .now_or_never()
        .expect("all queued: never pending")
    {
        let frame = next.expect("no status on a link ended with OK");
        assert!(
            frame.encoded_len() <= PEER_LIMIT,
            "a frame over the peer's limit"
        );
        assert!(
            frame.envelopes.is_empty(),
            "the link sent nothing of its own"
        );
        answers += frame.replies.len();
    }
    assert_eq!(answers, asks, "one answer per ask");
    let dispatched = counting.tells.load(Ordering::Relaxed) + counting.asks.load(Ordering::Relaxed);
    assert!(dispatched <= tells + asks);
    // Our own asks are either answered by the peer's replies or still pending.
    drop(mine);
}

fn address() -> impl Strategy<Value = Option<ActorAddress>> {
    let node = prop_oneof![
        Just(None),
        Just(Some(NodeAddress {
            system: "me".into(),
            host: "h".into(),
            port: 1,
            uid: ME_UID
        })),
        (any::<bool>(), any::<u64>()).prop_map(|(same, uid)| Some(NodeAddress {
            system: if same { "me".into() } else { "other".into() },
            host: "h".into(),
            port: 1,
            uid,
        })),
    ];
    prop_oneof![
        1 => Just(None),
        6 => (node, "[a-z/]{0,12}", any::<u64>())
            .prop_map(|(node, path, id)| Some(ActorAddress { node, path, id })),
    ]
}

fn envelope() -> impl Strategy<Value = Envelope> {
    (
        address(),
        "[a-z./]{0,16}",
        proptest::collection::vec(any::<u8>(), 0..600),
        prop_oneof![Just(0u64), 1..5u64, any::<u64>()],
        prop_oneof![Just(0u64), 1..1000u64, any::<u64>()],
        prop_oneof![3 => Just(0u32), 1 => 1..40u32, 1 => any::<u32>()],
    )
        .prop_map(
            |(target, method, payload, correlation_id, timeout_ms, stream_window)| Envelope {
                target,
                method,
                payload: Bytes::from(payload),
                correlation_id,
                timeout_ms,
                stream_window,
                ..Envelope::default()
            },
        )
}

fn reply() -> impl Strategy<Value = Reply> {
    let outcome = prop_oneof![
        Just(None),
        proptest::collection::vec(any::<u8>(), 0..64)
            .prop_map(|bytes| Some(reply::Outcome::Payload(Bytes::from(bytes)))),
        (any::<i32>(), any::<u32>()).prop_map(|(cause, limit)| Some(reply::Outcome::Error(
            ErrorDetail {
                cause,
                message: String::new(),
                detail: Some(error_detail::Detail::FrameLimit(limit)),
            }
        ))),
    ];
    (0..8u64, outcome, any::<bool>()).prop_map(|(correlation_id, outcome, more)| Reply {
        correlation_id,
        outcome,
        more,
    })
}

fn control() -> impl Strategy<Value = StreamControl> {
    (0..8u64, prop_oneof![Just(0u32), any::<u32>()], any::<bool>()).prop_map(
        |(correlation_id, credit, cancel)| StreamControl {
            correlation_id,
            credit,
            cancel,
        },
    )
}

fn frame() -> impl Strategy<Value = Frame> {
    (
        proptest::option::of(Just(Handshake::default())),
        proptest::collection::vec(envelope(), 0..12),
        proptest::collection::vec(reply(), 0..6),
        proptest::collection::vec(control(), 0..4),
    )
        .prop_map(|(handshake, envelopes, replies, controls)| Frame {
            handshake,
            envelopes,
            replies,
            controls,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4096))]

    #[test]
    fn arbitrary_bytes_never_panic_the_read_path(bytes in proptest::collection::vec(any::<u8>(), 0..1024)) {
        read_bytes(&bytes);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn well_formed_frames_and_their_mutations_are_read_safely(
        frame in frame(),
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..4),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
    ) {
        let bytes = frame.encode_to_vec();
        // The frame as sent.
        read_bytes(&bytes);
        // And damaged: some bytes changed, maybe cut short.
        let mut damaged = bytes.clone();
        if !damaged.is_empty() {
            for (at, value) in flips {
                let at = at.index(damaged.len());
                damaged[at] = value;
            }
            if truncate {
                damaged.truncate(cut.index(damaged.len()));
            }
        }
        read_bytes(&damaged);
    }
}

/// Found by a TLS test under load: a connection refused so fast that tonic dropped the link's
/// writer before the asker queued its ask made the ask fail with a made-up "writer is gone"
/// instead of the link's real reason (here, the refused TLS handshake).
#[test]
fn what_is_queued_after_the_writer_is_gone_fails_with_the_links_reason() {
    let letters = Arc::new(Mutex::new(Vec::new()));
    let seen = letters.clone();
    let config = NodeConfig::builder("me")
        .on_dead_letter(move |letter| seen.lock().unwrap().push(letter))
        .build()
        .expect("valid");
    let shared = Shared::detached(config, Arc::new(Counting::default()), ME_UID, runtime());
    let (session, outbox) = Session::new(shared, peer());
    drop(outbox); // tonic dropped the writer; the link's task has not said why yet

    let target = || Envelope {
        target: Some(ActorAddress::default()),
        ..Envelope::default()
    };
    let (_, mut outcome) = session
        .ask(target(), 0, 100)
        .expect("waits for the link's end");
    session
        .tell(target(), 0)
        .expect("taken, as if the writer had held it");
    assert!(outcome.try_recv().is_err(), "nothing is known yet");

    let reason = super::RemoteError::Unreachable {
        node: "peer@127.0.0.1:2".into(),
        reason: "TLS handshake refused".into(),
    };
    session.close(reason.clone());
    assert_eq!(
        outcome.try_recv().expect("failed at once"),
        Err(reason.clone())
    );
    let letters = letters.lock().unwrap();
    assert_eq!(letters.len(), 1);
    assert_eq!(letters[0].reason, reason);
}
