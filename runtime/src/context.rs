//! The actor context: what a handler can reach besides its own state.
//!
//! A handler or hook that takes `ctx: &mut Ctx<Self>` can get its own typed handle, spawn
//! children (stopped with it), stop itself, and reach the system.

use std::fmt;
use std::sync::Arc;

use crate::actor::{Actor, ActorHandle};
use crate::actor_ref::{ActorId, ActorPath, ActorRef};
use crate::cell::Node;
use crate::error::SpawnError;
use crate::system::{ActorSystem, SpawnOptions};
use crate::watch::Terminated;

/// The context of a running actor, passed to handlers that ask for it.
pub struct Ctx<A: Actor> {
    myself: ActorRef<A>,
    system: ActorSystem,
    stop_requested: bool,
    /// The actors this one watches, so that its watches end with it.
    watching: Vec<Arc<dyn Node>>,
}

impl<A: Actor> Ctx<A> {
    pub(crate) fn new(myself: ActorRef<A>, system: ActorSystem) -> Self {
        Ctx {
            myself,
            system,
            stop_requested: false,
            watching: Vec::new(),
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
        if !self.watching.iter().any(|n| n.core().id == node.core().id) {
            self.watching.push(node);
        }
    }

    /// Stops watching `target`; no [`Terminated`] from it reaches this actor afterwards.
    pub fn unwatch<H: ActorHandle>(&mut self, target: &H) {
        let id = target.id();
        self.watching.retain(|node| {
            let keep = node.core().id != id;
            if !keep {
                node.core().watchers.remove(self.myself.id());
            }
            keep
        });
    }

    /// Ends every watch this actor holds (it is stopping).
    pub(crate) fn unwatch_all(&mut self) {
        let me = self.myself.id();
        for node in self.watching.drain(..) {
            node.core().watchers.remove(me);
        }
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
