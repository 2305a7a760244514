//! Building systems, names, lookup.

use rakt::prelude::*;

use crate::actors::{Counter, CounterRef, Recorder, RecorderRef, Stack, StackRef, journal};

on_both_runtimes!(bad_configurations_are_typed_errors);
async fn bad_configurations_are_typed_errors() {
    let bad_name = ActorSystem::builder("no spaces").build().await;
    assert_eq!(
        bad_name.err(),
        Some(ConfigError::InvalidSystemName("no spaces".into()))
    );
    let zero = ActorSystem::builder("zero")
        .ask_timeout(Duration::ZERO)
        .build()
        .await;
    assert_eq!(zero.err(), Some(ConfigError::ZeroAskTimeout));
    let empty = ActorSystem::builder("empty")
        .mailbox(MailboxConfig::bounded(0))
        .build()
        .await;
    assert!(matches!(empty, Err(ConfigError::InvalidMailbox(_))));
    let no_events = ActorSystem::builder("no-events")
        .event_buffer(0)
        .build()
        .await;
    assert_eq!(no_events.err(), Some(ConfigError::EventBuffer(0)));
    let huge = ActorSystem::builder("huge-events")
        .event_buffer(usize::MAX)
        .build()
        .await;
    assert_eq!(huge.err(), Some(ConfigError::EventBuffer(usize::MAX)));
}

on_both_runtimes!(names_are_unique_and_checked);
async fn names_are_unique_and_checked() {
    let system = ActorSystem::builder("names").build().await.unwrap();
    let first: CounterRef = system.spawn("counter", Counter::default()).await.unwrap();
    let second = system.spawn("counter", Counter::default()).await;
    assert_eq!(
        second.err(),
        Some(SpawnError::DuplicateName("counter".into()))
    );
    for bad in ["", "a/b", "$reserved", "two words"] {
        let result = system.spawn(bad, Counter::default()).await;
        assert!(
            matches!(result, Err(SpawnError::InvalidName { .. })),
            "{bad:?} was accepted"
        );
    }
    let zero = system
        .spawn_with(
            Counter::default(),
            SpawnOptions::new().mailbox(MailboxConfig::bounded(0)),
        )
        .await;
    assert!(matches!(zero, Err(SpawnError::InvalidMailbox(_))));
    // Once the first actor is gone its name is free again.
    first.stop().await;
    let again: CounterRef = system.spawn("counter", Counter::default()).await.unwrap();
    assert_ne!(again, first);
    system.shutdown().await;
}

on_both_runtimes!(lookup_finds_live_actors_of_the_right_type);
async fn lookup_finds_live_actors_of_the_right_type() {
    let system = ActorSystem::builder("lookup").build().await.unwrap();
    let counter: CounterRef = system.spawn("counter", Counter::default()).await.unwrap();
    let _stack: StackRef<u8> = system.spawn("stack", Stack::new()).await.unwrap();
    assert_eq!(
        system.lookup::<CounterRef>("counter"),
        Some(counter.clone())
    );
    assert_eq!(system.lookup::<CounterRef>("stack"), None, "wrong type");
    assert_eq!(
        system.lookup::<StackRef<u16>>("stack"),
        None,
        "wrong type argument"
    );
    assert!(system.lookup::<StackRef<u8>>("stack").is_some());
    assert_eq!(system.lookup::<CounterRef>("nobody"), None);
    let found = system.lookup::<CounterRef>("counter").unwrap();
    found.add(7).await.unwrap();
    assert_eq!(counter.total().await, Ok(7));
    let rec: RecorderRef = system
        .spawn("rec", Recorder::new("rec", &journal()))
        .await
        .unwrap();
    rec.stop().await;
    assert_eq!(system.lookup::<RecorderRef>("rec"), None);
    system.shutdown().await;
}

#[test]
fn build_fails_cleanly_without_a_timer() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let result = runtime.block_on(ActorSystem::builder("no-timer").build());
    assert!(matches!(result, Err(ConfigError::Runtime(_))));
}
