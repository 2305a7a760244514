//! Actors across nodes (feature `remote`): two actor systems in one process, each with a node
//! on 127.0.0.1 port 0, one serving a registered kind and the other calling it through the
//! actor's own typed handle.
//!
//! Real sockets need real time, so nothing here runs on the paused clock; every wait is
//! bounded and the evidence is an outcome (a reply, a typed error, a `Terminated`), never the
//! time a sleep took.

use std::collections::HashSet;
use std::time::Duration;

use futures_util::StreamExt;
use prost::bytes::Bytes;
use rakt::prelude::*;
use rakt::remote::proto::v1::ActorAddress;
use rakt::remote::{NodeConfig, RemoteError, Remoting, StartError, parse_address};
use tokio::sync::mpsc;
use tokio::time::timeout;

/// How long any one outcome may take before a test fails.
const WITHIN: Duration = Duration::from_secs(10);

/// Runs each test on a multi-thread runtime and on a single thread.
macro_rules! on_both_runtimes {
    ($($name:ident),* $(,)?) => {
        mod multi_thread {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name().await;
                }
            )*
        }

        mod current_thread {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name().await;
                }
            )*
        }
    };
}

on_both_runtimes!(
    tells_keep_their_order_and_asks_answer,
    errors_travel_typed,
    lookups_that_find_nothing_usable_are_typed_errors,
    remote_handles_compare_by_the_remote_actor,
    a_remote_stop_stops_the_actor,
    a_node_gone_mid_ask_fails_the_ask_promptly,
    watching_a_remote_actor_hears_of_its_stop,
    watching_a_remote_actor_hears_of_its_node_going_away,
    registered_kinds_spawn_remotely,
    the_callers_timeout_travels_with_the_ask,
    a_tell_to_a_node_that_went_away_is_a_dead_letter,
    a_node_that_cannot_start_fails_the_build,
    a_name_taken_again_reaches_the_new_actor,
);

/// Records values; served remotely.
#[actor]
#[derive(Default)]
pub struct Log {
    seen: Vec<u64>,
}

#[actor(remote = "test.v1")]
impl Log {
    /// Records `value` (a tell).
    pub fn push(&mut self, value: u64) {
        self.seen.push(value);
    }

    /// What was recorded, in order.
    pub fn seen(&self) -> Vec<u64> {
        self.seen.clone()
    }

    /// `by` added to the count of values, unless it is 0.
    pub fn checked(&self, by: u64) -> Result<u64, String> {
        if by == 0 {
            return Err("zero".to_owned());
        }
        Ok(self.seen.len() as u64 + by)
    }

    /// Answers after `ms` milliseconds.
    pub async fn slow(&self, ms: u64) -> u64 {
        tokio::time::sleep(Duration::from_millis(ms)).await;
        ms
    }

    /// Panics.
    pub fn boom(&self) -> u64 {
        panic!("boom")
    }
}

/// Another registered kind.
#[actor]
#[derive(Default)]
pub struct Other;

#[actor(remote = "test.v1")]
impl Other {
    /// Nothing.
    pub fn ping(&self) {}
}

/// A remote actor whose kind the server does not register.
#[actor]
#[derive(Default)]
pub struct Unregistered;

#[actor(remote = "test.v1")]
impl Unregistered {
    /// Nothing.
    pub fn ping(&self) {}
}

/// Hears of the actors it watches through `tx`.
#[actor]
pub struct Watcher {
    tx: mpsc::UnboundedSender<Terminated>,
}

#[actor]
impl Watcher {
    /// Watches `target`.
    pub fn watch(&mut self, target: LogRef, ctx: &mut Ctx<Self>) {
        ctx.watch(&target, |gone| WatcherMsg::Ended { gone });
    }

    /// A watched actor ended.
    pub fn ended(&mut self, gone: Terminated) {
        let _ = self.tx.send(gone);
    }
}

/// A system named `name` with a node on 127.0.0.1, port 0.
async fn node(name: &str) -> (ActorSystem, Remoting) {
    let system = ActorSystem::builder(name)
        .quiet_panics()
        .build()
        .await
        .unwrap();
    let config = NodeConfig::builder(name)
        .listen("127.0.0.1", 0)
        .build()
        .unwrap();
    let remoting = Remoting::start(&system, config).await.unwrap();
    (system, remoting)
}

/// A server with a `Log` named `log` (restarted on failure), and a client.
async fn pair() -> (ActorSystem, Remoting, LogRef, ActorSystem) {
    let (server, remoting) = node("server").await;
    server.register::<Log>();
    server.register::<Other>();
    let log: LogRef = server
        .spawn_supervised("log", Log::default(), Supervision::restart())
        .await
        .unwrap();
    let (client, _) = node("client").await;
    (server, remoting, log, client)
}

async fn remote_log(client: &ActorSystem, remoting: &Remoting) -> LogRef {
    timeout(
        WITHIN,
        client.lookup_remote(&remoting.actor_address("/user/log")),
    )
    .await
    .unwrap()
    .unwrap()
}

async fn tells_keep_their_order_and_asks_answer() {
    let (server, remoting, local, client) = pair().await;
    let log = remote_log(&client, &remoting).await;
    assert_eq!(
        log.path().as_str(),
        remoting.actor_address("/user/log"),
        "a remote handle's path is its remote address"
    );
    for value in 0..200 {
        log.push(value).await.unwrap();
    }
    log.push(200).try_send().unwrap();
    log.actor_ref()
        .tell_batch((201..300).map(|value| LogMsg::Push { value }))
        .await
        .unwrap();
    let seen = timeout(WITHIN, log.seen()).await.unwrap().unwrap();
    assert_eq!(seen, (0..300).collect::<Vec<_>>());
    assert_eq!(local.seen().await.unwrap().len(), 300, "the same actor");
    let replies = log
        .actor_ref()
        .ask_batch((1..=3).map(|by| move |reply| LogMsg::Checked { by, reply }))
        .await;
    let replies: Vec<u64> = replies.into_iter().map(Result::unwrap).collect();
    assert_eq!(replies, [301, 302, 303]);
    let pending = log.checked(4).try_send().unwrap();
    assert_eq!(timeout(WITHIN, pending).await.unwrap(), Ok(304));
    client.shutdown().await;
    server.shutdown().await;
}

async fn errors_travel_typed() {
    let (server, remoting, _local, client) = pair().await;
    let log = remote_log(&client, &remoting).await;
    // The handler's own error.
    assert_eq!(
        log.checked(0).await,
        Err(AskError::Handler("zero".to_owned()))
    );
    // The caller's timeout.
    let slow = log.slow(2_000).timeout(Duration::from_millis(50)).await;
    assert_eq!(slow, Err(AskError::Timeout(Duration::from_millis(50))));
    // A panic on the remote node: a typed failure here, and the node (and, restarted, the
    // actor) goes on serving.
    assert!(matches!(log.boom().await, Err(AskError::Failed(why)) if why.contains("boom")));
    assert_eq!(timeout(WITHIN, log.checked(1)).await.unwrap(), Ok(1));
    client.shutdown().await;
    server.shutdown().await;
}

async fn lookups_that_find_nothing_usable_are_typed_errors() {
    let (server, remoting, _local, client) = pair().await;
    let _unregistered: UnregisteredRef = server.spawn("plain", Unregistered).await.unwrap();
    let nobody = client
        .lookup_remote::<LogRef>(&remoting.actor_address("/user/nobody"))
        .await;
    assert!(
        matches!(nobody, Err(RemoteError::UnknownActor { .. })),
        "{nobody:?}"
    );
    let wrong = client
        .lookup_remote::<OtherRef>(&remoting.actor_address("/user/log"))
        .await;
    assert_eq!(
        wrong,
        Err(RemoteError::WrongKind {
            expected: "test.v1.Other",
            found: "test.v1.Log".to_owned()
        })
    );
    let plain = client
        .lookup_remote::<UnregisteredRef>(&remoting.actor_address("/user/plain"))
        .await;
    assert!(
        matches!(plain, Err(RemoteError::UnknownKind { .. })),
        "{plain:?}"
    );
    let malformed = client
        .lookup_remote::<LogRef>("rakt://server@127.0.0.1/user/log")
        .await;
    assert!(matches!(malformed, Err(RemoteError::InvalidAddress { .. })));
    let unstarted = ActorSystem::builder("bare").build().await.unwrap();
    let bare = unstarted
        .lookup_remote::<LogRef>(&remoting.actor_address("/user/log"))
        .await;
    assert_eq!(bare, Err(RemoteError::NotStarted));
    // A method the actor lacks and bytes that are not its arguments: typed, for that call.
    let remote = Remoting::of(&client).unwrap();
    let target: ActorAddress = parse_address(&remoting.actor_address("/user/log")).unwrap();
    let unknown = remote
        .node()
        .ask(&target, "test.v1.Log/Nope", Bytes::new(), WITHIN)
        .await;
    assert!(
        matches!(unknown, Err(RemoteError::UnknownMethod { .. })),
        "{unknown:?}"
    );
    let garbage = remote
        .node()
        .ask(
            &target,
            "test.v1.Log/Checked",
            Bytes::from_static(&[0x0a, 0x09]),
            WITHIN,
        )
        .await;
    assert!(
        matches!(garbage, Err(RemoteError::MalformedPayload { .. })),
        "{garbage:?}"
    );
    // A tell that does not decode is a dead letter on the serving system.
    let mut events = server.events();
    remote
        .node()
        .tell(&target, "test.v1.Log/Nope", Bytes::new())
        .unwrap();
    let dead = timeout(WITHIN, async {
        loop {
            if let Some(Event::DeadLetter(dead)) = events.next().await {
                return dead;
            }
        }
    })
    .await
    .unwrap();
    assert!(
        matches!(dead.reason, DeadLetterReason::Remote { .. }),
        "{dead:?}"
    );
    // One node per system, named after it.
    let again = Remoting::start(
        &client,
        NodeConfig::builder("client")
            .listen("127.0.0.1", 0)
            .build()
            .unwrap(),
    )
    .await;
    assert!(matches!(again, Err(StartError::AlreadyStarted)));
    let misnamed = Remoting::start(
        &unstarted,
        NodeConfig::builder("other")
            .listen("127.0.0.1", 0)
            .build()
            .unwrap(),
    )
    .await;
    assert!(matches!(misnamed, Err(StartError::SystemName { .. })));
    client.shutdown().await;
    server.shutdown().await;
}

async fn remote_handles_compare_by_the_remote_actor() {
    let (server, remoting, local, client) = pair().await;
    let one = remote_log(&client, &remoting).await;
    let two = remote_log(&client, &remoting).await;
    assert_eq!(one, two, "two lookups of one actor are equal");
    let set: HashSet<LogRef> = [one.clone(), two.clone()].into_iter().collect();
    assert_eq!(set.len(), 1);
    assert_ne!(one, local, "a remote handle never equals a local one");
    let here: LogRef = client.spawn("log", Log::default()).await.unwrap();
    assert_ne!(one, here);
    client.shutdown().await;
    server.shutdown().await;
}

async fn a_remote_stop_stops_the_actor() {
    let (server, remoting, local, client) = pair().await;
    let log = remote_log(&client, &remoting).await;
    assert!(log.is_alive());
    timeout(WITHIN, log.stop()).await.unwrap();
    assert!(!log.is_alive());
    timeout(WITHIN, local.stop()).await.unwrap();
    assert!(
        server.lookup::<LogRef>("log").is_none(),
        "stopped on its node"
    );
    assert_eq!(log.push(1).await, Err(SendError::Stopped));
    assert_eq!(log.seen().await, Err(AskError::Stopped));
    client.shutdown().await;
    server.shutdown().await;
}

async fn a_node_gone_mid_ask_fails_the_ask_promptly() {
    let (server, remoting, _local, client) = pair().await;
    let log = remote_log(&client, &remoting).await;
    let asked =
        tokio::spawn(async move { log.slow(60_000).timeout(Duration::from_secs(60)).await });
    tokio::time::sleep(Duration::from_millis(100)).await;
    remoting.node().shutdown().await;
    let outcome = timeout(WITHIN, asked).await.expect("no hang").unwrap();
    assert!(matches!(outcome, Err(AskError::Remote(_))), "{outcome:?}");
    client.shutdown().await;
    // The server's actor is still in its minute-long handler: the system is dropped, not
    // shut down.
    drop(server);
}

/// A watcher on the client, watching the remote `log`; its notices arrive on the receiver.
async fn watching(client: &ActorSystem, log: &LogRef) -> mpsc::UnboundedReceiver<Terminated> {
    let (tx, rx) = mpsc::unbounded_channel();
    let watcher: WatcherRef = client.spawn_anonymous(Watcher { tx }).await.unwrap();
    watcher.watch(log.clone()).await.unwrap();
    rx
}

async fn watching_a_remote_actor_hears_of_its_stop() {
    let (server, remoting, local, client) = pair().await;
    let log = remote_log(&client, &remoting).await;
    let mut ended = watching(&client, &log).await;
    // Stopped on its own node, by a local handle there.
    timeout(WITHIN, local.stop()).await.unwrap();
    let gone = timeout(WITHIN, ended.recv()).await.unwrap().unwrap();
    assert_eq!(gone.reason, StopReason::Stopped);
    assert_eq!(gone.path.as_str(), remoting.actor_address("/user/log"));
    assert_eq!(gone.id, log.id());
    assert!(!log.is_alive(), "the handle knows");
    client.shutdown().await;
    server.shutdown().await;
}

async fn watching_a_remote_actor_hears_of_its_node_going_away() {
    let (server, remoting, _local, client) = pair().await;
    let log = remote_log(&client, &remoting).await;
    let mut ended = watching(&client, &log).await;
    // Let the watch reach the server before it goes: a watch that starts after is refused
    // as unreachable too, so either way the notice says so.
    remoting.node().shutdown().await;
    let gone = timeout(WITHIN, ended.recv()).await.unwrap().unwrap();
    assert!(
        matches!(gone.reason, StopReason::Unreachable(_)),
        "{gone:?}"
    );
    assert!(!log.is_alive());
    // The handle says why it no longer sends.
    assert!(matches!(log.seen().await, Err(AskError::Remote(_))));
    assert_eq!(log.push(1).await, Err(SendError::Unreachable));
    client.shutdown().await;
    server.shutdown().await;
}

/// The constructor arguments of a remotely spawned `Log`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Seed {
    /// The values the log starts with.
    #[prost(uint64, repeated, tag = "1")]
    pub values: Vec<u64>,
}

/// Field 1 with another wire type than `Seed`'s: not a `Seed`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct NotASeed {
    /// A fixed-width field where `Seed` has varints.
    #[prost(fixed64, tag = "1")]
    pub values: u64,
}

async fn registered_kinds_spawn_remotely() {
    let (server, remoting) = node("server").await;
    server.register_spawn(|seed: Seed| Log { seen: seed.values });
    server.register_default::<Other>();
    server.register::<Unregistered>();
    let (client, _) = node("client").await;
    let at = rakt::remote::node_address_text(remoting.address());
    let log: LogRef = timeout(
        WITHIN,
        client.spawn_remote(&at, "seeded", Seed { values: vec![4, 5] }),
    )
    .await
    .unwrap()
    .unwrap();
    log.push(6).await.unwrap();
    assert_eq!(log.seen().await.unwrap(), [4, 5, 6]);
    let local = server
        .lookup::<LogRef>("seeded")
        .expect("spawned on the server");
    assert_eq!(local.seen().await.unwrap(), [4, 5, 6]);
    assert_eq!(
        log,
        remote_log_at(&client, &remoting, "/user/seeded").await,
        "the spawned handle is the looked-up one"
    );
    let other: OtherRef = client.spawn_remote(&at, "other", ()).await.unwrap();
    other.ping().await.unwrap();
    // What cannot be spawned: typed errors.
    let taken = client.spawn_remote::<OtherRef, _>(&at, "other", ()).await;
    assert!(
        matches!(taken, Err(RemoteError::NameTaken { .. })),
        "{taken:?}"
    );
    let plain = client
        .spawn_remote::<UnregisteredRef, _>(&at, "plain", ())
        .await;
    assert!(
        matches!(plain, Err(RemoteError::UnknownKind { .. })),
        "{plain:?}"
    );
    let bad = client
        .spawn_remote::<LogRef, _>(&at, "bad", NotASeed { values: 1 })
        .await;
    assert!(
        matches!(bad, Err(RemoteError::MalformedPayload { .. })),
        "{bad:?}"
    );
    let anonymous = client.spawn_remote::<OtherRef, _>(&at, "", ()).await;
    assert!(
        matches!(anonymous, Err(RemoteError::InvalidName { .. })),
        "{anonymous:?}"
    );
    let nowhere = client
        .spawn_remote::<OtherRef, _>("rakt://server@", "x", ())
        .await;
    assert!(
        matches!(nowhere, Err(RemoteError::InvalidAddress { .. })),
        "{nowhere:?}"
    );
    client.shutdown().await;
    server.shutdown().await;
}

async fn remote_log_at(client: &ActorSystem, remoting: &Remoting, path: &str) -> LogRef {
    timeout(WITHIN, client.lookup_remote(&remoting.actor_address(path)))
        .await
        .unwrap()
        .unwrap()
}

async fn the_callers_timeout_travels_with_the_ask() {
    let (server, remoting) = node("server").await;
    server.register::<Log>();
    let _log: LogRef = server.spawn("log", Log::default()).await.unwrap();
    // The client's default is a minute: only the per-call timeout can end the ask sooner.
    let client = ActorSystem::builder("client")
        .ask_timeout(Duration::from_secs(60))
        .build()
        .await
        .unwrap();
    let config = NodeConfig::builder("client")
        .listen("127.0.0.1", 0)
        .build()
        .unwrap();
    Remoting::start(&client, config).await.unwrap();
    let log = remote_log(&client, &remoting).await;
    let outcome = log.slow(60_000).timeout(Duration::from_millis(100)).await;
    assert_eq!(outcome, Err(AskError::Timeout(Duration::from_millis(100))));
    // The handler is still asleep, yet the server answers the ask: its deadline passed.
    timeout(WITHIN, async {
        while remoting.node().stats().replies_sent == 0 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .expect("the server gave up on the ask at the caller's deadline");
    client.shutdown().await;
    // The server's actor is still in its minute-long handler: dropped, not shut down.
    drop(server);
}

async fn a_tell_to_a_node_that_went_away_is_a_dead_letter() {
    let (server, remoting, _local, client) = pair().await;
    let log = remote_log(&client, &remoting).await;
    log.push(1).await.unwrap();
    remoting.node().shutdown().await;
    let mut events = client.events();
    // Refused at the call (the peer is gone or in its backoff) or lost after it was queued:
    // a dead letter on the sender's event stream either way.
    let sent = log.push(2).await;
    assert!(
        matches!(sent, Ok(()) | Err(SendError::Unreachable)),
        "{sent:?}"
    );
    let dead = timeout(WITHIN, async {
        loop {
            if let Some(Event::DeadLetter(dead)) = events.next().await {
                return dead;
            }
        }
    })
    .await
    .unwrap();
    assert!(
        matches!(dead.reason, DeadLetterReason::Remote { .. }),
        "{dead:?}"
    );
    assert_eq!(dead.target.as_str(), remoting.actor_address("/user/log"));
    client.shutdown().await;
    server.shutdown().await;
}

/// The serving node remembers the actor an envelope found, and forgets it when it stops:
/// once another actor takes the name, envelopes for the name (whichever incarnation, id 0)
/// reach the new one.
async fn a_name_taken_again_reaches_the_new_actor() {
    let (server, remoting) = node("server").await;
    server.register::<Log>();
    let first: LogRef = server.spawn("log", Log::default()).await.unwrap();
    let (client, _) = node("client").await;
    let node = Remoting::of(&client).unwrap().node().clone();
    let target = parse_address(&remoting.actor_address("/user/log")).unwrap();
    assert_eq!(target.id, 0, "whichever actor lives at the path");
    // `push(value)`'s arguments: field 1, a varint.
    let push = |value: u8| node.tell(&target, "test.v1.Log/Push", Bytes::from(vec![0x08, value]));
    let seen = || node.ask(&target, "test.v1.Log/Seen", Bytes::new(), WITHIN);

    push(1).unwrap();
    timeout(WITHIN, seen()).await.unwrap().unwrap();
    assert_eq!(first.seen().await.unwrap(), [1]);
    timeout(WITHIN, first.stop()).await.unwrap();
    let second: LogRef = server.spawn("log", Log::default()).await.unwrap();
    push(2).unwrap();
    timeout(WITHIN, seen()).await.unwrap().unwrap();
    assert_eq!(second.seen().await.unwrap(), [2]);
    assert_eq!(first.seen().await, Err(AskError::Stopped));
    client.shutdown().await;
    server.shutdown().await;
}

async fn a_node_that_cannot_start_fails_the_build() {
    let (taken, remoting) = node("taken").await;
    let port = u16::try_from(remoting.address().port).unwrap();
    let config = NodeConfig::builder("second")
        .listen("127.0.0.1", port)
        .build()
        .unwrap();
    let built = ActorSystem::builder("second").remote(config).build().await;
    assert!(
        matches!(
            built,
            Err(ConfigError::Feature {
                feature: "remote",
                ..
            })
        ),
        "{built:?}"
    );
    let misnamed = NodeConfig::builder("other")
        .listen("127.0.0.1", 0)
        .build()
        .unwrap();
    let built = ActorSystem::builder("third").remote(misnamed).build().await;
    assert!(
        matches!(built, Err(ConfigError::Feature { .. })),
        "{built:?}"
    );
    taken.shutdown().await;
    // The node stops with its system: its port is free again.
    let config = NodeConfig::builder("again")
        .listen("127.0.0.1", port)
        .build()
        .unwrap();
    let again = ActorSystem::builder("again").remote(config).build().await;
    assert!(again.is_ok(), "{again:?}");
    again.unwrap().shutdown().await;
}
