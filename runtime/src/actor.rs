//! The traits that make a type an actor, its messages a mailbox item, and its handle typed.
//!
//! `#[actor]` implements all of them; they are public so that generic code can name them
//! (`fn run<H: ActorHandle>(h: H)`) and so that an actor can be written by hand.

use std::fmt::Debug;
use std::future::Future;
use std::hash::Hash;

use crate::actor_ref::{ActorRef, Stopping};
use crate::behaviour::{State, Unhandled};
use crate::context::Ctx;
use crate::failure::Failure;
use crate::id::{ActorId, ActorPath};
use crate::mailbox::MailboxConfig;
use crate::reply::Rejection;
use crate::stash::DEFAULT_STASH_CAPACITY;

/// An actor: state plus a dispatch from its message enum to its handlers.
///
/// `#[actor]` on an impl block implements this trait; the lifecycle hooks are the methods
/// marked `#[pre_start]`, `#[post_start]` and `#[post_stop]` there.
///
/// Order of events: `pre_start` runs first in the actor's task (messages sent meanwhile are
/// queued); a failing `pre_start` stops the actor. `post_start` runs once the actor is
/// registered, reachable and started, before the first message. `post_stop` runs last, after
/// every child has stopped.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an actor: it has no `#[actor]` impl block",
    label = "no `#[actor] impl {Self}` block",
    note = "put `#[actor]` on the struct and on an inherent `impl` block whose `pub` methods are the handlers"
)]
pub trait Actor: Sized + Send + 'static {
    /// The message enum (`CounterMsg` for `Counter`).
    type Msg: Message;
    /// The typed handle (`CounterRef` for `Counter`).
    type Ref: ActorHandle<Actor = Self>;
    /// The actor type's own mailbox, if it declares one (`#[actor(mailbox = bounded(64))]`);
    /// a spawn option overrides it, and the system default applies when neither is given.
    const MAILBOX: Option<MailboxConfig> = None;
    /// The behaviour state type: `()` for an actor with one behaviour, the type named by
    /// `#[actor(states = ..)]` for a state machine (see
    /// [`Ctx::become_state`](crate::Ctx::become_state)).
    type State: State;
    /// What becomes of a message the current state does not handle
    /// (`#[actor(unhandled = ..)]`).
    const UNHANDLED: Unhandled = Unhandled::DeadLetter;
    /// How many messages the stash holds (`#[actor(stash_capacity = N)]`).
    const STASH_CAPACITY: usize = DEFAULT_STASH_CAPACITY;

    /// The state the actor starts in, and returns to on a restart (`#[actor(initial = ..)]`).
    fn initial_state() -> Self::State;

    /// Fresh state for a restart when the actor was not spawned with a factory: the generated
    /// impl answers `Some(Self::default())` when the type is `Default`, else `None` (and a
    /// restart then stops the actor instead).
    fn fresh() -> Option<Self> {
        None
    }

    /// Handles one message.
    fn handle(
        &mut self,
        msg: Self::Msg,
        ctx: &mut Ctx<Self>,
    ) -> impl Future<Output = Result<(), Failure>> + Send;

    /// Runs before the first message; an error or panic stops the actor.
    fn pre_start(
        &mut self,
        ctx: &mut Ctx<Self>,
    ) -> impl Future<Output = Result<(), Failure>> + Send {
        let _ = ctx;
        async { Ok(()) }
    }

    /// Runs once the actor is started and reachable, before the first message.
    fn post_start(
        &mut self,
        ctx: &mut Ctx<Self>,
    ) -> impl Future<Output = Result<(), Failure>> + Send {
        let _ = ctx;
        async { Ok(()) }
    }

    /// Runs last, after the children have stopped; a failure here is logged.
    fn post_stop(
        &mut self,
        ctx: &mut Ctx<Self>,
    ) -> impl Future<Output = Result<(), Failure>> + Send {
        let _ = ctx;
        async { Ok(()) }
    }
}

/// A message enum: what the mailbox holds.
pub trait Message: Send + 'static {
    /// The handler's name, for logs and dead letters.
    fn name(&self) -> &'static str;

    /// Answers the caller of an ask that will never be handled; drops a tell.
    fn reject(self, why: Rejection);

    /// Whether the message is an ask (someone waits for its answer). The provided method says
    /// `false`; the generated one is exact. It decides whether an unhandled message under
    /// [`Unhandled::Reply`] is answered or dead-lettered.
    fn is_ask(&self) -> bool {
        false
    }

    /// Whether the ask has been answered already (or its caller gave up); `false` for a tell.
    /// A tail-chopping pool stops sending copies of a request once it is.
    fn is_answered(&self) -> bool {
        false
    }

    /// Whether a pool sends this message to every routee (`#[route(broadcast)]`).
    fn is_broadcast(&self) -> bool {
        false
    }

    /// The hash of the message's routing key (`#[route(key = ..)]`), for consistent hashing.
    fn route_key(&self) -> Option<u64> {
        None
    }

    /// A copy of the message for another routee: its arguments cloned and, for an ask, a
    /// reply slot shared with this one (the first answer wins). `None` when the arguments are
    /// not `Clone`; the provided method never copies.
    fn duplicate(&mut self) -> Option<Self>
    where
        Self: Sized,
    {
        None
    }

    /// The message rendered with `Debug` where its argument types allow, e.g.
    /// `add { by: 5 }`; `None` when the implementation does not render.
    fn describe(&self) -> Option<String> {
        None
    }
}

/// A typed handle: the generated `CounterRef` for `Counter`.
///
/// The generated handle's own methods send messages; this trait adds what every handle has.
pub trait ActorHandle: Clone + Eq + Hash + Debug + Send + Sync + 'static {
    /// The actor behind the handle.
    type Actor: Actor<Ref = Self>;

    /// Wraps the reference to the actor (not generated: every actor type shares `ActorRef`).
    fn from_actor_ref(inner: ActorRef<Self::Actor>) -> Self;

    /// The reference this handle wraps, for `tell` / `ask` with a hand-built message and for
    /// batches.
    fn actor_ref(&self) -> &ActorRef<Self::Actor>;

    /// The actor's id, unique within its system.
    fn id(&self) -> ActorId {
        self.actor_ref().id()
    }

    /// The actor's address, `rakt://system/user/parent/child`.
    fn path(&self) -> ActorPath {
        self.actor_ref().path()
    }

    /// Whether the actor still accepts messages (it has not begun to stop).
    fn is_alive(&self) -> bool {
        self.actor_ref().is_alive()
    }

    /// Asks the actor to stop after handling what is already queued; await the result to wait
    /// until it has stopped.
    fn stop(&self) -> Stopping {
        self.actor_ref().stop()
    }

    /// Stops the actor after the message it is handling; queued messages are not handled.
    /// Await the result to wait until it has stopped.
    fn kill(&self) -> Stopping {
        self.actor_ref().kill()
    }
}

/// Marks a type declared with `#[actor]` and carries its declaration options.
///
/// The struct-side half of the macro's contract: `#[actor]` on the type implements it and the
/// generated `Actor` impl reads it. Only generated code names it (as
/// `rakt::__private::ActorDecl`); it is not part of the public API.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not declared as an actor",
    label = "`{Self}` has no `#[actor]` attribute on its definition",
    note = "add `#[actor]` to the definition of `{Self}` as well as to its impl block"
)]
pub trait ActorDecl {
    /// The mailbox chosen by `#[actor(mailbox = ...)]`.
    const MAILBOX: Option<MailboxConfig> = None;
}
