//! A node's settings: [`NodeConfig`], built and checked by [`NodeConfigBuilder`].
//!
//! This module owns every knob of the transport and its validation (a bad setting is a
//! [`NodeConfigError`] from [`NodeConfigBuilder::build`], never a panic later); TLS settings
//! ([`TlsConfig`], feature `remote-tls`) and compression ([`Compression`], features
//! `remote-gzip` and `remote-zstd`) included. It reads the settings and nothing else: the server, the peers and
//! the links take what they need from a built [`NodeConfig`].

use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use tonic::{Request, Status};

use super::error::NodeConfigError;
use super::events::{DeadLetter, LinkEvent};
use super::layer::{HttpLayer, Interceptor, LayerFn};

/// The largest frame a node accepts unless configured otherwise: gRPC's default message limit,
/// 4 MiB.
pub const DEFAULT_MAX_FRAME_BYTES: u32 = 4 << 20;
/// The smallest `max_frame_bytes` a node may be configured with.
pub const MIN_MAX_FRAME_BYTES: u32 = 1024;
/// The largest `max_frame_bytes` a node may be configured with (1 GiB; protobuf messages stay
/// below 2 GiB).
pub const MAX_MAX_FRAME_BYTES: u32 = 1 << 30;

/// A hook that receives what the transport could not deliver.
pub(crate) type DeadLetterHook = Arc<dyn Fn(DeadLetter) + Send + Sync>;
/// A hook that hears links come up and go down.
pub(crate) type LinkEventHook = Arc<dyn Fn(LinkEvent) + Send + Sync>;

/// How a node compresses the frames and calls it sends (features `remote-gzip` and
/// `remote-zstd`, one variant each). Every node of a cluster must be configured alike: a node
/// sends compressed and accepts compressed data, and a peer without the setting refuses
/// compressed calls (`UNIMPLEMENTED`).
#[cfg(any(feature = "remote-gzip", feature = "remote-zstd"))]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Compression {
    /// gzip, through tonic (pure Rust, `flate2` with `miniz_oxide`); feature `remote-gzip`.
    #[cfg(feature = "remote-gzip")]
    Gzip,
    /// Zstandard, through tonic (the `zstd` crate, which builds the C `libzstd` with the
    /// system's C compiler); feature `remote-zstd`. Faster than gzip for a similar ratio.
    #[cfg(feature = "remote-zstd")]
    Zstd,
}

#[cfg(any(feature = "remote-gzip", feature = "remote-zstd"))]
impl Compression {
    /// The gRPC encoding it stands for.
    pub(crate) fn encoding(self) -> tonic::codec::CompressionEncoding {
        match self {
            #[cfg(feature = "remote-gzip")]
            Compression::Gzip => tonic::codec::CompressionEncoding::Gzip,
            #[cfg(feature = "remote-zstd")]
            Compression::Zstd => tonic::codec::CompressionEncoding::Zstd,
        }
    }
}

/// TLS for a node (feature `remote-tls`): rustls, with *ring*.
///
/// One setting serves both ends of a node: its server presents [`identity`](Self::new) to
/// peers that connect, and its connections to peers verify their certificates against the
/// [`trusted`](Self::trust) certificate authorities, under the peer's advertised host name (or
/// [`server_name`](Self::server_name)). With [`require_client_certs`](Self::require_client_certs)
/// the server also demands a certificate from every peer that connects (mutual TLS), and the
/// node presents its own identity when it connects.
#[cfg(feature = "remote-tls")]
#[derive(Clone)]
pub struct TlsConfig {
    pub(crate) cert_pem: Vec<u8>,
    pub(crate) key_pem: Vec<u8>,
    pub(crate) trust_pem: Vec<Vec<u8>>,
    pub(crate) client_ca_pem: Option<Vec<u8>>,
    pub(crate) server_name: Option<String>,
}

#[cfg(feature = "remote-tls")]
impl TlsConfig {
    /// TLS with the node's certificate chain and private key, both PEM.
    pub fn new(cert_pem: impl Into<Vec<u8>>, key_pem: impl Into<Vec<u8>>) -> Self {
        TlsConfig {
            cert_pem: cert_pem.into(),
            key_pem: key_pem.into(),
            trust_pem: Vec::new(),
            client_ca_pem: None,
            server_name: None,
        }
    }

    /// Trusts the certificate authority (PEM) to sign peers' certificates. At least one is
    /// needed: a node trusts no public roots.
    pub fn trust(mut self, ca_pem: impl Into<Vec<u8>>) -> Self {
        self.trust_pem.push(ca_pem.into());
        self
    }

    /// Mutual TLS: the server refuses peers that present no certificate signed by this
    /// authority (PEM), and the node presents its own certificate when it connects.
    pub fn require_client_certs(mut self, ca_pem: impl Into<Vec<u8>>) -> Self {
        self.client_ca_pem = Some(ca_pem.into());
        self
    }

    /// Verifies every peer's certificate for this name rather than for the peer's advertised
    /// host (for clusters whose nodes share one certificate name).
    pub fn server_name(mut self, name: impl Into<String>) -> Self {
        self.server_name = Some(name.into());
        self
    }

    fn validate(&self) -> Result<(), NodeConfigError> {
        use rustls_pki_types::pem::PemObject;
        use rustls_pki_types::{CertificateDer, PrivateKeyDer};

        let certs = |what: &str, pem: &[u8]| -> Result<(), NodeConfigError> {
            let mut count = 0;
            for cert in CertificateDer::pem_slice_iter(pem) {
                cert.map_err(|e| NodeConfigError::Tls(format!("{what}: {e}")))?;
                count += 1;
            }
            if count == 0 {
                return Err(NodeConfigError::Tls(format!("{what} holds no certificate")));
            }
            Ok(())
        };
        certs("the node's certificate", &self.cert_pem)?;
        PrivateKeyDer::from_pem_slice(&self.key_pem)
            .map_err(|e| NodeConfigError::Tls(format!("the node's private key: {e}")))?;
        if self.trust_pem.is_empty() {
            return Err(NodeConfigError::Tls(
                "no trusted certificate authority: call `trust` with the CA that signs the peers"
                    .into(),
            ));
        }
        for pem in &self.trust_pem {
            certs("a trusted authority", pem)?;
        }
        if let Some(pem) = &self.client_ca_pem {
            certs("the client authority", pem)?;
        }
        if let Some(name) = &self.server_name {
            rustls_pki_types::ServerName::try_from(name.as_str()).map_err(|_| {
                NodeConfigError::Tls(format!("`{name}` is not a valid server name"))
            })?;
        }
        Ok(())
    }
}

#[cfg(feature = "remote-tls")]
impl fmt::Debug for TlsConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsConfig")
            .field("trusted", &self.trust_pem.len())
            .field("mutual", &self.client_ca_pem.is_some())
            .field("server_name", &self.server_name)
            .finish_non_exhaustive()
    }
}

/// A node's settings, checked: what [`Node::start`](super::Node::start) needs.
///
/// Made by [`NodeConfig::builder`]:
///
/// ```
/// use std::time::Duration;
/// use rakt::remote::NodeConfig;
///
/// let config = NodeConfig::builder("orders")
///     .listen("127.0.0.1", 0) // port 0: the OS picks one; the node reports it
///     .auth_token("s3cret-shared-by-the-cluster")
///     .max_frame_bytes(1 << 20)
///     .reconnect_backoff(Duration::from_millis(50), Duration::from_secs(5))
///     .build()?;
/// assert_eq!(config.system(), "orders");
/// # Ok::<(), rakt::remote::NodeConfigError>(())
/// ```
#[derive(Clone)]
pub struct NodeConfig {
    pub(crate) system: String,
    pub(crate) listen_host: String,
    pub(crate) listen_port: u16,
    pub(crate) advertise_host: String,
    pub(crate) max_frame_bytes: u32,
    pub(crate) auth_token: Option<String>,
    #[cfg(feature = "remote-tls")]
    pub(crate) tls: Option<TlsConfig>,
    #[cfg(any(feature = "remote-gzip", feature = "remote-zstd"))]
    pub(crate) compression: Option<Compression>,
    pub(crate) connect_timeout: Duration,
    pub(crate) call_timeout: Duration,
    pub(crate) keepalive_interval: Duration,
    pub(crate) keepalive_timeout: Duration,
    pub(crate) backoff_min: Duration,
    pub(crate) backoff_max: Duration,
    pub(crate) unreachable_after: Duration,
    pub(crate) shutdown_grace: Duration,
    pub(crate) server_layers: Vec<LayerFn>,
    pub(crate) client_layers: Vec<LayerFn>,
    pub(crate) server_interceptors: Vec<Interceptor>,
    pub(crate) client_interceptors: Vec<Interceptor>,
    pub(crate) dead_letters: Option<DeadLetterHook>,
    pub(crate) link_events: Option<LinkEventHook>,
    pub(crate) grpc_reflection: bool,
    pub(crate) grpc_health: bool,
    pub(crate) descriptor_sets: Vec<&'static [u8]>,
}

impl NodeConfig {
    /// Starts a configuration for the actor system `system` (ASCII letters, digits, `-`, `_`
    /// and `.`), listening on `127.0.0.1` and an OS-chosen port until told otherwise.
    pub fn builder(system: impl Into<String>) -> NodeConfigBuilder {
        NodeConfigBuilder {
            system: system.into(),
            listen_host: "127.0.0.1".into(),
            listen_port: 0,
            advertise_host: None,
            max_frame_bytes: DEFAULT_MAX_FRAME_BYTES,
            auth_token: None,
            #[cfg(feature = "remote-tls")]
            tls: None,
            #[cfg(any(feature = "remote-gzip", feature = "remote-zstd"))]
            compression: None,
            connect_timeout: Duration::from_secs(5),
            call_timeout: Duration::from_secs(10),
            keepalive_interval: Duration::from_secs(10),
            keepalive_timeout: Duration::from_secs(20),
            backoff_min: Duration::from_millis(100),
            backoff_max: Duration::from_secs(10),
            unreachable_after: Duration::from_secs(10),
            shutdown_grace: Duration::from_secs(5),
            server_layers: Vec::new(),
            client_layers: Vec::new(),
            server_interceptors: Vec::new(),
            client_interceptors: Vec::new(),
            dead_letters: None,
            link_events: None,
            grpc_reflection: true,
            grpc_health: true,
            descriptor_sets: Vec::new(),
        }
    }

    /// The actor system's name.
    pub fn system(&self) -> &str {
        &self.system
    }

    /// The largest frame this node accepts, in bytes.
    pub fn max_frame_bytes(&self) -> u32 {
        self.max_frame_bytes
    }

    /// The scheme of the node's URLs: `https` with TLS, `http` without.
    pub(crate) fn scheme(&self) -> &'static str {
        #[cfg(feature = "remote-tls")]
        if self.tls.is_some() {
            return "https";
        }
        "http"
    }
}

impl fmt::Debug for NodeConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("NodeConfig");
        s.field("system", &self.system)
            .field("listen_host", &self.listen_host)
            .field("listen_port", &self.listen_port)
            .field("advertise_host", &self.advertise_host)
            .field("max_frame_bytes", &self.max_frame_bytes)
            .field("auth_token", &self.auth_token.as_ref().map(|_| "<set>"));
        #[cfg(feature = "remote-tls")]
        s.field("tls", &self.tls);
        #[cfg(any(feature = "remote-gzip", feature = "remote-zstd"))]
        s.field("compression", &self.compression);
        s.field("connect_timeout", &self.connect_timeout)
            .field("call_timeout", &self.call_timeout)
            .field("keepalive_interval", &self.keepalive_interval)
            .field("keepalive_timeout", &self.keepalive_timeout)
            .field("backoff", &(self.backoff_min..=self.backoff_max))
            .field("unreachable_after", &self.unreachable_after)
            .field("shutdown_grace", &self.shutdown_grace)
            .field("server_layers", &self.server_layers.len())
            .field("client_layers", &self.client_layers.len())
            .field("server_interceptors", &self.server_interceptors.len())
            .field("client_interceptors", &self.client_interceptors.len())
            .field("grpc_reflection", &self.grpc_reflection)
            .field("grpc_health", &self.grpc_health)
            .field("descriptor_sets", &self.descriptor_sets.len())
            .finish_non_exhaustive()
    }
}

/// Builds a [`NodeConfig`]; [`build`](Self::build) checks every setting.
#[must_use = "a builder does nothing until `build` is called"]
pub struct NodeConfigBuilder {
    system: String,
    listen_host: String,
    listen_port: u16,
    advertise_host: Option<String>,
    max_frame_bytes: u32,
    auth_token: Option<String>,
    #[cfg(feature = "remote-tls")]
    tls: Option<TlsConfig>,
    #[cfg(any(feature = "remote-gzip", feature = "remote-zstd"))]
    compression: Option<Compression>,
    connect_timeout: Duration,
    call_timeout: Duration,
    keepalive_interval: Duration,
    keepalive_timeout: Duration,
    backoff_min: Duration,
    backoff_max: Duration,
    unreachable_after: Duration,
    shutdown_grace: Duration,
    server_layers: Vec<LayerFn>,
    client_layers: Vec<LayerFn>,
    server_interceptors: Vec<Interceptor>,
    client_interceptors: Vec<Interceptor>,
    dead_letters: Option<DeadLetterHook>,
    link_events: Option<LinkEventHook>,
    grpc_reflection: bool,
    grpc_health: bool,
    descriptor_sets: Vec<&'static [u8]>,
}

impl NodeConfigBuilder {
    /// The host and port the node listens on. Port 0 lets the operating system pick a free
    /// port, which [`Node::address`](super::Node::address) then reports. The host is also what
    /// the node advertises to peers unless [`advertise_host`](Self::advertise_host) says
    /// otherwise. Default: `127.0.0.1`, port 0.
    pub fn listen(mut self, host: impl Into<String>, port: u16) -> Self {
        self.listen_host = host.into();
        self.listen_port = port;
        self
    }

    /// The host peers reach this node at, when it is not the listen host (a node listening on
    /// `0.0.0.0` must set one).
    pub fn advertise_host(mut self, host: impl Into<String>) -> Self {
        self.advertise_host = Some(host.into());
        self
    }

    /// The largest frame this node accepts, in bytes ([`MIN_MAX_FRAME_BYTES`] to
    /// [`MAX_MAX_FRAME_BYTES`]); peers split their batches to stay within it and refuse to
    /// send a single envelope that does not fit. Default: [`DEFAULT_MAX_FRAME_BYTES`].
    pub fn max_frame_bytes(mut self, bytes: u32) -> Self {
        self.max_frame_bytes = bytes;
        self
    }

    /// A shared secret: the node sends it (as `authorization: Bearer <token>`) on every call
    /// it makes and refuses calls that do not carry it (`UNAUTHENTICATED`), before reading
    /// any frame. Visible ASCII only.
    pub fn auth_token(mut self, token: impl Into<String>) -> Self {
        self.auth_token = Some(token.into());
        self
    }

    /// Serves and connects with TLS (feature `remote-tls`).
    #[cfg(feature = "remote-tls")]
    pub fn tls(mut self, tls: TlsConfig) -> Self {
        self.tls = Some(tls);
        self
    }

    /// Compresses what the node sends, and accepts compressed data (features `remote-gzip`,
    /// `remote-zstd`).
    #[cfg(any(feature = "remote-gzip", feature = "remote-zstd"))]
    pub fn compression(mut self, compression: Compression) -> Self {
        self.compression = Some(compression);
        self
    }

    /// How long connecting to a peer and the link's handshake may take, together. Default:
    /// 5 s.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long a `lookup`, `spawn` or `stop` call may take. Default: 10 s.
    pub fn call_timeout(mut self, timeout: Duration) -> Self {
        self.call_timeout = timeout;
        self
    }

    /// HTTP/2 keep-alive: a ping every `interval` on every connection, and a connection whose
    /// ping is not answered within `timeout` is lost (liveness of links comes from these
    /// pings). Default: 10 s and 20 s.
    pub fn keepalive(mut self, interval: Duration, timeout: Duration) -> Self {
        self.keepalive_interval = interval;
        self.keepalive_timeout = timeout;
        self
    }

    /// How long a peer that could not be reached is left alone before the next use tries
    /// again: `min` after the first failure, doubling with each failure after it up to `max`,
    /// each drawn at random between half and all of it (jitter). Default: 100 ms to 10 s.
    pub fn reconnect_backoff(mut self, min: Duration, max: Duration) -> Self {
        self.backoff_min = min;
        self.backoff_max = max;
        self
    }

    /// How long a remote actor's node may stay out of reach before the actor counts as gone:
    /// when the watch behind a remote handle is lost (the connection dropped, the node does
    /// not answer), the handle keeps trying to watch again, pausing as the reconnect backoff
    /// does; once the node has been out of reach this long, the handle ends and its watchers
    /// hear `Terminated` with `StopReason::Unreachable`. A node back within it (the same
    /// incarnation) keeps its handles working. A node that says it is going (a graceful
    /// shutdown) or answers as another incarnation ends them at once. `Duration::ZERO`: at the
    /// first loss. Default: 10 s.
    pub fn unreachable_after(mut self, after: Duration) -> Self {
        self.unreachable_after = after;
        self
    }

    /// How long [`Node::shutdown`](super::Node::shutdown) waits for peers to see the links end
    /// before it drops what is left. Default: 5 s.
    pub fn shutdown_grace(mut self, grace: Duration) -> Self {
        self.shutdown_grace = grace;
        self
    }

    /// Wraps the node's server in a tower layer (outermost last). The service it wraps takes
    /// and returns `http` messages with tonic bodies: every call of every peer passes through
    /// it (one call per link, plus each lookup, spawn, stop and watch).
    pub fn server_layer(mut self, layer: impl HttpLayer) -> Self {
        self.server_layers.push(layer.erase());
        self
    }

    /// Wraps the node's connections to peers in a tower layer (outermost last), as
    /// [`server_layer`](Self::server_layer) does the server.
    pub fn client_layer(mut self, layer: impl HttpLayer) -> Self {
        self.client_layers.push(layer.erase());
        self
    }

    /// A tonic interceptor on the server, run in order after the auth token check, on every
    /// call before the call is read: it may read and change the metadata, or refuse the call
    /// with a status.
    pub fn server_interceptor<F>(mut self, interceptor: F) -> Self
    where
        F: Fn(Request<()>) -> Result<Request<()>, Status> + Send + Sync + 'static,
    {
        self.server_interceptors.push(Arc::new(interceptor));
        self
    }

    /// A tonic interceptor on every call this node makes to peers, run in order after the
    /// auth token is added: it may add metadata, or fail the call with a status.
    pub fn client_interceptor<F>(mut self, interceptor: F) -> Self
    where
        F: Fn(Request<()>) -> Result<Request<()>, Status> + Send + Sync + 'static,
    {
        self.client_interceptors.push(Arc::new(interceptor));
        self
    }

    /// Receives every tell the transport accepted and then could not deliver (its link was
    /// lost, its peer unreachable, it did not fit a frame), and every tell a peer sent that
    /// this node's transport refused (wrong node, no target), with the reason. Called on the
    /// transport's tasks: it must not block.
    pub fn on_dead_letter<F>(mut self, hook: F) -> Self
    where
        F: Fn(DeadLetter) + Send + Sync + 'static,
    {
        self.dead_letters = Some(Arc::new(hook));
        self
    }

    /// Hears every link come up (handshake done) and go down (with why). Called on the
    /// transport's tasks: it must not block.
    pub fn on_link_event<F>(mut self, hook: F) -> Self
    where
        F: Fn(LinkEvent) + Send + Sync + 'static,
    {
        self.link_events = Some(Arc::new(hook));
        self
    }

    /// Whether the node serves gRPC reflection (`grpc.reflection.v1` and `v1alpha`) for its
    /// [gRPC door](super#any-grpc-client); on by default.
    pub fn grpc_reflection(mut self, on: bool) -> Self {
        self.grpc_reflection = on;
        self
    }

    /// Whether the node serves the standard health service (`grpc.health.v1.Health`) for its
    /// [gRPC door](super#any-grpc-client); on by default.
    pub fn grpc_health(mut self, on: bool) -> Self {
        self.grpc_health = on;
        self
    }

    /// An encoded `google.protobuf.FileDescriptorSet` for gRPC reflection to serve besides the
    /// registered kinds' own: the prost messages and enums the kinds' methods use, which
    /// `#[actor(remote)]` cannot describe (`prost-build`'s `file_descriptor_set_path`, or
    /// tonic-build's, writes one). A set that does not build is logged and left out.
    pub fn descriptor_set(mut self, set: &'static [u8]) -> Self {
        self.descriptor_sets.push(set);
        self
    }

    /// Checks every setting and returns the configuration.
    pub fn build(self) -> Result<NodeConfig, NodeConfigError> {
        let valid_system = !self.system.is_empty()
            && self
                .system
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
        if !valid_system {
            return Err(NodeConfigError::InvalidSystemName(self.system));
        }
        check_host("listen", &self.listen_host)?;
        let advertise_host = match self.advertise_host {
            Some(host) => {
                check_host("advertise", &host)?;
                if host.parse::<IpAddr>().is_ok_and(|ip| ip.is_unspecified()) {
                    return Err(NodeConfigError::InvalidHost {
                        which: "advertise",
                        host,
                    });
                }
                host
            }
            None => {
                if self
                    .listen_host
                    .parse::<IpAddr>()
                    .is_ok_and(|ip| ip.is_unspecified())
                {
                    return Err(NodeConfigError::WildcardWithoutAdvertiseHost(
                        self.listen_host,
                    ));
                }
                self.listen_host.clone()
            }
        };
        if !(MIN_MAX_FRAME_BYTES..=MAX_MAX_FRAME_BYTES).contains(&self.max_frame_bytes) {
            return Err(NodeConfigError::FrameLimit {
                min: MIN_MAX_FRAME_BYTES,
                max: MAX_MAX_FRAME_BYTES,
                got: self.max_frame_bytes,
            });
        }
        if let Some(token) = &self.auth_token
            && (token.is_empty() || !token.bytes().all(|b| b.is_ascii_graphic()))
        {
            return Err(NodeConfigError::InvalidAuthToken);
        }
        for (name, value) in [
            ("connect_timeout", self.connect_timeout),
            ("call_timeout", self.call_timeout),
            ("keepalive interval", self.keepalive_interval),
            ("keepalive timeout", self.keepalive_timeout),
            ("reconnect backoff minimum", self.backoff_min),
            ("shutdown_grace", self.shutdown_grace),
        ] {
            if value.is_zero() {
                return Err(NodeConfigError::ZeroDuration(name));
            }
        }
        if self.backoff_min > self.backoff_max {
            return Err(NodeConfigError::Backoff {
                min: self.backoff_min,
                max: self.backoff_max,
            });
        }
        #[cfg(feature = "remote-tls")]
        if let Some(tls) = &self.tls {
            tls.validate()?;
        }
        Ok(NodeConfig {
            system: self.system,
            listen_host: self.listen_host,
            listen_port: self.listen_port,
            advertise_host,
            max_frame_bytes: self.max_frame_bytes,
            auth_token: self.auth_token,
            #[cfg(feature = "remote-tls")]
            tls: self.tls,
            #[cfg(any(feature = "remote-gzip", feature = "remote-zstd"))]
            compression: self.compression,
            connect_timeout: self.connect_timeout,
            call_timeout: self.call_timeout,
            keepalive_interval: self.keepalive_interval,
            keepalive_timeout: self.keepalive_timeout,
            backoff_min: self.backoff_min,
            backoff_max: self.backoff_max,
            unreachable_after: self.unreachable_after,
            shutdown_grace: self.shutdown_grace,
            server_layers: self.server_layers,
            client_layers: self.client_layers,
            server_interceptors: self.server_interceptors,
            client_interceptors: self.client_interceptors,
            dead_letters: self.dead_letters,
            link_events: self.link_events,
            grpc_reflection: self.grpc_reflection,
            grpc_health: self.grpc_health,
            descriptor_sets: self.descriptor_sets,
        })
    }
}

impl fmt::Debug for NodeConfigBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NodeConfigBuilder")
            .field("system", &self.system)
            .field("listen_host", &self.listen_host)
            .field("listen_port", &self.listen_port)
            .finish_non_exhaustive()
    }
}

/// A DNS name or an IP literal (IPv6 without brackets).
fn check_host(which: &'static str, host: &str) -> Result<(), NodeConfigError> {
    let dns_name = !host.is_empty()
        && host.len() <= 253
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'))
        });
    if dns_name || host.parse::<IpAddr>().is_ok() {
        Ok(())
    } else {
        Err(NodeConfigError::InvalidHost {
            which,
            host: host.to_owned(),
        })
    }
}
