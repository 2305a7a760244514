//! A running node: [`Node::start`] binds the listener and serves the `Remoting` service,
//! [`Node::tell`] and [`Node::ask`] send over the link to the target's node, and
//! [`Node::shutdown`] ends every link on purpose.
//!
//! This module owns the node's lifetime: it makes what all its links share
//! ([`Shared`](super::shared::Shared)), serves, keeps the registry of peers (each made on
//! first use), and on shutdown ends every link, those to its peers and those peers opened.
//! The unary calls (lookup, spawn, stop, watch) are another module's, built on this one.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use arc_swap::ArcSwap;
use prost::bytes::Bytes;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tonic::transport::server::TcpIncoming;
use tracing::{debug, warn};

use super::config::NodeConfig;
use super::door::Door;
use super::error::{RemoteError, StartError};
use super::events::LinkStats;
use super::inbound::Inbound;
use super::link::Session;
use super::peer::Peer;
use super::pending::StreamSink;
use super::proto::v1::{ActorAddress, Envelope, NodeAddress};
use super::queued::{Plain, Queued};
use super::server::{Accepted, Server};
use super::shared::Shared;

/// A node of a rakt cluster: the `Remoting` server on its listener, and its links to peers.
///
/// Cheap to clone (every clone is the same node). The node keeps serving until
/// [`shutdown`](Self::shutdown), or until its last clone is dropped (which begins the same
/// shutdown without waiting for it).
///
/// ```no_run
/// use std::time::Duration;
/// use rakt::remote::proto::v1::ActorAddress;
/// use rakt::remote::{Inbound, Node, NodeConfig};
///
/// struct NothingHere;
/// impl Inbound for NothingHere {
///     fn envelope(
///         &self,
///         _from: &rakt::remote::proto::v1::NodeAddress,
///         _envelope: rakt::remote::proto::v1::Envelope,
///         _reply: Option<rakt::remote::ReplyTo>,
///     ) {
///     }
/// }
///
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// let node = Node::start(NodeConfig::builder("a").build()?, NothingHere).await?;
/// let peer = node.address().clone(); // a real peer's address in practice
/// let target = ActorAddress { node: Some(peer), path: "/user/echo".into(), id: 0 };
/// node.tell(&target, "demo.v1.Echo/say", "hi".into())?;
/// let reply = node
///     .ask(&target, "demo.v1.Echo/echo", "ping".into(), Duration::from_secs(1))
///     .await?;
/// node.shutdown().await;
/// # let _ = reply;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Node {
    inner: Arc<NodeInner>,
}

struct NodeInner {
    shared: Arc<Shared>,
    /// The links peers opened to this node.
    accepted: Arc<Accepted>,
    /// The peers, each made on first use and kept for the node's life; read without a lock.
    peers: ArcSwap<Peers>,
    /// Taken to add a peer (senders go on with the peers they loaded).
    adding: Mutex<()>,
    /// Where the peer found last is in `peers.list`: the sends to one node in a row (the
    /// common case) find it there without hashing its address.
    last: AtomicUsize,
    peer_hasher: std::hash::RandomState,
    server: Mutex<Option<JoinHandle<()>>>,
    stop_server: Mutex<Option<oneshot::Sender<()>>>,
}

impl fmt::Debug for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Node")
            .field("address", &self.inner.shared.address)
            .finish_non_exhaustive()
    }
}

impl Node {
    /// Binds the configured host and port and starts serving; resolves once the listener is
    /// bound (the address it reports is the real one, port 0 resolved). The node's `uid` is
    /// drawn at random, non-zero, per start.
    ///
    /// Must be called inside a tokio runtime; the node's tasks run on it. Its other methods
    /// may then be called from any thread (tells and asks need no runtime of their own).
    pub async fn start(config: NodeConfig, inbound: impl Inbound) -> Result<Node, StartError> {
        Node::start_shared(config, Arc::new(inbound)).await
    }

    /// [`start`](Self::start) with an `Inbound` already shared.
    pub async fn start_shared(
        config: NodeConfig,
        inbound: Arc<dyn Inbound>,
    ) -> Result<Node, StartError> {
        Node::start_with_door(config, inbound, None).await
    }

    /// [`start_shared`](Self::start_shared), serving `door` next to the `Remoting` service
    /// (every call to another path goes to it); the door learns of the node's shutdown.
    pub(crate) async fn start_with_door(
        config: NodeConfig,
        inbound: Arc<dyn Inbound>,
        door: Option<Door>,
    ) -> Result<Node, StartError> {
        let bind_address = format!("{}:{}", config.listen_host, config.listen_port);
        let listener =
            tokio::net::TcpListener::bind((config.listen_host.as_str(), config.listen_port))
                .await
                .map_err(|source| StartError::Bind {
                    address: bind_address.clone(),
                    source,
                })?;
        let port = listener
            .local_addr()
            .map_err(|source| StartError::Bind {
                address: bind_address,
                source,
            })?
            .port();
        let address = NodeAddress {
            system: config.system.clone(),
            host: config.advertise_host.clone(),
            port: u32::from(port),
            uid: fastrand::u64(1..),
        };
        let shared = Arc::new(Shared::new(
            address,
            config,
            inbound,
            tokio::runtime::Handle::current(),
        ));
        let accepted = Arc::new(Accepted::default());
        if let Some(door) = &door {
            door.attach(shared.shutdown.subscribe());
        }
        let (builder, service) = super::service::server(
            &shared.config,
            Arc::new(Server {
                shared: shared.clone(),
                accepted: accepted.clone(),
            }),
            door.as_ref().map(Door::service),
        )?;
        let incoming = TcpIncoming::from(listener).with_nodelay(Some(true));
        let (stop_server, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            let signal = async {
                let _ = stopped.await;
            };
            if let Err(error) = builder
                .serve_with_incoming_shutdown(service, incoming, signal)
                .await
            {
                warn!(%error, "the remoting server failed");
            }
        });
        debug!(address = ?shared.address, "node started");
        Ok(Node {
            inner: Arc::new(NodeInner {
                shared,
                accepted,
                peers: ArcSwap::default(),
                adding: Mutex::new(()),
                last: AtomicUsize::new(0),
                peer_hasher: std::hash::RandomState::new(),
                server: Mutex::new(Some(server)),
                stop_server: Mutex::new(Some(stop_server)),
            }),
        })
    }

    /// The node's address as peers reach it: system, advertised host, the bound port, and this
    /// start's `uid`.
    pub fn address(&self) -> &NodeAddress {
        &self.inner.shared.address
    }

    /// Traffic counters since the node started.
    pub fn stats(&self) -> LinkStats {
        self.inner.shared.counters.snapshot()
    }

    pub(crate) fn shared(&self) -> &Arc<Shared> {
        &self.inner.shared
    }

    /// Runs `f` on the connection to `node`, made on first use.
    pub(crate) fn with_peer<R>(
        &self,
        node: &NodeAddress,
        f: impl FnOnce(&Arc<Peer>) -> R,
    ) -> Result<R, RemoteError> {
        if self.inner.shared.is_closing() {
            return Err(RemoteError::LocalShutdown);
        }
        // The common case, a known peer, allocates nothing and takes no lock.
        let peers = self.inner.peers.load();
        if let Some(peer) = self.inner.find(&peers, node) {
            return Ok(f(peer));
        }
        drop(peers);
        let _adding = self.inner.adding.lock().unwrap_or_else(|p| p.into_inner());
        let peers = self.inner.peers.load_full();
        if let Some(peer) = self.inner.find(&peers, node) {
            return Ok(f(peer));
        }
        let port = u16::try_from(node.port)
            .ok()
            .filter(|port| *port != 0)
            .ok_or_else(|| RemoteError::Unreachable {
                node: super::error::node_text(node),
                reason: format!("{} is not a TCP port", node.port),
            })?;
        // The client's connection tasks belong on the node's runtime, whichever thread sends.
        let _runtime = self.inner.shared.runtime.enter();
        let client = super::service::client(&self.inner.shared.config, &node.host, port).map_err(
            |reason| RemoteError::Unreachable {
                node: super::error::node_text(node),
                reason,
            },
        )?;
        let target = NodeAddress {
            uid: 0,
            ..node.clone()
        };
        let peer = Arc::new(Peer::new(self.inner.shared.clone(), target, client));
        let result = f(&peer);
        let mut more = Peers::clone(&peers);
        let hash = self.inner.hash(node);
        more.by_hash.entry(hash).or_default().push(more.list.len());
        more.list.push(peer.clone());
        self.inner.peers.store(Arc::new(more));
        if self.inner.shared.is_closing() {
            // Shutdown began meanwhile and may have missed it.
            peer.close();
        }
        Ok(result)
    }

    /// The connection to `node`, made on first use.
    pub(crate) fn peer(&self, node: &NodeAddress) -> Result<Arc<Peer>, RemoteError> {
        self.with_peer(node, Arc::clone)
    }

    /// Tells `method` of the actor at `target` (whose `node` says where it lives) with the
    /// encoded arguments `payload`. Returns once the tell is queued on the link to that node
    /// (opened on first use); never waits for the network.
    ///
    /// An error means the tell was not queued (the caller reports it as a dead letter if it
    /// wants one): no node in `target`, the peer within its reconnect backoff, the envelope
    /// too large for the peer's frames (when the link is up and knows the limit), the target
    /// for another incarnation of the peer, or this node shutting down. A tell that is queued
    /// and then cannot be sent reaches the [dead-letter hook](super::NodeConfigBuilder::on_dead_letter).
    pub fn tell(
        &self,
        target: &ActorAddress,
        method: impl Into<String>,
        payload: Bytes,
    ) -> Result<(), RemoteError> {
        let node = target.node.as_ref().ok_or_else(|| no_node(target))?;
        self.with_peer(node, |peer| {
            peer.tell(plain(target, method.into(), payload), node.uid)
        })?
    }

    /// [`tell`](Self::tell) with a whole envelope (to give its sender and trace context);
    /// its target's `node` says where it goes, and its `correlation_id` and `timeout_ms` are
    /// ignored.
    pub fn tell_envelope(&self, mut envelope: Envelope) -> Result<(), RemoteError> {
        let node = take_node(&mut envelope)?;
        self.with_peer(&node, |peer| peer.tell(envelope.into(), node.uid))?
    }

    /// Asks `method` of the actor at `target` with the encoded arguments `payload`, and
    /// waits up to `timeout` for the encoded reply.
    ///
    /// The ask is queued when this method is called (before the future is first polled), so
    /// asks and tells keep the order of the calls. The timeout travels with it (`timeout_ms`),
    /// so the receiver skips it once nobody waits. Errors: those of [`tell`](Self::tell), then
    /// [`RemoteError::Timeout`] when no reply came in time, [`RemoteError::ConnectionLost`] /
    /// [`RemoteError::NodeLeft`] / [`RemoteError::Unreachable`] as soon as the link it waits
    /// on is gone, or the peer's error for this ask. Dropping the future forgets the ask.
    pub fn ask(
        &self,
        target: &ActorAddress,
        method: impl Into<String>,
        payload: Bytes,
        timeout: Duration,
    ) -> impl Future<Output = Result<Bytes, RemoteError>> + Send + 'static {
        let started = match &target.node {
            None => Err(no_node(target)),
            Some(node) => self.start_ask(node, plain(target, method.into(), payload), timeout),
        };
        finish_ask(started, timeout)
    }

    /// [`ask`](Self::ask) with a whole envelope (to give its sender and trace context); its
    /// `correlation_id` and `timeout_ms` are set by the node.
    pub fn ask_envelope(
        &self,
        mut envelope: Envelope,
        timeout: Duration,
    ) -> impl Future<Output = Result<Bytes, RemoteError>> + Send + 'static {
        let started = take_node(&mut envelope)
            .and_then(|node| self.start_ask(&node, envelope.into(), timeout));
        finish_ask(started, timeout)
    }

    /// Queues an ask on the link to `node`.
    fn start_ask(
        &self,
        node: &NodeAddress,
        envelope: Queued,
        timeout: Duration,
    ) -> Result<Started, RemoteError> {
        if timeout.is_zero() {
            return Err(RemoteError::Timeout { timeout });
        }
        self.with_peer(node, |peer| start_ask(peer, node.uid, envelope, timeout))?
    }

    /// The route to the actor at `target` (whose `node` says where it lives): its node's
    /// connection, made on first use, found once.
    pub(crate) fn route(&self, target: &ActorAddress) -> Result<Route, RemoteError> {
        let node = target.node.as_ref().ok_or_else(|| no_node(target))?;
        Ok(Route {
            peer: self.peer(node)?,
            uid: node.uid,
            path: target.path.clone(),
            id: target.id,
        })
    }

    /// Shuts the node down on purpose: refuses new calls and links; ends every link after
    /// what is queued on it (peers see the streams end with `OK`, so they know it was on
    /// purpose); fails asks still waiting with [`RemoteError::LocalShutdown`]; ends watch
    /// streams with `UNAVAILABLE`; and waits (up to the configured grace) for peers to close
    /// their side and for the server to stop. Idempotent.
    pub async fn shutdown(&self) {
        self.inner.begin_shutdown();
        let grace = self.inner.shared.config.shutdown_grace;
        let peers = self.inner.peers.load_full();
        for peer in &peers.list {
            peer.finish(grace).await;
        }
        let server = self
            .inner
            .server
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        if let Some(mut server) = server
            && tokio::time::timeout(grace, &mut server).await.is_err()
        {
            warn!("the remoting server did not stop within the shutdown grace");
            server.abort();
        }
        self.inner.accepted.abort_readers();
    }
}

impl NodeInner {
    /// The part of shutting down that does not wait.
    fn begin_shutdown(&self) {
        if !self.shared.begin_closing() {
            return;
        }
        for peer in &self.peers.load().list {
            peer.close();
        }
        self.accepted.close();
        if let Some(stop) = self
            .stop_server
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
        {
            let _ = stop.send(());
        }
    }
}

impl Drop for NodeInner {
    fn drop(&mut self) {
        self.begin_shutdown();
    }
}

/// A node's peers.
#[derive(Default, Clone)]
struct Peers {
    list: Vec<Arc<Peer>>,
    /// Where in `list` the peers are, by a hash of their system, host and port.
    by_hash: HashMap<u64, Vec<usize>>,
}

impl NodeInner {
    fn hash(&self, node: &NodeAddress) -> u64 {
        self.peer_hasher
            .hash_one((&node.system, &node.host, node.port))
    }

    /// The peer among `peers` that is `node`: the last one found, or the one its hash finds.
    fn find<'a>(&self, peers: &'a Peers, node: &NodeAddress) -> Option<&'a Arc<Peer>> {
        let last = self.last.load(Ordering::Relaxed);
        if let Some(peer) = peers.list.get(last).filter(|peer| is(peer, node)) {
            return Some(peer);
        }
        let (at, peer) = peers
            .by_hash
            .get(&self.hash(node))?
            .iter()
            .filter_map(|&at| Some((at, peers.list.get(at)?)))
            .find(|(_, peer)| is(peer, node))?;
        self.last.store(at, Ordering::Relaxed);
        Some(peer)
    }
}

/// Whether `peer` is the connection to `node` (whichever incarnation).
fn is(peer: &Peer, node: &NodeAddress) -> bool {
    let target = peer.target();
    target.port == node.port && target.host == node.host && target.system == node.system
}

/// `target` names no node.
pub(super) fn no_node(target: &ActorAddress) -> RemoteError {
    RemoteError::NoNode {
        path: target.path.clone(),
    }
}

/// An envelope for `target`, without its node (the link's peer is that node).
fn plain(target: &ActorAddress, method: String, payload: Bytes) -> Queued {
    Queued::Plain(Plain {
        path: target.path.clone(),
        id: target.id,
        method,
        payload,
        correlation_id: 0,
        timeout_ms: 0,
    })
}

/// The way to one remote actor, found once: its node's connection, the incarnation of that
/// node it is for, and its path and id there. A remote handle keeps it, so that its sends do
/// not look the peer up each time; the connection itself reopens its link after a loss, as
/// it does for [`Node::tell`].
pub(crate) struct Route {
    peer: Arc<Peer>,
    uid: u64,
    path: String,
    id: u64,
}

impl Route {
    fn plain(&self, method: &str, payload: Bytes) -> Queued {
        Queued::Plain(Plain {
            path: self.path.clone(),
            id: self.id,
            method: method.to_owned(),
            payload,
            correlation_id: 0,
            timeout_ms: 0,
        })
    }

    /// [`Node::tell`] to this route's actor.
    pub(crate) fn tell(&self, method: &str, payload: Bytes) -> Result<(), RemoteError> {
        if self.peer.is_closing() {
            return Err(RemoteError::LocalShutdown);
        }
        self.peer.tell(self.plain(method, payload), self.uid)
    }

    /// [`Node::ask`] of this route's actor.
    pub(crate) fn ask(
        &self,
        method: &str,
        payload: Bytes,
        timeout: Duration,
    ) -> impl Future<Output = Result<Bytes, RemoteError>> + Send + 'static {
        let started = if timeout.is_zero() {
            Err(RemoteError::Timeout { timeout })
        } else if self.peer.is_closing() {
            Err(RemoteError::LocalShutdown)
        } else {
            start_ask(&self.peer, self.uid, self.plain(method, payload), timeout)
        };
        finish_ask(started, timeout)
    }
}

impl Route {
    /// A streaming ask of this route's actor: `sink` hears of its items and its end (at once,
    /// with why, when it cannot be sent). `timeout`, if any, bounds the whole stream.
    pub(crate) fn ask_stream(
        &self,
        method: &str,
        payload: Bytes,
        timeout: Option<Duration>,
        sink: Box<dyn StreamSink>,
    ) {
        if let Some(timeout) = timeout.filter(|timeout| timeout.is_zero()) {
            return sink.end(Err(RemoteError::Timeout { timeout }));
        }
        if self.peer.is_closing() {
            return sink.end(Err(RemoteError::LocalShutdown));
        }
        match self.peer.link() {
            Ok(session) => session.ask_stream(self.plain(method, payload), self.uid, timeout, sink),
            Err(error) => sink.end(Err(error)),
        }
    }
}

/// An ask queued on its link, and where its outcome arrives.
type Started = (AskGuard, oneshot::Receiver<super::pending::Outcome>);

/// Queues an ask on the link of `peer` (opened if there is none), for its incarnation `uid`.
fn start_ask(
    peer: &Arc<Peer>,
    uid: u64,
    envelope: Queued,
    timeout: Duration,
) -> Result<Started, RemoteError> {
    let session = peer.link()?;
    let (id, outcome) = session.ask(envelope, uid, RemoteError::timeout_ms(timeout))?;
    Ok((
        AskGuard {
            session,
            id,
            armed: true,
        },
        outcome,
    ))
}

/// Takes the node out of an envelope's target.
fn take_node(envelope: &mut Envelope) -> Result<NodeAddress, RemoteError> {
    let target = envelope
        .target
        .as_mut()
        .ok_or_else(|| RemoteError::NoNode {
            path: String::new(),
        })?;
    target.node.take().ok_or_else(|| no_node(target))
}

/// Waits for an ask's outcome, up to its timeout.
async fn finish_ask(
    started: Result<Started, RemoteError>,
    timeout: Duration,
) -> Result<Bytes, RemoteError> {
    let (mut guard, outcome) = started?;
    let result = tokio::time::timeout(timeout, outcome).await;
    guard.armed = false;
    match result {
        Ok(Ok(outcome)) => outcome,
        // The table dropped the slot without an outcome: only when the link is gone.
        Ok(Err(_)) => Err(guard.session.reason().unwrap_or(RemoteError::LocalShutdown)),
        Err(_) => {
            guard.session.pending.remove(guard.id);
            Err(RemoteError::Timeout { timeout })
        }
    }
}

/// An ask in flight: forgets it in the link's table if the asker stops waiting.
struct AskGuard {
    session: Arc<Session>,
    id: u64,
    armed: bool,
}

impl Drop for AskGuard {
    fn drop(&mut self) {
        if self.armed {
            self.session.pending.remove(self.id);
        }
    }
}
