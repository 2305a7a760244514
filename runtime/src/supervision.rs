//! Supervision: what happens to an actor when one of its handlers or hooks fails.
//!
//! Every actor runs under a [`Supervision`]: its own from
//! [`SpawnOptions::supervision`](crate::SpawnOptions::supervision), or the system's default from
//! [`ActorSystemBuilder::supervision`](crate::ActorSystemBuilder::supervision) (which itself
//! defaults to [`Supervision::stop`]). On a failure (a panic, or an error from a hook) the
//! strategy picks a [`Directive`]: resume with the same state, restart with fresh state, or
//! stop. Restarts are limited by a budget (at most N within a window) and spaced by an
//! exponential backoff; when the budget is spent the actor stops.
//!
//! This module owns the strategy and its bookkeeping; the actor loop (`runner`) carries out
//! the directive.

use std::collections::VecDeque;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use crate::failure::Failure;

/// What to do with an actor that failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Directive {
    /// Keep the state and go on with the next message; only the failing message is lost.
    Resume,
    /// Replace the state with a fresh one and go on with the next message: the old instance's
    /// `post_stop` runs, then the new one's `pre_start` and `post_start`. Queued messages stay;
    /// only the failing message is lost. Children are stopped.
    Restart,
    /// Stop the actor; queued messages become dead letters.
    Stop,
    /// Stop the actor and fail its parent with the same failure: the parent's own supervision
    /// then decides for the parent. A top-level actor has no parent to escalate to: it stops.
    Escalate,
}

type Decider = Arc<dyn Fn(&Failure) -> Option<Directive> + Send + Sync>;

/// A supervision strategy: which [`Directive`] for which failure, and the restart budget.
///
/// ```
/// use rakt::prelude::*;
///
/// #[derive(Debug, thiserror::Error)]
/// #[error("the database is gone")]
/// struct DbGone;
///
/// let strategy = Supervision::restart()
///     .on_error::<DbGone>(Directive::Stop)
///     .max_restarts(5, Duration::from_secs(60))
///     .backoff(Duration::from_millis(10), Duration::from_secs(1));
/// ```
#[derive(Clone)]
pub struct Supervision {
    all_for_one: bool,
    rules: Vec<Decider>,
    fallback: Directive,
    max_restarts: u32,
    within: Duration,
    backoff_min: Duration,
    backoff_max: Duration,
}

impl Supervision {
    fn with_fallback(fallback: Directive) -> Self {
        Supervision {
            all_for_one: false,
            rules: Vec::new(),
            fallback,
            max_restarts: 10,
            within: Duration::from_secs(60),
            backoff_min: Duration::ZERO,
            backoff_max: Duration::ZERO,
        }
    }

    /// Stop on any failure (the default).
    pub fn stop() -> Self {
        Supervision::with_fallback(Directive::Stop)
    }

    /// Restart on any failure, at most 10 times a minute, without backoff (change with
    /// [`max_restarts`](Supervision::max_restarts) and [`backoff`](Supervision::backoff)).
    pub fn restart() -> Self {
        Supervision::with_fallback(Directive::Restart)
    }

    /// Resume on any failure.
    pub fn resume() -> Self {
        Supervision::with_fallback(Directive::Resume)
    }

    /// Escalate every failure to the parent.
    pub fn escalate() -> Self {
        Supervision::with_fallback(Directive::Escalate)
    }

    /// Uses `directive` for failures that are an error of type `E` (returned by a hook);
    /// checked before the fallback, after rules added earlier.
    pub fn on_error<E: std::error::Error + 'static>(self, directive: Directive) -> Self {
        self.when(
            move |failure| match failure {
                Failure::Error(error) => error.is::<E>(),
                _ => false,
            },
            directive,
        )
    }

    /// Uses `directive` for panics.
    pub fn on_panic(self, directive: Directive) -> Self {
        self.when(|failure| matches!(failure, Failure::Panicked(_)), directive)
    }

    /// Uses `directive` for failures `matches` accepts.
    pub fn when(
        mut self,
        matches: impl Fn(&Failure) -> bool + Send + Sync + 'static,
        directive: Directive,
    ) -> Self {
        self.rules.push(Arc::new(move |failure| {
            matches(failure).then_some(directive)
        }));
        self
    }

    /// Allows at most `restarts` restarts within any `within` window; one more failure that
    /// asks for a restart stops the actor instead.
    pub fn max_restarts(mut self, restarts: u32, within: Duration) -> Self {
        self.max_restarts = restarts;
        self.within = within;
        self
    }

    /// Waits before each restart: `min` before the first of a run of restarts, doubling for
    /// each further one within the budget window, never more than `max`.
    pub fn backoff(mut self, min: Duration, max: Duration) -> Self {
        self.backoff_min = min;
        self.backoff_max = max.max(min);
        self
    }

    /// All-for-one: when the actor restarts or stops after a failure, its siblings (the other
    /// children of its parent; for a top-level actor, the other top-level actors) restart or
    /// stop with it. The default is one-for-one: only the failing actor is affected.
    pub fn all_for_one(mut self) -> Self {
        self.all_for_one = true;
        self
    }

    pub(crate) fn is_all_for_one(&self) -> bool {
        self.all_for_one
    }

    /// The directive for `failure`.
    pub fn decide(&self, failure: &Failure) -> Directive {
        self.rules
            .iter()
            .find_map(|rule| rule(failure))
            .unwrap_or(self.fallback)
    }
}

impl Default for Supervision {
    fn default() -> Self {
        Supervision::stop()
    }
}

impl fmt::Debug for Supervision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Supervision")
            .field("all_for_one", &self.all_for_one)
            .field("rules", &self.rules.len())
            .field("fallback", &self.fallback)
            .field("max_restarts", &self.max_restarts)
            .field("within", &self.within)
            .field("backoff", &(self.backoff_min, self.backoff_max))
            .finish()
    }
}

/// The restarts one actor has had, for the budget and the backoff.
pub(crate) struct RestartLog {
    recent: VecDeque<Instant>,
}

impl RestartLog {
    pub(crate) fn new() -> Self {
        RestartLog {
            recent: VecDeque::new(),
        }
    }

    /// Records a restart now, or returns `None` if the budget is spent; `Some(delay)` is the
    /// backoff to wait first.
    pub(crate) fn admit(&mut self, strategy: &Supervision) -> Option<Duration> {
        let now = Instant::now();
        while self
            .recent
            .front()
            .is_some_and(|at| now.duration_since(*at) >= strategy.within)
        {
            self.recent.pop_front();
        }
        if self.recent.len() >= strategy.max_restarts as usize {
            return None;
        }
        let doublings = u32::try_from(self.recent.len()).unwrap_or(u32::MAX).min(20);
        let delay = strategy
            .backoff_min
            .saturating_mul(1 << doublings)
            .min(strategy.backoff_max);
        self.recent.push_back(now);
        Some(delay)
    }
}
