//! Death watch: telling other actors that an actor has stopped for good.
//!
//! Each cell keeps the list of its watchers. A watcher registers with
//! [`Ctx::watch`](crate::Ctx::watch), naming the message its own handler should receive; when
//! the watched actor terminates, every watcher gets that message with a [`Terminated`]. Watching
//! an actor that is already gone delivers at once. A watcher that stops takes its watches with it.

use crate::event::StopReason;
use crate::id::{ActorId, ActorPath};
use crate::sync::{Mutex, MutexGuard, PoisonError};

/// An actor has stopped for good: what a watcher is told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Terminated {
    /// The actor that stopped.
    pub id: ActorId,
    /// Its address.
    pub path: ActorPath,
    /// Why it stopped.
    pub reason: StopReason,
}

/// Delivers a [`Terminated`] to one watcher.
pub(crate) type Notify = Box<dyn FnOnce(Terminated) + Send>;

/// The watchers of one actor.
pub(crate) struct Watchers {
    /// Boxed on first use: most actors are never watched, and this sits in every cell.
    inner: Mutex<Option<Box<WatchList>>>,
}

#[derive(Default)]
struct WatchList {
    watches: Vec<(ActorId, Notify)>,
    /// Set once the actor has terminated; later watchers are told at once.
    terminated: Option<StopReason>,
}

impl Watchers {
    pub(crate) fn new() -> Self {
        Watchers {
            inner: Mutex::new(None),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Option<Box<WatchList>>> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Registers `watcher` on the actor whose list this is, or tells it at once (with what
    /// `notice` makes of the stop reason) if the actor is already gone.
    pub(crate) fn add(
        &self,
        watcher: ActorId,
        notify: Notify,
        notice: impl FnOnce(StopReason) -> Terminated,
    ) {
        let mut guard = self.lock();
        let list = guard.get_or_insert_with(Box::default);
        match &list.terminated {
            Some(reason) => {
                let reason = reason.clone();
                drop(guard);
                notify(notice(reason));
            }
            None => list.watches.push((watcher, notify)),
        }
    }

    /// Forgets every watch `watcher` holds on this actor.
    pub(crate) fn remove(&self, watcher: ActorId) {
        let removed: Vec<_> = {
            let mut guard = self.lock();
            let Some(list) = guard.as_mut() else {
                return;
            };
            list.watches
                .extract_if(.., |(id, _)| *id == watcher)
                .collect()
        };
        // Dropped outside the lock: the notices are user closures.
        drop(removed);
    }

    /// Records that the actor terminated and tells every watcher what `notice` makes of the
    /// reason. Builds nothing when nobody watches.
    pub(crate) fn close(&self, reason: &StopReason, notice: impl FnOnce(StopReason) -> Terminated) {
        let watches = {
            let mut guard = self.lock();
            let list = guard.get_or_insert_with(Box::default);
            list.terminated = Some(reason.clone());
            std::mem::take(&mut list.watches)
        };
        if watches.is_empty() {
            return;
        }
        let notice = notice(reason.clone());
        for (_, notify) in watches {
            notify(notice.clone());
        }
    }
}
