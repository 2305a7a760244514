//! Death watch.

use rakt::prelude::*;
use tokio::sync::watch;

use crate::actors::{Counter, CounterRef, Watcher, WatcherRef};

/// A watcher, spawned, and the count of notices it has been told.
async fn watcher(system: &ActorSystem, name: &str) -> (WatcherRef, watch::Receiver<usize>) {
    let watcher = Watcher::default();
    let told = watcher.told();
    (system.spawn(name, watcher).await.unwrap(), told)
}

/// What the watcher has been told, once it has been told `count` things. (The time limit only
/// turns a notice that never comes into a failure.)
async fn told(
    watcher: &WatcherRef,
    heard: &mut watch::Receiver<usize>,
    count: usize,
) -> Vec<(String, StopReason)> {
    tokio::time::timeout(Duration::from_secs(60), heard.wait_for(|&n| n >= count))
        .await
        .unwrap_or_else(|_| panic!("the watcher was told fewer than {count} things"))
        .expect("the watcher is alive");
    watcher
        .seen()
        .await
        .unwrap()
        .into_iter()
        .map(|t| (t.path.name().to_owned(), t.reason))
        .collect()
}

on_both_runtimes!(a_watcher_hears_of_a_stop_a_kill_and_a_failure);
async fn a_watcher_hears_of_a_stop_a_kill_and_a_failure() {
    let system = ActorSystem::builder("watch").build().await.unwrap();
    let (watcher, mut heard) = watcher(&system, "watcher").await;
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
    let seen = told(&watcher, &mut heard, 3).await;
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

on_both_runtimes!(watching_an_actor_that_is_gone_tells_at_once);
async fn watching_an_actor_that_is_gone_tells_at_once() {
    let system = ActorSystem::builder("watch-gone").build().await.unwrap();
    let (watcher, mut heard) = watcher(&system, "watcher").await;
    let counter: CounterRef = system.spawn("early", Counter::default()).await.unwrap();
    counter.stop().await;
    watcher.watch(counter.clone()).await.unwrap();
    assert_eq!(
        told(&watcher, &mut heard, 1).await,
        [("early".to_owned(), StopReason::Stopped)]
    );
    system.shutdown().await;
}

on_both_runtimes!(unwatch_and_a_stopped_watcher_end_the_watch);
async fn unwatch_and_a_stopped_watcher_end_the_watch() {
    let system = ActorSystem::builder("unwatch").build().await.unwrap();
    let (watcher, _) = watcher(&system, "watcher").await;
    let first: CounterRef = system.spawn("first", Counter::default()).await.unwrap();
    let second: CounterRef = system.spawn("second", Counter::default()).await.unwrap();
    watcher.watch(first.clone()).await.unwrap();
    watcher.unwatch(first.clone()).await.unwrap();
    first.stop().await;
    // A notice is queued before the watched actor's `stop()` returns: ahead of this ask.
    assert!(watcher.seen().await.unwrap().is_empty(), "unwatched");

    // A watcher that stops takes its watches along: no notice, so no dead letter either (a
    // notice to a stopped watcher is one, counted before `stop()` returns).
    watcher.watch(second.clone()).await.unwrap();
    watcher.stop().await;
    second.stop().await;
    assert_eq!(system.dead_letter_count(), 0);
    system.shutdown().await;
}
