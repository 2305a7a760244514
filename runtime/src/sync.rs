//! The synchronisation primitives of the runtime's hand-made concurrency: the reply channel and
//! the reply slot that routed copies share, the mailbox, the termination wait, the child set and
//! the watch list.
//!
//! In every ordinary build these are `std`'s (and tokio's `Notify`), re-exported as they are:
//! no wrapper, no cost. In the unit tests built with `RUSTFLAGS="--cfg loom"` they are loom's,
//! so the models in `tests/` (`loom_*.rs`) run that code under every interleaving loom explores.
//! Code elsewhere in the crate keeps `std::sync`: only what a model covers imports from here.

#[cfg(not(all(test, loom)))]
pub(crate) use std::sync::atomic::{AtomicBool, AtomicU8, AtomicUsize};
#[cfg(not(all(test, loom)))]
pub(crate) use std::sync::{Arc, Mutex, MutexGuard};
#[cfg(not(all(test, loom)))]
pub(crate) use tokio::sync::Notify;

#[cfg(all(test, loom))]
pub(crate) use loom::sync::atomic::{AtomicBool, AtomicU8, AtomicUsize};
#[cfg(all(test, loom))]
pub(crate) use loom::sync::{Arc, Mutex, MutexGuard};
#[cfg(all(test, loom))]
pub(crate) use loom_notify::Notify;

pub(crate) use std::sync::PoisonError;
pub(crate) use std::sync::atomic::Ordering;

#[cfg(all(test, loom))]
pub(crate) use loom::hint::spin_loop;
#[cfg(not(all(test, loom)))]
pub(crate) use std::hint::spin_loop;

#[cfg(all(test, loom))]
pub(crate) use loom::cell::UnsafeCell;
#[cfg(not(all(test, loom)))]
pub(crate) use std_cell::UnsafeCell;

/// `std`'s `UnsafeCell` behind loom's interface (`with_mut`), so that code written for loom's
/// (which checks every access against the other threads') builds unchanged.
#[cfg(not(all(test, loom)))]
mod std_cell {
    pub(crate) struct UnsafeCell<T>(std::cell::UnsafeCell<T>);

    impl<T> UnsafeCell<T> {
        pub(crate) const fn new(value: T) -> Self {
            UnsafeCell(std::cell::UnsafeCell::new(value))
        }

        /// Runs `f` with a pointer to the value; the caller makes sure no other access overlaps.
        #[inline(always)]
        pub(crate) fn with_mut<R>(&self, f: impl FnOnce(*mut T) -> R) -> R {
            f(self.0.get())
        }
    }
}

/// tokio's `Notify` cannot run under loom: it takes a `std` lock around the waker's clone,
/// which loom may interrupt, and the thread it switches to would block on that lock for real.
/// This stand-in keeps the part of its contract the runtime relies on, built on loom's lock:
/// a `Notified` receives every `notify_waiters` made after the `Notified` was created, whether
/// or not it had been polled yet. tokio's own loom models prove that `Notify` keeps it.
#[cfg(all(test, loom))]
mod loom_notify {
    use std::future::Future;
    use std::pin::Pin;
    use std::task::{Context, Poll, Waker};

    use super::{Mutex, MutexGuard, PoisonError};

    /// Wakes every task waiting on it.
    #[derive(Default)]
    pub(crate) struct Notify {
        state: Mutex<State>,
    }

    #[derive(Default)]
    struct State {
        /// `notify_waiters` calls so far.
        calls: usize,
        waiting: Vec<Waker>,
    }

    impl Notify {
        pub(crate) fn new() -> Self {
            Notify::default()
        }

        fn lock(&self) -> MutexGuard<'_, State> {
            self.state.lock().unwrap_or_else(PoisonError::into_inner)
        }

        /// A future that resolves on the next `notify_waiters`.
        pub(crate) fn notified(&self) -> Notified<'_> {
            Notified {
                notify: self,
                calls: self.lock().calls,
            }
        }

        /// Wakes every `Notified` made before this call.
        pub(crate) fn notify_waiters(&self) {
            let waiting = {
                let mut state = self.lock();
                state.calls += 1;
                std::mem::take(&mut state.waiting)
            };
            waiting.into_iter().for_each(Waker::wake);
        }
    }

    /// Waits for a `notify_waiters`.
    pub(crate) struct Notified<'a> {
        notify: &'a Notify,
        /// `notify_waiters` calls when this was made.
        calls: usize,
    }

    impl Notified<'_> {
        /// Whether a notification came already (tokio's also registers the future as waiting;
        /// this one waits from its creation).
        pub(crate) fn enable(self: Pin<&mut Self>) -> bool {
            self.notify.lock().calls != self.calls
        }
    }

    impl Future for Notified<'_> {
        type Output = ();

        fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
            let mut state = self.notify.lock();
            if state.calls != self.calls {
                return Poll::Ready(());
            }
            if !state.waiting.iter().any(|w| w.will_wake(cx.waker())) {
                state.waiting.push(cx.waker().clone());
            }
            Poll::Pending
        }
    }
}
