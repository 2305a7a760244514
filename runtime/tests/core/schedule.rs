//! The scheduler, on tokio's paused clock.

use rakt::ScheduleKind;
use rakt::prelude::*;
use tokio::time::{Instant, sleep};

use crate::actors::{Counter, CounterMsg, CounterRef, Ticker, TickerMsg, TickerRef, ms};

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
    let system = ActorSystem::builder("cron").build().await.unwrap();
    let counter: CounterRef = system.spawn("c", Counter::default()).await.unwrap();
    let bad = system.schedule_cron("not cron", chrono::Utc, &counter, || CounterMsg::Add {
        by: 1,
    });
    assert!(matches!(bad, Err(rakt::ScheduleError::InvalidCron { .. })));
    let yearly = system
        .schedule_cron("0 0 0 1 1 *", chrono::Utc, &counter, || CounterMsg::Add {
            by: 1,
        })
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_schedule_can_be_made_from_a_thread_outside_the_runtime() {
    let system = ActorSystem::builder("foreign").build().await.unwrap();
    let counter: CounterRef = system.spawn_anonymous(Counter::default()).await.unwrap();
    let (from, to) = (system.clone(), counter.clone());
    std::thread::spawn(move || from.schedule_once(ms(1), &to, CounterMsg::Add { by: 3 }))
        .join()
        .expect("no panic outside the runtime");
    for _ in 0..1000 {
        if counter.total().await == Ok(3) {
            break;
        }
        sleep(ms(1)).await;
    }
    assert_eq!(counter.total().await, Ok(3));
    system.shutdown().await;
}
