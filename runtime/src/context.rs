//! The actor context: what a handler can reach besides its own state.
//!
//! A handler or hook that takes `ctx: &mut Ctx<Self>` can get its own typed handle, spawn
//! children (stopped with it), stop itself, and reach the system.

use std::fmt;
use std::sync::Arc;

use crate::actor::Actor;
use crate::actor_ref::{ActorId, ActorPath, ActorRef};
use crate::cell::Node;
use crate::error::SpawnError;
use crate::system::{ActorSystem, SpawnOptions};

/// The context of a running actor, passed to handlers that ask for it.
pub struct Ctx<A: Actor> {
    myself: ActorRef<A>,
    system: ActorSystem,
    stop_requested: bool,
}

impl<A: Actor> Ctx<A> {
    pub(crate) fn new(myself: ActorRef<A>, system: ActorSystem) -> Self {
        Ctx {
            myself,
            system,
            stop_requested: false,
        }
    }

    /// This actor's own typed handle.
    pub fn myself(&self) -> A::Ref {
        use crate::actor::ActorHandle;
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

    /// Spawns a named child actor; it stops when this actor stops. Names are unique per
    /// system.
    pub async fn spawn<C: Actor>(&self, name: &str, child: C) -> Result<C::Ref, SpawnError> {
        self.spawn_with(child, SpawnOptions::new().name(name)).await
    }

    /// Spawns an anonymous child actor (its path ends in `$<id>`).
    pub async fn spawn_anonymous<C: Actor>(&self, child: C) -> Result<C::Ref, SpawnError> {
        self.spawn_with(child, SpawnOptions::new()).await
    }

    /// Spawns a child actor with explicit options.
    pub async fn spawn_with<C: Actor>(
        &self,
        child: C,
        options: SpawnOptions,
    ) -> Result<C::Ref, SpawnError> {
        let parent: Arc<dyn Node> = self.myself.cell.to_arc();
        self.system.spawn_in(Some(parent), child, options)
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
