//! Reply slots: the one-shot channel inside every ask message.
//!
//! An ask message carries a [`ReplySlot`]; the generated dispatch settles it with the handler's
//! return value, or a handler takes the slot as an argument and answers later from anywhere
//! (a deferred reply). Whoever holds the slot answers exactly once; dropping it unanswered tells
//! the caller [`AskError::NoReply`].

pub(crate) mod channel;

use std::convert::Infallible;
use std::fmt;

use crate::error::AskError;
use crate::failure::Failure;
use crate::sync::{Arc, AtomicUsize, Mutex, Ordering, PoisonError};

/// What a caller waits on: the handler's value or why there is none.
pub(crate) type ReplyReceiver<T, E> = channel::Receiver<Result<T, AskError<E>>>;

/// Why a queued message was never handled.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rejection {
    /// The actor stopped (was stopped, killed, or failed) before it reached the message.
    Stopped,
    /// The actor's current behaviour state does not handle the message.
    Unhandled {
        /// The state, rendered with `Debug`.
        state: String,
    },
    /// The state does not handle the message and the stash it was to wait in is full.
    StashFull {
        /// The stash's capacity.
        capacity: usize,
    },
}

/// The sending half of an ask: answer it once with [`send`](ReplySlot::send),
/// [`send_result`](ReplySlot::send_result) or [`fail`](ReplySlot::fail).
///
/// A handler that takes a `ReplySlot<T>` (or `ReplySlot<T, E>`) argument is a *deferred* ask:
/// it may move the slot to another task or actor and return at once; the caller still gets the
/// answer, subject to its ask timeout.
///
/// A router pool that asks several routees at once (scatter-gather, tail-chopping) gives each
/// copy of the request a *shared* slot: the first answer reaches the caller and later ones are
/// discarded (their `send` returns `false`); a copy that is rejected or dropped unanswered
/// only speaks for the request if it was the last one outstanding.
#[must_use = "the caller waits until the slot is answered or dropped"]
pub struct ReplySlot<T, E = Infallible> {
    inner: Inner<T, E>,
}

type Sender<T, E> = channel::Sender<Result<T, AskError<E>>>;

// No `Drop` on `ReplySlot` itself: an answer moves the inner value out and consumes it, with
// nothing left to drop. Dropping an unanswered slot drops its sender (the caller then sees
// `NoReply`) or its shared copy (which withdraws).
enum Inner<T, E> {
    /// The one slot of an ordinary ask.
    Single(Sender<T, E>),
    /// One of several copies of a routed request.
    Shared(SharedCopy<T, E>),
    /// Only for a moment, while [`share_reply`] turns a single slot into a shared copy.
    Spent,
}

/// One copy of a routed request: it answers, or withdraws when dropped unanswered.
struct SharedCopy<T, E> {
    shared: Arc<Shared<T, E>>,
    /// Whether this copy has spoken (answered or been rejected) already.
    spoken: bool,
}

impl<T, E> SharedCopy<T, E> {
    fn new(shared: Arc<Shared<T, E>>) -> Self {
        SharedCopy {
            shared,
            spoken: false,
        }
    }

    fn answer(mut self, outcome: Result<T, AskError<E>>) -> bool {
        self.spoken = true;
        self.shared.answer(outcome)
    }

    fn withdraw(mut self, error: AskError<E>) {
        self.spoken = true;
        self.shared.withdraw(error);
    }
}

impl<T, E> Drop for SharedCopy<T, E> {
    fn drop(&mut self) {
        // A copy dropped unanswered says so only if no other copy is still out.
        if !self.spoken {
            self.shared.withdraw(AskError::NoReply);
        }
    }
}

/// What the copies of a routed request share.
struct Shared<T, E> {
    tx: Mutex<Option<Sender<T, E>>>,
    /// Copies not yet answered, rejected or dropped.
    outstanding: AtomicUsize,
}

impl<T, E> Shared<T, E> {
    fn take(&self) -> Option<Sender<T, E>> {
        self.tx
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }

    /// An answer: the first one reaches the caller.
    fn answer(&self, outcome: Result<T, AskError<E>>) -> bool {
        // The sender is taken before this copy counts itself out: a copy that withdraws and
        // finds itself the last one out then finds the sender gone, and cannot speak over
        // an answer in flight.
        let tx = self.take();
        self.outstanding.fetch_sub(1, Ordering::AcqRel);
        tx.is_some_and(|tx| tx.send(outcome).is_ok())
    }

    /// A copy that will not answer: it speaks for the request only if it was the last one.
    fn withdraw(&self, error: AskError<E>) {
        if self.outstanding.fetch_sub(1, Ordering::AcqRel) == 1
            && let Some(tx) = self.take()
        {
            let _ = tx.send(Err(error));
        }
    }

    fn is_closed(&self) -> bool {
        self.tx
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .is_none_or(channel::Sender::is_closed)
    }
}

impl<T, E> ReplySlot<T, E> {
    /// A slot and the receiver its caller waits on.
    pub(crate) fn channel() -> (Self, ReplyReceiver<T, E>) {
        let (tx, rx) = channel::channel();
        (
            ReplySlot {
                inner: Inner::Single(tx),
            },
            rx,
        )
    }

    #[inline]
    fn take(&mut self) -> Inner<T, E> {
        std::mem::replace(&mut self.inner, Inner::Spent)
    }

    /// Delivers an answer; `false` if nobody receives it.
    #[inline]
    pub(crate) fn deliver(self, outcome: Result<T, AskError<E>>) -> bool {
        match self.inner {
            Inner::Single(tx) => tx.send(outcome).is_ok(),
            Inner::Shared(copy) => copy.answer(outcome),
            Inner::Spent => false,
        }
    }

    /// Answers with a value. Returns `false` if the caller no longer waits (it timed out or was
    /// dropped, or another routee answered first); the value is then discarded.
    pub fn send(self, value: T) -> bool {
        self.deliver(Ok(value))
    }

    /// Answers with the handler's error, which the caller receives as [`AskError::Handler`].
    /// Returns `false` if the caller no longer waits.
    pub fn fail(self, error: E) -> bool {
        self.deliver(Err(AskError::Handler(error)))
    }

    /// Answers with a value or an error. Returns `false` if the caller no longer waits.
    pub fn send_result(self, result: Result<T, E>) -> bool {
        self.deliver(result.map_err(AskError::Handler))
    }

    /// Whether the caller has stopped waiting (timed out or dropped its future), or another
    /// copy of a routed request has been answered already.
    pub fn is_closed(&self) -> bool {
        match &self.inner {
            Inner::Single(tx) => tx.is_closed(),
            Inner::Shared(copy) => copy.shared.is_closed(),
            Inner::Spent => true,
        }
    }
}

/// Another slot for the same caller as `slot`, for a copy of the request sent to another
/// routee: the first answer through either slot wins. Used by generated code, through
/// `__private`.
pub fn share_reply<T, E>(slot: &mut ReplySlot<T, E>) -> ReplySlot<T, E> {
    let shared = match slot.take() {
        Inner::Single(tx) => {
            let shared = Arc::new(Shared {
                tx: Mutex::new(Some(tx)),
                outstanding: AtomicUsize::new(1),
            });
            slot.inner = Inner::Shared(SharedCopy::new(Arc::clone(&shared)));
            shared
        }
        Inner::Shared(copy) => {
            let shared = Arc::clone(&copy.shared);
            slot.inner = Inner::Shared(copy);
            shared
        }
        Inner::Spent => {
            return ReplySlot {
                inner: Inner::Spent,
            };
        }
    };
    shared.outstanding.fetch_add(1, Ordering::AcqRel);
    ReplySlot {
        inner: Inner::Shared(SharedCopy::new(shared)),
    }
}

/// Settles a plain ask with the outcome of its handler. Used by generated code, through
/// `__private`.
#[inline]
pub fn settle<T, E>(slot: ReplySlot<T, E>, outcome: Result<T, Failure>) -> Result<(), Failure> {
    match outcome {
        Ok(value) => {
            slot.deliver(Ok(value));
            Ok(())
        }
        Err(failure) => {
            slot.deliver(Err(AskError::Failed(failure.reason())));
            Err(failure)
        }
    }
}

/// Settles an ask whose handler returns `Result<T, E>`: an `Err` goes to the caller and the
/// actor carries on; a panic is a failure. Used by generated code, through `__private`.
#[inline]
pub fn settle_result<T, E>(
    slot: ReplySlot<T, E>,
    outcome: Result<Result<T, E>, Failure>,
) -> Result<(), Failure> {
    match outcome {
        Ok(result) => {
            slot.deliver(result.map_err(AskError::Handler));
            Ok(())
        }
        Err(failure) => {
            slot.deliver(Err(AskError::Failed(failure.reason())));
            Err(failure)
        }
    }
}

/// Answers a request that will never be handled. Used by generated code, through `__private`.
pub fn reject_reply<T, E>(slot: ReplySlot<T, E>, why: Rejection) {
    let error = rejection_error(why);
    match slot.inner {
        Inner::Single(tx) => {
            let _ = tx.send(Err(error));
        }
        Inner::Shared(copy) => copy.withdraw(error),
        Inner::Spent => {}
    }
}

/// The error a caller gets for a request that will never be handled.
pub(crate) fn rejection_error<E>(why: Rejection) -> AskError<E> {
    match why {
        Rejection::Stopped => AskError::Stopped,
        Rejection::Unhandled { state } => AskError::Unhandled { state },
        Rejection::StashFull { capacity } => AskError::StashFull { capacity },
    }
}

impl<T, E> fmt::Debug for ReplySlot<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReplySlot")
            .field("closed", &self.is_closed())
            .field("shared", &matches!(self.inner, Inner::Shared(_)))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_answer_of_shared_copies_wins() {
        let (mut slot, mut rx) = ReplySlot::<u32>::channel();
        let copy = share_reply(&mut slot);
        let late = share_reply(&mut slot);
        assert!(copy.send(1));
        assert!(slot.is_closed(), "answered through another copy");
        assert!(!late.send(2));
        assert_eq!(rx.try_recv().unwrap(), Ok(1));
    }

    #[test]
    fn a_rejected_copy_speaks_only_if_it_was_the_last() {
        let (mut slot, mut rx) = ReplySlot::<u32>::channel();
        let copy = share_reply(&mut slot);
        reject_reply(slot, Rejection::Stopped);
        assert!(rx.try_recv().is_err(), "another copy is still out");
        drop(copy);
        assert_eq!(rx.try_recv().unwrap(), Err(AskError::NoReply));
    }

    #[test]
    fn a_copy_answers_after_the_others_withdrew() {
        let (mut slot, mut rx) = ReplySlot::<u32>::channel();
        let copy = share_reply(&mut slot);
        drop(slot);
        assert!(copy.send(7));
        assert_eq!(rx.try_recv().unwrap(), Ok(7));
    }
}
