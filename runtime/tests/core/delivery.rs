//! What the runtime itself delivers (topic publications, termination notices, scheduled
//! messages) reaches a busy bounded actor whole and in order, without making the publisher wait.

use rakt::prelude::*;

/// A slow subscriber with a small bounded mailbox, recording what it gets.
#[actor(mailbox = bounded(2))]
#[derive(Default)]
pub struct Sink {
    items: Vec<u64>,
}

#[actor]
impl Sink {
    /// Takes its time over one item.
    pub async fn item(&mut self, item: u64) {
        for _ in 0..3 {
            tokio::task::yield_now().await;
        }
        self.items.push(item);
    }

    pub fn items(&self) -> Vec<u64> {
        self.items.clone()
    }
}

async fn publications_arrive_in_order() {
    let system = ActorSystem::builder("ordered").build().await.unwrap();
    let sink: SinkRef = system.spawn_anonymous(Sink::default()).await.unwrap();
    let topic = system.topic::<u64>("items").unwrap();
    topic.subscribe_actor(&sink, |item| SinkMsg::Item { item });
    for item in 0..300 {
        assert_eq!(topic.publish(item), 1, "the publisher never waits");
    }
    let items = loop {
        let items = sink.items().await.unwrap();
        if items.len() >= 300 {
            break items;
        }
        tokio::task::yield_now().await;
    };
    assert_eq!(items, (0..300).collect::<Vec<_>>());
    assert_eq!(system.dead_letter_count(), 0);
    system.shutdown().await;
}

#[tokio::test]
async fn publications_to_a_slow_bounded_subscriber_keep_their_order() {
    publications_arrive_in_order().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn publications_keep_their_order_on_two_threads() {
    publications_arrive_in_order().await;
}
