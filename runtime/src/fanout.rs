//! Lossy fan-out to stream subscribers, shared by the event stream and topics.
//!
//! A [`Fanout`] publishes to every live [`Subscription`] without ever waiting: each subscriber
//! has a bounded buffer, and one that falls behind loses the oldest items, counted in
//! [`Subscription::dropped`]. Publishing checks an atomic subscriber count first, so nothing is
//! built or sent while nobody listens.

use std::fmt;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::task::{Context, Poll};

use futures_util::Stream;
use tokio::sync::broadcast;

/// The publishing side.
pub(crate) struct Fanout<T> {
    sender: broadcast::Sender<T>,
    subscribers: Arc<AtomicUsize>,
}

impl<T: Clone + Send + 'static> Fanout<T> {
    /// A fan-out whose subscribers each buffer up to `buffer` items (at least 1).
    pub(crate) fn new(buffer: usize) -> Self {
        let (sender, _) = broadcast::channel(buffer.max(1));
        Fanout {
            sender,
            subscribers: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// Whether anybody subscribes.
    #[inline]
    pub(crate) fn has_subscribers(&self) -> bool {
        self.subscribers.load(Ordering::Acquire) > 0
    }

    /// Sends the item `make` builds to every subscriber, if there is one; returns how many.
    #[inline]
    pub(crate) fn publish(&self, make: impl FnOnce() -> T) -> usize {
        if !self.has_subscribers() {
            return 0;
        }
        self.sender.send(make()).unwrap_or(0)
    }

    /// A new subscription, which sees what is published from now on.
    pub(crate) fn subscribe(&self, what: &'static str) -> Subscription<T> {
        let receiver = self.sender.subscribe();
        self.subscribers.fetch_add(1, Ordering::AcqRel);
        let dropped = Arc::new(AtomicU64::new(0));
        let counted = Arc::clone(&dropped);
        let inner = futures_util::stream::unfold(receiver, move |mut receiver| {
            let counted = Arc::clone(&counted);
            async move {
                loop {
                    match receiver.recv().await {
                        Ok(item) => return Some((item, receiver)),
                        Err(broadcast::error::RecvError::Lagged(lost)) => {
                            counted.fetch_add(lost, Ordering::Relaxed);
                            tracing::warn!(lost, "a subscriber to {what} fell behind");
                        }
                        Err(broadcast::error::RecvError::Closed) => return None,
                    }
                }
            }
        });
        Subscription {
            inner: Box::pin(inner),
            dropped,
            subscribers: Arc::clone(&self.subscribers),
        }
    }
}

/// A subscription: an async [`Stream`] of what is published after it was made.
///
/// A subscriber that reads more slowly than items come loses the oldest ones; the count is in
/// [`dropped`](Subscription::dropped). The stream ends when its source (the system, the topic)
/// is gone.
pub struct Subscription<T> {
    inner: Pin<Box<dyn Stream<Item = T> + Send>>,
    dropped: Arc<AtomicU64>,
    subscribers: Arc<AtomicUsize>,
}

impl<T> Subscription<T> {
    /// How many items this subscriber lost by falling behind.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }
}

impl<T> Stream for Subscription<T> {
    type Item = T;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        self.inner.as_mut().poll_next(cx)
    }
}

impl<T> Drop for Subscription<T> {
    fn drop(&mut self) {
        self.subscribers.fetch_sub(1, Ordering::AcqRel);
    }
}

impl<T> fmt::Debug for Subscription<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Subscription")
            .field("dropped", &self.dropped())
            .finish_non_exhaustive()
    }
}
