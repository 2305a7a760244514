//! Streamed replies across nodes (feature `remote`): two actor systems in one process, each
//! with a node on 127.0.0.1 port 0, one serving an actor whose handlers answer with a stream
//! (`StreamSlot`), the other reading those streams through the actor's own typed handle.
//!
//! Real sockets need real time, so nothing here runs on the paused clock; every wait is
//! bounded and the evidence is an outcome (the items, a typed error, a counter of the
//! producer's reaching a value), never the time a sleep took.

use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::{Stream, StreamExt};
use prost::bytes::Bytes;
use rakt::prelude::*;
use rakt::remote::proto::v1::remoting_server::{Remoting as RemotingService, RemotingServer};
use rakt::remote::proto::v1::{
    ActorAddress, Frame, Handshake, LookupRequest, LookupResponse, NodeAddress, Reply,
    SpawnRequest, SpawnResponse, StopRequest, StopResponse, StreamControl, WatchEvent,
    WatchRequest, reply, watch_event,
};
use rakt::remote::{NodeConfig, Remoting};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::timeout;
use tonic::{Request, Response, Status, Streaming};

#[macro_use]
#[path = "support/runtimes.rs"]
mod runtimes;

/// How long any one outcome may take before a test fails.
const WITHIN: Duration = Duration::from_secs(10);

/// The items a caller's stream holds (the credit its node grants), and as many wait in the
/// serving node's own buffer: how far a producer can get ahead of a caller that reads nothing.
const WINDOW: u64 = rakt::STREAM_BUFFER as u64;

on_both_runtimes!(
    items_arrive_in_order_past_many_windows,
    a_handler_error_ends_the_stream_typed,
    a_panicking_handler_ends_the_stream_as_failed,
    dropping_the_stream_stops_the_remote_producer,
    a_slow_reader_holds_the_remote_producer_at_the_window,
    the_deadline_bounds_the_whole_stream,
    a_lost_connection_ends_the_stream_at_once,
    a_stopped_actor_ends_the_stream_as_stopped,
    a_peer_beyond_its_credit_fails_that_stream_only,
);

/// What the feed's producers did, for the test to see.
#[derive(Default)]
pub struct Seen {
    /// Items a producer sent (its `send` returned `Ok`).
    produced: AtomicU64,
    /// Set when a producer found that nobody reads any more.
    closed: AtomicBool,
}

/// Streams numbers; served remotely. (`Default` for its restart, which gives it a fresh `Seen`.)
#[actor]
#[derive(Default)]
pub struct Feed {
    seen: Arc<Seen>,
}

#[actor(remote = "test.v1")]
impl Feed {
    /// `count` numbers from `from`, in order.
    pub async fn numbers(&self, from: u64, count: u64, mut items: StreamSlot<u64>) {
        for n in from..from + count {
            if items.send(n).await.is_err() {
                return;
            }
        }
    }

    /// The numbers below `count`, then the handler's error.
    pub async fn failing(&self, count: u64, mut items: StreamSlot<u64, String>) {
        for n in 0..count {
            if items.send(n).await.is_err() {
                return;
            }
        }
        items.fail(format!("failed after {count}"));
    }

    /// The numbers below `count`, then a panic.
    pub async fn panicking(&self, count: u64, mut items: StreamSlot<u64>) {
        for n in 0..count {
            if items.send(n).await.is_err() {
                return;
            }
        }
        panic!("boom after {count}");
    }

    /// Counts up from 0 on a task of its own (the actor stays free), until nobody reads,
    /// recording each item sent and the end.
    pub fn endless(&self, mut items: StreamSlot<u64>) {
        let seen = self.seen.clone();
        tokio::spawn(async move {
            let mut n = 0;
            while items.send(n).await.is_ok() {
                seen.produced.fetch_add(1, Ordering::SeqCst);
                n += 1;
            }
            assert!(items.is_closed(), "a send fails only once nobody reads");
            seen.closed.store(true, Ordering::SeqCst);
        });
    }

    /// Sends one item, then waits (on a task of its own) until nobody reads.
    pub fn stall(&self, mut items: StreamSlot<u64>) {
        let seen = self.seen.clone();
        tokio::spawn(async move {
            if items.send(1).await.is_ok() {
                items.closed().await;
            }
            seen.closed.store(true, Ordering::SeqCst);
        });
    }
}

/// A system named `name` with a node on 127.0.0.1 (advertised as `advertise`), port 0.
async fn node(name: &str, advertise: &str) -> (ActorSystem, Remoting) {
    let system = ActorSystem::builder(name)
        .quiet_panics()
        .build()
        .await
        .unwrap();
    let config = NodeConfig::builder(name)
        .listen("127.0.0.1", 0)
        .advertise_host(advertise)
        .reconnect_backoff(Duration::from_millis(20), Duration::from_millis(100))
        .unreachable_after(Duration::from_secs(60))
        .build()
        .unwrap();
    let remoting = Remoting::start(&system, config).await.unwrap();
    (system, remoting)
}

/// The serving side: a system with a `Feed` named `feed` (restarted on failure), its node
/// advertised as `advertise`, and what the feed's producers do.
async fn server(advertise: &str) -> (ActorSystem, Remoting, Arc<Seen>) {
    let (server, remoting) = node("server", advertise).await;
    server.register::<Feed>();
    let seen = Arc::new(Seen::default());
    let _feed: FeedRef = server
        .spawn_supervised("feed", Feed { seen: seen.clone() }, Supervision::restart())
        .await
        .unwrap();
    (server, remoting, seen)
}

/// The calling side: a system with a node, and its handle to the feed served by `remoting`.
async fn client(remoting: &Remoting) -> (ActorSystem, FeedRef) {
    let (client, _) = node("client", "127.0.0.1").await;
    let feed = timeout(
        WITHIN,
        client.lookup_remote(&remoting.actor_address("/user/feed")),
    )
    .await
    .unwrap()
    .unwrap();
    (client, feed)
}

/// Waits (within [`WITHIN`], else fails saying `what`) until `condition` holds.
async fn until(condition: impl Fn() -> bool, what: &str) {
    let polled = timeout(WITHIN, async {
        while !condition() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    });
    polled
        .await
        .unwrap_or_else(|_| panic!("not in time: {what}"));
}

/// The next item of `stream`, within [`WITHIN`].
async fn next<T, E>(stream: &mut ReplyStream<T, E>) -> Option<Result<T, AskError<E>>> {
    timeout(WITHIN, stream.next())
        .await
        .expect("the stream moves on in time")
}

async fn items_arrive_in_order_past_many_windows() {
    let (server, remoting, _) = server("127.0.0.1").await;
    let (client, feed) = client(&remoting).await;
    let count = WINDOW * 5 + 3;
    let mut numbers = timeout(WITHIN, feed.numbers(10, count))
        .await
        .unwrap()
        .unwrap();
    let mut seen = Vec::new();
    while let Some(item) = next(&mut numbers).await {
        seen.push(item.expect("no error"));
    }
    assert_eq!(seen, (10..10 + count).collect::<Vec<_>>());
    assert!(next(&mut numbers).await.is_none(), "ended for good");
    // An empty stream ends at once, and the link serves the next one.
    let mut none = feed.numbers(0, 0).await.unwrap();
    assert!(next(&mut none).await.is_none());
    client.shutdown().await;
    server.shutdown().await;
}

async fn a_handler_error_ends_the_stream_typed() {
    let (server, remoting, _) = server("127.0.0.1").await;
    let (client, feed) = client(&remoting).await;
    let mut failing = feed.failing(3).await.unwrap();
    let mut seen = Vec::new();
    while let Some(item) = next(&mut failing).await {
        seen.push(item);
    }
    assert_eq!(
        seen,
        [
            Ok(0),
            Ok(1),
            Ok(2),
            Err(AskError::Handler("failed after 3".to_owned()))
        ]
    );
    client.shutdown().await;
    server.shutdown().await;
}

async fn a_panicking_handler_ends_the_stream_as_failed() {
    let (server, remoting, _) = server("127.0.0.1").await;
    let (client, feed) = client(&remoting).await;
    let mut panicking = feed.panicking(2).await.unwrap();
    assert_eq!(next(&mut panicking).await, Some(Ok(0)));
    assert_eq!(next(&mut panicking).await, Some(Ok(1)));
    let failed = next(&mut panicking).await;
    assert!(
        matches!(&failed, Some(Err(AskError::Failed(why))) if why.contains("boom after 2")),
        "{failed:?}"
    );
    assert!(next(&mut panicking).await.is_none());
    // The node (and, restarted, the actor) serves on.
    let mut numbers = feed.numbers(0, 2).await.unwrap();
    assert_eq!(next(&mut numbers).await, Some(Ok(0)));
    client.shutdown().await;
    server.shutdown().await;
}

async fn dropping_the_stream_stops_the_remote_producer() {
    let (server, remoting, seen) = server("127.0.0.1").await;
    let (client, feed) = client(&remoting).await;
    let mut endless = feed.endless().await.unwrap();
    for expected in 0..3 {
        assert_eq!(next(&mut endless).await, Some(Ok(expected)));
    }
    assert!(!seen.closed.load(Ordering::SeqCst), "still read");
    drop(endless);
    until(
        || seen.closed.load(Ordering::SeqCst),
        "the producer's send fails",
    )
    .await;
    client.shutdown().await;
    server.shutdown().await;
}

async fn a_slow_reader_holds_the_remote_producer_at_the_window() {
    let (server, remoting, seen) = server("127.0.0.1").await;
    let (client, feed) = client(&remoting).await;
    let produced = || seen.produced.load(Ordering::SeqCst);
    let mut endless = feed.endless().await.unwrap();
    // Nothing read: the caller's node holds a window's worth (the credit it granted), the
    // serving node's buffer another, and the producer waits.
    until(
        || produced() == 2 * WINDOW,
        "the producer fills both buffers",
    )
    .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(produced(), 2 * WINDOW, "and gets no further");
    // Reading a window's worth renews that much credit: the producer moves on by as much.
    for expected in 0..WINDOW {
        assert_eq!(next(&mut endless).await, Some(Ok(expected)));
    }
    until(
        || produced() == 3 * WINDOW,
        "the producer moves on by what was read",
    )
    .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(produced(), 3 * WINDOW, "and no further");
    // The items are those produced, in order.
    for expected in WINDOW..3 * WINDOW {
        assert_eq!(next(&mut endless).await, Some(Ok(expected)));
    }
    drop(endless);
    until(|| seen.closed.load(Ordering::SeqCst), "the producer stops").await;
    client.shutdown().await;
    server.shutdown().await;
}

async fn the_deadline_bounds_the_whole_stream() {
    let (server, remoting, seen) = server("127.0.0.1").await;
    let (client, feed) = client(&remoting).await;
    let deadline = Duration::from_millis(300);
    let mut stalled = feed.stall().timeout(deadline).await.unwrap();
    assert_eq!(
        next(&mut stalled).await,
        Some(Ok(1)),
        "items flow before it"
    );
    assert_eq!(
        next(&mut stalled).await,
        Some(Err(AskError::Timeout(deadline)))
    );
    assert!(next(&mut stalled).await.is_none());
    until(
        || seen.closed.load(Ordering::SeqCst),
        "the producer hears that nobody reads",
    )
    .await;
    client.shutdown().await;
    server.shutdown().await;
}

/// A TCP relay in front of a node: peers reach the node through it, and the test can cut it
/// (every connection through it dropped, as when a node's network goes).
struct Relay {
    /// The accepting task and one task per connection.
    tasks: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl Relay {
    async fn open(front: SocketAddr, back: SocketAddr) -> Relay {
        let listener = TcpListener::bind(front).await.expect("the relay's port");
        let tasks: Arc<Mutex<Vec<JoinHandle<()>>>> = Arc::default();
        let relayed = tasks.clone();
        let accepting = tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let relay = tokio::spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(back).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                relayed.lock().unwrap().push(relay);
            }
        });
        tasks.lock().unwrap().push(accepting);
        Relay { tasks }
    }

    /// Drops every connection and the listener, and returns once they are gone.
    async fn cut(&self) {
        let tasks: Vec<_> = self.tasks.lock().unwrap().drain(..).collect();
        for task in tasks {
            task.abort();
            let _ = task.await;
        }
    }
}

/// The connection between the nodes drops mid-stream (the serving node's network goes): the
/// caller's stream fails at once with a remote error, long before any deadline, and the
/// serving node, which lost the link too, stops the producer.
async fn a_lost_connection_ends_the_stream_at_once() {
    // The server listens on 127.0.0.1 and advertises 127.0.0.2 (loopback too, on Linux),
    // where a relay forwards to it.
    let (server, remoting, seen) = server("127.0.0.2").await;
    let port = u16::try_from(remoting.address().port).unwrap();
    let relay = Relay::open(
        SocketAddr::from(([127, 0, 0, 2], port)),
        SocketAddr::from(([127, 0, 0, 1], port)),
    )
    .await;
    let (client, feed) = client(&remoting).await;
    let mut stalled = feed.stall().timeout(Duration::from_secs(60)).await.unwrap();
    assert_eq!(next(&mut stalled).await, Some(Ok(1)));
    relay.cut().await;
    let lost = next(&mut stalled).await;
    assert!(matches!(lost, Some(Err(AskError::Remote(_)))), "{lost:?}");
    assert!(next(&mut stalled).await.is_none());
    until(
        || seen.closed.load(Ordering::SeqCst),
        "the serving node drops the stream with its link",
    )
    .await;
    client.shutdown().await;
    server.shutdown().await;
}

/// A streaming ask to an actor that has stopped ends as an ask would: `Stopped`.
async fn a_stopped_actor_ends_the_stream_as_stopped() {
    let (server, remoting, _) = server("127.0.0.1").await;
    let (client, feed) = client(&remoting).await;
    let local: FeedRef = server.lookup("feed").expect("spawned");
    local.stop().await;
    let ended = match feed.numbers(0, 3).await {
        Ok(mut numbers) => next(&mut numbers).await,
        Err(error) => Some(Err(error)),
    };
    assert_eq!(ended, Some(Err(AskError::Stopped)));
    client.shutdown().await;
    server.shutdown().await;
}

// --- a hostile peer ------------------------------------------------------------------------

/// A peer that speaks the protocol's handshake, finds a `test.v1.Feed` at any path, and answers
/// every streaming ask with one item more than the credit it was granted, all at once. It
/// reports the controls it receives and counts the links opened to it.
struct Hostile {
    me: NodeAddress,
    controls: mpsc::UnboundedSender<StreamControl>,
    links: Arc<AtomicU64>,
}

type Frames = Pin<Box<dyn Stream<Item = Result<Frame, Status>> + Send>>;

#[tonic::async_trait]
impl RemotingService for Hostile {
    type LinkStream = Frames;
    type WatchStream = Pin<Box<dyn Stream<Item = Result<WatchEvent, Status>> + Send>>;

    async fn link(&self, request: Request<Streaming<Frame>>) -> Result<Response<Frames>, Status> {
        self.links.fetch_add(1, Ordering::SeqCst);
        let mut frames = request.into_inner();
        let (tx, mut rx) = mpsc::unbounded_channel();
        let hello = Frame {
            handshake: Some(Handshake {
                protocol_version: 1,
                from: Some(self.me.clone()),
                to: None,
                max_frame_bytes: 0,
            }),
            ..Frame::default()
        };
        let _ = tx.send(Ok(hello));
        let controls = self.controls.clone();
        tokio::spawn(async move {
            while let Ok(Some(frame)) = frames.message().await {
                for envelope in frame.envelopes {
                    let replies = (1..=u64::from(envelope.stream_window) + 1)
                        .map(|n| Reply {
                            correlation_id: envelope.correlation_id,
                            // `value = n` of the reply message: field 1, a varint.
                            outcome: Some(reply::Outcome::Payload(Bytes::from(vec![
                                0x08,
                                u8::try_from(n).expect("a small window"),
                            ]))),
                            more: true,
                        })
                        .collect();
                    let _ = tx.send(Ok(Frame {
                        replies,
                        ..Frame::default()
                    }));
                }
                for control in frame.controls {
                    let _ = controls.send(control);
                }
            }
        });
        let frames = futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx));
        Ok(Response::new(Box::pin(frames)))
    }

    async fn lookup(
        &self,
        request: Request<LookupRequest>,
    ) -> Result<Response<LookupResponse>, Status> {
        let path = request.into_inner().address.unwrap_or_default().path;
        Ok(Response::new(LookupResponse {
            found: true,
            address: Some(ActorAddress {
                node: Some(self.me.clone()),
                path,
                id: 1,
            }),
            kind: "test.v1.Feed".into(),
        }))
    }

    async fn spawn(&self, _: Request<SpawnRequest>) -> Result<Response<SpawnResponse>, Status> {
        Err(Status::unimplemented("hostile"))
    }

    async fn stop(&self, _: Request<StopRequest>) -> Result<Response<StopResponse>, Status> {
        Err(Status::unimplemented("hostile"))
    }

    async fn watch(
        &self,
        request: Request<WatchRequest>,
    ) -> Result<Response<Self::WatchStream>, Status> {
        // Watching, for ever.
        let watching = WatchEvent {
            event: Some(watch_event::Event::Watching(
                request.into_inner().address.unwrap_or_default(),
            )),
        };
        let events =
            futures_util::stream::iter([Ok(watching)]).chain(futures_util::stream::pending());
        Ok(Response::new(Box::pin(events)))
    }
}

/// A peer that sends more items than the credit it was granted fails that stream only, with a
/// remote error, after the items within the credit; it is told to stop, and the link (and the
/// next stream on it) carries on.
async fn a_peer_beyond_its_credit_fails_that_stream_only() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let me = NodeAddress {
        system: "hostile".into(),
        host: "127.0.0.1".into(),
        port: u32::from(port),
        uid: 99,
    };
    let (controls, mut heard) = mpsc::unbounded_channel();
    let links = Arc::new(AtomicU64::new(0));
    let hostile = Hostile {
        me,
        controls,
        links: links.clone(),
    };
    let serving = tokio::spawn(tonic::transport::Server::builder().serve_with_incoming(
        RemotingServer::new(hostile),
        tonic::transport::server::TcpIncoming::from(listener),
    ));
    let (client, _) = node("client", "127.0.0.1").await;
    let feed: FeedRef = timeout(
        WITHIN,
        client.lookup_remote(&format!("rakt://hostile@127.0.0.1:{port}/user/feed")),
    )
    .await
    .unwrap()
    .unwrap();
    for _ in 0..2 {
        let mut numbers = timeout(WITHIN, feed.numbers(0, 1_000))
            .await
            .unwrap()
            .unwrap();
        // Nothing is read (so no credit is renewed) until the caller's node has refused the
        // item beyond the window and told the peer to stop.
        let control = timeout(WITHIN, heard.recv()).await.unwrap().unwrap();
        assert!(control.cancel, "the peer is told to stop: {control:?}");
        for expected in 1..=WINDOW {
            assert_eq!(next(&mut numbers).await, Some(Ok(expected)));
        }
        let broken = next(&mut numbers).await;
        assert!(
            matches!(&broken, Some(Err(AskError::Remote(why))) if why.contains("credit")),
            "{broken:?}"
        );
        assert!(next(&mut numbers).await.is_none());
    }
    assert_eq!(links.load(Ordering::SeqCst), 1, "one link carried both");
    client.shutdown().await;
    serving.abort();
}
