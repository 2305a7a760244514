//! Behaviours: an actor as a finite state machine, Akka's `State × Event → Actions, State'`.
//!
//! An actor declares a state type and which states each handler belongs to
//! (`#[actor(states = LoginState, initial = Authenticating)]` on the impl block, `#[state(..)]`
//! on handlers). The generated dispatch checks the current state before it takes a message
//! apart; a message the state does not handle goes to the actor's [`Unhandled`] policy intact.
//!
//! This module owns the state types and the behaviour stack kept in the actor's
//! [`Ctx`](crate::Ctx): [`become_state`](crate::Ctx::become_state) replaces the current state,
//! [`become_stacked`](crate::Ctx::become_stacked) pushes it, and
//! [`unbecome`](crate::Ctx::unbecome) pops back. A restart returns the actor to its initial state
//! with an empty stack. It does not touch the mailbox or the stash (the `stash` module owns that).

use std::fmt::Debug;

/// A type that can be an actor's behaviour state: `Debug` (it is named in errors and dead
/// letters), `Send` and `'static`. Implemented for every such type.
///
/// Handlers name states by variant (`#[state(Authenticated)]`), so the state type is normally an
/// `enum`. A variant may carry data (`Authenticated { user: String }`, `Locked(u32)`): the
/// handlers of that state read it through [`Ctx::state`](crate::Ctx::state), and
/// `#[state(Authenticated)]` matches the variant whatever it holds. Data that every state
/// shares lives in the actor's own fields.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be an actor's state",
    label = "not usable as a state",
    note = "an actor's state type must be `Debug + Send + 'static`; a `#[derive(Debug)] enum` is the usual choice"
)]
pub trait State: Debug + Send + 'static {}

impl<T: Debug + Send + 'static> State for T {}

/// What happens to a message that the actor's current state does not handle.
///
/// Chosen per actor with `#[actor(unhandled = stash | dead_letter | reply)]` on the impl block;
/// [`Unhandled::DeadLetter`] when not given. Under every policy an ask gets an answer and
/// nothing is dropped silently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Unhandled {
    /// Kept in the actor's stash, to be unstashed (in order) once the state changes; if the
    /// stash is full, the message becomes a dead letter and an ask answers
    /// [`AskError::StashFull`](crate::AskError::StashFull).
    Stash,
    /// Published as a [`DeadLetter`](crate::DeadLetter) with reason
    /// [`DeadLetterReason::Unhandled`](crate::DeadLetterReason::Unhandled); an ask answers
    /// [`AskError::Unhandled`](crate::AskError::Unhandled).
    #[default]
    DeadLetter,
    /// An ask answers [`AskError::Unhandled`](crate::AskError::Unhandled) at once, with no dead
    /// letter; a tell has nobody to answer and becomes a dead letter.
    Reply,
}

/// Why [`Ctx::unbecome`](crate::Ctx::unbecome) could not go back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BehaviourError {
    /// No state was pushed with [`become_stacked`](crate::Ctx::become_stacked); the current
    /// state stays as it is.
    #[error("the behaviour stack is empty: nothing to unbecome to")]
    EmptyStack,
}

/// The current state and the states pushed under it.
pub(crate) struct Behaviour<S> {
    current: S,
    /// Boxed on first push: most actors never stack, and this lives in every actor's task
    /// (one word instead of a `Vec`'s three).
    #[allow(clippy::box_collection)]
    stack: Option<Box<Vec<S>>>,
}

impl<S: State> Behaviour<S> {
    pub(crate) fn new(initial: S) -> Self {
        Behaviour {
            current: initial,
            stack: None,
        }
    }

    #[inline]
    pub(crate) fn current(&self) -> &S {
        &self.current
    }

    pub(crate) fn replace(&mut self, next: S) -> S {
        std::mem::replace(&mut self.current, next)
    }

    pub(crate) fn push(&mut self, next: S) {
        let previous = std::mem::replace(&mut self.current, next);
        self.stack.get_or_insert_with(Box::default).push(previous);
    }

    pub(crate) fn pop(&mut self) -> Result<S, BehaviourError> {
        let previous = self
            .stack
            .as_mut()
            .and_then(|stack| stack.pop())
            .ok_or(BehaviourError::EmptyStack)?;
        Ok(std::mem::replace(&mut self.current, previous))
    }

    pub(crate) fn depth(&self) -> usize {
        self.stack.as_ref().map_or(0, |stack| stack.len())
    }

    /// Back to `initial` with an empty stack (a restart).
    pub(crate) fn reset(&mut self, initial: S) {
        self.current = initial;
        self.stack = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stacks_and_unbecomes_in_order() {
        let mut b = Behaviour::new(1);
        b.push(2);
        b.push(3);
        assert_eq!((*b.current(), b.depth()), (3, 2));
        assert_eq!(b.replace(4), 3);
        assert_eq!(b.pop(), Ok(4));
        assert_eq!(*b.current(), 2);
        assert_eq!(b.pop(), Ok(2));
        assert_eq!(b.pop(), Err(BehaviourError::EmptyStack));
        assert_eq!(*b.current(), 1);
        b.push(5);
        b.reset(0);
        assert_eq!((*b.current(), b.depth()), (0, 0));
    }
}
