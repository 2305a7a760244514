//! Passivation, on tokio's paused clock.

use rakt::EventStream;
use rakt::prelude::*;
use tokio::time::{Instant, sleep, sleep_until};

use crate::actors::{Counter, CounterRef, Recorder, RecorderRef, entries, journal, ms, next_event};

async fn stopped(events: &mut EventStream) -> (String, StopReason) {
    match next_event(events, |e| matches!(e, Event::Stopped { .. })).await {
        Event::Stopped { actor, reason } => (actor.name().to_owned(), reason),
        other => unreachable!("picked {other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn an_idle_actor_passivates_and_every_message_resets_the_clock() {
    let system = ActorSystem::builder("idle").build().await.unwrap();
    let mut events = system.events();
    let started = Instant::now();
    let counter: CounterRef = system
        .spawn_with(
            Counter::default(),
            SpawnOptions::new()
                .name("sleepy")
                .passivation(Passivation::after_idle(ms(100))),
        )
        .await
        .unwrap();
    sleep(ms(60)).await;
    counter.add(1).await.unwrap();
    sleep(ms(60)).await;
    assert!(counter.is_alive(), "the message reset the idle clock");
    assert_eq!(
        stopped(&mut events).await,
        ("sleepy".into(), StopReason::Passivated)
    );
    let lived = started.elapsed();
    assert!(
        lived >= ms(160) && lived < ms(170),
        "passivated after {lived:?}"
    );
    assert_eq!(counter.add(1).await, Err(SendError::Stopped));
    system.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn an_actor_passivates_after_its_message_count_without_losing_queued_ones() {
    let system = ActorSystem::builder("count").build().await.unwrap();
    let mut events = system.events();
    let journal = journal();
    let recorder: RecorderRef = system
        .spawn_with(
            Recorder::new("worker", &journal),
            SpawnOptions::new()
                .name("worker")
                .passivation(Passivation::after_messages(2)),
        )
        .await
        .unwrap();
    for note in ["a", "b", "c", "d"] {
        recorder.note(note.into()).await.unwrap();
    }
    assert_eq!(
        stopped(&mut events).await,
        ("worker".into(), StopReason::Passivated)
    );
    // Passivation is a graceful stop: what was queued when it began is still handled.
    assert_eq!(
        entries(&journal),
        [
            "worker:pre_start",
            "worker:post_start",
            "worker:a",
            "worker:b",
            "worker:c",
            "worker:d",
            "worker:post_stop",
        ]
    );
    system.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn a_message_racing_the_idle_timer_is_handled_or_dead_lettered() {
    let system = ActorSystem::builder("race").build().await.unwrap();
    let journal = journal();
    let recorder: RecorderRef = system
        .spawn_with(
            Recorder::new("racer", &journal),
            SpawnOptions::new()
                .name("racer")
                .passivation(Passivation::after_idle(ms(100))),
        )
        .await
        .unwrap();
    recorder.note("first".into()).await.unwrap();
    // Send exactly when the idle timer fires.
    sleep_until(Instant::now() + ms(100)).await;
    let sent = recorder.note("racing".into()).await;
    recorder.stop().await;
    let handled = entries(&journal).contains(&"racer:racing".to_owned());
    match sent {
        Ok(()) => assert!(handled, "accepted, so handled"),
        Err(SendError::Stopped) => {
            assert!(!handled);
            assert_eq!(system.dead_letter_count(), 1, "refused, so a dead letter");
        }
        Err(other) => panic!("unexpected {other:?}"),
    }
    system.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn long_lived_actors_ignore_the_system_default_and_children_passivate_with_parents() {
    let system = ActorSystem::builder("defaults")
        .passivation(Passivation::after_idle(ms(50)))
        .build()
        .await
        .unwrap();
    let mut events = system.events();
    let keeper: CounterRef = system
        .spawn_with(Counter::default(), SpawnOptions::new().long_lived())
        .await
        .unwrap();
    let journal = journal();
    let parent: RecorderRef = system
        .spawn_with(
            Recorder::new("parent", &journal),
            SpawnOptions::new()
                .name("parent")
                .passivation(Passivation::after_idle(ms(200))),
        )
        .await
        .unwrap();
    let child = parent
        .adopt_with("child".into(), Supervision::stop())
        .await
        .unwrap();
    // The child (system default, 50 ms) passivates first; the parent follows at 200 ms.
    assert_eq!(
        stopped(&mut events).await,
        ("child".into(), StopReason::Passivated)
    );
    assert_eq!(
        stopped(&mut events).await,
        ("parent".into(), StopReason::Passivated)
    );
    assert!(!child.is_alive());
    sleep(ms(1000)).await;
    assert!(keeper.is_alive(), "long-lived");
    system.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn the_idle_clock_starts_afresh_after_a_restart() {
    let system = ActorSystem::builder("restart-idle").build().await.unwrap();
    let mut events = system.events();
    let started = Instant::now();
    let counter: CounterRef = system
        .spawn_with(
            Counter::default(),
            SpawnOptions::new()
                .name("phoenix")
                .supervision(Supervision::restart())
                .passivation(Passivation::after_idle(ms(100))),
        )
        .await
        .unwrap();
    sleep(ms(80)).await;
    counter.explode().await.unwrap();
    assert_eq!(
        stopped(&mut events).await,
        ("phoenix".into(), StopReason::Passivated)
    );
    let lived = started.elapsed();
    assert!(
        lived >= ms(180) && lived < ms(190),
        "passivated after {lived:?}"
    );
    system.shutdown().await;
}
