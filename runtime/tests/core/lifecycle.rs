//! Hooks, stop, kill, failures and the actor tree.

use std::sync::Arc;

use rakt::prelude::*;
use rakt::{Event, SendError, StopReason};
use tokio::sync::Notify;

use crate::actors::{Counter, CounterRef, Recorder, RecorderRef, entries, journal, next_event};

async fn system(name: &str) -> ActorSystem {
    ActorSystem::builder(name).build().await.unwrap()
}

on_both_runtimes!(hooks_run_in_order_around_the_messages);
async fn hooks_run_in_order_around_the_messages() {
    let system = system("hooks").await;
    let journal = journal();
    let recorder: RecorderRef = system
        .spawn("rec", Recorder::new("rec", &journal))
        .await
        .unwrap();
    recorder.note("hello".into()).await.unwrap();
    recorder.stop().await;
    assert_eq!(
        entries(&journal),
        [
            "rec:pre_start",
            "rec:post_start",
            "rec:hello",
            "rec:post_stop"
        ]
    );
    assert!(!recorder.is_alive());
    system.shutdown().await;
}

on_both_runtimes!(a_failing_pre_start_stops_the_actor_and_rejects_queued_asks);
async fn a_failing_pre_start_stops_the_actor_and_rejects_queued_asks() {
    let system = system("prestart").await;
    let journal = journal();
    let recorder: RecorderRef = system
        .spawn("bad", Recorder::failing("bad", &journal))
        .await
        .unwrap();
    let children = recorder.children().await;
    assert!(
        matches!(children, Err(AskError::Stopped)),
        "got {children:?}"
    );
    recorder.stop().await;
    assert_eq!(entries(&journal), ["bad:pre_start", "bad:post_stop"]);
    assert!(system.lookup::<RecorderRef>("bad").is_none());
    system.shutdown().await;
}

on_both_runtimes!(a_graceful_stop_handles_what_is_queued_and_refuses_the_rest);
async fn a_graceful_stop_handles_what_is_queued_and_refuses_the_rest() {
    let system = system("graceful").await;
    let counter: CounterRef = system.spawn_anonymous(Counter::default()).await.unwrap();
    let gate = Arc::new(Notify::new());
    counter.wait(gate.clone()).await.unwrap();
    for _ in 0..10 {
        counter.add(1).await.unwrap();
    }
    let total = counter.total().try_send().unwrap();
    let stopping = counter.stop();
    assert_eq!(counter.add(1).await, Err(SendError::Stopped));
    gate.notify_one();
    assert_eq!(
        total.await,
        Ok(10),
        "queued asks are answered before the stop"
    );
    stopping.await;
    assert!(!counter.is_alive());
    assert_eq!(counter.total().await, Err(AskError::Stopped));
    system.shutdown().await;
}

on_both_runtimes!(a_kill_leaves_queued_messages_unhandled);
async fn a_kill_leaves_queued_messages_unhandled() {
    let system = system("kill").await;
    let counter: CounterRef = system.spawn_anonymous(Counter::default()).await.unwrap();
    let gate = Arc::new(Notify::new());
    counter.wait(gate.clone()).await.unwrap();
    counter.add(1).await.unwrap();
    let total = counter.total().try_send().unwrap();
    let killing = counter.kill();
    gate.notify_one();
    assert_eq!(total.await, Err(AskError::Stopped));
    killing.await;
    system.shutdown().await;
}

on_both_runtimes!(ctx_stop_handles_what_is_queued_and_refuses_the_rest);
async fn ctx_stop_handles_what_is_queued_and_refuses_the_rest() {
    let system = system("ctxstop").await;
    let counter: CounterRef = system.spawn("quitter", Counter::default()).await.unwrap();
    let mut events = system.events();
    let gate = Arc::new(Notify::new());
    counter.wait(gate.clone()).await.unwrap();
    counter.quit().await.unwrap();
    let queued = counter.total().try_send().unwrap();
    gate.notify_one();
    assert_eq!(queued.await, Ok(0), "queued before the stop: handled");
    assert_eq!(counter.total().await, Err(AskError::Stopped));
    let stopped = next_event(&mut events, |e| matches!(e, Event::Stopped { .. })).await;
    assert!(matches!(
        stopped,
        Event::Stopped {
            reason: StopReason::Stopped,
            ..
        }
    ));
    assert!(system.lookup::<CounterRef>("quitter").is_none());
    system.shutdown().await;
}

on_both_runtimes!(ctx_kill_ends_the_actor_after_the_current_message);
async fn ctx_kill_ends_the_actor_after_the_current_message() {
    let system = system("ctxkill").await;
    let counter: CounterRef = system.spawn("halter", Counter::default()).await.unwrap();
    let mut events = system.events();
    let gate = Arc::new(Notify::new());
    counter.wait(gate.clone()).await.unwrap();
    counter.halt().await.unwrap();
    let after = counter.total().try_send().unwrap();
    gate.notify_one();
    assert_eq!(after.await, Err(AskError::Stopped));
    let stopped = next_event(&mut events, |e| matches!(e, Event::Stopped { .. })).await;
    assert!(matches!(
        stopped,
        Event::Stopped {
            reason: StopReason::Killed,
            ..
        }
    ));
    system.shutdown().await;
}

on_both_runtimes!(a_panicking_ask_fails_the_caller_and_stops_only_that_actor);
async fn a_panicking_ask_fails_the_caller_and_stops_only_that_actor() {
    let system = system("panics").await;
    let counter: CounterRef = system.spawn("fragile", Counter::default()).await.unwrap();
    let other: CounterRef = system.spawn("sturdy", Counter::default()).await.unwrap();
    let gate = Arc::new(Notify::new());
    counter.wait(gate.clone()).await.unwrap();
    let failed = counter.explode_ask().try_send().unwrap();
    let behind = counter.total().try_send().unwrap();
    gate.notify_one();
    match failed.await {
        Err(AskError::Failed(reason)) => assert!(reason.contains("boom in an ask"), "{reason}"),
        other => panic!("expected a handler failure, got {other:?}"),
    }
    assert_eq!(behind.await, Err(AskError::Stopped));
    counter.stop().await;
    assert!(!counter.is_alive());
    other.add(2).await.unwrap();
    assert_eq!(other.total().await, Ok(2));
    system.shutdown().await;
}

on_both_runtimes!(a_panicking_tell_stops_the_actor);
async fn a_panicking_tell_stops_the_actor() {
    let system = system("tellpanic").await;
    let mut events = system.events();
    let counter: CounterRef = system.spawn_anonymous(Counter::default()).await.unwrap();
    counter.explode().await.unwrap();
    // Nobody but the runtime stops it (the default supervision says stop).
    let stopped = next_event(&mut events, |e| matches!(e, Event::Stopped { .. })).await;
    assert!(matches!(
        stopped,
        Event::Stopped { ref actor, reason: StopReason::Failed(ref why) }
            if *actor == counter.path() && why == "boom in a tell"
    ));
    assert!(!counter.is_alive());
    assert_eq!(counter.add(1).await, Err(SendError::Stopped));
    assert_eq!(counter.total().await, Err(AskError::Stopped));
    system.shutdown().await;
}

on_both_runtimes!(children_live_under_their_parent_and_stop_before_it);
async fn children_live_under_their_parent_and_stop_before_it() {
    let system = system("tree").await;
    let journal = journal();
    let parent: RecorderRef = system
        .spawn("parent", Recorder::new("parent", &journal))
        .await
        .unwrap();
    let child = parent.adopt("child".into()).await.unwrap();
    let grandchild = child.adopt("grandchild".into()).await.unwrap();
    assert_eq!(child.path().as_str(), "rakt://tree/user/parent/child");
    assert_eq!(
        grandchild.path().as_str(),
        "rakt://tree/user/parent/child/grandchild"
    );
    assert_eq!(parent.children().await, Ok(1));
    assert_eq!(
        system.actor_count(),
        3,
        "every live actor counts, at any depth"
    );
    assert_eq!(
        system.lookup::<RecorderRef>("grandchild"),
        Some(grandchild.clone())
    );
    parent.stop().await;
    assert!(!child.is_alive() && !grandchild.is_alive());
    let stops: Vec<_> = entries(&journal)
        .into_iter()
        .filter(|e| e.ends_with("post_stop"))
        .collect();
    assert_eq!(
        stops,
        [
            "grandchild:post_stop",
            "child:post_stop",
            "parent:post_stop"
        ]
    );
    system.shutdown().await;
}

on_both_runtimes!(a_child_that_stops_leaves_its_parent);
async fn a_child_that_stops_leaves_its_parent() {
    let system = system("leave").await;
    let journal = journal();
    let parent: RecorderRef = system
        .spawn("p", Recorder::new("p", &journal))
        .await
        .unwrap();
    let child = parent.adopt("c".into()).await.unwrap();
    assert_eq!(system.actor_count(), 2);
    child.stop().await;
    assert_eq!(parent.children().await, Ok(0));
    assert_eq!(system.actor_count(), 1, "a stopped child no longer counts");
    assert!(parent.is_alive());
    system.shutdown().await;
}

on_both_runtimes!(shutdown_stops_everyone_children_first_and_refuses_new_actors);
async fn shutdown_stops_everyone_children_first_and_refuses_new_actors() {
    let system = system("shutdown").await;
    let journal = journal();
    let mut parents = Vec::new();
    for p in ["a", "b"] {
        let parent: RecorderRef = system.spawn(p, Recorder::new(p, &journal)).await.unwrap();
        parent.adopt(format!("{p}1")).await.unwrap();
        parent.adopt(format!("{p}2")).await.unwrap();
        parents.push(parent);
    }
    system.shutdown().await;
    assert_eq!(system.actor_count(), 0);
    assert!(parents.iter().all(|p| !p.is_alive()));
    let stops: Vec<_> = entries(&journal)
        .into_iter()
        .filter_map(|e| e.strip_suffix(":post_stop").map(str::to_owned))
        .collect();
    assert_eq!(stops.len(), 6);
    for p in ["a", "b"] {
        let parent_at = stops.iter().position(|s| s == p).unwrap();
        for child in [format!("{p}1"), format!("{p}2")] {
            let child_at = stops.iter().position(|s| *s == child).unwrap();
            assert!(
                child_at < parent_at,
                "{child} stopped before {p}: {stops:?}"
            );
        }
    }
    let late = system.spawn_anonymous(Counter::default()).await;
    assert_eq!(late.err(), Some(SpawnError::Stopping));
    // A second shutdown returns at once.
    tokio::time::timeout(Duration::from_secs(1), system.shutdown())
        .await
        .unwrap();
}
