//! The `AtomicWaker` (`atomic_waker.rs`) the reply channel wakes its caller through: a task
//! registering (again, or with another waker) while several others wake it is always woken
//! after the event it waits for, whatever the interleaving (loom fails a model whose threads
//! all wait).

use std::future::poll_fn;
use std::task::Poll;

use loom::future::block_on;
use loom::sync::Arc;
use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::thread;

use super::model;
use crate::atomic_waker::AtomicWaker;

/// `wakers` threads each record an event and wake the task; the task waits until it has seen
/// them all, registering on every poll.
fn woken_by(wakers: usize) {
    model(move || {
        let waker = Arc::new(AtomicWaker::new());
        let events = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..wakers)
            .map(|_| {
                let (waker, events) = (Arc::clone(&waker), Arc::clone(&events));
                thread::spawn(move || {
                    events.fetch_add(1, Ordering::Release);
                    waker.wake();
                })
            })
            .collect();
        block_on(poll_fn(|cx| {
            waker.register(cx.waker());
            if events.load(Ordering::Acquire) == wakers {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        }));
        for thread in threads {
            thread.join().unwrap();
        }
    });
}

#[test]
fn loom_atomic_waker_one_wake_is_never_lost() {
    woken_by(1);
}

#[test]
fn loom_atomic_waker_two_wakes_at_once_are_never_lost() {
    woken_by(2);
}

/// The task moves to another waker between two polls while a wake is under way: the wake
/// reaches the waker that is current by then (or the old one, which polls again).
#[test]
fn loom_atomic_waker_a_new_waker_is_woken() {
    model(|| {
        let waker = Arc::new(AtomicWaker::new());
        let events = Arc::new(AtomicUsize::new(0));
        // First registered from one task, then from another (the `block_on` below).
        block_on(poll_fn(|cx| {
            waker.register(cx.waker());
            Poll::Ready(())
        }));
        let thread = thread::spawn({
            let (waker, events) = (Arc::clone(&waker), Arc::clone(&events));
            move || {
                events.fetch_add(1, Ordering::Release);
                waker.wake();
            }
        });
        block_on(poll_fn(|cx| {
            waker.register(cx.waker());
            if events.load(Ordering::Acquire) == 1 {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        }));
        thread.join().unwrap();
    });
}
