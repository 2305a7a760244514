//! The event stream and dead letters.

use std::sync::Arc;

use rakt::EventStream;
use rakt::prelude::*;
use tokio::sync::Notify;

use crate::actors::{
    Counter, CounterRef, Recorder, RecorderRef, blocked_and_full, journal, next_dead_letter,
    next_event,
};

async fn next(events: &mut EventStream) -> Event {
    next_event(events, |_| true).await
}

/// Events as short strings, for comparing sequences.
fn brief(event: &Event) -> String {
    match event {
        Event::Started { actor } => format!("started {}", actor.name()),
        Event::Stopped { actor, reason } => format!("stopped {} {reason:?}", actor.name()),
        Event::ChildCreated { parent, child } => {
            format!("child {} of {}", child.name(), parent.name())
        }
        Event::DeadLetter(letter) => format!("dead letter {}", letter.message),
        other => format!("{other:?}"),
    }
}

on_both_runtimes!(lifecycle_events_arrive_in_order);
async fn lifecycle_events_arrive_in_order() {
    let system = ActorSystem::builder("events").build().await.unwrap();
    let mut events = system.events();
    let journal = journal();
    let parent: RecorderRef = system
        .spawn("parent", Recorder::new("parent", &journal))
        .await
        .unwrap();
    let _child = parent.adopt("child".into()).await.unwrap();
    parent.stop().await;
    let mut seen = Vec::new();
    for _ in 0..5 {
        seen.push(brief(&next(&mut events).await));
    }
    assert_eq!(
        seen,
        [
            "started parent",
            "child child of parent",
            "started child",
            "stopped child Stopped",
            "stopped parent Stopped",
        ]
    );
    system.shutdown().await;
}

on_both_runtimes!(a_failure_and_a_kill_are_the_stop_reasons);
async fn a_failure_and_a_kill_are_the_stop_reasons() {
    let system = ActorSystem::builder("reasons").build().await.unwrap();
    let mut events = system.events();
    let fragile: CounterRef = system.spawn("fragile", Counter::default()).await.unwrap();
    fragile.explode().await.unwrap();
    fragile.stop().await;
    let killed: CounterRef = system.spawn("killed", Counter::default()).await.unwrap();
    killed.kill().await;
    let mut stops = Vec::new();
    while stops.len() < 2 {
        if let Event::Stopped { actor, reason } = next(&mut events).await {
            stops.push((actor.name().to_owned(), reason));
        }
    }
    assert_eq!(
        stops,
        [
            (
                "fragile".to_owned(),
                StopReason::Failed("boom in a tell".into())
            ),
            ("killed".to_owned(), StopReason::Killed),
        ]
    );
    system.shutdown().await;
}

on_both_runtimes!(sending_to_a_stopped_actor_makes_a_dead_letter);
async fn sending_to_a_stopped_actor_makes_a_dead_letter() {
    let system = ActorSystem::builder("dead").build().await.unwrap();
    let mut events = system.events();
    let counter: CounterRef = system.spawn("gone", Counter::default()).await.unwrap();
    counter.stop().await;
    assert_eq!(counter.add(5).await, Err(SendError::Stopped));
    let letter = next_dead_letter(&mut events).await;
    assert_eq!(letter.message, "add");
    assert_eq!(letter.rendered.as_deref(), Some("add { by: 5 }"));
    assert_eq!(letter.reason, DeadLetterReason::Stopped);
    assert_eq!(letter.target.as_str(), "rakt://dead/user/gone");
    assert_eq!(
        letter.to_string(),
        "dead letter to rakt://dead/user/gone: add { by: 5 } (the actor is stopped)"
    );
    assert_eq!(counter.total().await, Err(AskError::Stopped));
    let letter = next_dead_letter(&mut events).await;
    assert_eq!(
        (letter.message, letter.reason.clone()),
        ("total", DeadLetterReason::Stopped)
    );
    assert_eq!(system.dead_letter_count(), 2);
    system.shutdown().await;
}

on_both_runtimes!(a_full_mailbox_a_kill_and_a_failure_make_dead_letters);
async fn a_full_mailbox_a_kill_and_a_failure_make_dead_letters() {
    let system = ActorSystem::builder("reasons2").build().await.unwrap();
    let mut events = system.events();

    // A try_send to a full bounded mailbox.
    let (narrow, gate) = blocked_and_full(&system).await;
    assert_eq!(narrow.ping().try_send(), Err(SendError::MailboxFull));
    let letter = next_dead_letter(&mut events).await;
    assert_eq!(
        (letter.message, letter.reason.clone()),
        ("ping", DeadLetterReason::MailboxFull)
    );

    // What is queued when an actor is killed.
    let killing = narrow.kill();
    gate.notify_one();
    killing.await;
    for _ in 0..2 {
        let letter = next_dead_letter(&mut events).await;
        assert_eq!(
            (letter.message, letter.reason.clone()),
            ("ping", DeadLetterReason::Killed)
        );
    }

    // What is queued behind a failing message.
    let counter: CounterRef = system.spawn_anonymous(Counter::default()).await.unwrap();
    let gate = Arc::new(Notify::new());
    counter.wait(gate.clone()).await.unwrap();
    counter.explode().await.unwrap();
    counter.add(1).await.unwrap();
    gate.notify_one();
    counter.stop().await;
    let letter = next_dead_letter(&mut events).await;
    assert_eq!(
        (letter.message, letter.reason.clone()),
        ("add", DeadLetterReason::Stopped)
    );
    assert_eq!(system.dead_letter_count(), 4);
    system.shutdown().await;
}

on_both_runtimes!(a_slow_subscriber_loses_the_oldest_events_and_says_so);
async fn a_slow_subscriber_loses_the_oldest_events_and_says_so() {
    let system = ActorSystem::builder("slow")
        .event_buffer(4)
        .build()
        .await
        .unwrap();
    let mut slow = system.events();
    let counter: CounterRef = system.spawn("gone", Counter::default()).await.unwrap();
    counter.stop().await;
    for _ in 0..20 {
        assert_eq!(counter.add(1).await, Err(SendError::Stopped));
    }
    // The actors were never blocked; the subscriber finds the newest events.
    let letter = next_dead_letter(&mut slow).await;
    assert_eq!(letter.message, "add");
    assert!(slow.dropped() > 0, "the loss is counted");
    assert_eq!(system.dead_letter_count(), 20);
    system.shutdown().await;
}
