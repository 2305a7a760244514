//! [`AtomicWaker`]: one task's waker, registered by that task and woken by any number of
//! others at once, without a lock.
//!
//! The algorithm of futures' (and tokio's) `AtomicWaker`, written here on the `sync` shim's
//! atomics and cell so that the loom models of the reply channel, its one user, see every step
//! of it: with `futures`' own, loom would not see the ordering its atomics give and would
//! report wake-ups lost that are not.
//!
//! The state is a tiny lock: `REGISTERING` while the task stores its waker, `WAKING` while
//! a waker takes it out. A register that meets a wake-up in progress wakes its own waker; a
//! wake-up that meets a register in progress leaves `WAKING` set, and the register, seeing it
//! as it unlocks, wakes the waker it just stored.

use std::fmt;
use std::task::Waker;

use crate::sync::{AtomicUsize, Ordering, UnsafeCell, spin_loop};

/// Nobody holds the lock.
const WAITING: usize = 0;
/// The task is storing its waker.
const REGISTERING: usize = 1;
/// A waker is taking the waker out (or came while the task was storing it).
const WAKING: usize = 2;

/// One task's waker, woken from anywhere.
pub(crate) struct AtomicWaker {
    state: AtomicUsize,
    waker: UnsafeCell<Option<Waker>>,
}

// SAFETY: the waker is only touched under the state's lock (see the module doc), and `Waker`
// is `Send + Sync`.
unsafe impl Send for AtomicWaker {}
// SAFETY: as above.
unsafe impl Sync for AtomicWaker {}

impl AtomicWaker {
    pub(crate) fn new() -> Self {
        AtomicWaker {
            state: AtomicUsize::new(WAITING),
            waker: UnsafeCell::new(None),
        }
    }

    /// Stores `waker` as the one to wake (keeping the stored one if it wakes the same task).
    /// Only one task may register, never two at once.
    pub(crate) fn register(&self, waker: &Waker) {
        match self
            .state
            .compare_exchange(WAITING, REGISTERING, Ordering::Acquire, Ordering::Acquire)
            .unwrap_or_else(|state| state)
        {
            WAITING => {
                // SAFETY: `REGISTERING` is held: no waker touches the cell until it is released.
                self.waker.with_mut(|stored| unsafe {
                    match &*stored {
                        Some(old) if old.will_wake(waker) => {}
                        _ => *stored = Some(waker.clone()),
                    }
                });
                // Release the lock; a waker that came meanwhile set `WAKING` and left the
                // wake-up to this register.
                if let Err(state) = self.state.compare_exchange(
                    REGISTERING,
                    WAITING,
                    Ordering::AcqRel,
                    Ordering::Acquire,
                ) {
                    debug_assert_eq!(state, REGISTERING | WAKING);
                    // SAFETY: still holding `REGISTERING`: wakers only set `WAKING` and leave.
                    let stored = self.waker.with_mut(|stored| unsafe { (*stored).take() });
                    self.state.swap(WAITING, Ordering::AcqRel);
                    if let Some(stored) = stored {
                        stored.wake();
                    }
                }
            }
            WAKING => {
                // A wake-up is in progress, on the waker stored before: this task runs again
                // and registers then. As good as a spin lock, so say so (loom then lets the
                // waker finish first).
                waker.wake_by_ref();
                spin_loop();
            }
            state => {
                // Another register at the same time: a misuse, which this one yields to.
                debug_assert!(state == REGISTERING || state == REGISTERING | WAKING);
            }
        }
    }

    /// Wakes the waker registered last, if any (it is taken out: the task registers again to
    /// be woken again).
    pub(crate) fn wake(&self) {
        if let Some(waker) = self.take() {
            waker.wake();
        }
    }

    /// Takes the waker registered last out, if any and if no one else is at it.
    pub(crate) fn take(&self) -> Option<Waker> {
        match self.state.fetch_or(WAKING, Ordering::AcqRel) {
            WAITING => {
                // SAFETY: `WAKING` is held: no register or other waker touches the cell.
                let waker = self.waker.with_mut(|stored| unsafe { (*stored).take() });
                self.state.swap(WAITING, Ordering::Release);
                waker
            }
            // A register is in progress (it wakes on seeing `WAKING`), or another waker is at
            // it: either way the task is woken.
            state => {
                debug_assert!(
                    state == REGISTERING || state == REGISTERING | WAKING || state == WAKING
                );
                None
            }
        }
    }
}

impl fmt::Debug for AtomicWaker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AtomicWaker")
    }
}
