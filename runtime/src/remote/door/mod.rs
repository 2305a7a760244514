//! The gRPC door: every registered kind of remote actor as a plain gRPC service on its node,
//! callable by any gRPC client (grpcurl, Python's `grpcio`, Go, a tonic client), with gRPC
//! reflection and the standard health service next to it.
//!
//! This module owns the door's routing (which actor a call reaches), the mapping of what
//! happens to the call onto gRPC statuses, and the reflection and health services. It reaches
//! actors only through the [`Actors`] seam (the system's remoting implements it), and it is
//! mounted next to the `Remoting` service by the node's server assembly, behind the same auth
//! token, interceptors, layers, TLS and frame limit.
//!
//! What a client sees (the routing rule, the statuses, the shapes, reflection and health) is
//! documented for users in the [remote module](super#any-grpc-client).

mod catalog;
mod codec;
mod status;

use std::convert::Infallible;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use arc_swap::ArcSwap;
use bytes::Bytes;
use futures_util::future::{self, BoxFuture};
use futures_util::stream::{self, BoxStream, StreamExt};
use tokio::sync::watch;
use tokio::time::Instant;
use tonic::body::Body;
use tonic::codegen::http;
use tonic::server::{Grpc, ServerStreamingService, UnaryService};
use tower::ServiceExt;
use tower::util::BoxCloneSyncService;

use self::catalog::Catalog;
pub(crate) use self::catalog::{GrpcService, KindInfo};
pub use self::codec::RawCodec;
pub(crate) use self::status::Refused;
use super::config::NodeConfig;
use crate::wire::{EncodedStream, Response, StreamPiece, WireMethod};

/// The metadata key that names the actor a call reaches.
pub const ACTOR_KEY: &str = "rakt-actor";

/// The actors behind a door: what the system's remoting gives it.
pub(crate) trait Actors: Send + Sync + 'static {
    /// The kinds registered now, in registration order.
    fn kinds(&self) -> Vec<KindInfo>;

    /// The system's default ask timeout.
    fn ask_timeout(&self) -> Duration;

    /// Delivers `payload` (the arguments message) for `method` to the actor at `path` (of the
    /// method's kind; activated if its kind allows), never waiting for room in its mailbox;
    /// resolves once it is queued, with what the caller waits for.
    fn send(
        &self,
        method: &'static WireMethod,
        path: String,
        payload: Bytes,
    ) -> BoxFuture<'static, Result<Response, Refused>>;
}

/// A node's door; cheap to clone (every clone is the same door).
#[derive(Clone)]
pub(crate) struct Door {
    inner: Arc<DoorInner>,
}

struct DoorInner {
    actors: Arc<dyn Actors>,
    catalog: ArcSwap<Catalog>,
    /// Serialises rebuilds of the catalog.
    rebuilding: Mutex<()>,
    /// Reflection's always-served descriptor sets; `None` when reflection is off.
    reflection: Option<Vec<&'static [u8]>>,
    health: Option<Health>,
    max_decoding: usize,
    #[cfg(any(feature = "remote-gzip", feature = "remote-zstd"))]
    compression: Option<super::config::Compression>,
    runtime: tokio::runtime::Handle,
    /// The node's shutdown signal, once it has started.
    shutdown: OnceLock<watch::Receiver<bool>>,
}

/// The health service and what it reports.
struct Health {
    reporter: tonic_health::server::HealthReporter,
    server: GrpcService,
    /// Set once the node shuts down: nothing reports `SERVING` after that.
    closed: Arc<tokio::sync::Mutex<bool>>,
}

impl Door {
    /// A door over `actors`, set up as `config` says, with an empty catalog until
    /// [`refresh`](Self::refresh). Its tasks run on `runtime`.
    pub(crate) fn new(
        config: &NodeConfig,
        actors: Arc<dyn Actors>,
        runtime: tokio::runtime::Handle,
    ) -> Door {
        let health = config.grpc_health.then(|| {
            let (reporter, server) = tonic_health::server::health_reporter();
            Health {
                reporter,
                server: BoxCloneSyncService::new(server),
                closed: Arc::new(tokio::sync::Mutex::new(false)),
            }
        });
        let reflection = config.grpc_reflection.then(|| {
            let mut sets = vec![super::proto::FILE_DESCRIPTOR_SET];
            if health.is_some() {
                sets.push(tonic_health::pb::FILE_DESCRIPTOR_SET);
            }
            sets.extend(config.descriptor_sets.iter().copied());
            sets
        });
        Door {
            inner: Arc::new(DoorInner {
                actors,
                catalog: ArcSwap::from_pointee(Catalog::default()),
                rebuilding: Mutex::new(()),
                reflection,
                health,
                max_decoding: config.max_frame_bytes as usize,
                #[cfg(any(feature = "remote-gzip", feature = "remote-zstd"))]
                compression: config.compression,
                runtime,
                shutdown: OnceLock::new(),
            }),
        }
    }

    /// Reads the registered kinds again: their methods, reflection and health.
    pub(crate) fn refresh(&self) {
        let inner = &self.inner;
        let _rebuilding = inner
            .rebuilding
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let kinds = inner.actors.kinds();
        let before = inner.catalog.load();
        if kinds.len() == before.services.len() {
            return;
        }
        let new: Vec<&'static str> = kinds
            .iter()
            .map(|kind| kind.service)
            .filter(|service| !before.services.contains(service))
            .collect();
        let catalog = Catalog::new(&kinds, inner.reflection.as_deref());
        inner.catalog.store(Arc::new(catalog));
        if let Some(health) = &inner.health {
            let reporter = health.reporter.clone();
            let closed = health.closed.clone();
            inner.runtime.spawn(async move {
                let closed = closed.lock().await;
                if !*closed {
                    for service in new {
                        reporter
                            .set_service_status(service, tonic_health::ServingStatus::Serving)
                            .await;
                    }
                }
            });
        }
    }

    /// The node has started: calls answer `UNAVAILABLE`, and health `NOT_SERVING`, once
    /// `shutdown` says it is shutting down.
    pub(crate) fn attach(&self, shutdown: watch::Receiver<bool>) {
        let mut watching = shutdown.clone();
        if self.inner.shutdown.set(shutdown).is_err() {
            return;
        }
        let Some(health) = &self.inner.health else {
            return;
        };
        let reporter = health.reporter.clone();
        let closed = health.closed.clone();
        let door = Arc::downgrade(&self.inner);
        self.inner.runtime.spawn(async move {
            // An error: the node is gone without saying so, and so are its calls.
            let _ = watching.wait_for(|closing| *closing).await;
            let mut closed = closed.lock().await;
            *closed = true;
            let services = door
                .upgrade()
                .map(|door| door.catalog.load().services.clone())
                .unwrap_or_default();
            for service in std::iter::once("").chain(services) {
                reporter
                    .set_service_status(service, tonic_health::ServingStatus::NotServing)
                    .await;
            }
        });
    }

    /// The door as the node's server mounts it.
    pub(crate) fn service(&self) -> GrpcService {
        BoxCloneSyncService::new(self.clone())
    }

    fn closing(&self) -> bool {
        self.inner
            .shutdown
            .get()
            .is_some_and(|shutdown| *shutdown.borrow())
    }
}

fn respond(status: tonic::Status) -> BoxFuture<'static, Result<http::Response<Body>, Infallible>> {
    Box::pin(future::ready(Ok(status.into_http())))
}

impl tower::Service<http::Request<Body>> for Door {
    type Response = http::Response<Body>;
    type Error = Infallible;
    type Future = BoxFuture<'static, Result<http::Response<Body>, Infallible>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<Body>) -> Self::Future {
        let path = request.uri().path().strip_prefix('/').unwrap_or_default();
        let service = path.split_once('/').map_or(path, |(service, _)| service);
        let inner = &self.inner;
        let catalog = inner.catalog.load();
        let mounted = match service {
            "grpc.reflection.v1.ServerReflection" => {
                catalog.reflection.as_ref().map(|r| r.v1.clone())
            }
            "grpc.reflection.v1alpha.ServerReflection" => {
                catalog.reflection.as_ref().map(|r| r.v1alpha.clone())
            }
            "grpc.health.v1.Health" => inner.health.as_ref().map(|h| h.server.clone()),
            _ => None,
        };
        if let Some(mounted) = mounted {
            return Box::pin(mounted.oneshot(request));
        }
        let Some(&method) = catalog.methods.get(path) else {
            return respond(tonic::Status::unimplemented(format!(
                "no registered actor kind serves `/{path}` here"
            )));
        };
        if self.closing() {
            return respond(Refused::ShuttingDown.into());
        }
        // The deadline counts from now, before tonic's own timer for the client's deadline
        // starts, so that the call answers `DEADLINE_EXCEEDED` rather than tonic's `CANCELLED`.
        let now = Instant::now();
        let client = status::grpc_timeout(request.headers());
        let timeout = client.unwrap_or_else(|| inner.actors.ask_timeout());
        let call = DoorCall {
            actors: inner.actors.clone(),
            method,
            timeout,
            deadline: now + timeout,
            client: client.map(|timeout| (timeout, now + timeout)),
        };
        let grpc = Grpc::new(RawCodec)
            .max_decoding_message_size(inner.max_decoding)
            .max_encoding_message_size(usize::MAX);
        #[cfg(any(feature = "remote-gzip", feature = "remote-zstd"))]
        let grpc = match inner.compression {
            Some(compression) => grpc
                .send_compressed(compression.encoding())
                .accept_compressed(compression.encoding()),
            None => grpc,
        };
        let mut grpc = grpc;
        if method.stream {
            return Box::pin(async move { Ok(grpc.server_streaming(call, request).await) });
        }
        Box::pin(async move { Ok(grpc.unary(call, request).await) })
    }
}

/// The path of the actor a call names in its metadata (`rakt-actor`: a name under `/user`,
/// or a path).
fn actor_path<T>(request: &tonic::Request<T>) -> Result<String, tonic::Status> {
    match request
        .metadata()
        .get(ACTOR_KEY)
        .map(|value| value.to_str())
    {
        Some(Ok(actor)) if actor.starts_with('/') => Ok(actor.to_owned()),
        Some(Ok(actor)) if !actor.is_empty() => Ok(format!("/user/{actor}")),
        _ => Err(tonic::Status::invalid_argument(format!(
            "the call names no actor: set the request metadata `{ACTOR_KEY}` to the actor's \
             name (under /user) or its path"
        ))),
    }
}

/// One unary call through the door.
struct DoorCall {
    actors: Arc<dyn Actors>,
    method: &'static WireMethod,
    timeout: Duration,
    deadline: Instant,
    /// The client's own timeout and deadline, if it gave one: a stream's only limit.
    client: Option<(Duration, Instant)>,
}

impl UnaryService<Bytes> for DoorCall {
    type Response = Bytes;
    type Future = BoxFuture<'static, Result<tonic::Response<Bytes>, tonic::Status>>;

    fn call(&mut self, request: tonic::Request<Bytes>) -> Self::Future {
        let path = match actor_path(&request) {
            Ok(path) => path,
            Err(status) => return Box::pin(future::ready(Err(status))),
        };
        let method = self.method;
        let (timeout, deadline) = (self.timeout, self.deadline);
        let sent = self.actors.send(
            method,
            path,
            status::arguments(method, request.into_inner()),
        );
        Box::pin(async move {
            let answered = async move {
                match sent.await? {
                    Response::Tell => Ok(Bytes::new()),
                    Response::Unary(reply) => match reply.await {
                        Ok(reply) => status::response(method, reply),
                        Err(error) => Err(status::ask_failed(error, timeout)),
                    },
                    Response::Stream(_) => Err(tonic::Status::internal(format!(
                        "{} answered a unary call with a stream",
                        method.path
                    ))),
                }
            };
            match tokio::time::timeout_at(deadline, answered).await {
                Ok(outcome) => outcome.map(tonic::Response::new),
                Err(_) => Err(status::deadline_exceeded(timeout)),
            }
        })
    }
}

impl ServerStreamingService<Bytes> for DoorCall {
    type Response = Bytes;
    type ResponseStream = BoxStream<'static, Result<Bytes, tonic::Status>>;
    type Future = BoxFuture<'static, Result<tonic::Response<Self::ResponseStream>, tonic::Status>>;

    fn call(&mut self, request: tonic::Request<Bytes>) -> Self::Future {
        let path = match actor_path(&request) {
            Ok(path) => path,
            Err(status) => return Box::pin(future::ready(Err(status))),
        };
        let method = self.method;
        let (timeout, deadline, client) = (self.timeout, self.deadline, self.client);
        let sent = self.actors.send(
            method,
            path,
            status::arguments(method, request.into_inner()),
        );
        Box::pin(async move {
            let response = match tokio::time::timeout_at(deadline, sent).await {
                Ok(response) => response?,
                Err(_) => return Err(status::deadline_exceeded(timeout)),
            };
            let Response::Stream(items) = response else {
                return Err(tonic::Status::internal(format!(
                    "{} did not answer its server-streaming call with a stream",
                    method.path
                )));
            };
            Ok(tonic::Response::new(served(method, items, client).boxed()))
        })
    }
}

/// The messages of a server-streaming call: each item the handler sends as the method's
/// response, then the end (nothing more for a clean end, the mapped status otherwise), or
/// `DEADLINE_EXCEEDED` once the client's deadline passes (a stream has no other limit). Pulled
/// only as fast as HTTP/2 lets the client read, so a slow client holds the handler's `send`;
/// dropping it (the client went away) tells the handler that nobody reads any more.
fn served(
    method: &'static WireMethod,
    items: EncodedStream,
    client: Option<(Duration, Instant)>,
) -> impl futures_util::Stream<Item = Result<Bytes, tonic::Status>> + Send + 'static {
    let timeout = client.map_or(Duration::MAX, |(timeout, _)| timeout);
    let expired = client.map(|(_, deadline)| Box::pin(tokio::time::sleep_until(deadline)));
    stream::unfold(Some((items, expired)), move |state| async move {
        let (mut items, mut expired) = state?;
        let piece = match &mut expired {
            Some(expired) => tokio::select! {
                piece = items.next() => piece,
                () = expired => return Some((Err(status::deadline_exceeded(timeout)), None)),
            },
            None => items.next().await,
        };
        match piece? {
            StreamPiece::Item(item) => {
                let item = status::response(method, item);
                let next = item.is_ok().then_some((items, expired));
                Some((item, next))
            }
            StreamPiece::End(end) if end.is_empty() => None,
            StreamPiece::End(end) => match status::response(method, end) {
                Err(status) => Some((Err(status), None)),
                // An end that carries a value and no error is a clean end.
                Ok(_) => None,
            },
            StreamPiece::Failed(error) => Some((Err(status::ask_failed(error, timeout)), None)),
        }
    })
}
