//! Death watch.

use rakt::prelude::*;

use crate::actors::{Counter, CounterRef, Watcher, WatcherRef};

/// What the watcher has been told, once it has been told `count` things.
async fn told(watcher: &WatcherRef, count: usize) -> Vec<(String, StopReason)> {
    for _ in 0..500 {
        let seen = watcher.seen().await.unwrap();
        if seen.len() >= count {
            return seen
                .into_iter()
                .map(|t| (t.path.name().to_owned(), t.reason))
                .collect();
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    panic!("the watcher was told fewer than {count} things");
}

#[tokio::test]
async fn a_watcher_hears_of_a_stop_a_kill_and_a_failure() {
    let system = ActorSystem::builder("watch").build().await.unwrap();
    let watcher: WatcherRef = system.spawn("watcher", Watcher::default()).await.unwrap();
    let stopped: CounterRef = system.spawn("stopped", Counter::default()).await.unwrap();
    let killed: CounterRef = system.spawn("killed", Counter::default()).await.unwrap();
    let failed: CounterRef = system.spawn("failed", Counter::default()).await.unwrap();
    for target in [&stopped, &killed, &failed] {
        watcher.watch(target.clone()).await.unwrap();
    }
    // Make sure the watches are in place before anything stops.
    watcher.seen().await.unwrap();
    stopped.stop().await;
    killed.kill().await;
    failed.explode().await.unwrap();
    failed.stop().await;
    let seen = told(&watcher, 3).await;
    assert_eq!(
        seen,
        [
            ("stopped".to_owned(), StopReason::Stopped),
            ("killed".to_owned(), StopReason::Killed),
            (
                "failed".to_owned(),
                StopReason::Failed("boom in a tell".into())
            ),
        ]
    );
    system.shutdown().await;
}

#[tokio::test]
async fn watching_an_actor_that_is_gone_tells_at_once() {
    let system = ActorSystem::builder("watch-gone").build().await.unwrap();
    let watcher: WatcherRef = system.spawn_anonymous(Watcher::default()).await.unwrap();
    let counter: CounterRef = system.spawn("early", Counter::default()).await.unwrap();
    counter.stop().await;
    watcher.watch(counter.clone()).await.unwrap();
    assert_eq!(
        told(&watcher, 1).await,
        [("early".to_owned(), StopReason::Stopped)]
    );
    system.shutdown().await;
}

#[tokio::test]
async fn unwatch_and_a_stopped_watcher_end_the_watch() {
    let system = ActorSystem::builder("unwatch").build().await.unwrap();
    let mut events = system.events();
    let watcher: WatcherRef = system.spawn_anonymous(Watcher::default()).await.unwrap();
    let first: CounterRef = system.spawn("first", Counter::default()).await.unwrap();
    let second: CounterRef = system.spawn("second", Counter::default()).await.unwrap();
    watcher.watch(first.clone()).await.unwrap();
    watcher.unwatch(first.clone()).await.unwrap();
    first.stop().await;
    assert!(watcher.seen().await.unwrap().is_empty(), "unwatched");

    // A watcher that stops takes its watches along: no notice, so no dead letter either.
    watcher.watch(second.clone()).await.unwrap();
    watcher.stop().await;
    second.stop().await;
    system.shutdown().await;
    drop(system);
    let mut dead_letters = 0;
    while let Ok(Some(event)) = tokio::time::timeout(Duration::from_millis(50), {
        use futures_util::StreamExt;
        events.next()
    })
    .await
    {
        if let Event::DeadLetter(letter) = event {
            assert_ne!(letter.reason, DeadLetterReason::Killed);
            dead_letters += 1;
        }
    }
    assert_eq!(dead_letters, 0);
}
