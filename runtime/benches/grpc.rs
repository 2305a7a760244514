//! The gRPC door over loopback: a unary call from a plain tonic client to an actor through a
//! node's door, beside the same call to a plain tonic service doing the same work, in one run.
//!
//! Both servers run in this process on 127.0.0.1, on the same runtime (2 worker threads, the
//! machine 2 cores), each called over its own HTTP/2 connection by a plain tonic client with
//! a raw-bytes codec. The work is the same: decode `{ 1: amount }`, add it to a total, answer
//! `{ 1: total }`. Groups:
//! - `grpc_unary/plain_tonic`: a tonic server whose unary service does the work in place;
//! - `grpc_unary/rakt_door`: `bench.v1.Account/Deposit` through the node's door, the request
//!   metadata `rakt-actor: account` naming the actor (an `#[actor(remote)]` `Account`), which
//!   does the work in its handler.
//!
//! - `grpc_stream/plain_tonic` and `grpc_stream/rakt_door`: a server-streaming call answered
//!   with 1,000 items `{ 1: i }`, read to its end. The plain service streams from a producer
//!   task over a bounded tokio channel (as tonic's examples do); the door streams from the
//!   actor's handler through its `StreamSlot`, which is the same thing underneath.
//!
//! One call after another, each awaited: the latency of one call, not a throughput.
//!
//! Run: `cargo bench -p rakt --features remote --bench grpc`.

mod common;

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::{Buf, Bytes};
use criterion::{Criterion, criterion_group, criterion_main};
use futures_util::StreamExt;
use futures_util::future::BoxFuture;
use futures_util::stream::BoxStream;
use rakt::prelude::*;
use rakt::remote::{ACTOR_KEY, NodeConfig, RawCodec, Remoting};
use tonic::body::Body;
use tonic::codegen::http;
use tonic::server::{Grpc, ServerStreamingService, UnaryService};
use tonic::transport::Channel;
use tonic::transport::server::TcpIncoming;
use tonic::{Request, Response, Status};

use common::{on_worker, runtime};

/// The account actor behind the door.
#[actor]
#[derive(Default)]
pub struct Account {
    total: u64,
}

#[actor(remote = "bench.v1")]
impl Account {
    /// Adds `amount`; the new total.
    pub fn deposit(&mut self, amount: u64) -> u64 {
        self.total += amount;
        self.total
    }

    /// Streams 1 to `n`.
    pub async fn count(&self, n: u64, mut items: StreamSlot<u64>) {
        for i in 1..=n {
            if items.send(i).await.is_err() {
                return;
            }
        }
    }
}

/// Items per streaming call.
const STREAM_ITEMS: u64 = 1_000;

/// `{ 1: n }`.
fn varint(n: u64) -> Bytes {
    let mut bytes = Vec::new();
    prost::encoding::uint64::encode(1, &n, &mut bytes);
    Bytes::from(bytes)
}

/// Field 1 of `buf`, a varint.
fn field_one(mut buf: Bytes) -> Result<u64, Status> {
    let mut value = 0u64;
    while buf.has_remaining() {
        let (tag, wire_type) = prost::encoding::decode_key(&mut buf)
            .map_err(|e| Status::invalid_argument(e.to_string()))?;
        match tag {
            1 => {
                prost::encoding::uint64::merge(wire_type, &mut value, &mut buf, Default::default())
            }
            _ => prost::encoding::skip_field(wire_type, tag, &mut buf, Default::default()),
        }
        .map_err(|e| Status::invalid_argument(e.to_string()))?;
    }
    Ok(value)
}

/// The plain streaming service: 1 to `n` from a producer task, over a bounded channel.
#[derive(Clone, Copy)]
struct PlainCount;

impl ServerStreamingService<Bytes> for PlainCount {
    type Response = Bytes;
    type ResponseStream = BoxStream<'static, Result<Bytes, Status>>;
    type Future = BoxFuture<'static, Result<Response<Self::ResponseStream>, Status>>;

    fn call(&mut self, request: Request<Bytes>) -> Self::Future {
        Box::pin(async move {
            let n = field_one(request.into_inner())?;
            let (tx, rx) = tokio::sync::mpsc::channel(rakt::STREAM_BUFFER);
            tokio::spawn(async move {
                for i in 1..=n {
                    if tx.send(Ok(varint(i))).await.is_err() {
                        return;
                    }
                }
            });
            let items = futures_util::stream::unfold(rx, |mut rx| async move {
                rx.recv().await.map(|item| (item, rx))
            });
            Ok(Response::new(items.boxed()))
        })
    }
}

/// The plain service: the deposit done in place.
#[derive(Clone, Default)]
struct Plain {
    total: Arc<AtomicU64>,
}

impl UnaryService<Bytes> for Plain {
    type Response = Bytes;
    type Future = BoxFuture<'static, Result<Response<Bytes>, Status>>;

    fn call(&mut self, request: Request<Bytes>) -> Self::Future {
        let total = self.total.clone();
        Box::pin(async move {
            let amount = field_one(request.into_inner())?;
            let total = total.fetch_add(amount, Ordering::Relaxed) + amount;
            let mut reply = Vec::new();
            prost::encoding::uint64::encode(1, &total, &mut reply);
            Ok(Response::new(Bytes::from(reply)))
        })
    }
}

impl tower::Service<http::Request<Body>> for Plain {
    type Response = http::Response<Body>;
    type Error = Infallible;
    type Future = BoxFuture<'static, Result<http::Response<Body>, Infallible>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<Body>) -> Self::Future {
        let plain = self.clone();
        if request.uri().path().ends_with("/Count") {
            return Box::pin(async move {
                Ok(Grpc::new(RawCodec)
                    .server_streaming(PlainCount, request)
                    .await)
            });
        }
        Box::pin(async move { Ok(Grpc::new(RawCodec).unary(plain, request).await) })
    }
}

/// Serves `Plain` on a fresh loopback port; its channel.
async fn plain() -> Channel {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let incoming = TcpIncoming::from(listener).with_nodelay(Some(true));
    tokio::spawn(
        tonic::transport::Server::builder()
            .tcp_nodelay(true)
            .serve_with_incoming(Plain::default(), incoming),
    );
    connect(port).await
}

/// A system with a node serving `Account` and the actor `account`; its channel.
async fn door() -> (ActorSystem, Channel) {
    let system = ActorSystem::builder("bench").build().await.unwrap();
    let config = NodeConfig::builder("bench")
        .listen("127.0.0.1", 0)
        .build()
        .unwrap();
    let remoting = Remoting::start(&system, config).await.unwrap();
    system.register::<Account>();
    let _account: AccountRef = system.spawn("account", Account::default()).await.unwrap();
    let channel = connect(remoting.address().port as u16).await;
    (system, channel)
}

async fn connect(port: u16) -> Channel {
    Channel::from_shared(format!("http://127.0.0.1:{port}"))
        .unwrap()
        .tcp_nodelay(true)
        .connect()
        .await
        .unwrap()
}

/// `iters` deposits of 1 to `path`, one after another; how long they took.
async fn deposits(channel: Channel, path: &'static str, actor: bool, iters: u64) -> Duration {
    let mut grpc = tonic::client::Grpc::new(channel);
    let path = http::uri::PathAndQuery::from_static(path);
    let started = Instant::now();
    for _ in 0..iters {
        grpc.ready().await.unwrap();
        let mut request = Request::new(Bytes::from_static(&[0x08, 0x01]));
        if actor {
            request
                .metadata_mut()
                .insert(ACTOR_KEY, "account".parse().unwrap());
        }
        let reply = grpc.unary(request, path.clone(), RawCodec).await.unwrap();
        assert!(!reply.get_ref().is_empty());
    }
    started.elapsed()
}

/// `iters` streaming calls of `STREAM_ITEMS` items to `path`, one after another, each read to
/// its end; how long they took.
async fn streams(channel: Channel, path: &'static str, actor: bool, iters: u64) -> Duration {
    let mut grpc = tonic::client::Grpc::new(channel);
    let path = http::uri::PathAndQuery::from_static(path);
    let started = Instant::now();
    for _ in 0..iters {
        grpc.ready().await.unwrap();
        let mut request = Request::new(varint(STREAM_ITEMS));
        if actor {
            request
                .metadata_mut()
                .insert(ACTOR_KEY, "account".parse().unwrap());
        }
        let mut items = grpc
            .server_streaming(request, path.clone(), RawCodec)
            .await
            .unwrap()
            .into_inner();
        let mut count = 0;
        while let Some(item) = items.message().await.unwrap() {
            assert!(!item.is_empty());
            count += 1;
        }
        assert_eq!(count, STREAM_ITEMS);
    }
    started.elapsed()
}

fn grpc(c: &mut Criterion) {
    let rt = runtime();
    let plain = rt.block_on(plain());
    let (system, door) = rt.block_on(door());

    let mut group = c.benchmark_group("grpc_unary");
    group
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    group.bench_function("plain_tonic", |b| {
        b.iter_custom(|iters| {
            let channel = plain.clone();
            on_worker(
                &rt,
                deposits(channel, "/bench.v1.Plain/Deposit", false, iters),
            )
        });
    });
    group.bench_function("rakt_door", |b| {
        b.iter_custom(|iters| {
            let channel = door.clone();
            on_worker(
                &rt,
                deposits(channel, "/bench.v1.Account/Deposit", true, iters),
            )
        });
    });
    group.finish();

    let mut group = c.benchmark_group("grpc_stream");
    group
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
        .throughput(criterion::Throughput::Elements(STREAM_ITEMS));
    group.bench_function("plain_tonic", |b| {
        b.iter_custom(|iters| {
            let channel = plain.clone();
            on_worker(&rt, streams(channel, "/bench.v1.Plain/Count", false, iters))
        });
    });
    group.bench_function("rakt_door", |b| {
        b.iter_custom(|iters| {
            let channel = door.clone();
            on_worker(
                &rt,
                streams(channel, "/bench.v1.Account/Count", true, iters),
            )
        });
    });
    group.finish();
    rt.block_on(system.shutdown());
}

criterion_group!(benches, grpc);
criterion_main!(benches);
