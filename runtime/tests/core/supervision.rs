//! Supervision: resume, restart (fresh state, kept mailbox, budget, backoff), stop.
//!
//! Each test runs on both runtimes, except those on the paused clock (current-thread only).

use std::sync::Arc;

use rakt::prelude::*;
use tokio::sync::Notify;
use tokio::time::Instant;

use crate::actors::{
    Counter, CounterRef, Recorder, RecorderRef, Refused, entries, journal, next_event,
};

fn is_restart(event: &Event) -> bool {
    matches!(event, Event::Restarted { .. })
}

on_both_runtimes!(a_restart_gives_fresh_state_and_keeps_the_queue_in_order);
async fn a_restart_gives_fresh_state_and_keeps_the_queue_in_order() {
    let system = ActorSystem::builder("restart").build().await.unwrap();
    let counter: CounterRef = system
        .spawn_with(
            Counter::default(),
            SpawnOptions::new().supervision(Supervision::restart()),
        )
        .await
        .unwrap();
    counter.add(100).await.unwrap();
    let gate = Arc::new(Notify::new());
    counter.wait(gate.clone()).await.unwrap();
    let failed = counter.explode_ask().try_send().unwrap();
    for by in [1, 2, 3] {
        counter.add(by).await.unwrap();
    }
    gate.notify_one();
    match failed.await {
        Err(AskError::Failed(reason)) => assert!(reason.contains("boom in an ask")),
        other => panic!("the failing ask gets the failure, got {other:?}"),
    }
    // Fresh state (the 100 is gone), and every message behind the failing one was handled.
    assert_eq!(counter.seen().await.unwrap(), [1, 2, 3]);
    assert!(counter.is_alive());
    system.shutdown().await;
}

#[tokio::test]
async fn spawn_supervised_names_the_actor_and_applies_its_supervision() {
    let system = ActorSystem::builder("one-line").build().await.unwrap();
    let counter = system
        .spawn_supervised("resilient", Counter::default(), Supervision::restart())
        .await
        .unwrap();
    assert_eq!(counter.path().as_str(), "rakt://one-line/user/resilient");
    counter.add(5).await.unwrap();
    counter.explode().await.unwrap();
    counter.add(1).await.unwrap();
    assert_eq!(
        counter.seen().await.unwrap(),
        [1],
        "restarted with fresh state"
    );
    assert!(counter.is_alive());
    system.shutdown().await;
}

on_both_runtimes!(hooks_run_old_post_stop_then_new_pre_start_and_post_start);
async fn hooks_run_old_post_stop_then_new_pre_start_and_post_start() {
    let system = ActorSystem::builder("restart-hooks").build().await.unwrap();
    let journal = journal();
    let factory_journal = journal.clone();
    let recorder: RecorderRef = system
        .spawn_with_factory(
            move || Recorder::new("rec", &factory_journal),
            SpawnOptions::named("rec").supervision(Supervision::restart()),
        )
        .await
        .unwrap();
    recorder.crash().await.unwrap();
    recorder.note("after".into()).await.unwrap();
    recorder.stop().await;
    assert_eq!(
        entries(&journal),
        [
            "rec:pre_start",
            "rec:post_start",
            "rec:crash",
            "rec:post_stop",
            "rec:pre_start",
            "rec:post_start",
            "rec:after",
            "rec:post_stop",
        ]
    );
    system.shutdown().await;
}

on_both_runtimes!(resume_keeps_the_state);
async fn resume_keeps_the_state() {
    let system = ActorSystem::builder("resume").build().await.unwrap();
    let mut events = system.events();
    let counter: CounterRef = system
        .spawn_with(
            Counter::default(),
            SpawnOptions::new().supervision(Supervision::resume()),
        )
        .await
        .unwrap();
    counter.add(5).await.unwrap();
    counter.explode().await.unwrap();
    counter.add(1).await.unwrap();
    assert_eq!(counter.total().await, Ok(6));
    let resumed = next_event(&mut events, |e| matches!(e, Event::Resumed { .. })).await;
    assert!(matches!(resumed, Event::Resumed { failure, .. } if failure == "boom in a tell"));
    system.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn the_budget_stops_an_actor_that_keeps_failing_and_backoff_doubles() {
    let system = ActorSystem::builder("budget")
        .supervision(
            Supervision::restart()
                .max_restarts(3, Duration::from_secs(60))
                .backoff(Duration::from_millis(100), Duration::from_millis(250)),
        )
        .build()
        .await
        .unwrap();
    let mut events = system.events();
    let counter: CounterRef = system.spawn("flaky", Counter::default()).await.unwrap();
    let mut delays = Vec::new();
    for _ in 0..3 {
        let failed_at = Instant::now();
        counter.explode().await.unwrap();
        next_event(&mut events, is_restart).await;
        delays.push(failed_at.elapsed());
    }
    let expected = [100, 200, 250].map(Duration::from_millis);
    for (delay, expected) in delays.iter().zip(expected) {
        assert!(
            *delay >= expected && *delay < expected + Duration::from_millis(20),
            "backoff {delay:?}, expected {expected:?}"
        );
    }
    counter.explode().await.unwrap();
    let stopped = next_event(&mut events, |e| matches!(e, Event::Stopped { .. })).await;
    assert!(matches!(
        stopped,
        Event::Stopped { reason: StopReason::RestartsExhausted(ref why), .. } if why == "boom in a tell"
    ));
    assert!(!counter.is_alive());
    system.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn restarts_outside_the_window_do_not_count() {
    let system = ActorSystem::builder("window")
        .supervision(Supervision::restart().max_restarts(1, Duration::from_secs(10)))
        .build()
        .await
        .unwrap();
    let mut events = system.events();
    let counter: CounterRef = system.spawn("steady", Counter::default()).await.unwrap();
    for _ in 0..3 {
        counter.explode().await.unwrap();
        next_event(&mut events, is_restart).await;
        tokio::time::sleep(Duration::from_secs(11)).await;
    }
    assert!(counter.is_alive());
    system.shutdown().await;
}

on_both_runtimes!(rules_pick_the_directive_by_error_type_and_for_panics);
async fn rules_pick_the_directive_by_error_type_and_for_panics() {
    let system = ActorSystem::builder("rules").build().await.unwrap();
    let mut events = system.events();
    let strategy = Supervision::restart()
        .on_error::<Refused>(Directive::Stop)
        .on_panic(Directive::Resume);
    // pre_start returns `Refused`: the rule says stop, so no restart loop.
    let journal = journal();
    let refusing: RecorderRef = system
        .spawn_with(
            Recorder::failing("refusing", &journal),
            SpawnOptions::new()
                .name("refusing")
                .supervision(strategy.clone()),
        )
        .await
        .unwrap();
    refusing.stop().await;
    let stopped = next_event(&mut events, |e| matches!(e, Event::Stopped { .. })).await;
    assert!(matches!(
        stopped,
        Event::Stopped { reason: StopReason::Failed(ref why), .. } if why.contains("refused")
    ));
    // A panic: the rule says resume.
    let counter: CounterRef = system
        .spawn_with(
            Counter::default(),
            SpawnOptions::new().supervision(strategy),
        )
        .await
        .unwrap();
    counter.add(2).await.unwrap();
    counter.explode().await.unwrap();
    assert_eq!(counter.total().await, Ok(2));
    system.shutdown().await;
}

on_both_runtimes!(an_actor_without_fresh_state_stops_instead_of_restarting);
async fn an_actor_without_fresh_state_stops_instead_of_restarting() {
    let system = ActorSystem::builder("no-fresh")
        .supervision(Supervision::restart())
        .build()
        .await
        .unwrap();
    let mut events = system.events();
    let journal = journal();
    // `Recorder` is not `Default` and was spawned from a value, not a factory.
    let recorder: RecorderRef = system
        .spawn("plain", Recorder::new("plain", &journal))
        .await
        .unwrap();
    recorder.crash().await.unwrap();
    let stopped = next_event(&mut events, |e| matches!(e, Event::Stopped { .. })).await;
    assert!(matches!(
        stopped,
        Event::Stopped { reason: StopReason::Failed(ref why), .. } if why == "plain crashed"
    ));
    system.shutdown().await;
}

on_both_runtimes!(a_kill_during_the_backoff_stops_at_once);
async fn a_kill_during_the_backoff_stops_at_once() {
    let system = ActorSystem::builder("kill-backoff")
        .supervision(
            Supervision::restart().backoff(Duration::from_secs(3600), Duration::from_secs(3600)),
        )
        .build()
        .await
        .unwrap();
    let mut events = system.events();
    let counter: CounterRef = system.spawn_anonymous(Counter::default()).await.unwrap();
    // Answered once the handler has failed: the actor goes on to its backoff, not to its
    // next message (a kill sent with the failing message queued would stop it before).
    let failed = counter.explode_ask().await;
    assert!(matches!(failed, Err(AskError::Failed(_))), "{failed:?}");
    // The time limit only turns a hang (a kill that waited for the hour) into a failure.
    tokio::time::timeout(Duration::from_secs(5), counter.kill())
        .await
        .expect("the kill ends the backoff");
    let ended = next_event(&mut events, |e| {
        matches!(e, Event::Stopped { .. } | Event::Restarted { .. })
    })
    .await;
    assert!(
        matches!(
            ended,
            Event::Stopped {
                reason: StopReason::Killed,
                ..
            }
        ),
        "killed without a restart, got {ended:?}"
    );
    system.shutdown().await;
}

on_both_runtimes!(an_escalated_failure_is_decided_by_the_parent);
async fn an_escalated_failure_is_decided_by_the_parent() {
    let system = ActorSystem::builder("escalate").build().await.unwrap();
    let mut events = system.events();
    let journal = journal();
    let boss_journal = journal.clone();
    let boss: RecorderRef = system
        .spawn_with_factory(
            move || Recorder::new("boss", &boss_journal),
            SpawnOptions::named("boss").supervision(Supervision::restart()),
        )
        .await
        .unwrap();
    let worker = boss
        .adopt_with("worker".into(), Supervision::escalate())
        .await
        .unwrap();
    worker.crash().await.unwrap();
    let stopped = next_event(&mut events, |e| matches!(e, Event::Stopped { .. })).await;
    assert!(matches!(
        stopped,
        Event::Stopped { ref actor, reason: StopReason::Escalated(ref why) }
            if actor.name() == "worker" && why == "worker crashed"
    ));
    let restarted = next_event(&mut events, is_restart).await;
    assert!(matches!(
        restarted,
        Event::Restarted { ref actor, ref failure } if actor.name() == "boss" && failure == "worker crashed"
    ));
    assert!(boss.is_alive());
    assert_eq!(boss.children().await, Ok(0), "the restart left no children");
    boss.stop().await;
    let boss_entries: Vec<_> = entries(&journal)
        .into_iter()
        .filter(|e| e.starts_with("boss:"))
        .collect();
    assert_eq!(
        boss_entries,
        [
            "boss:pre_start",
            "boss:post_start",
            "boss:post_stop",
            "boss:pre_start",
            "boss:post_start",
            "boss:post_stop",
        ]
    );
    system.shutdown().await;
}

on_both_runtimes!(a_top_level_actor_that_escalates_stops);
async fn a_top_level_actor_that_escalates_stops() {
    let system = ActorSystem::builder("escalate-top")
        .supervision(Supervision::escalate())
        .build()
        .await
        .unwrap();
    let mut events = system.events();
    let counter: CounterRef = system.spawn("top", Counter::default()).await.unwrap();
    counter.explode().await.unwrap();
    let stopped = next_event(&mut events, |e| matches!(e, Event::Stopped { .. })).await;
    assert!(matches!(
        stopped,
        Event::Stopped {
            reason: StopReason::Failed(_),
            ..
        }
    ));
    system.shutdown().await;
}

on_both_runtimes!(all_for_one_restarts_the_siblings_with_fresh_state);
async fn all_for_one_restarts_the_siblings_with_fresh_state() {
    let system = ActorSystem::builder("all-for-one")
        .supervision(Supervision::restart().all_for_one())
        .build()
        .await
        .unwrap();
    let mut events = system.events();
    let mut counters = Vec::new();
    for name in ["a", "b", "c"] {
        let counter: CounterRef = system.spawn(name, Counter::default()).await.unwrap();
        counter.add(7).await.unwrap();
        // Handled before the failure (a restart keeps queued messages, which would add 7 to
        // the fresh state).
        assert_eq!(counter.total().await, Ok(7));
        counters.push(counter);
    }
    counters[0].explode().await.unwrap();
    let mut restarted = Vec::new();
    while restarted.len() < 3 {
        if let Event::Restarted { actor, failure } = next_event(&mut events, is_restart).await {
            restarted.push((actor.name().to_owned(), failure));
        }
    }
    restarted.sort();
    assert_eq!(
        restarted,
        [
            ("a".to_owned(), "boom in a tell".to_owned()),
            (
                "b".to_owned(),
                "a sibling failed: boom in a tell".to_owned()
            ),
            (
                "c".to_owned(),
                "a sibling failed: boom in a tell".to_owned()
            ),
        ]
    );
    for counter in &counters {
        assert_eq!(counter.total().await, Ok(0), "fresh state everywhere");
    }
    system.shutdown().await;
}

on_both_runtimes!(all_for_one_stop_stops_the_siblings);
async fn all_for_one_stop_stops_the_siblings() {
    let system = ActorSystem::builder("all-for-one-stop")
        .supervision(Supervision::stop().all_for_one())
        .build()
        .await
        .unwrap();
    let mut events = system.events();
    let a: CounterRef = system.spawn("a", Counter::default()).await.unwrap();
    let b: CounterRef = system.spawn("b", Counter::default()).await.unwrap();
    a.explode().await.unwrap();
    // Nobody but the runtime stops them: `a` for its failure, `b` for its sibling's.
    let mut stopped = Vec::new();
    while stopped.len() < 2 {
        if let Event::Stopped { actor, reason } =
            next_event(&mut events, |e| matches!(e, Event::Stopped { .. })).await
        {
            stopped.push((actor.name().to_owned(), reason));
        }
    }
    stopped.sort_by(|x, y| x.0.cmp(&y.0));
    assert_eq!(
        stopped,
        [
            ("a".to_owned(), StopReason::Failed("boom in a tell".into())),
            ("b".to_owned(), StopReason::Stopped),
        ]
    );
    assert!(!a.is_alive() && !b.is_alive());
    assert_eq!(system.actor_count(), 0);
    assert_eq!(b.total().await, Err(AskError::Stopped));
    system.shutdown().await;
}

/// An ask sent while the actor waits out a restart backoff times out on time: the actor is
/// not taking messages then, so the asker must not count on it to be woken.
#[tokio::test(start_paused = true)]
async fn an_ask_during_a_restart_backoff_times_out_on_time() {
    let system = ActorSystem::builder("ask-backoff")
        .supervision(
            Supervision::restart().backoff(Duration::from_secs(10), Duration::from_secs(10)),
        )
        .build()
        .await
        .unwrap();
    let counter: CounterRef = system.spawn_anonymous(Counter::default()).await.unwrap();
    let failed = counter.explode_ask().await;
    assert!(matches!(failed, Err(AskError::Failed(_))), "{failed:?}");
    let started = Instant::now();
    let timeout = Duration::from_millis(100);
    assert_eq!(
        counter.total().timeout(timeout).await,
        Err(AskError::Timeout(timeout))
    );
    assert_eq!(
        started.elapsed(),
        timeout,
        "not the backoff plus the timeout"
    );
    system.shutdown().await;
}
