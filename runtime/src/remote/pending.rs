//! The asks one link waits on: correlation ids, the asker's reply slot, and failing them all at
//! once when the link ends.
//!
//! This module owns the table and its one rule: every ask registered gets exactly one outcome,
//! from a reply, from its asker's own timeout (the asker removes it), or from the link's end
//! (which fails every entry with the link's reason, at once). It knows nothing of frames or
//! connections.

use std::collections::HashMap;
use std::sync::Mutex;

use prost::bytes::Bytes;
use tokio::sync::oneshot;

use super::error::RemoteError;

/// What an asker receives.
pub(crate) type Outcome = Result<Bytes, RemoteError>;

/// The pending asks of one link.
#[derive(Debug, Default)]
pub(crate) struct Pending {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    /// The last correlation id handed out; ids count from 1 (0 marks a tell).
    last: u64,
    /// Why the link ended, once it has: no ask registers after that.
    closed: Option<RemoteError>,
    asks: HashMap<u64, oneshot::Sender<Outcome>>,
}

impl Pending {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic cannot happen while the lock is held (no user code runs under it), but a
        // poisoned lock must not take the link down either.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
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

    /// Delivers the outcome of ask `id`; false when no such ask waits (it timed out, or the id
    /// is a peer's mistake).
    pub(crate) fn complete(&self, id: u64, outcome: Outcome) -> bool {
        let sender = self.lock().asks.remove(&id);
        match sender {
            Some(sender) => {
                // The asker may have given up in the meantime; nothing to do then.
                let _ = sender.send(outcome);
                true
            }
            None => false,
        }
    }

    /// Forgets ask `id` (its asker stopped waiting).
    pub(crate) fn remove(&self, id: u64) {
        self.lock().asks.remove(&id);
    }

    /// Fails every pending ask with `reason`, and every later registration.
    pub(crate) fn close(&self, reason: &RemoteError) {
        let asks = {
            let mut inner = self.lock();
            if inner.closed.is_none() {
                inner.closed = Some(reason.clone());
            }
            std::mem::take(&mut inner.asks)
        };
        for (_, sender) in asks {
            let _ = sender.send(Err(reason.clone()));
        }
    }

    /// How many asks wait.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.lock().asks.len()
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
        assert!(pending.complete(a, Ok(Bytes::from_static(b"ok"))));
        assert!(
            !pending.complete(a, Ok(Bytes::new())),
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
        assert!(!pending.complete(id, Ok(Bytes::new())));
    }
}
