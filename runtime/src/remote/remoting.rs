//! Remoting joined to the actor system: [`Remoting::start`] gives a system a [`Node`],
//! [`ActorSystem::register`] makes a kind of actor reachable from other nodes (and
//! [`ActorSystem::register_spawn`] spawnable by them), and [`ActorSystem::lookup_remote`] /
//! [`ActorSystem::spawn_remote`] return an actor of another node as its own typed handle.
//!
//! This module owns the system's side of the transport: the [`Remoting`] value the system
//! keeps among its extensions (the node, the registered kinds, the proxies made so far), the
//! [`Inbound`] that delivers what peers send to local actors, and the facade methods on
//! [`ActorSystem`]. The remote handles themselves are in `proxy`.
//!
//! # What is reachable
//!
//! A *named* actor (at any depth; its name is its last path segment) whose type is
//! registered with [`ActorSystem::register`]: one registration per kind, before or after the
//! node starts. An actor of a kind that is not registered, or an anonymous one, cannot be
//! reached: a lookup answers [`RemoteError::UnknownKind`] or [`RemoteError::UnknownActor`].
//!
//! # Delivery
//!
//! A peer's envelope is delivered on the link's reader task without waiting: it goes past
//! a full bounded mailbox's capacity (as the runtime's own messages do), so the messages of
//! one sender keep their order and the link is never held up by a busy actor. An ask's reply
//! is awaited on a task of its own, up to the deadline the asker sent; a streaming ask's
//! items are pulled by a task of the link's, as the asker's credit allows (see
//! [Streams](super#streams)). What cannot be
//! delivered is answered (an ask) with a typed error for that call only, or published (a
//! tell) as a [`DeadLetter`](crate::DeadLetter) on this system's event stream with
//! [`DeadLetterReason::Remote`].

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::marker::PhantomData;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex, PoisonError, RwLock, Weak};
use std::time::Duration;

use futures_util::future::BoxFuture;
use prost::bytes::Bytes;
use tokio::sync::oneshot;

use super::address::{address_text, parse_address, parse_node};
use super::config::{DeadLetterHook, NodeConfig};
use super::door::{Actors, Door, KindInfo, Refused};
use super::error::{RemoteError, StartError, ask_detail, detail};
use super::events::{DeadLetter as RemoteDeadLetter, Direction};
use super::inbound::{Found, Inbound, ReplyTo, WatchStart};
use super::node::Node;
use super::proto::v1::{
    ActorAddress, Envelope, ErrorCause, ErrorDetail, NodeAddress, SpawnRequest, StopCause,
    Terminated as WireTerminated,
};
use super::proxy::{ProxyKey, RemoteProxy, proxy_key};
use crate::actor::ActorHandle;
use crate::actor_ref::ActorRef;
use crate::cell::{Cell, Node as Tree};
use crate::error::{ConfigError, SendError, SpawnError};
use crate::event::{DeadLetterReason, StopReason};
use crate::id::{ActorId, ActorPath};
use crate::mailbox::StopKind;
use crate::system::{ActorSystem, ActorSystemBuilder, SystemInner};
use crate::wire::{EncodedReply, RemoteActor, Response, WireMethod};

/// A system's remoting: its [`Node`] and what the system serves through it. Cheap to clone.
///
/// ```no_run
/// use rakt::prelude::*;
/// use rakt::remote::{NodeConfig, Remoting};
///
/// #[actor]
/// #[derive(Default)]
/// pub struct Counter {
///     total: u64,
/// }
///
/// #[actor(remote)]
/// impl Counter {
///     pub fn add(&mut self, by: u64) {
///         self.total += by;
///     }
///
///     pub fn total(&self) -> u64 {
///         self.total
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// // One node serves the counter...
/// let server = ActorSystem::builder("server").build().await?;
/// let config = NodeConfig::builder("server").listen("127.0.0.1", 0).build()?;
/// let remoting = Remoting::start(&server, config).await?;
/// server.register::<Counter>();
/// let _counter: CounterRef = server.spawn("counter", Counter::default()).await?;
///
/// // ... another looks it up and calls it through the same typed handle.
/// let client = ActorSystem::builder("client").build().await?;
/// Remoting::start(&client, NodeConfig::builder("client").listen("127.0.0.1", 0).build()?).await?;
/// let counter: CounterRef = client.lookup_remote(&remoting.actor_address("/user/counter")).await?;
/// counter.add(2).await?;
/// assert_eq!(counter.total().await?, 2);
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Remoting {
    inner: Arc<RemotingInner>,
}

struct RemotingInner {
    node: Node,
    /// The node's gRPC door: the registered kinds as plain gRPC services.
    door: Door,
    /// The proxies made so far, by the remote actor's incarnation: two lookups of one remote
    /// actor give equal handles while one is alive.
    proxies: Mutex<HashMap<ProxyKey, Box<dyn Any + Send + Sync>>>,
}

impl std::fmt::Debug for Remoting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Remoting")
            .field("node", &self.inner.node)
            .finish_non_exhaustive()
    }
}

impl Remoting {
    /// Starts `system`'s node: binds the configured listener and serves the system's
    /// registered kinds. The node shuts down with the system
    /// ([`ActorSystem::shutdown`], after its actors have stopped). The tells the node accepts
    /// and then cannot deliver become dead letters on the system's event stream
    /// ([`DeadLetterReason::Remote`]) before they reach the configuration's own
    /// [`on_dead_letter`](super::NodeConfigBuilder::on_dead_letter) hook.
    ///
    /// # Errors
    /// Those of [`Node::start`]; [`StartError::SystemName`] when the configuration names
    /// another system; [`StartError::AlreadyStarted`] when the system has a node already.
    pub async fn start(system: &ActorSystem, config: NodeConfig) -> Result<Remoting, StartError> {
        if config.system() != system.name() {
            return Err(StartError::SystemName {
                node: config.system().to_owned(),
                system: system.name().to_owned(),
            });
        }
        if Remoting::of(system).is_some() {
            return Err(StartError::AlreadyStarted);
        }
        let mut config = config;
        config.dead_letters = Some(dead_letters_to(system, config.dead_letters.take()));
        let inbound = Arc::new(SystemInbound {
            system: Arc::downgrade(&system.inner),
            kinds: kinds(system),
            targets: RwLock::default(),
        });
        let door = Door::new(&config, inbound.clone(), tokio::runtime::Handle::current());
        let node = Node::start_with_door(config, inbound, Some(door.clone())).await?;
        let remoting = Remoting {
            inner: Arc::new(RemotingInner {
                node: node.clone(),
                door: door.clone(),
                proxies: Mutex::new(HashMap::new()),
            }),
        };
        if system
            .inner
            .extensions
            .insert(Arc::new(remoting.clone()))
            .is_err()
        {
            node.shutdown().await;
            return Err(StartError::AlreadyStarted);
        }
        // The kinds registered until now; those registered from now on refresh it themselves.
        door.refresh();
        system.inner.extensions.on_shutdown(Box::new(move || {
            Box::pin(async move { node.shutdown().await })
        }));
        Ok(remoting)
    }

    /// The remoting of `system`, if it has started.
    pub fn of(system: &ActorSystem) -> Option<Remoting> {
        system
            .inner
            .extensions
            .get::<Remoting>()
            .map(|remoting| (*remoting).clone())
    }

    /// The node.
    pub fn node(&self) -> &Node {
        &self.inner.node
    }

    /// The node's address.
    pub fn address(&self) -> &NodeAddress {
        self.inner.node.address()
    }

    /// The address other nodes reach the actor at `path` (`/user/counter`) of this system
    /// by: `rakt://<system>@<host>:<port>/user/counter`.
    pub fn actor_address(&self, path: &str) -> String {
        address_text(&ActorAddress {
            node: Some(self.address().clone()),
            path: path.to_owned(),
            id: 0,
        })
    }

    /// The remote handle of the actor at `address` (its full address, as a lookup found it):
    /// the same cell, so the same handle, for as long as one is alive.
    fn proxy<A: RemoteActor>(&self, system: &ActorSystem, address: ActorAddress) -> ActorRef<A> {
        let key = proxy_key(&address);
        let mut proxies = self
            .inner
            .proxies
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(cell) = proxies
            .get(&key)
            .and_then(|weak| weak.downcast_ref::<Weak<Cell<A>>>())
            .and_then(Weak::upgrade)
        {
            return ActorRef::from_cell(cell);
        }
        proxies.retain(|_, weak| {
            weak.downcast_ref::<Weak<Cell<A>>>()
                .is_none_or(|weak| weak.strong_count() > 0)
        });
        let name: Arc<str> = address.path.rsplit('/').next().unwrap_or_default().into();
        let node = self.inner.node.clone();
        let cell = system.detached_cell::<A>(Some(name), |me| {
            Box::new(RemoteProxy::new(node, address, me.clone(), system))
        });
        proxies.insert(key, Box::new(Arc::downgrade(&cell)));
        ActorRef::from_cell(cell)
    }
}

impl ActorSystemBuilder {
    /// Starts a remoting node with the system ([`Remoting::start`] as part of
    /// [`build`](ActorSystemBuilder::build)); `config` must name the same system. Get the
    /// node back with [`Remoting::of`].
    ///
    /// ```no_run
    /// # use rakt::prelude::*;
    /// use rakt::remote::{NodeConfig, Remoting};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let config = NodeConfig::builder("orders").listen("0.0.0.0", 4000).build()?;
    /// let system = ActorSystem::builder("orders").remote(config).build().await?;
    /// let remoting = Remoting::of(&system).expect("started with the system");
    /// println!("listening on port {}", remoting.address().port);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    /// `build` fails with [`ConfigError::Feature`] (`feature` = `"remote"`) when the node
    /// does not start ([`StartError`] says why, in `reason`).
    pub fn remote(self, config: NodeConfig) -> Self {
        self.with_starter(Arc::new(move |system: ActorSystem| {
            let config = config.clone();
            Box::pin(async move {
                Remoting::start(&system, config)
                    .await
                    .map(drop)
                    .map_err(|error| ConfigError::Feature {
                        feature: "remote",
                        reason: error.to_string(),
                    })
            })
        }))
    }
}

impl ActorSystem {
    /// Makes actors of kind `A` reachable from other nodes (its named actors, as
    /// [`lookup_remote`](ActorSystem::lookup_remote) finds them): one registration per kind,
    /// before or after [`Remoting::start`]; registering again changes nothing.
    pub fn register<A: RemoteActor>(&self) {
        kinds(self).insert::<A>();
        refresh_door(self);
    }

    /// Registers `A` (as [`register`](ActorSystem::register) does) and lets other nodes spawn
    /// it ([`spawn_remote`](ActorSystem::spawn_remote)) from constructor arguments `M`, a
    /// prost message (`()` for none), with `make`. Registering again replaces the
    /// constructor. A constructor that panics fails that spawn only.
    ///
    /// ```no_run
    /// # use rakt::prelude::*;
    /// # #[actor] #[derive(Default)] pub struct Counter { total: u64 }
    /// # #[actor(remote)] impl Counter { pub fn total(&self) -> u64 { self.total } }
    /// /// The constructor's arguments.
    /// #[derive(Clone, PartialEq, prost::Message)]
    /// pub struct Start {
    ///     #[prost(uint64, tag = "1")]
    ///     pub total: u64,
    /// }
    ///
    /// # async fn demo(server: ActorSystem, client: ActorSystem, node: &str) -> Result<(), Box<dyn std::error::Error>> {
    /// server.register_spawn(|start: Start| Counter { total: start.total });
    /// // On another node, with `node` = `rakt://server@host:port`:
    /// let counter: CounterRef = client.spawn_remote(node, "counter", Start { total: 5 }).await?;
    /// assert_eq!(counter.total().await?, 5);
    /// # Ok(()) }
    /// ```
    pub fn register_spawn<A, M>(&self, make: impl Fn(M) -> A + Send + Sync + 'static)
    where
        A: RemoteActor,
        M: prost::Message + Default + 'static,
    {
        let spawner = Arc::new(SpawnWith {
            make: Arc::new(make),
            kind: PhantomData,
        });
        kinds(self).insert_spawner::<A>(spawner, false);
        refresh_door(self);
    }

    /// [`register_spawn`](ActorSystem::register_spawn) for a kind made with `Default`, spawned
    /// with the arguments `()`. A call through the node's [gRPC door](super#any-grpc-client)
    /// to a name under `/user` that no actor has spawns one there (activation).
    pub fn register_default<A: RemoteActor + Default>(&self) {
        let spawner = Arc::new(SpawnWith {
            make: Arc::new(|()| A::default()),
            kind: PhantomData,
        });
        kinds(self).insert_spawner::<A>(spawner, true);
        refresh_door(self);
    }

    /// Spawns an actor of kind `H::Actor`, registered for spawning on the node at `node`
    /// (`rakt://<system>@<host>:<port>`), named `name` under its `/user/`, with the
    /// constructor arguments `args`; its handle, as [`lookup_remote`](ActorSystem::lookup_remote)
    /// would give it.
    ///
    /// # Errors
    /// [`RemoteError::NotStarted`]; [`RemoteError::InvalidAddress`] for a malformed node;
    /// [`RemoteError::UnknownKind`] when the kind is not registered for spawning there;
    /// [`RemoteError::NameTaken`] / [`RemoteError::InvalidName`] for the name;
    /// [`RemoteError::MalformedPayload`] when `args` are not the registered constructor's;
    /// [`RemoteError::HandlerFailed`] when the constructor panicked; the transport's errors.
    pub async fn spawn_remote<H, M>(
        &self,
        node: &str,
        name: &str,
        args: M,
    ) -> Result<H, RemoteError>
    where
        H: ActorHandle,
        H::Actor: RemoteActor,
        M: prost::Message,
    {
        let remoting = Remoting::of(self).ok_or(RemoteError::NotStarted)?;
        let node = parse_node(node)?;
        let address = remoting
            .node()
            .spawn(
                &node,
                <H::Actor as RemoteActor>::SERVICE,
                Bytes::from(args.encode_to_vec()),
                Some(name.to_owned()),
            )
            .await?;
        Ok(H::from_actor_ref(remoting.proxy(self, address)))
    }

    /// The actor at `address` (`rakt://<system>@<host>:<port>/user/<name>`) on another node,
    /// as the actor's own handle: tell, ask (with its timeout), `try_send`, the batch forms,
    /// `stop`, `is_alive`, equality and hashing work as for a local actor, with the same error
    /// types ([`SendError::Unreachable`](crate::SendError::Unreachable) and
    /// [`AskError::Remote`](crate::AskError::Remote) for what only the network causes). Two
    /// lookups of one remote actor give equal handles; a remote handle never equals a local
    /// one. Its `path()` is the remote address; its `id()` is this system's own for the handle
    /// (unique here, stable while the handle lives), not the id the actor has on its node.
    /// Watching it ([`Ctx::watch`](crate::Ctx::watch)) delivers `Terminated` when it stops or
    /// its node becomes unreachable ([`StopReason::Unreachable`]: gone, or out of reach for
    /// the node's [`unreachable_after`](super::NodeConfigBuilder::unreachable_after)). A
    /// connection that drops and comes back within that time leaves the handle working: what
    /// was in flight fails, what is sent meanwhile is a dead letter, and the link reconnects
    /// with backoff.
    ///
    /// # Errors
    /// [`RemoteError::NotStarted`] without [`Remoting::start`];
    /// [`RemoteError::InvalidAddress`] for a malformed address; [`RemoteError::UnknownActor`]
    /// when no actor lives there; [`RemoteError::UnknownKind`] when its kind is not
    /// registered there; [`RemoteError::WrongKind`] when it is not an `H::Actor`; and the
    /// transport's errors (unreachable, timeout, ...).
    pub async fn lookup_remote<H>(&self, address: &str) -> Result<H, RemoteError>
    where
        H: ActorHandle,
        H::Actor: RemoteActor,
    {
        let remoting = Remoting::of(self).ok_or(RemoteError::NotStarted)?;
        let address = parse_address(address)?;
        let found = remoting
            .node()
            .lookup(address.clone())
            .await?
            .ok_or_else(|| RemoteError::UnknownActor {
                message: format!("no actor at {}", address_text(&address)),
            })?;
        if found.kind != <H::Actor as RemoteActor>::SERVICE {
            return Err(RemoteError::WrongKind {
                expected: <H::Actor as RemoteActor>::SERVICE,
                found: found.kind,
            });
        }
        Ok(H::from_actor_ref(remoting.proxy(self, found.address)))
    }
}

/// The node's dead-letter hook: the tells it could not deliver go to `system`'s event stream
/// (as [`DeadLetterReason::Remote`]), then to the hook the configuration had, if any.
fn dead_letters_to(system: &ActorSystem, then: Option<DeadLetterHook>) -> DeadLetterHook {
    let system = Arc::downgrade(&system.inner);
    Arc::new(move |dead: RemoteDeadLetter| {
        if let Some(inner) = system.upgrade() {
            // An envelope on its way names its target's node by the link it is on.
            let mut target = dead.envelope.target.clone().unwrap_or_default();
            if target.node.is_none() && dead.direction == Direction::Outbound {
                target.node = Some(dead.peer.clone());
            }
            inner.events.dead_letter(
                || ActorPath::new(address_text(&target)),
                "remote message",
                || Some(dead.envelope.method.clone()),
                DeadLetterReason::Remote {
                    reason: dead.reason.to_string(),
                },
            );
        }
        if let Some(then) = &then {
            then(dead);
        }
    })
}

/// Tells the door of `system`'s node, if it has started, that the registered kinds changed.
fn refresh_door(system: &ActorSystem) {
    if let Some(remoting) = Remoting::of(system) {
        remoting.inner.door.refresh();
    }
}

/// The kinds registered in `system`, made on first use.
fn kinds(system: &ActorSystem) -> Arc<Kinds> {
    system
        .inner
        .extensions
        .get_or_insert_with(|| Arc::new(Kinds::default()))
}

/// The kinds of actor a system serves, by the type of their cell.
#[derive(Default)]
struct Kinds {
    by_type: RwLock<HashMap<TypeId, Arc<dyn Kind>>>,
    /// The kinds in registration order, for the door.
    in_order: RwLock<Vec<Arc<dyn Kind>>>,
    /// The kinds other nodes may spawn, by wire name, and whether the door activates them.
    spawners: RwLock<HashMap<&'static str, SpawnerOf>>,
}

/// How a kind is spawned, and whether the gRPC door activates it.
struct SpawnerOf {
    spawner: Arc<dyn Spawner>,
    activates: bool,
}

impl Kinds {
    fn insert_spawner<A: RemoteActor>(&self, spawner: Arc<dyn Spawner>, activates: bool) {
        self.insert::<A>();
        self.spawners
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(A::SERVICE, SpawnerOf { spawner, activates });
    }

    fn spawner(&self, kind: &str) -> Option<Arc<dyn Spawner>> {
        self.spawners
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(kind)
            .map(|of| of.spawner.clone())
    }

    /// The spawner of `kind` if the door activates it.
    fn activator(&self, kind: &str) -> Option<Arc<dyn Spawner>> {
        self.spawners
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(kind)
            .filter(|of| of.activates)
            .map(|of| of.spawner.clone())
    }

    fn insert<A: RemoteActor>(&self) {
        let mut by_type = self.by_type.write().unwrap_or_else(PoisonError::into_inner);
        if let std::collections::hash_map::Entry::Vacant(entry) =
            by_type.entry(TypeId::of::<Cell<A>>())
        {
            let kind: Arc<dyn Kind> = Arc::new(KindOf::<A>(PhantomData));
            entry.insert(kind.clone());
            self.in_order
                .write()
                .unwrap_or_else(PoisonError::into_inner)
                .push(kind);
        }
    }

    fn of(&self, cell: &Arc<dyn Tree>) -> Option<Arc<dyn Kind>> {
        let any = Arc::clone(cell).into_any();
        let by_type = self.by_type.read().unwrap_or_else(PoisonError::into_inner);
        by_type.get(&(*any).type_id()).cloned()
    }
}

/// How a kind registered for spawning is spawned from the wire.
trait Spawner: Send + Sync + 'static {
    /// Decodes `args`, makes the actor and spawns it as `name`; its address on this node.
    fn spawn(
        &self,
        system: ActorSystem,
        args: Bytes,
        name: String,
    ) -> BoxFuture<'static, Result<ActorAddress, ErrorDetail>>;
}

/// Spawns `A` from constructor arguments `M` with `make`.
struct SpawnWith<A, M, F> {
    make: Arc<F>,
    kind: PhantomData<fn(M) -> A>,
}

impl<A, M, F> Spawner for SpawnWith<A, M, F>
where
    A: RemoteActor,
    M: prost::Message + Default + 'static,
    F: Fn(M) -> A + Send + Sync + 'static,
{
    fn spawn(
        &self,
        system: ActorSystem,
        args: Bytes,
        name: String,
    ) -> BoxFuture<'static, Result<ActorAddress, ErrorDetail>> {
        let make = Arc::clone(&self.make);
        Box::pin(async move {
            if name.is_empty() {
                return Err(detail(
                    ErrorCause::InvalidName,
                    "a remote spawn needs a name: an anonymous actor cannot be reached",
                ));
            }
            let args = M::decode(args).map_err(|error| {
                detail(
                    ErrorCause::MalformedPayload,
                    format!("the constructor arguments of `{}`: {error}", A::SERVICE),
                )
            })?;
            let actor = catch_unwind(AssertUnwindSafe(|| make(args))).map_err(|_| {
                detail(
                    ErrorCause::HandlerFailed,
                    format!("the constructor of `{}` panicked", A::SERVICE),
                )
            })?;
            let spawned = system.spawn(&name, actor).await;
            let handle = spawned.map_err(|error| {
                let cause = match &error {
                    SpawnError::DuplicateName(_) => ErrorCause::NameTaken,
                    SpawnError::InvalidName { .. } => ErrorCause::InvalidName,
                    SpawnError::Stopping => ErrorCause::ShuttingDown,
                    _ => ErrorCause::Unspecified,
                };
                detail(cause, error.to_string())
            })?;
            Ok(ActorAddress {
                node: None,
                path: format!("/user/{name}"),
                id: handle.id().get(),
            })
        })
    }
}

/// One registered kind: delivers calls to its actors.
trait Kind: Send + Sync + 'static {
    /// Its wire name, `<package>.<Actor>`.
    fn service(&self) -> &'static str;

    /// What the gRPC door needs of it.
    fn door_info(&self) -> KindInfo;

    /// For the gRPC door: decodes `method`'s `payload` and queues it for the actor of `cell`
    /// without waiting for room; what the caller waits for.
    fn door_send(
        &self,
        cell: Arc<dyn Tree>,
        method: &str,
        payload: &[u8],
    ) -> Result<Response, Refused>;

    /// Decodes `method`'s `payload` and delivers it to the actor of `cell`, without waiting;
    /// for an ask, answers `reply` once the actor has.
    fn deliver(&self, cell: Arc<dyn Tree>, method: &str, payload: &[u8], reply: Option<ReplyTo>);
}

struct KindOf<A>(PhantomData<fn() -> A>);

impl<A: RemoteActor> Kind for KindOf<A> {
    fn service(&self) -> &'static str {
        A::SERVICE
    }

    fn door_info(&self) -> KindInfo {
        KindInfo {
            service: A::SERVICE,
            methods: A::METHODS,
            descriptor_set: A::FILE_DESCRIPTOR_SET,
        }
    }

    fn door_send(
        &self,
        cell: Arc<dyn Tree>,
        method: &str,
        payload: &[u8],
    ) -> Result<Response, Refused> {
        let Ok(cell) = cell.into_any().downcast::<Cell<A>>() else {
            return Err(Refused::NoActor(format!("no `{}` there", A::SERVICE)));
        };
        let actor = ActorRef::from_cell(cell);
        let (msg, reply) = A::decode_call(method, payload)
            .map_err(|error| Refused::Malformed(format!("{method}: {error}")))?
            .into_parts();
        match actor.tell(msg).try_send() {
            Ok(()) => Ok(reply),
            Err(SendError::MailboxFull) => Err(Refused::MailboxFull(format!(
                "the mailbox of {} is full",
                actor.path()
            ))),
            Err(_) => Err(Refused::Stopped(format!("{} is stopped", actor.path()))),
        }
    }

    fn deliver(&self, cell: Arc<dyn Tree>, method: &str, payload: &[u8], reply: Option<ReplyTo>) {
        let Ok(cell) = cell.into_any().downcast::<Cell<A>>() else {
            // The kind was found by this very type.
            return;
        };
        let actor = ActorRef::from_cell(cell);
        let system = &actor.cell.core.system;
        let call = match A::decode_call(method, payload) {
            Ok(call) => call,
            Err(error) => {
                let cause = if A::method(method).is_some() {
                    ErrorCause::MalformedPayload
                } else {
                    ErrorCause::UnknownMethod
                };
                let why = detail(cause, format!("{method}: {error}"));
                return refuse(system, || actor.path(), reply, why);
            }
        };
        let (msg, response) = call.into_parts();
        // Past a full mailbox's capacity, never waiting: the link's reader goes on at once and
        // the order of one sender's messages is kept. A stopped actor makes it a dead letter
        // (and fails an ask with `Stopped`).
        actor.deliver(msg);
        match (response, reply) {
            (Response::Unary(encoded), Some(reply)) => {
                system.inner.runtime().spawn(answer(encoded, reply));
            }
            // Its items go as the asker's credit allows, on a task of the link's.
            (Response::Stream(stream), Some(reply)) => reply.stream(stream),
            // A tell sent as an ask: answered at once, with the unit reply.
            (Response::Tell, Some(reply)) => reply.send(Bytes::new()),
            // An ask sent as a tell: nobody waits for its reply (a stream dropped here tells
            // its producer so).
            (_, None) => {}
        }
    }
}

/// Answers `reply` with what `encoded` resolves to, giving up at the asker's deadline.
async fn answer(encoded: EncodedReply, reply: ReplyTo) {
    let outcome = match reply.deadline() {
        Some(deadline) => match tokio::time::timeout_at(deadline, encoded).await {
            Ok(outcome) => outcome,
            // Dropped past its deadline, the reply answers `ERROR_CAUSE_TIMEOUT`.
            Err(_) => return,
        },
        None => encoded.await,
    };
    match outcome {
        Ok(bytes) => reply.send(Bytes::from(bytes)),
        Err(error) => reply.fail(ask_detail(error)),
    }
}

/// A call that cannot be delivered: an ask's typed error, or a tell's dead letter.
fn refuse(
    system: &ActorSystem,
    target: impl Fn() -> ActorPath,
    reply: Option<ReplyTo>,
    why: ErrorDetail,
) {
    match reply {
        Some(reply) => reply.fail(why),
        None => system.inner.events.dead_letter(
            target,
            "remote message",
            || None,
            DeadLetterReason::Remote {
                reason: why.message,
            },
        ),
    }
}

/// What peers send, delivered to the actors of one system.
struct SystemInbound {
    system: Weak<SystemInner>,
    kinds: Arc<Kinds>,
    targets: RwLock<Targets>,
}

/// The actors envelopes were delivered to, by the path the envelopes named them with: the
/// next envelope for one of them skips finding it by name and checking its path (which builds
/// the path as a string). An entry serves while its actor is alive (an envelope for a stopped
/// one finds it again, by name: maybe a new actor there); the entries of stopped actors go
/// when the table has grown to twice its size after the last sweep. Only actors found are
/// entered, one path each, so the table is as large as the live reachable actors at most
/// twice over, whatever peers send.
#[derive(Default)]
struct Targets {
    by_path: HashMap<String, Target>,
    sweep_at: usize,
}

/// A local actor envelopes reach, and its kind.
struct Target {
    cell: Weak<dyn Tree>,
    kind: Arc<dyn Kind>,
}

/// The fewest entries [`Targets`] sweeps at.
const TARGETS_SWEPT_FROM: usize = 64;

/// A local actor that an address names, and its kind.
struct Resolved {
    cell: Arc<dyn Tree>,
    kind: Arc<dyn Kind>,
}

impl SystemInbound {
    fn system(&self) -> Result<ActorSystem, ErrorDetail> {
        self.system
            .upgrade()
            .map(|inner| ActorSystem { inner })
            .ok_or_else(|| detail(ErrorCause::ShuttingDown, "the actor system is gone"))
    }

    /// The live, registered actor at `address` (this node's).
    fn resolve(&self, address: &ActorAddress) -> Result<Resolved, ErrorDetail> {
        resolve_in(self.system()?, &self.kinds, address)
    }

    /// The live actor at `address` (and its kind), if an earlier envelope found it.
    fn cached(&self, address: &ActorAddress) -> Option<(Arc<dyn Tree>, Arc<dyn Kind>)> {
        let targets = self.targets.read().unwrap_or_else(PoisonError::into_inner);
        let target = targets.by_path.get(&address.path)?;
        let cell = target.cell.upgrade()?;
        let core = cell.core();
        if core.is_terminated() || (address.id != 0 && core.id.get() != address.id) {
            return None;
        }
        Some((cell, target.kind.clone()))
    }

    /// Enters the actor an envelope for `path` found.
    fn remember(&self, path: String, cell: &Arc<dyn Tree>, kind: &Arc<dyn Kind>) {
        let mut targets = self.targets.write().unwrap_or_else(PoisonError::into_inner);
        if targets.by_path.len() >= targets.sweep_at {
            targets.by_path.retain(|_, target| {
                target
                    .cell
                    .upgrade()
                    .is_some_and(|cell| !cell.core().is_terminated())
            });
            targets.sweep_at = (targets.by_path.len() * 2).max(TARGETS_SWEPT_FROM);
        }
        targets.by_path.insert(
            path,
            Target {
                cell: Arc::downgrade(cell),
                kind: kind.clone(),
            },
        );
    }
}

/// The live actor of a kind in `kinds` at `address` (of this node) in `system`.
fn resolve_in(
    system: ActorSystem,
    kinds: &Kinds,
    address: &ActorAddress,
) -> Result<Resolved, ErrorDetail> {
    let unknown = || {
        detail(
            ErrorCause::UnknownActor,
            format!("no actor at {}", address.path),
        )
    };
    let name = address.path.rsplit('/').next().unwrap_or_default();
    let cell = system.named(name).ok_or_else(unknown)?;
    let core = cell.core();
    // Its path is `rakt://<system><path>`, compared without building it.
    let path = core.path();
    let at = path
        .as_str()
        .strip_prefix("rakt://")
        .and_then(|rest| rest.strip_prefix(system.name()));
    if at != Some(address.path.as_str())
        || core.is_terminated()
        || (address.id != 0 && core.id.get() != address.id)
    {
        return Err(unknown());
    }
    let kind = kinds.of(&cell).ok_or_else(|| {
        detail(
            ErrorCause::UnknownKind,
            format!(
                "the actor at {} is of no kind registered for remoting",
                address.path
            ),
        )
    })?;
    Ok(Resolved { cell, kind })
}

impl Actors for SystemInbound {
    fn kinds(&self) -> Vec<KindInfo> {
        self.kinds
            .in_order
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .map(|kind| kind.door_info())
            .collect()
    }

    fn ask_timeout(&self) -> Duration {
        self.system
            .upgrade()
            .map_or(Duration::ZERO, |inner| inner.ask_timeout())
    }

    fn send(
        &self,
        method: &'static WireMethod,
        path: String,
        payload: Bytes,
    ) -> BoxFuture<'static, Result<Response, Refused>> {
        let Ok(system) = self.system() else {
            return Box::pin(async { Err(Refused::ShuttingDown) });
        };
        let service = method
            .path
            .split_once('/')
            .map_or(method.path, |(service, _)| service);
        let address = ActorAddress {
            node: None,
            path,
            id: 0,
        };
        let first = door_resolve(system.clone(), &self.kinds, &address, service);
        let activator = match &first {
            Err(DoorMiss::Absent(_)) => address
                .path
                .strip_prefix("/user/")
                .filter(|name| !name.contains('/'))
                .and_then(|_| self.kinds.activator(service)),
            _ => None,
        };
        let Some(activator) = activator else {
            return Box::pin(std::future::ready(first.map_err(Refused::from).and_then(
                |resolved| {
                    resolved
                        .kind
                        .door_send(resolved.cell, method.path, &payload)
                },
            )));
        };
        let kinds = self.kinds.clone();
        Box::pin(async move {
            let name = address.path["/user/".len()..].to_owned();
            match activator.spawn(system.clone(), Bytes::new(), name).await {
                Ok(_) => {}
                // Another call activated it first.
                Err(why) if why.cause == i32::from(ErrorCause::NameTaken) => {}
                Err(why) if why.cause == i32::from(ErrorCause::ShuttingDown) => {
                    return Err(Refused::ShuttingDown);
                }
                Err(why) if why.cause == i32::from(ErrorCause::InvalidName) => {
                    return Err(Refused::NoActor(why.message));
                }
                Err(why) => return Err(Refused::Failed(why.message)),
            }
            let resolved = door_resolve(system, &kinds, &address, service)?;
            resolved
                .kind
                .door_send(resolved.cell, method.path, &payload)
        })
    }
}

/// Why the door found no actor for a call.
enum DoorMiss {
    /// No live actor there; why.
    Absent(String),
    /// Why else.
    Refused(Refused),
}

impl From<DoorMiss> for Refused {
    fn from(miss: DoorMiss) -> Refused {
        match miss {
            DoorMiss::Absent(why) => Refused::NoActor(why),
            DoorMiss::Refused(refused) => refused,
        }
    }
}

/// The live actor of kind `service` at `address`, for the door.
fn door_resolve(
    system: ActorSystem,
    kinds: &Kinds,
    address: &ActorAddress,
    service: &str,
) -> Result<Resolved, DoorMiss> {
    let resolved = resolve_in(system, kinds, address).map_err(|why| {
        if why.cause == i32::from(ErrorCause::UnknownActor) {
            DoorMiss::Absent(why.message)
        } else if why.cause == i32::from(ErrorCause::ShuttingDown) {
            DoorMiss::Refused(Refused::ShuttingDown)
        } else {
            DoorMiss::Refused(Refused::NoActor(why.message))
        }
    })?;
    if resolved.kind.service() != service {
        return Err(DoorMiss::Refused(Refused::NoActor(format!(
            "the actor at {} is a `{}`, not a `{service}`",
            address.path,
            resolved.kind.service()
        ))));
    }
    Ok(resolved)
}

impl Inbound for SystemInbound {
    fn envelope(&self, _from: &NodeAddress, envelope: Envelope, reply: Option<ReplyTo>) {
        if reply.as_ref().is_some_and(ReplyTo::is_expired) {
            // Nobody waits for it; dropped, it answers `ERROR_CAUSE_TIMEOUT`.
            return;
        }
        let target = envelope.target.unwrap_or_default();
        if let Some((cell, kind)) = self.cached(&target) {
            kind.deliver(cell, &envelope.method, &envelope.payload, reply);
            return;
        }
        match self.resolve(&target) {
            Ok(Resolved { cell, kind }) => {
                self.remember(target.path, &cell, &kind);
                kind.deliver(cell, &envelope.method, &envelope.payload, reply);
            }
            Err(why) => match self.system() {
                Ok(system) => {
                    refuse(
                        &system,
                        || ActorPath::new(address_text(&target)),
                        reply,
                        why,
                    );
                }
                Err(gone) => {
                    if let Some(reply) = reply {
                        reply.fail(gone);
                    }
                }
            },
        }
    }

    fn lookup(
        &self,
        address: ActorAddress,
    ) -> BoxFuture<'static, Result<Option<Found>, ErrorDetail>> {
        let found = match self.resolve(&address) {
            Ok(Resolved { cell, kind }) => Ok(Some(Found {
                address: ActorAddress {
                    node: None,
                    path: address.path,
                    id: cell.core().id.get(),
                },
                kind: kind.service().to_owned(),
            })),
            Err(why) if why.cause == i32::from(ErrorCause::UnknownActor) => Ok(None),
            Err(why) => Err(why),
        };
        Box::pin(async move { found })
    }

    fn spawn(
        &self,
        request: SpawnRequest,
    ) -> BoxFuture<'static, Result<ActorAddress, ErrorDetail>> {
        let system = match self.system() {
            Ok(system) => system,
            Err(gone) => return Box::pin(async move { Err(gone) }),
        };
        match self.kinds.spawner(&request.kind) {
            Some(spawner) => spawner.spawn(system, request.args, request.name),
            None => {
                let kind = request.kind;
                Box::pin(async move {
                    Err(detail(
                        ErrorCause::UnknownKind,
                        format!("no kind `{kind}` is registered for spawning"),
                    ))
                })
            }
        }
    }

    fn stop(
        &self,
        address: ActorAddress,
        kill: bool,
    ) -> BoxFuture<'static, Result<bool, ErrorDetail>> {
        let resolved = self.resolve(&address);
        Box::pin(async move {
            let Ok(Resolved { cell, .. }) = resolved else {
                return Ok(false);
            };
            cell.request_stop(if kill {
                StopKind::Kill
            } else {
                StopKind::Graceful
            });
            cell.core().terminated().await;
            Ok(true)
        })
    }

    fn watch(&self, address: ActorAddress) -> BoxFuture<'static, Result<WatchStart, ErrorDetail>> {
        let start = match self.resolve(&address) {
            Ok(Resolved { cell, .. }) => {
                let (tell, terminated) = oneshot::channel();
                let watched = ActorAddress {
                    node: None,
                    path: address.path.clone(),
                    id: cell.core().id.get(),
                };
                let notice = watched.clone();
                // The watcher is another node: no local id, and nothing to take the watch back
                // but the actor's end.
                cell.core().add_watcher(
                    ActorId::new(0),
                    Box::new(move |terminated| {
                        let (cause, message) = stop_cause(&terminated.reason);
                        let _ = tell.send(WireTerminated {
                            address: Some(notice),
                            cause: cause.into(),
                            message,
                        });
                    }),
                );
                Ok(WatchStart::Watching {
                    address: watched,
                    terminated,
                })
            }
            Err(_) => Ok(WatchStart::NotFound),
        };
        Box::pin(async move { start })
    }
}

/// A local stop reason as the protocol's cause and message: the failure's text for a failure,
/// a lost restart budget, an escalation or an unreachable node; empty otherwise.
fn stop_cause(reason: &StopReason) -> (StopCause, String) {
    let cause = match reason {
        StopReason::Stopped => StopCause::Stopped,
        StopReason::Killed => StopCause::Killed,
        StopReason::Failed(_) => StopCause::Failed,
        StopReason::RestartsExhausted(_) => StopCause::RestartsExhausted,
        StopReason::Escalated(_) => StopCause::Escalated,
        StopReason::Passivated => StopCause::Passivated,
        StopReason::NoRoutees => StopCause::NoRoutees,
        StopReason::Unreachable(_) => StopCause::NodeUnreachable,
    };
    let message = match reason {
        StopReason::Failed(text)
        | StopReason::RestartsExhausted(text)
        | StopReason::Escalated(text)
        | StopReason::Unreachable(text) => text.clone(),
        _ => String::new(),
    };
    (cause, message)
}

#[cfg(test)]
mod tests {
    use super::super::proto::v1::Terminated as WireTerminated;
    use super::super::proxy::stop_reason;
    use super::*;

    /// A stop reason crosses the wire as it was: a remote `Failed("boom")` reaches the
    /// watcher as `Failed("boom")`, not as the text of its `Debug`.
    #[test]
    fn stop_reasons_cross_the_wire_unchanged() {
        for reason in [
            StopReason::Stopped,
            StopReason::Killed,
            StopReason::Failed("boom".into()),
            StopReason::RestartsExhausted("three in a row".into()),
            StopReason::Escalated("up".into()),
            StopReason::Passivated,
            StopReason::NoRoutees,
            StopReason::Unreachable("gone".into()),
        ] {
            let (cause, message) = stop_cause(&reason);
            let terminated = WireTerminated {
                address: None,
                cause: cause as i32,
                message,
            };
            assert_eq!(stop_reason(&terminated), reason);
        }
    }
}
