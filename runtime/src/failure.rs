//! Failures: what a handler or lifecycle hook did wrong, caught before it reaches the runtime.
//!
//! A handler fails by panicking (caught around every handler and hook) or, for tells and hooks,
//! by returning an error. The runtime turns either into a [`Failure`] and hands it to the actor's
//! supervisor; today that means the actor stops and the failure is logged.

use std::any::Any;
use std::error::Error;
use std::fmt;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};

use futures_util::FutureExt;

/// A boxed error that can cross tasks.
pub type BoxError = Box<dyn Error + Send + Sync + 'static>;

/// Why a handler or lifecycle hook failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum Failure {
    /// The code panicked; the panic message, or a placeholder for a non-string payload.
    Panicked(String),
    /// The code returned an error.
    Error(BoxError),
}

impl Failure {
    /// Builds a failure from a caught panic payload.
    pub(crate) fn from_panic(payload: Box<dyn Any + Send>) -> Self {
        let message = match payload.downcast::<String>() {
            Ok(message) => *message,
            Err(payload) => match payload.downcast::<&'static str>() {
                Ok(message) => (*message).to_owned(),
                Err(_) => "panic with a non-string payload".to_owned(),
            },
        };
        Failure::Panicked(message)
    }

    /// The failure as text: the panic message or the error's `Display`.
    pub fn reason(&self) -> String {
        match self {
            Failure::Panicked(message) => message.clone(),
            Failure::Error(error) => error.to_string(),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Panicked(message) => write!(f, "panicked: {message}"),
            Failure::Error(error) => write!(f, "failed: {error}"),
        }
    }
}

impl Error for Failure {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            Failure::Panicked(_) => None,
            Failure::Error(error) => Some(error.as_ref()),
        }
    }
}

/// Runs a synchronous handler body, catching a panic.
#[inline]
pub fn catch_sync<R>(f: impl FnOnce() -> R) -> Result<R, Failure> {
    catch_unwind(AssertUnwindSafe(f)).map_err(Failure::from_panic)
}

/// Runs an asynchronous handler body, catching a panic at any poll.
#[inline]
pub async fn catch_async<F: Future>(fut: F) -> Result<F::Output, Failure> {
    AssertUnwindSafe(fut)
        .catch_unwind()
        .await
        .map_err(Failure::from_panic)
}

/// Flattens the outcome of a lifecycle hook that returns `Result<(), E>`.
pub fn hook_outcome<E: Into<BoxError>>(
    outcome: Result<Result<(), E>, Failure>,
) -> Result<(), Failure> {
    match outcome {
        Ok(Ok(())) => Ok(()),
        Ok(Err(error)) => Err(Failure::Error(error.into())),
        Err(failure) => Err(failure),
    }
}
