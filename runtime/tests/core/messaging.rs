//! Tell, ask, timeouts, backpressure, batches and deferred replies.
//!
//! Each test runs on both runtimes, except those on the paused clock (current-thread only) and
//! the one that blocks a thread outside tokio (multi-thread only).

use std::collections::HashSet;
use std::sync::Arc;
use std::task::Poll;

use futures_util::FutureExt;
use rakt::prelude::*;
use tokio::sync::Notify;

use crate::actors::{
    Counter, CounterMsg, CounterRef, Refused, Stack, StackRef, blocked_and_full, picked_up,
};

async fn system(name: &str) -> ActorSystem {
    ActorSystem::builder(name).build().await.unwrap()
}

on_both_runtimes!(tells_are_handled_in_order_before_a_later_ask);
async fn tells_are_handled_in_order_before_a_later_ask() {
    let system = system("order").await;
    let counter: CounterRef = system.spawn("counter", Counter::default()).await.unwrap();
    for i in 1..=100 {
        counter.add(i).await.unwrap();
    }
    assert_eq!(counter.total().await.unwrap(), 5050);
    assert_eq!(counter.seen().await.unwrap(), (1..=100).collect::<Vec<_>>());
    system.shutdown().await;
}

on_both_runtimes!(two_senders_each_keep_their_order);
async fn two_senders_each_keep_their_order() {
    let system = system("senders").await;
    let counter: CounterRef = system.spawn_anonymous(Counter::default()).await.unwrap();
    let a = counter.clone();
    let b = counter.clone();
    let left = tokio::spawn(async move {
        for i in 0..1000 {
            a.add(i * 2).await.unwrap();
        }
    });
    let right = tokio::spawn(async move {
        for i in 0..1000 {
            b.add(i * 2 + 1).await.unwrap();
        }
    });
    left.await.unwrap();
    right.await.unwrap();
    let seen = counter.seen().await.unwrap();
    assert_eq!(seen.len(), 2000);
    let evens: Vec<_> = seen.iter().copied().filter(|x| x % 2 == 0).collect();
    let odds: Vec<_> = seen.iter().copied().filter(|x| x % 2 == 1).collect();
    assert!(evens.windows(2).all(|w| w[0] < w[1]));
    assert!(odds.windows(2).all(|w| w[0] < w[1]));
    system.shutdown().await;
}

on_both_runtimes!(a_handler_error_reaches_the_caller_and_the_actor_carries_on);
async fn a_handler_error_reaches_the_caller_and_the_actor_carries_on() {
    let system = system("errors").await;
    let counter: CounterRef = system.spawn_anonymous(Counter::default()).await.unwrap();
    counter.add(3).await.unwrap();
    let refused = counter.take(5).await.unwrap_err();
    assert_eq!(refused, AskError::Handler(Refused("5 > 3".into())));
    assert_eq!(counter.take(2).await.unwrap(), 1);
    assert!(counter.is_alive());
    system.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn an_ask_times_out_with_the_per_call_timeout() {
    let system = system("timeouts").await;
    let counter: CounterRef = system.spawn_anonymous(Counter::default()).await.unwrap();
    let late = counter
        .slow(Duration::from_secs(10))
        .timeout(Duration::from_millis(50))
        .await;
    assert_eq!(late, Err(AskError::Timeout(Duration::from_millis(50))));
    // The actor is still busy with the slow request; the next ask waits for it.
    let total = counter.total().timeout(Duration::from_secs(60)).await;
    assert_eq!(total, Ok(0));
    system.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn the_system_default_ask_timeout_applies_when_the_call_sets_none() {
    let system = ActorSystem::builder("default-timeout")
        .ask_timeout(Duration::from_millis(200))
        .build()
        .await
        .unwrap();
    let counter: CounterRef = system.spawn_anonymous(Counter::default()).await.unwrap();
    let late = counter.slow(Duration::from_secs(1)).await;
    assert_eq!(late, Err(AskError::Timeout(Duration::from_millis(200))));
    system.shutdown().await;
}

/// The actor waits for messages when the ask comes (it has just answered one), so the asker
/// waits with no timer; the handler keeps the reply slot and returns: the asker must still
/// time out, on time.
#[tokio::test(start_paused = true)]
async fn an_ask_whose_deferred_reply_never_comes_times_out_on_time() {
    let system = system("held").await;
    let counter: CounterRef = system.spawn_anonymous(Counter::default()).await.unwrap();
    assert_eq!(counter.total().await, Ok(0));
    let started = tokio::time::Instant::now();
    let timeout = Duration::from_millis(50);
    // A guard: an asker left waiting with no timer would wait forever.
    let guard = Duration::from_secs(1);
    let held = tokio::time::timeout(guard, counter.hold().timeout(timeout)).await;
    assert_eq!(held, Ok(Err(AskError::Timeout(timeout))));
    assert_eq!(
        started.elapsed(),
        timeout,
        "the timeout runs from the handler"
    );
    // Again with tells behind the request, in the same batch.
    let held = tokio::time::timeout(guard, counter.hold().timeout(timeout).into_future());
    let tells = async {
        for by in 1..=3 {
            counter.add(by).await.unwrap();
        }
    };
    let started = tokio::time::Instant::now();
    let (held, ()) = tokio::join!(held, tells);
    assert_eq!(held, Ok(Err(AskError::Timeout(timeout))));
    assert_eq!(started.elapsed(), timeout);
    // Three asks from three tasks (each woken on its own) in one batch, each waiting with no
    // timer.
    let started = tokio::time::Instant::now();
    let asks: Vec<_> = (0..3)
        .map(|_| {
            let counter = counter.clone();
            tokio::spawn(async move {
                tokio::time::timeout(guard, counter.hold().timeout(timeout)).await
            })
        })
        .collect();
    for ask in asks {
        assert_eq!(ask.await.unwrap(), Ok(Err(AskError::Timeout(timeout))));
    }
    assert_eq!(started.elapsed(), timeout);
    assert_eq!(counter.total().await, Ok(6), "the actor carries on");
    system.shutdown().await;
}

/// The actor waits for messages when the ask comes, so the asker waits with no timer; the
/// handler awaits far longer than the timeout: the asker times out on time.
#[tokio::test(start_paused = true)]
async fn an_ask_whose_handler_awaits_times_out_on_time() {
    let system = system("awaits").await;
    let counter: CounterRef = system.spawn_anonymous(Counter::default()).await.unwrap();
    assert_eq!(counter.total().await, Ok(0));
    let started = tokio::time::Instant::now();
    let timeout = Duration::from_millis(50);
    assert_eq!(
        counter.slow(Duration::from_secs(10)).timeout(timeout).await,
        Err(AskError::Timeout(timeout))
    );
    assert_eq!(started.elapsed(), timeout, "not the handler's 10 s");
    system.shutdown().await;
}

on_both_runtimes!(a_caller_that_gives_up_is_seen_by_the_deferred_handler);
async fn a_caller_that_gives_up_is_seen_by_the_deferred_handler() {
    let system = system("gives-up").await;
    let counter: CounterRef = system.spawn_anonymous(Counter::default()).await.unwrap();
    let mut gone = counter.hold().into_future();
    let first = std::future::poll_fn(|cx| Poll::Ready(gone.poll_unpin(cx))).await;
    assert!(first.is_pending(), "queued, no answer yet");
    drop(gone);
    let kept = tokio::spawn({
        let counter = counter.clone();
        async move { counter.hold().await }
    });
    while counter.holding().await != Ok(2) {
        tokio::task::yield_now().await;
    }
    assert_eq!(
        counter.release(7).await,
        Ok(vec![false, true]),
        "the answer to the caller that gave up is refused, the other received"
    );
    assert_eq!(kept.await.unwrap(), Ok(7));
    system.shutdown().await;
}

on_both_runtimes!(a_deferred_reply_arrives_from_another_task);
async fn a_deferred_reply_arrives_from_another_task() {
    let system = system("deferred").await;
    let counter: CounterRef = system.spawn_anonymous(Counter::default()).await.unwrap();
    assert_eq!(counter.deferred(41).await, Ok(42));
    assert_eq!(counter.forget().await, Err(AskError::NoReply));
    system.shutdown().await;
}

on_both_runtimes!(a_full_bounded_mailbox_refuses_try_send_and_makes_tell_wait);
async fn a_full_bounded_mailbox_refuses_try_send_and_makes_tell_wait() {
    let system = system("bounded").await;
    let (narrow, gate) = blocked_and_full(&system).await;
    assert_eq!(narrow.ping().try_send(), Err(SendError::MailboxFull));
    // The actor is held at the gate, so nothing can make room: the send must be pending, and
    // stay out of the mailbox, until the gate opens.
    let mut waiting = std::pin::pin!(narrow.ping().into_future());
    assert!(waiting.as_mut().now_or_never().is_none(), "waits for room");
    assert_eq!(narrow.actor_ref().mailbox_len(), 2, "and does not push in");
    gate.notify_one();
    assert_eq!(waiting.await, Ok(()));
    system.shutdown().await;
}

on_both_runtimes!(a_spawn_option_mailbox_overrides_the_system_default);
async fn a_spawn_option_mailbox_overrides_the_system_default() {
    let system = ActorSystem::builder("override")
        .mailbox(MailboxConfig::bounded(1000))
        .build()
        .await
        .unwrap();
    let counter: CounterRef = system
        .spawn_with(
            Counter::default(),
            SpawnOptions::new().mailbox(MailboxConfig::bounded(1)),
        )
        .await
        .unwrap();
    let gate = Arc::new(Notify::new());
    counter.wait(gate.clone()).await.unwrap();
    picked_up(counter.actor_ref()).await;
    counter.add(1).try_send().unwrap();
    assert_eq!(counter.add(1).try_send(), Err(SendError::MailboxFull));
    gate.notify_one();
    assert_eq!(counter.total().await, Ok(1));
    system.shutdown().await;
}

on_both_runtimes!(batches_keep_their_order);
async fn batches_keep_their_order() {
    let system = system("batches").await;
    let counter: CounterRef = system.spawn_anonymous(Counter::default()).await.unwrap();
    let actor = counter.actor_ref();
    actor
        .tell_batch((1..=10).map(|by| CounterMsg::Add { by }))
        .await
        .unwrap();
    assert_eq!(counter.seen().await.unwrap(), (1..=10).collect::<Vec<_>>());
    let doubled = actor
        .ask_batch((0..5).map(|x| move |reply| CounterMsg::Double { x, reply }))
        .await;
    assert_eq!(doubled, vec![Ok(0), Ok(2), Ok(4), Ok(6), Ok(8)]);
    system.shutdown().await;
}

on_both_runtimes!(a_generic_actor_works_through_its_handle);
async fn a_generic_actor_works_through_its_handle() {
    let system = system("generic").await;
    let stack: StackRef<String> = system.spawn_anonymous(Stack::new()).await.unwrap();
    stack.push("a".to_owned()).await.unwrap();
    stack.push("b".to_owned()).await.unwrap();
    assert_eq!(stack.pop().await.unwrap().as_deref(), Some("b"));
    assert_eq!(stack.pop().await.unwrap().as_deref(), Some("a"));
    assert_eq!(stack.pop().await.unwrap(), None);
    system.shutdown().await;
}

on_both_runtimes!(handles_are_comparable_hashable_and_printable);
async fn handles_are_comparable_hashable_and_printable() {
    let system = system("handles").await;
    let a: CounterRef = system.spawn("a", Counter::default()).await.unwrap();
    let b: CounterRef = system.spawn_anonymous(Counter::default()).await.unwrap();
    assert_eq!(a, a.clone());
    assert_ne!(a, b);
    // Handles are map keys without a `clippy::mutable_key_type` warning (CI runs clippy with
    // `-D warnings` over this test).
    let set: HashSet<CounterRef> = [a.clone(), a.clone(), b.clone()].into_iter().collect();
    assert_eq!(set.len(), 2);
    assert_eq!(a.path().as_str(), "rakt://handles/user/a");
    assert_eq!(
        b.path().as_str(),
        format!("rakt://handles/user/${}", b.id().get())
    );
    assert!(format!("{a:?}").contains("rakt://handles/user/a"));
    fn is_handle<H: Clone + Eq + std::hash::Hash + std::fmt::Debug + Send + Sync>(_: &H) {}
    is_handle(&a);
    system.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn a_pending_reply_and_an_ask_waiting_for_room_time_out_too() {
    let system = system("pending-timeouts").await;
    let (narrow, gate) = blocked_and_full(&system).await;
    // The mailbox is full: this ask waits for room, and its deadline runs meanwhile.
    let started = tokio::time::Instant::now();
    let blocked = narrow
        .actor_ref()
        .ask(|reply: ReplySlot<()>| {
            drop(reply);
            crate::actors::NarrowMsg::Ping {}
        })
        .timeout(Duration::from_millis(30))
        .await;
    assert_eq!(blocked, Err(AskError::Timeout(Duration::from_millis(30))));
    assert!(started.elapsed() >= Duration::from_millis(30));
    gate.notify_one();

    let counter: CounterRef = system.spawn_anonymous(Counter::default()).await.unwrap();
    let pending = counter
        .slow(Duration::from_secs(10))
        .timeout(Duration::from_millis(40))
        .try_send()
        .unwrap();
    let started = tokio::time::Instant::now();
    assert_eq!(
        pending.await,
        Err(AskError::Timeout(Duration::from_millis(40)))
    );
    assert!(started.elapsed() >= Duration::from_millis(40));
    system.shutdown().await;
}

on_both_runtimes!(a_batch_to_a_stopped_actor_is_refused_and_its_asks_answered);
async fn a_batch_to_a_stopped_actor_is_refused_and_its_asks_answered() {
    let system = system("batch-stopped").await;
    let counter: CounterRef = system.spawn_anonymous(Counter::default()).await.unwrap();
    counter.stop().await;
    let actor = counter.actor_ref();
    let told = actor.tell_batch([CounterMsg::Add { by: 1 }]).await;
    assert_eq!(told, Err(SendError::Stopped));
    let asked = actor
        .ask_batch((0..3).map(|x| move |reply| CounterMsg::Double { x, reply }))
        .await;
    assert_eq!(asked, vec![Err(AskError::Stopped); 3]);
    system.shutdown().await;
}

/// Runs `future` to completion on this thread, with no tokio context (a foreign executor).
fn block_on_foreign<F: std::future::Future>(future: F) -> F::Output {
    struct Unpark(std::thread::Thread);
    impl std::task::Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = std::task::Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut cx = std::task::Context::from_waker(&waker);
    let mut future = std::pin::pin!(future);
    loop {
        if let std::task::Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        std::thread::park();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ask_awaited_outside_tokio_still_times_out_and_answers() {
    let system = system("foreign-ask").await;
    let counter: CounterRef = system.spawn_anonymous(Counter::default()).await.unwrap();
    let handle = counter.clone();
    let gate = Arc::new(Notify::new());
    let held = gate.clone();
    let (answer, late) = std::thread::spawn(move || {
        let answer = block_on_foreign(handle.double(21).into_future());
        // Held at the gate until the test opens it: the next ask can only time out.
        handle.wait(held).try_send().unwrap();
        let late = block_on_foreign(
            handle
                .double(1)
                .timeout(Duration::from_millis(20))
                .into_future(),
        );
        (answer, late)
    })
    .join()
    .expect("no panic outside tokio");
    assert_eq!(answer, Ok(42));
    assert_eq!(late, Err(AskError::Timeout(Duration::from_millis(20))));
    gate.notify_one();
    assert_eq!(counter.double(2).await, Ok(4), "the actor carries on");
    system.shutdown().await;
}

/// A counter with a bounded(2) mailbox, busy in `wait` on the returned gate, its mailbox empty.
async fn busy_counter_with_room_for_two(system: &ActorSystem) -> (CounterRef, Arc<Notify>) {
    let counter: CounterRef = system
        .spawn_with(
            Counter::default(),
            SpawnOptions::new().mailbox(MailboxConfig::bounded(2)),
        )
        .await
        .unwrap();
    let gate = Arc::new(Notify::new());
    counter.wait(gate.clone()).await.unwrap();
    picked_up(counter.actor_ref()).await;
    (counter, gate)
}

on_both_runtimes!(a_batch_ask_cut_short_by_a_stop_keeps_the_answers_of_what_was_handled);
async fn a_batch_ask_cut_short_by_a_stop_keeps_the_answers_of_what_was_handled() {
    let system = system("batch-cut").await;
    let (counter, gate) = busy_counter_with_room_for_two(&system).await;
    let asker = counter.clone();
    let batch = tokio::spawn(async move {
        asker
            .actor_ref()
            .ask_batch((0..6).map(|x| move |reply| CounterMsg::Double { x, reply }))
            .await
    });
    // Two requests fit; the batch waits for room for the other four.
    while counter.actor_ref().mailbox_len() < 2 {
        tokio::task::yield_now().await;
    }
    let stopping = counter.stop();
    gate.notify_one();
    stopping.await;
    let replies = batch.await.unwrap();
    assert_eq!(
        replies,
        [
            Ok(0),
            Ok(2),
            Err(AskError::Stopped),
            Err(AskError::Stopped),
            Err(AskError::Stopped),
            Err(AskError::Stopped),
        ],
        "only the requests never delivered say `Stopped`"
    );
    assert_eq!(system.dead_letter_count(), 4);
    system.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn a_batch_ask_has_a_timeout_of_its_own() {
    let system = system("batch-timeout").await;
    let (counter, gate) = busy_counter_with_room_for_two(&system).await;
    let started = tokio::time::Instant::now();
    let replies = counter
        .actor_ref()
        .ask_batch((0..3).map(|x| move |reply| CounterMsg::Double { x, reply }))
        .timeout(Duration::from_millis(50))
        .await;
    assert_eq!(started.elapsed(), Duration::from_millis(50));
    // Two were queued and not answered in time; the third never found room.
    assert_eq!(
        replies,
        vec![Err(AskError::Timeout(Duration::from_millis(50))); 3]
    );
    gate.notify_one();
    assert_eq!(counter.total().await, Ok(0), "the actor carries on");
    system.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn a_try_send_ask_times_out_from_the_send() {
    let system = system("try-deadline").await;
    let counter: CounterRef = system.spawn_anonymous(Counter::default()).await.unwrap();
    let gate = Arc::new(Notify::new());
    counter.wait(gate.clone()).await.unwrap();
    let timeout = Duration::from_millis(100);
    let pending = counter.double(2).timeout(timeout).try_send().unwrap();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let polled_at = tokio::time::Instant::now();
    assert_eq!(pending.await, Err(AskError::Timeout(timeout)));
    assert_eq!(
        polled_at.elapsed(),
        Duration::ZERO,
        "the deadline passed while nobody polled: the first poll says so"
    );
    gate.notify_one();
    system.shutdown().await;
}
