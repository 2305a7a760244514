//! Rendering message arguments for dead letters: `Debug` where the type has it, `_` otherwise.
//!
//! The generated `Message::describe` calls `(&DebugField(&arg)).__rakt_render()` for each argument
//! with both traits in scope (autoref specialization). Method lookup tries the receiver type
//! `&DebugField<T>` by value first, where only [`DebugRender`] applies, and only when `T: Debug`;
//! otherwise it takes one more autoref and finds [`DebugFallback`], which renders `_`. The
//! choice is made where the call is compiled: in generic code it depends on the bounds in scope,
//! not on the type the code is later instantiated with.

use std::fmt::Debug;

/// One message argument, borrowed for rendering.
#[doc(hidden)]
pub struct DebugField<'a, T: ?Sized>(pub &'a T);

/// Renders a `Debug` argument with `{:?}`; preferred by method lookup.
#[doc(hidden)]
pub trait DebugRender {
    /// The argument formatted with `{:?}`.
    fn __rakt_render(&self) -> String;
}

impl<T: Debug + ?Sized> DebugRender for DebugField<'_, T> {
    fn __rakt_render(&self) -> String {
        format!("{:?}", self.0)
    }
}

/// Renders any argument as `_`; found by method lookup only when [`DebugRender`] does not apply.
#[doc(hidden)]
pub trait DebugFallback {
    /// Always `_`.
    fn __rakt_render(&self) -> String;
}

impl<T: ?Sized> DebugFallback for &DebugField<'_, T> {
    fn __rakt_render(&self) -> String {
        String::from("_")
    }
}
