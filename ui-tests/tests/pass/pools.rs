//! Router pools and the route markers: `#[route(broadcast)]` reaches every routee,
//! `#[route(key = ..)]` sends one key to one routee (tells, asks and deferred asks alike), and
//! an ask copied for scatter-gather answers once. Also the generated `Message` methods the
//! pool calls, on messages built by hand.

#![deny(warnings, missing_docs)]

use std::hash::Hash;

use rakt::prelude::*;
use rakt::Message;

/// Not `Clone`: a message that carries one cannot be copied.
#[derive(Debug)]
pub struct Token;

/// Remembers what reached it.
#[actor]
#[derive(Default)]
pub struct Worker {
    epochs: Vec<u32>,
    visits: Vec<String>,
    asked: u32,
}

#[actor]
impl Worker {
    /// Every routee starts epoch `epoch`.
    #[route(broadcast)]
    pub fn reset(&mut self, epoch: u32, reason: String) {
        assert!(!reason.is_empty());
        self.epochs.push(epoch);
    }

    /// Records a visit of `user`, and says how many visits this routee has seen.
    #[route(key = user)]
    pub fn visit(&mut self, page: u32, user: String) -> usize {
        assert!(page > 0);
        self.visits.push(user);
        self.visits.len()
    }

    /// How often `user` visited this routee; a deferred ask, keyed like `visit`.
    #[route(key = user)]
    pub fn visits_of(&mut self, user: String, reply: ReplySlot<usize>) {
        reply.send(self.visits.iter().filter(|v| **v == user).count());
    }

    /// Forgets the visits of `user`; a keyed tell.
    #[route(key = user)]
    pub fn forget(&mut self, user: String) {
        self.visits.retain(|v| *v != user);
    }

    /// A plain ask: under scatter-gather every routee is asked, one answer comes back.
    pub fn load(&mut self) -> u32 {
        self.asked += 1;
        7
    }

    /// Takes a `Token`, which is not `Clone`.
    pub fn hand_over(&mut self, token: Token) {
        let Token = token;
    }

    /// What reached this routee.
    pub fn seen(&self) -> (Vec<u32>, Vec<String>, u32) {
        (self.epochs.clone(), self.visits.clone(), self.asked)
    }
}

/// A generic actor: its key and broadcast types are `Hash` and `Clone` by the impl's bounds.
#[actor]
pub struct Shard<K> {
    keys: Vec<K>,
}

#[actor]
impl<K: Hash + Clone + Send + 'static> Shard<K> {
    /// Stores `key` on the routee that owns it.
    #[route(key = key)]
    pub fn store(&mut self, key: K) {
        self.keys.push(key);
    }

    /// Every routee keeps only `keep`.
    #[route(broadcast)]
    pub fn retain(&mut self, keep: Vec<K>) {
        self.keys = keep;
    }

    /// How many keys this routee holds.
    pub fn len(&self) -> usize {
        self.keys.len()
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The generated methods, on tells built by hand.
    let mut reset = WorkerMsg::Reset {
        epoch: 1,
        reason: "deploy".to_owned(),
    };
    assert!(reset.is_broadcast());
    assert!(!reset.is_answered());
    assert_eq!(reset.route_key(), None);
    let copy = reset.duplicate().expect("`u32` and `String` are `Clone`");
    assert_eq!(copy.describe().as_deref(), Some("reset { epoch: 1, reason: \"deploy\" }"));
    let mut token = WorkerMsg::HandOver { token: Token };
    assert!(!token.is_broadcast());
    assert!(token.duplicate().is_none(), "a `Token` cannot be copied");
    let forget = |user: &str| WorkerMsg::Forget {
        user: user.to_owned(),
    };
    assert!(forget("ann").route_key().is_some());
    assert_eq!(forget("ann").route_key(), forget("ann").route_key());
    assert_ne!(forget("ann").route_key(), forget("bob").route_key());

    let system = ActorSystem::builder("pools").build().await?;
    let pool: WorkerRef = system
        .spawn_pool_anonymous(Pool::new(3, Worker::default).routing(Routing::consistent_hash()))
        .await?;
    let routees = pool.pool().expect("a pool").routees();
    assert_eq!(routees.len(), 3);

    // A broadcast reaches every routee, whatever the strategy.
    pool.reset(7, "deploy".to_owned()).await?;
    for routee in &routees {
        assert_eq!(routee.seen().await?.0, vec![7]);
    }

    // One key, one routee: the second visit of `ann` finds the first one.
    assert_eq!(pool.visit(1, "ann".to_owned()).await?, 1);
    assert_eq!(pool.visit(2, "ann".to_owned()).await?, 2);
    assert_eq!(pool.visits_of("ann".to_owned()).await?, 2);
    let mut holders = 0;
    for routee in &routees {
        let (_, visits, _) = routee.seen().await?;
        if !visits.is_empty() {
            assert_eq!(visits, ["ann", "ann"]);
            holders += 1;
        }
    }
    assert_eq!(holders, 1, "both visits of `ann` went to one routee");

    // Scatter-gather: every routee is asked, the caller gets one answer.
    let gather: WorkerRef = system
        .spawn_pool_anonymous(Pool::new(3, Worker::default).routing(Routing::ScatterGather))
        .await?;
    assert_eq!(gather.load().await?, 7);
    for routee in gather.pool().expect("a pool").routees() {
        assert_eq!(routee.seen().await?.2, 1, "every routee was asked");
    }

    // A generic pool: a broadcast empties every routee, a key fills one.
    let shards: ShardRef<u64> = system
        .spawn_pool_anonymous(Pool::new(2, || Shard { keys: vec![0u64] }).routing(Routing::consistent_hash()),
        )
        .await?;
    let shard_routees = shards.pool().expect("a pool").routees();
    shards.retain(Vec::new()).await?;
    shards.store(42).await?;
    shards.store(42).await?;
    let mut lens = Vec::new();
    for routee in &shard_routees {
        lens.push(routee.len().await?);
    }
    lens.sort_unstable();
    assert_eq!(lens, [0, 2]);

    system.shutdown().await;
    Ok(())
}
