//! The remote handle: a cell outside the local tree whose sealed mailbox hands every send to a
//! [`RemoteProxy`], the `Forward` that encodes it with the actor's wire codec and sends it
//! over the node.
//!
//! This module owns what a handle to another node's actor does: tells and asks (encoded with
//! `RemoteActor::encode_call`, then sent on the actor's route: its node's connection, found on
//! the first send and kept), the mapping of transport errors into [`SendError`] and
//! [`AskError`], stop (`Node::stop`), and the remote watch that marks the handle stopped, and
//! tells its local watchers, when the actor stops or its node becomes unreachable. Local sends
//! never reach it: only a sealed mailbox's refusal does.

use std::any::Any;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock, Weak};
use std::task::Poll;
use std::time::Duration;

use futures_util::future::Either;
use prost::bytes::Bytes;
use tokio::task::AbortHandle;
use tokio::time::Instant;

use super::address::address_text;
use super::calls::WatchEnd;
use super::error::RemoteError;
use super::node::{Node, Route};
use super::proto::v1::{ActorAddress, StopCause, Terminated as WireTerminated};
use crate::actor_ref::ActorRef;
use crate::cell::{Cell, Forward, PushTo};
use crate::error::{AskError, SendError};
use crate::event::{DeadLetterReason, StopReason};
use crate::id::{ActorId, ActorPath};
use crate::mailbox::{Signal, StopKind};
use crate::system::ActorSystem;
use crate::watch::Terminated;
use crate::wire::{RemoteActor, Settler};

/// One incarnation of a remote actor: its node's `uid`, its path, its id.
pub(super) type ProxyKey = (u64, String, u64);

/// What identifies one incarnation of a remote actor.
pub(super) fn proxy_key(address: &ActorAddress) -> ProxyKey {
    let uid = address.node.as_ref().map_or(0, |node| node.uid);
    (uid, address.path.clone(), address.id)
}

/// Where the sends to one remote actor go.
pub(super) struct RemoteProxy<A: RemoteActor> {
    node: Node,
    address: ActorAddress,
    /// The way to the actor, found on the first send (so sends do not look up its node).
    route: OnceLock<Route>,
    path: ActorPath,
    shared: Arc<ProxyState<A>>,
    runtime: tokio::runtime::Handle,
    ask_timeout: Duration,
    /// The remote watch, ended with the proxy.
    watch: AbortHandle,
}

/// What the proxy's tasks share with it.
struct ProxyState<A: RemoteActor> {
    /// Set once the actor is known to be stopping or gone (a stop, its `Terminated`, an
    /// ask that found no actor).
    stopped: AtomicBool,
    /// Why the actor's node is unreachable, when that is how the handle ended.
    unreachable: OnceLock<String>,
    cell: Weak<Cell<A>>,
}

impl<A: RemoteActor> ProxyState<A> {
    /// The actor is gone: the handle is no longer alive, and its watchers hear why (once).
    fn ended(&self, reason: StopReason) {
        if let StopReason::Unreachable(why) = &reason {
            let _ = self.unreachable.set(why.clone());
        }
        self.stopped.store(true, Ordering::Release);
        if let Some(cell) = self.cell.upgrade()
            && !cell.core.is_terminated()
        {
            cell.core.mark_terminated();
            cell.core.watchers.close(&reason, |reason| Terminated {
                id: cell.core.id,
                path: cell.path(),
                reason,
            });
        }
    }
}

impl<A: RemoteActor> RemoteProxy<A> {
    /// The proxy of the actor at `address` (with its node's `uid` and the actor's id), for
    /// the cell `cell`; starts the remote watch.
    pub(super) fn new(
        node: Node,
        address: ActorAddress,
        cell: Weak<Cell<A>>,
        system: &ActorSystem,
    ) -> Self {
        let shared = Arc::new(ProxyState {
            stopped: AtomicBool::new(false),
            unreachable: OnceLock::new(),
            cell,
        });
        let runtime = system.inner.runtime().clone();
        let watch = {
            let node = node.clone();
            let address = address.clone();
            let shared = Arc::clone(&shared);
            runtime
                .spawn(async move {
                    let reason = watch_until_ended(&node, address).await;
                    shared.ended(reason);
                })
                .abort_handle()
        };
        RemoteProxy {
            path: ActorPath::new(address_text(&address)),
            node,
            address,
            route: OnceLock::new(),
            shared,
            runtime,
            ask_timeout: system.ask_timeout(),
            watch,
        }
    }
}

impl<A: RemoteActor> RemoteProxy<A> {
    /// The way to the actor: found once, then kept (the connection it holds reopens its
    /// link after a loss by itself). Not kept when it cannot be found (this node is shutting
    /// down).
    fn route(&self) -> Result<&Route, RemoteError> {
        if let Some(route) = self.route.get() {
            return Ok(route);
        }
        let route = self.node.route(&self.address)?;
        Ok(self.route.get_or_init(|| route))
    }

    /// A tell that cannot go to the actor's node: a dead letter here, and the caller's error.
    #[cold]
    fn undelivered(&self, me: &ActorRef<A>, method: &'static str, why: String) -> SendError {
        me.cell.core.system.inner.events.dead_letter(
            || self.path.clone(),
            method,
            || None,
            DeadLetterReason::Remote { reason: why },
        );
        SendError::Unreachable
    }
}

impl<A: RemoteActor> Drop for RemoteProxy<A> {
    fn drop(&mut self) {
        self.watch.abort();
    }
}

impl<A: RemoteActor> Forward<A> for RemoteProxy<A> {
    fn push(
        &self,
        me: &ActorRef<A>,
        msg: A::Msg,
        timeout: Option<Duration>,
        _push: &mut PushTo<'_, A>,
    ) -> Poll<Result<(), SendError>> {
        if self.shared.stopped.load(Ordering::Acquire) {
            let Some(why) = self.shared.unreachable.get() else {
                me.cell.give_up(msg, DeadLetterReason::Stopped);
                return Poll::Ready(Err(SendError::Stopped));
            };
            // The node went away: the handle no longer sends, and says why.
            return Poll::Ready(match A::encode_call(msg).into_parts() {
                (_, _, Settler::Unary(settler)) => {
                    settler.fail(AskError::Remote(why.clone()));
                    Ok(())
                }
                (_, _, Settler::Stream(settler)) => {
                    let _ = settler.end(Err(AskError::Remote(why.clone())));
                    Ok(())
                }
                (method, _, Settler::Tell) => Err(self.undelivered(me, method, why.clone())),
            });
        }
        let (method, payload, settler) = A::encode_call(msg).into_parts();
        let settler = match settler {
            Settler::Unary(settler) => settler,
            Settler::Stream(settler) => {
                let _ = settler.end(Err(AskError::Remote(format!(
                    "{method}: streamed replies do not travel between nodes yet"
                ))));
                return Poll::Ready(Ok(()));
            }
            Settler::Tell => {
                let told = self
                    .route()
                    .and_then(|route| route.tell(method, Bytes::from(payload)));
                return Poll::Ready(match told {
                    Ok(()) => Ok(()),
                    Err(error) => Err(self.undelivered(me, method, error.to_string())),
                });
            }
        };
        // Queued now, so asks and tells keep the order of the calls; the reply comes back on a
        // task of its own. The caller's timeout (or its batch's) travels with it, else the
        // system's default, so the actor's node skips the ask once nobody waits.
        let timeout = timeout.unwrap_or(self.ask_timeout);
        let reply = match self.route() {
            Ok(route) => Either::Left(route.ask(method, Bytes::from(payload), timeout)),
            Err(error) => Either::Right(std::future::ready(Err(error))),
        };
        let shared = Arc::clone(&self.shared);
        self.runtime.spawn(async move {
            match reply.await {
                Ok(bytes) => {
                    let _ = settler.settle(&bytes);
                }
                Err(error) => {
                    if matches!(error, RemoteError::UnknownActor { .. }) {
                        shared.ended(StopReason::Stopped);
                    }
                    settler.fail(ask_error(error));
                }
            }
        });
        Poll::Ready(Ok(()))
    }

    fn forget(&self, _target: ActorId) {}

    fn is_stopping(&self) -> bool {
        self.shared.stopped.load(Ordering::Acquire)
    }

    fn request_stop(&self, _cell: &Cell<A>, kind: StopKind) {
        if self.shared.stopped.swap(true, Ordering::AcqRel) {
            return;
        }
        let node = self.node.clone();
        let address = self.address.clone();
        let shared = Arc::clone(&self.shared);
        self.runtime.spawn(async move {
            let reason = match node.stop(address, kind == StopKind::Kill).await {
                Ok(_) if kind == StopKind::Kill => StopReason::Killed,
                Ok(_) => StopReason::Stopped,
                // Its fate is unknown; the handle stops waiting for it all the same.
                Err(error) => StopReason::Unreachable(error.to_string()),
            };
            shared.ended(reason);
        });
    }

    /// A remote actor has no local supervisor.
    fn signal(&self, _cell: &Cell<A>, _signal: Signal) {}

    fn as_any(&self) -> &dyn Any {
        self
    }

    fn path(&self) -> Option<ActorPath> {
        Some(self.path.clone())
    }
}

/// Watches the actor at `address` until it ends, and says why: watched again whenever the
/// watch is lost, until its node has been out of reach for the configured
/// `unreachable_after` (then [`StopReason::Unreachable`]). The pauses between tries grow as the
/// reconnect backoff does.
async fn watch_until_ended(node: &Node, address: ActorAddress) -> StopReason {
    let config = &node.shared().config;
    // Since when the node has been out of reach, and how many tries failed since.
    let mut lost: Option<(Instant, u32)> = None;
    loop {
        let why = match node.watch(address.clone()).await {
            Ok(watch) => {
                lost = None;
                match watch.end().await {
                    WatchEnd::Ended(terminated) => return stop_reason(&terminated),
                    WatchEnd::Lost(terminated) => terminated.message,
                }
            }
            Err(
                error @ (RemoteError::Unreachable { .. }
                | RemoteError::ConnectionLost { .. }
                | RemoteError::Timeout { .. }
                | RemoteError::Status { .. }),
            ) => error.to_string(),
            // The node answered, and not as the actor's (another incarnation, shutting down),
            // or this node is going.
            Err(error) => return StopReason::Unreachable(error.to_string()),
        };
        let (since, failures) = lost.get_or_insert((Instant::now(), 0));
        *failures = failures.saturating_add(1);
        let left = config.unreachable_after.saturating_sub(since.elapsed());
        if left.is_zero() {
            return StopReason::Unreachable(why);
        }
        let pause = config
            .backoff_min
            .saturating_mul(1 << (*failures - 1).min(20))
            .min(config.backoff_max);
        tokio::time::sleep(pause.min(left)).await;
    }
}

/// A remote ask's failure as the caller's [`AskError`]: the actor's own outcomes as they
/// would be locally, what only the network causes as [`AskError::Remote`].
fn ask_error(error: RemoteError) -> AskError {
    match error {
        RemoteError::UnknownActor { .. } | RemoteError::Stopped { .. } => AskError::Stopped,
        RemoteError::MailboxFull { .. } => AskError::MailboxFull,
        RemoteError::Timeout { timeout } => AskError::Timeout(timeout),
        RemoteError::HandlerFailed { message } => AskError::Failed(message),
        RemoteError::NoReply => AskError::NoReply,
        RemoteError::UnhandledInState { state } => AskError::Unhandled { state },
        RemoteError::StashFull { capacity } => AskError::StashFull {
            capacity: usize::try_from(capacity).unwrap_or(usize::MAX),
        },
        other => AskError::Remote(other.to_string()),
    }
}

/// The protocol's stop cause as a local stop reason.
pub(super) fn stop_reason(terminated: &WireTerminated) -> StopReason {
    let message = terminated.message.clone();
    match StopCause::try_from(terminated.cause).unwrap_or(StopCause::Unspecified) {
        StopCause::Stopped | StopCause::NotFound | StopCause::Unspecified => StopReason::Stopped,
        StopCause::Killed => StopReason::Killed,
        StopCause::Failed => StopReason::Failed(message),
        StopCause::RestartsExhausted => StopReason::RestartsExhausted(message),
        StopCause::Escalated => StopReason::Escalated(message),
        StopCause::Passivated => StopReason::Passivated,
        StopCause::NoRoutees => StopReason::NoRoutees,
        StopCause::NodeUnreachable => StopReason::Unreachable(message),
    }
}
