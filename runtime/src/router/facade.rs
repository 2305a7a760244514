//! The pool entry points on [`ActorSystem`] and [`Ctx`]: `spawn_pool` and
//! `spawn_pool_anonymous`. A feature's entry points live with the feature, as inherent methods
//! (the kernel's modules keep only the kernel's own).

use std::sync::Arc;

use super::Pool;
use super::pool::spawn;
use crate::actor::Actor;
use crate::cell::Node;
use crate::context::Ctx;
use crate::error::SpawnError;
use crate::system::ActorSystem;

impl ActorSystem {
    /// Spawns a pool of routees named `name` and returns the actor's own typed handle for it:
    /// every handler call is routed to a routee. The name follows the rules of
    /// [`spawn`](ActorSystem::spawn); [`spawn_pool_anonymous`](ActorSystem::spawn_pool_anonymous)
    /// spawns a pool without one.
    ///
    /// # Errors
    /// As [`spawn`](ActorSystem::spawn) (an empty, bad or taken name, the system shutting
    /// down), and [`SpawnError::InvalidPool`] for a pool of zero routees.
    pub async fn spawn_pool<A: Actor>(
        &self,
        name: &str,
        pool: Pool<A>,
    ) -> Result<A::Ref, SpawnError> {
        spawn(self, None, Some(name.to_owned()), pool)
    }

    /// Spawns a pool without a name (its path ends in `$<id>`), as
    /// [`spawn_pool`](ActorSystem::spawn_pool) does a named one.
    ///
    /// # Errors
    /// [`SpawnError::InvalidPool`] for a pool of zero routees, [`SpawnError::Stopping`] once
    /// the system shuts down.
    pub async fn spawn_pool_anonymous<A: Actor>(
        &self,
        pool: Pool<A>,
    ) -> Result<A::Ref, SpawnError> {
        spawn(self, None, None, pool)
    }
}

impl<A: Actor> Ctx<A> {
    /// Spawns a router pool named `name` as a child of this actor (see
    /// [`ActorSystem::spawn_pool`]); it and its routees stop when this actor stops.
    pub async fn spawn_pool<C: Actor>(
        &self,
        name: &str,
        pool: Pool<C>,
    ) -> Result<C::Ref, SpawnError> {
        let parent: Arc<dyn Node> = self.actor_ref().cell.to_arc();
        spawn(self.system(), Some(parent), Some(name.to_owned()), pool)
    }

    /// Spawns an anonymous router pool as a child of this actor (see
    /// [`ActorSystem::spawn_pool_anonymous`]).
    pub async fn spawn_pool_anonymous<C: Actor>(
        &self,
        pool: Pool<C>,
    ) -> Result<C::Ref, SpawnError> {
        let parent: Arc<dyn Node> = self.actor_ref().cell.to_arc();
        spawn(self.system(), Some(parent), None, pool)
    }
}
