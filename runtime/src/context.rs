//! The actor context: what a handler can reach besides its own state.
//!
//! A handler or hook that takes `ctx: &mut Ctx<Self>` can get its own typed handle, spawn
//! children (stopped with it), stop itself, and reach the system.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::actor::{Actor, ActorHandle};
use crate::actor_ref::{ActorId, ActorPath, ActorRef};
use crate::cell::Node;
use crate::error::SpawnError;
use crate::schedule::{Schedule, ScheduleKind};
use crate::system::{ActorSystem, SpawnOptions};
use crate::watch::Terminated;

/// The context of a running actor, passed to handlers that ask for it.
pub struct Ctx<A: Actor> {
    myself: ActorRef<A>,
    system: ActorSystem,
    stop_requested: bool,
    /// What ends with this actor: its watches and its own timers. Boxed on first use, as most
    /// actors have neither and the context lives in every actor's task.
    owned: Option<Box<Owned>>,
}

/// Watches and timers an actor holds.
#[derive(Default)]
struct Owned {
    watching: Vec<Arc<dyn Node>>,
    timers: Vec<Schedule>,
}

impl<A: Actor> Ctx<A> {
    pub(crate) fn new(myself: ActorRef<A>, system: ActorSystem) -> Self {
        Ctx {
            myself,
            system,
            stop_requested: false,
            owned: None,
        }
    }

    /// This actor's own typed handle.
    pub fn myself(&self) -> A::Ref {
        A::Ref::from_actor_ref(self.myself.clone())
    }

    /// This actor's untyped reference.
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
        &self.system
    }

    /// How many children of this actor are live.
    pub fn child_count(&self) -> usize {
        self.myself.cell.core.children.len()
    }

    /// Stops this actor once the current message is handled. Messages still queued are not
    /// handled: their asks answer [`AskError::Stopped`](crate::AskError::Stopped). Children stop
    /// first, then `post_stop` runs.
    pub fn stop(&mut self) {
        self.stop_requested = true;
    }

    pub(crate) fn stop_requested(&self) -> bool {
        self.stop_requested
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
        let node: Arc<dyn Node> = target.actor_ref().cell.to_arc();
        let me = self.myself.clone();
        node.core().watchers.add(
            node.core(),
            self.id(),
            Box::new(move |terminated| {
                me.deliver(on_terminated(terminated));
            }),
        );
        let watching = &mut self.owned.get_or_insert_with(Box::default).watching;
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

    /// Ends every watch and timer this actor holds (it is stopping).
    pub(crate) fn release(&mut self) {
        let me = self.myself.id();
        if let Some(owned) = self.owned.take() {
            for node in owned.watching {
                node.core().watchers.remove(me);
            }
            for timer in owned.timers {
                timer.cancel();
            }
        }
    }

    /// Sends this actor `msg` after `delay` (at least 1 ms); the timer ends with the actor.
    pub fn schedule_once(&mut self, delay: Duration, msg: A::Msg) -> Schedule {
        let mut msg = Some(msg);
        self.timer(ScheduleKind::Once { delay }, move || msg.take())
    }

    /// Sends this actor what `make` builds every `every` (fixed rate) until cancelled or the
    /// actor stops.
    pub fn schedule_every(
        &mut self,
        every: Duration,
        mut make: impl FnMut() -> A::Msg + Send + 'static,
    ) -> Schedule {
        self.timer(ScheduleKind::Every { every }, move || Some(make()))
    }

    /// Sends this actor what `make` builds `times` times, `every` apart; the timer ends with
    /// the actor.
    pub fn schedule_times(
        &mut self,
        times: u64,
        every: Duration,
        mut make: impl FnMut() -> A::Msg + Send + 'static,
    ) -> Schedule {
        self.timer(ScheduleKind::Times { times, every }, move || Some(make()))
    }

    fn timer(
        &mut self,
        kind: ScheduleKind,
        make: impl FnMut() -> Option<A::Msg> + Send + 'static,
    ) -> Schedule {
        let schedule = self
            .system
            .scheduler()
            .start(self.myself.clone(), kind, make);
        let timers = &mut self.owned.get_or_insert_with(Box::default).timers;
        timers.retain(|timer| !timer.is_finished());
        timers.push(schedule.clone());
        schedule
    }

    /// Spawns a named child actor; it stops when this actor stops. Names are unique per
    /// system.
    pub async fn spawn<C: Actor>(&self, name: &str, child: C) -> Result<C::Ref, SpawnError> {
        self.spawn_with(child, SpawnOptions::new().name(name)).await
    }

    /// Spawns an anonymous child actor (its path ends in `$<id>`).
    pub async fn spawn_anonymous<C: Actor>(&self, child: C) -> Result<C::Ref, SpawnError> {
        self.spawn_with(child, SpawnOptions::new()).await
    }

    /// Spawns a child actor whose state `factory` makes, now and for every restart.
    pub async fn spawn_with_factory<C: Actor>(
        &self,
        options: SpawnOptions,
        mut factory: impl FnMut() -> C + Send + 'static,
    ) -> Result<C::Ref, SpawnError> {
        let parent: Arc<dyn Node> = self.myself.cell.to_arc();
        let first = factory();
        self.system
            .spawn_in(Some(parent), first, options, Some(Box::new(factory)))
    }

    /// Spawns a child actor with explicit options.
    pub async fn spawn_with<C: Actor>(
        &self,
        child: C,
        options: SpawnOptions,
    ) -> Result<C::Ref, SpawnError> {
        let parent: Arc<dyn Node> = self.myself.cell.to_arc();
        self.system.spawn_in(Some(parent), child, options, None)
    }
}

impl<A: Actor> fmt::Debug for Ctx<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ctx")
            .field("actor", &self.myself)
            .field("stop_requested", &self.stop_requested)
            .finish()
    }
}
