//! Remoting over loopback: rakt's transport beside raw tonic on the same runtime, in one run.
//!
//! Two nodes in one process, on 127.0.0.1 (the runtime has 2 worker threads, the machine 2
//! cores). The message is the same everywhere: an envelope for `/user/counter`, method
//! `bench.v1.Counter/add`, an 8-byte payload. Groups:
//! - `remote_tell/raw_unbatched`: one tonic `Link` call streaming `TELLS` frames of one
//!   envelope each to a server that counts them;
//! - `remote_tell/raw_batched`: the same envelopes in frames of `RAW_BATCH` envelopes;
//! - `remote_tell/rakt_4_senders`: 4 tasks each telling `TELLS / 4` through
//!   [`Node::tell`]; the iteration ends when the receiving node's `Inbound` has seen all of them.
//!   The writer batches by itself; envelopes per frame are printed after the group.
//! - `remote_ask/raw_unary`: one unary tonic call (`Lookup`, answered at once) after another;
//! - `remote_ask/rakt`: one [`Node::ask`] after another, answered at once by the peer's
//!   `Inbound` (echo).
//!
//! Run: `cargo bench -p rakt --features remote --bench remote`.

mod common;

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use futures_util::{Stream, StreamExt, stream};
use prost::bytes::Bytes;
use rakt::remote::proto::v1::remoting_client::RemotingClient;
use rakt::remote::proto::v1::remoting_server::{Remoting, RemotingServer};
use rakt::remote::proto::v1::{
    ActorAddress, Envelope, Frame, LookupRequest, LookupResponse, NodeAddress, SpawnRequest,
    SpawnResponse, StopRequest, StopResponse, WatchEvent, WatchRequest,
};
use rakt::remote::{Inbound, Node, NodeConfig, ReplyTo};
use tokio::runtime::Runtime;
use tokio::sync::Notify;
use tonic::transport::Channel;
use tonic::transport::server::TcpIncoming;
use tonic::{Request, Response, Status, Streaming};

use common::{on_worker, runtime};

/// Tells per iteration of `remote_tell`.
const TELLS: u64 = 200_000;
/// Senders of `remote_tell/rakt_4_senders`.
const SENDERS: u64 = 4;
/// Envelopes per frame of `remote_tell/raw_batched`.
const RAW_BATCH: usize = 1024;
/// The method every envelope names.
const METHOD: &str = "bench.v1.Counter/add";

fn payload() -> Bytes {
    Bytes::from_static(&[0x08, 0xd2, 0x09, 0, 0, 0, 0, 0])
}

fn envelope() -> Envelope {
    Envelope {
        target: Some(ActorAddress {
            node: None,
            path: "/user/counter".into(),
            id: 0,
        }),
        method: METHOD.into(),
        payload: payload(),
        ..Envelope::default()
    }
}

/// The receiving node's `Inbound`: counts tells, wakes the bench at the target, echoes asks.
#[derive(Default)]
struct Counter {
    seen: AtomicU64,
    target: AtomicU64,
    reached: Notify,
}

impl Inbound for Counter {
    fn envelope(&self, _from: &NodeAddress, envelope: Envelope, reply: Option<ReplyTo>) {
        match reply {
            Some(reply) => reply.send(envelope.payload),
            None => {
                let seen = self.seen.fetch_add(1, Ordering::Relaxed) + 1;
                if seen == self.target.load(Ordering::Relaxed) {
                    self.reached.notify_one();
                }
            }
        }
    }
}

/// A raw tonic server of the same service: `Link` counts the envelopes of the frames it reads
/// and, when the caller ends its stream, answers one frame whose one envelope carries the count
/// in `correlation_id`; `Lookup` answers at once.
struct RawSink;

type FrameStream = Pin<Box<dyn Stream<Item = Result<Frame, Status>> + Send>>;

#[tonic::async_trait]
impl Remoting for RawSink {
    type LinkStream = FrameStream;
    type WatchStream = Pin<Box<dyn Stream<Item = Result<WatchEvent, Status>> + Send>>;

    async fn link(
        &self,
        request: Request<Streaming<Frame>>,
    ) -> Result<Response<Self::LinkStream>, Status> {
        let mut frames = request.into_inner();
        let done = async move {
            let mut count = 0u64;
            while let Some(frame) = frames.message().await? {
                count += frame.envelopes.len() as u64;
            }
            Ok(Frame {
                envelopes: vec![Envelope {
                    correlation_id: count,
                    ..Envelope::default()
                }],
                ..Frame::default()
            })
        };
        Ok(Response::new(Box::pin(stream::once(done))))
    }

    async fn lookup(
        &self,
        _request: Request<LookupRequest>,
    ) -> Result<Response<LookupResponse>, Status> {
        Ok(Response::new(LookupResponse::default()))
    }

    async fn spawn(&self, _: Request<SpawnRequest>) -> Result<Response<SpawnResponse>, Status> {
        Err(Status::unimplemented("bench"))
    }

    async fn stop(&self, _: Request<StopRequest>) -> Result<Response<StopResponse>, Status> {
        Err(Status::unimplemented("bench"))
    }

    async fn watch(&self, _: Request<WatchRequest>) -> Result<Response<Self::WatchStream>, Status> {
        Err(Status::unimplemented("bench"))
    }
}

/// Serves [`RawSink`] on loopback; a client connected to it.
async fn raw() -> RemotingClient<Channel> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(
        tonic::transport::Server::builder()
            .tcp_nodelay(true)
            .serve_with_incoming(
                RemotingServer::new(RawSink),
                TcpIncoming::from(listener).with_nodelay(Some(true)),
            ),
    );
    let channel = tonic::transport::Endpoint::from_shared(format!("http://{address}"))
        .expect("url")
        .tcp_nodelay(true)
        .connect()
        .await
        .expect("connect");
    RemotingClient::new(channel)
}

/// One raw streaming call of `TELLS` envelopes in frames of `batch`; the count the server saw.
async fn raw_stream(mut client: RemotingClient<Channel>, batch: usize) -> u64 {
    let frames = (0..TELLS as usize).step_by(batch).map(move |start| Frame {
        envelopes: (start..(start + batch).min(TELLS as usize))
            .map(|_| envelope())
            .collect(),
        ..Frame::default()
    });
    let mut answer = client
        .link(stream::iter(frames))
        .await
        .expect("link")
        .into_inner();
    let frame = answer.next().await.expect("an answer").expect("ok");
    frame.envelopes[0].correlation_id
}

fn tells(c: &mut Criterion, rt: &Runtime) {
    let client = rt.block_on(raw());
    let (a, b, counter) = rt.block_on(nodes());
    let target = ActorAddress {
        node: Some(b.address().clone()),
        path: "/user/counter".into(),
        id: 0,
    };

    let mut group = c.benchmark_group("remote_tell");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(8))
        .throughput(Throughput::Elements(TELLS));
    for (name, batch) in [("raw_unbatched", 1), ("raw_batched", RAW_BATCH)] {
        group.bench_function(name, |bench| {
            bench.iter_custom(|iters| {
                let mut elapsed = Duration::ZERO;
                for _ in 0..iters {
                    let client = client.clone();
                    let (took, seen) = on_worker(rt, async move {
                        let start = Instant::now();
                        let seen = raw_stream(client, batch).await;
                        (start.elapsed(), seen)
                    });
                    assert_eq!(seen, TELLS, "envelopes lost");
                    elapsed += took;
                }
                elapsed
            })
        });
    }
    let before = a.stats();
    group.bench_function("rakt_4_senders", |bench| {
        bench.iter_custom(|iters| {
            let mut elapsed = Duration::ZERO;
            for _ in 0..iters {
                let (a, target, counter) = (a.clone(), target.clone(), counter.clone());
                elapsed += on_worker(rt, async move {
                    counter.seen.store(0, Ordering::Relaxed);
                    counter.target.store(TELLS, Ordering::Relaxed);
                    let reached = counter.reached.notified();
                    let start = Instant::now();
                    let senders: Vec<_> = (0..SENDERS)
                        .map(|_| {
                            let (a, target) = (a.clone(), target.clone());
                            tokio::spawn(async move {
                                for n in 0..TELLS / SENDERS {
                                    a.tell(&target, METHOD, payload()).expect("queued");
                                    if n % 256 == 0 {
                                        tokio::task::yield_now().await;
                                    }
                                }
                            })
                        })
                        .collect();
                    for sender in senders {
                        sender.await.expect("sender");
                    }
                    reached.await;
                    start.elapsed()
                });
            }
            elapsed
        })
    });
    group.finish();
    let after = a.stats();
    let frames = after.frames_sent - before.frames_sent;
    let envelopes = after.envelopes_sent - before.envelopes_sent;
    println!(
        "remote_tell/rakt_4_senders: {envelopes} envelopes in {frames} frames ({:.1} per frame)",
        envelopes as f64 / frames.max(1) as f64
    );
    rt.block_on(async {
        a.shutdown().await;
        b.shutdown().await;
    });
}

/// Two nodes; the second counts and echoes.
async fn nodes() -> (Node, Node, Arc<Counter>) {
    let counter = Arc::new(Counter::default());
    let a = Node::start(
        NodeConfig::builder("a").build().expect("config"),
        Counter::default(),
    )
    .await
    .expect("a");
    let b = Node::start(
        NodeConfig::builder("b").build().expect("config"),
        counter.clone(),
    )
    .await
    .expect("b");
    (a, b, counter)
}

fn asks(c: &mut Criterion, rt: &Runtime) {
    let client = rt.block_on(raw());
    let (a, b, _) = rt.block_on(nodes());
    let target = ActorAddress {
        node: Some(b.address().clone()),
        path: "/user/counter".into(),
        id: 0,
    };
    // Open the link before measuring.
    rt.block_on(async {
        a.ask(&target, METHOD, payload(), Duration::from_secs(5))
            .await
    })
    .expect("warm");

    let mut group = c.benchmark_group("remote_ask");
    group
        .sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    group.bench_function("raw_unary", |bench| {
        bench.iter_custom(|iters| {
            let client = client.clone();
            on_worker(rt, async move {
                let mut client = client;
                let start = Instant::now();
                for _ in 0..iters {
                    client
                        .lookup(LookupRequest::default())
                        .await
                        .expect("lookup");
                }
                start.elapsed()
            })
        })
    });
    group.bench_function("rakt", |bench| {
        bench.iter_custom(|iters| {
            let (a, target) = (a.clone(), target.clone());
            on_worker(rt, async move {
                let start = Instant::now();
                for _ in 0..iters {
                    a.ask(&target, METHOD, payload(), Duration::from_secs(5))
                        .await
                        .expect("ask");
                }
                start.elapsed()
            })
        })
    });
    group.finish();
    rt.block_on(async {
        a.shutdown().await;
        b.shutdown().await;
    });
}

fn remote(c: &mut Criterion) {
    let rt = runtime();
    asks(c, &rt);
    tells(c, &rt);
}

criterion_group!(benches, remote);
criterion_main!(benches);
