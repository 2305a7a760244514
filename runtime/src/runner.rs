//! The actor loop: one tokio task per actor, from `pre_start` to `post_stop`.
//!
//! The loop drains the mailbox a batch at a time and runs each message through the actor's
//! generated dispatch. A failure goes to the actor's [`Supervision`], and the loop carries out
//! the directive: resume with the same state, restart with fresh state (keeping the mailbox and
//! the rest of the batch), or stop. On the way out it rejects what is left as dead letters,
//! stops the children, runs `post_stop`, tells the watchers and takes the actor out of the
//! registry.

use std::collections::VecDeque;
use std::future::{Future, poll_fn};
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_util::FutureExt;

use crate::actor::Actor;
use crate::actor_ref::ActorRef;
use crate::cell::{Cell, stop_all};
use crate::context::Ctx;
use crate::event::{DeadLetterReason, Event, StopReason};
use crate::failure::{Failure, catch_async, catch_sync};
use crate::mailbox::{Received, Signal, StopKind};
use crate::passivation::Passivation;
use crate::supervision::{Directive, RestartLog, Supervision};

/// Makes the state of an actor spawned with a factory, for its first start and every restart.
pub(crate) type Factory<A> = Box<dyn FnMut() -> A + Send>;

/// A batch buffer that grew beyond this many slots is shrunk back once drained, so a burst
/// does not pin memory in an idle actor.
const KEEP_BATCH_CAPACITY: usize = 1024;

/// Everything an actor's task starts with.
pub(crate) struct Start<A: Actor> {
    pub(crate) actor: A,
    pub(crate) cell: Arc<Cell<A>>,
    pub(crate) supervision: Arc<Supervision>,
    /// Boxed, and only there when the actor has a factory or passivates.
    pub(crate) extras: Option<Box<Extras<A>>>,
}

/// What only some actors have: a factory, a passivation, a record of recent restarts. Boxed
/// and made only when needed (most actors never restart), as every byte of the actor loop is
/// carried by every idle actor.
pub(crate) struct Extras<A> {
    pub(crate) factory: Option<Factory<A>>,
    /// Never [`Passivation::never`]: `None` then.
    pub(crate) passivation: Option<Passivation>,
    pub(crate) restarts: RestartLog,
}

impl<A> Extras<A> {
    pub(crate) fn new(factory: Option<Factory<A>>, passivation: Option<Passivation>) -> Self {
        Extras {
            factory,
            passivation,
            restarts: RestartLog::new(),
        }
    }
}

/// The passivation bookkeeping of one run of the loop.
struct Passivator {
    idle: Option<Duration>,
    timer: Option<std::pin::Pin<Box<tokio::time::Sleep>>>,
    limit: Option<u64>,
    handled: u64,
}

impl Passivator {
    fn new(passivation: &Passivation) -> Self {
        Passivator {
            idle: passivation.idle(),
            timer: passivation
                .idle()
                .map(|idle| Box::pin(tokio::time::sleep(idle))),
            limit: passivation.messages(),
            handled: 0,
        }
    }

    /// Counts a handled message; `true` once the limit is reached.
    fn count_one(&mut self) -> bool {
        self.handled += 1;
        self.limit.is_some_and(|limit| self.handled >= limit)
    }

    /// Restarts the idle timer (the actor is about to wait for messages).
    fn rearm(&mut self) {
        if let (Some(timer), Some(idle)) = (self.timer.as_mut(), self.idle) {
            timer.as_mut().reset(tokio::time::Instant::now() + idle);
        }
    }

    /// Whether the actor has been idle long enough.
    fn poll_idle(&mut self, cx: &mut std::task::Context<'_>) -> Poll<()> {
        match self.timer.as_mut() {
            Some(timer) => timer.as_mut().poll(cx),
            None => Poll::Pending,
        }
    }
}

/// How a run of the loop ended.
enum Exit {
    Stopped,
    Failed(Failure),
    /// A supervision signal from a child or a sibling.
    Signal(Signal),
    /// Idle for long enough, or enough messages handled.
    Passivate,
}

/// Where the loop resumes after a failure.
#[derive(Clone, Copy)]
enum Phase {
    /// Run `pre_start` and `post_start`, then serve.
    Start,
    /// Serve straight away.
    Serve,
}

/// A running actor: everything its task holds, in one place.
///
/// The actor loop is a method future that owns this value and nothing else of size: every
/// byte of that future is carried by every idle actor, so the loop's methods take `&mut self`
/// rather than a reference per field, and rare work (failures, the final clean-up) runs in
/// boxed futures.
struct Running<A: Actor> {
    actor: A,
    ctx: Ctx<A>,
    /// The actor's own cell (the context holds another reference, which a handler borrows).
    cell: Arc<Cell<A>>,
    /// Survives restarts: the messages of a batch behind a failing one are not lost.
    batch: VecDeque<A::Msg>,
    supervision: Arc<Supervision>,
    extras: Option<Box<Extras<A>>>,
    /// Set once the actor passivates: it then drains its queue and stops.
    passivating: bool,
}

/// Runs an actor until it stops.
pub(crate) fn run<A: Actor>(start: Start<A>) -> impl Future<Output = ()> + Send {
    let Start {
        actor,
        cell,
        supervision,
        extras,
    } = start;
    ActorTask {
        cell: Arc::clone(&cell),
        live: Running {
            actor,
            ctx: Ctx::new(ActorRef::from_cell(Arc::clone(&cell))),
            cell,
            batch: VecDeque::new(),
            supervision,
            extras,
            passivating: false,
        }
        .live(),
    }
}

impl<A: Actor> Running<A> {
    /// The actor loop. Not an `async fn`: one would keep its `self` argument and a moved copy
    /// of it side by side for its whole life (rust-lang/rust#62958), and every byte here is
    /// carried by every idle actor.
    #[allow(clippy::manual_async_fn)] // on purpose: see above
    fn live(mut self) -> impl Future<Output = ()> + Send {
        async move {
            let mut phase = Phase::Start;
            let reason = loop {
                let exit = self.serve_guarded(phase).await;
                // Boxed: how a run ends is decided once per run, and its state (failures,
                // supervision, restarts) would otherwise be carried by every idle actor's
                // task.
                match Box::pin(self.after(exit)).await {
                    Ok(next) => phase = next,
                    Err(reason) => break reason,
                }
            };
            Box::pin(self.finish(reason)).await;
        }
    }

    /// What follows a run of the loop: `Ok` with where the loop goes on, or `Err` with why
    /// the actor stops.
    async fn after(&mut self, exit: Exit) -> Result<Phase, StopReason> {
        let (failure, directive, own) = match exit {
            Exit::Stopped if self.cell.mailbox.is_killed() => return Err(StopReason::Killed),
            Exit::Stopped if self.passivating => return Err(StopReason::Passivated),
            Exit::Stopped => return Err(StopReason::Stopped),
            Exit::Passivate => {
                // A graceful stop of its own: what is queued is handled, later messages are
                // refused (dead letters), and the next `Stopped` ends the loop.
                tracing::debug!(actor = %self.ctx.path(), "actor passivates");
                self.cell.mailbox.request_stop(StopKind::Graceful);
                self.passivating = true;
                return Ok(Phase::Serve);
            }
            // A child's escalated failure is this actor's own failure.
            Exit::Failed(failure) | Exit::Signal(Signal::Escalated(failure)) => {
                let directive = self.supervision.decide(&failure);
                (failure, directive, true)
            }
            Exit::Signal(Signal::Restart(why)) => {
                (Failure::Error(why.into()), Directive::Restart, false)
            }
            Exit::Signal(Signal::Stop) => return Err(StopReason::Stopped),
        };
        let failed = Failed {
            failure,
            directive,
            own,
        };
        let next = self.supervise(failed).await?;
        if let Phase::Start = next {
            // A restart: the fresh instance starts in the initial state, with what was
            // stashed back in front of the batch.
            self.ctx.restarted(&mut self.batch);
        }
        Ok(next)
    }

    /// The actor stops for good: what is left becomes dead letters, the children stop,
    /// `post_stop` runs, and the registry, the watchers and the event stream learn of it.
    async fn finish(self, reason: StopReason) {
        let Running {
            actor,
            mut ctx,
            cell,
            mut batch,
            ..
        } = self;
        let mut actor = actor;
        let reason_left = leftover_reason(&cell);
        // Stashed messages first: they came before what is still in the batch.
        let stashed = ctx.release();
        for msg in stashed
            .into_iter()
            .chain(batch.drain(..))
            .chain(cell.mailbox.close())
        {
            cell.give_up(msg, reason_left.clone());
        }
        retire(&mut actor, &mut ctx, &cell, true).await;
        drop_state(actor, &ctx);
        cell.core.system.inner.forget(&cell.core);
        cell.core.tell_watchers(&reason);
        publish(&cell, || Event::Stopped {
            actor: cell.core.path(),
            reason,
        });
        cell.core.mark_terminated();
        tracing::trace!(actor = %ctx.path(), "actor stopped");
    }

    /// Carries out the directive for a failure: `Ok` with where the loop goes on, or `Err`
    /// with why the actor stops.
    async fn supervise(&mut self, failed: Failed) -> Result<Phase, StopReason> {
        let Failed {
            failure,
            directive,
            own,
        } = failed;
        let all_for_one = own && self.supervision.is_all_for_one();
        let path = self.ctx.path();
        match directive {
            Directive::Stop => {
                tracing::error!(actor = %path, %failure, "actor failed and stops");
                if all_for_one {
                    for sibling in self.cell.core.system.inner.siblings(&self.cell.core) {
                        sibling.signal(Signal::Stop);
                    }
                }
                Err(StopReason::Failed(failure.reason()))
            }
            Directive::Escalate => {
                let reason = failure.reason();
                match &self.cell.core.parent {
                    Some(parent) => {
                        tracing::warn!(actor = %path, %failure, "actor failed and escalates");
                        parent.signal(Signal::Escalated(failure));
                        Err(StopReason::Escalated(reason))
                    }
                    None => {
                        tracing::error!(
                            actor = %path, %failure,
                            "top-level actor failed and escalates to the guardian, so it stops"
                        );
                        Err(StopReason::Failed(reason))
                    }
                }
            }
            Directive::Resume => {
                tracing::warn!(actor = %path, %failure, "actor failed and resumes");
                publish(&self.cell, || Event::Resumed {
                    actor: path.clone(),
                    failure: failure.reason(),
                });
                Ok(Phase::Serve)
            }
            Directive::Restart => {
                let extras = self
                    .extras
                    .get_or_insert_with(|| Box::new(Extras::new(None, None)));
                let Some(delay) = extras.restarts.admit(&self.supervision) else {
                    tracing::error!(
                        actor = %path, %failure,
                        "actor failed again with its restart budget spent, and stops"
                    );
                    return Err(StopReason::RestartsExhausted(failure.reason()));
                };
                let fresh = match extras.factory.as_mut() {
                    Some(make) => catch_sync(make).ok(),
                    None => A::fresh(),
                };
                let Some(fresh) = fresh else {
                    tracing::error!(
                        actor = %path, %failure,
                        "actor failed and cannot restart (no factory and not `Default`), so it stops"
                    );
                    return Err(StopReason::Failed(failure.reason()));
                };
                tracing::warn!(actor = %path, %failure, ?delay, "actor failed and restarts");
                if all_for_one {
                    let why = format!("a sibling failed: {}", failure.reason());
                    for sibling in self.cell.core.system.inner.siblings(&self.cell.core) {
                        sibling.signal(Signal::Restart(why.clone()));
                    }
                }
                if self.restart(fresh, delay).await {
                    return Err(StopReason::Killed);
                }
                publish(&self.cell, || Event::Restarted {
                    actor: path,
                    failure: failure.reason(),
                });
                Ok(Phase::Start)
            }
        }
    }

    /// Retires the failed instance, puts `fresh` in its place and waits out the backoff;
    /// `true` if the actor was killed meanwhile.
    async fn restart(&mut self, fresh: A, delay: Duration) -> bool {
        retire(&mut self.actor, &mut self.ctx, &self.cell, false).await;
        drop_state(std::mem::replace(&mut self.actor, fresh), &self.ctx);
        if delay.is_zero() {
            return false;
        }
        let cell = &self.cell;
        tokio::select! {
            () = tokio::time::sleep(delay) => false,
            () = poll_fn(|cx| cell.mailbox.poll_killed(cx)) => true,
        }
    }

    async fn start_instance(&mut self) -> Result<(), Failure> {
        catch_async(self.actor.pre_start(&mut self.ctx)).await??;
        catch_async(self.actor.post_start(&mut self.ctx)).await??;
        let core = &self.cell.core;
        core.system
            .inner
            .events
            .publish(|| Event::Started { actor: core.path() });
        Ok(())
    }

    /// [`serve`](Running::serve) with one panic guard around it, not one per message:
    /// generated dispatch already catches handler panics itself (so that an asking caller gets
    /// the panic message); this guard is for hand-written `Actor::handle` implementations.
    fn serve_guarded(&mut self, phase: Phase) -> impl Future<Output = Exit> + Send + '_ {
        // Not an `async fn`: a wrapper state machine would add to every idle actor's task.
        AssertUnwindSafe(self.serve(phase))
            .catch_unwind()
            .map(|outcome| outcome.unwrap_or_else(|panic| Exit::Failed(Failure::from_panic(panic))))
    }

    /// Starts the instance first if `phase` says so, then handles messages until the run
    /// ends.
    async fn serve(&mut self, phase: Phase) -> Exit {
        if let Phase::Start = phase
            && let Err(failure) = self.start_instance().await
        {
            return Exit::Failed(failure);
        }
        // Boxed and made only for actors that passivate: this future lives in every actor's
        // task.
        let mut passivator = self
            .extras
            .as_ref()
            .and_then(|extras| extras.passivation.as_ref())
            .filter(|_| !self.passivating)
            .map(|passivation| Box::new(Passivator::new(passivation)));
        let Running {
            actor,
            ctx,
            cell,
            batch,
            ..
        } = self;
        // The cell itself, not the `Arc` in `self`: one load less per message.
        let cell: &Cell<A> = cell;
        loop {
            // Messages a hook unstashed (`post_start` after a restart, say) come first.
            if ctx.has_unstashed() {
                ctx.requeue_unstashed(batch);
            }
            while let Some(msg) = batch.pop_front() {
                if let Err(failure) = actor.handle(msg, ctx).await {
                    return Exit::Failed(failure);
                }
                if passivator.as_mut().is_some_and(|p| p.count_one()) {
                    return Exit::Passivate;
                }
                if ctx.has_unstashed() {
                    ctx.requeue_unstashed(batch);
                }
                let interrupts = cell.mailbox.interrupts();
                if interrupts.any() {
                    if interrupts.killed() {
                        return Exit::Stopped;
                    }
                    if let Some(signal) = cell.mailbox.take_signal() {
                        return Exit::Signal(signal);
                    }
                }
            }
            if batch.capacity() > KEEP_BATCH_CAPACITY {
                *batch = VecDeque::new();
            }
            if let Some(passivator) = passivator.as_mut() {
                passivator.rearm();
            }
            let received = poll_fn(|cx| {
                // The mailbox first: a message that came as the timer fired is handled.
                if let Poll::Ready(received) = cell.mailbox.poll_recv(cx, batch) {
                    return Poll::Ready(Some(received));
                }
                match passivator.as_mut().map(|p| p.poll_idle(cx)) {
                    Some(Poll::Ready(())) => Poll::Ready(None),
                    _ => Poll::Pending,
                }
            })
            .await;
            let Some(received) = received else {
                return Exit::Passivate;
            };
            match received {
                Received::Batch => {}
                Received::Stop(_) => return Exit::Stopped,
                Received::Signal => {
                    if let Some(signal) = cell.mailbox.take_signal() {
                        return Exit::Signal(signal);
                    }
                }
            }
        }
    }
}

/// An actor's task: its loop, and after every poll of it a word to the mailbox, which lets go
/// of the watch on an asker if a handler awaits (see `Mailbox::polled`). Checking once per
/// poll of the task costs nothing per message.
struct ActorTask<F, A: Actor> {
    live: F,
    cell: Arc<Cell<A>>,
}

impl<F: Future, A: Actor> Future for ActorTask<F, A> {
    type Output = F::Output;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // SAFETY: `live` is structurally pinned: it is never moved out of `self`, and
        // `ActorTask` has no `Drop` impl and only the auto `Unpin` (which requires `F: Unpin`).
        let this = unsafe { self.get_unchecked_mut() };
        // SAFETY: as above; `this` is not moved.
        let polled = unsafe { Pin::new_unchecked(&mut this.live) }.poll(cx);
        this.cell.mailbox.polled();
        polled
    }
}

/// A failure and what to do about it.
struct Failed {
    failure: Failure,
    directive: Directive,
    /// `false` when a sibling's all-for-one failure forces the directive: it then does not
    /// spread further.
    own: bool,
}

fn publish<A: Actor>(cell: &Cell<A>, make: impl FnOnce() -> Event) {
    cell.core.system.inner.events.publish(make);
}

/// Stops the children and runs `post_stop` of the current instance; `for_good` also closes
/// the child set (nothing may be spawned under a stopping actor).
async fn retire<A: Actor>(actor: &mut A, ctx: &mut Ctx<A>, cell: &Cell<A>, for_good: bool) {
    let children = if for_good {
        cell.core.children.close()
    } else {
        cell.core.children.take_all()
    };
    if !children.is_empty() {
        stop_all(children, StopKind::Graceful).await;
    }
    if let Err(failure) = catch_async(actor.post_stop(ctx)).await.and_then(|r| r) {
        tracing::error!(actor = %ctx.path(), %failure, "post_stop failed");
    }
}

/// Drops an instance's state. Its `Drop` is user code too: a panic there must not skip the
/// bookkeeping after it, or whoever waits for this actor would wait forever.
fn drop_state<A: Actor>(actor: A, ctx: &Ctx<A>) {
    if let Err(failure) = catch_sync(move || drop(actor)) {
        tracing::error!(actor = %ctx.path(), %failure, "dropping the actor's state failed");
    }
}

/// Why what is left in the mailbox of a stopping actor is not handled.
fn leftover_reason<A: Actor>(cell: &Cell<A>) -> DeadLetterReason {
    if cell.mailbox.is_killed() {
        DeadLetterReason::Killed
    } else {
        DeadLetterReason::Stopped
    }
}
