//! A pool's lifecycle: spawning it and its routees, growth, a routee leaving, the pool's end;
//! how the pool's cell answers the cell's seam (sends, stop requests, supervision signals);
//! and [`PoolControl`], the management side of a pool's handle.

use std::any::Any;
use std::fmt;
use std::sync::{Arc, Weak};
use std::task::Poll;
use std::time::Duration;

use super::strategy::{Router, router_of};
use super::{Pool, PoolError, Routing};
use crate::actor::{Actor, ActorHandle};
use crate::actor_ref::ActorRef;
use crate::cell::{Cell, Forward, Node, PushTo};
use crate::error::{SendError, SpawnError};
use crate::event::{Event, StopReason};
use crate::id::ActorId;
use crate::mailbox::{Mailbox, Signal, StopKind};
use crate::system::{ActorSystem, SpawnOptions};

/// Registers a pool under `parent` (`None`: the user guardian) and spawns its routees.
pub(super) fn spawn<A: Actor>(
    system: &ActorSystem,
    parent: Option<Arc<dyn Node>>,
    name: Option<String>,
    pool: Pool<A>,
) -> Result<A::Ref, SpawnError> {
    let size = pool.size;
    if size == 0 {
        return Err(SpawnError::InvalidPool("a pool needs at least one routee"));
    }
    if let Some(mailbox) = pool.mailbox {
        mailbox.validate().map_err(SpawnError::InvalidMailbox)?;
    }
    // A pool's own mailbox is sealed: a send that finds it closed looks for the router (off
    // the hot path of sends to single actors) and goes to a routee.
    let cell = system.register_cell(
        parent,
        name,
        Mailbox::sealed(),
        Some(Box::new(Router::new(pool))),
    )?;
    let me = ActorRef::from_cell(cell);
    if let Err(error) = grow(&me, size) {
        // Nothing reached the new pool yet: take it down again.
        me.cell.request_stop(StopKind::Graceful);
        finish_if_empty(&me.cell);
        return Err(match error {
            PoolError::Spawn(error) => error,
            PoolError::Empty | PoolError::Stopping => SpawnError::Stopping,
        });
    }
    Ok(A::Ref::from_actor_ref(me))
}

fn grow<A: Actor>(pool: &ActorRef<A>, count: usize) -> Result<(), PoolError> {
    let Some(router) = router_of(&pool.cell) else {
        return Err(PoolError::Stopping);
    };
    let system = pool.cell.core.system.clone();
    let cell = pool.cell.to_arc();
    let weak: Weak<Cell<A>> = Arc::downgrade(&cell);
    let parent: Arc<dyn Node> = cell;
    let spec = &router.spec;
    let mut options = SpawnOptions::new();
    if let Some(supervision) = &spec.supervision {
        options = options.supervision(supervision.clone());
    }
    if let Some(mailbox) = spec.mailbox {
        options = options.mailbox(mailbox);
    }
    for _ in 0..count {
        if router.is_stopping() {
            return Err(PoolError::Stopping);
        }
        let make = Arc::clone(&spec.make);
        let routee = system.spawn_in(
            Some(Arc::clone(&parent)),
            make(),
            options.clone(),
            Some(Box::new(move || make())),
        )?;
        let routee = routee.actor_ref().clone();
        if !router.update(|routees| routees.push(routee.clone())) {
            // The pool ended while the routee was spawned (its last routee left): the routee
            // may not join a pool that has ended.
            routee.cell.request_stop(StopKind::Graceful);
            return Err(PoolError::Stopping);
        }
        // After it is in the table: a routee that is already gone is taken out at once.
        let weak = weak.clone();
        let id = routee.id();
        routee.cell.core.add_watcher(
            pool.id(),
            Box::new(move |_| {
                if let Some(cell) = weak.upgrade() {
                    leave(&cell, id);
                }
            }),
        );
    }
    Ok(())
}

/// A routee stopped for good: it leaves the table, and the pool stops if it was the last.
fn leave<A: Actor>(cell: &Arc<Cell<A>>, id: ActorId) {
    let Some(router) = router_of(cell) else {
        return;
    };
    router.forget(id);
    finish_if_empty(cell);
}

/// Ends the pool once no routee is left: the registry, the watchers and the event stream
/// learn that it stopped.
fn finish_if_empty<A: Actor>(cell: &Cell<A>) {
    let Some(router) = router_of(cell) else {
        return;
    };
    // Decided under the roster's lock, so that a routee joining meanwhile keeps the pool alive
    // or is turned away, and the pool ends once; the rest runs outside it (watchers run user
    // callbacks).
    let Some(reason) = router.roster.finish_if(|| router.len() == 0) else {
        return;
    };
    if reason == StopReason::NoRoutees {
        tracing::info!(pool = %cell.core.path(), "the pool's last routee stopped; the pool stops");
    }
    // A routee spawned but not yet in the table is turned away by the roster; its spawner
    // stops it, and so does this, whichever comes first.
    for unjoined in cell.core.children.close() {
        unjoined.request_stop(StopKind::Graceful);
    }
    cell.core.system.inner.forget(&cell.core);
    cell.core.tell_watchers(&reason);
    cell.core.system.inner.events.publish(|| Event::Stopped {
        actor: cell.core.path(),
        reason,
    });
    cell.core.mark_terminated();
}

/// A pool's cell forwards every send to its router.
impl<A: Actor> Forward<A> for Router<A> {
    fn push(
        &self,
        me: &ActorRef<A>,
        msg: A::Msg,
        _timeout: Option<Duration>,
        push: &mut PushTo<'_, A>,
    ) -> Poll<Result<(), SendError>> {
        self.route(me, msg, push)
    }

    fn forget(&self, target: ActorId) {
        Router::forget(self, target);
    }

    fn is_stopping(&self) -> bool {
        Router::is_stopping(self)
    }

    /// A stop request to a pool: every routee stops (gracefully: it handles what it has
    /// queued), and the pool ends with the last of them.
    fn request_stop(&self, cell: &Cell<A>, kind: StopKind) {
        self.roster.begin_stop();
        let routees = cell.core.children.close();
        for routee in &routees {
            routee.request_stop(kind);
        }
        if routees.is_empty() {
            finish_if_empty(cell);
        }
    }

    /// A supervision signal to a pool: a routee's escalated failure goes to the pool's parent;
    /// a sibling's all-for-one restart or stop applies to every routee.
    fn signal(&self, cell: &Cell<A>, signal: Signal) {
        match signal {
            Signal::Escalated(failure) => match &cell.core.parent {
                Some(parent) => parent.signal(Signal::Escalated(failure)),
                None => tracing::error!(
                    pool = %cell.core.path(), %failure,
                    "a routee escalated to a top-level pool; the routee stopped"
                ),
            },
            Signal::Restart(why) => {
                for routee in self.table.load().routees.iter() {
                    routee.cell.signal(Signal::Restart(why.clone()));
                }
            }
            Signal::Stop => Forward::request_stop(self, cell, StopKind::Graceful),
        }
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// The pool side of every handle: `handle.pool()` (in the prelude).
pub trait PoolHandle: ActorHandle {
    /// The management side of a router pool (size, resize, routees); `None` for a single
    /// actor.
    fn pool(&self) -> Option<PoolControl<'_, Self::Actor>> {
        PoolControl::of(self.actor_ref())
    }
}

impl<H: ActorHandle> PoolHandle for H {}

/// The management side of a pool, reached through its handle's
/// [`pool`](PoolHandle::pool).
pub struct PoolControl<'a, A: Actor> {
    pool: &'a ActorRef<A>,
    router: &'a Router<A>,
}

impl<'a, A: Actor> PoolControl<'a, A> {
    pub(crate) fn of(pool: &'a ActorRef<A>) -> Option<Self> {
        let router = router_of(&pool.cell)?;
        Some(PoolControl { pool, router })
    }

    /// How many routees the pool has now.
    pub fn size(&self) -> usize {
        self.router.len()
    }

    /// How the pool routes.
    pub fn routing(&self) -> Routing {
        self.router.spec.routing
    }

    /// Handles to the routees, in routing order.
    pub fn routees(&self) -> Vec<A::Ref> {
        self.router
            .table
            .load()
            .routees
            .iter()
            .map(|routee| A::Ref::from_actor_ref(routee.clone()))
            .collect()
    }

    /// Grows or shrinks the pool to `size` routees. New routees take messages at once; the
    /// routees let go stop taking new messages at once and stop after handling what they
    /// have queued (await the returned future to wait for that).
    ///
    /// # Errors
    /// [`PoolError::Empty`] for a size of zero, [`PoolError::Stopping`] if the pool is
    /// stopping, [`PoolError::Spawn`] if a new routee could not be spawned.
    pub async fn resize(&self, size: usize) -> Result<(), PoolError> {
        if size == 0 {
            return Err(PoolError::Empty);
        }
        if self.router.is_stopping() {
            return Err(PoolError::Stopping);
        }
        let current = self.size();
        if size > current {
            return grow(self.pool, size - current);
        }
        let mut leaving = Vec::new();
        self.router.update(|routees| {
            leaving = routees.split_off(size.min(routees.len()));
        });
        for routee in &leaving {
            routee.cell.request_stop(StopKind::Graceful);
        }
        for routee in &leaving {
            routee.cell.core.terminated().await;
        }
        Ok(())
    }
}

impl<A: Actor> fmt::Debug for PoolControl<'_, A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PoolControl")
            .field("pool", self.pool)
            .field("size", &self.size())
            .field("routing", &self.router.spec.routing)
            .finish()
    }
}
