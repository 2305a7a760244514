//! Who decides that a pool has ended: the one lock that orders changes of the routee table
//! against the pool's end, so that a routee joining as the last one leaves either keeps the
//! pool alive or is turned away, never joins a pool that has ended.
//!
//! Built on the synchronisation shim (`crate::sync`), so the loom model
//! `loom_pool_a_routee_joining_as_the_pool_ends_keeps_it_or_is_refused` runs this code.

use crate::event::StopReason;
use crate::sync::{AtomicBool, Mutex, Ordering, PoisonError};

/// A pool's stop flag and end, and the lock its table changes take.
pub(crate) struct Roster {
    /// Set when the pool begins to stop (a stop request, or its end); read lock-free by sends.
    stopping: AtomicBool,
    /// Whether the pool has ended; only read and written under the lock.
    finished: Mutex<bool>,
}

impl Roster {
    /// A pool that has neither begun to stop nor ended.
    pub(crate) fn new() -> Self {
        Roster {
            stopping: AtomicBool::new(false),
            finished: Mutex::new(false),
        }
    }

    /// Whether the pool has begun to stop: it takes no new messages and grows no more.
    pub(crate) fn is_stopping(&self) -> bool {
        self.stopping.load(Ordering::Acquire)
    }

    /// The pool begins to stop (a stop request).
    pub(crate) fn begin_stop(&self) {
        self.stopping.store(true, Ordering::Release);
    }

    /// Applies `change` to the table, one change at a time, unless the pool has ended; whether
    /// it was applied. A routee that could not join must be stopped by whoever spawned it.
    pub(crate) fn change(&self, change: impl FnOnce()) -> bool {
        let finished = self.finished.lock().unwrap_or_else(PoisonError::into_inner);
        if *finished {
            return false;
        }
        change();
        true
    }

    /// Ends the pool if `is_empty` (read under the lock, after every change applied before):
    /// why it ended, once; `None` if routees are left or the pool had ended already.
    pub(crate) fn finish_if(&self, is_empty: impl FnOnce() -> bool) -> Option<StopReason> {
        let mut finished = self.finished.lock().unwrap_or_else(PoisonError::into_inner);
        if *finished || !is_empty() {
            return None;
        }
        *finished = true;
        Some(if self.stopping.swap(true, Ordering::AcqRel) {
            StopReason::Stopped
        } else {
            StopReason::NoRoutees
        })
    }
}
