//! A deferred reply (`ReplySlot` argument, answered later from another handler) and the three
//! lifecycle hooks, sync and async, with and without the context, returning `()` or `Result`.

#![deny(warnings, missing_docs)]

use std::sync::{Arc, Mutex};

use rakt::prelude::*;

type Log = Arc<Mutex<Vec<String>>>;

/// The batch was closed.
#[derive(Debug, PartialEq)]
pub struct Closed;

impl std::fmt::Display for Closed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the batch is closed")
    }
}

/// Answers callers in batches.
#[actor]
pub struct Batcher {
    size: usize,
    items: Vec<u32>,
    waiting: Vec<ReplySlot<Vec<u32>, Closed>>,
    log: Log,
}

#[actor]
impl Batcher {
    /// Joins the batch; answers when the batch is full (or fails with `Closed`).
    pub fn join(&mut self, item: u32, slot: ReplySlot<Vec<u32>, Closed>) {
        self.items.push(item);
        self.waiting.push(slot);
        if self.items.len() == self.size {
            let batch = std::mem::take(&mut self.items);
            for slot in self.waiting.drain(..) {
                slot.send(batch.clone());
            }
        }
    }

    /// Closes the batch: every waiting caller gets `Closed`. Slot first, context after.
    pub async fn close(&mut self, reply: ReplySlot<usize>, ctx: &mut Ctx<Self>) {
        let n = self.waiting.len();
        for slot in self.waiting.drain(..) {
            slot.fail(Closed);
        }
        self.log
            .lock()
            .unwrap()
            .push(format!("closed {n} at {}", ctx.path().name()));
        reply.send(n);
    }

    /// How many callers wait for the batch.
    pub fn pending(&self) -> usize {
        self.waiting.len()
    }

    #[pre_start]
    async fn warm_up(&mut self, ctx: &mut Ctx<Self>) -> Result<(), std::io::Error> {
        tokio::task::yield_now().await;
        self.log
            .lock()
            .unwrap()
            .push(format!("pre_start {}", ctx.path().name()));
        Ok(())
    }

    #[post_start]
    fn started(&self) {
        self.log.lock().unwrap().push("post_start".to_owned());
    }

    /// A public hook is still a hook, not a handler.
    #[post_stop]
    pub async fn stopped(&mut self) {
        self.log.lock().unwrap().push("post_stop".to_owned());
    }
}

/// An actor whose `pre_start` fails: it never handles a message.
#[actor]
pub struct Broken;

#[actor]
impl Broken {
    /// Never answered.
    pub fn ping(&self) -> u8 {
        1
    }

    #[pre_start]
    fn refuse(&mut self) -> Result<(), String> {
        Err("no".to_owned())
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let system = ActorSystem::builder("deferred").build().await?;
    let log = Log::default();
    let batcher: BatcherRef = system
        .spawn(
            "batcher",
            Batcher {
                size: 3,
                items: Vec::new(),
                waiting: Vec::new(),
                log: log.clone(),
            },
        )
        .await?;

    // Three callers wait; the third completes the batch and all three get it.
    let (a, b, c) = tokio::join!(batcher.join(1), batcher.join(2), batcher.join(3));
    assert_eq!((a?, b?, c?), (vec![1, 2, 3], vec![1, 2, 3], vec![1, 2, 3]));

    // Two callers wait; closing fails them with the typed error.
    let waiting = {
        let b = batcher.clone();
        tokio::spawn(async move { tokio::join!(b.join(4), b.join(5)) })
    };
    while batcher.pending().await? < 2 {
        tokio::task::yield_now().await;
    }
    assert_eq!(batcher.close().await?, 2);
    let (d, e) = waiting.await?;
    assert_eq!(d, Err(AskError::Handler(Closed)));
    assert_eq!(e, Err(AskError::Handler(Closed)));

    batcher.stop().await;
    assert_eq!(
        *log.lock().unwrap(),
        [
            "pre_start batcher",
            "post_start",
            "closed 2 at batcher",
            "post_stop"
        ]
    );

    let broken: BrokenRef = system.spawn("broken", Broken).await?;
    assert!(matches!(broken.ping().await, Err(AskError::Stopped)));

    system.shutdown().await;
    Ok(())
}
