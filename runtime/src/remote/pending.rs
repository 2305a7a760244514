//! The asks one link waits on: correlation ids, the asker's reply slot (or, for a streaming
//! ask, the caller's end of its stream and the credit granted to the peer), and failing them
//! all at once when the link ends.
//!
//! This module owns the table and its one rule: every ask registered gets exactly one outcome,
//! from a reply, from its asker's own timeout (the asker removes it), or from the link's end
//! (which fails every entry with the link's reason, at once). A streaming ask gets its items
//! before that outcome, each within the credit its caller granted; its outcome is the end
//! reply, its deadline, its caller cancelling (the entry goes without one: nobody reads), or
//! the link's end. It knows nothing of frames or connections.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};

use prost::bytes::Bytes;
use tokio::sync::oneshot;
use tokio::task::AbortHandle;

use super::error::RemoteError;
use crate::stream::StreamFeedback;

/// What an asker receives.
pub(crate) type Outcome = Result<Bytes, RemoteError>;

/// The caller's end of a streaming ask, as its link feeds it: the items' bytes, then one end.
/// The remote handle implements it over the caller's stream (decoding the items, mapping the
/// transport's errors to the caller's).
pub(crate) trait StreamSink: Send + 'static {
    /// How many items the caller's stream holds: the credit granted to the peer up front.
    fn window(&self) -> u32;

    /// Has `feedback` hear how the caller reads its stream (credit to renew, a cancel).
    fn set_feedback(&mut self, feedback: Arc<dyn StreamFeedback>);

    /// One item's bytes (the reply message with only its value), handed on without waiting;
    /// an error (bytes that are not an item, an item the stream has no room for) says why the
    /// stream must end.
    fn item(&mut self, payload: &[u8]) -> Result<(), String>;

    /// The end: the end reply's bytes (empty for a clean end, or the handler's error), or what
    /// ended the stream otherwise.
    fn end(self: Box<Self>, outcome: Outcome);
}

/// One streaming ask in the table: the caller's end until the stream ends, and the credit the
/// peer has left.
pub(crate) struct PendingStream {
    state: Mutex<StreamState>,
}

struct StreamState {
    /// The items the peer may still send: the window, plus what the caller has since taken,
    /// minus what came. Never below what the peer itself counts, since credit is added here
    /// before it is sent.
    credit: u32,
    /// The caller's end; taken by whatever ends the stream (once).
    sink: Option<Box<dyn StreamSink>>,
    /// The task that ends the stream at its deadline, if it has one.
    deadline: Option<AbortHandle>,
}

impl PendingStream {
    /// A stream entry for `sink`, whose window is the first credit.
    pub(crate) fn new(sink: Box<dyn StreamSink>) -> PendingStream {
        PendingStream {
            state: Mutex::new(StreamState {
                credit: sink.window(),
                sink: Some(sink),
                deadline: None,
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, StreamState> {
        // No user code runs under it, but a poisoned lock must not take the link down either.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Hands on one item, using one credit. `Ok` for an item of a stream that has ended (one
    /// in flight when the caller cancelled): dropped. An error is a protocol error of the
    /// peer: an item beyond the credit, or one the caller's end refused.
    pub(crate) fn item(&self, payload: &[u8]) -> Result<(), String> {
        let state = &mut *self.lock();
        let Some(sink) = &mut state.sink else {
            return Ok(());
        };
        let Some(credit) = state.credit.checked_sub(1) else {
            return Err("an item beyond the credit the stream granted".to_owned());
        };
        state.credit = credit;
        sink.item(payload)
    }

    /// Adds `items` of credit; `false` when the stream has ended (no credit to send).
    pub(crate) fn grant(&self, items: u32) -> bool {
        let mut state = self.lock();
        if state.sink.is_none() {
            return false;
        }
        state.credit = state.credit.saturating_add(items);
        true
    }

    /// Takes the caller's end, to end it (outside any lock), and stops the deadline's task;
    /// `None` when something else ended it first.
    pub(crate) fn take(&self) -> Option<Box<dyn StreamSink>> {
        let mut state = self.lock();
        if let Some(deadline) = state.deadline.take() {
            deadline.abort();
        }
        state.sink.take()
    }

    /// Ends the stream with `outcome`, unless something ended it first.
    pub(crate) fn end(&self, outcome: Outcome) {
        if let Some(sink) = self.take() {
            sink.end(outcome);
        }
    }

    /// Keeps the task that ends the stream at its deadline, to stop it when the stream ends
    /// first (at once if it already has).
    pub(crate) fn set_deadline(&self, task: AbortHandle) {
        let mut state = self.lock();
        if state.sink.is_some() {
            state.deadline = Some(task);
        } else {
            task.abort();
        }
    }
}

/// A streaming ask the table did not take (its link has ended): why, and its caller's end, to
/// end with that.
pub(crate) type Refused = (RemoteError, Box<dyn StreamSink>);

/// How [`Pending::complete`] delivered an outcome.
pub(crate) enum Completed {
    /// To a unary ask.
    Ask,
    /// To no one yet: `id` is a streaming ask, now out of the table, for the caller to end
    /// with the outcome (outside the table's lock).
    Stream(Arc<PendingStream>, Outcome),
    /// To no one: no ask waits under that id (it timed out, was cancelled, or the id is a
    /// peer's mistake).
    Nobody,
}

/// The pending asks of one link.
#[derive(Default)]
pub(crate) struct Pending {
    inner: Mutex<Inner>,
}

impl std::fmt::Debug for Pending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let inner = self.lock();
        f.debug_struct("Pending")
            .field("asks", &inner.asks.len())
            .field("streams", &inner.streams.len())
            .finish_non_exhaustive()
    }
}

#[derive(Default)]
struct Inner {
    /// The last correlation id handed out; ids count from 1 (0 marks a tell), shared by asks
    /// and streams.
    last: u64,
    /// Why the link ended, once it has: no ask registers after that.
    closed: Option<RemoteError>,
    asks: HashMap<u64, oneshot::Sender<Outcome>>,
    /// The streaming asks, apart, so that the unary asks' table stays as it was.
    streams: HashMap<u64, Arc<PendingStream>>,
}

impl Pending {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic cannot happen while the lock is held (no user code runs under it), but a
        // poisoned lock must not take the link down either.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A new ask: its correlation id and where its outcome will arrive; the link's end reason
    /// if it has ended.
    pub(crate) fn register(&self) -> Result<(u64, oneshot::Receiver<Outcome>), RemoteError> {
        let mut inner = self.lock();
        if let Some(reason) = &inner.closed {
            return Err(reason.clone());
        }
        inner.last += 1;
        let id = inner.last;
        let (tx, rx) = oneshot::channel();
        inner.asks.insert(id, tx);
        Ok((id, rx))
    }

    /// A new streaming ask for `sink`, which first hears of its caller through the feedback
    /// `feedback` makes from the ask's correlation id and entry: its id and entry; the link's
    /// end reason (and `sink` back, to end with it) if the link has ended.
    pub(crate) fn register_stream(
        &self,
        mut sink: Box<dyn StreamSink>,
        feedback: impl FnOnce(u64, Weak<PendingStream>) -> Arc<dyn StreamFeedback>,
    ) -> Result<(u64, Arc<PendingStream>), Refused> {
        let mut inner = self.lock();
        if let Some(reason) = &inner.closed {
            return Err((reason.clone(), sink));
        }
        inner.last += 1;
        let id = inner.last;
        let entry = Arc::new_cyclic(|entry| {
            sink.set_feedback(feedback(id, entry.clone()));
            PendingStream::new(sink)
        });
        inner.streams.insert(id, entry.clone());
        Ok((id, entry))
    }

    /// Delivers the outcome of ask `id` (a unary ask's reply, a streaming ask's end).
    pub(crate) fn complete(&self, id: u64, outcome: Outcome) -> Completed {
        let mut inner = self.lock();
        if let Some(sender) = inner.asks.remove(&id) {
            drop(inner);
            // The asker may have given up in the meantime; nothing to do then.
            let _ = sender.send(outcome);
            return Completed::Ask;
        }
        match inner.streams.remove(&id) {
            Some(stream) => Completed::Stream(stream, outcome),
            None => Completed::Nobody,
        }
    }

    /// The streaming ask `id`, if it is still in the table.
    pub(crate) fn stream(&self, id: u64) -> Option<Arc<PendingStream>> {
        self.lock().streams.get(&id).cloned()
    }

    /// Forgets ask `id` (its asker stopped waiting).
    pub(crate) fn remove(&self, id: u64) {
        self.lock().asks.remove(&id);
    }

    /// Takes streaming ask `id` out of the table (it ended on this side: cancelled, past its
    /// deadline, or its peer broke the protocol), for the caller to end.
    pub(crate) fn remove_stream(&self, id: u64) -> Option<Arc<PendingStream>> {
        self.lock().streams.remove(&id)
    }

    /// Fails every pending ask and stream with `reason`, and every later registration.
    pub(crate) fn close(&self, reason: &RemoteError) {
        let (asks, streams) = {
            let mut inner = self.lock();
            if inner.closed.is_none() {
                inner.closed = Some(reason.clone());
            }
            (
                std::mem::take(&mut inner.asks),
                std::mem::take(&mut inner.streams),
            )
        };
        for (_, sender) in asks {
            let _ = sender.send(Err(reason.clone()));
        }
        for (_, stream) in streams {
            stream.end(Err(reason.clone()));
        }
    }

    /// How many asks and streams wait.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        let inner = self.lock();
        inner.asks.len() + inner.streams.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_ask_gets_one_outcome_and_closing_fails_the_rest_at_once() {
        let pending = Pending::default();
        let (a, rx_a) = pending.register().expect("open");
        let (b, mut rx_b) = pending.register().expect("open");
        assert_eq!((a, b), (1, 2), "ids count from 1");
        assert!(matches!(
            pending.complete(a, Ok(Bytes::from_static(b"ok"))),
            Completed::Ask
        ));
        assert!(
            matches!(pending.complete(a, Ok(Bytes::new())), Completed::Nobody),
            "a second reply is ignored"
        );
        assert_eq!(
            rx_a.blocking_recv().expect("sent"),
            Ok(Bytes::from_static(b"ok"))
        );

        let lost = RemoteError::ConnectionLost {
            node: "b@h:1".into(),
            reason: "reset".into(),
        };
        pending.close(&lost);
        assert_eq!(rx_b.try_recv().expect("failed at once"), Err(lost.clone()));
        assert_eq!(pending.register().map(|_| ()), Err(lost));
        assert_eq!(pending.len(), 0);
    }

    #[test]
    fn a_removed_ask_is_not_completed() {
        let pending = Pending::default();
        let (id, _rx) = pending.register().expect("open");
        pending.remove(id);
        assert!(matches!(
            pending.complete(id, Ok(Bytes::new())),
            Completed::Nobody
        ));
    }
}
