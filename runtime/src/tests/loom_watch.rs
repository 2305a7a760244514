//! The watch list (`watch.rs`): a watcher that registers while the watched actor terminates
//! is told exactly once, whichever comes first.

use loom::sync::Arc;
use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::thread;

use super::model;
use crate::event::StopReason;
use crate::id::{ActorId, ActorPath};
use crate::watch::{Terminated, Watchers};

const WATCHED: u64 = 7;

fn notice(reason: StopReason) -> Terminated {
    Terminated {
        id: ActorId::new(WATCHED),
        path: ActorPath::new("rakt://model/user/watched".into()),
        reason,
    }
}

/// Registers watcher `id`, counting what it is told in `told`.
fn watch(watchers: &Watchers, id: u64, told: &Arc<AtomicUsize>) {
    let told = Arc::clone(told);
    watchers.add(
        ActorId::new(id),
        Box::new(move |terminated| {
            assert_eq!(terminated.id, ActorId::new(WATCHED));
            assert_eq!(terminated.reason, StopReason::Killed);
            told.fetch_add(1, Ordering::SeqCst);
        }),
        notice,
    );
}

#[test]
fn loom_watch_a_watcher_added_while_the_actor_terminates_is_told_once() {
    model(|| {
        let watchers = Arc::new(Watchers::new());
        let told: Vec<Arc<AtomicUsize>> = (0..2).map(|_| Arc::new(AtomicUsize::new(0))).collect();
        let adders: Vec<_> = told
            .iter()
            .enumerate()
            .map(|(id, told)| {
                let watchers = Arc::clone(&watchers);
                let told = Arc::clone(told);
                thread::spawn(move || watch(&watchers, id as u64, &told))
            })
            .collect();
        watchers.close(&StopReason::Killed, notice);
        for adder in adders {
            adder.join().unwrap();
        }
        for told in &told {
            assert_eq!(told.load(Ordering::SeqCst), 1, "told exactly once");
        }
    });
}

/// A watcher that unwatches while the actor terminates is told at most once.
#[test]
fn loom_watch_an_unwatch_racing_the_termination() {
    model(|| {
        let watchers = Arc::new(Watchers::new());
        let told = Arc::new(AtomicUsize::new(0));
        watch(&watchers, 1, &told);
        let leaver = thread::spawn({
            let watchers = Arc::clone(&watchers);
            move || watchers.remove(ActorId::new(1))
        });
        watchers.close(&StopReason::Killed, notice);
        leaver.join().unwrap();
        assert!(told.load(Ordering::SeqCst) <= 1);
    });
}
