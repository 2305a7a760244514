//! The event stream: lifecycle events and dead letters, as the runtime publishes them.
//!
//! Every system has one stream. [`ActorSystem::events`](crate::ActorSystem::events) subscribes
//! to it as an async `Stream`. Publishing never blocks an actor: each subscriber has a bounded
//! buffer, and a subscriber that falls behind loses the oldest events, counted in
//! [`Subscription::dropped`] and logged. Nothing is built or sent while nobody subscribes.
//!
//! What is published is listed by [`Event`]: lifecycle events of actors and pools (a stop
//! with its [`StopReason`]) and dead letters. Every dead letter is also counted per system and
//! logged at `debug`, whether anybody subscribes or not.
//!
//! This module owns the event and dead-letter types, the system's publishing side
//! ([`Events`]) and the dead-letter count; the buffering and the subscriber stream are the
//! `fanout` module's, shared with topics. The places that publish (spawn, the actor loop,
//! pools, failed sends) call [`Events::publish`] and [`Events::dead_letter`].

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

use crate::fanout::{Fanout, Subscription};
use crate::id::ActorPath;

/// Something that happened in an actor system.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Event {
    /// An actor finished `pre_start` and `post_start` and handles messages from now on.
    Started {
        /// The actor.
        actor: ActorPath,
    },
    /// An actor stopped for good: its children have stopped and `post_stop` has run.
    Stopped {
        /// The actor.
        actor: ActorPath,
        /// Why it stopped.
        reason: StopReason,
    },
    /// An actor failed and was restarted with fresh state (published before its new
    /// `pre_start`).
    Restarted {
        /// The actor.
        actor: ActorPath,
        /// The failure that caused the restart.
        failure: String,
    },
    /// An actor failed and carries on with the same state (the failing message is lost).
    Resumed {
        /// The actor.
        actor: ActorPath,
        /// The failure it resumed after.
        failure: String,
    },
    /// An actor spawned a child (published before the child starts).
    ChildCreated {
        /// The parent.
        parent: ActorPath,
        /// The new child.
        child: ActorPath,
    },
    /// A message could not be delivered or handled.
    DeadLetter(Arc<DeadLetter>),
    /// A schedule ended because its message factory (user code) panicked. Its earlier messages
    /// were sent; it sends no more and is no longer listed. Other ends of a schedule are not
    /// events: the owner cancelled it, it was done, the system shut down, or its target had
    /// stopped (which the undelivered message's [`Event::DeadLetter`] tells).
    ScheduleFailed {
        /// The schedule's id ([`Schedule::id`](crate::Schedule::id)).
        id: u64,
        /// The actor it sent to.
        target: ActorPath,
        /// The panic message.
        reason: String,
    },
}

/// Why an actor stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StopReason {
    /// It was asked to stop (`stop()`, `ctx.stop()`, its parent stopping, system shutdown).
    Stopped,
    /// It was killed (`kill()`, `ctx.kill()`): what was queued was not handled.
    Killed,
    /// A handler or hook failed (panicked or returned an error) and its supervision said
    /// stop (or it could not be restarted); the reason is the failure's text.
    Failed(String),
    /// It failed again after using up its restart budget; the last failure's text.
    RestartsExhausted(String),
    /// It failed and escalated the failure to its parent; the failure's text.
    Escalated(String),
    /// It passivated: it stopped by itself, idle or after its message count.
    Passivated,
    /// A router pool whose last routee stopped (the routees' own `Stopped` events say why).
    NoRoutees,
    /// A remote actor (watched through a remote handle) whose node became unreachable, or
    /// could not be asked: its fate is unknown. The text says what failed.
    Unreachable(String),
}

/// A message that could not be delivered or handled.
#[derive(Debug, Clone)]
pub struct DeadLetter {
    /// The actor it was for.
    pub target: ActorPath,
    /// The handler it was for (`add`).
    pub message: &'static str,
    /// The message rendered with `Debug` (`add { by: 5 }`), where its types allow.
    pub rendered: Option<String>,
    /// Why it was not handled.
    pub reason: DeadLetterReason,
    /// When it was given up.
    pub at: SystemTime,
}

impl fmt::Display for DeadLetter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let message = self.rendered.as_deref().unwrap_or(self.message);
        write!(
            f,
            "dead letter to {}: {message} ({})",
            self.target, self.reason
        )
    }
}

/// Why a message became a dead letter.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DeadLetterReason {
    /// The actor had stopped (or was stopping) before it could handle the message: sent to a
    /// stopped actor, or still queued when it stopped or failed.
    Stopped,
    /// The message was still queued when the actor was killed.
    Killed,
    /// A `try_send` found the bounded mailbox full.
    MailboxFull,
    /// The actor's current behaviour state does not handle the message, and its policy is
    /// [`Unhandled::DeadLetter`](crate::Unhandled::DeadLetter) (or
    /// [`Unhandled::Reply`](crate::Unhandled::Reply) for a tell).
    Unhandled {
        /// The state, rendered with `Debug`.
        state: String,
    },
    /// The state did not handle the message, the policy is to stash it, and the stash was full.
    StashFull {
        /// The stash's capacity.
        capacity: usize,
    },
    /// A message to or from another node that could not be delivered (remoting): the node
    /// was unreachable, or the receiving node found no such actor, no such method, or a
    /// payload that does not decode.
    Remote {
        /// What went wrong.
        reason: String,
    },
}

impl fmt::Display for DeadLetterReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DeadLetterReason::Stopped => f.write_str("the actor is stopped"),
            DeadLetterReason::Killed => f.write_str("the actor was killed"),
            DeadLetterReason::MailboxFull => f.write_str("the mailbox is full"),
            DeadLetterReason::Unhandled { state } => write!(f, "not handled in state {state}"),
            DeadLetterReason::StashFull { capacity } => {
                write!(
                    f,
                    "not handled in this state, and the stash is full ({capacity})"
                )
            }
            DeadLetterReason::Remote { reason } => write!(f, "remote: {reason}"),
        }
    }
}

/// A system's publishing side.
pub(crate) struct Events {
    fanout: Fanout<Event>,
    dead_letters: AtomicU64,
}

impl Events {
    pub(crate) fn new(buffer: usize) -> Self {
        Events {
            fanout: Fanout::new(buffer),
            dead_letters: AtomicU64::new(0),
        }
    }

    /// Publishes the event `make` builds, if anybody listens.
    #[inline]
    pub(crate) fn publish(&self, make: impl FnOnce() -> Event) {
        self.fanout.publish(make);
    }

    /// Counts, logs and publishes an undeliverable message: the handler it was for, and
    /// builders for the actor's path and the message's rendering (made only if logged or
    /// published).
    pub(crate) fn dead_letter(
        &self,
        target: impl Fn() -> ActorPath,
        message: &'static str,
        rendered: impl FnOnce() -> Option<String>,
        reason: DeadLetterReason,
    ) {
        self.dead_letters.fetch_add(1, Ordering::Relaxed);
        tracing::debug!(target_actor = %target(), message, %reason, "dead letter");
        self.publish(|| {
            Event::DeadLetter(Arc::new(DeadLetter {
                target: target(),
                message,
                rendered: rendered(),
                reason,
                at: SystemTime::now(),
            }))
        });
    }

    /// How many dead letters the system has had.
    pub(crate) fn dead_letter_count(&self) -> u64 {
        self.dead_letters.load(Ordering::Relaxed)
    }

    pub(crate) fn subscribe(&self) -> EventStream {
        self.fanout.subscribe("the event stream")
    }
}

/// A subscription to a system's events; an async `Stream` of [`Event`]s.
///
/// It ends when the system is dropped. A subscriber that reads more slowly than events come
/// loses the oldest ones (the buffer is set by
/// [`ActorSystemBuilder::event_buffer`](crate::ActorSystemBuilder::event_buffer)); the count is
/// in [`Subscription::dropped`].
pub type EventStream = Subscription<Event>;
