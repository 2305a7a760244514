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
//! # Which actor a call reaches
//!
//! A unary call to `/<SERVICE>/<Method>` (`/bank.v1.Account/Deposit`) of a kind registered with
//! [`ActorSystem::register`](crate::ActorSystem::register) reaches the actor named by the
//! request metadata key `rakt-actor`: an actor's name (`alice`, the actor at `/user/alice`) or
//! its path (`/user/accounts/alice`, a child too). The actor must be of that kind.
//!
//! A kind registered with [`register_default`](crate::ActorSystem::register_default) is
//! *activated* on demand: a call to a name under `/user` that no actor has spawns one there
//! (made with `Default`), then delivers the call to it; concurrent first calls reach the same
//! actor. A kind registered with [`register_spawn`](crate::ActorSystem::register_spawn) needs
//! constructor arguments a gRPC call does not carry, so a missing actor of it is `NOT_FOUND`.
//!
//! # Statuses
//!
//! | what happened | status |
//! |---|---|
//! | the handler answered | `OK`, the reply (see the shapes below) |
//! | a tell was queued | `OK`, `google.protobuf.Empty` (no bytes) |
//! | no `rakt-actor` metadata | `INVALID_ARGUMENT`, naming the key |
//! | no such service or method here | `UNIMPLEMENTED` |
//! | no actor of that kind there | `NOT_FOUND` |
//! | the actor stopped or is stopping; the node is shutting down | `UNAVAILABLE` |
//! | the request bytes are not the method's arguments | `INVALID_ARGUMENT` |
//! | the handler returned a [`Status`](crate::wire::Status) | its code, message and details (`grpc-status-details-bin`) |
//! | the handler returned a typed error | `UNKNOWN`; the details hold one `Any` of the reply message (`<Actor><Method>Reply`) with only its `error` field |
//! | the handler returned an error as text | `UNKNOWN`, the text |
//! | the handler panicked, or dropped its reply | `INTERNAL` |
//! | no reply by the deadline | `DEADLINE_EXCEEDED` |
//! | the mailbox (or the stash) is full | `RESOURCE_EXHAUSTED` |
//! | the actor's current state does not handle the call | `FAILED_PRECONDITION` |
//!
//! The deadline is the client's (`grpc-timeout`), else the system's default ask timeout; it
//! also bounds an activation. A call never waits for room in a bounded mailbox.
//!
//! # Shapes
//!
//! A method's [`GrpcShape`](crate::wire::GrpcShape) says what travels: for an
//! `#[actor(remote)]` handler ([`Messages`](crate::wire::GrpcShape::Messages)) the request is
//! the arguments message (`<Actor><Method>Request`) and the response the reply message without
//! its error; for a handler generated from a `.proto` rpc
//! ([`Unwrapped`](crate::wire::GrpcShape::Unwrapped)) the request and response are the rpc's
//! own messages.
//!
//! # Reflection and health
//!
//! On by default ([`NodeConfigBuilder::grpc_reflection`](super::NodeConfigBuilder::grpc_reflection),
//! [`grpc_health`](super::NodeConfigBuilder::grpc_health)): `grpc.reflection.v1` and
//! `v1alpha` serve the descriptor set of every registered kind that has one
//! ([`RemoteActor::FILE_DESCRIPTOR_SET`](crate::wire::RemoteActor::FILE_DESCRIPTOR_SET)), the
//! `rakt.v1` protocol's, the health service's, and those given to
//! [`NodeConfigBuilder::descriptor_set`](super::NodeConfigBuilder::descriptor_set); a set that
//! does not build is logged and left out. `grpc.health.v1.Health` reports `SERVING` for `""`
//! and for each registered service from its registration on, and `NOT_SERVING` for all of
//! them once the node begins to shut down.

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
use tokio::sync::watch;
use tokio::time::Instant;
use tonic::body::Body;
use tonic::codegen::http;
use tonic::server::{Grpc, UnaryService};
use tower::ServiceExt;
use tower::util::BoxCloneSyncService;

use self::catalog::Catalog;
pub(crate) use self::catalog::{GrpcService, KindInfo};
use self::codec::RawCodec;
pub(crate) use self::status::Refused;
use super::config::NodeConfig;
use crate::wire::{EncodedReply, WireMethod};

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
    /// resolves once it is queued, with the reply to come for an ask.
    fn send(
        &self,
        method: &'static WireMethod,
        path: String,
        payload: Bytes,
    ) -> BoxFuture<'static, Result<Option<EncodedReply>, Refused>>;
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
    #[cfg(feature = "remote-gzip")]
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
                #[cfg(feature = "remote-gzip")]
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
        let catalog = match &inner.reflection {
            Some(base) => Catalog::new(&kinds, true, base),
            None => Catalog::new(&kinds, false, &[]),
        };
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
        let timeout =
            status::grpc_timeout(request.headers()).unwrap_or_else(|| inner.actors.ask_timeout());
        let call = DoorCall {
            actors: inner.actors.clone(),
            method,
            timeout,
            deadline: Instant::now() + timeout,
        };
        let grpc = Grpc::new(RawCodec)
            .max_decoding_message_size(inner.max_decoding)
            .max_encoding_message_size(usize::MAX);
        #[cfg(feature = "remote-gzip")]
        let grpc = match inner.compression {
            Some(super::config::Compression::Gzip) => grpc
                .send_compressed(tonic::codec::CompressionEncoding::Gzip)
                .accept_compressed(tonic::codec::CompressionEncoding::Gzip),
            None => grpc,
        };
        let mut grpc = grpc;
        Box::pin(async move { Ok(grpc.unary(call, request).await) })
    }
}

/// One unary call through the door.
struct DoorCall {
    actors: Arc<dyn Actors>,
    method: &'static WireMethod,
    timeout: Duration,
    deadline: Instant,
}

impl UnaryService<Bytes> for DoorCall {
    type Response = Bytes;
    type Future = BoxFuture<'static, Result<tonic::Response<Bytes>, tonic::Status>>;

    fn call(&mut self, request: tonic::Request<Bytes>) -> Self::Future {
        let actor = match request
            .metadata()
            .get(ACTOR_KEY)
            .map(|value| value.to_str())
        {
            Some(Ok(actor)) if !actor.is_empty() => actor,
            _ => {
                return Box::pin(future::ready(Err(tonic::Status::invalid_argument(
                    format!(
                        "the call names no actor: set the request metadata `{ACTOR_KEY}` to the \
                         actor's name (under /user) or its path"
                    ),
                ))));
            }
        };
        let path = if actor.starts_with('/') {
            actor.to_owned()
        } else {
            format!("/user/{actor}")
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
                    None => Ok(Bytes::new()),
                    Some(reply) => match reply.await {
                        Ok(reply) => status::response(method, reply),
                        Err(error) => Err(status::ask_failed(error, timeout)),
                    },
                }
            };
            match tokio::time::timeout_at(deadline, answered).await {
                Ok(outcome) => outcome.map(tonic::Response::new),
                Err(_) => Err(status::deadline_exceeded(timeout)),
            }
        })
    }
}
