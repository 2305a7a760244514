//! A plain actor: sync tell and ask handlers, a private helper, and the handle's own traits.

#![deny(warnings, missing_docs)]

use std::collections::HashSet;

use rakt::prelude::*;

/// Counts what it is told.
#[actor]
#[derive(Default)]
pub struct Counter {
    total: u64,
    log: Vec<String>,
}

#[actor]
impl Counter {
    /// Adds `by` to the total.
    pub fn add(&mut self, by: u64) {
        self.total += by;
        self.note(format!("add {by}"));
    }

    /// The current total.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// Several arguments, one of them `mut`, and a tuple type.
    pub fn add_pair(&mut self, mut pair: (u64, u64), times: u8) -> u64 {
        pair.0 *= u64::from(times);
        self.total += pair.0 + pair.1;
        self.total
    }

    /// `Self` in a reply type is the actor type.
    pub(crate) fn snapshot(&self) -> Option<Self> {
        Some(Counter {
            total: self.total,
            log: self.log.clone(),
        })
    }

    /// What the actor did.
    pub fn log(&self) -> Vec<String> {
        self.log.clone()
    }

    // A private method is a helper, not a handler.
    fn note(&mut self, line: String) {
        self.log.push(line);
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let system = ActorSystem::builder("plain").build().await?;
    let counter: CounterRef = system.spawn("counter", Counter::default()).await?;

    counter.add(1).await?;
    counter.add(2).await?;
    assert_eq!(counter.total().await?, 3);
    assert_eq!(counter.add_pair((2, 1), 3).await?, 10);
    let total = counter.total().timeout(Duration::from_millis(500)).await?;
    assert_eq!(total, 10);
    let snapshot = counter.snapshot().await?.expect("a snapshot");
    assert_eq!(snapshot.total, 10);
    assert_eq!(counter.log().await?, ["add 1", "add 2"]);

    // The handle: Clone, Eq, Hash, Debug and the `ActorHandle` methods.
    let copy = counter.clone();
    assert_eq!(copy, counter);
    let other: CounterRef = system.spawn("other", Counter::default()).await?;
    assert_ne!(other, counter);
    let set: HashSet<CounterRef> = [counter.clone(), copy, other.clone()].into_iter().collect();
    assert_eq!(set.len(), 2);
    assert!(format!("{counter:?}").starts_with("CounterRef("));
    assert_eq!(counter.path().name(), "counter");
    assert!(counter.is_alive());

    // The message enum is public and names its handler.
    let msg = CounterMsg::Add { by: 1 };
    assert_eq!(rakt::Message::name(&msg), "add");

    other.stop().await;
    assert!(!other.is_alive());
    assert!(matches!(other.total().await, Err(AskError::Stopped)));

    system.shutdown().await;
    Ok(())
}
