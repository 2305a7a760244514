//! A pool's end against its growth (`router/roster.rs`).
//!
//! The routee table is a plain list here: the roster decides, and the table only has to be
//! changed and read under it, as the pool's `update` and `finish_if_empty` do.

use loom::sync::{Arc, Mutex};
use loom::thread;

use super::model;
use crate::event::StopReason;
use crate::router::roster::Roster;

/// The pool's last routee leaves while a resize spawns a new one: either the new routee joins
/// first and the pool lives on with it, or the pool ends and the routee is turned away (its
/// spawner stops it). Never a routee in the table of a pool that has ended, never an empty pool
/// left running.
#[test]
fn loom_pool_a_routee_joining_as_the_pool_ends_keeps_it_or_is_refused() {
    model(|| {
        let roster = Arc::new(Roster::new());
        let table = Arc::new(Mutex::new(vec![1_u64]));
        let grower = thread::spawn({
            let (roster, table) = (Arc::clone(&roster), Arc::clone(&table));
            move || !roster.is_stopping() && roster.change(|| table.lock().unwrap().push(2))
        });
        // Routee 1 stops for good: it leaves, and the pool ends if it was the last.
        roster.change(|| table.lock().unwrap().retain(|&id| id != 1));
        let ended = roster.finish_if(|| table.lock().unwrap().is_empty());
        let joined = grower.join().unwrap();
        let left = table.lock().unwrap().clone();
        match ended {
            Some(reason) => {
                assert_eq!(reason, StopReason::NoRoutees);
                assert!(!joined, "a routee joined a pool that had ended");
                assert!(left.is_empty());
            }
            None => {
                assert!(joined, "the pool neither ended nor kept a routee");
                assert_eq!(left, vec![2]);
            }
        }
    });
}

/// A stop request and the last routee's leaving both try to end the pool: it ends once, and
/// says it was stopped.
#[test]
fn loom_pool_ends_once_when_stopped_as_its_last_routee_leaves() {
    model(|| {
        let roster = Arc::new(Roster::new());
        let stopper = thread::spawn({
            let roster = Arc::clone(&roster);
            move || {
                roster.begin_stop();
                roster.finish_if(|| true)
            }
        });
        let by_leave = roster.finish_if(|| true);
        let by_stop = stopper.join().unwrap();
        match (by_leave, by_stop) {
            (Some(reason), None) => {
                // The leave ended it; the stop came after or before the decision.
                assert!(matches!(
                    reason,
                    StopReason::NoRoutees | StopReason::Stopped
                ));
            }
            (None, Some(reason)) => assert_eq!(reason, StopReason::Stopped),
            (leave, stop) => panic!("the pool ended {leave:?} / {stop:?}: not exactly once"),
        }
        assert!(roster.is_stopping());
    });
}
