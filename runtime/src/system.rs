//! The actor system: configuration, spawning, the name registry and shutdown.
//!
//! A system owns the user guardian (the parent of every top-level actor), the registry of
//! named actors, the count of live actors and the defaults (ask timeout, mailbox, supervision,
//! passivation, how caught panics are reported) that actors fall back on. It does not run
//! actors itself: each actor is a tokio task driven by the `runner` module.

use std::any::Any;
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Waker};
use std::time::Duration;

use tokio::sync::OnceCell;

use crate::actor::{Actor, ActorHandle};
use crate::actor_ref::ActorRef;
use crate::cell::{Cell, Children, Core, Forward, Node, stop_all};
use crate::error::{ConfigError, SpawnError};
use crate::event::{Event, EventStream, Events};
use crate::extension::Extensions;
use crate::failure;
use crate::id::ActorId;
use crate::mailbox::{Mailbox, MailboxConfig, StopKind};
use crate::passivation::Passivation;
use crate::runner::{self, Factory};
use crate::supervision::Supervision;
use crate::timetable::Schedules;

/// The default ask timeout: 5 seconds.
pub const DEFAULT_ASK_TIMEOUT: Duration = Duration::from_secs(5);

/// The default per-subscriber event buffer: 1,024 events.
pub const DEFAULT_EVENT_BUFFER: usize = 1024;

/// The largest event buffer a system accepts (it is allocated up front).
pub const MAX_EVENT_BUFFER: usize = 1 << 20;

/// A running actor system. Cheap to clone; every clone is the same system.
#[derive(Clone)]
pub struct ActorSystem {
    pub(crate) inner: Arc<SystemInner>,
}

pub(crate) struct SystemInner {
    name: Box<str>,
    ask_timeout: Duration,
    mailbox: MailboxConfig,
    runtime: tokio::runtime::Handle,
    next_id: AtomicU64,
    /// Every registered node not yet forgotten: actors at any depth, routees and pools.
    live: AtomicUsize,
    names: Mutex<HashMap<Arc<str>, Arc<dyn Node>>>,
    pub(crate) guardian: Children,
    shutting_down: AtomicBool,
    shut_down: OnceCell<()>,
    pub(crate) events: Events,
    /// The pub/sub topics by name (the `topic` module's; the kernel only keeps them).
    pub(crate) topics: Named,
    schedules: Schedules,
    pub(crate) event_buffer: usize,
    supervision: Arc<Supervision>,
    passivation: Passivation,
    quiet_panics: bool,
    /// What features over the kernel keep per system (the `extension` module's).
    pub(crate) extensions: Extensions,
}

impl SystemInner {
    /// A fresh actor id, never given before in this system.
    fn next_actor_id(&self) -> ActorId {
        ActorId::new(self.next_id.fetch_add(1, Ordering::Relaxed) + 1)
    }

    pub(crate) fn ask_timeout(&self) -> Duration {
        self.ask_timeout
    }

    pub(crate) fn runtime(&self) -> &tokio::runtime::Handle {
        &self.runtime
    }

    fn names(&self) -> std::sync::MutexGuard<'_, HashMap<Arc<str>, Arc<dyn Node>>> {
        self.names.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The other children of `core`'s parent (the other top-level actors for a top-level one).
    pub(crate) fn siblings(&self, core: &Core) -> Vec<Arc<dyn Node>> {
        match &core.parent {
            Some(parent) => parent.core().children.others(core.id),
            None => self.guardian.others(core.id),
        }
    }

    /// Takes a stopped actor out of the registry and out of its parent's children. Called
    /// once per registered cell.
    pub(crate) fn forget(&self, core: &Core) {
        self.live.fetch_sub(1, Ordering::AcqRel);
        if let Some(name) = &core.name {
            let mut names = self.names();
            if names
                .get(name)
                .is_some_and(|node| node.core().id == core.id)
            {
                names.remove(name);
            }
        }
        match &core.parent {
            Some(parent) => parent.core().children.remove(core.id),
            None => self.guardian.remove(core.id),
        }
    }
}

/// Values a feature keeps per system under a name, with the name of their type: the kernel
/// stores them without knowing the feature (topics today).
pub(crate) type Named = Mutex<HashMap<Arc<str>, (&'static str, Box<dyn Any + Send + Sync>)>>;

/// Work a feature over the kernel does as the system is built, after the system exists and
/// before [`build`](ActorSystemBuilder::build) returns it (starting a remoting node, say);
/// an error fails the build. Added by the feature's own builder method.
pub(crate) type Starter = Arc<
    dyn Fn(ActorSystem) -> std::pin::Pin<Box<dyn Future<Output = Result<(), ConfigError>> + Send>>
        + Send
        + Sync,
>;

/// The starters a builder carries, in the order they were added.
#[derive(Clone, Default)]
struct Starters(Vec<Starter>);

impl fmt::Debug for Starters {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} feature(s) to start", self.0.len())
    }
}

/// Builds an [`ActorSystem`]; start with [`ActorSystem::builder`].
#[derive(Debug, Clone)]
pub struct ActorSystemBuilder {
    supervision: Supervision,
    passivation: Passivation,
    name: String,
    ask_timeout: Duration,
    mailbox: MailboxConfig,
    event_buffer: usize,
    quiet_panics: bool,
    starters: Starters,
}

impl ActorSystemBuilder {
    /// Has `starter` run as the system is built (see [`Starter`]); for features' builder
    /// methods (`remote`).
    #[cfg_attr(not(feature = "remote"), allow(dead_code))]
    pub(crate) fn with_starter(mut self, starter: Starter) -> Self {
        self.starters.0.push(starter);
        self
    }

    /// The timeout of an ask that does not set its own (default: [`DEFAULT_ASK_TIMEOUT`]).
    pub fn ask_timeout(mut self, timeout: Duration) -> Self {
        self.ask_timeout = timeout;
        self
    }

    /// The mailbox of actors that choose none themselves (default: unbounded).
    pub fn mailbox(mut self, mailbox: MailboxConfig) -> Self {
        self.mailbox = mailbox;
        self
    }

    /// When actors spawned without a passivation of their own passivate (default: never).
    pub fn passivation(mut self, passivation: Passivation) -> Self {
        self.passivation = passivation;
        self
    }

    /// The supervision of actors spawned without one of their own (default:
    /// [`Supervision::stop`]).
    pub fn supervision(mut self, supervision: Supervision) -> Self {
        self.supervision = supervision;
        self
    }

    /// How many events each [`EventStream`] subscriber may fall behind before it loses the
    /// oldest (default: [`DEFAULT_EVENT_BUFFER`], at most [`MAX_EVENT_BUFFER`]).
    pub fn event_buffer(mut self, events: usize) -> Self {
        self.event_buffer = events;
        self
    }

    /// Reports the panics this system catches in actor code (handlers, hooks, state factories,
    /// `Drop` of an actor's state) through `tracing` instead of the process's panic hook: a
    /// `debug` event with target `rakt::panic`, the panic's location and, when
    /// `RUST_BACKTRACE` asks for one, its backtrace. The actor's supervisor logs the failure as
    /// well (`warn` or `error`), as for any system. By default (not quiet) the panic hook runs
    /// as for any other panic, so the default hook prints the message to stderr.
    ///
    /// Panic hooks are process-wide: the first quiet system installs one hook for the whole
    /// process, once, over the hook set before it. That hook reports through `tracing` only
    /// a panic inside actor code of a quiet system; every other panic (other threads and tasks,
    /// actors of systems that are not quiet, a task spawned from a handler) goes to the
    /// previous hook, yours or the default. Set your own hook *before* building a quiet system:
    /// a hook set afterwards replaces rakt's and sees every panic. A panic that your own code
    /// catches inside a handler of a quiet system is reported through `tracing` too; one in a
    /// hand-written `Actor::handle` (not generated by `#[actor]`) still reaches the previous
    /// hook.
    ///
    /// ```
    /// # use rakt::prelude::*;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), ConfigError> {
    /// let system = ActorSystem::builder("quiet").quiet_panics().build().await?;
    /// # system.shutdown().await;
    /// # Ok(())
    /// # }
    /// ```
    pub fn quiet_panics(mut self) -> Self {
        self.quiet_panics = true;
        self
    }

    /// Checks the configuration and starts the system on the current tokio runtime, which
    /// must have its time driver enabled (`#[tokio::main]` does); then starts the features
    /// asked for (a remoting node with `remote`), and shuts the system down again if one
    /// fails ([`ConfigError::Feature`]).
    pub async fn build(self) -> Result<ActorSystem, ConfigError> {
        let valid_name = !self.name.is_empty()
            && self
                .name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
        if !valid_name {
            return Err(ConfigError::InvalidSystemName(self.name));
        }
        if self.ask_timeout.is_zero() {
            return Err(ConfigError::ZeroAskTimeout);
        }
        self.mailbox
            .validate()
            .map_err(ConfigError::InvalidMailbox)?;
        if !(1..=MAX_EVENT_BUFFER).contains(&self.event_buffer) {
            return Err(ConfigError::EventBuffer(self.event_buffer));
        }
        let runtime = tokio::runtime::Handle::try_current()
            .map_err(|_| ConfigError::Runtime("there is no current tokio runtime"))?;
        check_timer()?;
        if self.quiet_panics {
            failure::install_quiet_hook();
        }
        tracing::debug!(system = %self.name, "actor system started");
        let starters = self.starters;
        let system = ActorSystem {
            inner: Arc::new(SystemInner {
                name: self.name.into_boxed_str(),
                ask_timeout: self.ask_timeout,
                mailbox: self.mailbox,
                runtime,
                next_id: AtomicU64::new(0),
                live: AtomicUsize::new(0),
                names: Mutex::new(HashMap::new()),
                guardian: Children::new(),
                shutting_down: AtomicBool::new(false),
                shut_down: OnceCell::new(),
                events: Events::new(self.event_buffer),
                topics: Named::default(),
                schedules: Schedules::new(),
                event_buffer: self.event_buffer,
                supervision: Arc::new(self.supervision),
                passivation: self.passivation,
                quiet_panics: self.quiet_panics,
                extensions: Extensions::new(),
            }),
        };
        for start in &starters.0 {
            if let Err(error) = start(system.clone()).await {
                // What started before it stops again.
                system.shutdown().await;
                return Err(error);
            }
        }
        Ok(system)
    }
}

/// Asks and schedules need tokio's timer; find out now rather than panic later.
fn check_timer() -> Result<(), ConfigError> {
    catch_unwind(AssertUnwindSafe(|| {
        let mut sleep = Box::pin(tokio::time::sleep(Duration::ZERO));
        let _ = sleep.as_mut().poll(&mut Context::from_waker(Waker::noop()));
    }))
    .map_err(|_| ConfigError::Runtime("the runtime's time driver is disabled"))
}

use std::future::Future as _;

/// How to spawn one actor: its name, mailbox, supervision and passivation.
///
/// ```
/// # use rakt::prelude::*;
/// let options = SpawnOptions::named("ledger")
///     .supervision(Supervision::restart().max_restarts(3, Duration::from_secs(10)))
///     .mailbox(MailboxConfig::bounded(64));
/// ```
#[derive(Debug, Clone, Default)]
pub struct SpawnOptions {
    name: Option<String>,
    mailbox: Option<MailboxConfig>,
    supervision: Option<Supervision>,
    passivation: Option<Passivation>,
}

impl SpawnOptions {
    /// Anonymous, with the actor type's or the system's mailbox.
    pub fn new() -> Self {
        SpawnOptions::default()
    }

    /// Options for an actor named `name`: `SpawnOptions::new().name(name)`.
    pub fn named(name: impl Into<String>) -> Self {
        SpawnOptions::new().name(name)
    }

    /// Names the actor; names are unique per system.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Chooses this actor's mailbox, over the actor type's and the system's.
    pub fn mailbox(mut self, mailbox: MailboxConfig) -> Self {
        self.mailbox = Some(mailbox);
        self
    }

    /// Chooses when this actor passivates, over the system's default.
    pub fn passivation(mut self, passivation: Passivation) -> Self {
        self.passivation = Some(passivation);
        self
    }

    /// A long-lived actor: it never passivates, whatever the system's default.
    pub fn long_lived(self) -> Self {
        self.passivation(Passivation::never())
    }

    /// Chooses what happens when this actor fails, over the system's default.
    pub fn supervision(mut self, supervision: Supervision) -> Self {
        self.supervision = Some(supervision);
        self
    }
}

impl ActorSystem {
    /// Starts configuring a system called `name` (ASCII letters, digits, `-`, `_`, `.`).
    pub fn builder(name: impl Into<String>) -> ActorSystemBuilder {
        ActorSystemBuilder {
            name: name.into(),
            ask_timeout: DEFAULT_ASK_TIMEOUT,
            mailbox: MailboxConfig::unbounded(),
            event_buffer: DEFAULT_EVENT_BUFFER,
            supervision: Supervision::default(),
            passivation: Passivation::never(),
            quiet_panics: false,
            starters: Starters::default(),
        }
    }

    /// The system's name.
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// The default ask timeout.
    pub fn ask_timeout(&self) -> Duration {
        self.inner.ask_timeout
    }

    /// Spawns a top-level actor named `name` and returns its typed handle. The actor's
    /// `pre_start` runs in its own task; messages sent meanwhile are queued.
    ///
    /// The spawn family, the same on [`Ctx`](crate::Ctx) for child actors: `spawn(name,
    /// actor)`, [`spawn_anonymous`](ActorSystem::spawn_anonymous)`(actor)`,
    /// [`spawn_supervised`](ActorSystem::spawn_supervised)`(name, actor, supervision)`,
    /// [`spawn_with`](ActorSystem::spawn_with)`(actor, options)`,
    /// [`spawn_with_factory`](ActorSystem::spawn_with_factory)`(factory, options)`, and for
    /// pools [`spawn_pool`](ActorSystem::spawn_pool)`(name, pool)` and
    /// [`spawn_pool_anonymous`](ActorSystem::spawn_pool_anonymous)`(pool)`.
    ///
    /// # Errors
    /// [`SpawnError::InvalidName`] for an empty or malformed name,
    /// [`SpawnError::DuplicateName`] for a name in use, [`SpawnError::Stopping`] once the system
    /// shuts down.
    pub async fn spawn<A: Actor>(&self, name: &str, actor: A) -> Result<A::Ref, SpawnError> {
        self.spawn_in(None, actor, SpawnOptions::named(name), None)
    }

    /// Spawns a top-level actor without a name (its path ends in `$<id>`).
    pub async fn spawn_anonymous<A: Actor>(&self, actor: A) -> Result<A::Ref, SpawnError> {
        self.spawn_in(None, actor, SpawnOptions::new(), None)
    }

    /// Spawns a top-level actor named `name` under its own `supervision`: the common case of
    /// [`spawn_with`](ActorSystem::spawn_with) in one line.
    ///
    /// ```
    /// # use rakt::prelude::*;
    /// # #[actor] #[derive(Default)] pub struct Counter;
    /// # #[actor] impl Counter { pub fn add(&mut self, by: u64) {} }
    /// # async fn demo(system: &ActorSystem) -> Result<(), SpawnError> {
    /// let counter = system.spawn_supervised("counter", Counter::default(), Supervision::restart()).await?;
    /// # Ok(()) }
    /// ```
    pub async fn spawn_supervised<A: Actor>(
        &self,
        name: &str,
        actor: A,
        supervision: Supervision,
    ) -> Result<A::Ref, SpawnError> {
        let options = SpawnOptions::named(name).supervision(supervision);
        self.spawn_in(None, actor, options, None)
    }

    /// Spawns a top-level actor with explicit options.
    pub async fn spawn_with<A: Actor>(
        &self,
        actor: A,
        options: SpawnOptions,
    ) -> Result<A::Ref, SpawnError> {
        self.spawn_in(None, actor, options, None)
    }

    /// Spawns a top-level actor whose state `factory` makes: once now, and again for every
    /// restart (actors that are `Default` restart without one).
    pub async fn spawn_with_factory<A: Actor>(
        &self,
        mut factory: impl FnMut() -> A + Send + 'static,
        options: SpawnOptions,
    ) -> Result<A::Ref, SpawnError> {
        let first = factory();
        self.spawn_in(None, first, options, Some(Box::new(factory)))
    }

    /// The live actor named `name`, whatever its type, for features that find actors by name
    /// (remoting), and for [`lookup`](Self::lookup).
    pub(crate) fn named(&self, name: &str) -> Option<Arc<dyn Node>> {
        self.inner.names().get(name).cloned()
    }

    /// A cell outside the tree and the registry, with a sealed mailbox: every send to it goes
    /// to the forward `make` builds (given the cell, weakly, for what it does later). Not
    /// counted among the live actors, never stopped by its parent: a handle to something
    /// elsewhere (a remote actor's proxy).
    #[cfg_attr(not(feature = "remote"), allow(dead_code))]
    pub(crate) fn detached_cell<A: Actor>(
        &self,
        name: Option<Arc<str>>,
        make: impl FnOnce(&std::sync::Weak<Cell<A>>) -> Box<dyn Forward<A>>,
    ) -> Arc<Cell<A>> {
        let id = self.inner.next_actor_id();
        Arc::new_cyclic(|me| {
            Cell::new(
                Core::new(id, name, None, self.clone()),
                Mailbox::sealed(),
                Some(make(me)),
            )
        })
    }

    /// The live actor named `name`, if there is one of type `H::Actor`.
    pub fn lookup<H: ActorHandle>(&self, name: &str) -> Option<H> {
        let cell = self
            .named(name)?
            .into_any()
            .downcast::<Cell<H::Actor>>()
            .ok()?;
        if cell.core.is_terminated() {
            return None;
        }
        Some(H::from_actor_ref(ActorRef::from_cell(cell)))
    }

    /// Subscribes to the system's events: lifecycle events and dead letters, from now on.
    pub fn events(&self) -> EventStream {
        self.inner.events.subscribe()
    }

    pub(crate) fn scheduler(&self) -> &Schedules {
        &self.inner.schedules
    }

    /// How many messages have become dead letters in this system.
    pub fn dead_letter_count(&self) -> u64 {
        self.inner.events.dead_letter_count()
    }

    /// How many actors of this system are live, at every depth: top-level actors, their
    /// children, and each pool and its routees (a pool of 4 counts 5). An actor counts from its
    /// spawn until it has stopped for good (its children stopped and `post_stop` run), so after
    /// [`shutdown`](ActorSystem::shutdown) returns the count is 0.
    pub fn actor_count(&self) -> usize {
        self.inner.live.load(Ordering::Acquire)
    }

    /// Whether [`shutdown`](ActorSystem::shutdown) has been called.
    pub fn is_shutting_down(&self) -> bool {
        self.inner.shutting_down.load(Ordering::Acquire)
    }

    /// Ends every schedule, then stops every actor, children before their parents, each after
    /// handling what it had queued, and returns once all have stopped. No actor can be spawned
    /// from then on, and a schedule made from then on comes back already finished
    /// ([`Schedule::is_finished`](crate::Schedule::is_finished)) and never fires. Calling it again (or concurrently) waits
    /// for the same shutdown.
    ///
    /// Do not await it inside a handler: the shutdown waits for that very actor to finish its
    /// message. From an actor, `tokio::spawn` a task that awaits it, or stop the actor with
    /// [`Ctx::stop`](crate::Ctx::stop).
    pub async fn shutdown(&self) {
        self.inner.shutting_down.store(true, Ordering::Release);
        self.inner.schedules.close();
        self.inner
            .shut_down
            .get_or_init(|| async {
                tracing::debug!(system = %self.inner.name, "actor system shutting down");
                stop_all(self.inner.guardian.close(), StopKind::Graceful).await;
                // Features stop after the actors that may still use them.
                for hook in self.inner.extensions.take_shutdown_hooks() {
                    hook().await;
                }
                tracing::debug!(system = %self.inner.name, "actor system stopped");
            })
            .await;
    }

    /// Registers and starts an actor under `parent` (`None`: the user guardian).
    pub(crate) fn spawn_in<A: Actor>(
        &self,
        parent: Option<Arc<dyn Node>>,
        actor: A,
        options: SpawnOptions,
        factory: Option<Factory<A>>,
    ) -> Result<A::Ref, SpawnError> {
        let mailbox = options.mailbox.or(A::MAILBOX).unwrap_or(self.inner.mailbox);
        mailbox.validate().map_err(SpawnError::InvalidMailbox)?;
        let cell = self.register_cell(parent, options.name, Mailbox::new(mailbox), None)?;
        let task = runner::run(runner::Start {
            actor,
            cell: Arc::clone(&cell),
            supervision: options
                .supervision
                .map(Arc::new)
                .unwrap_or_else(|| Arc::clone(&self.inner.supervision)),
            extras: extras(
                factory,
                Some(options.passivation.unwrap_or(self.inner.passivation))
                    .filter(|passivation| !passivation.is_never()),
            ),
        });
        if self.inner.quiet_panics {
            self.inner.runtime.spawn(failure::quiet_task(task));
        } else {
            self.inner.runtime.spawn(task);
        }
        Ok(A::Ref::from_actor_ref(ActorRef::from_cell(cell)))
    }

    /// Makes a cell and puts it in the tree and, if named, in the registry. A pool's cell
    /// carries its `forward`; an actor's cell is then given a task by the caller.
    pub(crate) fn register_cell<A: Actor>(
        &self,
        parent: Option<Arc<dyn Node>>,
        name: Option<String>,
        mailbox: Mailbox<A::Msg>,
        forward: Option<Box<dyn Forward<A>>>,
    ) -> Result<Arc<Cell<A>>, SpawnError> {
        if self.is_shutting_down() {
            return Err(SpawnError::Stopping);
        }
        let name: Option<Arc<str>> = match name {
            Some(name) => Some(validate_name(name)?.into()),
            None => None,
        };
        let id = self.inner.next_actor_id();
        let cell = Arc::new(Cell::new(
            Core::new(id, name.clone(), parent, self.clone()),
            mailbox,
            forward,
        ));
        let node: Arc<dyn Node> = cell.clone();
        if let Some(name) = name {
            match self.inner.names().entry(name) {
                Entry::Occupied(taken) => {
                    return Err(SpawnError::DuplicateName(taken.key().to_string()));
                }
                Entry::Vacant(free) => {
                    free.insert(Arc::clone(&node));
                }
            }
        }
        // Counted from here on; every way out below (and the end of the actor or pool) goes
        // through `forget`, which takes it off again.
        self.inner.live.fetch_add(1, Ordering::AcqRel);
        let siblings = match &cell.core.parent {
            Some(parent) => &parent.core().children,
            None => &self.inner.guardian,
        };
        if !siblings.insert(node) {
            self.inner.forget(&cell.core);
            return Err(SpawnError::Stopping);
        }
        if let Some(parent) = &cell.core.parent {
            self.inner.events.publish(|| Event::ChildCreated {
                parent: parent.core().path(),
                child: cell.core.path(),
            });
        }
        Ok(cell)
    }

    /// The system's shared state, for the crate's own tests.
    #[cfg(test)]
    pub(crate) fn inner(&self) -> &SystemInner {
        &self.inner
    }
}

/// The rarely used start options, boxed only when there are any.
fn extras<A: Actor>(
    factory: Option<Factory<A>>,
    passivation: Option<Passivation>,
) -> Option<Box<runner::Extras<A>>> {
    (factory.is_some() || passivation.is_some())
        .then(|| Box::new(runner::Extras::new(factory, passivation)))
}

fn validate_name(name: String) -> Result<String, SpawnError> {
    let reason = if name.is_empty() {
        "it is empty"
    } else if name.len() > 255 {
        "it is longer than 255 bytes"
    } else if name.starts_with('$') {
        "names starting with `$` are reserved for anonymous actors"
    } else if name.contains('/') {
        "it contains `/`"
    } else if name.chars().any(|c| c.is_whitespace() || c.is_control()) {
        "it contains white space or control characters"
    } else {
        return Ok(name);
    };
    Err(SpawnError::InvalidName { name, reason })
}

impl fmt::Debug for ActorSystem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ActorSystem")
            .field("name", &self.inner.name)
            .field("ask_timeout", &self.inner.ask_timeout)
            .field("mailbox", &self.inner.mailbox)
            .field("actors", &self.actor_count())
            .finish()
    }
}
