//! The transport (feature `remote`): two or more nodes in one process on 127.0.0.1, port 0,
//! each with an in-test `Inbound` that records what arrives and answers asks by method.
//!
//! Real sockets need real time, so nothing here runs on the paused clock; every wait is
//! bounded by a timeout and the evidence is an event (an envelope recorded, an error
//! returned, a link event), never the time a sleep took.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::future::BoxFuture;
use prost::Message;
use prost::bytes::{Buf, BufMut, Bytes};
use rakt::remote::proto::v1::{
    ActorAddress, Envelope, ErrorCause, ErrorDetail, Frame, Handshake, NodeAddress, SpawnRequest,
    StopCause, Terminated, error_detail,
};
use rakt::remote::{
    DeadLetter, Direction, Found, Inbound, LinkEvent, Node, NodeConfig, NodeConfigBuilder,
    NodeConfigError, RemoteError, ReplyTo, WatchStart,
};
use tokio::sync::{mpsc, oneshot};
use tokio::time::timeout;
use tonic::codec::{Codec, DecodeBuf, Decoder, EncodeBuf, Encoder};
use tonic::codegen::http::uri::PathAndQuery;
use tonic::{Code, Status};

/// How long any one event may take to happen before a test fails.
const WITHIN: Duration = Duration::from_secs(10);

/// What the test inbound saw.
#[derive(Debug)]
enum Seen {
    Envelope {
        from: NodeAddress,
        envelope: Envelope,
    },
}

/// Records every envelope and answers asks by method: `echo` replies with the payload, `hold`
/// keeps the reply slot until the test lets go, `drop` drops it, `fail` answers
/// `UNKNOWN_METHOD`, `big` replies with 64 KiB; `panic` (a tell too) panics.
#[derive(Default)]
struct Recorder {
    seen: Mutex<Option<mpsc::UnboundedSender<Seen>>>,
    held: Mutex<Vec<ReplyTo>>,
    watchers: Mutex<Vec<oneshot::Sender<Terminated>>>,
}

impl Recorder {
    fn new() -> (Arc<Recorder>, mpsc::UnboundedReceiver<Seen>) {
        let (tx, rx) = mpsc::unbounded_channel();
        let recorder = Arc::new(Recorder::default());
        *recorder.seen.lock().unwrap() = Some(tx);
        (recorder, rx)
    }
}

impl Inbound for Recorder {
    fn envelope(&self, from: &NodeAddress, envelope: Envelope, reply: Option<ReplyTo>) {
        let method = envelope.method.clone();
        let payload = envelope.payload.clone();
        if let Some(seen) = &*self.seen.lock().unwrap() {
            let _ = seen.send(Seen::Envelope {
                from: from.clone(),
                envelope,
            });
        }
        assert!(method != "panic", "the inbound panics on `panic`");
        let Some(reply) = reply else { return };
        match method.as_str() {
            "echo" => reply.send(payload),
            "hold" => self.held.lock().unwrap().push(reply),
            "drop" => drop(reply),
            "fail" => reply.fail(ErrorDetail {
                cause: ErrorCause::UnknownMethod.into(),
                message: "no handler `fail`".into(),
                detail: None,
            }),
            "big" => reply.send(Bytes::from(vec![7u8; 64 * 1024])),
            "future-cause" => reply.fail(ErrorDetail {
                cause: 999,
                message: "from a newer peer".into(),
                detail: None,
            }),
            other => panic!("the test sent an unknown method {other}"),
        }
    }

    fn lookup(
        &self,
        address: ActorAddress,
    ) -> BoxFuture<'static, Result<Option<Found>, ErrorDetail>> {
        Box::pin(async move {
            Ok((address.path == "/user/echo").then(|| Found {
                address: ActorAddress {
                    node: None,
                    path: address.path,
                    id: 7,
                },
                kind: "test.v1.Echo".into(),
            }))
        })
    }

    fn spawn(
        &self,
        request: SpawnRequest,
    ) -> BoxFuture<'static, Result<ActorAddress, ErrorDetail>> {
        Box::pin(async move {
            if request.kind != "test.v1.Echo" {
                return Err(ErrorDetail {
                    cause: ErrorCause::UnknownKind.into(),
                    message: format!("no kind {}", request.kind),
                    detail: None,
                });
            }
            Ok(ActorAddress {
                node: None,
                path: format!("/user/{}", request.name),
                id: 9,
            })
        })
    }

    fn stop(
        &self,
        address: ActorAddress,
        kill: bool,
    ) -> BoxFuture<'static, Result<bool, ErrorDetail>> {
        Box::pin(async move { Ok(address.path == "/user/echo" && kill) })
    }

    fn watch(&self, address: ActorAddress) -> BoxFuture<'static, Result<WatchStart, ErrorDetail>> {
        let (tx, rx) = oneshot::channel();
        let found = address.path == "/user/echo";
        if found {
            self.watchers.lock().unwrap().push(tx);
        }
        Box::pin(async move {
            Ok(if found {
                WatchStart::Watching {
                    address: ActorAddress { id: 7, ..address },
                    terminated: rx,
                }
            } else {
                WatchStart::NotFound
            })
        })
    }
}

/// A node on 127.0.0.1, port 0, with a recorder and short backoffs.
async fn node(
    system: &str,
    configure: impl FnOnce(NodeConfigBuilder) -> NodeConfigBuilder,
) -> (Node, Arc<Recorder>, mpsc::UnboundedReceiver<Seen>) {
    let (recorder, seen) = Recorder::new();
    let config = configure(
        NodeConfig::builder(system)
            .reconnect_backoff(Duration::from_millis(20), Duration::from_millis(100))
            .connect_timeout(Duration::from_secs(5)),
    )
    .build()
    .expect("a valid config");
    let node = Node::start(config, recorder.clone())
        .await
        .expect("the node starts");
    (node, recorder, seen)
}

fn at(node: &NodeAddress, path: &str) -> ActorAddress {
    ActorAddress {
        node: Some(node.clone()),
        path: path.into(),
        id: 0,
    }
}

/// The next `n` envelopes a recorder saw.
async fn next_envelopes(seen: &mut mpsc::UnboundedReceiver<Seen>, n: usize) -> Vec<Envelope> {
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        match timeout(WITHIN, seen.recv()).await {
            Ok(Some(Seen::Envelope { envelope, .. })) => out.push(envelope),
            Ok(None) => panic!("the recorder is gone"),
            Err(_) => panic!("only {} of {n} envelopes arrived", out.len()),
        }
    }
    out
}

/// The next envelope a recorder saw, with the node it came from.
async fn next_seen(seen: &mut mpsc::UnboundedReceiver<Seen>) -> (NodeAddress, Envelope) {
    match timeout(WITHIN, seen.recv()).await {
        Ok(Some(Seen::Envelope { from, envelope })) => (from, envelope),
        Ok(None) => panic!("the recorder is gone"),
        Err(_) => panic!("no envelope arrived"),
    }
}

/// Collects a hook's values into a channel.
fn collector<T: Send + 'static>() -> (
    impl Fn(T) + Send + Sync + 'static,
    mpsc::UnboundedReceiver<T>,
) {
    let (tx, rx) = mpsc::unbounded_channel();
    (move |value| drop(tx.send(value)), rx)
}

/// Why a tell was not delivered: refused at the call, or taken and then dead-lettered. On a
/// multi-thread runtime a link can fail between the moment a tell picks it and the moment it
/// queues there, so either may happen; on one thread, a tell sent before any await always
/// takes the second way.
async fn undelivered(
    told: Result<(), RemoteError>,
    dead: &mut mpsc::UnboundedReceiver<DeadLetter>,
    payload: &[u8],
) -> RemoteError {
    match told {
        Err(reason) => reason,
        Ok(()) => {
            let letter = next(dead).await;
            assert_eq!(letter.envelope.payload.as_ref(), payload, "in order");
            assert_eq!(letter.direction, Direction::Outbound);
            letter.reason
        }
    }
}

async fn next<T>(rx: &mut mpsc::UnboundedReceiver<T>) -> T {
    timeout(WITHIN, rx.recv())
        .await
        .expect("an event in time")
        .expect("the hook is alive")
}

async fn tells_from_four_senders_arrive_each_in_its_order() {
    let (a, _, _) = node("a", |c| c).await;
    let (b, _, mut seen) = node("b", |c| c).await;
    let target = at(b.address(), "/user/sink");
    const PER_SENDER: u32 = 2_000;

    let senders: Vec<_> = (0..4u32)
        .map(|sender| {
            let a = a.clone();
            let target = target.clone();
            tokio::spawn(async move {
                for seq in 0..PER_SENDER {
                    let mut payload = Vec::with_capacity(8);
                    payload.put_u32(sender);
                    payload.put_u32(seq);
                    a.tell(&target, "seq", payload.into()).expect("queued");
                    if seq % 64 == 0 {
                        tokio::task::yield_now().await;
                    }
                }
            })
        })
        .collect();
    for sender in senders {
        sender.await.expect("the sender finished");
    }

    let envelopes = next_envelopes(&mut seen, 4 * PER_SENDER as usize).await;
    let mut expected = [0u32; 4];
    for envelope in envelopes {
        let mut payload = envelope.payload;
        let (sender, seq) = (payload.get_u32(), payload.get_u32());
        assert_eq!(
            seq, expected[sender as usize],
            "sender {sender} out of order"
        );
        expected[sender as usize] += 1;
        assert_eq!(envelope.correlation_id, 0, "a tell has no correlation id");
    }
    assert_eq!(expected, [PER_SENDER; 4]);
}

#[tokio::test(flavor = "current_thread")]
async fn a_burst_is_coalesced_into_frames_within_the_peers_limit() {
    const LIMIT: u32 = 4096;
    burst_in_frames_of(|c| c.max_frame_bytes(LIMIT), LIMIT as usize).await;
}

/// A burst under the default frame limit (4 MiB) still goes in frames of at most 32 KiB: the
/// writer batches up to that much, and no more, whatever the peer would take.
#[tokio::test(flavor = "current_thread")]
async fn a_burst_goes_in_frames_of_at_most_32_kib() {
    burst_in_frames_of(|c| c, 32 << 10).await;
}

/// Sends a burst of tells to a peer configured by `configure`, and checks that it went
/// coalesced, in frames of at most `frame` bytes.
async fn burst_in_frames_of(
    configure: impl FnOnce(NodeConfigBuilder) -> NodeConfigBuilder,
    frame: usize,
) {
    const TELLS: usize = 10_000;
    let (a, _, _) = node("a", |c| c).await;
    let (b, _, mut seen) = node("b", configure).await;
    let target = at(b.address(), "/user/sink");

    // On one thread nothing else runs while the burst is queued: the writer finds it all
    // queued when it next runs, and must cut it into frames of at most `frame` bytes.
    let mut bytes = 0;
    for seq in 0..TELLS {
        let payload = Bytes::from((seq as u64).to_be_bytes().to_vec());
        let envelope = Envelope {
            target: Some(ActorAddress {
                node: None,
                ..target.clone()
            }),
            method: "seq".into(),
            payload: payload.clone(),
            ..Envelope::default()
        };
        bytes += 1
            + prost::encoding::encoded_len_varint(envelope.encoded_len() as u64)
            + envelope.encoded_len();
        a.tell(&target, "seq", payload).expect("queued");
    }
    assert!(
        bytes > 4 * frame,
        "a burst of several frames ({bytes} bytes)"
    );
    let envelopes = next_envelopes(&mut seen, TELLS).await;
    for (seq, envelope) in envelopes.iter().enumerate() {
        assert_eq!(envelope.payload.as_ref(), (seq as u64).to_be_bytes());
    }

    let sent = a.stats();
    let received = b.stats();
    assert_eq!(sent.envelopes_sent, TELLS as u64);
    assert_eq!(received.envelopes_received, TELLS as u64);
    assert_eq!(received.frames_received, sent.frames_sent);
    let fewest = bytes.div_ceil(frame) as u64;
    assert!(
        sent.frames_sent >= fewest,
        "{} frames for {bytes} bytes: some frame exceeded {frame} bytes",
        sent.frames_sent
    );
    assert!(
        sent.frames_sent <= fewest + 2,
        "{} frames for {TELLS} envelopes ({bytes} bytes): the burst was not coalesced",
        sent.frames_sent
    );
}

/// A node that tells two peers in turn reaches each with its own envelopes only (it finds the
/// peer it told last without looking it up, and must not mistake the other for it).
async fn tells_to_two_peers_in_turn_reach_each_its_own() {
    let (a, _, _) = node("a", |c| c).await;
    let (b, _, mut seen_b) = node("b", |c| c).await;
    let (c, _, mut seen_c) = node("c", |c| c).await;
    let to_b = at(b.address(), "/user/sink");
    let to_c = at(c.address(), "/user/sink");
    const EACH: u64 = 200;
    for seq in 0..EACH {
        let payload = || Bytes::from(seq.to_be_bytes().to_vec());
        a.tell(&to_b, "b", payload()).expect("queued");
        a.tell(&to_c, "c", payload()).expect("queued");
        a.tell(&to_c, "c", payload()).expect("queued");
    }
    let at_b = next_envelopes(&mut seen_b, EACH as usize).await;
    let at_c = next_envelopes(&mut seen_c, 2 * EACH as usize).await;
    assert!(at_b.iter().all(|envelope| envelope.method == "b"));
    assert!(at_c.iter().all(|envelope| envelope.method == "c"));
    let seqs = |envelopes: &[Envelope]| -> Vec<u64> {
        envelopes
            .iter()
            .map(|envelope| envelope.payload.clone().get_u64())
            .collect()
    };
    assert_eq!(seqs(&at_b), (0..EACH).collect::<Vec<_>>());
    assert_eq!(
        seqs(&at_c),
        (0..EACH).flat_map(|seq| [seq, seq]).collect::<Vec<_>>()
    );
    a.tell(&to_b, "end", Bytes::new()).expect("queued");
    let (_, end) = next_seen(&mut seen_b).await;
    assert_eq!(end.method, "end", "nothing else reached b");
}

async fn asks_get_their_own_replies() {
    let (a, _, _) = node("a", |c| c).await;
    let (b, _, _) = node("b", |c| c).await;
    let target = at(b.address(), "/user/echo");
    let asks: Vec<_> = (0..200u32)
        .map(|i| {
            a.ask(
                &target,
                "echo",
                Bytes::from(i.to_be_bytes().to_vec()),
                WITHIN,
            )
        })
        .collect();
    for (i, ask) in asks.into_iter().enumerate() {
        let reply = ask.await.expect("a reply");
        assert_eq!(reply.as_ref(), (i as u32).to_be_bytes());
    }
}

async fn an_unanswered_ask_times_out_and_its_timeout_travels() {
    let (a, _, _) = node("a", |c| c).await;
    let (b, recorder, mut seen) = node("b", |c| c).await;
    let target = at(b.address(), "/user/echo");

    let error = a
        .ask(&target, "hold", Bytes::new(), Duration::from_millis(300))
        .await
        .expect_err("nobody answers");
    assert_eq!(
        error,
        RemoteError::Timeout {
            timeout: Duration::from_millis(300)
        }
    );
    let (from, held) = next_seen(&mut seen).await;
    assert_eq!(&from, a.address(), "the sender's node, with its uid");
    assert_eq!(held.timeout_ms, 300, "the timeout travels in the envelope");
    assert_ne!(held.correlation_id, 0);
    {
        let held = recorder.held.lock().unwrap();
        let deadline = held[0]
            .deadline()
            .expect("an ask with a timeout has a deadline");
        assert!(deadline > tokio::time::Instant::now() - Duration::from_secs(1));
    }
    // A sub-millisecond timeout is rounded up, not down to "no deadline".
    let _ = a
        .ask(&target, "hold", Bytes::new(), Duration::from_micros(10))
        .await;
    assert_eq!(next_envelopes(&mut seen, 1).await[0].timeout_ms, 1);

    // A late answer reaches nobody and harms nothing: the link still serves.
    recorder.held.lock().unwrap().clear();
    let reply = a
        .ask(&target, "echo", Bytes::from_static(b"still here"), WITHIN)
        .await
        .expect("a reply");
    assert_eq!(reply.as_ref(), b"still here");
}

async fn per_call_errors_are_typed_and_leave_other_calls_alone() {
    let (a, _, _) = node("a", |c| c).await;
    let (b, _, _) = node("b", |c| c).await;
    let target = at(b.address(), "/user/echo");

    let dropped = a.ask(&target, "drop", Bytes::new(), WITHIN);
    let failed = a.ask(&target, "fail", Bytes::new(), WITHIN);
    let newer = a.ask(&target, "future-cause", Bytes::new(), WITHIN);
    let fine = a.ask(&target, "echo", Bytes::from_static(b"ok"), WITHIN);
    assert_eq!(dropped.await, Err(RemoteError::NoReply));
    assert_eq!(
        failed.await,
        Err(RemoteError::UnknownMethod {
            message: "no handler `fail`".into()
        })
    );
    assert_eq!(
        newer.await,
        Err(RemoteError::Unspecified {
            cause: 999,
            message: "from a newer peer".into()
        })
    );
    assert_eq!(fine.await.as_deref(), Ok(&b"ok"[..]));

    // An address for another incarnation of b: refused, the link carries on.
    let mut stale = target.clone();
    stale.node.as_mut().unwrap().uid = b.address().uid.wrapping_add(1);
    let error = a
        .ask(&stale, "echo", Bytes::new(), WITHIN)
        .await
        .expect_err("another incarnation");
    assert!(matches!(error, RemoteError::WrongNode { .. }), "{error:?}");
    assert_eq!(
        a.ask(&target, "echo", Bytes::from_static(b"again"), WITHIN)
            .await
            .as_deref(),
        Ok(&b"again"[..])
    );
}

async fn the_auth_token_is_required_and_checked() {
    let (b, _, _) = node("b", |c| c.auth_token("right-token")).await;
    let target = at(b.address(), "/user/echo");

    let (right, _, _) = node("a", |c| c.auth_token("right-token")).await;
    assert_eq!(
        right
            .ask(&target, "echo", Bytes::from_static(b"in"), WITHIN)
            .await
            .as_deref(),
        Ok(&b"in"[..])
    );

    let (wrong, _, _) = node("c", |c| c.auth_token("wrong-token")).await;
    let error = wrong
        .ask(&target, "echo", Bytes::new(), WITHIN)
        .await
        .expect_err("refused");
    assert!(
        matches!(error, RemoteError::Unauthenticated { .. }),
        "{error:?}"
    );

    let (hook, mut dead) = collector::<DeadLetter>();
    let (none, _, _) = node("d", |c| c.on_dead_letter(hook)).await;
    let told = none.tell(&target, "echo", Bytes::from_static(b"lost"));
    let reason = undelivered(told, &mut dead, b"lost").await;
    assert!(
        matches!(reason, RemoteError::Unauthenticated { .. }),
        "{reason:?}"
    );
    let error = none
        .lookup(target)
        .await
        .expect_err("unary calls are checked too");
    assert!(
        matches!(error, RemoteError::Unauthenticated { .. }),
        "{error:?}"
    );
}

async fn a_node_refuses_links_meant_for_another_node() {
    let (a, _, _) = node("a", |c| c).await;
    let (b, _, _) = node("b", |c| c).await;
    let mut elsewhere = b.address().clone();
    elsewhere.system = "not-b".into();
    let error = a
        .ask(&at(&elsewhere, "/user/echo"), "echo", Bytes::new(), WITHIN)
        .await
        .expect_err("b is not not-b");
    assert!(matches!(error, RemoteError::WrongNode { .. }), "{error:?}");
}

// --- raw gRPC clients: what a broken or hostile peer sends -----------------------------------

/// Sends and receives raw bytes as gRPC messages.
#[derive(Clone, Copy, Default)]
struct RawCodec;
struct RawEncoder;
struct RawDecoder;

impl Codec for RawCodec {
    type Encode = Vec<u8>;
    type Decode = Vec<u8>;
    type Encoder = RawEncoder;
    type Decoder = RawDecoder;
    fn encoder(&mut self) -> RawEncoder {
        RawEncoder
    }
    fn decoder(&mut self) -> RawDecoder {
        RawDecoder
    }
}

impl Encoder for RawEncoder {
    type Item = Vec<u8>;
    type Error = Status;
    fn encode(&mut self, item: Vec<u8>, dst: &mut EncodeBuf<'_>) -> Result<(), Status> {
        dst.put_slice(&item);
        Ok(())
    }
}

impl Decoder for RawDecoder {
    type Item = Vec<u8>;
    type Error = Status;
    fn decode(&mut self, src: &mut DecodeBuf<'_>) -> Result<Option<Vec<u8>>, Status> {
        let bytes = src.copy_to_bytes(src.remaining());
        Ok(Some(bytes.to_vec()))
    }
}

async fn raw_client(node: &NodeAddress) -> tonic::client::Grpc<tonic::transport::Channel> {
    let channel =
        tonic::transport::Endpoint::from_shared(format!("http://{}:{}", node.host, node.port))
            .expect("a URL")
            .connect()
            .await
            .expect("connected");
    tonic::client::Grpc::new(channel)
}

/// Opens `Link` with raw `messages` as the request stream (which then stays open) and returns
/// the call's status, or the first message of the answer.
async fn raw_link(node: &NodeAddress, messages: Vec<Vec<u8>>) -> Result<Vec<u8>, Status> {
    let mut grpc = raw_client(node).await;
    grpc.ready().await.expect("ready");
    let stream = futures_util::stream::iter(messages).chain(futures_util::stream::pending());
    let response = grpc
        .streaming(
            tonic::Request::new(stream),
            PathAndQuery::from_static("/rakt.v1.Remoting/Link"),
            RawCodec,
        )
        .await?;
    let mut answer = response.into_inner();
    match timeout(WITHIN, answer.message()).await.expect("an answer") {
        Ok(Some(message)) => Ok(message),
        Ok(None) => Err(Status::ok("ended")),
        Err(status) => Err(status),
    }
}

use futures_util::StreamExt;

#[macro_use]
#[path = "support/runtimes.rs"]
mod runtimes;

fn cause_of(status: &Status) -> ErrorDetail {
    ErrorDetail::decode(status.details()).expect("an ErrorDetail in the status")
}

fn handshake(from: &str, to: NodeAddress, version: u32) -> Vec<u8> {
    Frame {
        handshake: Some(Handshake {
            protocol_version: version,
            from: Some(NodeAddress {
                system: from.into(),
                host: "127.0.0.1".into(),
                port: 1,
                uid: 5,
            }),
            to: Some(to),
            max_frame_bytes: 0,
        }),
        ..Frame::default()
    }
    .encode_to_vec()
}

async fn handshakes_of_other_versions_and_other_incarnations_are_refused() {
    let (b, _, _) = node("b", |c| c).await;
    let me = b.address().clone();

    let status = raw_link(&me, vec![handshake("x", me.clone(), 0)])
        .await
        .expect_err("version 0 is no version");
    assert_eq!(status.code(), Code::FailedPrecondition);
    let detail = cause_of(&status);
    assert_eq!(detail.cause(), ErrorCause::IncompatibleVersion);
    assert_eq!(
        detail.detail,
        Some(error_detail::Detail::ProtocolVersion(1))
    );

    let earlier = NodeAddress {
        uid: me.uid.wrapping_add(1),
        ..me.clone()
    };
    let status = raw_link(&me, vec![handshake("x", earlier, 1)])
        .await
        .expect_err("another incarnation");
    assert_eq!(status.code(), Code::FailedPrecondition);
    assert_eq!(cause_of(&status).cause(), ErrorCause::WrongNode);

    // A newer caller is answered with the version both speak.
    let answer = raw_link(&me, vec![handshake("x", me.clone(), 7)])
        .await
        .expect("accepted");
    let answer = Frame::decode(answer.as_slice()).expect("a frame");
    let hello = answer.handshake.expect("the node's handshake");
    assert_eq!(hello.protocol_version, 1);
    assert_eq!(hello.from.as_ref(), Some(&me));
    assert_eq!(hello.max_frame_bytes, rakt::remote::DEFAULT_MAX_FRAME_BYTES);
}

async fn garbage_gets_a_status_and_the_node_keeps_serving() {
    let (a, _, _) = node("a", |c| c).await;
    let (b, _, _) = node("b", |c| c).await;
    let me = b.address().clone();
    let target = at(&me, "/user/echo");
    // A link from a to b is up before the garbage arrives, and must survive it.
    assert!(a.ask(&target, "echo", Bytes::new(), WITHIN).await.is_ok());

    let garbage = vec![0x12, 0xff, 0xff, 0xff, 0x0f, 0x01];
    let status = raw_link(&me, vec![garbage.clone()])
        .await
        .expect_err("not a frame");
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(cause_of(&status).cause(), ErrorCause::MalformedPayload);

    let status = raw_link(&me, vec![Frame::default().encode_to_vec()])
        .await
        .expect_err("no handshake");
    assert_eq!(status.code(), Code::InvalidArgument);

    // A good handshake, then garbage: the link ends with a status after the node's hello.
    let mut grpc = raw_client(&me).await;
    grpc.ready().await.expect("ready");
    let stream = futures_util::stream::iter(vec![handshake("x", me.clone(), 1), garbage.clone()])
        .chain(futures_util::stream::pending());
    let mut answer = grpc
        .streaming(
            tonic::Request::new(stream),
            PathAndQuery::from_static("/rakt.v1.Remoting/Link"),
            RawCodec,
        )
        .await
        .expect("handshake accepted")
        .into_inner();
    let hello = timeout(WITHIN, answer.message())
        .await
        .expect("in time")
        .expect("no error yet")
        .expect("the hello");
    assert!(
        Frame::decode(hello.as_slice())
            .expect("a frame")
            .handshake
            .is_some()
    );
    let status = timeout(WITHIN, answer.message())
        .await
        .expect("in time")
        .expect_err("the garbage ends the link");
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(cause_of(&status).cause(), ErrorCause::MalformedPayload);

    // Garbage to a unary call: tonic's own status.
    let mut grpc = raw_client(&me).await;
    grpc.ready().await.expect("ready");
    let status = grpc
        .unary(
            tonic::Request::new(garbage),
            PathAndQuery::from_static("/rakt.v1.Remoting/Lookup"),
            RawCodec,
        )
        .await
        .expect_err("not a lookup request");
    assert_eq!(status.code(), Code::Internal);

    // a's link was not disturbed.
    assert_eq!(
        a.ask(&target, "echo", Bytes::from_static(b"fine"), WITHIN)
            .await
            .as_deref(),
        Ok(&b"fine"[..])
    );
}

async fn a_panicking_inbound_fails_that_call_only() {
    let (events, mut links) = collector::<LinkEvent>();
    let (a, _, _) = node("a", |c| c.on_link_event(events)).await;
    let (b, _, mut seen) = node("b", |c| c).await;
    let target = at(b.address(), "/user/echo");
    let echo = |text: &'static str| a.ask(&target, "echo", Bytes::from(text), WITHIN);
    assert_eq!(echo("before").await.as_deref(), Ok(&b"before"[..]));
    assert!(matches!(next(&mut links).await, LinkEvent::Up { .. }));

    let error = timeout(WITHIN, a.ask(&target, "panic", Bytes::new(), WITHIN))
        .await
        .expect("answered, not left to time out")
        .expect_err("the inbound panicked");
    assert!(
        matches!(error, RemoteError::HandlerFailed { .. }),
        "{error:?}"
    );
    a.tell(&target, "panic", Bytes::new()).expect("queued");
    // The same link reads on: what follows the panics arrives and is answered.
    assert_eq!(echo("after").await.as_deref(), Ok(&b"after"[..]));
    let methods: Vec<_> = next_envelopes(&mut seen, 4)
        .await
        .into_iter()
        .map(|envelope| envelope.method)
        .collect();
    assert_eq!(methods, ["echo", "panic", "panic", "echo"]);
    assert!(links.try_recv().is_err(), "the link never went down");
}

// --- losing peers ---------------------------------------------------------------------------

/// A node on its own runtime, so that the test can kill it the way a process dies: every task
/// and socket of it dropped at once, nothing said to peers.
struct Doomed {
    runtime: tokio::runtime::Runtime,
    node: Node,
}

async fn doomed(system: &str, port: u16) -> (Doomed, Arc<Recorder>, mpsc::UnboundedReceiver<Seen>) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("a runtime");
    let (recorder, seen) = Recorder::new();
    let config = NodeConfig::builder(system)
        .listen("127.0.0.1", port)
        .build()
        .expect("a valid config");
    let inbound = recorder.clone();
    let node = runtime
        .spawn(async move { Node::start(config, inbound).await })
        .await
        .expect("started")
        .expect("bound");
    (Doomed { runtime, node }, recorder, seen)
}

impl Doomed {
    fn kill(self) {
        self.runtime.shutdown_background();
        drop(self.node);
    }
}

async fn a_killed_peer_fails_pending_asks_at_once_and_comes_back_on_its_port() {
    let (events, mut links) = collector::<LinkEvent>();
    let (a, _, _) = node("a", |c| c.on_link_event(events)).await;
    let (b, _, mut seen) = doomed("b", 0).await;
    let first = b.node.address().clone();
    let target = at(&first, "/user/echo");

    let pending: Vec<_> = (0..3)
        .map(|_| a.ask(&target, "hold", Bytes::new(), Duration::from_secs(60)))
        .map(tokio::spawn)
        .collect();
    next_envelopes(&mut seen, 3).await;
    assert!(
        matches!(next(&mut links).await, LinkEvent::Up { ref peer, .. } if peer.uid == first.uid)
    );

    b.kill();
    for ask in pending {
        let error = timeout(WITHIN, ask)
            .await
            .expect("failed long before its 60 s")
            .expect("joined")
            .expect_err("the peer died");
        assert!(
            matches!(error, RemoteError::ConnectionLost { .. }),
            "{error:?}"
        );
    }
    match next(&mut links).await {
        LinkEvent::Down { reason, .. } => {
            assert!(
                matches!(reason, RemoteError::ConnectionLost { .. }),
                "{reason:?}"
            )
        }
        other => panic!("expected Down, got {other:?}"),
    }

    // While it is down, asks fail fast (no hang) ...
    let error = timeout(
        WITHIN,
        a.ask(&target, "echo", Bytes::new(), Duration::from_secs(60)),
    )
    .await
    .expect("fails fast")
    .expect_err("nobody listens");
    assert!(
        matches!(error, RemoteError::Unreachable { .. }),
        "{error:?}"
    );

    // ... and once it is back on the same port, the next use after the backoff reconnects.
    let (again, _, _) = doomed("b", first.port as u16).await;
    let second = again.node.address().clone();
    assert_ne!(second.uid, first.uid, "a new incarnation");
    let reply = timeout(WITHIN, async {
        loop {
            match a
                .ask(
                    &at(&second, "/user/echo"),
                    "echo",
                    Bytes::from_static(b"back"),
                    WITHIN,
                )
                .await
            {
                Ok(reply) => break reply,
                Err(RemoteError::Unreachable { .. }) => {
                    // Within the backoff (20-100 ms): wait for the next try.
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                Err(other) => panic!("unexpected {other:?}"),
            }
        }
    })
    .await
    .expect("reconnected");
    assert_eq!(reply.as_ref(), b"back");
    let up = loop {
        if let LinkEvent::Up { peer, .. } = next(&mut links).await {
            break peer;
        }
    };
    assert_eq!(up.uid, second.uid, "the link is to the new incarnation");
    // An address of the dead incarnation is refused by the new one.
    let error = a
        .ask(&target, "echo", Bytes::new(), WITHIN)
        .await
        .expect_err("stale");
    assert!(matches!(error, RemoteError::WrongNode { .. }), "{error:?}");
    again.kill();
}

async fn tells_to_an_unreachable_node_become_dead_letters_then_fail_fast() {
    let (hook, mut dead) = collector::<DeadLetter>();
    let (a, _, _) = node("a", |c| {
        c.on_dead_letter(hook)
            .reconnect_backoff(Duration::from_secs(30), Duration::from_secs(60))
    })
    .await;
    // A port nobody listens on: bind one, note it, let it go.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let nowhere = NodeAddress {
        system: "b".into(),
        host: "127.0.0.1".into(),
        port: u32::from(port),
        uid: 0,
    };
    let target = at(&nowhere, "/user/echo");
    let first = a.tell(&target, "seq", Bytes::from_static(b"1"));
    let second = a.tell(&target, "seq", Bytes::from_static(b"2"));
    let ask = a.ask(&target, "echo", Bytes::new(), Duration::from_secs(60));
    for (told, payload) in [(first, b"1"), (second, b"2")] {
        let reason = undelivered(told, &mut dead, payload).await;
        assert!(
            matches!(reason, RemoteError::Unreachable { .. }),
            "{reason:?}"
        );
    }
    let error = timeout(WITHIN, ask)
        .await
        .expect("no hang")
        .expect_err("unreachable");
    assert!(
        matches!(error, RemoteError::Unreachable { .. }),
        "{error:?}"
    );
    // Within the backoff, a tell is refused at the call.
    let error = a
        .tell(&target, "seq", Bytes::from_static(b"3"))
        .expect_err("in backoff");
    assert!(
        matches!(error, RemoteError::Unreachable { .. }),
        "{error:?}"
    );
}

async fn a_graceful_shutdown_tells_peers_it_was_on_purpose() {
    let (events, mut links) = collector::<LinkEvent>();
    let (a, _, _) = node("a", |c| c.on_link_event(events)).await;
    let (b, _, mut seen) = node("b", |c| c).await;
    let target = at(b.address(), "/user/echo");
    let held = tokio::spawn(a.ask(&target, "hold", Bytes::new(), Duration::from_secs(60)));
    next_envelopes(&mut seen, 1).await;

    timeout(WITHIN, b.shutdown())
        .await
        .expect("shut down in time");
    let error = timeout(WITHIN, held)
        .await
        .expect("failed at once")
        .expect("joined")
        .expect_err("b left");
    assert!(matches!(error, RemoteError::NodeLeft { .. }), "{error:?}");
    loop {
        if let LinkEvent::Down { reason, .. } = next(&mut links).await {
            assert!(matches!(reason, RemoteError::NodeLeft { .. }), "{reason:?}");
            break;
        }
    }
    // b's own calls after shutdown are refused.
    assert_eq!(
        b.tell(&at(a.address(), "/user/x"), "seq", Bytes::new()),
        Err(RemoteError::LocalShutdown)
    );
}

async fn an_envelope_too_large_for_the_peer_is_refused() {
    let (hook, mut dead) = collector::<DeadLetter>();
    let (a, _, _) = node("a", |c| c.on_dead_letter(hook).max_frame_bytes(4096)).await;
    let (b, _, _) = node("b", |c| c.max_frame_bytes(4096)).await;
    let target = at(b.address(), "/user/echo");
    let big = Bytes::from(vec![1u8; 8 * 1024]);

    // Before the link is up the limit is not known yet: the writer refuses it.
    let told = a.tell(&target, "seq", big.clone());
    let reason = undelivered(told, &mut dead, &big).await;
    assert!(
        matches!(reason, RemoteError::FrameTooLarge { limit: 4096, .. }),
        "{reason:?}"
    );
    // Once it is up, at the call.
    assert!(a.ask(&target, "echo", Bytes::new(), WITHIN).await.is_ok());
    let error = a.tell(&target, "seq", big.clone()).expect_err("too large");
    assert!(
        matches!(error, RemoteError::FrameTooLarge { limit: 4096, size } if size > 8 * 1024),
        "{error:?}"
    );
    let error = a
        .ask(&target, "echo", big, WITHIN)
        .await
        .expect_err("too large");
    assert!(
        matches!(error, RemoteError::FrameTooLarge { limit: 4096, .. }),
        "{error:?}"
    );
    // A reply too large for the asker's frames becomes an error for that ask.
    let error = a
        .ask(&target, "big", Bytes::new(), WITHIN)
        .await
        .expect_err("the reply does not fit");
    assert!(
        matches!(error, RemoteError::FrameTooLarge { limit: 4096, .. }),
        "{error:?}"
    );
    assert!(a.ask(&target, "echo", Bytes::new(), WITHIN).await.is_ok());
}

async fn lookup_spawn_stop_and_watch() {
    let (a, _, _) = node("a", |c| c).await;
    let (b, recorder, _) = node("b", |c| c).await;
    let here = b.address().clone();

    let found = a
        .lookup(at(&here, "/user/echo"))
        .await
        .expect("answered")
        .expect("found");
    assert_eq!(found.kind, "test.v1.Echo");
    assert_eq!(
        found.address.node.as_ref(),
        Some(&here),
        "the node is filled in"
    );
    assert_eq!(found.address.id, 7);
    assert_eq!(a.lookup(at(&here, "/user/none")).await, Ok(None));

    let spawned = a
        .spawn(&here, "test.v1.Echo", Bytes::new(), Some("second".into()))
        .await
        .expect("spawned");
    assert_eq!(spawned.path, "/user/second");
    assert_eq!(spawned.node.as_ref(), Some(&here));
    let error = a
        .spawn(&here, "test.v1.Missing", Bytes::new(), None)
        .await
        .expect_err("unknown kind");
    assert!(
        matches!(error, RemoteError::UnknownKind { .. }),
        "{error:?}"
    );

    assert_eq!(a.stop(at(&here, "/user/echo"), true).await, Ok(true));
    assert_eq!(a.stop(at(&here, "/user/echo"), false).await, Ok(false));

    let nobody = a.watch(at(&here, "/user/none")).await.expect("answered");
    assert_eq!(
        nobody.terminated().await.cause(),
        StopCause::NotFound,
        "a missing actor is reported at once"
    );
    // An actor of another incarnation of the node is not there, whatever lives at its path.
    let earlier = NodeAddress {
        uid: here.uid.wrapping_add(1).max(1),
        ..here.clone()
    };
    let stale = a.watch(at(&earlier, "/user/echo")).await.expect("answered");
    assert_eq!(
        timeout(WITHIN, stale.terminated())
            .await
            .expect("at once")
            .cause(),
        StopCause::NotFound,
        "another incarnation's actor is not found"
    );
    let watch = a.watch(at(&here, "/user/echo")).await.expect("watching");
    assert_eq!(watch.address().id, 7);
    let terminated = Terminated {
        address: Some(ActorAddress {
            node: Some(here.clone()),
            path: "/user/echo".into(),
            id: 7,
        }),
        cause: StopCause::Killed.into(),
        message: String::new(),
    };
    let sender = recorder.watchers.lock().unwrap().pop().expect("a watcher");
    sender.send(terminated.clone()).expect("the watch waits");
    assert_eq!(timeout(WITHIN, watch.terminated()).await, Ok(terminated));

    // A watch whose node goes away ends with NODE_UNREACHABLE.
    let watch = a.watch(at(&here, "/user/echo")).await.expect("watching");
    timeout(WITHIN, b.shutdown()).await.expect("shut down");
    let end = timeout(WITHIN, watch.terminated()).await.expect("ended");
    assert_eq!(end.cause(), StopCause::NodeUnreachable);
}

async fn user_interceptors_and_layers_run_on_both_sides() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = calls.clone();
    let (b, _, _) = node("b", |c| {
        c.server_interceptor(|request| {
            if request.metadata().get("x-tenant").is_some() {
                Ok(request)
            } else {
                Err(Status::permission_denied("no tenant"))
            }
        })
        .server_layer(tower::layer::layer_fn(
            move |inner: rakt::remote::HttpService| {
                let counted = counted.clone();
                tower::service_fn(move |request| {
                    counted.fetch_add(1, Ordering::Relaxed);
                    let mut inner = inner.clone();
                    async move {
                        use tower::{Service, ServiceExt};
                        inner.ready().await?.call(request).await
                    }
                })
            },
        ))
    })
    .await;
    let target = at(b.address(), "/user/echo");

    let (plain, _, _) = node("a", |c| c).await;
    let error = plain
        .lookup(target.clone())
        .await
        .expect_err("no tenant header");
    assert!(
        matches!(error, RemoteError::Unreachable { ref reason, .. } if reason.contains("no tenant")),
        "{error:?}"
    );

    let (tenant, _, _) = node("c", |c| {
        c.client_interceptor(|mut request| {
            request
                .metadata_mut()
                .insert("x-tenant", "blue".parse().expect("ascii"));
            Ok(request)
        })
    })
    .await;
    assert!(
        tenant
            .lookup(target.clone())
            .await
            .expect("answered")
            .is_some()
    );
    assert_eq!(
        tenant
            .ask(&target, "echo", Bytes::from_static(b"t"), WITHIN)
            .await
            .as_deref(),
        Ok(&b"t"[..])
    );
    assert!(
        calls.load(Ordering::Relaxed) >= 3,
        "the layer saw every call"
    );
}

/// Two nodes configured with `compression` carry an ask and its reply, and the calls travel
/// with the `grpc-encoding` `name`.
#[cfg(any(feature = "remote-gzip", feature = "remote-zstd"))]
async fn compressed_links_carry_asks(compression: rakt::remote::Compression, name: &str) {
    let encodings = Arc::new(Mutex::new(Vec::<String>::new()));
    let seen = encodings.clone();
    let (a, _, _) = node("a", |c| c.compression(compression)).await;
    let (b, _, _) = node("b", |c| {
        c.compression(compression)
            .server_interceptor(move |request| {
                if let Some(encoding) = request.metadata().get("grpc-encoding") {
                    let encoding = encoding.to_str().unwrap_or("not ASCII").to_owned();
                    seen.lock().unwrap().push(encoding);
                }
                Ok(request)
            })
    })
    .await;
    let payload = Bytes::from(vec![b'z'; 32 * 1024]);
    assert_eq!(
        a.ask(
            &at(b.address(), "/user/echo"),
            "echo",
            payload.clone(),
            WITHIN
        )
        .await,
        Ok(payload)
    );
    let encodings = encodings.lock().unwrap();
    assert!(
        !encodings.is_empty() && encodings.iter().all(|encoding| encoding == name),
        "{encodings:?}"
    );
}

#[cfg(feature = "remote-gzip")]
async fn gzip_compressed_links_carry_asks() {
    compressed_links_carry_asks(rakt::remote::Compression::Gzip, "gzip").await;
}

#[cfg(feature = "remote-zstd")]
async fn zstd_compressed_links_carry_asks() {
    compressed_links_carry_asks(rakt::remote::Compression::Zstd, "zstd").await;
}

#[test]
fn bad_settings_are_typed_errors() {
    let build = |configure: fn(NodeConfigBuilder) -> NodeConfigBuilder| {
        configure(NodeConfig::builder("ok")).build().map(|_| ())
    };
    assert_eq!(
        NodeConfig::builder("no spaces").build().map(|_| ()),
        Err(NodeConfigError::InvalidSystemName("no spaces".into()))
    );
    assert!(matches!(
        build(|c| c.listen("0.0.0.0", 0)),
        Err(NodeConfigError::WildcardWithoutAdvertiseHost(_))
    ));
    assert_eq!(
        build(|c| c.listen("0.0.0.0", 0).advertise_host("node-1.local")),
        Ok(())
    );
    assert!(matches!(
        build(|c| c.listen("bad host", 0)),
        Err(NodeConfigError::InvalidHost {
            which: "listen",
            ..
        })
    ));
    assert!(matches!(
        build(|c| c.max_frame_bytes(10)),
        Err(NodeConfigError::FrameLimit { got: 10, .. })
    ));
    assert_eq!(
        build(|c| c.auth_token("two words")),
        Err(NodeConfigError::InvalidAuthToken)
    );
    assert_eq!(
        build(|c| c.connect_timeout(Duration::ZERO)),
        Err(NodeConfigError::ZeroDuration("connect_timeout"))
    );
    assert!(matches!(
        build(|c| c.reconnect_backoff(Duration::from_secs(2), Duration::from_secs(1))),
        Err(NodeConfigError::Backoff { .. })
    ));
    assert_eq!(build(|c| c.listen("::1", 0)), Ok(()));
}

#[tokio::test]
async fn a_port_in_use_is_a_start_error() {
    let (b, _, _) = node("b", |c| c).await;
    let config = NodeConfig::builder("c")
        .listen("127.0.0.1", b.address().port as u16)
        .build()
        .expect("valid");
    let error = Node::start(config, Recorder::new().0)
        .await
        .expect_err("the port is taken");
    assert!(
        matches!(error, rakt::remote::StartError::Bind { .. }),
        "{error:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thread_outside_any_runtime_can_tell() {
    let (a, _, _) = node("a", |c| c).await;
    let (b, _, mut seen) = node("b", |c| c).await;
    let target = at(b.address(), "/user/sink");
    std::thread::spawn(move || {
        for seq in 0..3u8 {
            a.tell(&target, "seq", Bytes::from(vec![seq]))
                .expect("queued from a plain thread");
        }
    })
    .join()
    .expect("the thread finished");
    let payloads: Vec<_> = next_envelopes(&mut seen, 3)
        .await
        .into_iter()
        .map(|envelope| envelope.payload)
        .collect();
    assert_eq!(payloads, [&[0u8][..], &[1], &[2]]);
}

#[test]
fn handles_cross_threads() {
    fn both<T: Send + Sync>() {}
    both::<Node>();
    both::<ReplyTo>();
    both::<RemoteError>();
}

on_both_runtimes!(
    tells_from_four_senders_arrive_each_in_its_order,
    tells_to_two_peers_in_turn_reach_each_its_own,
    asks_get_their_own_replies,
    an_unanswered_ask_times_out_and_its_timeout_travels,
    per_call_errors_are_typed_and_leave_other_calls_alone,
    the_auth_token_is_required_and_checked,
    a_node_refuses_links_meant_for_another_node,
    handshakes_of_other_versions_and_other_incarnations_are_refused,
    garbage_gets_a_status_and_the_node_keeps_serving,
    a_panicking_inbound_fails_that_call_only,
    a_killed_peer_fails_pending_asks_at_once_and_comes_back_on_its_port,
    tells_to_an_unreachable_node_become_dead_letters_then_fail_fast,
    a_graceful_shutdown_tells_peers_it_was_on_purpose,
    an_envelope_too_large_for_the_peer_is_refused,
    lookup_spawn_stop_and_watch,
    user_interceptors_and_layers_run_on_both_sides,
    #[cfg(feature = "remote-gzip")]
    gzip_compressed_links_carry_asks,
    #[cfg(feature = "remote-zstd")]
    zstd_compressed_links_carry_asks,
);
