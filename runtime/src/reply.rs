//! Reply slots: the one-shot channel inside every ask message.
//!
//! An ask message carries a [`ReplySlot`]; the generated dispatch settles it with the handler's
//! return value, or a handler takes the slot as an argument and answers later from anywhere
//! (a deferred reply). Whoever holds the slot answers exactly once; dropping it unanswered tells
//! the caller [`AskError::NoReply`].

use std::convert::Infallible;
use std::fmt;

use tokio::sync::oneshot;

use crate::error::AskError;
use crate::failure::Failure;

/// What a caller waits on: the handler's value or why there is none.
pub(crate) type ReplyReceiver<T, E> = oneshot::Receiver<Result<T, AskError<E>>>;

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
#[must_use = "the caller waits until the slot is answered or dropped"]
pub struct ReplySlot<T, E = Infallible> {
    tx: oneshot::Sender<Result<T, AskError<E>>>,
}

impl<T, E> ReplySlot<T, E> {
    /// A slot and the receiver its caller waits on.
    pub(crate) fn channel() -> (Self, ReplyReceiver<T, E>) {
        let (tx, rx) = oneshot::channel();
        (ReplySlot { tx }, rx)
    }

    /// Answers with a value. Returns `false` if the caller no longer waits (it timed out or was
    /// dropped); the value is then discarded.
    pub fn send(self, value: T) -> bool {
        self.tx.send(Ok(value)).is_ok()
    }

    /// Answers with the handler's error, which the caller receives as [`AskError::Handler`].
    /// Returns `false` if the caller no longer waits.
    pub fn fail(self, error: E) -> bool {
        self.tx.send(Err(AskError::Handler(error))).is_ok()
    }

    /// Answers with a value or an error. Returns `false` if the caller no longer waits.
    pub fn send_result(self, result: Result<T, E>) -> bool {
        self.tx.send(result.map_err(AskError::Handler)).is_ok()
    }

    /// Whether the caller has stopped waiting (timed out or dropped its future).
    pub fn is_closed(&self) -> bool {
        self.tx.is_closed()
    }

    /// Settles a plain ask with the outcome of its handler. Used by generated code.
    #[doc(hidden)]
    #[inline]
    pub fn settle(self, outcome: Result<T, Failure>) -> Result<(), Failure> {
        match outcome {
            Ok(value) => {
                let _ = self.tx.send(Ok(value));
                Ok(())
            }
            Err(failure) => {
                let _ = self.tx.send(Err(AskError::Failed(failure.reason())));
                Err(failure)
            }
        }
    }

    /// Settles an ask whose handler returns `Result<T, E>`: an `Err` goes to the caller and the
    /// actor carries on; a panic is a failure. Used by generated code.
    #[doc(hidden)]
    #[inline]
    pub fn settle_result(self, outcome: Result<Result<T, E>, Failure>) -> Result<(), Failure> {
        match outcome {
            Ok(result) => {
                let _ = self.tx.send(result.map_err(AskError::Handler));
                Ok(())
            }
            Err(failure) => {
                let _ = self.tx.send(Err(AskError::Failed(failure.reason())));
                Err(failure)
            }
        }
    }

    /// Answers a request that will never be handled. Used by generated code.
    #[doc(hidden)]
    pub fn reject(self, why: Rejection) {
        let error = match why {
            Rejection::Stopped => AskError::Stopped,
            Rejection::Unhandled { state } => AskError::Unhandled { state },
            Rejection::StashFull { capacity } => AskError::StashFull { capacity },
        };
        let _ = self.tx.send(Err(error));
    }
}

impl<T, E> fmt::Debug for ReplySlot<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReplySlot")
            .field("closed", &self.tx.is_closed())
            .finish()
    }
}
