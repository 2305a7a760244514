//! rakt: a typed actor framework on tokio.
//!
//! `#[actor]` on a struct and on its impl block turns every `pub` method into a message:
//! it generates the message enum (`CounterMsg`), the dispatch (`impl Actor for Counter`) and a
//! typed handle (`CounterRef`) whose methods send those messages. A method returning `()` is a
//! *tell* (no reply), one returning `T` an *ask*, one returning `Result<T, E>` an ask whose `E`
//! reaches the caller as [`AskError::Handler`].
//!
//! ```
//! use rakt::prelude::*;
//!
//! #[actor]
//! #[derive(Default)]
//! pub struct Counter {
//!     total: u64,
//! }
//!
//! #[actor]
//! impl Counter {
//!     /// Adds `by` to the total.
//!     pub fn add(&mut self, by: u64) {
//!         self.total += by;
//!     }
//!
//!     /// The current total.
//!     pub fn total(&self) -> u64 {
//!         self.total
//!     }
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let system = ActorSystem::builder("demo").build().await?;
//! let counter: CounterRef = system.spawn("counter", Counter::default()).await?;
//! counter.add(5).await?; // a tell: queued, no reply
//! assert_eq!(counter.total().await?, 5); // an ask
//! let total = counter.total().timeout(Duration::from_millis(50)).await?;
//! assert_eq!(total, 5);
//! system.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! See the README for the naming scheme of generated items and the list of what exists today.
//!
//! # How the crate is layered
//!
//! Four layers, each importing only its own and the ones above it in this list (the team's
//! `modgraph` tool checks it: the only import cycle is inside the kernel):
//!
//! 1. **Foundations**, which know nothing of actors' lives: identity (`id`: [`ActorId`],
//!    [`ActorPath`]), errors and failures, the mailbox, the shared reply slot, the
//!    synchronisation shim the loom models swap out (`sync`), the fan-out list behind the event
//!    stream and topics.
//! 2. **Feature state the kernel carries**, one leaf module each, whose one value the kernel
//!    holds: the supervision policy, the watcher list (`watch`), the [`EventStream`], the
//!    [`Passivation`] setting, the behaviour's state and the stash, the actor's timer list
//!    (`timetable`), and the system's extensions (`extension`: a value per type that a
//!    feature over the kernel keeps per system, and the hooks that stop it at shutdown). The
//!    kernel calls them through that value alone; each takes paths and ids, never cells.
//! 3. **The kernel**: the [`Actor`] trait and its message, the [`ActorRef`], the cell (the
//!    actor's shared record: mailbox, children, watchers, the forward seam), the runner (the
//!    actor's task), the context [`Ctx`], the send and ask futures, and the [`ActorSystem`].
//! 4. **Features over the kernel**: router pools (`router`), schedules and cron (`schedule`),
//!    topics (`topic`), and behind cargo features the wire codecs (`wire`) and remoting
//!    (`remote`). The kernel reaches one of these only through a seam: a cell whose sends
//!    go elsewhere carries a `Forward` (a pool's router, or a remote actor's proxy in a cell
//!    outside the tree), and a sealed mailbox hands it whatever it refuses, so a send to a
//!    plain actor pays nothing; a feature keeps its per-system state among the system's
//!    extensions, and starts with the system through the builder's starters
//!    (`ActorSystemBuilder::remote`).
//!
//! One facade rule: a feature over the kernel writes its entry points on [`ActorSystem`] and
//! [`Ctx`] ([`spawn_pool`](ActorSystem::spawn_pool), [`schedule_once`](ActorSystem::schedule_once),
//! [`topic`](ActorSystem::topic), ...) as inherent methods in its own module, so the kernel
//! never imports it. The state features of layer 2 sit below the kernel and cannot name `Ctx`:
//! their entry points (`ctx.watch`, `ctx.become_state`, `ctx.stash`, ...) are the kernel's.

// Lets unit tests use `#[actor]`, whose expansion names `::rakt`.
#[cfg(test)]
extern crate self as rakt;

// Foundations: import nothing but each other.
mod arc_ptr;
mod atomic_waker;
mod describe;
mod duplicate;
mod error;
mod failure;
mod fanout;
mod fresh;
mod id;
mod mailbox;
mod reply;
mod sync;

// Feature state the kernel carries: one leaf module, one value in the cell or the system.
mod behaviour;
mod event;
mod extension;
mod passivation;
mod stash;
mod supervision;
mod timetable;
mod watch;

// The kernel.
mod actor;
mod actor_ref;
mod cell;
mod context;
mod runner;
mod send;
mod system;

// Features over the kernel.
#[cfg(feature = "remote")]
pub mod remote;
mod router;
mod schedule;
mod stream;
mod topic;
#[cfg(feature = "wire")]
pub mod wire;

#[cfg(all(test, loom))]
mod tests;

pub use crate::actor::{Actor, ActorHandle, Message};
pub use crate::actor_ref::{ActorRef, Stopping};
pub use crate::behaviour::{BehaviourError, State, Unhandled};
pub use crate::context::Ctx;
pub use crate::error::{AskError, ConfigError, SendError, SpawnError};
pub use crate::event::{DeadLetter, DeadLetterReason, Event, EventStream, StopReason};
pub use crate::failure::{BoxError, Failure};
pub use crate::fanout::Subscription;
pub use crate::id::{ActorId, ActorPath};
pub use crate::mailbox::MailboxConfig;
pub use crate::passivation::Passivation;
pub use crate::reply::{Rejection, ReplySlot};
pub use crate::router::{
    DEFAULT_VIRTUAL_NODES, Pool, PoolControl, PoolError, PoolHandle, RouteKey, Routing,
};
pub use crate::send::{Ask, AskBatch, AskFuture, PendingReply, Tell, TellFuture};
pub use crate::stash::{DEFAULT_STASH_CAPACITY, StashFull};
pub use crate::stream::{
    AskStream, ReplyStream, STREAM_BUFFER, StreamClosed, StreamSlot, TryStreamError,
};
pub use crate::supervision::{Directive, Supervision};
pub use crate::system::{
    ActorSystem, ActorSystemBuilder, DEFAULT_ASK_TIMEOUT, DEFAULT_EVENT_BUFFER, MAX_EVENT_BUFFER,
    SpawnOptions,
};
pub use crate::timetable::{Schedule, ScheduleError, ScheduleInfo, ScheduleKind};
pub use crate::topic::{Topic, TopicError};
pub use crate::watch::Terminated;

#[cfg(feature = "cron")]
pub mod cron {
    //! The `chrono` names that [`ActorSystem::schedule_cron`](crate::ActorSystem::schedule_cron)
    //! takes, so that a program needs no `chrono` dependency of its own (feature `cron`): a
    //! time zone is any [`TimeZone`], e.g. [`Utc`], [`Local`] or a [`FixedOffset`].
    //!
    //! ```
    //! use rakt::cron::{FixedOffset, Local, Utc};
    //!
    //! let berlin_winter = FixedOffset::east_opt(3600).expect("a valid offset");
    //! # let _ = (berlin_winter, Local, Utc);
    //! ```
    pub use chrono::{FixedOffset, Local, TimeZone, Utc};
}

/// Turns a struct and its impl block into an actor.
///
/// Put `#[actor]` on the struct (or enum) **and** on one inherent impl block. For `Counter` it
/// generates:
///
/// - on the struct: the typed handle `CounterRef` (same visibility and generics as the struct;
///   `Clone + Eq + Hash + Debug + Send + Sync`, plus [`ActorHandle`]'s `id()`, `path()`,
///   `is_alive()`, `stop()`, `kill()`);
/// - on the impl block: the message enum `CounterMsg` (always `pub`; one variant per handler,
///   PascalCase of the method name, fields named after the arguments, plus `reply` for asks),
///   `impl Actor for Counter` (the dispatch), and one `CounterRef` method per handler, carrying
///   the handler's docs and visibility.
///
/// **Handlers** are the methods with a visibility (`pub`, `pub(crate)`, ...); private methods
/// stay helpers. A handler takes `&self` or `&mut self`, owned arguments, and optionally
/// `ctx: &mut Ctx<Self>` anywhere in its arguments; it may be `async`.
///
/// | return type | kind | the handle method returns |
/// |---|---|---|
/// | `()` | tell | [`Tell`]: `.await` queues it, `.try_send()` never waits |
/// | `T` | ask | [`Ask<'_, A, T>`](Ask): `.await` gives `Result<T, AskError>`; `.timeout(d)` per call |
/// | `Result<T, E>` | ask | [`Ask<'_, A, T, E>`](Ask): `Err(e)` arrives as [`AskError::Handler`]`(e)` |
/// | `()` with a [`ReplySlot<T, E>`] argument | deferred ask | [`Ask<'_, A, T, E>`](Ask), answered through the slot |
/// | `()` with a [`StreamSlot<T, E>`] argument | streaming ask | [`AskStream<'_, A, T, E>`](AskStream): `.await` gives a [`ReplyStream`] of the items sent through the slot |
///
/// **Hooks** are methods of the same block marked `#[pre_start]`, `#[post_start]` or
/// `#[post_stop]`, taking `&mut self` (or `&self`) and optionally the context, returning `()` or
/// `Result<(), E>`.
///
/// **Options:** on the struct, `mailbox = bounded(N)` or `mailbox = unbounded` (the actor
/// type's mailbox; a [`SpawnOptions`] mailbox overrides it); on the impl block, `states`,
/// `initial`, `unhandled` and `stash_capacity` (below) and `remote`; on either item,
/// `crate = "path"` when the `rakt` dependency is renamed.
///
/// **Remote actors** (feature `wire`): `remote`, or `remote = "shop.v1"` with a protobuf
/// package, makes every handler's arguments and reply a protobuf message with a stable wire
/// identity `<package>.<Actor>/<Method>`, and implements `rakt::wire::RemoteActor` (see that
/// module for what travels and how). `#[field(N)]` on an argument gives its field number
/// (else its position, from 1). A type that cannot travel is a compile error at its type that
/// names the argument; a remote actor is not generic.
///
/// **State machines:** `states = S` (a `#[derive(Debug)]` enum whose variants are the states)
/// and `initial = ..` on the impl block make the actor a state machine. A state may carry data
/// (`Authenticated { user: String }`, `Locked(u32)`): `#[state(Authenticated)]` names it without
/// its data and matches it whatever it holds, and a handler reads the data through
/// [`Ctx::state`]. `initial` is the state the actor starts in, evaluated again on every
/// restart: a variant by its name alone, as in `#[state(..)]`, with its data if it has any
/// (`initial = Authenticating`, `initial = Idle { tries: 0 }`, `initial = Locked(3)`), or any
/// other expression of the state type (`initial = LoginState::default()`,
/// `initial = LoginState::Idle { tries: 0 }`; a free function is called through a path,
/// `initial = self::first_state()`). `#[state(A, B)]` on a handler limits it to
/// those states (no `#[state]`: every state); `#[handles(h)]` with `#[state(C)]` on another
/// method (any visibility) makes it the handler of `h`'s message in `C`, with `h`'s arguments
/// (same names, same order) and the same kind of reply. Handlers move the actor with
/// [`Ctx::become_state`], [`Ctx::become_stacked`] and [`Ctx::unbecome`].
/// `unhandled = stash | dead_letter | reply` says what becomes of a message the current state
/// does not handle: `dead_letter` (the default) publishes a [`DeadLetter`] and an ask fails with
/// [`AskError::Unhandled`]; `reply` fails an ask at once and dead-letters a tell; `stash` keeps
/// it until [`Ctx::unstash_all`]. `stash_capacity = N` bounds the stash (on any actor).
///
/// ```
/// use rakt::prelude::*;
///
/// #[derive(Debug, Clone, Copy, PartialEq, Eq)]
/// pub enum Door {
///     Closed,
///     /// Open, counting who passed since it opened.
///     Open { passed: u32 },
/// }
///
/// #[actor]
/// #[derive(Default)]
/// pub struct Gate;
///
/// #[actor(states = Door, initial = Closed, unhandled = reply)]
/// impl Gate {
///     /// Opens the gate.
///     #[state(Closed)]
///     pub fn open(&mut self, ctx: &mut Ctx<Self>) {
///         ctx.become_state(Door::Open { passed: 0 });
///     }
///
///     /// Lets one through; only when open (whatever the count).
///     #[state(Open)]
///     pub fn pass(&mut self, ctx: &mut Ctx<Self>) -> u32 {
///         let Door::Open { passed } = *ctx.state() else {
///             unreachable!("`pass` is handled only in `Open`");
///         };
///         ctx.become_state(Door::Open { passed: passed + 1 });
///         passed + 1
///     }
///
///     /// `open` when the gate is open already: nothing to do.
///     #[state(Open)]
///     #[handles(open)]
///     fn already_open(&mut self) {}
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let system = ActorSystem::builder("gates").build().await?;
/// let gate: GateRef = system.spawn("gate", Gate).await?;
/// assert!(matches!(gate.pass().await, Err(AskError::Unhandled { .. })));
/// gate.open().await?;
/// gate.open().await?; // handled by `already_open`
/// assert_eq!(gate.pass().await?, 1);
/// system.shutdown().await;
/// # Ok(())
/// # }
/// ```
///
/// **Router markers** (for [`Pool`]s, which are called through the same handle):
/// `#[route(key = arg)]` on a handler makes `arg` (any `Hash` type) the key a
/// [`Routing::ConsistentHash`] pool routes that message on. `key = customer` also finds an
/// argument `_customer`, the name rustc suggests for an argument that only routes; a key may
/// be a field of an argument, nested or not (`key = order.customer`, `key = order.customer.id`,
/// `key = pair.0`). `#[route(broadcast)]` on a tell sends it to every routee (its arguments
/// must be `Clone`).
///
/// Misuse (reference or `impl Trait` arguments, `self` by value, pattern arguments, generic
/// handlers, names that collide with generated items, unknown options, a handler block whose
/// struct lacks `#[actor]`, states that do not exist, two handlers for one message in one
/// state, a routing key that is not an argument, a broadcast ask) is a compile error pointing
/// at the offending token. The expansion goes on around the error: the handle is still
/// generated (for a type with lifetime parameters, as if each were `'static`), and a handler
/// with an error keeps its handle method, so callers report nothing more than the error
/// itself.
///
/// ```
/// use rakt::prelude::*;
///
/// #[actor]
/// #[derive(Default)]
/// pub struct Account {
///     balance: u64,
///     log: Vec<String>,
/// }
///
/// #[derive(Debug, thiserror::Error)]
/// #[error("insufficient funds")]
/// pub struct Insufficient;
///
/// #[actor]
/// impl Account {
///     #[pre_start]
///     fn opened(&mut self, ctx: &mut Ctx<Self>) {
///         self.log.push(format!("opened at {}", ctx.path()));
///     }
///
///     /// Deposits `amount` (a tell).
///     pub fn deposit(&mut self, amount: u64) {
///         self.balance += amount;
///     }
///
///     /// Withdraws `amount`; refuses to overdraw (an ask with a typed error).
///     pub async fn withdraw(&mut self, amount: u64) -> Result<u64, Insufficient> {
///         self.balance = self.balance.checked_sub(amount).ok_or(Insufficient)?;
///         Ok(self.balance)
///     }
///
///     /// The balance, answered later from another task (a deferred ask).
///     pub fn audit(&self, reply: ReplySlot<u64>) {
///         let balance = self.balance;
///         tokio::spawn(async move { reply.send(balance) });
///     }
///
///     /// What happened so far (an ask).
///     pub fn history(&self) -> Vec<String> {
///         self.log.clone()
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let system = ActorSystem::builder("bank").build().await?;
/// let account: AccountRef = system.spawn("alice", Account::default()).await?;
/// account.deposit(10).await?;
/// assert_eq!(account.withdraw(4).await?, 6);
/// assert!(matches!(account.withdraw(100).await, Err(AskError::Handler(Insufficient))));
/// assert_eq!(account.audit().await?, 6);
/// assert_eq!(account.history().await?, ["opened at rakt://bank/user/alice"]);
/// system.shutdown().await;
/// # Ok(())
/// # }
/// ```
#[doc(inline)]
pub use rakt_macros::actor;

/// The names most programs need: `use rakt::prelude::*;`.
///
/// - defining actors: [`actor`], [`Actor`], [`ActorHandle`], [`Ctx`],
///   [`ReplySlot`], [`StreamSlot`], [`Terminated`];
/// - running them: [`ActorSystem`], [`ActorRef`], [`SpawnOptions`], [`MailboxConfig`],
///   [`Supervision`], [`Directive`], [`Passivation`], [`Pool`], [`Routing`], [`Schedule`],
///   [`Topic`], and [`Duration`](std::time::Duration), which timeouts, schedules, budgets and
///   passivation are given in;
/// - what comes back: [`AskError`], [`SendError`], [`SpawnError`], [`ConfigError`],
///   [`ReplyStream`], [`Event`], [`StopReason`], [`DeadLetter`], [`DeadLetterReason`].
///
/// The rest (error types of single features, schedule and pool introspection, the hand-written
/// actor's traits) is imported from the crate root by name.
pub mod prelude {
    pub use crate::{
        Actor, ActorHandle, ActorRef, ActorSystem, AskError, ConfigError, Ctx, DeadLetter,
        DeadLetterReason, Directive, Event, MailboxConfig, Passivation, Pool, PoolHandle,
        ReplySlot, ReplyStream, Routing, Schedule, SendError, SpawnError, SpawnOptions, StopReason,
        StreamSlot, Supervision, Terminated, Topic, actor,
    };
    pub use std::time::Duration;
}

/// Items the generated code names. Not a public API: it changes without notice.
#[doc(hidden)]
pub mod __private {
    pub use crate::actor::{Actor, ActorDecl, ActorHandle, Message};
    pub use crate::actor_ref::ActorRef;
    pub use crate::behaviour::{State, Unhandled};
    pub use crate::context::{Ctx, unhandled};
    pub use crate::describe::{DebugFallback, DebugField, DebugRender};
    pub use crate::duplicate::{
        Broadcastable, CloneCopy, CloneFallback, CloneField, assert_broadcastable,
    };
    pub use crate::failure::{BoxError, Failure, catch_async, catch_sync, hook_outcome};
    pub use crate::fresh::{Fresh, FreshDefault, FreshNone};
    pub use crate::mailbox::MailboxConfig;
    pub use crate::passivation::Passivation;
    pub use crate::reply::{
        Rejection, ReplySlot, reject_reply, settle, settle_result, share_reply,
    };
    pub use crate::router::{RouteKey, hash_key};
    pub use crate::send::{Ask, Tell, ask, tell};
    pub use crate::stream::{
        AskStream, StreamGuard, StreamSlot, ask_stream, reject_stream, settle_stream, stream_guard,
    };
    pub use core::convert::Infallible;
    pub use core::marker::PhantomData;

    #[cfg(feature = "wire")]
    pub use crate::wire::__private as wire;
}
