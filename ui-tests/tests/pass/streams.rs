//! Streaming handlers (`StreamSlot` arguments): sync and async, with the context, with a typed
//! error, handing the slot to a task, panicking, in a state machine with an alternative and an
//! unhandled state, stashed until its state comes, and on a remote actor, whose items go through the wire codecs the way a
//! transport carries them.

#![deny(warnings, missing_docs)]

use std::pin::Pin;

use futures_util::StreamExt;
use rakt::prelude::*;
use rakt::wire::{Call, RemoteActor, Response, Settler, StreamPiece};

/// The feed closed.
#[derive(Debug, PartialEq)]
pub struct Gone;

/// A feed of entries.
#[actor]
pub struct Feed {
    entries: Vec<String>,
}

#[actor]
impl Feed {
    /// The positions from `from` on; a sync handler whose stream cannot fail.
    pub fn positions(&self, from: usize, mut items: StreamSlot<usize>) {
        for position in from..self.entries.len() {
            items.try_send(position).expect("the stream has room");
        }
    }

    /// The entries that contain `pattern`, then `Gone` if `fail`; the context first and the
    /// slot in the middle.
    pub async fn search(
        &mut self,
        ctx: &mut Ctx<Self>,
        mut matches: StreamSlot<String, Gone>,
        pattern: String,
        fail: bool,
    ) {
        assert_eq!(ctx.path().name(), "feed");
        for entry in &self.entries {
            if entry.contains(&pattern) && matches.send(entry.clone()).await.is_err() {
                return;
            }
        }
        if fail {
            matches.fail(Gone);
        }
    }

    /// Counts to `n` from a task of its own; the actor is free meanwhile.
    pub fn count(&self, n: u32, mut items: StreamSlot<u32>) {
        tokio::spawn(async move {
            for i in 1..=n {
                if items.send(i).await.is_err() {
                    return;
                }
            }
        });
    }

    /// How many entries there are.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Sends one item, then panics.
    pub fn broken(&self, mut items: StreamSlot<u32>) {
        items.try_send(7).expect("the stream has room");
        panic!("broken on purpose");
    }
}

/// A gate's states.
#[derive(Debug)]
pub enum Door {
    /// Open.
    Open,
    /// Shut.
    Shut,
    /// Locked.
    Locked,
}

/// A gate that streams who went through while open.
#[actor]
pub struct Gate {
    visitors: Vec<String>,
}

#[actor(states = Door, initial = Open, unhandled = reply)]
impl Gate {
    /// The visitors; in state `Open`.
    #[state(Open)]
    pub fn visitors(&self, mut names: StreamSlot<String, String>) {
        for name in &self.visitors {
            names.try_send(name.clone()).expect("the stream has room");
        }
    }

    /// `visitors` while shut: the stream fails at once.
    #[handles(visitors)]
    #[state(Shut)]
    async fn visitors_while_shut(&self, names: StreamSlot<String, String>) {
        names.fail("shut".to_owned());
    }

    /// Moves to `door`.
    pub fn set(&mut self, door: u8, ctx: &mut Ctx<Self>) {
        ctx.become_state(match door {
            0 => Door::Open,
            1 => Door::Shut,
            _ => Door::Locked,
        });
    }
}

/// A queue's phases.
#[derive(Debug)]
pub enum Phase {
    /// Not serving yet.
    Waiting,
    /// Serving.
    Serving,
}

/// Streams its items once it serves; a request that comes before waits in the stash.
#[actor]
pub struct Queue {
    items: Vec<u32>,
}

#[actor(states = Phase, initial = Waiting, unhandled = stash)]
impl Queue {
    /// The items, taken; only while serving.
    #[state(Serving)]
    pub fn take(&mut self, mut items: StreamSlot<u32>) {
        for item in self.items.drain(..) {
            items.try_send(item).expect("the stream has room");
        }
    }

    /// Starts serving: the stashed requests are handled now.
    pub fn serve(&mut self, ctx: &mut Ctx<Self>) {
        ctx.become_state(Phase::Serving);
        ctx.unstash_all();
    }
}

/// One ledger entry, a prost message.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Entry {
    /// The amount.
    #[prost(uint64, tag = "1")]
    pub amount: u64,
}

/// A remote ledger.
#[actor]
pub struct Ledger {
    entries: Vec<Entry>,
}

#[actor(remote = "bank.v1")]
impl Ledger {
    /// The entries of `account`, oldest first; fails for an unknown account after sending
    /// nothing.
    pub async fn history(&self, account: String, mut items: StreamSlot<Entry, String>) {
        if account != "alice" {
            items.fail(format!("no account {account}"));
            return;
        }
        for entry in &self.entries {
            if items.send(entry.clone()).await.is_err() {
                return;
            }
        }
    }

    /// The amounts above `min`; a sync handler whose stream cannot fail.
    pub fn amounts(&self, mut items: StreamSlot<u64>, min: u64) {
        for entry in self.entries.iter().filter(|e| e.amount > min) {
            items.try_send(entry.amount).expect("the stream has room");
        }
    }
}

/// Asks `ledger` for a stream the way a remote handle does: the caller's message is encoded,
/// decoded at the actor's end and served there, and each encoded piece of the served stream
/// settles the caller's stream, from a task of its own.
async fn over_the_wire<T, E>(
    ledger: &LedgerRef,
    make: impl FnOnce(StreamSlot<T, E>) -> LedgerMsg,
) -> ReplyStream<T, E>
where
    T: Send + 'static,
    E: std::fmt::Debug + Send + 'static,
{
    let mut ends = None;
    let stream = rakt::__private::ask_stream(ledger.actor_ref(), |slot| {
        let (method, payload, settler) = Ledger::encode_call(make(slot)).into_parts();
        let call: Call<Ledger> = Ledger::decode_call(method, &payload).unwrap();
        let (served, response) = call.into_parts();
        ends = Some((settler, response));
        served
    })
    .await
    .unwrap();
    let Some((Settler::Stream(mut settler), Response::Stream(mut pieces))) = ends else {
        panic!("a streaming method streams on both ends");
    };
    assert_eq!(pieces.window(), settler.window());
    tokio::spawn(async move {
        while let Some(piece) = Pin::new(&mut pieces).next().await {
            match piece {
                StreamPiece::Item(bytes) => settler.item(&bytes).unwrap(),
                StreamPiece::End(bytes) => return settler.end(Ok(&bytes)).unwrap(),
                StreamPiece::Failed(error) => return settler.end(Err(error)).unwrap(),
            }
        }
    });
    stream
}

/// Every item of `stream`, and how it ended.
async fn drain<T, E>(mut stream: ReplyStream<T, E>) -> (Vec<T>, Option<AskError<E>>) {
    let mut items = Vec::new();
    while let Some(item) = stream.next().await {
        match item {
            Ok(item) => items.push(item),
            Err(error) => return (items, Some(error)),
        }
    }
    (items, None)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let system = ActorSystem::builder("streams").build().await.unwrap();

    // Local streams.
    let entries = ["apple", "banana", "cherry", "apricot"].map(String::from).to_vec();
    let feed: FeedRef = system.spawn("feed", Feed { entries }).await.unwrap();
    let positions: Vec<usize> = feed
        .positions(1)
        .await
        .unwrap()
        .map(|item| item.unwrap())
        .collect()
        .await;
    assert_eq!(positions, [1, 2, 3]);

    let mut matches = feed.search("ap".to_owned(), true).await.unwrap();
    assert_eq!(matches.next().await.unwrap().unwrap(), "apple");
    assert_eq!(matches.next().await.unwrap().unwrap(), "apricot");
    assert!(matches!(matches.next().await, Some(Err(AskError::Handler(Gone)))));
    assert!(matches.next().await.is_none(), "nothing after the error");

    let mut clean = feed.search("an".to_owned(), false).await.unwrap();
    assert_eq!(clean.next().await.unwrap().unwrap(), "banana");
    assert!(clean.next().await.is_none());

    let mut counted = feed.count(40).await.unwrap();
    assert_eq!(feed.len().await.unwrap(), 4, "the actor is free while the task sends");
    let mut n = 0;
    while let Some(i) = counted.next().await {
        n += 1;
        assert_eq!(i.unwrap(), n);
    }
    assert_eq!(n, 40, "more than the stream's buffer, sent as the caller reads");

    // The caller drops the stream early: the producer's `send` fails and it stops.
    let mut early = feed.count(1000).await.unwrap();
    assert_eq!(early.next().await.unwrap().unwrap(), 1);
    drop(early);

    let mut broken = feed.broken().await.unwrap();
    assert_eq!(broken.next().await.unwrap().unwrap(), 7);
    assert!(matches!(broken.next().await, Some(Err(AskError::Failed(_)))));

    // A state machine: the handler, its alternative, and an unhandled state.
    let gate: GateRef = system
        .spawn("gate", Gate { visitors: vec!["ann".to_owned()] })
        .await
        .unwrap();
    let mut names = gate.visitors().await.unwrap();
    assert_eq!(names.next().await.unwrap().unwrap(), "ann");
    assert!(names.next().await.is_none());
    gate.set(1).await.unwrap();
    let mut names = gate.visitors().await.unwrap();
    assert!(matches!(names.next().await, Some(Err(AskError::Handler(e))) if e == "shut"));
    gate.set(2).await.unwrap();
    let mut names = gate.visitors().await.unwrap();
    assert!(matches!(names.next().await, Some(Err(AskError::Unhandled { .. }))));

    // A stashed streaming ask is handled once its state comes.
    let queue: QueueRef = system.spawn("queue", Queue { items: vec![1, 2] }).await.unwrap();
    let mut early = queue.take().await.unwrap();
    queue.serve().await.unwrap();
    assert_eq!(early.next().await.unwrap().unwrap(), 1);
    assert_eq!(early.next().await.unwrap().unwrap(), 2);
    assert!(early.next().await.is_none());

    // A remote actor's streams, through the wire codecs.
    assert_eq!(Ledger::METHODS.len(), 2);
    assert!(Ledger::METHODS.iter().all(|m| m.stream));
    assert!(Ledger::PROTO.contains("returns (stream LedgerHistoryReply);"));
    let entries = [5, 50, 500].map(|amount| Entry { amount }).to_vec();
    let ledger: LedgerRef = system.spawn("ledger", Ledger { entries }).await.unwrap();
    let alice = over_the_wire(&ledger, |reply| LedgerMsg::History {
        account: "alice".to_owned(),
        reply,
    })
    .await;
    let (items, end) = drain(alice).await;
    assert_eq!(items, [5, 50, 500].map(|amount| Entry { amount }));
    assert!(end.is_none(), "a clean end");
    let bob = over_the_wire(&ledger, |reply| LedgerMsg::History {
        account: "bob".to_owned(),
        reply,
    })
    .await;
    let (items, end) = drain(bob).await;
    assert!(items.is_empty());
    assert!(matches!(end, Some(AskError::Handler(e)) if e == "no account bob"), "typed");
    let amounts = over_the_wire(&ledger, |reply| LedgerMsg::Amounts { min: 10, reply }).await;
    assert_eq!(drain(amounts).await, (vec![50, 500], None));
    // The handle method, locally.
    assert_eq!(drain(ledger.amounts(100).await.unwrap()).await, (vec![500], None));
    system.shutdown().await;
}
