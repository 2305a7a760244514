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
use super::RemoteError;
use super::inbound::{Inbound, ReplyTo};
use super::link::{Out, PeerInfo, Session};
use super::pending::{Outcome, StreamSink};
use super::proto::v1::{
    ActorAddress, Envelope, ErrorDetail, Frame, Handshake, NodeAddress, Reply, StreamControl,
    error_detail, reply,
};
use super::shared::Shared;
use super::writer::Writer;
use crate::stream::StreamFeedback;
use crate::wire::StreamPiece;

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
    // Asks of ours the peer's replies may (by chance) answer, and a stream of ours (id 5)
    // granting 2 items.
    let mine: Vec<_> = (0..4)
        .map(|_| session.pending.register().expect("open"))
        .collect();
    let stream = Arc::new(Mutex::new(Heard::default()));
    let target = Envelope {
        target: Some(ActorAddress::default()),
        ..Envelope::default()
    };
    session.ask_stream(
        target.into(),
        0,
        None,
        Box::new(Recording {
            window: 2,
            heard: stream.clone(),
        }),
    );

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
    let (mut answers, mut own) = (0, 0);
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
        own += frame.envelopes.len();
        assert!(
            frame
                .controls
                .iter()
                .all(|control| control.correlation_id == 5 && control.cancel),
            "the only control: the cancel of a stream that broke the protocol"
        );
        answers += frame.replies.len();
    }
    assert_eq!(
        own, 1,
        "the link sent nothing of its own but the stream's ask"
    );
    assert_eq!(answers, asks, "one answer per ask");
    assert!(
        stream.lock().unwrap().items.len() <= 2,
        "no item beyond the credit"
    );
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
    (
        0..8u64,
        prop_oneof![Just(0u32), any::<u32>()],
        any::<bool>(),
    )
        .prop_map(|(correlation_id, credit, cancel)| StreamControl {
            correlation_id,
            credit,
            cancel,
        })
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

// --- streaming asks, one link at a time ------------------------------------------------------

/// What a test stream's caller end heard.
#[derive(Default)]
struct Heard {
    items: Vec<Vec<u8>>,
    end: Option<Outcome>,
    feedback: Option<Arc<dyn StreamFeedback>>,
}

/// A caller's end of a stream that records what reaches it; refuses an item `bad`.
struct Recording {
    window: u32,
    heard: Arc<Mutex<Heard>>,
}

impl StreamSink for Recording {
    fn window(&self) -> u32 {
        self.window
    }

    fn set_feedback(&mut self, feedback: Arc<dyn StreamFeedback>) {
        self.heard.lock().unwrap().feedback = Some(feedback);
    }

    fn item(&mut self, payload: &[u8]) -> Result<(), String> {
        if payload == b"bad" {
            return Err("not an item".into());
        }
        self.heard.lock().unwrap().items.push(payload.to_vec());
        Ok(())
    }

    fn end(self: Box<Self>, outcome: Outcome) {
        let mut heard = self.heard.lock().unwrap();
        assert!(heard.end.is_none(), "a stream ends once");
        heard.end = Some(outcome);
    }
}

/// A link to the peer, as after its handshake, on the current runtime; and its outbox.
fn live_link() -> (Arc<Session>, tokio::sync::mpsc::UnboundedReceiver<Out>) {
    let config = NodeConfig::builder("me").build().expect("valid");
    let shared = Shared::detached(
        config,
        Arc::new(Counting::default()),
        ME_UID,
        tokio::runtime::Handle::current(),
    );
    let (session, outbox) = Session::new(shared, peer());
    session.set_peer(PeerInfo {
        node: peer(),
        max_frame: PEER_LIMIT,
    });
    (session, outbox)
}

/// Starts a streaming ask granting `window`, with `timeout`: its id and what its caller hears.
fn start_stream(
    session: &Arc<Session>,
    outbox: &mut tokio::sync::mpsc::UnboundedReceiver<Out>,
    window: u32,
    timeout: Option<std::time::Duration>,
) -> (u64, Arc<Mutex<Heard>>) {
    let heard = Arc::new(Mutex::new(Heard::default()));
    let target = Envelope {
        target: Some(ActorAddress::default()),
        ..Envelope::default()
    };
    session.ask_stream(
        target.into(),
        0,
        timeout,
        Box::new(Recording {
            window,
            heard: heard.clone(),
        }),
    );
    let Ok(Out::Envelope { envelope, .. }) = outbox.try_recv() else {
        panic!("the streaming ask is queued");
    };
    let envelope = envelope.into_envelope();
    assert_eq!(
        envelope.stream_window, window,
        "the window is the first credit"
    );
    (envelope.correlation_id, heard)
}

fn item(id: u64, payload: &'static [u8]) -> Reply {
    Reply {
        correlation_id: id,
        outcome: Some(reply::Outcome::Payload(Bytes::from_static(payload))),
        more: true,
    }
}

fn replies(replies: Vec<Reply>) -> Frame {
    Frame {
        replies,
        ..Frame::default()
    }
}

/// What the link queued since last asked: replies and controls (envelopes are not expected).
fn queued(
    outbox: &mut tokio::sync::mpsc::UnboundedReceiver<Out>,
) -> (Vec<Reply>, Vec<StreamControl>) {
    let (mut replies, mut controls) = (Vec::new(), Vec::new());
    while let Ok(out) = outbox.try_recv() {
        match out {
            Out::Reply { reply, .. } => replies.push(reply),
            Out::Control { control, .. } => controls.push(control),
            other => panic!("unexpected {other:?}"),
        }
    }
    (replies, controls)
}

fn cancel(id: u64) -> StreamControl {
    StreamControl {
        correlation_id: id,
        credit: 0,
        cancel: true,
    }
}

fn credit(id: u64, credit: u32) -> StreamControl {
    StreamControl {
        correlation_id: id,
        credit,
        cancel: false,
    }
}

/// A hostile (or broken) peer: items beyond the credit granted, an item that does not decode,
/// an item for a unary ask. Each fails that one call with a protocol error (and cancels its
/// stream); the link and the other calls carry on.
#[tokio::test]
async fn a_peer_that_breaks_the_stream_protocol_fails_that_call_only() {
    let (session, mut outbox) = live_link();
    let (unary, mut unary_outcome) = session.pending.register().expect("open");
    let (id, heard) = start_stream(&session, &mut outbox, 2, None);

    session.receive(replies(vec![item(id, b"a"), item(id, b"b")]));
    assert_eq!(heard.lock().unwrap().items, [b"a".to_vec(), b"b".to_vec()]);
    // The caller takes one: one more credit, counted here and sent.
    let feedback = heard.lock().unwrap().feedback.clone().expect("installed");
    feedback.consumed(1);
    assert_eq!(queued(&mut outbox), (vec![], vec![credit(id, 1)]));

    // One within the renewed credit, then one beyond it.
    session.receive(replies(vec![item(id, b"c"), item(id, b"d")]));
    {
        let heard = heard.lock().unwrap();
        assert_eq!(
            heard.items.len(),
            3,
            "the item beyond the credit is not handed on"
        );
        assert!(
            matches!(&heard.end, Some(Err(RemoteError::MalformedPayload { message })) if message.contains("credit")),
            "{:?}",
            heard.end
        );
    }
    assert_eq!(
        queued(&mut outbox),
        (vec![], vec![cancel(id)]),
        "the peer is told to stop"
    );
    // What the peer had in flight, and its end, reach nobody; credit is not renewed.
    session.receive(replies(vec![
        item(id, b"e"),
        Reply {
            correlation_id: id,
            outcome: Some(reply::Outcome::Payload(Bytes::new())),
            more: false,
        },
    ]));
    feedback.consumed(3);
    assert_eq!(queued(&mut outbox), (vec![], vec![]));
    assert_eq!(heard.lock().unwrap().items.len(), 3);

    // An item that does not decode ends its stream the same way.
    let (id, heard) = start_stream(&session, &mut outbox, 4, None);
    session.receive(replies(vec![item(id, b"bad")]));
    assert!(matches!(
        heard.lock().unwrap().end,
        Some(Err(RemoteError::MalformedPayload { .. }))
    ));
    assert_eq!(queued(&mut outbox), (vec![], vec![cancel(id)]));

    // The unary ask waited through all of it, and an item for it fails it.
    assert!(unary_outcome.try_recv().is_err(), "still waiting");
    session.receive(replies(vec![item(unary, b"x")]));
    assert!(matches!(
        unary_outcome.try_recv(),
        Ok(Err(RemoteError::MalformedPayload { .. }))
    ));
    assert_eq!(session.pending.len(), 0);
    assert!(!session.is_closed(), "the link carries on");
}

/// A stream ends once: with its end reply, its deadline (then the peer is told to stop), its
/// caller dropping it (no end: nobody reads), or the link's end.
#[tokio::test(start_paused = true)]
async fn a_stream_ends_by_its_end_its_deadline_its_cancel_or_the_link() {
    let (session, mut outbox) = live_link();

    let (id, heard) = start_stream(&session, &mut outbox, 4, None);
    session.receive(replies(vec![
        item(id, b"a"),
        Reply {
            correlation_id: id,
            outcome: Some(reply::Outcome::Payload(Bytes::from_static(b"end"))),
            more: false,
        },
    ]));
    assert_eq!(
        heard.lock().unwrap().end,
        Some(Ok(Bytes::from_static(b"end")))
    );
    assert_eq!(session.pending.len(), 0);

    let timeout = std::time::Duration::from_millis(50);
    let (id, heard) = start_stream(&session, &mut outbox, 4, Some(timeout));
    tokio::time::sleep(timeout * 2).await;
    assert_eq!(
        heard.lock().unwrap().end,
        Some(Err(RemoteError::Timeout { timeout }))
    );
    assert_eq!(queued(&mut outbox), (vec![], vec![cancel(id)]));

    let (id, heard) = start_stream(&session, &mut outbox, 4, Some(timeout));
    let feedback = heard.lock().unwrap().feedback.clone().expect("installed");
    feedback.cancelled();
    assert_eq!(queued(&mut outbox), (vec![], vec![cancel(id)]));
    tokio::time::sleep(timeout * 2).await;
    assert!(heard.lock().unwrap().end.is_none(), "nobody reads it");
    assert_eq!(
        queued(&mut outbox),
        (vec![], vec![]),
        "its deadline is gone with it"
    );

    let (_, heard) = start_stream(&session, &mut outbox, 4, None);
    let lost = RemoteError::ConnectionLost {
        node: "peer@127.0.0.1:2".into(),
        reason: "reset".into(),
    };
    session.close(lost.clone());
    assert_eq!(heard.lock().unwrap().end, Some(Err(lost.clone())));
    let heard = Arc::new(Mutex::new(Heard::default()));
    session.ask_stream(
        Envelope::default().into(),
        0,
        None,
        Box::new(Recording {
            window: 1,
            heard: heard.clone(),
        }),
    );
    assert_eq!(
        heard.lock().unwrap().end,
        Some(Err(lost)),
        "after the link's end, at once"
    );
}

/// Sets its flag when dropped: tells that a served stream was dropped (its producer told).
struct DropFlag(Arc<AtomicUsize>);

impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// A served stream of `items` items then `end`, counting the items pulled, flagging its drop.
fn counted(
    items: usize,
    end: Option<StreamPiece>,
) -> (
    impl futures_util::Stream<Item = StreamPiece> + Send + 'static,
    Arc<AtomicUsize>,
    Arc<AtomicUsize>,
) {
    let (pulled, dropped) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let (count, flag) = (pulled.clone(), DropFlag(dropped.clone()));
    let pieces = futures_util::stream::iter((0..items).map(|n| StreamPiece::Item(vec![n as u8])))
        .chain(futures_util::stream::iter(end))
        .chain(futures_util::stream::pending())
        .inspect(move |_| {
            let _keep = &flag;
            count.fetch_add(1, Ordering::SeqCst);
        });
    (pieces, pulled, dropped)
}

/// Lets the link's tasks run until they wait (the paused clock moves only when all are idle).
async fn settle() {
    tokio::time::sleep(std::time::Duration::from_millis(1)).await;
}

/// The serving side pulls an answer only while the asker's credit lasts, sends more as credit
/// comes, drops it on a cancel (sending nothing more) and at its deadline (ending with
/// `ERROR_CAUSE_TIMEOUT`) and when the link ends.
#[tokio::test(start_paused = true)]
async fn a_served_stream_is_pulled_only_within_its_credit() {
    let (session, mut outbox) = live_link();
    let items = |replies: &[Reply]| replies.iter().filter(|reply| reply.more).count();

    let (pieces, pulled, dropped) = counted(10, None);
    ReplyTo::new(session.clone(), 7, 0, 2).stream(pieces);
    settle().await;
    let (sent, _) = queued(&mut outbox);
    assert_eq!(items(&sent), 2);
    assert_eq!(
        pulled.load(Ordering::SeqCst),
        2,
        "nothing pulled beyond the credit"
    );
    session.receive(Frame {
        controls: vec![credit(7, 3)],
        ..Frame::default()
    });
    settle().await;
    let (sent, _) = queued(&mut outbox);
    assert_eq!(items(&sent), 3);
    assert_eq!(
        sent.iter()
            .map(|reply| reply.outcome.clone())
            .collect::<Vec<_>>(),
        (2..5u8)
            .map(|n| Some(reply::Outcome::Payload(Bytes::from(vec![n]))))
            .collect::<Vec<_>>(),
        "in order"
    );
    assert_eq!(pulled.load(Ordering::SeqCst), 5);
    session.receive(Frame {
        controls: vec![cancel(7), credit(7, 100)],
        ..Frame::default()
    });
    settle().await;
    assert_eq!(
        dropped.load(Ordering::SeqCst),
        1,
        "the producer hears of the cancel"
    );
    assert_eq!(
        queued(&mut outbox),
        (vec![], vec![]),
        "nothing more, not even an end"
    );

    // A stream that ends sends its end last, which needs no credit.
    let end = StreamPiece::End(b"end".to_vec());
    let (pieces, _, dropped) = counted(2, Some(end));
    ReplyTo::new(session.clone(), 8, 0, 3).stream(pieces);
    settle().await;
    let (sent, _) = queued(&mut outbox);
    assert_eq!(items(&sent), 2);
    assert_eq!(
        sent.last().expect("an end"),
        &Reply {
            correlation_id: 8,
            outcome: Some(reply::Outcome::Payload(Bytes::from_static(b"end"))),
            more: false,
        }
    );
    assert_eq!(dropped.load(Ordering::SeqCst), 1);

    // The deadline bounds the whole stream.
    let (pieces, _, dropped) = counted(1, None);
    ReplyTo::new(session.clone(), 9, 50, 4).stream(pieces);
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let (sent, _) = queued(&mut outbox);
    assert_eq!(items(&sent), 1);
    let Some(reply::Outcome::Error(error)) = &sent.last().expect("an end").outcome else {
        panic!("a timeout, got {sent:?}");
    };
    assert_eq!(error.cause(), super::proto::v1::ErrorCause::Timeout);
    assert_eq!(dropped.load(Ordering::SeqCst), 1);

    // A unary ask cannot take a stream; the link's end drops every stream.
    let (pieces, _, dropped) = counted(0, None);
    ReplyTo::new(session.clone(), 10, 0, 0).stream(pieces);
    let (sent, _) = queued(&mut outbox);
    assert!(matches!(
        &sent[..],
        [Reply {
            more: false,
            outcome: Some(reply::Outcome::Error(_)),
            ..
        }]
    ));
    assert_eq!(dropped.load(Ordering::SeqCst), 1);
    let (pieces, _, dropped) = counted(0, None);
    ReplyTo::new(session.clone(), 11, 0, 4).stream(pieces);
    settle().await;
    session.close(super::RemoteError::LocalShutdown);
    settle().await;
    assert_eq!(dropped.load(Ordering::SeqCst), 1);
    let (pieces, _, dropped) = counted(0, None);
    ReplyTo::new(session.clone(), 12, 0, 4).stream(pieces);
    assert_eq!(
        dropped.load(Ordering::SeqCst),
        1,
        "none starts after the link's end"
    );
}
