//! The live schedules of a system and their handles: what a schedule is, how it is listed,
//! cancelled, paused and resumed, and how shutdown ends them all.
//!
//! A leaf under the kernel: it knows no actors. The tasks that fire schedules and the
//! `schedule_*` methods live in the `schedule` feature, which registers them here.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::sync::Notify;

use crate::id::ActorPath;

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

pub(crate) struct State {
    pub(crate) id: u64,
    pub(crate) target: ActorPath,
    pub(crate) kind: ScheduleKind,
    pub(crate) paused: AtomicBool,
    /// Cancelled, done, or ended by its target, its factory or the system's shutdown.
    pub(crate) finished: AtomicBool,
    pub(crate) sent: AtomicU64,
    pub(crate) cancel: Notify,
}

impl State {
    fn finish(&self) {
        self.finished.store(true, Ordering::Release);
        self.cancel.notify_one();
    }
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
        self.state.finish();
    }

    /// Skips the schedule's ticks until [`resume`](Schedule::resume); the rate is kept.
    pub fn pause(&self) {
        self.state.paused.store(true, Ordering::Release);
    }

    /// Sends again from the next tick on.
    pub fn resume(&self) {
        self.state.paused.store(false, Ordering::Release);
    }

    /// Whether the schedule has ended: cancelled, done, its target stopped, its message
    /// factory panicked, or the system shut down (also before it was made).
    pub fn is_finished(&self) -> bool {
        self.state.finished.load(Ordering::Acquire)
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
    live: Arc<Mutex<Live>>,
}

#[derive(Default)]
struct Live {
    /// Set when the system shuts down: no schedule starts from then on.
    closed: bool,
    by_id: BTreeMap<u64, Arc<State>>,
}

fn lock(live: &Mutex<Live>) -> MutexGuard<'_, Live> {
    live.lock().unwrap_or_else(PoisonError::into_inner)
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
        lock(&self.live)
            .by_id
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

    /// Ends every schedule, and every one started from now on (the system is shutting down).
    pub(crate) fn close(&self) {
        let ended = {
            let mut live = lock(&self.live);
            live.closed = true;
            std::mem::take(&mut live.by_id)
        };
        for state in ended.values() {
            state.finish();
        }
    }

    /// Registers a schedule of `kind` to `target`; `Err` with an already finished schedule once
    /// the system has begun to shut down. The `Ending` takes it off the list when dropped.
    pub(crate) fn register(
        &self,
        target: ActorPath,
        kind: ScheduleKind,
    ) -> Result<(Schedule, Ending), Schedule> {
        let state = Arc::new(State {
            id: self.next_id.fetch_add(1, Ordering::Relaxed),
            target,
            kind,
            paused: AtomicBool::new(false),
            finished: AtomicBool::new(false),
            sent: AtomicU64::new(0),
            cancel: Notify::new(),
        });
        let mut live = lock(&self.live);
        if live.closed {
            state.finished.store(true, Ordering::Release);
            return Err(Schedule { state });
        }
        live.by_id.insert(state.id, Arc::clone(&state));
        drop(live);
        let ending = Ending {
            state: Arc::clone(&state),
            live: Arc::clone(&self.live),
        };
        Ok((Schedule { state }, ending))
    }
}

/// Ends a schedule when its task ends, however it ends (its loop is done, it panicked, or the
/// runtime dropped it): marks it finished and takes it off the list.
pub(crate) struct Ending {
    pub(crate) state: Arc<State>,
    live: Arc<Mutex<Live>>,
}

impl Drop for Ending {
    fn drop(&mut self) {
        self.state.finished.store(true, Ordering::Release);
        lock(&self.live).by_id.remove(&self.state.id);
    }
}
