//! Pub/sub topics.

use futures_util::StreamExt;
use rakt::TopicError;
use rakt::prelude::*;

use crate::actors::{Counter, CounterMsg, CounterRef};

on_both_runtimes!(a_publication_reaches_every_actor_and_stream);
async fn a_publication_reaches_every_actor_and_stream() {
    let system = ActorSystem::builder("topics").build().await.unwrap();
    let prices: Topic<u64> = system.topic("prices").unwrap();
    let a: CounterRef = system.spawn("a", Counter::default()).await.unwrap();
    let b: CounterRef = system.spawn("b", Counter::default()).await.unwrap();
    prices.subscribe_actor(&a, |by| CounterMsg::Add { by });
    prices.subscribe_actor(&b, |by| CounterMsg::Add { by: by * 10 });
    let mut stream = system.topic::<u64>("prices").unwrap().subscribe();
    assert_eq!(prices.publish(1), 3);
    assert_eq!(prices.publish(2), 3);
    assert_eq!(a.seen().await.unwrap(), [1, 2]);
    assert_eq!(b.seen().await.unwrap(), [10, 20]);
    let first = tokio::time::timeout(Duration::from_secs(5), stream.next()).await;
    assert_eq!(first.unwrap(), Some(1));
    assert_eq!(stream.next().await, Some(2));
    assert_eq!(prices.name(), "prices");
    system.shutdown().await;
}

on_both_runtimes!(a_topic_name_has_one_type);
async fn a_topic_name_has_one_type() {
    let system = ActorSystem::builder("topic-types").build().await.unwrap();
    let _numbers: Topic<u64> = system.topic("numbers").unwrap();
    let words = system.topic::<String>("numbers");
    assert!(matches!(words, Err(TopicError::WrongType { .. })));
    system.shutdown().await;
}

on_both_runtimes!(unsubscribed_and_stopped_actors_stop_receiving);
async fn unsubscribed_and_stopped_actors_stop_receiving() {
    let system = ActorSystem::builder("topic-leave").build().await.unwrap();
    let news: Topic<u64> = system.topic("news").unwrap();
    let stays: CounterRef = system.spawn("stays", Counter::default()).await.unwrap();
    let leaves: CounterRef = system.spawn("leaves", Counter::default()).await.unwrap();
    let dies: CounterRef = system.spawn("dies", Counter::default()).await.unwrap();
    for actor in [&stays, &leaves, &dies] {
        news.subscribe_actor(actor, |by| CounterMsg::Add { by });
    }
    assert_eq!(news.publish(1), 3);
    news.unsubscribe_actor(&leaves);
    dies.stop().await;
    // The stopped subscriber is found out (and dropped) on the next publication.
    assert_eq!(news.publish(2), 1);
    assert_eq!(news.actor_subscribers(), 1);
    assert_eq!(stays.seen().await.unwrap(), [1, 2]);
    assert_eq!(leaves.seen().await.unwrap(), [1]);
    assert_eq!(
        system.dead_letter_count(),
        1,
        "the publication to the stopped actor"
    );
    system.shutdown().await;
}

on_both_runtimes!(a_subscriber_closure_may_use_its_own_topic);
/// A subscriber's closure ran while the topic was locked, so one that used the same topic
/// (publishing, subscribing, unsubscribing) deadlocked.
async fn a_subscriber_closure_may_use_its_own_topic() {
    let system = ActorSystem::builder("topic-reentrant")
        .build()
        .await
        .unwrap();
    let chain: Topic<u64> = system.topic("chain").unwrap();
    let first: CounterRef = system.spawn("first", Counter::default()).await.unwrap();
    let leaver: CounterRef = system.spawn("leaver", Counter::default()).await.unwrap();
    let late: CounterRef = system.spawn("late", Counter::default()).await.unwrap();
    let (topic, joins) = (chain.clone(), late.clone());
    chain.subscribe_actor(&first, move |n| {
        if n == 1 {
            topic.subscribe_actor(&joins, |n| CounterMsg::Add { by: n * 10 });
        }
        if n < 3 {
            topic.publish(n + 1);
        }
        CounterMsg::Add { by: n }
    });
    let (topic, leaves) = (chain.clone(), leaver.clone());
    chain.subscribe_actor(&leaver, move |n| {
        if n == 2 {
            topic.unsubscribe_actor(&leaves);
        }
        CounterMsg::Add { by: n }
    });
    // On a thread of its own: before the fix, it never returned.
    let (done, published) = tokio::sync::oneshot::channel();
    let outer = chain.clone();
    std::thread::spawn(move || done.send(outer.publish(1)));
    let reached = tokio::time::timeout(Duration::from_secs(10), published)
        .await
        .expect("the publication completes")
        .unwrap();
    // Delivering 1 to `first` publishes 2, and delivering 2 publishes 3, each to the
    // subscribers of its moment: `late` joined before 2, `leaver` left on 2.
    assert_eq!(first.seen().await.unwrap(), [3, 2, 1]);
    assert_eq!(late.seen().await.unwrap(), [30, 20]);
    assert_eq!(leaver.seen().await.unwrap(), [3, 2]);
    assert_eq!(reached, 1, "1 reached `first` alone: `leaver` had left");
    assert_eq!(chain.actor_subscribers(), 2);
    system.shutdown().await;
}
