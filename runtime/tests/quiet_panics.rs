//! Quiet panics: a system built with `quiet_panics` reports the panics it catches in actor code
//! through `tracing`, and every other panic still reaches the panic hook installed before it.
//!
//! Panic hooks and the global `tracing` subscriber are process-wide, so these tests live in a
//! test binary of their own and take turns through one lock.

use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use futures_util::StreamExt;
use rakt::prelude::*;
use tokio::sync::Notify;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Metadata, Subscriber};

/// Calls of the hook installed before any quiet system: the user's own.
static HOOK_CALLS: AtomicUsize = AtomicUsize::new(0);

/// The `rakt::panic` events seen: (message, location).
static REPORTS: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());

/// One test at a time: they count calls of process-wide hooks.
static TURN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Installs the counting hook and the recording subscriber, once, before any system.
fn setup() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        std::panic::set_hook(Box::new(|info| {
            HOOK_CALLS.fetch_add(1, Ordering::SeqCst);
            // Still shown, so that a failing assertion explains itself.
            eprintln!("previous hook: {info}");
        }));
        tracing::subscriber::set_global_default(Recorder).expect("the only subscriber");
    });
}

fn hook_calls() -> usize {
    HOOK_CALLS.load(Ordering::SeqCst)
}

fn reports() -> Vec<(String, String)> {
    REPORTS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone()
}

/// A subscriber that records the events of target `rakt::panic`.
struct Recorder;

#[derive(Default)]
struct Fields {
    message: String,
    location: String,
}

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        match field.name() {
            "message" => self.message = format!("{value:?}"),
            "location" => self.location = format!("{value:?}"),
            _ => {}
        }
    }
}

impl Subscriber for Recorder {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }

    fn record(&self, _: &Id, _: &Record<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &tracing::Event<'_>) {
        if event.metadata().target() == "rakt::panic" {
            let mut fields = Fields::default();
            event.record(&mut fields);
            REPORTS
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push((fields.message, fields.location));
        }
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

/// Fails in every way a handler can.
#[actor]
#[derive(Default)]
pub struct Fragile;

#[actor]
impl Fragile {
    /// Divides 100 by `by`; panics on zero.
    pub fn divide(&self, by: u64) -> u64 {
        100 / by
    }

    /// Panics after yielding a few times (on a multi-thread runtime it may resume elsewhere).
    pub async fn fail_later(&self) -> u64 {
        for _ in 0..10 {
            tokio::task::yield_now().await;
        }
        panic!("late failure");
    }

    /// Says it has started, waits for `gate`, then panics.
    pub async fn fail_when(&self, started: Arc<Notify>, gate: Arc<Notify>) {
        started.notify_one();
        gate.notified().await;
        panic!("released failure");
    }

    /// Spawns a plain tokio task that panics: not actor code, so not supervised.
    pub fn spawn_failing_task(&self) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async { panic!("a task of its own") })
    }
}

/// Cannot start.
#[actor]
#[derive(Default)]
pub struct Doomed;

#[actor]
impl Doomed {
    #[pre_start]
    fn start(&mut self) {
        panic!("cannot start");
    }

    /// Never handled.
    pub fn ping(&self) {}
}

/// The next event `pick` accepts; fails the test after 10 s rather than hang.
async fn next_event(events: &mut rakt::EventStream, pick: impl Fn(&Event) -> bool) -> Event {
    loop {
        let event = tokio::time::timeout(std::time::Duration::from_secs(10), events.next())
            .await
            .expect("an event in time")
            .expect("the stream is open");
        if pick(&event) {
            return event;
        }
    }
}

async fn quiet(name: &str) -> ActorSystem {
    ActorSystem::builder(name)
        .quiet_panics()
        .supervision(Supervision::resume())
        .build()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn caught_panics_of_a_quiet_system_go_to_tracing_not_to_the_previous_hook() {
    setup();
    let _turn = TURN.lock().await;
    let system = quiet("quiet").await;
    let mut events = system.events();
    let before = hook_calls();
    let reported = reports().len();

    let fragile: FragileRef = system.spawn("fragile", Fragile).await.unwrap();
    assert!(matches!(fragile.divide(0).await, Err(AskError::Failed(_))));
    match fragile.fail_later().await {
        Err(AskError::Failed(reason)) => assert_eq!(reason, "late failure"),
        other => panic!("the async handler's panic is its failure, got {other:?}"),
    }
    let _doomed = system
        .spawn_supervised("doomed", Doomed, Supervision::stop())
        .await
        .unwrap();
    match next_event(&mut events, |e| matches!(e, Event::Stopped { .. })).await {
        Event::Stopped { actor, reason } => {
            assert_eq!(actor.name(), "doomed");
            assert_eq!(reason, StopReason::Failed("cannot start".into()));
        }
        other => panic!("expected a stop, got {other:?}"),
    }

    assert_eq!(
        hook_calls(),
        before,
        "no caught panic reached the previous hook"
    );
    let new: Vec<_> = reports().split_off(reported);
    let messages: Vec<&str> = new.iter().map(|(m, _)| m.as_str()).collect();
    assert_eq!(
        messages,
        [
            "supervised actor code panicked: attempt to divide by zero",
            "supervised actor code panicked: late failure",
            "supervised actor code panicked: cannot start",
        ]
    );
    assert!(
        new.iter().all(|(_, at)| at.contains("quiet_panics.rs")),
        "each report says where: {new:?}"
    );
    assert!(fragile.is_alive());
    system.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_other_panic_reaches_the_previous_hook() {
    setup();
    let _turn = TURN.lock().await;
    let quiet = quiet("quiet-too").await;
    let loud = ActorSystem::builder("loud")
        .supervision(Supervision::resume())
        .build()
        .await
        .unwrap();
    let reported = reports().len();

    // Outside any actor.
    let before = hook_calls();
    let outside = std::panic::catch_unwind(|| panic!("outside any actor"));
    assert!(outside.is_err());
    assert_eq!(hook_calls(), before + 1);

    // In a handler of a system that is not quiet, in the same process.
    let loud_one: FragileRef = loud.spawn("fragile", Fragile).await.unwrap();
    assert!(matches!(loud_one.divide(0).await, Err(AskError::Failed(_))));
    assert_eq!(hook_calls(), before + 2);

    // In a task that a quiet actor's handler spawned: not actor code.
    let quiet_one: FragileRef = quiet.spawn("fragile", Fragile).await.unwrap();
    let task = quiet_one.spawn_failing_task().await.unwrap();
    assert!(task.await.unwrap_err().is_panic());
    assert_eq!(hook_calls(), before + 3);

    assert_eq!(reports().len(), reported, "nothing of this went to tracing");
    quiet.shutdown().await;
    loud.shutdown().await;
}

#[tokio::test(flavor = "current_thread")]
async fn the_quiet_scope_holds_only_while_actor_code_is_polled() {
    setup();
    let _turn = TURN.lock().await;
    let system = quiet("between-polls").await;
    let mut events = system.events();
    let fragile: FragileRef = system.spawn("fragile", Fragile).await.unwrap();
    let (started, gate) = (Arc::new(Notify::new()), Arc::new(Notify::new()));
    fragile
        .fail_when(started.clone(), gate.clone())
        .await
        .unwrap();
    started.notified().await;

    // The handler is suspended inside its guard; this thread now runs other code.
    let before = hook_calls();
    let between = std::panic::catch_unwind(|| panic!("between the handler's polls"));
    assert!(between.is_err());
    assert_eq!(
        hook_calls(),
        before + 1,
        "the scope did not leak out of the poll"
    );

    gate.notify_one();
    match next_event(&mut events, |e| matches!(e, Event::Resumed { .. })).await {
        Event::Resumed { failure, .. } => assert_eq!(failure, "released failure"),
        other => panic!("expected a resume, got {other:?}"),
    }
    assert_eq!(
        hook_calls(),
        before + 1,
        "the handler's own panic stayed quiet"
    );
    system.shutdown().await;
}
