//! Actors shared by the tests.

use std::sync::{Arc, Mutex};

use rakt::prelude::*;
use tokio::sync::Notify;

/// Waits until the actor has taken everything queued (it may still be handling it).
pub async fn picked_up<A: rakt::Actor>(actor: &rakt::ActorRef<A>) {
    while actor.mailbox_len() > 0 {
        tokio::task::yield_now().await;
    }
}

/// A `Narrow` actor (bounded(2) mailbox) stuck in `wait` on the returned gate, with its
/// mailbox full of two pings.
pub async fn blocked_and_full(system: &ActorSystem) -> (NarrowRef, Arc<Notify>) {
    let narrow: NarrowRef = system.spawn_anonymous(Narrow).await.unwrap();
    let gate = Arc::new(Notify::new());
    narrow.wait(gate.clone()).await.unwrap();
    picked_up(narrow.actor_ref()).await;
    narrow.ping().try_send().unwrap();
    narrow.ping().try_send().unwrap();
    (narrow, gate)
}

/// The next event `pick` accepts, skipping others; fails the test after 60 s (of the paused
/// clock, where a test pauses it) or if the stream ends.
pub async fn next_event(
    events: &mut rakt::EventStream,
    pick: impl Fn(&rakt::Event) -> bool,
) -> rakt::Event {
    use futures_util::StreamExt;
    loop {
        let event = tokio::time::timeout(Duration::from_secs(60), events.next())
            .await
            .expect("an event in time")
            .expect("the stream is open");
        if pick(&event) {
            return event;
        }
    }
}

/// The next dead letter on `events`, skipping other events.
pub async fn next_dead_letter(events: &mut rakt::EventStream) -> Arc<rakt::DeadLetter> {
    loop {
        if let rakt::Event::DeadLetter(letter) = next_event(events, |_| true).await {
            return letter;
        }
    }
}

/// `millis` milliseconds.
pub fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

/// A log the tests read back: lifecycle hooks and handlers write into it.
pub type Journal = Arc<Mutex<Vec<String>>>;

pub fn journal() -> Journal {
    Arc::default()
}

pub fn entries(journal: &Journal) -> Vec<String> {
    journal.lock().unwrap().clone()
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("refused: {0}")]
pub struct Refused(pub String);

#[actor]
#[derive(Default)]
pub struct Counter {
    total: u64,
    seen: Vec<u64>,
    /// Reply slots of `hold`, never answered.
    held: Vec<ReplySlot<u64>>,
}

#[actor]
impl Counter {
    /// Adds `by`.
    pub fn add(&mut self, by: u64) {
        self.total += by;
        self.seen.push(by);
    }

    /// The total.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// Every `add` argument in arrival order.
    pub fn seen(&self) -> Vec<u64> {
        self.seen.clone()
    }

    /// Doubles `x` without touching the state.
    pub fn double(&self, x: u64) -> u64 {
        x * 2
    }

    /// Subtracts, refusing to go below zero; the error goes to the caller.
    pub fn take(&mut self, by: u64) -> Result<u64, Refused> {
        if by > self.total {
            return Err(Refused(format!("{by} > {}", self.total)));
        }
        self.total -= by;
        Ok(self.total)
    }

    /// Panics while handling a tell.
    pub fn explode(&mut self) {
        panic!("boom in a tell");
    }

    /// Panics while handling an ask.
    pub fn explode_ask(&mut self) -> u64 {
        panic!("boom in an ask");
    }

    /// Answers after `delay`, from the actor's own task.
    pub async fn slow(&self, delay: Duration) -> u64 {
        tokio::time::sleep(delay).await;
        self.total
    }

    /// Answers later, from another task.
    pub fn deferred(&self, x: u64, reply: ReplySlot<u64>) {
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(10)).await;
            reply.send(x + 1);
        });
    }

    /// Drops the reply slot without answering.
    pub fn forget(&self, reply: ReplySlot<u64>) {
        drop(reply);
    }

    /// Keeps the reply slot and never answers (unless `release` comes): a deferred reply.
    pub fn hold(&mut self, reply: ReplySlot<u64>) {
        self.held.push(reply);
    }

    /// How many reply slots `hold` keeps.
    pub fn holding(&self) -> usize {
        self.held.len()
    }

    /// Answers every held request with `x`, oldest first; whether each answer was received.
    pub fn release(&mut self, x: u64) -> Vec<bool> {
        self.held.drain(..).map(|reply| reply.send(x)).collect()
    }

    /// Waits until `gate` is opened.
    pub async fn wait(&mut self, gate: Arc<Notify>) {
        gate.notified().await;
    }

    /// Stops itself gracefully: what is queued is handled first.
    pub fn quit(&mut self, ctx: &mut Ctx<Self>) {
        ctx.stop();
    }

    /// Stops itself after this message: what is queued is not handled.
    pub fn halt(&mut self, ctx: &mut Ctx<Self>) {
        ctx.kill();
    }
}

/// Records its lifecycle in a journal; spawns named children on request.
#[actor]
pub struct Recorder {
    name: String,
    journal: Journal,
    fail_start: bool,
}

impl Recorder {
    pub fn new(name: &str, journal: &Journal) -> Self {
        Recorder {
            name: name.to_owned(),
            journal: journal.clone(),
            fail_start: false,
        }
    }

    pub fn failing(name: &str, journal: &Journal) -> Self {
        Recorder {
            fail_start: true,
            ..Recorder::new(name, journal)
        }
    }

    fn log(&self, event: &str) {
        self.journal
            .lock()
            .unwrap()
            .push(format!("{}:{event}", self.name));
    }
}

#[actor]
impl Recorder {
    #[pre_start]
    async fn init(&mut self, ctx: &mut Ctx<Self>) -> Result<(), Refused> {
        self.log("pre_start");
        assert!(ctx.path().as_str().ends_with(&self.name));
        if self.fail_start {
            return Err(Refused("pre_start refused".into()));
        }
        Ok(())
    }

    #[post_start]
    fn started(&mut self) {
        self.log("post_start");
    }

    #[post_stop]
    fn stopped(&mut self) {
        self.log("post_stop");
    }

    /// Records `what`.
    pub fn note(&mut self, what: String) {
        self.log(&what);
    }

    /// Spawns a child recorder and returns its handle.
    pub async fn adopt(
        &mut self,
        name: String,
        ctx: &mut Ctx<Self>,
    ) -> Result<RecorderRef, SpawnError> {
        let child = Recorder::new(&name, &self.journal);
        ctx.spawn(&name, child).await
    }

    /// Spawns a child recorder under `supervision`.
    pub async fn adopt_with(
        &mut self,
        name: String,
        supervision: rakt::Supervision,
        ctx: &mut Ctx<Self>,
    ) -> Result<RecorderRef, SpawnError> {
        let child = Recorder::new(&name, &self.journal);
        ctx.spawn_supervised(&name, child, supervision).await
    }

    /// How many children are live.
    pub fn children(&self, ctx: &mut Ctx<Self>) -> usize {
        ctx.child_count()
    }

    /// Panics.
    pub fn crash(&mut self) {
        self.log("crash");
        panic!("{} crashed", self.name);
    }
}

/// A generic actor: a stack of any sendable values.
#[actor]
pub struct Stack<T> {
    items: Vec<T>,
}

impl<T> Stack<T> {
    pub fn new() -> Self {
        Stack { items: Vec::new() }
    }
}

#[actor]
impl<T: Send + 'static> Stack<T> {
    /// Pushes an item.
    pub fn push(&mut self, item: T) {
        self.items.push(item);
    }

    /// Pops the last item.
    pub fn pop(&mut self) -> Option<T> {
        self.items.pop()
    }
}

/// An actor whose type declares a bounded mailbox.
#[actor(mailbox = bounded(2))]
#[derive(Default)]
pub struct Narrow;

#[actor]
impl Narrow {
    /// Waits until `gate` is opened.
    pub async fn wait(&mut self, gate: Arc<Notify>) {
        gate.notified().await;
    }

    /// Does nothing.
    pub fn ping(&self) {}
}

/// Watches counters and records who stopped, and why.
#[actor]
#[derive(Default)]
pub struct Watcher {
    gone: Vec<Terminated>,
    /// How many notices it has been told, for [`Watcher::told`].
    count: tokio::sync::watch::Sender<usize>,
}

impl Watcher {
    /// How many notices it has been told, to wait on without polling.
    pub fn told(&self) -> tokio::sync::watch::Receiver<usize> {
        self.count.subscribe()
    }
}

#[actor]
impl Watcher {
    /// Starts watching `target`.
    pub fn watch(&mut self, target: CounterRef, ctx: &mut Ctx<Self>) {
        ctx.watch(&target, |gone| WatcherMsg::Gone { gone });
    }

    /// Stops watching `target`.
    pub fn unwatch(&mut self, target: CounterRef, ctx: &mut Ctx<Self>) {
        ctx.unwatch(&target);
    }

    /// Told when a watched actor stops.
    pub fn gone(&mut self, gone: Terminated) {
        self.gone.push(gone);
        self.count.send_replace(self.gone.len());
    }

    /// Everything it was told, in order.
    pub fn seen(&self) -> Vec<Terminated> {
        self.gone.clone()
    }
}

/// Records when each tick arrives; ticks itself on request.
#[actor]
#[derive(Default)]
pub struct Ticker {
    at: Vec<tokio::time::Instant>,
    busy: Duration,
}

#[actor]
impl Ticker {
    /// Records a tick, then stays busy for the configured time.
    pub async fn tick(&mut self) {
        self.at.push(tokio::time::Instant::now());
        if !self.busy.is_zero() {
            tokio::time::sleep(self.busy).await;
        }
    }

    /// Makes every tick take `busy`.
    pub fn set_busy(&mut self, busy: Duration) {
        self.busy = busy;
    }

    /// When the ticks arrived.
    pub fn ticks(&self) -> Vec<tokio::time::Instant> {
        self.at.clone()
    }

    /// Starts ticking itself every `every`.
    pub fn start_ticking(&mut self, every: Duration, ctx: &mut Ctx<Self>) -> u64 {
        ctx.schedule_every(every, || TickerMsg::Tick {}).id()
    }
}
