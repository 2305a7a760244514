//! Actors across nodes (feature `remote`): two actor systems in one process, each with a node
//! on 127.0.0.1 port 0, one serving a registered kind and the other calling it through the
//! actor's own typed handle.
//!
//! Real sockets need real time, so nothing here runs on the paused clock; every wait is
//! bounded and the evidence is an outcome (a reply, a typed error, a `Terminated`), never the
//! time a sleep took.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::StreamExt;
use prost::bytes::Bytes;
use rakt::prelude::*;
use rakt::remote::proto::v1::ActorAddress;
use rakt::remote::{NodeConfig, RemoteError, Remoting, StartError, parse_address};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::timeout;

#[macro_use]
#[path = "support/runtimes.rs"]
mod runtimes;

/// How long any one outcome may take before a test fails.
const WITHIN: Duration = Duration::from_secs(10);

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
    a_handle_outlives_a_lost_connection,
    a_remote_actors_panic_leaves_its_node_serving,
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

/// A system named `name` with a node on 127.0.0.1, port 0. A node out of reach for a second
/// counts as gone (a node that shuts down before a watch reaches it is only out of reach).
async fn node(name: &str) -> (ActorSystem, Remoting) {
    let system = ActorSystem::builder(name)
        .quiet_panics()
        .build()
        .await
        .unwrap();
    let config = NodeConfig::builder(name)
        .listen("127.0.0.1", 0)
        .unreachable_after(Duration::from_secs(1))
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

/// Waits (within [`WITHIN`], else fails saying `what`) until `condition` holds: a counter of
/// the node's traffic reaching the value that shows an event.
async fn until(condition: impl Fn() -> bool, what: &str) {
    let polled = timeout(WITHIN, async {
        while !condition() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    });
    polled
        .await
        .unwrap_or_else(|_| panic!("not in time: {what}"));
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
    until(
        || remoting.node().stats().replies_sent > 0,
        "the server gave up on the ask at the caller's deadline",
    )
    .await;
    // A batch's timeout travels with each of its asks too.
    let answered = remoting.node().stats().replies_sent;
    let replies = log
        .actor_ref()
        .ask_batch((0..2).map(|_| |reply| LogMsg::Slow { ms: 60_000, reply }))
        .timeout(Duration::from_millis(100))
        .await;
    assert_eq!(
        replies,
        [
            Err(AskError::Timeout(Duration::from_millis(100))),
            Err(AskError::Timeout(Duration::from_millis(100)))
        ]
    );
    until(
        || remoting.node().stats().replies_sent >= answered + 2,
        "the server gave up on the batch's asks at the batch's deadline",
    )
    .await;
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

/// A TCP relay in front of a node: peers reach the node through it, and the test can cut it
/// (every connection through it dropped, new ones refused, as when a node's network goes) and
/// restore it.
struct Relay {
    front: SocketAddr,
    back: SocketAddr,
    /// The accepting task and one task per connection.
    tasks: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl Relay {
    async fn open(front: SocketAddr, back: SocketAddr) -> Relay {
        let relay = Relay {
            front,
            back,
            tasks: Arc::default(),
        };
        relay.restore().await;
        relay
    }

    /// Listens on the front address again (once the port is free) and relays what connects.
    async fn restore(&self) {
        let listener = timeout(WITHIN, async {
            loop {
                match TcpListener::bind(self.front).await {
                    Ok(listener) => return listener,
                    Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
                }
            }
        })
        .await
        .expect("the relay's port is free again");
        let (back, tasks) = (self.back, Arc::clone(&self.tasks));
        let accepting = tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let relayed = tokio::spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(back).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                tasks.lock().unwrap().push(relayed);
            }
        });
        self.tasks.lock().unwrap().push(accepting);
    }

    /// Drops every connection and the listener, and returns once they are gone.
    async fn cut(&self) {
        let tasks: Vec<_> = self.tasks.lock().unwrap().drain(..).collect();
        for task in tasks {
            task.abort();
            let _ = task.await;
        }
    }
}

/// The next dead letter on `events`.
async fn next_dead_letter(events: &mut rakt::EventStream) -> Arc<rakt::DeadLetter> {
    timeout(WITHIN, async {
        loop {
            if let Some(Event::DeadLetter(dead)) = events.next().await {
                return dead;
            }
        }
    })
    .await
    .expect("a dead letter in time")
}

/// The connection to a node drops and comes back (the node itself never stopped): the asks in
/// flight fail with a typed error at once, a tell sent while the node is out of reach is a
/// dead letter, and the handle (and its watch) works again once the node is back.
async fn a_handle_outlives_a_lost_connection() {
    // The server listens on 127.0.0.1 and advertises 127.0.0.2 (loopback too, on Linux),
    // where a relay forwards to it.
    let server = ActorSystem::builder("server")
        .quiet_panics()
        .build()
        .await
        .unwrap();
    let config = NodeConfig::builder("server")
        .listen("127.0.0.1", 0)
        .advertise_host("127.0.0.2")
        .build()
        .unwrap();
    let remoting = Remoting::start(&server, config).await.unwrap();
    server.register::<Log>();
    let local: LogRef = server.spawn("log", Log::default()).await.unwrap();
    let port = u16::try_from(remoting.address().port).unwrap();
    let relay = Relay::open(
        SocketAddr::from(([127, 0, 0, 2], port)),
        SocketAddr::from(([127, 0, 0, 1], port)),
    )
    .await;
    let client = ActorSystem::builder("client").build().await.unwrap();
    let config = NodeConfig::builder("client")
        .listen("127.0.0.1", 0)
        .reconnect_backoff(Duration::from_millis(20), Duration::from_millis(100))
        .unreachable_after(Duration::from_secs(60))
        .build()
        .unwrap();
    Remoting::start(&client, config).await.unwrap();
    let log = remote_log(&client, &remoting).await;
    let mut ended = watching(&client, &log).await;
    log.push(1).await.unwrap();
    assert_eq!(timeout(WITHIN, log.seen()).await.unwrap(), Ok(vec![1]));

    // Asks in flight (each answers after 300 ms), then the connection goes.
    let received = remoting.node().stats().envelopes_received;
    let in_flight: Vec<_> = (0..3)
        .map(|_| {
            let log = log.clone();
            tokio::spawn(async move { log.slow(300).timeout(Duration::from_secs(60)).await })
        })
        .collect();
    until(
        || remoting.node().stats().envelopes_received >= received + 3,
        "the asks reached the server",
    )
    .await;
    relay.cut().await;
    for ask in in_flight {
        let outcome = timeout(WITHIN, ask).await.expect("no hang").unwrap();
        assert!(matches!(outcome, Err(AskError::Remote(_))), "{outcome:?}");
    }

    // While the node is out of reach, a tell is a dead letter, with the remote reason.
    let mut events = client.events();
    let sent = log.push(2).await;
    assert!(
        matches!(sent, Ok(()) | Err(SendError::Unreachable)),
        "{sent:?}"
    );
    let dead = next_dead_letter(&mut events).await;
    assert!(
        matches!(dead.reason, DeadLetterReason::Remote { .. }),
        "{dead:?}"
    );
    assert_eq!(dead.target.as_str(), remoting.actor_address("/user/log"));

    // Back: the same handle reconnects (after its backoff) and works.
    relay.restore().await;
    let answer = timeout(WITHIN, async {
        loop {
            match log.checked(1).await {
                Err(AskError::Remote(_)) => tokio::time::sleep(Duration::from_millis(20)).await,
                other => break other,
            }
        }
    })
    .await
    .expect("reconnected");
    assert_eq!(
        answer,
        Ok(2),
        "one value was recorded: the dead letter was not"
    );
    log.push(3).await.unwrap();
    assert_eq!(timeout(WITHIN, log.seen()).await.unwrap(), Ok(vec![1, 3]));
    assert!(log.is_alive());
    assert!(
        ended.try_recv().is_err(),
        "no Terminated for a passing loss"
    );
    // And it is watched again: its stop on the server reaches the watcher here.
    timeout(WITHIN, local.stop()).await.unwrap();
    let gone = timeout(WITHIN, ended.recv()).await.unwrap().unwrap();
    assert_eq!(gone.reason, StopReason::Stopped);
    assert!(!log.is_alive());
    client.shutdown().await;
    relay.cut().await;
    server.shutdown().await;
}

/// An actor that panics in a handler: its ask fails with the panic, the unsupervised actor
/// stops (its remote watchers hear `Failed`), and the node goes on serving its other actors
/// and new lookups.
async fn a_remote_actors_panic_leaves_its_node_serving() {
    let (server, remoting) = node("server").await;
    server.register::<Log>();
    let _fragile: LogRef = server.spawn("fragile", Log::default()).await.unwrap();
    let _steady: LogRef = server.spawn("steady", Log::default()).await.unwrap();
    let (client, _) = node("client").await;
    let fragile = remote_log_at(&client, &remoting, "/user/fragile").await;
    let steady = remote_log_at(&client, &remoting, "/user/steady").await;
    let mut ended = watching(&client, &fragile).await;
    let boom = timeout(WITHIN, fragile.boom()).await.unwrap();
    assert!(
        matches!(&boom, Err(AskError::Failed(why)) if why.contains("boom")),
        "{boom:?}"
    );
    let gone = timeout(WITHIN, ended.recv()).await.unwrap().unwrap();
    assert!(
        matches!(&gone.reason, StopReason::Failed(why) if why.contains("boom")),
        "{gone:?}"
    );
    // The node serves on: the other actor, a new lookup, and the stopped actor's absence.
    steady.push(7).await.unwrap();
    assert_eq!(timeout(WITHIN, steady.seen()).await.unwrap(), Ok(vec![7]));
    let again = remote_log_at(&client, &remoting, "/user/steady").await;
    assert_eq!(again, steady);
    let missing = client
        .lookup_remote::<LogRef>(&remoting.actor_address("/user/fragile"))
        .await;
    assert!(
        matches!(missing, Err(RemoteError::UnknownActor { .. })),
        "{missing:?}"
    );
    client.shutdown().await;
    server.shutdown().await;
}

/// Served to the property test below: handlers of several argument shapes, none of which can
/// take long whatever its arguments.
#[actor]
#[derive(Default)]
pub struct Sink {
    total: u64,
}

#[actor(remote = "test.v1")]
impl Sink {
    /// Adds `by` (a tell).
    pub fn add(&mut self, by: u64) {
        self.total = self.total.wrapping_add(by);
    }

    /// The total so far.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// A greeting.
    pub fn greet(&self, name: String, times: Option<u32>) -> String {
        format!("hello, {name} x{}", times.unwrap_or(1))
    }

    /// The sum of `values`.
    pub fn sum(&self, values: Vec<u32>, scale: i64) -> i64 {
        values
            .iter()
            .map(|v| i64::from(*v))
            .sum::<i64>()
            .wrapping_mul(scale)
    }

    /// `by`, unless it is 0.
    pub fn checked(&self, by: u64) -> Result<u64, String> {
        if by == 0 {
            Err("zero".to_owned())
        } else {
            Ok(by)
        }
    }
}

/// How many calls the property test below makes.
const HOSTILE_CASES: u32 = 4096;

/// Arbitrary calls through the typed serving path, over one link: a real registered actor's
/// method identities (and random ones) with random payloads, as asks and tells. Nothing
/// panics; each ask gets its own answer, a reply or a typed per-call error; and a well-formed
/// ask on the same link right after each still succeeds.
#[test]
fn arbitrary_calls_to_a_registered_actor_get_typed_answers() {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (server, client, target) = runtime.block_on(async {
        let (server, remoting) = node("server").await;
        server.register::<Sink>();
        let _sink: SinkRef = server.spawn("sink", Sink::default()).await.unwrap();
        let (client, _) = node("client").await;
        let target = parse_address(&remoting.actor_address("/user/sink")).unwrap();
        (server, client, target)
    });
    let node = Remoting::of(&client).unwrap().node().clone();
    let paths: Vec<String> = <Sink as rakt::wire::RemoteActor>::METHODS
        .iter()
        .map(|method| method.path.to_owned())
        .collect();
    let method = prop_oneof![
        4 => proptest::sample::select(paths),
        1 => "test\\.v1\\.Sink/[A-Za-z]{0,8}".prop_map(String::from),
        1 => any::<String>(),
    ];
    let call = (
        method,
        proptest::collection::vec(any::<u8>(), 0..256),
        any::<bool>(),
    );
    let mut runner = TestRunner::new(Config {
        cases: HOSTILE_CASES,
        failure_persistence: None,
        // A failure may cost a timeout per try: shrink for a while, not for ever.
        max_shrink_time: 20_000,
        ..Config::default()
    });
    let ran = std::sync::atomic::AtomicU32::new(0);
    runner
        .run(&call, |(method, payload, ask)| {
            ran.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            runtime.block_on(async {
                let payload = Bytes::from(payload);
                if ask {
                    let answer = node.ask(&target, method.clone(), payload, WITHIN).await;
                    prop_assert!(
                        matches!(
                            answer,
                            Ok(_)
                                | Err(RemoteError::MalformedPayload { .. }
                                    | RemoteError::UnknownMethod { .. }
                                    | RemoteError::HandlerError { .. })
                        ),
                        "{method:?}: {answer:?}"
                    );
                } else {
                    prop_assert_eq!(node.tell(&target, method, payload), Ok(()));
                }
                let total = node
                    .ask(&target, "test.v1.Sink/Total", Bytes::new(), WITHIN)
                    .await;
                prop_assert!(total.is_ok(), "a well-formed ask after it: {total:?}");
                Ok(())
            })
        })
        .unwrap();
    assert_eq!(ran.into_inner(), HOSTILE_CASES, "every case ran");
    runtime.block_on(async {
        client.shutdown().await;
        server.shutdown().await;
    });
}
