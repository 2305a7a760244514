//! The reply channel (`reply/channel.rs`) and the shared reply slot of a routed request
//! (`reply.rs`).
//!
//! The channel: whatever the interleaving of the answer, the caller registering its waker and
//! polling, the actor letting go of its watch, and either side leaving, the caller is woken
//! whenever it has something to act on (loom fails a model whose threads all wait): an answer,
//! a sender gone without one, or a watch let go unanswered; an answer reaches a caller that
//! waits for it, exactly once, and comes back to the sender of a caller that left.
//!
//! The shared slot: whatever the interleaving of the copies' answers, rejections and drops
//! across threads, exactly one outcome reaches the caller; an answer, if any copy gives one,
//! beats every withdrawal; and a withdrawal speaks only as the last copy out.

use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::task::Poll;

use loom::future::block_on;
use loom::thread;

use super::model;
use crate::error::AskError;
use crate::reply::channel::{RecvError, TryRecvError, channel};
use crate::reply::{Rejection, ReplySlot, reject_reply, share_reply};

/// The answer races the caller's first poll: the caller gets it, woken if it had to wait.
#[test]
fn loom_reply_an_answer_reaches_the_waiting_caller() {
    model(|| {
        let (tx, rx) = channel::<u32>();
        let answering = thread::spawn(move || tx.send(1));
        assert_eq!(block_on(rx), Ok(1));
        assert_eq!(answering.join().unwrap(), Ok(()));
    });
}

/// The sender goes without answering as the caller waits: the caller learns it.
#[test]
fn loom_reply_a_sender_gone_unanswered_wakes_the_caller() {
    model(|| {
        let (tx, rx) = channel::<u32>();
        let leaving = thread::spawn(move || drop(tx));
        assert_eq!(block_on(rx), Err(RecvError));
        leaving.join().unwrap();
    });
}

/// As `AskFuture` waits with a watch out: the caller registers its waker, then the watch goes
/// to the actor, which lets go of it while the answer comes from another thread (a deferred
/// reply). Woken by either, the caller ends with the answer, never left waiting.
#[test]
fn loom_reply_a_watch_let_go_as_the_answer_comes() {
    model(|| {
        let (tx, mut rx) = channel::<u32>();
        let mut tx = Some(tx);
        let mut others = Vec::new();
        let answer = block_on(poll_fn(|cx| {
            if let Some(tx) = tx.take() {
                rx.register(cx.waker());
                let watch = rx.watch();
                others.push(thread::spawn(move || drop(watch)));
                others.push(thread::spawn(move || assert_eq!(tx.send(1), Ok(()))));
            }
            Pin::new(&mut rx).poll(cx)
        }));
        assert_eq!(answer, Ok(1));
        for other in others {
            other.join().unwrap();
        }
    });
}

/// The actor lets go of its watch with no answer: the caller, waiting with no timer, is woken,
/// whatever the interleaving with its registering and first check; the answer that comes
/// later still reaches it.
#[test]
fn loom_reply_a_watch_let_go_unanswered_wakes_the_caller() {
    model(|| {
        let (tx, mut rx) = channel::<u32>();
        let mut actor = None;
        block_on(poll_fn(|cx| {
            if actor.is_some() {
                // Woken: the caller would arm its timer now.
                return Poll::Ready(());
            }
            rx.register(cx.waker());
            let watch = rx.watch();
            actor = Some(thread::spawn(move || drop(watch)));
            assert_eq!(rx.try_recv(), Err(TryRecvError::Empty), "nobody answered");
            Poll::Pending
        }));
        if let Some(actor) = actor {
            actor.join().unwrap();
        }
        assert_eq!(tx.send(2), Ok(()), "the caller still waits");
        assert_eq!(block_on(&mut rx), Ok(2));
    });
}

/// The caller gives up as the answer comes: the answer is delivered or comes back, never lost
/// in between (loom fails a model that leaks the channel).
#[test]
fn loom_reply_a_caller_leaving_as_the_answer_comes() {
    model(|| {
        let (tx, rx) = channel::<loom::sync::Arc<u32>>();
        let answer = loom::sync::Arc::new(3);
        let answering = thread::spawn({
            let answer = loom::sync::Arc::clone(&answer);
            move || tx.send(answer).is_ok()
        });
        drop(rx);
        let _ = answering.join().unwrap();
        assert_eq!(
            loom::sync::Arc::strong_count(&answer),
            1,
            "the answer was dropped"
        );
    });
}

/// What one copy of the request does.
#[derive(Clone, Copy, Debug)]
enum Fate {
    Answer(u32),
    Reject,
    Drop,
}

/// Plays `fate` on `slot`; `Some(delivered)` for an answer.
fn play(slot: ReplySlot<u32>, fate: Fate) -> Option<bool> {
    match fate {
        Fate::Answer(value) => Some(slot.send(value)),
        Fate::Reject => {
            reject_reply(slot, Rejection::Stopped);
            None
        }
        Fate::Drop => {
            drop(slot);
            None
        }
    }
}

/// Sends one copy per fate, the first played on this thread and the others on their own, and
/// checks what the caller receives.
fn race(fates: &'static [Fate]) {
    model(move || {
        let (mut slot, mut rx) = ReplySlot::<u32>::channel();
        let copies: Vec<_> = fates[1..].iter().map(|_| share_reply(&mut slot)).collect();
        let threads: Vec<_> = copies
            .into_iter()
            .zip(&fates[1..])
            .map(|(copy, &fate)| thread::spawn(move || play(copy, fate)))
            .collect();
        let mut delivered = vec![play(slot, fates[0])];
        delivered.extend(threads.into_iter().map(|t| t.join().unwrap()));

        let outcome = rx
            .try_recv()
            .expect("exactly one outcome reaches the caller");
        let answers: Vec<u32> = fates
            .iter()
            .filter_map(|fate| match fate {
                Fate::Answer(value) => Some(*value),
                _ => None,
            })
            .collect();
        let winners: Vec<u32> = delivered
            .iter()
            .zip(fates)
            .filter_map(|(delivered, fate)| match (delivered, fate) {
                (Some(true), Fate::Answer(value)) => Some(*value),
                _ => None,
            })
            .collect();
        if answers.is_empty() {
            let rejected = fates.iter().any(|fate| matches!(fate, Fate::Reject));
            let dropped = fates.iter().any(|fate| matches!(fate, Fate::Drop));
            match outcome {
                Err(AskError::Stopped) => assert!(rejected),
                Err(AskError::NoReply) => assert!(dropped),
                other => panic!("no copy answered, yet the caller got {other:?}"),
            }
        } else {
            assert!(
                matches!(outcome, Ok(value) if answers.contains(&value)),
                "a copy answered, yet the caller got {outcome:?}"
            );
            assert_eq!(
                winners.len(),
                1,
                "one answer is delivered, the others refused"
            );
            assert_eq!(
                outcome,
                Ok(winners[0]),
                "the delivered answer is the one received"
            );
        }
    });
}

#[test]
fn loom_reply_an_answer_beats_a_concurrent_rejection() {
    race(&[Fate::Reject, Fate::Answer(1)]);
}

#[test]
fn loom_reply_an_answer_beats_a_concurrent_drop() {
    race(&[Fate::Drop, Fate::Answer(1)]);
}

#[test]
fn loom_reply_the_first_of_several_answers_wins() {
    race(&[Fate::Answer(1), Fate::Answer(2), Fate::Answer(3)]);
}

#[test]
fn loom_reply_an_answer_beats_every_withdrawal() {
    race(&[Fate::Reject, Fate::Answer(1), Fate::Drop]);
}

#[test]
fn loom_reply_the_last_copy_out_speaks_once() {
    race(&[Fate::Reject, Fate::Drop, Fate::Reject]);
}

/// Tail-chopping copies the request while an earlier copy may be answering already.
#[test]
fn loom_reply_a_copy_made_while_another_answers() {
    model(|| {
        let (mut slot, mut rx) = ReplySlot::<u32>::channel();
        let first = share_reply(&mut slot);
        let answering = thread::spawn(move || first.send(1));
        let late = share_reply(&mut slot);
        drop(slot);
        let late = thread::spawn(move || reject_reply(late, Rejection::Stopped));
        assert!(answering.join().unwrap(), "the only answer is delivered");
        late.join().unwrap();
        assert_eq!(rx.try_recv().unwrap(), Ok(1));
    });
}

/// A caller that gave up: every copy is refused, nobody panics, the shared slot is freed
/// (loom fails a model that leaks an `Arc`).
#[test]
fn loom_reply_copies_outlive_their_caller() {
    model(|| {
        let (mut slot, rx) = ReplySlot::<u32>::channel();
        let copy = share_reply(&mut slot);
        let answering = thread::spawn(move || copy.send(1));
        drop(rx);
        assert!(slot.is_closed(), "the caller is gone");
        assert!(!slot.send(2), "nobody waits any more");
        // Delivered or not, depending on whether it came before the caller left.
        let _ = answering.join().unwrap();
    });
}
