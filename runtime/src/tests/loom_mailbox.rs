//! The mailbox (`mailbox.rs`): senders pushing, the actor receiving, a stop or a close, all at
//! once. Whatever the interleaving, every message a push accepted is either received by the
//! actor or handed back by `close`, exactly once; a refused message comes back to its sender;
//! the messages of one sender keep their order; a graceful stop comes after the queue and a
//! supervision signal before it; and every task that waits is woken (loom fails a model whose
//! threads all wait): the actor by a tell, a push past the bound, a signal, a stop or (in a
//! restart backoff) a kill; a sender waiting for room by the actor taking a batch, a stop or a
//! close; an asker left waiting with no timer (a watch kept by the actor) by the actor letting
//! go of the watch: as it comes back for messages, awaits in a handler, stops, closes or turns
//! to a signal.

use std::collections::VecDeque;
use std::future::poll_fn;
use std::task::{Context, Poll, Waker};

use loom::future::block_on;
use loom::sync::Arc;
use loom::thread;

use super::model;
use crate::mailbox::{Mailbox, MailboxConfig, PushError, Received, Signal, StopKind};
use crate::reply::channel::{TryRecvError, channel};

/// A message: its sender and its place in that sender's sequence.
type Msg = (u8, u8);

/// What one sender did: the messages the mailbox accepted and those it refused, in order.
#[derive(Default)]
struct Sent {
    accepted: Vec<Msg>,
    refused: Vec<Msg>,
}

impl Sent {
    fn record<E>(&mut self, msg: Msg, pushed: Result<(), E>) {
        match pushed {
            Ok(()) => self.accepted.push(msg),
            Err(_) => self.refused.push(msg),
        }
    }
}

/// Pushes `count` messages as `sender` with `try_push`.
fn try_push_all(mailbox: &Mailbox<Msg>, sender: u8, count: u8) -> Sent {
    let mut sent = Sent::default();
    for seq in 0..count {
        let pushed = mailbox.try_push((sender, seq)).map_err(|e| match e {
            PushError::Full(_) => panic!("an unbounded mailbox is never full"),
            PushError::Closed(msg) => assert_eq!(msg, (sender, seq), "the message comes back"),
        });
        sent.record((sender, seq), pushed);
    }
    sent
}

/// Pushes `count` messages as `sender`, each waiting for room like a tell.
fn push_all(mailbox: &Mailbox<Msg>, sender: u8, count: u8) -> Sent {
    let mut sent = Sent::default();
    for seq in 0..count {
        let mut slot = Some((sender, seq));
        let pushed = block_on(poll_fn(|cx| mailbox.poll_push(cx, &mut slot)));
        let pushed = pushed.map_err(|e| match e {
            PushError::Full(_) => panic!("a waiting push never reports full"),
            PushError::Closed(msg) => assert_eq!(msg, (sender, seq), "the message comes back"),
        });
        sent.record((sender, seq), pushed);
    }
    sent
}

/// Receives like the actor loop until the mailbox reports a stop, or until `until` messages
/// came; every batch taken counts as received.
fn receive(mailbox: &Mailbox<Msg>, until: usize) -> (Vec<Msg>, Option<StopKind>) {
    let mut received = Vec::new();
    let mut batch = VecDeque::new();
    while received.len() < until {
        match block_on(poll_fn(|cx| mailbox.poll_recv(cx, &mut batch))) {
            Received::Batch => received.extend(batch.drain(..)),
            Received::Stop(kind) => return (received, Some(kind)),
            Received::Signal => panic!("no signal was sent"),
        }
    }
    (received, None)
}

/// Every accepted message arrived exactly once, in its sender's order, in what the actor
/// received followed by what `close` handed back; no refused message did.
fn check(senders: &[Sent], received: &[Msg], left: &[Msg]) {
    let arrived: Vec<Msg> = received.iter().chain(left).copied().collect();
    let accepted: usize = senders.iter().map(|sent| sent.accepted.len()).sum();
    assert_eq!(arrived.len(), accepted, "no message lost or duplicated");
    for (sender, sent) in senders.iter().enumerate() {
        let from: Vec<Msg> = arrived
            .iter()
            .filter(|msg| usize::from(msg.0) == sender)
            .copied()
            .collect();
        assert_eq!(from, sent.accepted, "sender {sender}'s messages, in order");
        assert!(
            sent.refused.iter().all(|msg| !arrived.contains(msg)),
            "a refused message is not delivered"
        );
    }
}

fn mailbox(config: MailboxConfig) -> Arc<Mailbox<Msg>> {
    Arc::new(Mailbox::new(config))
}

/// Two senders tell while the actor waits for their messages: each tell wakes it.
#[test]
fn loom_mailbox_a_tell_wakes_the_waiting_actor() {
    model(|| {
        let mailbox = mailbox(MailboxConfig::unbounded());
        let senders: Vec<_> = [2, 1]
            .into_iter()
            .enumerate()
            .map(|(sender, count)| {
                let mailbox = Arc::clone(&mailbox);
                thread::spawn(move || try_push_all(&mailbox, sender as u8, count))
            })
            .collect();
        let (received, stop) = receive(&mailbox, 3);
        assert_eq!(stop, None);
        let senders: Vec<Sent> = senders.into_iter().map(|t| t.join().unwrap()).collect();
        check(&senders, &received, &[]);
    });
}

/// Pushes an ask as `sender`, as `AskFuture` does: the caller's waker first, then the request
/// with a watch on the caller. If the mailbox keeps the watch, waits until something wakes the
/// caller (the asker would arm its timer then). Nobody ever answers: the reply slot stays with
/// this thread, as a deferred reply that never comes.
fn ask(mailbox: &Mailbox<Msg>, sender: u8) -> Sent {
    let (slot, mut rx) = channel::<u8>();
    let mut msg = Some((sender, 0));
    let mut watched = false;
    let pushed = block_on(poll_fn(|cx| {
        if watched {
            return Poll::Ready(Ok(()));
        }
        rx.register(cx.waker());
        match mailbox.poll_push_ask(cx, &mut msg, || rx.watch()) {
            Poll::Ready(Ok(true)) => {
                watched = true;
                Poll::Pending
            }
            Poll::Ready(Ok(false)) => Poll::Ready(Ok(())),
            Poll::Ready(Err(_)) => Poll::Ready(Err(())),
            Poll::Pending => Poll::Pending,
        }
    }));
    assert_eq!(rx.try_recv(), Err(TryRecvError::Empty), "nobody answered");
    drop(slot);
    let mut sent = Sent::default();
    sent.record((sender, 0), pushed);
    sent
}

/// The actor comes back for messages once more and finds none (it would wait then).
fn come_back_to_nothing(mailbox: &Mailbox<Msg>) {
    let mut batch = VecDeque::new();
    let polled = mailbox.poll_recv(&mut Context::from_waker(Waker::noop()), &mut batch);
    assert_eq!(polled, Poll::Pending);
}

/// An ask reaching an actor that waits for messages leaves a watch with it; the actor takes the
/// request (while another sender tells) and, coming back for more, lets go of the watch, which
/// wakes the unanswered asker: whatever the interleaving.
#[test]
fn loom_mailbox_an_unanswered_asker_is_woken_as_the_actor_comes_back() {
    model(|| {
        let mailbox = mailbox(MailboxConfig::unbounded());
        let asker = thread::spawn({
            let mailbox = Arc::clone(&mailbox);
            move || ask(&mailbox, 0)
        });
        let sender = thread::spawn({
            let mailbox = Arc::clone(&mailbox);
            move || try_push_all(&mailbox, 1, 1)
        });
        let (received, _) = receive(&mailbox, 2);
        come_back_to_nothing(&mailbox);
        check(
            &[asker.join().unwrap(), sender.join().unwrap()],
            &received,
            &[],
        );
    });
}

/// Two asks reach an actor that waits for messages (or was just woken to take them): each may
/// leave a watch, as both requests are in its next batch, and each watched asker is woken when
/// the actor comes back for more, whatever the interleaving.
#[test]
fn loom_mailbox_unanswered_askers_of_one_batch_are_all_woken() {
    model(|| {
        let mailbox = mailbox(MailboxConfig::unbounded());
        let askers: Vec<_> = (0..2)
            .map(|sender| {
                let mailbox = Arc::clone(&mailbox);
                thread::spawn(move || ask(&mailbox, sender))
            })
            .collect();
        let (received, _) = receive(&mailbox, 2);
        come_back_to_nothing(&mailbox);
        let askers: Vec<Sent> = askers.into_iter().map(|t| t.join().unwrap()).collect();
        check(&askers, &received, &[]);
    });
}

/// The handler of the watched request awaits: the actor's task returns from its poll holding
/// the watch, lets go of it, and the unanswered asker is woken, whatever the interleaving with
/// the push.
#[test]
fn loom_mailbox_an_unanswered_asker_is_woken_as_a_handler_awaits() {
    model(|| {
        let mailbox = mailbox(MailboxConfig::unbounded());
        let asker = thread::spawn({
            let mailbox = Arc::clone(&mailbox);
            move || ask(&mailbox, 0)
        });
        let (received, _) = receive(&mailbox, 1);
        // The actor's task returns from its poll with the handler awaiting.
        mailbox.polled();
        check(&[asker.join().unwrap()], &received, &[]);
        come_back_to_nothing(&mailbox);
    });
}

/// A signal comes while the actor waits for messages, as an ask arrives: the actor turns to the
/// signal (which may take a restart backoff) and the asker is woken, whichever came first.
#[test]
fn loom_mailbox_an_unanswered_asker_is_woken_by_a_signal() {
    model(|| {
        let mailbox = mailbox(MailboxConfig::unbounded());
        let asker = thread::spawn({
            let mailbox = Arc::clone(&mailbox);
            move || ask(&mailbox, 0)
        });
        let signaller = thread::spawn({
            let mailbox = Arc::clone(&mailbox);
            move || mailbox.signal(Signal::Stop)
        });
        let mut batch = VecDeque::new();
        let mut received = Vec::new();
        loop {
            match block_on(poll_fn(|cx| mailbox.poll_recv(cx, &mut batch))) {
                Received::Batch => received.extend(batch.drain(..)),
                Received::Signal => break,
                Received::Stop(kind) => panic!("no stop was requested, got {kind:?}"),
            }
        }
        // The actor's task may yield for the signal (a restart backoff).
        mailbox.polled();
        assert!(mailbox.take_signal().is_some());
        signaller.join().unwrap();
        let left = mailbox.close();
        check(&[asker.join().unwrap()], &received, &Vec::from(left));
    });
}

/// An asker left waiting for the actor is woken by a kill instead.
#[test]
fn loom_mailbox_an_asker_is_woken_by_a_kill() {
    model(|| {
        let mailbox = mailbox(MailboxConfig::unbounded());
        let asker = thread::spawn({
            let mailbox = Arc::clone(&mailbox);
            move || ask(&mailbox, 0)
        });
        let killer = thread::spawn({
            let mailbox = Arc::clone(&mailbox);
            move || mailbox.request_stop(StopKind::Kill)
        });
        let (received, stop) = receive(&mailbox, usize::MAX);
        assert_eq!(stop, Some(StopKind::Kill));
        let left = mailbox.close();
        killer.join().unwrap();
        check(&[asker.join().unwrap()], &received, &Vec::from(left));
    });
}

/// Two senders, one of which then asks for a graceful stop, while the actor receives: the
/// stop comes after everything accepted, and nothing is accepted after it.
#[test]
fn loom_mailbox_senders_racing_a_graceful_stop() {
    model(|| {
        let mailbox = mailbox(MailboxConfig::unbounded());
        let first = thread::spawn({
            let mailbox = Arc::clone(&mailbox);
            move || try_push_all(&mailbox, 0, 2)
        });
        let second = thread::spawn({
            let mailbox = Arc::clone(&mailbox);
            move || {
                let sent = try_push_all(&mailbox, 1, 1);
                mailbox.request_stop(StopKind::Graceful);
                sent
            }
        });
        let (received, stop) = receive(&mailbox, usize::MAX);
        assert_eq!(stop, Some(StopKind::Graceful));
        let left = mailbox.close();
        assert!(left.is_empty(), "a graceful stop comes after the queue");
        let senders = [first.join().unwrap(), second.join().unwrap()];
        assert_eq!(senders[1].accepted.len(), 1, "pushed before the stop");
        check(&senders, &received, &Vec::from(left));
    });
}

/// A kill overtakes the queue: what the actor has not taken comes back from `close`.
#[test]
fn loom_mailbox_a_kill_hands_the_queue_back() {
    model(|| {
        let mailbox = mailbox(MailboxConfig::unbounded());
        let sender = thread::spawn({
            let mailbox = Arc::clone(&mailbox);
            move || try_push_all(&mailbox, 0, 3)
        });
        let killer = thread::spawn({
            let mailbox = Arc::clone(&mailbox);
            move || mailbox.request_stop(StopKind::Kill)
        });
        let (received, stop) = receive(&mailbox, usize::MAX);
        assert_eq!(stop, Some(StopKind::Kill));
        assert!(mailbox.is_killed());
        let left = mailbox.close();
        killer.join().unwrap();
        let senders = [sender.join().unwrap()];
        check(&senders, &received, &Vec::from(left));
    });
}

/// A mailbox of one: one sender waits for room for its second message while another sends
/// one, and the actor waits for messages; everyone is woken and every message arrives once, in order.
#[test]
fn loom_mailbox_waiting_senders_and_receiver_are_woken() {
    model(|| {
        let mailbox = mailbox(MailboxConfig::bounded(1));
        let senders: Vec<_> = [2, 1]
            .into_iter()
            .enumerate()
            .map(|(sender, count)| {
                let mailbox = Arc::clone(&mailbox);
                thread::spawn(move || push_all(&mailbox, sender as u8, count))
            })
            .collect();
        let (received, stop) = receive(&mailbox, 3);
        assert_eq!(stop, None);
        let senders: Vec<Sent> = senders.into_iter().map(|t| t.join().unwrap()).collect();
        assert!(senders.iter().all(|sent| sent.refused.is_empty()));
        check(&senders, &received, &[]);
    });
}

/// The runtime's own messages go past a full mailbox's capacity while a sender waits for room,
/// and keep their order.
#[test]
fn loom_mailbox_push_over_passes_a_waiting_sender() {
    model(|| {
        let mailbox = mailbox(MailboxConfig::bounded(1));
        let sender = thread::spawn({
            let mailbox = Arc::clone(&mailbox);
            move || push_all(&mailbox, 0, 2)
        });
        let runtime = thread::spawn({
            let mailbox = Arc::clone(&mailbox);
            move || {
                let mut sent = Sent::default();
                for seq in 0..2 {
                    let pushed = mailbox.push_over((1, seq)).map(drop);
                    sent.record((1, seq), pushed);
                }
                sent
            }
        });
        let (received, _) = receive(&mailbox, 4);
        let senders = [sender.join().unwrap(), runtime.join().unwrap()];
        assert!(senders.iter().all(|sent| sent.refused.is_empty()));
        check(&senders, &received, &[]);
    });
}

/// A batch of tells into a mailbox of two, beside another sender: the batch waits for room as
/// it fills, and keeps its order.
#[test]
fn loom_mailbox_a_batch_waits_for_room() {
    model(|| {
        let mailbox = mailbox(MailboxConfig::bounded(2));
        let batcher = thread::spawn({
            let mailbox = Arc::clone(&mailbox);
            move || {
                let mut pending: VecDeque<Msg> = (0..3).map(|seq| (0, seq)).collect();
                let open = block_on(poll_fn(|cx| mailbox.poll_push_many(cx, &mut pending)));
                assert!(open && pending.is_empty());
                Sent {
                    accepted: (0..3).map(|seq| (0, seq)).collect(),
                    refused: Vec::new(),
                }
            }
        });
        let sender = thread::spawn({
            let mailbox = Arc::clone(&mailbox);
            move || push_all(&mailbox, 1, 1)
        });
        let (received, _) = receive(&mailbox, 4);
        let senders = [batcher.join().unwrap(), sender.join().unwrap()];
        check(&senders, &received, &[]);
    });
}

/// The actor closes its mailbox (it failed and stopped, say) while a sender waits for room:
/// the sender is woken and refused, and the queued message is handed back.
#[test]
fn loom_mailbox_a_close_wakes_a_waiting_sender() {
    model(|| {
        let mailbox = mailbox(MailboxConfig::bounded(1));
        assert!(mailbox.try_push((0, 0)).is_ok());
        let sender = thread::spawn({
            let mailbox = Arc::clone(&mailbox);
            move || push_all(&mailbox, 1, 1)
        });
        let left = mailbox.close();
        let first = Sent {
            accepted: vec![(0, 0)],
            refused: Vec::new(),
        };
        let senders = [first, sender.join().unwrap()];
        assert_eq!(senders[1].refused, [(1, 0)], "no room before the close");
        check(&senders, &[], &Vec::from(left));
    });
}

/// A graceful stop while a sender waits for room: the sender is woken and refused, and the
/// actor still receives what was queued before the stop.
#[test]
fn loom_mailbox_a_stop_wakes_a_waiting_sender() {
    model(|| {
        let mailbox = mailbox(MailboxConfig::bounded(1));
        assert!(mailbox.try_push((0, 0)).is_ok());
        let sender = thread::spawn({
            let mailbox = Arc::clone(&mailbox);
            move || push_all(&mailbox, 1, 1)
        });
        mailbox.request_stop(StopKind::Graceful);
        let (received, stop) = receive(&mailbox, usize::MAX);
        assert_eq!(stop, Some(StopKind::Graceful));
        let left = mailbox.close();
        let first = Sent {
            accepted: vec![(0, 0)],
            refused: Vec::new(),
        };
        let senders = [first, sender.join().unwrap()];
        check(&senders, &received, &Vec::from(left));
    });
}

/// A supervision signal sent, then a graceful stop, while the actor waits and a sender tells:
/// the actor is woken, sees the signal once and before the stop, and still gets every message.
#[test]
fn loom_mailbox_a_signal_overtakes_the_stop_and_is_seen_once() {
    model(|| {
        let mailbox = mailbox(MailboxConfig::unbounded());
        let supervisor = thread::spawn({
            let mailbox = Arc::clone(&mailbox);
            move || {
                mailbox.signal(Signal::Stop);
                mailbox.request_stop(StopKind::Graceful);
            }
        });
        let sender = thread::spawn({
            let mailbox = Arc::clone(&mailbox);
            move || try_push_all(&mailbox, 0, 1)
        });
        let mut received = Vec::new();
        let mut batch = VecDeque::new();
        let mut signals = 0;
        loop {
            match block_on(poll_fn(|cx| mailbox.poll_recv(cx, &mut batch))) {
                Received::Batch => received.extend(batch.drain(..)),
                Received::Signal => {
                    assert!(mailbox.interrupts().any());
                    assert!(matches!(mailbox.take_signal(), Some(Signal::Stop)));
                    signals += 1;
                }
                Received::Stop(kind) => {
                    assert_eq!(kind, StopKind::Graceful);
                    break;
                }
            }
        }
        assert_eq!(signals, 1, "the signal is seen once, before the stop");
        assert!(!mailbox.interrupts().any());
        supervisor.join().unwrap();
        let left = mailbox.close();
        check(&[sender.join().unwrap()], &received, &Vec::from(left));
    });
}

/// A supervision signal wakes the waiting actor, which sees it once, beside a sender's tell.
#[test]
fn loom_mailbox_a_signal_wakes_the_actor() {
    model(|| {
        let mailbox = mailbox(MailboxConfig::unbounded());
        let supervisor = thread::spawn({
            let mailbox = Arc::clone(&mailbox);
            move || mailbox.signal(Signal::Restart("sibling failed".into()))
        });
        let sender = thread::spawn({
            let mailbox = Arc::clone(&mailbox);
            move || try_push_all(&mailbox, 0, 1)
        });
        let mut received = Vec::new();
        let mut batch = VecDeque::new();
        let mut signals = 0;
        while signals == 0 || received.is_empty() {
            match block_on(poll_fn(|cx| mailbox.poll_recv(cx, &mut batch))) {
                Received::Batch => received.extend(batch.drain(..)),
                Received::Signal => {
                    assert!(matches!(mailbox.take_signal(), Some(Signal::Restart(_))));
                    signals += 1;
                }
                Received::Stop(_) => panic!("nobody stops the actor"),
            }
        }
        assert_eq!(signals, 1);
        supervisor.join().unwrap();
        check(&[sender.join().unwrap()], &received, &[]);
    });
}

/// An actor waiting out a restart backoff is woken by a kill.
#[test]
fn loom_mailbox_a_kill_ends_a_backoff() {
    model(|| {
        let mailbox = mailbox(MailboxConfig::unbounded());
        let killer = thread::spawn({
            let mailbox = Arc::clone(&mailbox);
            move || mailbox.request_stop(StopKind::Kill)
        });
        let sender = thread::spawn({
            let mailbox = Arc::clone(&mailbox);
            move || try_push_all(&mailbox, 0, 1)
        });
        block_on(poll_fn(|cx| mailbox.poll_killed(cx)));
        assert!(mailbox.is_killed());
        killer.join().unwrap();
        let left = mailbox.close();
        check(&[sender.join().unwrap()], &[], &Vec::from(left));
    });
}
