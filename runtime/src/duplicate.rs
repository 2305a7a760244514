//! Copying message arguments for router pools: `Clone` where the type has it, no copy otherwise.
//!
//! A pool that sends one message to several routees (a broadcast, scatter-gather,
//! tail-chopping) asks the message for copies through the generated `Message::duplicate`. For
//! each argument it calls `(&CloneField(&arg)).__rakt_clone()` with both traits in scope
//! (autoref specialization, as in `describe`): [`CloneCopy`] is found first when `T: Clone`
//! and gives `Some(copy)`; otherwise one more autoref finds [`CloneFallback`], which gives
//! `None`, and the message is not copied. A `#[route(broadcast)]` handler's arguments must be
//! `Clone` (the macro asserts it), so a broadcast always copies.

/// One message argument, borrowed for copying.
#[doc(hidden)]
pub struct CloneField<'a, T>(pub &'a T);

/// Copies a `Clone` argument; preferred by method lookup.
#[doc(hidden)]
pub trait CloneCopy<T> {
    /// A clone of the argument.
    fn __rakt_clone(&self) -> Option<T>;
}

impl<T: Clone> CloneCopy<T> for CloneField<'_, T> {
    fn __rakt_clone(&self) -> Option<T> {
        Some(self.0.clone())
    }
}

/// Gives up on an argument that is not `Clone`; found only when [`CloneCopy`] does not apply.
#[doc(hidden)]
pub trait CloneFallback<T> {
    /// Always `None`.
    fn __rakt_clone(&self) -> Option<T>;
}

impl<T> CloneFallback<T> for &CloneField<'_, T> {
    fn __rakt_clone(&self) -> Option<T> {
        None
    }
}

/// A type a `#[route(broadcast)]` handler takes: every routee gets its own copy.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be broadcast: it does not implement `Clone`",
    label = "an argument of a `#[route(broadcast)]` handler",
    note = "every routee of a pool gets its own copy of a broadcast message: derive or implement `Clone`, or remove `#[route(broadcast)]`"
)]
pub trait Broadcastable: Clone {}

impl<T: Clone> Broadcastable for T {}

/// Asserts at compile time that a broadcast argument is `Clone`. Used by generated code.
#[doc(hidden)]
pub const fn assert_broadcastable<T: Broadcastable>() {}

#[cfg(test)]
mod tests {
    use super::*;

    struct Opaque;

    #[test]
    fn clones_what_is_clone_and_nothing_else() {
        #[allow(unused_imports)]
        use super::{CloneCopy as _, CloneFallback as _};
        assert_eq!(CloneField(&5u8).__rakt_clone(), Some(5));
        assert!((&CloneField(&Opaque)).__rakt_clone().is_none());
    }
}
