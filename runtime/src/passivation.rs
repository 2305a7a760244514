//! Passivation: an actor that stops by itself when it is not needed.
//!
//! An actor can be set to passivate after a time without messages, after a number of messages,
//! or both; [`Passivation::never`] (a long-lived actor) opts out of a system-wide default.
//! Passivation is a graceful stop the actor starts itself, checked only between messages: a
//! message in progress is never interrupted, one that arrives as the idle timer fires is
//! handled (it is already queued) or refused with a dead letter (it came after the mailbox
//! closed), never lost silently. Children stop with the actor, watchers and the event stream
//! see [`StopReason::Passivated`](crate::StopReason::Passivated), and after a restart the idle
//! timer and the message count start afresh.

use std::time::Duration;

/// When an actor passivates (stops by itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Passivation {
    idle: Option<Duration>,
    messages: Option<u64>,
}

impl Passivation {
    /// Never: the actor lives until it is stopped (the default).
    pub const fn never() -> Self {
        Passivation {
            idle: None,
            messages: None,
        }
    }

    /// After `idle` without a message.
    pub const fn after_idle(idle: Duration) -> Self {
        Passivation {
            idle: Some(idle),
            messages: None,
        }
    }

    /// After handling `messages` messages.
    pub const fn after_messages(messages: u64) -> Self {
        Passivation {
            idle: None,
            messages: Some(messages),
        }
    }

    /// Also after handling `messages` messages, whichever comes first.
    pub const fn or_after_messages(mut self, messages: u64) -> Self {
        self.messages = Some(messages);
        self
    }

    /// The idle time, if any.
    pub const fn idle(&self) -> Option<Duration> {
        self.idle
    }

    /// The message count, if any.
    pub const fn messages(&self) -> Option<u64> {
        self.messages
    }

    /// Whether the actor ever passivates.
    pub const fn is_never(&self) -> bool {
        self.idle.is_none() && self.messages.is_none()
    }
}
