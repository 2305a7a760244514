//! Streamed replies: a handler that takes a `StreamSlot` answers with a stream the caller reads
//! as a `ReplyStream`, bounded, cancellable, with an optional deadline.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures_util::StreamExt;
use rakt::prelude::*;
use rakt::{ActorId, Pool, STREAM_BUFFER};
use tokio::sync::Notify;

/// How long any one outcome may take before a test fails.
const WITHIN: Duration = Duration::from_secs(10);

/// A source of numbers.
#[actor]
#[derive(Default)]
pub struct Source {
    /// Items the `endless` producer has sent.
    sent: Arc<AtomicUsize>,
    /// Notified when the `endless` producer stops, having found nobody reading.
    stopped: Arc<Notify>,
}

#[actor]
impl Source {
    /// Streams 1 to `n` from the handler itself.
    pub async fn count(&self, n: u64, mut items: StreamSlot<u64>) {
        for i in 1..=n {
            if items.send(i).await.is_err() {
                return;
            }
        }
    }

    /// Streams `n` copies of `word` from a synchronous handler, without waiting.
    pub fn repeat(&mut self, word: String, n: usize, mut items: StreamSlot<String>) {
        for _ in 0..n {
            items.try_send(word.clone()).expect("room for a few items");
        }
    }

    /// Streams 1 to `n`, then fails with `why`.
    pub fn fail_after(&self, n: u64, why: String, mut items: StreamSlot<u64, String>) {
        for i in 1..=n {
            items.try_send(i).expect("room for a few items");
        }
        items.fail(why);
    }

    /// Streams 1, then panics.
    pub async fn boom(&self, mut items: StreamSlot<u64>) {
        let _ = items.send(1).await;
        panic!("boom")
    }

    /// Streams 1, 2, 3, ... from a task (the actor is free meanwhile) until nobody reads.
    pub fn endless(&self, mut items: StreamSlot<u64>) {
        let (sent, stopped) = (self.sent.clone(), self.stopped.clone());
        tokio::spawn(async move {
            let mut i = 1;
            while items.send(i).await.is_ok() {
                sent.fetch_add(1, Ordering::SeqCst);
                i += 1;
            }
            stopped.notify_one();
        });
    }

    /// Its own id, as a plain ask.
    pub fn whoami(&self, ctx: &mut Ctx<Self>) -> ActorId {
        ctx.id()
    }
}

async fn system(name: &str) -> ActorSystem {
    ActorSystem::builder(name)
        .supervision(Supervision::restart())
        .quiet_panics()
        .build()
        .await
        .unwrap()
}

/// Waits until `sent` stops at `at`, failing if it never reaches it.
async fn settles_at(sent: &AtomicUsize, at: usize) {
    tokio::time::timeout(WITHIN, async {
        while sent.load(Ordering::SeqCst) < at {
            tokio::task::yield_now().await;
        }
    })
    .await
    .expect("the producer gets that far");
    for _ in 0..100 {
        tokio::task::yield_now().await;
    }
    assert_eq!(sent.load(Ordering::SeqCst), at, "the producer stays there");
}

on_both_runtimes!(items_arrive_in_order_then_the_stream_ends);
async fn items_arrive_in_order_then_the_stream_ends() {
    let system = system("streams-order").await;
    let source: SourceRef = system.spawn("source", Source::default()).await.unwrap();
    let mut items = source.count(100).await.unwrap();
    for i in 1..=100 {
        assert_eq!(items.next().await, Some(Ok(i)));
    }
    assert_eq!(items.next().await, None);
    assert_eq!(items.next().await, None, "an ended stream stays ended");
    // A `futures` stream as well; a synchronous handler's items too.
    let words: Vec<_> = source.repeat("hi".into(), 3).await.unwrap().collect().await;
    assert_eq!(
        words,
        [Ok("hi".to_owned()), Ok("hi".into()), Ok("hi".into())]
    );
    // The actor handles other messages once its handler returned.
    assert_eq!(source.whoami().await.unwrap(), source.id());
    system.shutdown().await;
}

on_both_runtimes!(a_slow_reader_holds_the_producer_at_the_buffer);
async fn a_slow_reader_holds_the_producer_at_the_buffer() {
    let system = system("streams-backpressure").await;
    let source = Source::default();
    let sent = source.sent.clone();
    let source: SourceRef = system.spawn("source", source).await.unwrap();
    let mut items = source.endless().await.unwrap();
    settles_at(&sent, STREAM_BUFFER).await;
    assert_eq!(items.next().await, Some(Ok(1)));
    settles_at(&sent, STREAM_BUFFER + 1).await;
    system.shutdown().await;
}

on_both_runtimes!(dropping_the_stream_stops_the_producer);
async fn dropping_the_stream_stops_the_producer() {
    let system = system("streams-cancel").await;
    let source = Source::default();
    let stopped = source.stopped.clone();
    let source: SourceRef = system.spawn("source", source).await.unwrap();
    let mut items = source.endless().await.unwrap();
    assert_eq!(items.next().await, Some(Ok(1)));
    drop(items);
    tokio::time::timeout(WITHIN, stopped.notified())
        .await
        .expect("the producer hears that nobody reads");
    system.shutdown().await;
}

on_both_runtimes!(a_handler_error_or_panic_ends_the_stream);
async fn a_handler_error_or_panic_ends_the_stream() {
    let system = system("streams-errors").await;
    let source: SourceRef = system.spawn("source", Source::default()).await.unwrap();
    let items: Vec<_> = source
        .fail_after(2, "dry".into())
        .await
        .unwrap()
        .collect()
        .await;
    assert_eq!(items, [Ok(1), Ok(2), Err(AskError::Handler("dry".into()))]);
    let items: Vec<_> = source.boom().await.unwrap().collect().await;
    assert_eq!(items, [Ok(1), Err(AskError::Failed("boom".into()))]);
    // Restarted by its supervisor, the actor streams on.
    let items: Vec<_> = source.count(1).await.unwrap().collect().await;
    assert_eq!(items, [Ok(1)]);
    system.shutdown().await;
}

on_both_runtimes!(a_stopped_actor_refuses_a_stream);
async fn a_stopped_actor_refuses_a_stream() {
    let system = system("streams-stopped").await;
    let source: SourceRef = system.spawn("source", Source::default()).await.unwrap();
    source.stop().await;
    assert!(matches!(source.count(3).await, Err(AskError::Stopped)));
    system.shutdown().await;
}

/// On the paused clock: the deadline of the whole stream.
#[tokio::test(start_paused = true)]
async fn the_deadline_ends_the_stream_and_stops_the_producer() {
    let system = system("streams-deadline").await;
    let source = Source::default();
    let stopped = source.stopped.clone();
    let source: SourceRef = system.spawn("source", source).await.unwrap();
    let mut items = source
        .endless()
        .timeout(Duration::from_millis(100))
        .await
        .unwrap();
    assert_eq!(items.next().await, Some(Ok(1)));
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert_eq!(
        items.next().await,
        Some(Err(AskError::Timeout(Duration::from_millis(100))))
    );
    assert_eq!(items.next().await, None);
    stopped.notified().await;
    system.shutdown().await;
}

on_both_runtimes!(a_pool_streams_from_one_routee);
async fn a_pool_streams_from_one_routee() {
    let system = system("streams-pool").await;
    let pool: SourceRef = system
        .spawn_pool("sources", Pool::new(2, Source::default))
        .await
        .unwrap();
    for _ in 0..4 {
        let items: Vec<_> = pool.count(3).await.unwrap().collect().await;
        assert_eq!(items, [Ok(1), Ok(2), Ok(3)]);
    }
    system.shutdown().await;
}
