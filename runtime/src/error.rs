//! The errors rakt returns to callers.
//!
//! Each enum says what went wrong and what the caller can do about it. Nothing here is
//! constructed by user code; handlers report their own errors through `Result` returns, which
//! reach an asking caller as [`AskError::Handler`].
//!
//! Every enum is `#[non_exhaustive]`, as are `DeadLetterReason` and `StopReason`: features to
//! come (the cluster) add causes without breaking a caller's `match`, which keeps a `_` arm.

use std::convert::Infallible;
use std::time::Duration;

/// Why a tell was not delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SendError {
    /// The actor's bounded mailbox is full and the call was not allowed to wait for room
    /// (a `try_send`). Retry later, or use the awaiting form, which waits for room.
    #[error("the actor's mailbox is full")]
    MailboxFull,
    /// The actor has stopped (or is stopping) and accepts no more messages.
    #[error("the actor is stopped")]
    Stopped,
    /// The actor lives on another node (a remote handle) and the message could not be sent
    /// there: the node is unreachable or within its reconnect backoff, the message is too
    /// large for its frames, or this node is shutting down. The message is a dead letter
    /// ([`DeadLetterReason::Remote`](crate::DeadLetterReason::Remote) says why); retry later.
    #[error("the actor's node is unreachable")]
    Unreachable,
}

/// Why an ask produced no reply value.
///
/// `E` is the error type of a handler that returns `Result<T, E>`; it is
/// [`Infallible`] for handlers that cannot fail.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AskError<E = Infallible> {
    /// The actor's bounded mailbox is full and the call was not allowed to wait for room.
    #[error("the actor's mailbox is full")]
    MailboxFull,
    /// The actor stopped before it handled the request, or was already stopped.
    #[error("the actor is stopped")]
    Stopped,
    /// No reply arrived within the ask timeout (the per-call one, or the system default).
    #[error("no reply within {0:?}")]
    Timeout(Duration),
    /// The handler panicked or otherwise failed while handling this request; the reason is the
    /// panic message. The actor itself went to its supervisor.
    #[error("the handler failed: {0}")]
    Failed(String),
    /// The handler returned `Err(E)`. The actor carries on.
    #[error("the handler returned an error: {0}")]
    Handler(E),
    /// The request was dropped without a reply: a handler dropped its deferred
    /// [`ReplySlot`](crate::ReplySlot) without answering.
    #[error("the request was dropped without a reply")]
    NoReply,
    /// The actor's current behaviour state does not handle this request, and its policy is to
    /// say so ([`Unhandled::Reply`](crate::Unhandled::Reply)) or to dead-letter it. Retry once
    /// the actor has moved to a state that handles it.
    #[error("not handled in state {state}")]
    Unhandled {
        /// The state the actor was in, rendered with `Debug`.
        state: String,
    },
    /// The actor's current state does not handle this request and its stash, where the request
    /// would have waited, is full.
    #[error("not handled in this state, and the stash is full ({capacity} messages)")]
    StashFull {
        /// The stash's capacity.
        capacity: usize,
    },
    /// The actor lives on another node (a remote handle) and the transport failed: the node
    /// could not be reached, the connection was lost or the node left while the request was
    /// out, or the peer refused it for a reason that is none of the above (the text says
    /// which). The request may or may not have been handled: delivery is at most once.
    #[error("remote: {0}")]
    Remote(String),
}

impl<E> From<SendError> for AskError<E> {
    fn from(error: SendError) -> Self {
        match error {
            SendError::MailboxFull => AskError::MailboxFull,
            SendError::Stopped => AskError::Stopped,
            SendError::Unreachable => AskError::Remote("the actor's node is unreachable".into()),
        }
    }
}

/// Why an actor could not be spawned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SpawnError {
    /// Another live actor of this system already has this name. Names are unique per system;
    /// pick another name, or stop the other actor first.
    #[error("an actor named `{0}` already exists in this system")]
    DuplicateName(String),
    /// The name is empty, too long, contains `/` or white space, or starts with `$` (reserved
    /// for anonymous actors).
    #[error("`{name}` is not a valid actor name: {reason}")]
    InvalidName {
        /// The rejected name.
        name: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The mailbox configuration is unusable (a bounded mailbox of capacity 0).
    #[error("invalid mailbox configuration: {0}")]
    InvalidMailbox(&'static str),
    /// The pool description is unusable (zero routees).
    #[error("invalid pool: {0}")]
    InvalidPool(&'static str),
    /// The system is shutting down, or the parent actor is stopping; no new actors start.
    #[error("the parent is stopping or the system is shutting down")]
    Stopping,
}

/// Why an [`ActorSystem`](crate::ActorSystem) could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The system name is empty or holds characters other than ASCII letters, digits, `-`,
    /// `_` and `.`.
    #[error("`{0}` is not a valid system name: use ASCII letters, digits, `-`, `_` and `.`")]
    InvalidSystemName(String),
    /// The default ask timeout is zero.
    #[error("the default ask timeout must be greater than zero")]
    ZeroAskTimeout,
    /// The default mailbox is a bounded mailbox of capacity 0.
    #[error("invalid default mailbox: {0}")]
    InvalidMailbox(&'static str),
    /// The event buffer is zero or larger than
    /// [`MAX_EVENT_BUFFER`](crate::MAX_EVENT_BUFFER).
    #[error("an event buffer of {0} events: it must hold between 1 and 1,048,576")]
    EventBuffer(usize),
    /// `build` was called outside a tokio runtime, or in one without its timer enabled.
    #[error("rakt needs a tokio runtime with the time driver enabled: {0}")]
    Runtime(&'static str),
    /// A feature asked for on the builder could not start (`remote`: the node could not bind
    /// its listener, or its TLS settings were refused); the system was shut down again.
    /// `Remoting::start` on a built system gives the feature's own typed error instead.
    #[error("{feature} could not start: {reason}")]
    Feature {
        /// The feature, as its builder method is named (`remote`).
        feature: &'static str,
        /// Why, in the feature's words.
        reason: String,
    },
}
