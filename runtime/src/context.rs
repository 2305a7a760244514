//! The actor context: what a handler can reach besides its own state.
//!
//! A handler or hook that takes `ctx: &mut Ctx<Self>` can get its own typed handle, spawn
//! children (stopped with it), stop itself, watch other actors, set timers for itself, change
//! its behaviour state, stash messages, and reach the system.

use std::collections::VecDeque;
use std::fmt;
use std::sync::Arc;

use crate::actor::{Actor, ActorHandle, Message};
use crate::actor_ref::ActorRef;
use crate::behaviour::{Behaviour, BehaviourError, Unhandled};
use crate::cell::Node;
use crate::error::SpawnError;
use crate::event::DeadLetterReason;
use crate::id::{ActorId, ActorPath};
use crate::mailbox::StopKind;
use crate::reply::Rejection;
use crate::stash::{Stash, StashFull};
use crate::supervision::Supervision;
use crate::system::{ActorSystem, SpawnOptions};
use crate::timetable::Schedule;
use crate::watch::Terminated;

/// The context of a running actor, passed to handlers that ask for it.
pub struct Ctx<A: Actor> {
    myself: ActorRef<A>,
    /// Set when unstashed messages wait to go back to the front of the batch.
    unstashed: bool,
    /// The behaviour state; zero-sized for an actor with one behaviour.
    behaviour: Behaviour<A::State>,
    /// What ends with this actor: its watches, its own timers and its stash. Boxed on first
    /// use, as most actors have none and the context lives in every actor's task.
    owned: Option<Box<Owned<A>>>,
}

/// Watches, timers and stashed messages an actor holds.
struct Owned<A: Actor> {
    watching: Vec<Arc<dyn Node>>,
    timers: Vec<Schedule>,
    stash: Stash<A::Msg>,
}

impl<A: Actor> Default for Owned<A> {
    fn default() -> Self {
        Owned {
            watching: Vec::new(),
            timers: Vec::new(),
            stash: Stash::default(),
        }
    }
}

impl<A: Actor> Ctx<A> {
    pub(crate) fn new(myself: ActorRef<A>) -> Self {
        Ctx {
            myself,
            unstashed: false,
            behaviour: Behaviour::new(A::initial_state()),
            owned: None,
        }
    }

    fn owned(&mut self) -> &mut Owned<A> {
        self.owned.get_or_insert_with(Box::default)
    }

    /// This actor's own typed handle.
    pub fn myself(&self) -> A::Ref {
        A::Ref::from_actor_ref(self.myself.clone())
    }

    /// This actor's `ActorRef` (the reference its generated handle wraps), for hand-built
    /// messages and batches.
    pub fn actor_ref(&self) -> &ActorRef<A> {
        &self.myself
    }

    /// This actor's id.
    pub fn id(&self) -> ActorId {
        self.myself.id()
    }

    /// This actor's address.
    pub fn path(&self) -> ActorPath {
        self.myself.path()
    }

    /// The system this actor runs in.
    pub fn system(&self) -> &ActorSystem {
        &self.myself.cell.core.system
    }

    /// How many children of this actor are live.
    pub fn child_count(&self) -> usize {
        self.myself.cell.core.children.len()
    }

    /// Stops this actor gracefully, as [`ActorHandle::stop`] does: from now on new messages
    /// are refused (they become dead letters), what is already queued is handled, then the
    /// children stop and `post_stop` runs. A failure meanwhile does not cancel the stop.
    pub fn stop(&mut self) {
        self.myself.cell.mailbox.request_stop(StopKind::Graceful);
    }

    /// Stops this actor once the current message is handled, as [`ActorHandle::kill`] does:
    /// messages still queued are not handled (they become dead letters, and their asks answer
    /// [`AskError::Stopped`](crate::AskError::Stopped)); the event stream and watchers see
    /// [`StopReason::Killed`](crate::StopReason::Killed).
    pub fn kill(&mut self) {
        self.myself.cell.mailbox.request_stop(StopKind::Kill);
    }

    /// Watches `target`: when it stops for good, this actor receives the message
    /// `on_terminated` builds from a [`Terminated`], through its own handler. If `target` is
    /// already gone the message comes at once. Watching the same actor again adds another
    /// notification; [`unwatch`](Ctx::unwatch) removes them all.
    ///
    /// ```
    /// # use rakt::prelude::*;
    /// # #[actor] #[derive(Default)] pub struct Worker;
    /// # #[actor] impl Worker { pub fn work(&self) {} }
    /// #[actor]
    /// #[derive(Default)]
    /// pub struct Foreman {
    ///     lost: Vec<Terminated>,
    /// }
    ///
    /// #[actor]
    /// impl Foreman {
    ///     /// Keeps an eye on `worker`.
    ///     pub fn hire(&mut self, worker: WorkerRef, ctx: &mut Ctx<Self>) {
    ///         ctx.watch(&worker, |gone| ForemanMsg::Lost { gone });
    ///     }
    ///
    ///     /// Told when a watched worker stops.
    ///     pub fn lost(&mut self, gone: Terminated) {
    ///         self.lost.push(gone);
    ///     }
    /// }
    /// ```
    pub fn watch<H: ActorHandle>(
        &mut self,
        target: &H,
        on_terminated: impl FnOnce(Terminated) -> A::Msg + Send + 'static,
    ) {
        let cell = &target.actor_ref().cell;
        let node: Arc<dyn Node> = cell.to_arc();
        let me = self.myself.clone();
        cell.add_watcher(
            self.id(),
            Box::new(move |terminated| {
                me.deliver(on_terminated(terminated));
            }),
        );
        let watching = &mut self.owned().watching;
        if !watching.iter().any(|n| n.core().id == node.core().id) {
            watching.push(node);
        }
    }

    /// Stops watching `target`; no [`Terminated`] from it reaches this actor afterwards.
    pub fn unwatch<H: ActorHandle>(&mut self, target: &H) {
        let id = target.id();
        let me = self.myself.id();
        let Some(owned) = self.owned.as_mut() else {
            return;
        };
        owned.watching.retain(|node| {
            let keep = node.core().id != id;
            if !keep {
                node.core().watchers.remove(me);
            }
            keep
        });
    }

    /// Ends every watch and timer this actor holds (it is stopping), and gives back what is
    /// still stashed, oldest first.
    pub(crate) fn release(&mut self) -> VecDeque<A::Msg> {
        let me = self.myself.id();
        let Some(mut owned) = self.owned.take() else {
            return VecDeque::new();
        };
        for node in owned.watching {
            node.core().watchers.remove(me);
        }
        for timer in owned.timers {
            timer.cancel();
        }
        owned.stash.drain().collect()
    }

    /// The current behaviour state.
    #[inline]
    pub fn state(&self) -> &A::State {
        self.behaviour.current()
    }

    /// Moves to `state`, replacing the current one (Akka's `become`, a reserved word in Rust;
    /// the behaviour stack is unchanged). Returns the state left. Takes effect from the next
    /// message; stashed messages stay stashed until [`unstash_all`](Ctx::unstash_all).
    #[doc(alias = "become")]
    #[doc(alias = "goto")]
    pub fn become_state(&mut self, state: A::State) -> A::State {
        self.behaviour.replace(state)
    }

    /// Moves to `state` and keeps the current one underneath, for [`unbecome`](Ctx::unbecome).
    pub fn become_stacked(&mut self, state: A::State) {
        self.behaviour.push(state);
    }

    /// Returns to the state underneath the current one, and gives back the state left.
    ///
    /// # Errors
    /// [`BehaviourError::EmptyStack`] if nothing was stacked: the current state stays as it is.
    pub fn unbecome(&mut self) -> Result<A::State, BehaviourError> {
        self.behaviour.pop()
    }

    /// How many states lie under the current one.
    pub fn behaviour_depth(&self) -> usize {
        self.behaviour.depth()
    }

    /// Sets `msg` aside to handle later: [`unstash`](Ctx::unstash) and
    /// [`unstash_all`](Ctx::unstash_all) put stashed messages back at the front of the mailbox,
    /// in the order they were stashed. A handler can stash a tell it rebuilds, or a deferred ask
    /// with the [`ReplySlot`](crate::ReplySlot) it was given; the `unhandled = stash` policy
    /// stashes whole messages the current state does not handle.
    ///
    /// # Errors
    /// [`StashFull`], holding `msg`, when the stash already holds
    /// [`Actor::STASH_CAPACITY`] messages.
    pub fn stash(&mut self, msg: A::Msg) -> Result<(), StashFull<A::Msg>> {
        self.owned().stash.push(msg, A::STASH_CAPACITY)
    }

    /// Puts the oldest stashed message back at the front of the mailbox; `false` if the stash
    /// is empty.
    pub fn unstash(&mut self) -> bool {
        let Some(owned) = self.owned.as_mut() else {
            return false;
        };
        let released = owned.stash.release_one();
        self.unstashed |= released;
        released
    }

    /// Puts every stashed message back at the front of the mailbox, in the order they were
    /// stashed and ahead of everything else queued; returns how many.
    pub fn unstash_all(&mut self) -> usize {
        let Some(owned) = self.owned.as_mut() else {
            return 0;
        };
        let released = owned.stash.release_all();
        self.unstashed |= released > 0;
        released
    }

    /// How many messages are stashed.
    pub fn stash_len(&self) -> usize {
        self.owned.as_ref().map_or(0, |owned| owned.stash.len())
    }

    /// Whether unstashed messages wait to go back into the actor's batch.
    #[inline]
    pub(crate) fn has_unstashed(&self) -> bool {
        self.unstashed
    }

    /// Puts unstashed messages at the front of `batch`, in order.
    pub(crate) fn requeue_unstashed(&mut self, batch: &mut VecDeque<A::Msg>) {
        self.unstashed = false;
        if let Some(owned) = self.owned.as_mut() {
            owned.stash.requeue(batch);
        }
    }

    /// A restart: back to the initial state with an empty behaviour stack; the stash is kept,
    /// and its messages go to the front of `batch`, in order.
    pub(crate) fn restarted(&mut self, batch: &mut VecDeque<A::Msg>) {
        self.behaviour.reset(A::initial_state());
        self.unstash_all();
        self.requeue_unstashed(batch);
    }

    /// Keeps `schedule` as one of this actor's own timers, which end with it.
    pub(crate) fn keep_timer(&mut self, schedule: &Schedule) {
        let timers = &mut self.owned().timers;
        timers.retain(|timer| !timer.is_finished());
        timers.push(schedule.clone());
    }

    /// Spawns a named child actor; it stops when this actor stops. Names are unique per
    /// system. The child spawn family mirrors [`ActorSystem::spawn`]'s.
    pub async fn spawn<C: Actor>(&self, name: &str, child: C) -> Result<C::Ref, SpawnError> {
        self.spawn_with(child, SpawnOptions::named(name)).await
    }

    /// Spawns an anonymous child actor (its path ends in `$<id>`).
    pub async fn spawn_anonymous<C: Actor>(&self, child: C) -> Result<C::Ref, SpawnError> {
        self.spawn_with(child, SpawnOptions::new()).await
    }

    /// Spawns a named child actor under its own `supervision` (see
    /// [`ActorSystem::spawn_supervised`]).
    pub async fn spawn_supervised<C: Actor>(
        &self,
        name: &str,
        child: C,
        supervision: Supervision,
    ) -> Result<C::Ref, SpawnError> {
        let options = SpawnOptions::named(name).supervision(supervision);
        self.spawn_with(child, options).await
    }

    /// Spawns a child actor whose state `factory` makes, now and for every restart.
    pub async fn spawn_with_factory<C: Actor>(
        &self,
        mut factory: impl FnMut() -> C + Send + 'static,
        options: SpawnOptions,
    ) -> Result<C::Ref, SpawnError> {
        let parent: Arc<dyn Node> = self.myself.cell.to_arc();
        let first = factory();
        self.system()
            .spawn_in(Some(parent), first, options, Some(Box::new(factory)))
    }

    /// Spawns a child actor with explicit options.
    pub async fn spawn_with<C: Actor>(
        &self,
        child: C,
        options: SpawnOptions,
    ) -> Result<C::Ref, SpawnError> {
        let parent: Arc<dyn Node> = self.myself.cell.to_arc();
        self.system().spawn_in(Some(parent), child, options, None)
    }
}

impl<A: Actor> fmt::Debug for Ctx<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ctx")
            .field("actor", &self.myself)
            .field("state", self.state())
            .field("stash_len", &self.stash_len())
            .finish()
    }
}

/// Applies the actor's [`Unhandled`] policy to a message its current state does not handle.
/// Called by the generated dispatch.
#[doc(hidden)]
#[cold]
pub fn unhandled<A: Actor>(ctx: &mut Ctx<A>, msg: A::Msg) {
    tracing::debug!(
        actor = %ctx.path(), message = msg.name(), state = ?ctx.state(),
        "unhandled in this state"
    );
    let policy = A::UNHANDLED;
    if policy == Unhandled::Stash {
        if let Err(full) = ctx.stash(msg) {
            let capacity = full.capacity;
            ctx.myself
                .cell
                .give_up(full.message, DeadLetterReason::StashFull { capacity });
        }
        return;
    }
    let state = format!("{:?}", ctx.state());
    if policy == Unhandled::Reply && msg.is_ask() {
        msg.reject(Rejection::Unhandled { state });
    } else {
        // A dead letter; a tell under `Reply` too, as it has nobody to answer.
        ctx.myself
            .cell
            .give_up(msg, DeadLetterReason::Unhandled { state });
    }
}
