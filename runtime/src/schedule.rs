//! The scheduler: typed messages sent to an actor later, or repeatedly.
//!
//! A schedule sends its target a message once after a delay, N times at an interval, or every
//! interval. Repeating schedules keep a fixed rate: tick `k` is due at `start + k × interval`,
//! so a late tick does not push the later ones back. Each schedule returns a [`Schedule`]
//! handle that cancels, pauses and resumes it (a paused schedule skips its ticks); the system
//! lists the live ones. A schedule whose target has stopped ends, and the message it could not
//! deliver becomes a dead letter. Schedules an actor sets on itself through its context end
//! when it stops.
//!
//! Each schedule is one tokio task on the system's runtime, driven by tokio's clock (so tests
//! can pause time).

use std::collections::BTreeMap;
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::Notify;
use tokio::time::{Instant, MissedTickBehavior};

use crate::actor::Actor;
use crate::actor_ref::{ActorPath, ActorRef};

/// When a schedule fires.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ScheduleKind {
    /// Once, after `delay`.
    Once {
        /// The delay.
        delay: Duration,
    },
    /// `times` times, `every` apart (the first after `every`).
    Times {
        /// How many messages.
        times: u64,
        /// The interval.
        every: Duration,
    },
    /// Every `every` until cancelled (the first after `every`).
    Every {
        /// The interval.
        every: Duration,
    },
    /// At the times a cron expression names, in a time zone (feature `cron`).
    Cron {
        /// The expression, as given.
        expression: String,
    },
}

/// Why a schedule could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ScheduleError {
    /// The cron expression does not parse.
    #[error("`{expression}` is not a valid cron expression: {reason}")]
    InvalidCron {
        /// The expression.
        expression: String,
        /// What the parser said.
        reason: String,
    },
}

/// A live schedule, as [`ActorSystem::schedules`](crate::ActorSystem::schedules) lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleInfo {
    /// Its id, unique within the system.
    pub id: u64,
    /// The actor it sends to.
    pub target: ActorPath,
    /// When it fires.
    pub kind: ScheduleKind,
    /// Whether it is paused.
    pub paused: bool,
    /// How many messages it has sent so far.
    pub sent: u64,
}

struct State {
    id: u64,
    target: ActorPath,
    kind: ScheduleKind,
    paused: AtomicBool,
    cancelled: AtomicBool,
    sent: AtomicU64,
    cancel: Notify,
}

/// The handle of one schedule: cancel, pause or resume it. Dropping it leaves the schedule
/// running.
#[derive(Clone)]
pub struct Schedule {
    state: Arc<State>,
}

impl Schedule {
    /// The schedule's id.
    pub fn id(&self) -> u64 {
        self.state.id
    }

    /// Stops the schedule for good; no message is sent after this returns.
    pub fn cancel(&self) {
        self.state.cancelled.store(true, Ordering::Release);
        self.state.cancel.notify_one();
    }

    /// Skips the schedule's ticks until [`resume`](Schedule::resume); the rate is kept.
    pub fn pause(&self) {
        self.state.paused.store(true, Ordering::Release);
    }

    /// Sends again from the next tick on.
    pub fn resume(&self) {
        self.state.paused.store(false, Ordering::Release);
    }

    /// Whether the schedule has ended (cancelled, done, or its target stopped).
    pub fn is_finished(&self) -> bool {
        self.state.cancelled.load(Ordering::Acquire)
    }

    /// How many messages it has sent so far.
    pub fn sent(&self) -> u64 {
        self.state.sent.load(Ordering::Acquire)
    }
}

impl fmt::Debug for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Schedule")
            .field("id", &self.state.id)
            .field("target", &self.state.target)
            .field("kind", &self.state.kind)
            .finish()
    }
}

/// A system's live schedules.
pub(crate) struct Schedules {
    next_id: AtomicU64,
    live: Arc<Mutex<BTreeMap<u64, Arc<State>>>>,
}

impl Schedules {
    pub(crate) fn new() -> Self {
        Schedules {
            next_id: AtomicU64::new(1),
            live: Arc::default(),
        }
    }

    /// The live schedules, in the order they were made.
    pub(crate) fn list(&self) -> Vec<ScheduleInfo> {
        self.live
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .values()
            .map(|state| ScheduleInfo {
                id: state.id,
                target: state.target.clone(),
                kind: state.kind.clone(),
                paused: state.paused.load(Ordering::Acquire),
                sent: state.sent.load(Ordering::Acquire),
            })
            .collect()
    }

    /// Starts a schedule sending what `make` builds to `target`; a `None` from `make` ends it.
    pub(crate) fn start<A: Actor>(
        &self,
        target: ActorRef<A>,
        kind: ScheduleKind,
        make: impl FnMut() -> Option<A::Msg> + Send + 'static,
    ) -> Schedule {
        let (every, times) = match &kind {
            ScheduleKind::Once { delay } => (*delay, Some(1)),
            ScheduleKind::Times { times, every } => (*every, Some(*times)),
            ScheduleKind::Every { every } => (*every, None),
            // Cron schedules come through `start_cron`.
            ScheduleKind::Cron { .. } => {
                return self.run(target, kind, None, make, || Timing::Never);
            }
        };
        // A zero interval would spin; tokio requires a positive period.
        let every = every.max(Duration::from_millis(1));
        // Made inside the schedule's task: a tokio timer needs the runtime, and this method
        // may be called from any thread.
        let timing = move || {
            let mut ticks = tokio::time::interval_at(Instant::now() + every, every);
            ticks.set_missed_tick_behavior(MissedTickBehavior::Burst);
            Timing::Interval(ticks)
        };
        self.run(target, kind, times, make, timing)
    }

    /// Starts a cron schedule: `next` answers how long until the next occurrence, `None` once
    /// there is none.
    #[cfg(feature = "cron")]
    pub(crate) fn start_cron<A: Actor>(
        &self,
        target: ActorRef<A>,
        expression: &str,
        next: impl FnMut() -> Option<Duration> + Send + 'static,
        make: impl FnMut() -> Option<A::Msg> + Send + 'static,
    ) -> Schedule {
        let kind = ScheduleKind::Cron {
            expression: expression.to_owned(),
        };
        self.run(target, kind, None, make, move || {
            Timing::Cron(Box::new(next))
        })
    }

    /// Registers a schedule and spawns its task: wait for `tick` (which answers `false` when
    /// the schedule has no more ticks), send, repeat.
    fn run<A: Actor>(
        &self,
        target: ActorRef<A>,
        kind: ScheduleKind,
        times: Option<u64>,
        mut make: impl FnMut() -> Option<A::Msg> + Send + 'static,
        timing: impl FnOnce() -> Timing + Send + 'static,
    ) -> Schedule {
        let state = Arc::new(State {
            id: self.next_id.fetch_add(1, Ordering::Relaxed),
            target: target.path(),
            kind,
            paused: AtomicBool::new(false),
            cancelled: AtomicBool::new(false),
            sent: AtomicU64::new(0),
            cancel: Notify::new(),
        });
        self.live
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(state.id, Arc::clone(&state));
        let live = Arc::clone(&self.live);
        let task_state = Arc::clone(&state);
        let runtime = target.cell.core.system.runtime().clone();
        runtime.spawn(async move {
            let state = task_state;
            let mut timing = timing();
            loop {
                let more = tokio::select! {
                    more = timing.next() => more,
                    () = state.cancel.notified() => true,
                };
                if !more || state.cancelled.load(Ordering::Acquire) {
                    break;
                }
                if state.paused.load(Ordering::Acquire) {
                    continue;
                }
                let Some(msg) = make() else {
                    break;
                };
                if !target.deliver(msg) {
                    break;
                }
                let sent = state.sent.fetch_add(1, Ordering::AcqRel) + 1;
                if times.is_some_and(|times| sent >= times) {
                    break;
                }
            }
            state.cancelled.store(true, Ordering::Release);
            live.lock()
                .unwrap_or_else(PoisonError::into_inner)
                .remove(&state.id);
        });
        Schedule { state }
    }
}

/// When a schedule's next tick is due.
enum Timing {
    /// A fixed-rate interval.
    Interval(tokio::time::Interval),
    /// How long until the next cron occurrence; `None` when there is none.
    #[cfg_attr(not(feature = "cron"), allow(dead_code))]
    Cron(Box<dyn FnMut() -> Option<Duration> + Send>),
    /// No ticks at all.
    Never,
}

impl Timing {
    /// Waits for the next tick; `false` if there will be none.
    async fn next(&mut self) -> bool {
        match self {
            Timing::Interval(ticks) => {
                ticks.tick().await;
                true
            }
            Timing::Cron(until_next) => match until_next() {
                Some(wait) => {
                    tokio::time::sleep(wait).await;
                    true
                }
                None => false,
            },
            Timing::Never => false,
        }
    }
}

/// Parses a cron expression (seconds optional, Quartz extensions `L`, `W`, `#`).
#[cfg(feature = "cron")]
pub(crate) fn parse_cron(expression: &str) -> Result<croner::Cron, ScheduleError> {
    croner::parser::CronParser::builder()
        .seconds(croner::parser::Seconds::Optional)
        .build()
        .parse(expression)
        .map_err(|error| ScheduleError::InvalidCron {
            expression: expression.to_owned(),
            reason: error.to_string(),
        })
}

/// How long from `now` until the next occurrence of `cron` (in `now`'s time zone).
#[cfg(feature = "cron")]
pub(crate) fn until_next<Tz: chrono::TimeZone>(
    cron: &croner::Cron,
    now: &chrono::DateTime<Tz>,
) -> Option<Duration> {
    let next = cron.find_next_occurrence(now, false).ok()?;
    (next - now.clone()).to_std().ok()
}

#[cfg(all(test, feature = "cron"))]
mod cron_tests {
    use chrono::{FixedOffset, TimeZone};

    use super::*;

    fn at(
        tz: FixedOffset,
        y: i32,
        mo: u32,
        d: u32,
        h: u32,
        mi: u32,
        s: u32,
    ) -> chrono::DateTime<FixedOffset> {
        tz.with_ymd_and_hms(y, mo, d, h, mi, s)
            .single()
            .expect("a valid time")
    }

    #[test]
    fn the_next_occurrence_is_found_in_the_given_time_zone() {
        let cron = parse_cron("0 30 9 * * MON-FRI").unwrap();
        let berlin_summer = FixedOffset::east_opt(2 * 3600).unwrap();
        // Friday 2026-11-27 09:29:50 +02:00: ten seconds to go.
        let friday = at(berlin_summer, 2026, 11, 27, 9, 29, 50);
        assert_eq!(until_next(&cron, &friday), Some(Duration::from_secs(10)));
        // Saturday: the next one is Monday 09:30.
        let saturday = at(berlin_summer, 2026, 11, 28, 12, 0, 0);
        let to_monday = (2 * 24 - 12) * 3600 + 9 * 3600 + 30 * 60;
        assert_eq!(
            until_next(&cron, &saturday),
            Some(Duration::from_secs(to_monday))
        );
    }

    #[test]
    fn seconds_are_optional_and_quartz_extensions_parse() {
        let every_minute = parse_cron("* * * * *").unwrap();
        let utc = FixedOffset::east_opt(0).unwrap();
        let now = at(utc, 2026, 1, 1, 0, 0, 30);
        assert_eq!(
            until_next(&every_minute, &now),
            Some(Duration::from_secs(30))
        );
        // The last day of the month, at noon.
        let last_day = parse_cron("0 0 12 L * *").unwrap();
        let feb = at(utc, 2026, 2, 10, 0, 0, 0);
        let to_28th = (18 * 24 + 12) * 3600;
        assert_eq!(
            until_next(&last_day, &feb),
            Some(Duration::from_secs(to_28th))
        );
    }

    #[test]
    fn a_bad_expression_is_a_typed_error() {
        let error = parse_cron("61 * * * * *").unwrap_err();
        assert!(
            matches!(error, ScheduleError::InvalidCron { ref expression, .. } if expression == "61 * * * * *")
        );
    }
}
