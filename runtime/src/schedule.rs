//! The scheduler: typed messages sent to an actor later, or repeatedly.
//!
//! A schedule sends its target a message once after a delay, N times at an interval, every
//! interval, or at the times a cron expression names. Repeating schedules keep a fixed rate:
//! tick `k` is due at `start + k × interval`, so a late tick does not push the later ones back;
//! a cron schedule fires each occurrence once, and skips the ones it woke too late for. Each
//! schedule returns a [`Schedule`] handle that cancels, pauses and resumes it (a paused
//! schedule skips its ticks); the system lists the live ones.
//!
//! How a schedule ends: it is cancelled, it has sent all it was to send, its target has
//! stopped (the message it could not deliver becomes a dead letter), its message factory
//! panicked (published as [`Event::ScheduleFailed`]), or the system shut down. Schedules an
//! actor sets on itself through its context end when it stops. Once
//! [`ActorSystem::shutdown`](crate::ActorSystem::shutdown) has begun, a new schedule comes back
//! already finished and never fires.
//!
//! Each schedule is one tokio task on the system's runtime, driven by tokio's clock (so tests
//! can pause time, cron schedules included). This module owns the schedules' tasks and the
//! `schedule_*` methods of the system and the context; the handles and the list of live
//! schedules are the kernel's (`timetable`). It reaches actors only through
//! [`ActorRef::deliver`].

use std::sync::atomic::Ordering;
use std::time::Duration;

use tokio::time::{Instant, MissedTickBehavior};

use crate::actor::Actor;
use crate::actor::ActorHandle;
use crate::actor_ref::ActorRef;
use crate::context::Ctx;
use crate::event::Event;
use crate::failure::catch_sync;
use crate::system::ActorSystem;
#[cfg(feature = "cron")]
use crate::timetable::ScheduleError;
use crate::timetable::{Schedule, ScheduleInfo, ScheduleKind, Schedules};

impl Schedules {
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

    /// Starts a schedule sending what `make` builds to `target` at every time the cron
    /// `expression` names, read in time zone `tz`.
    #[cfg(feature = "cron")]
    pub(crate) fn start_cron<A: Actor, Tz>(
        &self,
        target: ActorRef<A>,
        expression: &str,
        tz: Tz,
        make: impl FnMut() -> Option<A::Msg> + Send + 'static,
    ) -> Result<Schedule, ScheduleError>
    where
        Tz: chrono::TimeZone + Send + 'static,
    {
        let cron = parse_cron(expression)?;
        let after = move |from: &chrono::DateTime<chrono::Utc>| {
            next_after(&cron, &from.with_timezone(&tz)).map(|next| next.to_utc())
        };
        let kind = ScheduleKind::Cron {
            expression: expression.to_owned(),
        };
        Ok(self.run(target, kind, None, make, move || {
            Timing::Cron(Occurrences::new(Box::new(after)))
        }))
    }

    /// Registers a schedule and spawns its task: wait for `tick` (which answers `false` when
    /// the schedule has no more ticks), send, repeat. After shutdown, registers nothing and
    /// returns a finished schedule.
    fn run<A: Actor>(
        &self,
        target: ActorRef<A>,
        kind: ScheduleKind,
        times: Option<u64>,
        mut make: impl FnMut() -> Option<A::Msg> + Send + 'static,
        timing: impl FnOnce() -> Timing + Send + 'static,
    ) -> Schedule {
        let (schedule, ending) = match self.register(target.path(), kind) {
            Ok(registered) => registered,
            Err(finished) => return finished,
        };
        let runtime = target.cell.core.system.inner.runtime().clone();
        runtime.spawn(async move {
            let state = &ending.state;
            let mut timing = timing();
            loop {
                let more = tokio::select! {
                    more = timing.next() => more,
                    () = state.cancel.notified() => true,
                };
                if !more || state.finished.load(Ordering::Acquire) {
                    break;
                }
                if state.paused.load(Ordering::Acquire) {
                    continue;
                }
                let msg = match catch_sync(&mut make) {
                    Ok(Some(msg)) => msg,
                    Ok(None) => break,
                    Err(failure) => {
                        tracing::warn!(
                            schedule = state.id,
                            target_actor = %state.target,
                            %failure,
                            "a schedule's message factory failed; the schedule ends"
                        );
                        let events = &target.cell.core.system.inner.events;
                        events.publish(|| Event::ScheduleFailed {
                            id: state.id,
                            target: state.target.clone(),
                            reason: failure.reason(),
                        });
                        break;
                    }
                };
                if !target.deliver(msg) {
                    break;
                }
                let sent = state.sent.fetch_add(1, Ordering::AcqRel) + 1;
                if times.is_some_and(|times| sent >= times) {
                    break;
                }
            }
            // `ending` drops here, or with the task if the runtime drops it first.
        });
        schedule
    }
}

impl ActorSystem {
    /// Sends `msg` to `target` after `delay` (at least 1 ms). Like every schedule made once
    /// [`shutdown`](ActorSystem::shutdown) has begun, it is then finished at once.
    pub fn schedule_once<H: ActorHandle>(
        &self,
        delay: Duration,
        target: &H,
        msg: <H::Actor as Actor>::Msg,
    ) -> Schedule {
        let mut msg = Some(msg);
        self.scheduler().start(
            target.actor_ref().clone(),
            ScheduleKind::Once { delay },
            move || msg.take(),
        )
    }

    /// Sends `target` what `make` builds every `every` (fixed rate), until cancelled, the
    /// target stops, `make` panics or the system shuts down.
    pub fn schedule_every<H: ActorHandle>(
        &self,
        every: Duration,
        target: &H,
        mut make: impl FnMut() -> <H::Actor as Actor>::Msg + Send + 'static,
    ) -> Schedule {
        self.scheduler().start(
            target.actor_ref().clone(),
            ScheduleKind::Every { every },
            move || Some(make()),
        )
    }

    /// Sends `target` what `make` builds `times` times, `every` apart (fewer if it is
    /// cancelled, the target stops, `make` panics or the system shuts down).
    pub fn schedule_times<H: ActorHandle>(
        &self,
        times: u64,
        every: Duration,
        target: &H,
        mut make: impl FnMut() -> <H::Actor as Actor>::Msg + Send + 'static,
    ) -> Schedule {
        self.scheduler().start(
            target.actor_ref().clone(),
            ScheduleKind::Times { times, every },
            move || Some(make()),
        )
    }

    /// Sends `target` what `make` builds at every time the cron `expression` names, read in
    /// time zone `tz` (any `chrono` time zone: [`Utc`](crate::cron::Utc),
    /// [`Local`](crate::cron::Local), a [`FixedOffset`](crate::cron::FixedOffset), or a
    /// `chrono_tz::Tz` for daylight-saving-correct local times; [`rakt::cron`](crate::cron)
    /// re-exports the first three). Six fields with seconds, or the classic five; Quartz
    /// extensions `L`, `W` and `#` work. Each occurrence is sent once; one the schedule could
    /// not wake for in time (a busy runtime, a machine asleep) is skipped. The schedule keeps
    /// time by tokio's clock from the wall-clock time it started at (or by the wall clock
    /// where that is ahead), so it follows a paused clock in tests. Feature `cron`.
    ///
    /// ```
    /// # use rakt::prelude::*;
    /// # #[actor] #[derive(Default)] pub struct Reporter;
    /// # #[actor] impl Reporter { pub fn report(&self) {} }
    /// # async fn demo(system: &ActorSystem, reporter: &ReporterRef) -> Result<(), rakt::ScheduleError> {
    /// use rakt::cron::Utc;
    ///
    /// // Weekdays at 09:30:00 UTC.
    /// let daily = system.schedule_cron("0 30 9 * * MON-FRI", Utc, reporter, || {
    ///     ReporterMsg::Report {}
    /// })?;
    /// # daily.cancel(); Ok(()) }
    /// ```
    #[cfg(feature = "cron")]
    pub fn schedule_cron<H, Tz>(
        &self,
        expression: &str,
        tz: Tz,
        target: &H,
        mut make: impl FnMut() -> <H::Actor as Actor>::Msg + Send + 'static,
    ) -> Result<Schedule, crate::ScheduleError>
    where
        H: ActorHandle,
        Tz: crate::cron::TimeZone + Send + 'static,
    {
        self.scheduler()
            .start_cron(target.actor_ref().clone(), expression, tz, move || {
                Some(make())
            })
    }

    /// The live schedules, in the order they were made.
    pub fn schedules(&self) -> Vec<ScheduleInfo> {
        self.scheduler().list()
    }
}

impl<A: Actor> Ctx<A> {
    /// Sends this actor `msg` after `delay` (at least 1 ms); the timer ends with the actor.
    pub fn schedule_once(&mut self, delay: Duration, msg: A::Msg) -> Schedule {
        let mut msg = Some(msg);
        self.timer(ScheduleKind::Once { delay }, move || msg.take())
    }

    /// Sends this actor what `make` builds every `every` (fixed rate) until cancelled or the
    /// actor stops.
    pub fn schedule_every(
        &mut self,
        every: Duration,
        mut make: impl FnMut() -> A::Msg + Send + 'static,
    ) -> Schedule {
        self.timer(ScheduleKind::Every { every }, move || Some(make()))
    }

    /// Sends this actor what `make` builds `times` times, `every` apart; the timer ends with
    /// the actor.
    pub fn schedule_times(
        &mut self,
        times: u64,
        every: Duration,
        mut make: impl FnMut() -> A::Msg + Send + 'static,
    ) -> Schedule {
        self.timer(ScheduleKind::Times { times, every }, move || Some(make()))
    }

    fn timer(
        &mut self,
        kind: ScheduleKind,
        make: impl FnMut() -> Option<A::Msg> + Send + 'static,
    ) -> Schedule {
        let schedule = self
            .system()
            .scheduler()
            .start(self.actor_ref().clone(), kind, make);
        self.keep_timer(&schedule);
        schedule
    }
}

/// When a schedule's next tick is due.
enum Timing {
    /// A fixed-rate interval.
    Interval(tokio::time::Interval),
    /// The occurrences of a cron expression.
    #[cfg(feature = "cron")]
    Cron(Occurrences),
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
            #[cfg(feature = "cron")]
            Timing::Cron(occurrences) => occurrences.next().await,
            Timing::Never => false,
        }
    }
}

/// The next occurrence strictly after a time; `None` when there is none.
#[cfg(feature = "cron")]
type After =
    Box<dyn Fn(&chrono::DateTime<chrono::Utc>) -> Option<chrono::DateTime<chrono::Utc>> + Send>;

/// A cron schedule's occurrences, on tokio's clock.
///
/// The time is the wall clock read once, when the schedule starts, moved on by tokio's clock,
/// so that a paused clock moves it too; where the wall clock is ahead of that (it was stepped
/// forward, or the machine slept), the wall clock. Each occurrence fires once: the next one is
/// strictly after the one fired last, even if a timer wakes early, and never before now, so
/// occurrences missed while the schedule could not run are skipped, not made up in a burst.
#[cfg(feature = "cron")]
struct Occurrences {
    after: After,
    /// The wall-clock time when the schedule started, and tokio's time then.
    started: (chrono::DateTime<chrono::Utc>, Instant),
    /// The occurrence fired last.
    last: Option<chrono::DateTime<chrono::Utc>>,
}

#[cfg(feature = "cron")]
impl Occurrences {
    fn new(after: After) -> Self {
        Occurrences {
            after,
            started: (chrono::Utc::now(), Instant::now()),
            last: None,
        }
    }

    /// The time now, by the schedule's clock; `None` past the end of `chrono`'s range.
    fn now(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        let (wall, tokio) = self.started;
        let elapsed = chrono::TimeDelta::from_std(tokio.elapsed()).ok()?;
        let followed = wall.checked_add_signed(elapsed)?;
        Some(followed.max(chrono::Utc::now()))
    }

    /// The occurrence to wait for, seen at `now`.
    fn following(
        &self,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Option<chrono::DateTime<chrono::Utc>> {
        let from = self.last.map_or(now, |last| last.max(now));
        (self.after)(&from)
    }

    /// Waits for the next occurrence and counts it as fired; `false` if there is none.
    async fn next(&mut self) -> bool {
        let Some(now) = self.now() else {
            return false;
        };
        let Some(next) = self.following(now) else {
            return false;
        };
        // Negative if `now` moved past it while it was computed: then at once.
        let wait = (next - now).to_std().unwrap_or(Duration::ZERO);
        tokio::time::sleep(wait).await;
        self.last = Some(next);
        true
    }
}

/// Parses a cron expression (seconds optional, Quartz extensions `L`, `W`, `#`).
#[cfg(feature = "cron")]
fn parse_cron(expression: &str) -> Result<croner::Cron, ScheduleError> {
    croner::parser::CronParser::builder()
        .seconds(croner::parser::Seconds::Optional)
        .build()
        .parse(expression)
        .map_err(|error| ScheduleError::InvalidCron {
            expression: expression.to_owned(),
            reason: error.to_string(),
        })
}

/// The first occurrence of `cron` strictly after `from`, in `from`'s time zone; `None` if there
/// is none.
#[cfg(feature = "cron")]
fn next_after<Tz: chrono::TimeZone>(
    cron: &croner::Cron,
    from: &chrono::DateTime<Tz>,
) -> Option<chrono::DateTime<Tz>> {
    cron.find_next_occurrence(from, false).ok()
}

#[cfg(all(test, feature = "cron"))]
mod cron_tests {
    use chrono::{FixedOffset, TimeZone, Utc};

    use super::*;

    /// How long from `now` until the next occurrence of `cron`.
    fn until_next<Tz: TimeZone>(
        cron: &croner::Cron,
        now: &chrono::DateTime<Tz>,
    ) -> Option<Duration> {
        let next = next_after(cron, now)?;
        (next - now.clone()).to_std().ok()
    }

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

    fn every_second() -> Occurrences {
        let cron = parse_cron("* * * * * *").unwrap();
        Occurrences::new(Box::new(move |from| next_after(&cron, from)))
    }

    #[test]
    fn an_occurrence_fires_once_even_if_the_timer_wakes_early() {
        let mut occurrences = every_second();
        let fired = Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 5).unwrap();
        occurrences.last = Some(fired);
        // Woken 2 ms before the occurrence it has just fired: the next is a second later.
        let early = fired - chrono::TimeDelta::milliseconds(2);
        assert_eq!(
            occurrences.following(early),
            Some(fired + chrono::TimeDelta::seconds(1))
        );
        // And with no memory, the same instant gives the occurrence again.
        occurrences.last = None;
        assert_eq!(occurrences.following(early), Some(fired));
    }

    #[test]
    fn occurrences_missed_while_away_are_skipped() {
        let mut occurrences = every_second();
        let fired = Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 5).unwrap();
        occurrences.last = Some(fired);
        // Awake again ten and a half seconds later: the next is the one after now.
        let now = fired + chrono::TimeDelta::milliseconds(10_500);
        assert_eq!(
            occurrences.following(now),
            Some(fired + chrono::TimeDelta::seconds(11))
        );
    }
}
