//! The shared reply slot of a routed request (`reply.rs`): whatever the interleaving of the
//! copies' answers, rejections and drops across threads, exactly one outcome reaches the
//! caller; an answer, if any copy gives one, beats every withdrawal; and a withdrawal speaks
//! only as the last copy out.

use loom::thread;

use super::model;
use crate::error::AskError;
use crate::reply::{Rejection, ReplySlot, reject_reply, share_reply};

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
