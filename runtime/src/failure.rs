//! Failures: catching what user code does wrong before it reaches the runtime, and how a
//! caught panic is reported.
//!
//! User code fails by panicking or, for hooks, by returning an error. [`catch_sync`] and
//! [`catch_async`] run every handler, hook, state factory and `Drop` of an actor's state; they
//! turn a panic into a [`Failure`], which the actor loop hands to the actor's
//! [`Supervision`](crate::Supervision) (resume, restart, stop or escalate).
//!
//! A caught panic still runs the process's panic hook, which by default prints the message (and
//! a backtrace under `RUST_BACKTRACE`). A system built with
//! [`quiet_panics`](crate::ActorSystemBuilder::quiet_panics) reports its caught panics through
//! `tracing` instead: this module installs one process-wide hook, once, that recognises them by
//! a thread-local flag (set while an actor task of a quiet system is polled) and hands every
//! other panic to the hook that was installed before it.
//!
//! This module owns the failure type, the catching and the hook; what a failure leads to is the
//! business of `supervision` and the actor loop.

use std::any::Any;
use std::backtrace::{Backtrace, BacktraceStatus};
use std::cell::Cell;
use std::error::Error;
use std::fmt;
use std::future::Future;
use std::panic::{AssertUnwindSafe, PanicHookInfo, catch_unwind};
use std::pin::Pin;
use std::sync::OnceLock;
use std::task::{Context, Poll};

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
            Err(payload) => panic_message(&*payload).to_owned(),
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

/// The text of a panic payload: a `&str` or `String` payload, or a placeholder.
fn panic_message(payload: &(dyn Any + Send)) -> &str {
    if let Some(message) = payload.downcast_ref::<&'static str>() {
        message
    } else if let Some(message) = payload.downcast_ref::<String>() {
        message
    } else {
        "panic with a non-string payload"
    }
}

/// Runs a synchronous handler body, catching a panic.
#[inline]
pub fn catch_sync<R>(f: impl FnOnce() -> R) -> Result<R, Failure> {
    catch_unwind(AssertUnwindSafe(f)).map_err(Failure::from_panic)
}

/// Runs an asynchronous handler body, catching a panic at any poll.
#[inline]
pub fn catch_async<F: Future>(fut: F) -> impl Future<Output = Result<F::Output, Failure>> {
    // Not an `async fn`: a wrapper state machine would add to every handler's future.
    AssertUnwindSafe(fut)
        .catch_unwind()
        .map(|caught| caught.map_err(Failure::from_panic))
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

thread_local! {
    /// Whether this thread is polling an actor task of a system built with `quiet_panics`.
    /// Every panic there is caught: user code runs under `catch_*` and the actor loop under
    /// its own guard, so the hook need not tell them apart (a per-handler guard would cost
    /// every message two thread-local updates).
    static QUIET_TASK: Cell<bool> = const { Cell::new(false) };
}

/// Polls `task` (an actor's task) as one of a quiet system: a panic while it is polled is
/// reported through `tracing`, not by the previous panic hook.
pub(crate) fn quiet_task<F: Future>(task: F) -> impl Future<Output = F::Output> {
    AroundPoll {
        inner: task,
        enter: QuietPoll::enter,
    }
}

/// Runs `enter` before every poll of `inner`, and drops what it returned after the poll
/// (also when the poll unwinds).
struct AroundPoll<F, E> {
    inner: F,
    enter: E,
}

impl<F: Future, E: Fn() -> D, D> Future for AroundPoll<F, E> {
    type Output = F::Output;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // SAFETY: `inner` is structurally pinned: it is never moved out of `self`, and
        // `AroundPoll` has no `Drop` impl and only the auto `Unpin` (which requires `F: Unpin`).
        let this = unsafe { self.get_unchecked_mut() };
        let _scope = (this.enter)();
        // SAFETY: as above; `this` is not moved.
        unsafe { Pin::new_unchecked(&mut this.inner) }.poll(cx)
    }
}

/// One poll of a quiet task: the thread is marked as polling a quiet task until this drops,
/// which puts back the flag the poll found.
struct QuietPoll(bool);

impl QuietPoll {
    /// Marks this thread as polling a quiet task until the returned value drops.
    fn enter() -> Self {
        QuietPoll(QUIET_TASK.with(|quiet| quiet.replace(true)))
    }
}

impl Drop for QuietPoll {
    fn drop(&mut self) {
        QUIET_TASK.with(|quiet| quiet.set(self.0));
    }
}

/// Whether a panic on this thread now is one a quiet system catches and supervises.
fn is_quiet() -> bool {
    QUIET_TASK.try_with(Cell::get).unwrap_or(false)
}

/// Set once the quiet hook is installed.
static QUIET_HOOK: OnceLock<()> = OnceLock::new();

/// Installs, once per process, the panic hook that reports the caught panics of quiet systems
/// through `tracing` and hands every other panic to the hook installed before it.
pub(crate) fn install_quiet_hook() {
    if std::thread::panicking() {
        // `take_hook` and `set_hook` may not be called while panicking; a later quiet system
        // installs it.
        return;
    }
    QUIET_HOOK.get_or_init(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if is_quiet() {
                report_quietly(info);
            } else {
                previous(info);
            }
        }));
    });
}

/// Reports a caught panic of a quiet system: a `debug` event with target `rakt::panic`, with
/// the backtrace when `RUST_BACKTRACE` asks for one.
fn report_quietly(info: &PanicHookInfo<'_>) {
    if !tracing::enabled!(target: "rakt::panic", tracing::Level::DEBUG) {
        return;
    }
    let message = panic_message(info.payload());
    let location = info
        .location()
        .map_or_else(|| "an unknown place".to_owned(), ToString::to_string);
    let backtrace = Backtrace::capture();
    if backtrace.status() == BacktraceStatus::Captured {
        tracing::debug!(
            target: "rakt::panic", %location, %backtrace,
            "supervised actor code panicked: {message}"
        );
    } else {
        tracing::debug!(
            target: "rakt::panic", %location,
            "supervised actor code panicked: {message}"
        );
    }
}

#[cfg(test)]
mod tests {
    use std::future::poll_fn;
    use std::pin::pin;
    use std::task::Waker;

    use super::*;

    /// Pending once, then ready.
    struct YieldOnce(bool);

    impl Future for YieldOnce {
        type Output = ();

        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
            if self.0 {
                return Poll::Ready(());
            }
            self.0 = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }

    /// Polls `fut` to the end on this thread.
    fn run<F: Future>(fut: F) -> F::Output {
        let mut fut = pin!(fut);
        let mut cx = Context::from_waker(Waker::noop());
        loop {
            if let Poll::Ready(output) = fut.as_mut().poll(&mut cx) {
                return output;
            }
        }
    }

    #[test]
    fn only_the_polls_of_a_quiet_task_are_quiet() {
        assert!(!catch_sync(is_quiet).unwrap(), "not in a quiet task");
        let (inside, suspended, after) = run(quiet_task(async {
            let inside = catch_sync(is_quiet).unwrap();
            let mut suspended = pin!(catch_async(async {
                let first = is_quiet();
                YieldOnce(false).await;
                first && is_quiet()
            }));
            let polled = poll_fn(|cx| Poll::Ready(suspended.as_mut().poll(cx))).await;
            assert!(polled.is_pending());
            let after = suspended.await.unwrap();
            (inside, polled.is_pending(), after)
        }));
        assert!(inside, "user code in the quiet task");
        assert!(suspended && after, "every poll of the quiet task");
        assert!(!is_quiet(), "the quiet task's poll is over");
        let other = run(async { catch_sync(is_quiet).unwrap() });
        assert!(!other, "user code of a task that is not quiet");
    }
}
