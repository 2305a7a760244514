//! The actor loop: one tokio task per actor, from `pre_start` to `post_stop`.
//!
//! The loop drains the mailbox a batch at a time, runs each message through the actor's
//! generated dispatch with panics caught, and on the way out rejects what is left, stops the
//! children, runs `post_stop` and takes the actor out of the registry. Without a supervisor
//! (a later layer) a failing actor stops.

use std::collections::VecDeque;
use std::future::poll_fn;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use futures_util::FutureExt;

use crate::actor::{Actor, Message};
use crate::actor_ref::ActorRef;
use crate::cell::{Cell, stop_all};
use crate::context::Ctx;
use crate::event::{DeadLetterReason, Event, StopReason};
use crate::failure::{Failure, catch_async, catch_sync};
use crate::mailbox::{Received, StopKind};
use crate::reply::Rejection;
use crate::system::ActorSystem;

/// A batch buffer that grew beyond this many slots is shrunk back once drained, so a burst
/// does not pin memory in an idle actor.
const KEEP_BATCH_CAPACITY: usize = 1024;

/// How the loop ended.
enum Exit {
    Stopped,
    Failed(Failure),
}

/// Runs `actor` until it stops.
pub(crate) async fn run<A: Actor>(mut actor: A, cell: Arc<Cell<A>>, system: ActorSystem) {
    let mut ctx = Ctx::new(ActorRef::from_cell(Arc::clone(&cell)), system);
    // One panic guard around the whole loop, not one per message: generated dispatch already
    // catches handler panics itself (so that an asking caller gets the panic message); this
    // guard is for hand-written `Actor::handle` implementations.
    let exit = match start(&mut actor, &mut ctx).await {
        Ok(()) => AssertUnwindSafe(serve(&mut actor, &mut ctx, &cell))
            .catch_unwind()
            .await
            .unwrap_or_else(|panic| Exit::Failed(Failure::from_panic(panic))),
        Err(failure) => Exit::Failed(failure),
    };
    if let Exit::Failed(failure) = &exit {
        tracing::error!(actor = %ctx.path(), %failure, "actor failed and stops");
    }
    for msg in cell.mailbox.close() {
        give_up(&cell, msg);
    }
    ctx.unwatch_all();
    let children = cell.core.children.close();
    if !children.is_empty() {
        stop_all(children, StopKind::Graceful).await;
    }
    if let Err(failure) = catch_async(actor.post_stop(&mut ctx)).await.and_then(|r| r) {
        tracing::error!(actor = %ctx.path(), %failure, "post_stop failed");
    }
    // The state's own `Drop` is user code too: a panic there must not skip the bookkeeping
    // below, or whoever waits for this actor would wait forever.
    if let Err(failure) = catch_sync(move || drop(actor)) {
        tracing::error!(actor = %ctx.path(), %failure, "dropping the actor's state failed");
    }
    let reason = match exit {
        Exit::Failed(failure) => StopReason::Failed(failure.reason()),
        Exit::Stopped if cell.mailbox.is_killed() => StopReason::Killed,
        Exit::Stopped => StopReason::Stopped,
    };
    cell.core.system.forget(&cell.core);
    cell.core.watchers.close(&cell.core, &reason);
    cell.core.system.events.publish(|| Event::Stopped {
        actor: cell.core.path(),
        reason,
    });
    cell.core.mark_terminated();
    tracing::trace!(actor = %ctx.path(), "actor stopped");
}

async fn start<A: Actor>(actor: &mut A, ctx: &mut Ctx<A>) -> Result<(), Failure> {
    catch_async(actor.pre_start(ctx)).await??;
    catch_async(actor.post_start(ctx)).await??;
    let core = &ctx.actor_ref().cell.core;
    core.system
        .events
        .publish(|| Event::Started { actor: core.path() });
    Ok(())
}

/// A message the actor will never handle: a dead letter, and an answer for its caller.
fn give_up<A: Actor>(cell: &Cell<A>, msg: A::Msg) {
    let reason = if cell.mailbox.is_killed() {
        DeadLetterReason::Killed
    } else {
        DeadLetterReason::Stopped
    };
    cell.core
        .system
        .events
        .dead_letter(&cell.core, &msg, reason);
    msg.reject(Rejection::Stopped);
}

async fn serve<A: Actor>(actor: &mut A, ctx: &mut Ctx<A>, cell: &Cell<A>) -> Exit {
    let mut batch = VecDeque::new();
    let exit = 'serve: loop {
        match poll_fn(|cx| cell.mailbox.poll_recv(cx, &mut batch)).await {
            Received::Batch => {
                while let Some(msg) = batch.pop_front() {
                    if let Err(failure) = actor.handle(msg, ctx).await {
                        break 'serve Exit::Failed(failure);
                    }
                    if ctx.stop_requested() || cell.mailbox.is_killed() {
                        break 'serve Exit::Stopped;
                    }
                }
                if batch.capacity() > KEEP_BATCH_CAPACITY {
                    batch = VecDeque::new();
                }
            }
            Received::Stop(_) => break Exit::Stopped,
        }
    };
    for msg in batch {
        give_up(cell, msg);
    }
    exit
}
