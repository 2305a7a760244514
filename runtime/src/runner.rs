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
use std::sync::Arc;
use std::task::Poll;
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
use crate::system::ActorSystem;

/// Makes the state of an actor spawned with a factory, for its first start and every restart.
pub(crate) type Factory<A> = Box<dyn FnMut() -> A + Send>;

/// A batch buffer that grew beyond this many slots is shrunk back once drained, so a burst
/// does not pin memory in an idle actor.
const KEEP_BATCH_CAPACITY: usize = 1024;

/// Everything an actor's task starts with.
pub(crate) struct Start<A: Actor> {
    pub(crate) actor: A,
    pub(crate) cell: Arc<Cell<A>>,
    pub(crate) system: ActorSystem,
    pub(crate) supervision: Arc<Supervision>,
    /// Boxed, and only there when the actor has a factory or passivates.
    pub(crate) extras: Option<Box<Extras<A>>>,
}

/// What only some actors start with.
pub(crate) struct Extras<A> {
    pub(crate) factory: Option<Factory<A>>,
    /// Never [`Passivation::never`]: `None` then.
    pub(crate) passivation: Option<Passivation>,
}

/// What an actor keeps for restarting: its factory and its recent restarts.
struct Restarts<A> {
    log: RestartLog,
    factory: Option<Factory<A>>,
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
enum Phase {
    /// Run `pre_start` and `post_start`, then serve.
    Start,
    /// Serve straight away.
    Serve,
}

/// Runs an actor until it stops.
pub(crate) async fn run<A: Actor>(mut start: Start<A>) {
    // The fields of `start` are used in place rather than moved into locals: an async fn keeps
    // its arguments for its whole life, so moved-out copies would only add to the task's size.
    let cell = &*start.cell;
    let mut ctx = Ctx::new(
        ActorRef::from_cell(Arc::clone(&start.cell)),
        start.system.clone(),
    );
    // Survives restarts: the messages of a batch behind a failing one are not lost.
    let mut batch = VecDeque::new();
    // Boxed, and only made when needed: most actors never restart.
    let factory = start
        .extras
        .as_mut()
        .and_then(|extras| extras.factory.take());
    let mut restarts: Option<Box<Restarts<A>>> = factory.map(|factory| {
        Box::new(Restarts {
            log: RestartLog::new(),
            factory: Some(factory),
        })
    });
    let mut phase = Phase::Start;
    let mut passivating = false;
    let reason = loop {
        let passivation = start
            .extras
            .as_ref()
            .and_then(|extras| extras.passivation.as_ref())
            .filter(|_| !passivating);
        let exit = match phase {
            Phase::Start => match start_instance(&mut start.actor, &mut ctx).await {
                Ok(()) => {
                    serve_guarded(&mut start.actor, &mut ctx, cell, &mut batch, passivation).await
                }
                Err(failure) => Exit::Failed(failure),
            },
            Phase::Serve => {
                serve_guarded(&mut start.actor, &mut ctx, cell, &mut batch, passivation).await
            }
        };
        let (failure, directive, own) = match exit {
            Exit::Stopped if cell.mailbox.is_killed() => break StopReason::Killed,
            Exit::Stopped if passivating => break StopReason::Passivated,
            Exit::Stopped => break StopReason::Stopped,
            Exit::Passivate => {
                // A graceful stop of its own: what is queued is handled, later messages are
                // refused (dead letters), and the next `Stopped` ends the loop.
                tracing::debug!(actor = %ctx.path(), "actor passivates");
                cell.mailbox.request_stop(StopKind::Graceful);
                passivating = true;
                phase = Phase::Serve;
                continue;
            }
            // A child's escalated failure is this actor's own failure.
            Exit::Failed(failure) | Exit::Signal(Signal::Escalated(failure)) => {
                let directive = start.supervision.decide(&failure);
                (failure, directive, true)
            }
            Exit::Signal(Signal::Restart(why)) => {
                (Failure::Error(why.into()), Directive::Restart, false)
            }
            Exit::Signal(Signal::Stop) => break StopReason::Stopped,
        };
        // Boxed: failures are rare, and their handling would otherwise make every idle
        // actor's task bigger.
        let supervise = supervise(
            Failed {
                failure,
                directive,
                own,
            },
            &mut start.actor,
            &mut ctx,
            cell,
            &start.supervision,
            &mut restarts,
        );
        match Box::pin(supervise).await {
            Ok(Phase::Start) => {
                // A restart: the fresh instance starts in the initial state, with what was
                // stashed back in front of the batch.
                ctx.restarted(&mut batch);
                phase = Phase::Start;
            }
            Ok(Phase::Serve) => phase = Phase::Serve,
            Err(reason) => break reason,
        }
    };
    let reason_left = leftover_reason(cell);
    // Stashed messages first: they came before what is still in the batch.
    let stashed = ctx.release();
    for msg in stashed
        .into_iter()
        .chain(batch.drain(..))
        .chain(cell.mailbox.close())
    {
        cell.give_up(msg, reason_left.clone());
    }
    // Boxed: waiting for the children is the biggest state of the loop, and an idle actor's
    // task would otherwise carry it all its life.
    Box::pin(retire(&mut start.actor, &mut ctx, cell, true)).await;
    let Start { actor, .. } = start;
    drop_state(actor, &ctx);
    cell.core.system.forget(&cell.core);
    cell.core.watchers.close(&cell.core, &reason);
    publish(cell, || Event::Stopped {
        actor: cell.core.path(),
        reason,
    });
    cell.core.mark_terminated();
    tracing::trace!(actor = %ctx.path(), "actor stopped");
}

/// A failure and what to do about it.
struct Failed {
    failure: Failure,
    directive: Directive,
    /// `false` when a sibling's all-for-one failure forces the directive: it then does not
    /// spread further.
    own: bool,
}

/// Carries out the directive for a failure: `Ok` with where the loop goes on, or `Err` with
/// why the actor stops.
async fn supervise<A: Actor>(
    failed: Failed,
    actor: &mut A,
    ctx: &mut Ctx<A>,
    cell: &Cell<A>,
    supervision: &Supervision,
    restarts: &mut Option<Box<Restarts<A>>>,
) -> Result<Phase, StopReason> {
    let Failed {
        failure,
        directive,
        own,
    } = failed;
    let all_for_one = own && supervision.is_all_for_one();
    match directive {
        Directive::Stop => {
            tracing::error!(actor = %ctx.path(), %failure, "actor failed and stops");
            if all_for_one {
                for sibling in cell.core.system.siblings(&cell.core) {
                    sibling.signal(Signal::Stop);
                }
            }
            Err(StopReason::Failed(failure.reason()))
        }
        Directive::Escalate => {
            let reason = failure.reason();
            match &cell.core.parent {
                Some(parent) => {
                    tracing::warn!(actor = %ctx.path(), %failure, "actor failed and escalates");
                    parent.signal(Signal::Escalated(failure));
                    Err(StopReason::Escalated(reason))
                }
                None => {
                    tracing::error!(
                        actor = %ctx.path(), %failure,
                        "top-level actor failed and escalates to the guardian, so it stops"
                    );
                    Err(StopReason::Failed(reason))
                }
            }
        }
        Directive::Resume => {
            tracing::warn!(actor = %ctx.path(), %failure, "actor failed and resumes");
            publish(cell, || Event::Resumed {
                actor: cell.core.path(),
                failure: failure.reason(),
            });
            Ok(Phase::Serve)
        }
        Directive::Restart => {
            let restarts = restarts.get_or_insert_with(|| {
                Box::new(Restarts {
                    log: RestartLog::new(),
                    factory: None,
                })
            });
            let Some(delay) = restarts.log.admit(supervision) else {
                tracing::error!(
                    actor = %ctx.path(), %failure,
                    "actor failed again with its restart budget spent, and stops"
                );
                return Err(StopReason::RestartsExhausted(failure.reason()));
            };
            let fresh = match restarts.factory.as_mut() {
                Some(make) => catch_sync(make).ok(),
                None => A::fresh(),
            };
            let Some(fresh) = fresh else {
                tracing::error!(
                    actor = %ctx.path(), %failure,
                    "actor failed and cannot restart (no factory and not `Default`), so it stops"
                );
                return Err(StopReason::Failed(failure.reason()));
            };
            tracing::warn!(actor = %ctx.path(), %failure, ?delay, "actor failed and restarts");
            if all_for_one {
                let why = format!("a sibling failed: {}", failure.reason());
                for sibling in cell.core.system.siblings(&cell.core) {
                    sibling.signal(Signal::Restart(why.clone()));
                }
            }
            if restart(actor, fresh, ctx, cell, delay).await {
                return Err(StopReason::Killed);
            }
            publish(cell, || Event::Restarted {
                actor: cell.core.path(),
                failure: failure.reason(),
            });
            Ok(Phase::Start)
        }
    }
}

/// Retires the failed instance, puts `fresh` in its place and waits out the backoff; `true`
/// if the actor was killed meanwhile.
async fn restart<A: Actor>(
    actor: &mut A,
    fresh: A,
    ctx: &mut Ctx<A>,
    cell: &Cell<A>,
    delay: Duration,
) -> bool {
    retire(actor, ctx, cell, false).await;
    drop_state(std::mem::replace(actor, fresh), ctx);
    if delay.is_zero() {
        return false;
    }
    tokio::select! {
        () = tokio::time::sleep(delay) => false,
        () = poll_fn(|cx| cell.mailbox.poll_killed(cx)) => true,
    }
}

fn publish<A: Actor>(cell: &Cell<A>, make: impl FnOnce() -> Event) {
    cell.core.system.events.publish(make);
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

async fn start_instance<A: Actor>(actor: &mut A, ctx: &mut Ctx<A>) -> Result<(), Failure> {
    catch_async(actor.pre_start(ctx)).await??;
    catch_async(actor.post_start(ctx)).await??;
    let core = &ctx.actor_ref().cell.core;
    core.system
        .events
        .publish(|| Event::Started { actor: core.path() });
    Ok(())
}

/// Why what is left in the mailbox of a stopping actor is not handled.
fn leftover_reason<A: Actor>(cell: &Cell<A>) -> DeadLetterReason {
    if cell.mailbox.is_killed() {
        DeadLetterReason::Killed
    } else {
        DeadLetterReason::Stopped
    }
}

/// [`serve`] with one panic guard around it, not one per message: generated dispatch already
/// catches handler panics itself (so that an asking caller gets the panic message); this guard
/// is for hand-written `Actor::handle` implementations.
fn serve_guarded<'a, A: Actor>(
    actor: &'a mut A,
    ctx: &'a mut Ctx<A>,
    cell: &'a Cell<A>,
    batch: &'a mut VecDeque<A::Msg>,
    passivation: Option<&'a Passivation>,
) -> impl Future<Output = Exit> + Send + 'a {
    // Not an `async fn`: a wrapper state machine would add to every idle actor's task.
    AssertUnwindSafe(serve(actor, ctx, cell, batch, passivation))
        .catch_unwind()
        .map(|outcome| outcome.unwrap_or_else(|panic| Exit::Failed(Failure::from_panic(panic))))
}

async fn serve<A: Actor>(
    actor: &mut A,
    ctx: &mut Ctx<A>,
    cell: &Cell<A>,
    batch: &mut VecDeque<A::Msg>,
    passivation: Option<&Passivation>,
) -> Exit {
    // Boxed and made only for actors that passivate: this future lives in every actor's task.
    let mut passivator = passivation.map(|passivation| Box::new(Passivator::new(passivation)));
    loop {
        // Messages a hook unstashed (`post_start` after a restart, say) come first.
        if ctx.has_unstashed() {
            ctx.requeue_unstashed(batch);
        }
        while let Some(msg) = batch.pop_front() {
            cell.mailbox.set_in_hand(batch.len());
            if let Err(failure) = actor.handle(msg, ctx).await {
                return Exit::Failed(failure);
            }
            if passivator.as_mut().is_some_and(|p| p.count_one()) {
                return Exit::Passivate;
            }
            if cell.mailbox.is_killed() {
                return Exit::Stopped;
            }
            if ctx.has_unstashed() {
                ctx.requeue_unstashed(batch);
            }
            if cell.mailbox.is_signalled()
                && let Some(signal) = cell.mailbox.take_signal()
            {
                return Exit::Signal(signal);
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
