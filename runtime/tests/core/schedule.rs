//! The scheduler, on tokio's paused clock (but for a schedule made outside the runtime).

use rakt::prelude::*;
use rakt::{ScheduleKind, SendError};
use tokio::time::{Instant, sleep};

use crate::actors::{
    Counter, CounterMsg, CounterRef, Ticker, TickerMsg, TickerRef, ms, next_event,
};

#[tokio::test(start_paused = true)]
async fn once_fires_after_the_delay() {
    let system = ActorSystem::builder("once").build().await.unwrap();
    let counter: CounterRef = system.spawn_anonymous(Counter::default()).await.unwrap();
    let schedule = system.schedule_once(ms(100), &counter, CounterMsg::Add { by: 5 });
    sleep(ms(99)).await;
    assert_eq!(counter.total().await, Ok(0));
    sleep(ms(2)).await;
    assert_eq!(counter.total().await, Ok(5));
    assert!(schedule.is_finished());
    assert_eq!(schedule.sent(), 1);
    system.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn times_sends_exactly_n_and_every_keeps_a_fixed_rate() {
    let system = ActorSystem::builder("rate").build().await.unwrap();
    let counter: CounterRef = system.spawn_anonymous(Counter::default()).await.unwrap();
    system.schedule_times(3, ms(50), &counter, || CounterMsg::Add { by: 1 });
    sleep(ms(1000)).await;
    assert_eq!(counter.total().await, Ok(3));

    // Each tick keeps the actor busy for 30 ms; the ticks still come every 100 ms.
    let ticker: TickerRef = system.spawn_anonymous(Ticker::default()).await.unwrap();
    ticker.set_busy(ms(30)).await.unwrap();
    let start = Instant::now();
    let every = system.schedule_every(ms(100), &ticker, || TickerMsg::Tick {});
    sleep(ms(450)).await;
    every.cancel();
    let offsets: Vec<Duration> = ticker
        .ticks()
        .await
        .unwrap()
        .into_iter()
        .map(|at| at - start)
        .collect();
    assert_eq!(offsets, [ms(100), ms(200), ms(300), ms(400)]);
    system.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn a_schedule_can_be_paused_resumed_cancelled_and_listed() {
    let system = ActorSystem::builder("control").build().await.unwrap();
    let counter: CounterRef = system.spawn("target", Counter::default()).await.unwrap();
    let schedule = system.schedule_every(ms(10), &counter, || CounterMsg::Add { by: 1 });
    sleep(ms(35)).await;
    assert_eq!(counter.total().await, Ok(3));
    schedule.pause();
    let listed = system.schedules();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, schedule.id());
    assert_eq!(listed[0].target.as_str(), "rakt://control/user/target");
    assert_eq!(listed[0].kind, ScheduleKind::Every { every: ms(10) });
    assert!(listed[0].paused);
    sleep(ms(100)).await;
    assert_eq!(counter.total().await, Ok(3), "paused");
    schedule.resume();
    sleep(ms(20)).await;
    assert_eq!(counter.total().await, Ok(5), "resumed at the same rate");
    schedule.cancel();
    sleep(ms(100)).await;
    assert_eq!(counter.total().await, Ok(5), "cancelled");
    assert!(schedule.is_finished());
    assert!(system.schedules().is_empty());
    system.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn a_schedule_to_a_stopped_actor_ends_with_a_dead_letter() {
    let system = ActorSystem::builder("stopped-target")
        .build()
        .await
        .unwrap();
    let counter: CounterRef = system.spawn_anonymous(Counter::default()).await.unwrap();
    let schedule = system.schedule_every(ms(10), &counter, || CounterMsg::Add { by: 1 });
    sleep(ms(25)).await;
    counter.stop().await;
    sleep(ms(50)).await;
    assert!(schedule.is_finished());
    assert_eq!(schedule.sent(), 2);
    assert_eq!(system.dead_letter_count(), 1);
    assert!(system.schedules().is_empty());
    assert_eq!(counter.add(1).await, Err(SendError::Stopped));
    system.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn timers_an_actor_sets_on_itself_die_with_it() {
    let system = ActorSystem::builder("own-timers").build().await.unwrap();
    let ticker: TickerRef = system.spawn_anonymous(Ticker::default()).await.unwrap();
    let id = ticker.start_ticking(ms(10)).await.unwrap();
    sleep(ms(55)).await;
    assert_eq!(ticker.ticks().await.unwrap().len(), 5);
    assert_eq!(system.schedules()[0].id, id);
    ticker.stop().await;
    sleep(ms(50)).await;
    assert!(system.schedules().is_empty());
    assert_eq!(
        system.dead_letter_count(),
        0,
        "cancelled with the actor, not dead-lettered"
    );
    system.shutdown().await;
}

#[cfg(feature = "cron")]
#[tokio::test]
async fn a_cron_schedule_is_checked_listed_and_cancelled() {
    use rakt::cron::Utc;
    let system = ActorSystem::builder("cron").build().await.unwrap();
    let counter: CounterRef = system.spawn("c", Counter::default()).await.unwrap();
    let bad = system.schedule_cron("not cron", Utc, &counter, || CounterMsg::Add { by: 1 });
    assert!(matches!(bad, Err(rakt::ScheduleError::InvalidCron { .. })));
    let yearly = system
        .schedule_cron("0 0 0 1 1 *", Utc, &counter, || CounterMsg::Add { by: 1 })
        .unwrap();
    let listed = system.schedules();
    assert_eq!(
        listed[0].kind,
        ScheduleKind::Cron {
            expression: "0 0 0 1 1 *".into()
        }
    );
    yearly.cancel();
    for _ in 0..100 {
        if system.schedules().is_empty() {
            break;
        }
        tokio::task::yield_now().await;
    }
    assert!(system.schedules().is_empty());
    assert!(yearly.is_finished());
    system.shutdown().await;
}

/// Defect 6: the next occurrence used to be computed from the wall clock after each sleep, so
/// on the paused clock (where the wall clock hardly moves) the same occurrence fired again and
/// again.
#[cfg(feature = "cron")]
#[tokio::test(start_paused = true)]
async fn a_cron_schedule_fires_each_occurrence_once_on_the_paused_clock() {
    use rakt::cron::Utc;
    let system = ActorSystem::builder("cron-paused").build().await.unwrap();
    let ticker: TickerRef = system.spawn_anonymous(Ticker::default()).await.unwrap();
    // Once a minute, at the second half a minute from now: far from any boundary, whatever
    // the wall clock says when the test runs.
    let second = Utc::now().timestamp().rem_euclid(60);
    let expression = format!("{} * * * * *", (second + 30) % 60);
    let start = Instant::now();
    let schedule = system
        .schedule_cron(&expression, Utc, &ticker, || TickerMsg::Tick {})
        .unwrap();
    sleep(Duration::from_secs(10 * 60)).await;
    let ticks: Vec<Duration> = ticker
        .ticks()
        .await
        .unwrap()
        .into_iter()
        .map(|at| at - start)
        .collect();
    assert_eq!(ticks.len(), 10, "one tick a minute: {ticks:?}");
    assert_eq!(schedule.sent(), 10);
    assert!(
        (Duration::from_secs(29)..=Duration::from_secs(31)).contains(&ticks[0]),
        "the first occurrence is half a minute away: {ticks:?}"
    );
    for pair in ticks.windows(2) {
        let gap = pair[1] - pair[0];
        assert!(
            (ms(59_999)..=ms(60_001)).contains(&gap),
            "a minute apart: {ticks:?}"
        );
    }
    system.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_schedule_can_be_made_from_a_thread_outside_the_runtime() {
    let system = ActorSystem::builder("foreign").build().await.unwrap();
    let mut events = system.events();
    let counter: CounterRef = system.spawn_anonymous(Counter::default()).await.unwrap();
    let (from, to) = (system.clone(), counter.clone());
    // The scheduled message stops the counter: its `Stopped` event says it arrived.
    std::thread::spawn(move || from.schedule_once(ms(1), &to, CounterMsg::Quit {}))
        .join()
        .expect("no panic outside the runtime");
    let stopped = next_event(&mut events, |e| matches!(e, Event::Stopped { .. })).await;
    assert!(matches!(
        stopped,
        Event::Stopped { ref actor, reason: StopReason::Stopped } if *actor == counter.path()
    ));
    system.shutdown().await;
}

/// Defect 7: a factory that panicked killed the schedule's task but left the schedule listed
/// and unfinished.
#[tokio::test(start_paused = true)]
async fn a_schedule_whose_factory_panics_ends_and_says_why() {
    let system = ActorSystem::builder("factory-panics")
        .build()
        .await
        .unwrap();
    let mut events = system.events();
    let counter: CounterRef = system.spawn("target", Counter::default()).await.unwrap();
    let mut made = 0;
    let schedule = system.schedule_every(ms(10), &counter, move || {
        made += 1;
        assert!(made < 3, "no third message");
        CounterMsg::Add { by: 1 }
    });
    sleep(ms(35)).await;
    assert!(schedule.is_finished());
    assert_eq!(schedule.sent(), 2);
    assert!(system.schedules().is_empty());
    assert_eq!(counter.total().await, Ok(2));
    let failed = next_event(&mut events, |e| matches!(e, Event::ScheduleFailed { .. })).await;
    let Event::ScheduleFailed { id, target, reason } = failed else {
        unreachable!()
    };
    assert_eq!(id, schedule.id());
    assert_eq!(target.as_str(), "rakt://factory-panics/user/target");
    assert_eq!(reason, "no third message");
    system.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn shutdown_ends_every_schedule_and_refuses_new_ones() {
    let system = ActorSystem::builder("shutdown-schedules")
        .build()
        .await
        .unwrap();
    let counter: CounterRef = system.spawn_anonymous(Counter::default()).await.unwrap();
    let ticker: TickerRef = system.spawn_anonymous(Ticker::default()).await.unwrap();
    let hourly = system.schedule_every(Duration::from_secs(3600), &counter, || CounterMsg::Add {
        by: 1,
    });
    ticker
        .start_ticking(Duration::from_secs(3600))
        .await
        .unwrap();
    assert_eq!(system.schedules().len(), 2);
    system.shutdown().await;
    assert!(hourly.is_finished());
    assert!(system.schedules().is_empty(), "{:?}", system.schedules());
    let late = system.schedule_once(ms(10), &counter, CounterMsg::Add { by: 1 });
    assert!(late.is_finished(), "no schedule starts after shutdown");
    assert!(system.schedules().is_empty());
    sleep(ms(20)).await;
    assert_eq!(late.sent(), 0);
    assert_eq!(system.dead_letter_count(), 0, "nothing was even tried");
}

#[tokio::test(start_paused = true)]
async fn after_shutdown_no_schedule_keeps_the_system_alive() {
    use futures_util::StreamExt;
    let system = ActorSystem::builder("shutdown-alive")
        .build()
        .await
        .unwrap();
    let mut events = system.events();
    let counter: CounterRef = system.spawn_anonymous(Counter::default()).await.unwrap();
    system.schedule_every(Duration::from_secs(3600), &counter, || CounterMsg::Add {
        by: 1,
    });
    drop(counter);
    system.shutdown().await;
    drop(system);
    // The event stream ends when the system is gone; a schedule that held on to its target
    // kept it until the next tick, an hour later.
    let start = Instant::now();
    while events.next().await.is_some() {}
    assert!(
        start.elapsed() < Duration::from_secs(1),
        "the system lived on for {:?}",
        start.elapsed()
    );
}
