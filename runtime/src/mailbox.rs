//! Mailboxes: the queue between an actor's handles and the actor's task.
//!
//! A mailbox is a lock-protected `VecDeque` that the actor drains a whole batch at a time: the
//! actor swaps its (empty) local buffer with the shared queue, so one lock acquisition moves
//! every waiting message and senders rarely meet the actor on the lock. Nothing is allocated
//! until the first message arrives, which keeps an idle actor small. Stop and kill requests
//! travel beside the queue, not in it, so they overtake queued messages where they must.
//!
//! This module owns queueing, waking and capacity only; what a message means, and what happens
//! to the ones left behind when an actor stops, belongs to the actor loop (`runner`).

use std::collections::VecDeque;
use std::task::{Context, Poll, Waker};

use crate::failure::Failure;
use crate::reply::channel::Watch;
use crate::sync::{AtomicBool, AtomicU8, AtomicUsize, Mutex, MutexGuard, Ordering, PoisonError};

/// No watch: what a tell passes to `push_waiting`.
const NO_WATCH: Option<fn() -> Watch> = None;

/// How many messages an actor's mailbox holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MailboxConfig {
    /// `None`: unbounded.
    capacity: Option<usize>,
}

impl MailboxConfig {
    /// An unbounded mailbox: a tell never waits, memory grows with the backlog.
    pub const fn unbounded() -> Self {
        MailboxConfig { capacity: None }
    }

    /// A bounded mailbox: once `capacity` messages wait to be picked up by the actor, a tell
    /// waits for room (backpressure) and a `try_send` fails with
    /// [`SendError::MailboxFull`](crate::SendError::MailboxFull). A capacity of 0 is rejected
    /// when the actor or system is built.
    pub const fn bounded(capacity: usize) -> Self {
        MailboxConfig {
            capacity: Some(capacity),
        }
    }

    /// The capacity, or `None` for an unbounded mailbox.
    pub const fn capacity(&self) -> Option<usize> {
        self.capacity
    }

    /// Checks that the configuration is usable.
    pub(crate) fn validate(&self) -> Result<(), &'static str> {
        match self.capacity {
            Some(0) => Err("a bounded mailbox needs a capacity of at least 1"),
            _ => Ok(()),
        }
    }
}

/// How an actor was asked to stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StopKind {
    /// Handle what is queued, then stop.
    Graceful,
    /// Stop after the message in hand; what is queued is rejected.
    Kill,
}

/// What the actor loop found in its mailbox.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Received {
    /// The batch buffer holds at least one message.
    Batch,
    /// Stop now; for a graceful stop the queue is empty.
    Stop(StopKind),
    /// A supervision signal waits: take it with [`Mailbox::take_signal`].
    Signal,
}

/// A supervision signal to an actor, ahead of its queued messages.
#[derive(Debug)]
pub(crate) enum Signal {
    /// A child escalated its failure: the actor fails with it.
    Escalated(Failure),
    /// A sibling failed under an all-for-one supervision: the actor restarts.
    Restart(String),
    /// A sibling failed under an all-for-one supervision that said stop.
    Stop,
}

/// A kill requested and a supervision signal waiting, as the actor loop reads them between
/// two messages.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Interrupts(u8);

impl Interrupts {
    const KILLED: u8 = 1;
    const SIGNALLED: u8 = 2;

    /// Whether either is the case (without a kill, a supervision signal waits).
    #[inline]
    pub(crate) fn any(self) -> bool {
        self.0 != 0
    }

    /// Whether a kill was requested.
    #[inline]
    pub(crate) fn killed(self) -> bool {
        self.0 & Self::KILLED != 0
    }
}

/// Why a message was not queued. The message comes back to the caller.
pub(crate) enum PushError<M> {
    /// A bounded mailbox is at capacity.
    Full(M),
    /// The actor accepts no more messages.
    Closed(M),
}

/// The queue of one actor.
pub(crate) struct Mailbox<M> {
    state: Mutex<State<M>>,
    /// What the actor loop checks between two messages of a batch, in one load: `KILLED`, set
    /// by a kill, and `SIGNALLED`, set while a supervision signal waits. Written under the
    /// lock only, so a load and a store make a sound update.
    interrupts: AtomicU8,
    /// How many messages of the last batch the actor took lie behind the one it begins with,
    /// until it looks for more: counted in [`Mailbox::len`], so a smallest-mailbox pool sees
    /// the work a routee already holds. Written only as the actor takes a batch or starts to
    /// wait, under the lock it holds then: a store per message, on a line senders touch, made
    /// a pool of 4 with trivial handlers three times slower.
    in_batch: AtomicUsize,
    /// Whether the state holds watches on askers of the batch in hand: checked after
    /// every poll of the actor's task (see [`Mailbox::polled`]) without taking the lock. Only
    /// the actor's task reads and writes it.
    watching: AtomicBool,
    /// `usize::MAX` when unbounded.
    capacity: usize,
    /// Closed for good from the start, refusing every message without taking the lock: a
    /// router pool's, whose messages go to its routees.
    sealed: bool,
}

struct State<M> {
    queue: VecDeque<M>,
    /// The actor task, when it waits for messages (or for a kill during a restart backoff).
    receiver: Option<Waker>,
    /// Whether the actor waits for messages, so that a message wakes it to take a batch at
    /// once: set as it starts to wait, cleared as it takes a batch and while it waits out a
    /// restart backoff.
    taking: bool,
    /// Senders waiting for room in a bounded mailbox.
    senders: Wakers,
    /// The askers whose requests came while the actor waited for messages or was about to take
    /// them (see [`Mailbox::poll_push_ask`]), so are in its next batch; then, once the actor
    /// has taken that batch (`taking` is `false`), held until the actor is done with it.
    /// Letting go of a watch wakes its asker if the request is still unanswered.
    watches: Watches,
    /// Whether new messages are accepted.
    open: bool,
    stop: Option<StopKind>,
    /// Boxed: rare, and this sits in every mailbox.
    signal: Option<Box<Signal>>,
}

/// Watches on askers (see [`State::watches`]). Almost always none or one, which sits inline;
/// more (several askers in one batch) wait in a list boxed on first use. Dropped, they are let
/// go.
#[derive(Default)]
#[allow(clippy::box_collection)] // one word in every mailbox instead of a `Vec`'s three
struct Watches {
    one: Option<Watch>,
    /// Only used once `one` is taken.
    more: Option<Box<Vec<Watch>>>,
}

impl Watches {
    #[inline]
    fn push(&mut self, watch: Watch) {
        match self.one {
            None => self.one = Some(watch),
            Some(_) => self.push_more(watch),
        }
    }

    #[cold]
    #[inline(never)]
    fn push_more(&mut self, watch: Watch) {
        self.more.get_or_insert_with(Box::default).push(watch);
    }

    #[inline]
    fn is_empty(&self) -> bool {
        self.one.is_none()
    }

    /// Every watch, to be let go once the lock is released.
    #[inline]
    fn take(&mut self) -> Watches {
        std::mem::take(self)
    }

    /// Lets go of every watch (dropping them does the same, with the list's drop in line).
    #[inline]
    fn let_go(self) {
        let Watches { one, more } = self;
        drop(one);
        if let Some(more) = more {
            let_go_of(more);
        }
    }
}

/// Lets go of the watches beyond the first.
#[cold]
#[inline(never)]
#[allow(clippy::boxed_local, clippy::box_collection)] // the box as `Watches` holds it
fn let_go_of(more: Box<Vec<Watch>>) {
    drop(more);
}

/// Senders waiting for room in a bounded mailbox. Boxed on first use: most mailboxes never have
/// any, and this sits in every mailbox.
#[derive(Default)]
#[allow(clippy::box_collection)] // one word in every mailbox instead of a `Vec`'s three
struct Wakers(Option<Box<Vec<Waker>>>);

impl Wakers {
    /// Adds `waker` unless it is there already.
    fn register(&mut self, waker: &Waker) {
        let list = self.0.get_or_insert_with(Box::default);
        if !list.iter().any(|w| w.will_wake(waker)) {
            list.push(waker.clone());
        }
    }

    fn is_empty(&self) -> bool {
        self.0.as_ref().is_none_or(|list| list.is_empty())
    }

    /// Hands back every waiting sender.
    fn take(&mut self) -> Vec<Waker> {
        self.0
            .as_mut()
            .map(|list| std::mem::take(&mut **list))
            .unwrap_or_default()
    }

    /// Hands back every waiting sender, if there is any.
    #[inline]
    fn take_any(&mut self) -> Option<Vec<Waker>> {
        if self.is_empty() {
            None
        } else {
            Some(self.take())
        }
    }
}

impl<M> Mailbox<M> {
    pub(crate) fn new(config: MailboxConfig) -> Self {
        Mailbox {
            state: Mutex::new(State {
                queue: VecDeque::new(),
                receiver: None,
                taking: false,
                senders: Wakers::default(),
                watches: Watches::default(),
                open: true,
                stop: None,
                signal: None,
            }),
            interrupts: AtomicU8::new(0),
            in_batch: AtomicUsize::new(0),
            watching: AtomicBool::new(false),
            capacity: config.capacity.unwrap_or(usize::MAX),
            sealed: false,
        }
    }

    /// A mailbox that never accepts a message (a router pool's). Refusing costs no lock, so
    /// senders to a pool do not contend on it.
    pub(crate) fn sealed() -> Self {
        let mailbox = Mailbox {
            sealed: true,
            ..Mailbox::new(MailboxConfig::unbounded())
        };
        mailbox.lock().open = false;
        mailbox
    }

    fn lock(&self) -> MutexGuard<'_, State<M>> {
        // No code panics while holding this lock, but a poisoned lock must not take the
        // system down either: the state is always consistent between two statements.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether the mailbox still accepts messages.
    pub(crate) fn is_open(&self) -> bool {
        self.lock().open
    }

    /// Whether a kill was requested.
    #[inline]
    pub(crate) fn is_killed(&self) -> bool {
        self.interrupts().killed()
    }

    /// Whether a kill was requested and whether a supervision signal waits, read together.
    #[inline]
    pub(crate) fn interrupts(&self) -> Interrupts {
        Interrupts(self.interrupts.load(Ordering::Relaxed))
    }

    /// Sets or clears `bit` of the interrupts, under the held lock.
    fn set_interrupt(&self, _locked: &mut State<M>, bit: u8, on: bool) {
        let interrupts = self.interrupts.load(Ordering::Relaxed);
        let interrupts = if on {
            interrupts | bit
        } else {
            interrupts & !bit
        };
        self.interrupts.store(interrupts, Ordering::Relaxed);
    }

    /// Queues `msg` unless the mailbox is full or closed; never waits.
    pub(crate) fn try_push(&self, msg: M) -> Result<(), PushError<M>> {
        if self.sealed {
            return Err(PushError::Closed(msg));
        }
        let state = self.lock();
        if !state.open {
            return Err(PushError::Closed(msg));
        }
        if state.queue.len() >= self.capacity {
            return Err(PushError::Full(msg));
        }
        self.enqueue(state, msg);
        Ok(())
    }

    /// Queues `msg` under the held lock, then releases it and wakes the actor if it waits;
    /// `true` if it was waiting for messages (so it takes a batch as soon as it runs).
    // Always inlined: it folds into every push.
    #[inline(always)]
    fn enqueue(&self, mut state: MutexGuard<'_, State<M>>, msg: M) -> bool {
        state.queue.push_back(msg);
        let receiver = state.receiver.take();
        let taking = receiver.is_some() && state.taking;
        drop(state);
        if let Some(waker) = receiver {
            waker.wake();
        }
        taking
    }

    /// [`enqueue`](Mailbox::enqueue) for a request: if the actor waits for messages, or was
    /// woken to take them and has not yet, the request is in its next batch, and the mailbox
    /// keeps the watch `watch` makes (see [`Mailbox::poll_push_ask`]); `true` if so.
    #[inline(always)]
    fn enqueue_watched(
        &self,
        mut state: MutexGuard<'_, State<M>>,
        msg: M,
        watch: impl FnOnce() -> Watch,
    ) -> bool {
        state.queue.push_back(msg);
        let receiver = state.receiver.take();
        let taking = state.taking;
        if taking {
            state.watches.push(watch());
        }
        drop(state);
        if let Some(waker) = receiver {
            waker.wake();
        }
        taking
    }

    /// Queues a message from the runtime itself (a termination notice, a topic publication, a
    /// scheduled message) even past a bounded mailbox's capacity; refuses it only when the
    /// mailbox is closed. The runtime never waits on an actor, and a queue keeps the messages
    /// of one publisher in the order they were published; a full mailbox still makes the
    /// actor's ordinary senders wait.
    pub(crate) fn push_over(&self, msg: M) -> Result<(), M> {
        if self.sealed {
            return Err(msg);
        }
        let state = self.lock();
        if !state.open {
            return Err(msg);
        }
        self.enqueue(state, msg);
        Ok(())
    }

    /// Queues the message in `slot`, waiting for room in a bounded mailbox. On `Ready(Ok)` the
    /// slot is empty; on `Ready(Err)` the message comes back in the error.
    #[inline]
    pub(crate) fn poll_push(
        &self,
        cx: &mut Context<'_>,
        slot: &mut Option<M>,
    ) -> Poll<Result<(), PushError<M>>> {
        self.push_waiting(cx, slot, NO_WATCH).map_ok(|_| ())
    }

    /// [`poll_push`](Mailbox::poll_push) for a request whose caller waits for a reply. If the
    /// actor waits for messages (or was woken to take them and has not yet), so that it takes
    /// this request in its very next batch, the mailbox keeps the watch `watch` makes on the
    /// caller until the actor is done with that batch, awaits inside a handler, stops, or
    /// turns to a supervision signal; `Ready(Ok(true))` says so. The caller then needs no timer
    /// until the watch wakes it, which happens only if its request is unanswered by then.
    #[inline]
    pub(crate) fn poll_push_ask(
        &self,
        cx: &mut Context<'_>,
        slot: &mut Option<M>,
        watch: impl FnOnce() -> Watch,
    ) -> Poll<Result<bool, PushError<M>>> {
        self.push_waiting(cx, slot, Some(watch))
    }

    /// Queues the message in `slot`, waiting for room; `Ready(Ok(true))` if the mailbox keeps
    /// the watch.
    #[inline]
    fn push_waiting(
        &self,
        cx: &mut Context<'_>,
        slot: &mut Option<M>,
        watch: Option<impl FnOnce() -> Watch>,
    ) -> Poll<Result<bool, PushError<M>>> {
        let Some(msg) = slot.take() else {
            return Poll::Ready(Ok(false));
        };
        if self.sealed {
            return Poll::Ready(Err(PushError::Closed(msg)));
        }
        let mut state = self.lock();
        if !state.open {
            return Poll::Ready(Err(PushError::Closed(msg)));
        }
        if state.queue.len() >= self.capacity {
            state.senders.register(cx.waker());
            *slot = Some(msg);
            return Poll::Pending;
        }
        let watched = match watch {
            Some(watch) => self.enqueue_watched(state, msg, watch),
            None => {
                self.enqueue(state, msg);
                false
            }
        };
        Poll::Ready(Ok(watched))
    }

    /// Queues as many messages from the front of `pending` as there is room for, under one
    /// lock; returns `Ready(true)` once `pending` is empty, `Pending` while waiting for room,
    /// and `Ready(false)` if the mailbox is closed (what is left stays in `pending`).
    pub(crate) fn poll_push_many(
        &self,
        cx: &mut Context<'_>,
        pending: &mut VecDeque<M>,
    ) -> Poll<bool> {
        if pending.is_empty() {
            return Poll::Ready(true);
        }
        if self.sealed {
            return Poll::Ready(false);
        }
        let mut state = self.lock();
        if !state.open {
            return Poll::Ready(false);
        }
        let room = self.capacity.saturating_sub(state.queue.len());
        let take = room.min(pending.len());
        state.queue.extend(pending.drain(..take));
        let receiver = if take > 0 {
            state.receiver.take()
        } else {
            None
        };
        let done = pending.is_empty();
        if !done {
            state.senders.register(cx.waker());
        }
        drop(state);
        if let Some(waker) = receiver {
            waker.wake();
        }
        if done {
            Poll::Ready(true)
        } else {
            Poll::Pending
        }
    }

    /// Moves every queued message into `batch` (which must be empty), or reports a stop, or
    /// registers the actor task to be woken. Coming back for messages, the actor is done with
    /// the batch it took last: the watches it held for that batch are let go.
    pub(crate) fn poll_recv(
        &self,
        cx: &mut Context<'_>,
        batch: &mut VecDeque<M>,
    ) -> Poll<Received> {
        debug_assert!(batch.is_empty());
        let mut state = self.lock();
        // While the actor waits for messages, the watches are the next batch's, else the last
        // one's.
        let mut done = if state.taking {
            Watches::default()
        } else {
            self.watching.store(false, Ordering::Relaxed);
            state.watches.take()
        };
        let mut senders = None;
        let received = if state.stop == Some(StopKind::Kill) {
            Poll::Ready(Received::Stop(StopKind::Kill))
        } else if state.signal.is_some() {
            // The signal may take long (a restart backoff): the asker of a queued request
            // stops waiting for the actor.
            if done.is_empty() {
                done = state.watches.take();
            }
            Poll::Ready(Received::Signal)
        } else if !state.queue.is_empty() {
            std::mem::swap(&mut state.queue, batch);
            self.in_batch.store(batch.len() - 1, Ordering::Relaxed);
            state.taking = false;
            self.watching
                .store(!state.watches.is_empty(), Ordering::Relaxed);
            senders = state.senders.take_any();
            Poll::Ready(Received::Batch)
        } else if let Some(kind) = state.stop {
            Poll::Ready(Received::Stop(kind))
        } else {
            state.taking = true;
            self.in_batch.store(0, Ordering::Relaxed);
            match &mut state.receiver {
                Some(waker) if waker.will_wake(cx.waker()) => {}
                receiver => *receiver = Some(cx.waker().clone()),
            }
            Poll::Pending
        };
        drop(state);
        done.let_go();
        if let Some(senders) = senders {
            senders.into_iter().for_each(Waker::wake);
        }
        received
    }

    /// The actor's task returns from a poll. The loop itself yields only with no watch held
    /// (waiting for messages, a restart backoff, a hook, its end): a watch still held means a
    /// handler awaits, so may take long. The askers of the batch in hand whose requests are
    /// still unanswered then stop waiting for the actor and arm their timers.
    #[inline]
    pub(crate) fn polled(&self) {
        if self.watching.load(Ordering::Relaxed) {
            self.let_go();
        }
    }

    /// Lets go of the watches on the askers of the batch in hand.
    #[cold]
    fn let_go(&self) {
        self.watching.store(false, Ordering::Relaxed);
        let done = {
            let mut state = self.lock();
            if state.taking {
                Watches::default()
            } else {
                state.watches.take()
            }
        };
        done.let_go();
    }

    /// Resolves once a kill is requested; registers the actor task otherwise (used while the
    /// actor waits out a restart backoff).
    pub(crate) fn poll_killed(&self, cx: &mut Context<'_>) -> Poll<()> {
        let mut state = self.lock();
        if state.stop == Some(StopKind::Kill) {
            return Poll::Ready(());
        }
        // Not taking messages: an asker must not count on this actor to answer soon.
        state.taking = false;
        let done = state.watches.take();
        match &mut state.receiver {
            Some(waker) if waker.will_wake(cx.waker()) => {}
            receiver => *receiver = Some(cx.waker().clone()),
        }
        drop(state);
        done.let_go();
        Poll::Pending
    }

    /// Puts a supervision signal ahead of the queue (a later one replaces an unhandled earlier
    /// one: the newest failure wins) and wakes the actor.
    pub(crate) fn signal(&self, signal: Signal) {
        let mut state = self.lock();
        if !state.open {
            return;
        }
        state.signal = Some(Box::new(signal));
        self.set_interrupt(&mut state, Interrupts::SIGNALLED, true);
        let receiver = state.receiver.take();
        drop(state);
        if let Some(waker) = receiver {
            waker.wake();
        }
    }

    /// The waiting supervision signal, if any.
    pub(crate) fn take_signal(&self) -> Option<Signal> {
        let mut state = self.lock();
        self.set_interrupt(&mut state, Interrupts::SIGNALLED, false);
        state.signal.take().map(|signal| *signal)
    }

    /// Asks the actor to stop. From now on the mailbox accepts no messages; a graceful stop
    /// lets the actor handle what is already queued, a kill does not.
    pub(crate) fn request_stop(&self, kind: StopKind) {
        let mut state = self.lock();
        state.open = false;
        if state.stop != Some(StopKind::Kill) {
            state.stop = Some(kind);
        }
        if kind == StopKind::Kill {
            self.set_interrupt(&mut state, Interrupts::KILLED, true);
        }
        let receiver = state.receiver.take();
        let senders = state.senders.take();
        let watches = state.watches.take();
        drop(state);
        receiver.into_iter().chain(senders).for_each(Waker::wake);
        watches.let_go();
    }

    /// Closes the mailbox for good and hands back whatever is still queued.
    pub(crate) fn close(&self) -> VecDeque<M> {
        let mut state = self.lock();
        state.open = false;
        let rest = std::mem::take(&mut state.queue);
        let senders = state.senders.take();
        let watches = state.watches.take();
        state.receiver = None;
        drop(state);
        senders.into_iter().for_each(Waker::wake);
        watches.let_go();
        rest
    }

    /// How many messages wait for the actor: those queued, and those of its last batch behind
    /// the one it began with, until it comes back for more.
    pub(crate) fn len(&self) -> usize {
        let queued = self.lock().queue.len();
        queued + self.in_batch.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use std::task::{Context, Poll, Waker};

    use super::*;

    fn recv(mailbox: &Mailbox<u32>, batch: &mut VecDeque<u32>) -> Poll<Received> {
        mailbox.poll_recv(&mut Context::from_waker(Waker::noop()), batch)
    }

    #[test]
    fn a_sealed_mailbox_refuses_everything() {
        let mailbox = Mailbox::<u32>::sealed();
        assert!(!mailbox.is_open());
        assert!(matches!(mailbox.try_push(1), Err(PushError::Closed(1))));
        let mut slot = Some(2);
        let polled = mailbox.poll_push(&mut Context::from_waker(Waker::noop()), &mut slot);
        assert!(matches!(polled, Poll::Ready(Err(PushError::Closed(2)))));
    }

    #[test]
    fn a_batch_takes_everything_queued_in_order() {
        let mailbox = Mailbox::new(MailboxConfig::unbounded());
        let mut batch = VecDeque::new();
        assert_eq!(recv(&mailbox, &mut batch), Poll::Pending);
        for i in 0..5 {
            assert!(mailbox.try_push(i).is_ok());
        }
        assert_eq!(recv(&mailbox, &mut batch), Poll::Ready(Received::Batch));
        assert_eq!(batch, [0, 1, 2, 3, 4]);
        assert_eq!(
            mailbox.len(),
            4,
            "the batch behind its first message counts"
        );
        batch.clear();
        assert_eq!(recv(&mailbox, &mut batch), Poll::Pending);
        assert_eq!(mailbox.len(), 0);
    }

    #[test]
    fn a_bounded_mailbox_refuses_past_capacity_until_drained() {
        let mailbox = Mailbox::new(MailboxConfig::bounded(2));
        assert!(mailbox.try_push(1).is_ok());
        assert!(mailbox.try_push(2).is_ok());
        assert!(matches!(mailbox.try_push(3), Err(PushError::Full(3))));
        let mut pending = Some(3);
        let waker = Waker::noop();
        let pushed = mailbox.poll_push(&mut Context::from_waker(waker), &mut pending);
        assert!(pushed.is_pending());
        assert_eq!(
            pending,
            Some(3),
            "the message stays with the sender while it waits"
        );
        let mut batch = VecDeque::new();
        assert_eq!(recv(&mailbox, &mut batch), Poll::Ready(Received::Batch));
        let pushed = mailbox.poll_push(&mut Context::from_waker(waker), &mut pending);
        assert!(matches!(pushed, Poll::Ready(Ok(()))));
    }

    #[test]
    fn a_graceful_stop_comes_after_the_queue_and_a_kill_before_it() {
        let mailbox = Mailbox::new(MailboxConfig::unbounded());
        let mut batch = VecDeque::new();
        assert!(mailbox.try_push(1).is_ok());
        mailbox.request_stop(StopKind::Graceful);
        assert!(matches!(mailbox.try_push(2), Err(PushError::Closed(2))));
        assert_eq!(recv(&mailbox, &mut batch), Poll::Ready(Received::Batch));
        batch.clear();
        assert_eq!(
            recv(&mailbox, &mut batch),
            Poll::Ready(Received::Stop(StopKind::Graceful))
        );

        let killed = Mailbox::new(MailboxConfig::unbounded());
        assert!(killed.try_push(1).is_ok());
        killed.request_stop(StopKind::Kill);
        assert!(killed.is_killed());
        assert_eq!(
            recv(&killed, &mut batch),
            Poll::Ready(Received::Stop(StopKind::Kill))
        );
        assert_eq!(
            killed.close(),
            [1],
            "what was queued comes back to be rejected"
        );
    }

    #[test]
    fn push_many_fills_the_room_and_waits_for_the_rest() {
        let mailbox = Mailbox::new(MailboxConfig::bounded(3));
        let mut pending: VecDeque<u32> = (0..5).collect();
        let waker = Waker::noop();
        let first = mailbox.poll_push_many(&mut Context::from_waker(waker), &mut pending);
        assert!(first.is_pending());
        assert_eq!(pending, [3, 4]);
        let mut batch = VecDeque::new();
        assert_eq!(recv(&mailbox, &mut batch), Poll::Ready(Received::Batch));
        assert_eq!(batch, [0, 1, 2]);
        let second = mailbox.poll_push_many(&mut Context::from_waker(waker), &mut pending);
        assert_eq!(second, Poll::Ready(true));
        batch.clear();
        assert_eq!(recv(&mailbox, &mut batch), Poll::Ready(Received::Batch));
        assert_eq!(batch, [3, 4]);
    }
}
