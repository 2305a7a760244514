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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
                kind: state.kind,
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
        mut make: impl FnMut() -> Option<A::Msg> + Send + 'static,
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
            let (every, times) = match state.kind {
                ScheduleKind::Once { delay } => (delay, Some(1)),
                ScheduleKind::Times { times, every } => (every, Some(times)),
                ScheduleKind::Every { every } => (every, None),
            };
            // A zero interval would spin; tokio requires a positive period.
            let every = every.max(Duration::from_millis(1));
            let mut ticks = tokio::time::interval_at(Instant::now() + every, every);
            ticks.set_missed_tick_behavior(MissedTickBehavior::Burst);
            loop {
                tokio::select! {
                    _ = ticks.tick() => {}
                    () = state.cancel.notified() => {}
                }
                if state.cancelled.load(Ordering::Acquire) {
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
