//! The routee table and the choice of a routee for each message: the strategies of
//! [`Routing`], broadcasts, and routing again past a routee that is leaving.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::Poll;
use std::time::Duration;

use arc_swap::ArcSwap;

use super::ring::{owner, ring};
use super::roster::Roster;
use super::{Pool, Routing};
use crate::actor::{Actor, Message};
use crate::actor_ref::ActorRef;
use crate::cell::{Cell, PushTo};
use crate::error::SendError;
use crate::event::DeadLetterReason;
use crate::id::ActorId;
use crate::mailbox::PushError;

/// The routees at one moment, and the ring over them for consistent hashing.
pub(super) struct Table<A: Actor> {
    pub(super) routees: Vec<ActorRef<A>>,
    /// `(point, index into routees)`, sorted by point; empty unless consistent hashing.
    ring: Vec<(u64, usize)>,
}

impl<A: Actor> Table<A> {
    fn new(routees: Vec<ActorRef<A>>, routing: Routing) -> Self {
        let ring = match routing {
            Routing::ConsistentHash { virtual_nodes } => ring(
                routees.iter().map(|routee| routee.id().get()),
                virtual_nodes.max(1),
            ),
            _ => Vec::new(),
        };
        Table { routees, ring }
    }

    /// The routee owning `key`: the first point at or after the key's hash, wrapping.
    fn owner(&self, key: u64) -> Option<&ActorRef<A>> {
        self.routees.get(owner(&self.ring, key)?)
    }
}

/// A pool's routing state, kept in the pool's cell.
pub(super) struct Router<A: Actor> {
    /// What the pool was spawned with: how to make, route and supervise routees.
    pub(super) spec: Pool<A>,
    pub(super) table: ArcSwap<Table<A>>,
    next: AtomicUsize,
    /// Orders the table's changes against the pool's end.
    pub(super) roster: Roster,
}

impl<A: Actor> Router<A> {
    pub(super) fn new(spec: Pool<A>) -> Self {
        Router {
            table: ArcSwap::from_pointee(Table::new(Vec::new(), spec.routing)),
            spec,
            next: AtomicUsize::new(0),
            roster: Roster::new(),
        }
    }

    /// How many routees the pool has.
    pub(crate) fn len(&self) -> usize {
        self.table.load().routees.len()
    }

    /// Whether the pool has begun to stop.
    pub(crate) fn is_stopping(&self) -> bool {
        self.roster.is_stopping()
    }

    /// Routes `msg` and hands it to `push` for the routee picked; `pool` is the pool's own
    /// reference (for dead letters). A routee that refuses the message as closed is leaving
    /// the pool (shrunk away, or stopping for good): it leaves the routee table at once and
    /// the message is routed again, so a live pool never answers "stopped" for a message
    /// another routee can take. A routee that refuses it as full makes it a dead letter and
    /// the caller's [`SendError::MailboxFull`]. `Pending` comes only from a `push` that waits
    /// for room.
    pub(super) fn route(
        &self,
        pool: &ActorRef<A>,
        mut msg: A::Msg,
        push: &mut PushTo<'_, A>,
    ) -> Poll<Result<(), SendError>> {
        let mut again = false;
        loop {
            let table = self.table.load();
            let (routee, picked) = match self.pick(&table, pool, msg, again) {
                Ok(picked) => picked,
                Err(outcome) => return Poll::Ready(outcome),
            };
            match push(routee, picked) {
                Poll::Ready(Ok(())) => return Poll::Ready(Ok(())),
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Err(PushError::Full(back))) => {
                    routee.cell.give_up(back, DeadLetterReason::MailboxFull);
                    return Poll::Ready(Err(SendError::MailboxFull));
                }
                Poll::Ready(Err(PushError::Closed(back))) => {
                    let leaving = routee.id();
                    drop(table);
                    self.forget(leaving);
                    msg = back;
                    again = true;
                }
            }
        }
    }

    /// Takes a routee that refused a message as closed out of the table; it is leaving, and
    /// its own termination will find it gone already.
    pub(crate) fn forget(&self, id: ActorId) {
        // Several senders may find the same leaver: only the first rebuilds the table.
        if self
            .table
            .load()
            .routees
            .iter()
            .any(|routee| routee.id() == id)
        {
            self.update(|routees| routees.retain(|routee| routee.id() != id));
        }
    }

    /// The routee of `msg` in `table`, or the outcome of a send made already (a broadcast, or
    /// a dead letter for want of routees). `again`: the message was routed before and its
    /// routee was leaving; copies of it went out then, so it now goes to one routee in turn.
    #[allow(clippy::type_complexity)]
    fn pick<'t>(
        &self,
        table: &'t Table<A>,
        pool: &ActorRef<A>,
        mut msg: A::Msg,
        again: bool,
    ) -> Result<(&'t ActorRef<A>, A::Msg), Result<(), SendError>> {
        let routees = &table.routees;
        // A stopping pool takes no new messages, as a stopping actor does not.
        if routees.is_empty() || self.is_stopping() {
            pool.cell.give_up(msg, DeadLetterReason::Stopped);
            return Err(Err(SendError::Stopped));
        }
        if msg.is_broadcast() {
            // Copies to all routees but the last, the original to the last.
            let delivered = match routees.split_last() {
                Some((last, others)) => send_copies(others, &mut msg) | last.deliver(msg),
                None => false,
            };
            return Err(if delivered {
                Ok(())
            } else {
                Err(SendError::Stopped)
            });
        }
        let chosen = match self.spec.routing {
            Routing::RoundRobin => self.round_robin(routees),
            Routing::Random => &routees[fastrand::usize(..routees.len())],
            Routing::SmallestMailbox => routees
                .iter()
                .min_by_key(|routee| routee.mailbox_len())
                .unwrap_or(&routees[0]),
            Routing::ConsistentHash { .. } => match msg.route_key() {
                Some(key) => table.owner(key).unwrap_or(&routees[0]),
                None => self.round_robin(routees),
            },
            Routing::ScatterGather | Routing::TailChopping { .. } if again => {
                self.round_robin(routees)
            }
            Routing::ScatterGather if msg.is_ask() => {
                let first = self.turn(routees.len());
                let others = routees[first + 1..].iter().chain(&routees[..first]);
                send_copies(others, &mut msg);
                &routees[first]
            }
            Routing::TailChopping { interval } if msg.is_ask() => {
                let first = self.turn(routees.len());
                let rest: Vec<(ActorRef<A>, A::Msg)> = routees[first + 1..]
                    .iter()
                    .chain(&routees[..first])
                    .map_while(|routee| msg.duplicate().map(|copy| (routee.clone(), copy)))
                    .collect();
                if !rest.is_empty() {
                    let runtime = pool.cell.core.system.inner.runtime().clone();
                    runtime.spawn(chop(rest, interval));
                }
                &routees[first]
            }
            Routing::ScatterGather | Routing::TailChopping { .. } => self.round_robin(routees),
        };
        Ok((chosen, msg))
    }

    fn round_robin<'t>(&self, routees: &'t [ActorRef<A>]) -> &'t ActorRef<A> {
        &routees[self.turn(routees.len())]
    }

    /// The index of the next routee in turn, out of `len`.
    fn turn(&self, len: usize) -> usize {
        self.next.fetch_add(1, Ordering::Relaxed) % len
    }

    /// Replaces the table with `change` applied to a copy of its routees, one change at a
    /// time; whether it was applied (not once the pool has ended).
    pub(super) fn update(&self, change: impl FnOnce(&mut Vec<ActorRef<A>>)) -> bool {
        self.roster.change(|| {
            let mut routees = self.table.load().routees.clone();
            change(&mut routees);
            self.table
                .store(Arc::new(Table::new(routees, self.spec.routing)));
        })
    }
}

/// Sends the remaining copies of a tail-chopped request, one per `interval`, until one copy
/// has been answered (or the caller gave up).
async fn chop<A: Actor>(rest: Vec<(ActorRef<A>, A::Msg)>, interval: Duration) {
    for (routee, copy) in rest {
        tokio::time::sleep(interval).await;
        if copy.is_answered() {
            // Dropping the copies withdraws them quietly: the request is answered.
            return;
        }
        routee.deliver(copy);
    }
}

/// Delivers a copy of `msg` to each of `routees` (a broadcast, a scatter-gather), as far as the
/// message can be copied; whether any routee took one.
fn send_copies<'r, A: Actor>(
    routees: impl IntoIterator<Item = &'r ActorRef<A>>,
    msg: &mut A::Msg,
) -> bool {
    let mut delivered = false;
    for routee in routees {
        match msg.duplicate() {
            Some(copy) => delivered |= routee.deliver(copy),
            None => break,
        }
    }
    delivered
}

/// The router of a pool's cell; `None` for any other cell.
pub(super) fn router_of<A: Actor>(cell: &Cell<A>) -> Option<&Router<A>> {
    cell.forward()?.as_any().downcast_ref()
}
