//! Fresh state for restarts: `Default` where the actor type has it.
//!
//! The generated `Actor::fresh` calls `(&Fresh::<Self>::new()).__rakt_fresh()` with both traits
//! in scope (autoref specialization): method lookup takes [`FreshDefault`] when the actor type
//! is `Default`, else [`FreshNone`], which answers `None`. The choice is made where the impl is
//! compiled, so a generic actor whose impl bounds do not prove `Default` gets `None`.

use std::marker::PhantomData;

/// The actor type whose fresh state is wanted.
#[doc(hidden)]
pub struct Fresh<T>(PhantomData<fn() -> T>);

impl<T> Fresh<T> {
    /// A probe for `T`.
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        Fresh(PhantomData)
    }
}

/// `T::default()`; preferred by method lookup.
#[doc(hidden)]
pub trait FreshDefault<T> {
    /// A fresh `T`.
    fn __rakt_fresh(&self) -> Option<T>;
}

impl<T: Default> FreshDefault<T> for Fresh<T> {
    fn __rakt_fresh(&self) -> Option<T> {
        Some(T::default())
    }
}

/// No fresh state; found only when [`FreshDefault`] does not apply.
#[doc(hidden)]
pub trait FreshNone<T> {
    /// Always `None`.
    fn __rakt_fresh(&self) -> Option<T>;
}

impl<T> FreshNone<T> for &Fresh<T> {
    fn __rakt_fresh(&self) -> Option<T> {
        None
    }
}
