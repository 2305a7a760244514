//! The cell's termination wait and child set (`cell.rs`).
//!
//! The termination wait runs on the stand-in for tokio's `Notify` (see `sync.rs`): what is
//! modelled is the runtime's handshake (the flag, the lazily made `Notify`, the order of
//! `enable` and the flag's read), with `Notify` keeping its documented contract; tokio's own
//! loom models cover `Notify` itself.

use loom::future::block_on;
use loom::sync::Arc;
use loom::thread;

use super::model;
use crate::cell::{Child, Children, Termination};
use crate::id::ActorId;

/// Whoever waits for an actor to finish is woken, whether it began to wait (and made the
/// `Notify`) before, during or after the termination; loom fails the model if a waiter is
/// never woken.
#[test]
fn loom_cell_every_waiter_sees_the_termination() {
    model(|| {
        let termination = Arc::new(Termination::new());
        let waiter = thread::spawn({
            let termination = Arc::clone(&termination);
            move || block_on(termination.wait())
        });
        let marker = thread::spawn({
            let termination = Arc::clone(&termination);
            move || termination.mark()
        });
        block_on(termination.wait());
        assert!(termination.is_done());
        waiter.join().unwrap();
        marker.join().unwrap();
    });
}

/// A child in the model: only its id matters to the set.
#[derive(Clone, Debug, PartialEq)]
struct Kid(ActorId);

impl Child for Kid {
    fn id(&self) -> ActorId {
        self.0
    }
}

fn kid(id: u64) -> Kid {
    Kid(ActorId::new(id))
}

/// Children spawned while their owner stops: each is either refused (`insert` says so, and the
/// spawn fails) or in the set `close` hands back to be stopped, never neither, never both; and
/// nothing joins after the close.
#[test]
fn loom_cell_a_child_joining_a_closing_owner_is_stopped_or_refused() {
    model(|| {
        let children = Arc::new(Children::<Kid>::new());
        let spawners: Vec<_> = (1..=2)
            .map(|id| {
                let children = Arc::clone(&children);
                thread::spawn(move || children.insert(kid(id)))
            })
            .collect();
        let closed = children.close();
        let inserted: Vec<bool> = spawners.into_iter().map(|t| t.join().unwrap()).collect();
        for (id, inserted) in (1..=2).zip(inserted) {
            assert_eq!(
                closed.contains(&kid(id)),
                inserted,
                "child {id}: in the closed set exactly when it was let in"
            );
        }
        assert!(!children.insert(kid(3)), "closed for good");
        assert_eq!(children.len(), 0);
    });
}

/// A restarting owner takes its children while a new one joins: the newcomer is either among
/// those taken or still in the set, never lost.
#[test]
fn loom_cell_a_child_joining_a_restarting_owner_is_kept() {
    model(|| {
        let children = Arc::new(Children::<Kid>::new());
        assert!(children.insert(kid(1)));
        let spawner = thread::spawn({
            let children = Arc::clone(&children);
            move || children.insert(kid(2))
        });
        let taken = children.take_all();
        assert!(
            spawner.join().unwrap(),
            "the set stays open through a restart"
        );
        let kept = children.close();
        assert!(taken.contains(&kid(1)));
        assert!(
            taken.contains(&kid(2)) != kept.contains(&kid(2)),
            "the newcomer is taken or kept, once"
        );
    });
}

/// A child that stops (and leaves the set) while its owner closes is handed back at most once.
#[test]
fn loom_cell_a_child_leaving_a_closing_owner() {
    model(|| {
        let children = Arc::new(Children::<Kid>::new());
        assert!(children.insert(kid(1)));
        assert!(children.insert(kid(2)));
        let leaver = thread::spawn({
            let children = Arc::clone(&children);
            move || children.remove(ActorId::new(1))
        });
        let closed = children.close();
        leaver.join().unwrap();
        assert!(
            closed.contains(&kid(2)),
            "a child that stays is handed back"
        );
        assert!(closed.iter().filter(|k| **k == kid(1)).count() <= 1);
        assert_eq!(children.len(), 0);
    });
}
