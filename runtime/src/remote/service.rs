//! The tower services around the generated gRPC code: the auth token check and user
//! interceptors ([`ServerGate`], [`ClientGate`]), and the assembly of a node's server service
//! ([`server`]: the `Remoting` service and the node's gRPC door, routed by path) and of its
//! client to one peer ([`client`]), with the user's tower layers (erased in
//! [`layer`](super::layer)) applied.
//!
//! This module owns what wraps a call on its way in and out; it knows nothing of links,
//! frames or peers.

use std::convert::Infallible;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures_util::future::BoxFuture;

use tonic::body::Body;
use tonic::codegen::StdError;
use tonic::codegen::http;
use tonic::metadata::{AsciiMetadataValue, MetadataValue};
use tonic::service::interceptor::{InterceptedService, ResponseBody};
use tonic::transport::{Channel, Endpoint};
use tonic::{Request, Status};
use tower::ServiceExt;
use tower::util::BoxCloneSyncService;

use super::config::NodeConfig;
use super::door::GrpcService;
use super::error::{StartError, detail, detail_status};
use super::layer::{HttpService, Interceptor, apply_layers};
use super::proto::v1::ErrorCause;
use super::proto::v1::remoting_client::RemotingClient;

/// The metadata key of the auth token.
const AUTHORIZATION: &str = "authorization";

/// The server's gate: the auth token, then the user's interceptors.
#[derive(Clone)]
pub(crate) struct ServerGate {
    expected: Option<Arc<[u8]>>,
    interceptors: Arc<[Interceptor]>,
}

impl ServerGate {
    pub(crate) fn new(config: &NodeConfig) -> Self {
        ServerGate {
            expected: config
                .auth_token
                .as_ref()
                .map(|token| format!("Bearer {token}").into_bytes().into()),
            interceptors: config.server_interceptors.clone().into(),
        }
    }
}

/// Equal bytes, in a time that depends on the lengths only.
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl tonic::service::Interceptor for ServerGate {
    fn call(&mut self, mut request: Request<()>) -> Result<Request<()>, Status> {
        if let Some(expected) = &self.expected {
            let given = request
                .metadata()
                .get(AUTHORIZATION)
                .map(|value| value.as_bytes());
            if !given.is_some_and(|given| same_bytes(given, expected)) {
                let why = if given.is_some() {
                    "wrong auth token"
                } else {
                    "no auth token: expected `authorization: Bearer <token>`"
                };
                return Err(detail_status(&detail(ErrorCause::Unauthenticated, why)));
            }
        }
        for interceptor in self.interceptors.iter() {
            request = interceptor(request)?;
        }
        Ok(request)
    }
}

/// The client's gate: adds the auth token, then runs the user's interceptors.
#[derive(Clone)]
pub(crate) struct ClientGate {
    token: Option<AsciiMetadataValue>,
    interceptors: Arc<[Interceptor]>,
}

impl tonic::service::Interceptor for ClientGate {
    fn call(&mut self, mut request: Request<()>) -> Result<Request<()>, Status> {
        if let Some(token) = &self.token {
            request.metadata_mut().insert(AUTHORIZATION, token.clone());
        }
        for interceptor in self.interceptors.iter() {
            request = interceptor(request)?;
        }
        Ok(request)
    }
}

/// The error of the client's service: a concrete type rather than the boxed one, because the
/// generated client's `Into<StdError>` bound on a boxed error is not provable inside the
/// spawned link task (the compiler cannot show `From` for every lifetime of the box).
#[derive(Debug)]
pub(crate) struct ClientError(StdError);

impl std::fmt::Display for ClientError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for ClientError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.0)
    }
}

/// The client's service: the layered connection with its errors made concrete.
#[derive(Clone)]
pub(crate) struct ClientService(HttpService);

impl tower::Service<http::Request<Body>> for ClientService {
    type Response = http::Response<Body>;
    type Error = ClientError;
    type Future = futures_util::future::BoxFuture<'static, Result<Self::Response, ClientError>>;

    fn poll_ready(
        &mut self,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), ClientError>> {
        self.0.poll_ready(cx).map_err(ClientError)
    }

    fn call(&mut self, request: http::Request<Body>) -> Self::Future {
        let call = self.0.call(request);
        Box::pin(async move { call.await.map_err(ClientError) })
    }
}

/// The generated client over one peer's connection, gated and layered.
pub(crate) type Client = RemotingClient<InterceptedService<ClientService, ClientGate>>;

/// A client to `host:port`, connecting lazily (on its first call) and reconnecting by itself
/// when its connection drops. Every call of the node to that peer shares its one HTTP/2
/// connection.
pub(crate) fn client(config: &NodeConfig, host: &str, port: u16) -> Result<Client, String> {
    let authority = if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    };
    let endpoint = Endpoint::from_shared(format!("{}://{authority}", config.scheme()))
        .map_err(|e| format!("bad peer address `{authority}`: {e}"))?
        .connect_timeout(config.connect_timeout)
        .tcp_nodelay(true)
        .http2_keep_alive_interval(config.keepalive_interval)
        .keep_alive_timeout(config.keepalive_timeout)
        .keep_alive_while_idle(true);
    #[cfg(feature = "remote-tls")]
    let endpoint = match &config.tls {
        None => endpoint,
        Some(tls) => {
            use tonic::transport::{Certificate, ClientTlsConfig, Identity};
            let mut client_tls = ClientTlsConfig::new()
                .ca_certificates(tls.trust_pem.iter().map(Certificate::from_pem))
                .domain_name(tls.server_name.clone().unwrap_or_else(|| host.to_owned()));
            if tls.client_ca_pem.is_some() {
                client_tls = client_tls.identity(Identity::from_pem(&tls.cert_pem, &tls.key_pem));
            }
            endpoint
                .tls_config(client_tls)
                .map_err(|e| format!("TLS: {e}"))?
        }
    };
    let channel: Channel = endpoint.connect_lazy();
    let service = apply_layers(
        BoxCloneSyncService::new(channel.map_err(|error| -> StdError { Box::new(error) })),
        &config.client_layers,
    );
    let token = match &config.auth_token {
        Some(token) => Some(
            MetadataValue::try_from(format!("Bearer {token}"))
                .map_err(|_| "the auth token cannot travel as metadata".to_owned())?,
        ),
        None => None,
    };
    let gate = ClientGate {
        token,
        interceptors: config.client_interceptors.clone().into(),
    };
    let max = config.max_frame_bytes as usize;
    let service = ClientService(service);
    let client = RemotingClient::with_interceptor(service, gate)
        .max_decoding_message_size(max)
        .max_encoding_message_size(usize::MAX);
    #[cfg(any(feature = "remote-gzip", feature = "remote-zstd"))]
    let client = match config.compression {
        Some(compression) => client
            .send_compressed(compression.encoding())
            .accept_compressed(compression.encoding()),
        None => client,
    };
    Ok(client)
}

/// The `Remoting` service, and the other gRPC services a node serves (its door), by path.
#[derive(Clone)]
struct Routes<R> {
    remoting: R,
    door: Option<GrpcService>,
}

impl<R> tower::Service<http::Request<Body>> for Routes<R>
where
    R: tower::Service<http::Request<Body>, Response = http::Response<Body>, Error = Infallible>,
    R::Future: Send + 'static,
{
    type Response = http::Response<Body>;
    type Error = Infallible;
    type Future = BoxFuture<'static, Result<http::Response<Body>, Infallible>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.remoting.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<Body>) -> Self::Future {
        match &mut self.door {
            Some(door) if !request.uri().path().starts_with(REMOTING_PREFIX) => door.call(request),
            _ => Box::pin(self.remoting.call(request)),
        }
    }
}

/// The paths of the `Remoting` service's calls start with this.
const REMOTING_PREFIX: &str = "/rakt.v1.Remoting/";

/// The node's server service: the generated server over `remoting` and the `door` next to it,
/// gated, compressed as configured, and layered; and the tonic server builder with TLS and
/// keep-alive.
pub(crate) fn server<R>(
    config: &NodeConfig,
    remoting: Arc<R>,
    door: Option<GrpcService>,
) -> Result<(tonic::transport::Server, HttpService), StartError>
where
    R: super::proto::v1::remoting_server::Remoting,
{
    use super::proto::v1::remoting_server::RemotingServer;

    let max = config.max_frame_bytes as usize;
    let server = RemotingServer::from_arc(remoting)
        .max_decoding_message_size(max)
        .max_encoding_message_size(usize::MAX);
    #[cfg(any(feature = "remote-gzip", feature = "remote-zstd"))]
    let server = match config.compression {
        Some(compression) => server
            .send_compressed(compression.encoding())
            .accept_compressed(compression.encoding()),
        None => server,
    };
    let routes = Routes {
        remoting: server,
        door,
    };
    let gated = InterceptedService::new(routes, ServerGate::new(config));
    let service = apply_layers(
        BoxCloneSyncService::new(ServiceExt::<http::Request<Body>>::map_err(
            ServiceExt::<http::Request<Body>>::map_response(
                gated,
                |response: http::Response<ResponseBody<Body>>| response.map(Body::new),
            ),
            |never: std::convert::Infallible| -> StdError { match never {} },
        )),
        &config.server_layers,
    );
    let builder = tonic::transport::Server::builder()
        .tcp_nodelay(true)
        .http2_keepalive_interval(Some(config.keepalive_interval))
        .http2_keepalive_timeout(Some(config.keepalive_timeout));
    #[cfg(feature = "remote-tls")]
    let builder = match &config.tls {
        None => builder,
        Some(tls) => {
            use tonic::transport::{Certificate, Identity, ServerTlsConfig};
            let mut server_tls =
                ServerTlsConfig::new().identity(Identity::from_pem(&tls.cert_pem, &tls.key_pem));
            if let Some(ca) = &tls.client_ca_pem {
                server_tls = server_tls.client_ca_root(Certificate::from_pem(ca));
            }
            builder
                .tls_config(server_tls)
                .map_err(|e| StartError::Tls(e.to_string()))?
        }
    };
    Ok((builder, service))
}
