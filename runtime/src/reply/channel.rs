//! The one-shot channel an ask's answer travels through, from the reply slot (the [`Sender`])
//! to the caller (the [`Receiver`]).
//!
//! It does what tokio's `oneshot` does for one waiting caller, plus one thing that `oneshot`
//! cannot: the actor that took the request may hold a [`Watch`] on the channel, and when it
//! lets go of it (its handler returned or awaited) the caller is woken if no answer came. A
//! caller can therefore wait for the actor with no timer and no intermediate poll: it is woken
//! once, by the answer, unless the answer is late (see `send.rs`).
//!
//! The protocol: the sender writes the value into the channel and then sets `VALUE`; the
//! receiver reads it only after it saw `VALUE`. A sender that goes without a value sets
//! `TX_CLOSED`; a receiver that goes before the answer sets `RX_CLOSED`, after which the value
//! is the sender's again. Each wakes the caller through an `AtomicWaker`, which any number of
//! parties (the sender, a watch) may wake at once.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use crate::atomic_waker::AtomicWaker;
use crate::sync::{Arc, AtomicUsize, Ordering, UnsafeCell};

/// A value is in the channel.
const VALUE: usize = 1;
/// The sender went without a value.
const TX_CLOSED: usize = 2;
/// The receiver went without taking the value.
const RX_CLOSED: usize = 4;
/// Nothing more will come through the channel, or nobody waits for it.
const SETTLED: usize = VALUE | TX_CLOSED | RX_CLOSED;

/// A channel for one value, and the receiver that waits for it.
pub(crate) fn channel<T>() -> (Sender<T>, Receiver<T>) {
    let inner = Arc::new(Inner {
        state: AtomicUsize::new(0),
        waker: AtomicWaker::new(),
        value: UnsafeCell::new(None),
    });
    let sender = Sender {
        inner: Some(Arc::clone(&inner)),
    };
    (sender, Receiver { inner, done: false })
}

/// What the sender, the receiver and the watches share.
struct Inner<T> {
    state: AtomicUsize,
    /// The caller's task.
    waker: AtomicWaker,
    /// The answer: written by the sender before it sets `VALUE`, taken by the receiver after it
    /// saw `VALUE`, or taken back by the sender if it finds `RX_CLOSED` as it sets `VALUE`.
    value: UnsafeCell<Option<T>>,
}

// SAFETY: the value is moved between threads, never shared: one side at a time has it (see
// `Inner::value`), so `T: Send` is enough, as for tokio's `oneshot`.
unsafe impl<T: Send> Send for Inner<T> {}
// SAFETY: as above.
unsafe impl<T: Send> Sync for Inner<T> {}

/// The sending half: answer once with [`send`](Sender::send), or drop it to say there is no
/// answer.
pub(crate) struct Sender<T> {
    /// `None` once sent.
    inner: Option<Arc<Inner<T>>>,
}

impl<T> Sender<T> {
    /// Sends `value` and wakes the caller; gives the value back if the receiver is gone.
    pub(crate) fn send(mut self, value: T) -> Result<(), T> {
        let Some(inner) = self.inner.take() else {
            return Err(value);
        };
        // SAFETY: the receiver reads the value only after it sees `VALUE`, set below, and the
        // sender writes it only here, once.
        inner.value.with_mut(|slot| unsafe { *slot = Some(value) });
        if inner.state.fetch_or(VALUE, Ordering::AcqRel) & RX_CLOSED != 0 {
            // SAFETY: the receiver left before the value came, so it never reads it.
            let value = inner.value.with_mut(|slot| unsafe { (*slot).take() });
            return value.map_or(Ok(()), Err);
        }
        inner.waker.wake();
        Ok(())
    }

    /// Whether the receiver is gone (the caller stopped waiting).
    pub(crate) fn is_closed(&self) -> bool {
        self.inner
            .as_ref()
            .is_none_or(|inner| inner.state.load(Ordering::Acquire) & RX_CLOSED != 0)
    }
}

impl<T> Drop for Sender<T> {
    #[inline]
    fn drop(&mut self) {
        if let Some(inner) = self.inner.take() {
            close(inner);
        }
    }
}

/// A sender goes without a value: the caller learns it. Out of line, as it is rare and the
/// drop of every message that carries a sender includes it.
#[cold]
#[inline(never)]
fn close<T>(inner: Arc<Inner<T>>) {
    if inner.state.fetch_or(TX_CLOSED, Ordering::AcqRel) & RX_CLOSED == 0 {
        inner.waker.wake();
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender")
            .field("closed", &self.is_closed())
            .finish()
    }
}

/// The sender went without a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RecvError;

/// Why [`Receiver::try_recv`] has no value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TryRecvError {
    /// Not yet.
    Empty,
    /// Never: the sender went without a value (or the value was taken already).
    Closed,
}

/// The receiving half, awaited by the caller.
pub(crate) struct Receiver<T> {
    inner: Arc<Inner<T>>,
    /// The value was taken, or the sender is known to be gone: the channel is settled.
    done: bool,
}

impl<T> Receiver<T> {
    /// Registers the task to wake when the answer comes (or a watch lets go unanswered). The
    /// last waker registered is the one woken.
    pub(crate) fn register(&self, waker: &Waker) {
        self.inner.waker.register(waker);
    }

    /// The value if it is there, without registering anything.
    pub(crate) fn try_recv(&mut self) -> Result<T, TryRecvError> {
        let state = self.inner.state.load(Ordering::Acquire);
        if state & VALUE != 0 {
            self.done = true;
            // SAFETY: `VALUE` was set after the sender's write (release, acquired above), the
            // sender no longer touches the value while this receiver lives, and the receiver
            // is the only one to take it.
            let value = self.inner.value.with_mut(|slot| unsafe { (*slot).take() });
            value.ok_or(TryRecvError::Closed)
        } else if state & TX_CLOSED != 0 {
            self.done = true;
            Err(TryRecvError::Closed)
        } else {
            Err(TryRecvError::Empty)
        }
    }

    /// A watch on this channel, for the actor that takes the request.
    pub(crate) fn watch(&self) -> Watch
    where
        T: Send + 'static,
    {
        let inner = Arc::clone(&self.inner);
        #[cfg(not(all(test, loom)))]
        let channel: Erased = inner;
        #[cfg(all(test, loom))]
        let channel: Erased = Box::new(inner);
        Watch(channel)
    }
}

impl<T> Future for Receiver<T> {
    type Output = Result<T, RecvError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        match this.try_recv() {
            Ok(value) => return Poll::Ready(Ok(value)),
            Err(TryRecvError::Closed) => return Poll::Ready(Err(RecvError)),
            Err(TryRecvError::Empty) => {}
        }
        this.register(cx.waker());
        // Again: the answer may have come before the waker was in place.
        match this.try_recv() {
            Ok(value) => Poll::Ready(Ok(value)),
            Err(TryRecvError::Closed) => Poll::Ready(Err(RecvError)),
            Err(TryRecvError::Empty) => Poll::Pending,
        }
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        if !self.done {
            self.inner.state.fetch_or(RX_CLOSED, Ordering::AcqRel);
            // The caller's task need not be kept alive for a sender that may hold on for long.
            drop(self.inner.waker.take());
        }
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver")
            .field("done", &self.done)
            .finish()
    }
}

/// What a watch needs of the channel, whatever its value type.
trait Unanswered: Send + Sync {
    /// Wakes the caller unless the channel is settled.
    fn wake_if_unanswered(&self);
}

impl<T: Send> Unanswered for Inner<T> {
    fn wake_if_unanswered(&self) {
        if self.state.load(Ordering::Acquire) & SETTLED == 0 {
            self.waker.wake();
        }
    }
}

/// Under loom, whose `Arc` cannot become a trait object, the channel's `Arc` in a box.
#[cfg(all(test, loom))]
impl<T: Send> Unanswered for Arc<Inner<T>> {
    fn wake_if_unanswered(&self) {
        Inner::wake_if_unanswered(self);
    }
}

/// A channel, whatever its value type.
#[cfg(not(all(test, loom)))]
type Erased = Arc<dyn Unanswered>;
#[cfg(all(test, loom))]
type Erased = Box<dyn Unanswered>;

/// A hold on a caller waiting with no timer: dropped, it wakes the caller if no answer came, so
/// that the caller stops waiting for the actor and arms its timer.
pub(crate) struct Watch(Erased);

impl Drop for Watch {
    fn drop(&mut self) {
        self.0.wake_if_unanswered();
    }
}

impl fmt::Debug for Watch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Watch")
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::task::{Wake, Waker};

    use super::*;

    /// A waker that counts its wake-ups.
    #[derive(Default)]
    struct Count(AtomicUsize);

    impl Wake for Count {
        fn wake(self: std::sync::Arc<Self>) {
            self.0.fetch_add(1, Ordering::Relaxed);
        }
    }

    fn counting() -> (std::sync::Arc<Count>, Waker) {
        let count = std::sync::Arc::new(Count::default());
        (count.clone(), Waker::from(count))
    }

    fn poll<T>(rx: &mut Receiver<T>, waker: &Waker) -> Poll<Result<T, RecvError>> {
        Pin::new(rx).poll(&mut Context::from_waker(waker))
    }

    #[test]
    fn a_value_wakes_the_receiver_once() {
        let (count, waker) = counting();
        let (tx, mut rx) = channel::<u32>();
        assert_eq!(poll(&mut rx, &waker), Poll::Pending);
        let watch = rx.watch();
        assert_eq!(tx.send(7), Ok(()));
        drop(watch);
        assert_eq!(
            count.0.load(Ordering::Relaxed),
            1,
            "the answer, not the watch"
        );
        assert_eq!(poll(&mut rx, &waker), Poll::Ready(Ok(7)));
    }

    #[test]
    fn a_watch_let_go_unanswered_wakes_the_receiver() {
        let (count, waker) = counting();
        let (tx, mut rx) = channel::<u32>();
        assert_eq!(poll(&mut rx, &waker), Poll::Pending);
        drop(rx.watch());
        assert_eq!(count.0.load(Ordering::Relaxed), 1);
        assert_eq!(poll(&mut rx, &waker), Poll::Pending, "still no answer");
        assert_eq!(tx.send(8), Ok(()));
        assert_eq!(count.0.load(Ordering::Relaxed), 2);
        assert_eq!(poll(&mut rx, &waker), Poll::Ready(Ok(8)));
    }

    #[test]
    fn a_sender_dropped_unanswered_closes_the_channel() {
        let (count, waker) = counting();
        let (tx, mut rx) = channel::<u32>();
        assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
        rx.register(&waker);
        drop(tx);
        assert_eq!(count.0.load(Ordering::Relaxed), 1);
        assert_eq!(poll(&mut rx, &waker), Poll::Ready(Err(RecvError)));
    }

    #[test]
    fn a_send_to_a_receiver_that_left_comes_back() {
        let (tx, rx) = channel::<String>();
        let watch = rx.watch();
        drop(rx);
        assert!(tx.is_closed());
        assert_eq!(tx.send("late".into()), Err("late".into()));
        drop(watch);
    }
}
