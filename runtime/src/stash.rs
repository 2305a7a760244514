//! The stash: messages an actor sets aside to handle later, in the order they came.
//!
//! An actor stashes a message explicitly with [`Ctx::stash`](crate::Ctx::stash), or
//! automatically when its current state does not handle the message and its policy is
//! [`Unhandled::Stash`](crate::Unhandled::Stash). [`Ctx::unstash`](crate::Ctx::unstash) puts the
//! oldest stashed message back at the front of the mailbox, and
//! [`Ctx::unstash_all`](crate::Ctx::unstash_all) puts them all back, in their original order,
//! ahead of everything else queued.
//!
//! The stash is bounded (`#[actor(stash_capacity = N)]`, [`DEFAULT_STASH_CAPACITY`] otherwise):
//! a full stash gives the message back ([`StashFull`]) rather than drop it. Messages still
//! stashed when the actor stops become dead letters. A restart *keeps* the stash: its messages
//! go back to the front of the mailbox, in order, for the fresh instance (as in Akka).
//!
//! This module owns the buffer only; the actor loop moves unstashed messages into its batch.

use std::collections::VecDeque;
use std::fmt;

/// The stash capacity of an actor that does not set one.
pub const DEFAULT_STASH_CAPACITY: usize = 1024;

/// A message that did not fit in a full stash; it is given back, not dropped.
#[derive(thiserror::Error)]
#[error("the stash is full ({capacity} messages)")]
pub struct StashFull<M> {
    /// The message that was to be stashed.
    pub message: M,
    /// The stash's capacity.
    pub capacity: usize,
}

impl<M> fmt::Debug for StashFull<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StashFull")
            .field("capacity", &self.capacity)
            .finish_non_exhaustive()
    }
}

/// Stashed messages, oldest first; the first `released` of them are unstashed and wait for
/// the actor loop to put them at the front of its batch.
pub(crate) struct Stash<M> {
    messages: VecDeque<M>,
    released: usize,
}

impl<M> Default for Stash<M> {
    fn default() -> Self {
        Stash {
            messages: VecDeque::new(),
            released: 0,
        }
    }
}

impl<M> Stash<M> {
    pub(crate) fn push(&mut self, message: M, capacity: usize) -> Result<(), StashFull<M>> {
        if self.len() >= capacity {
            return Err(StashFull { message, capacity });
        }
        self.messages.push_back(message);
        Ok(())
    }

    /// How many messages are stashed and not yet released.
    pub(crate) fn len(&self) -> usize {
        self.messages.len() - self.released
    }

    /// Releases the oldest message; `false` if the stash is empty.
    pub(crate) fn release_one(&mut self) -> bool {
        let any = self.len() > 0;
        self.released += usize::from(any);
        any
    }

    /// Releases every message; how many.
    pub(crate) fn release_all(&mut self) -> usize {
        let count = self.len();
        self.released = self.messages.len();
        count
    }

    /// Puts the released messages at the front of `batch`, in order.
    pub(crate) fn requeue(&mut self, batch: &mut VecDeque<M>) {
        for message in self.messages.drain(..self.released).rev() {
            batch.push_front(message);
        }
        self.released = 0;
    }

    /// Everything still held, oldest first (the actor stops).
    pub(crate) fn drain(&mut self) -> impl Iterator<Item = M> + '_ {
        self.released = 0;
        self.messages.drain(..)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn releases_in_order_ahead_of_the_batch() {
        let mut stash = Stash::default();
        for n in 1..=3 {
            stash.push(n, 3).unwrap();
        }
        let full = stash.push(4, 3).unwrap_err();
        assert_eq!((full.message, full.capacity), (4, 3));
        assert!(stash.release_one());
        let mut batch = VecDeque::from([10, 11]);
        stash.requeue(&mut batch);
        assert_eq!(batch, [1, 10, 11]);
        assert_eq!(stash.release_all(), 2);
        stash.requeue(&mut batch);
        assert_eq!(batch, [2, 3, 1, 10, 11]);
        assert_eq!(stash.len(), 0);
        assert!(!stash.release_one());
    }
}
