//! The streamed answers one link sends to its peer's streaming asks ([`Served`]): for each, the
//! credit the asker granted, and the task that pulls the answer's items while that credit
//! lasts and sends them as item replies, then the end.
//!
//! This module owns the serving side of flow control, cancel and deadline: an item goes only
//! against a credit (the envelope's `stream_window`, then what `StreamControl.credit` adds),
//! and while there is none the task does not pull, so the producer's own bounded buffer fills
//! and its sends wait; a cancel, the link's end and the deadline drop the answer's stream, which
//! stops the producer. Unary answers never come here. It sends through the
//! [`ReplyLink`](super::inbound::ReplyLink) contract and knows nothing of frames.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use futures_util::StreamExt;
use prost::bytes::Bytes;
use tokio::sync::Notify;
use tokio::task::AbortHandle;
use tracing::trace;

use super::error::ask_detail;
use super::inbound::{ReplyLink, StreamAnswer};
use super::proto::v1::{ErrorCause, ErrorDetail, Reply, StreamControl, error_detail, reply};
use crate::wire::StreamPiece;

/// The streamed answers a link is sending, by the correlation id of their asks.
#[derive(Debug, Default)]
pub(crate) struct Served {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    /// Set once the link has ended: nothing starts after that.
    closed: bool,
    streams: HashMap<u64, Arc<Serving>>,
}

/// One streamed answer being sent.
#[derive(Debug)]
struct Serving {
    /// The items that may still go before the asker grants more.
    credit: AtomicU32,
    /// Wakes the task when credit comes.
    more: Notify,
    task: Mutex<Task>,
}

#[derive(Debug, Default)]
struct Task {
    /// Set once the answer was cancelled (by the asker, a newer ask under its id, or the link's
    /// end): a task started after that is stopped at once.
    gone: bool,
    running: Option<AbortHandle>,
}

impl Serving {
    fn task(&self) -> MutexGuard<'_, Task> {
        self.task.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Stops the task, which drops the answer's stream; nothing more is sent for it.
    fn cancel(&self) {
        let mut task = self.task();
        task.gone = true;
        if let Some(running) = task.running.take() {
            running.abort();
        }
    }

    /// Keeps the handle of the task that sends the answer, or stops it if the answer was
    /// cancelled meanwhile.
    fn started(&self, running: AbortHandle) {
        let mut task = self.task();
        if task.gone {
            running.abort();
        } else {
            task.running = Some(running);
        }
    }
}

impl Served {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        // No user code runs under it, but a poisoned lock must not take the link down either.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Starts sending `answer` over `link`, on a task of `runtime`. After the link has ended,
    /// the answer is dropped (its producer hears that nobody reads).
    pub(crate) fn start(
        self: &Arc<Self>,
        link: Arc<dyn ReplyLink>,
        runtime: &tokio::runtime::Handle,
        answer: StreamAnswer,
    ) {
        let id = answer.correlation_id;
        let serving = Arc::new(Serving {
            credit: AtomicU32::new(answer.window),
            more: Notify::new(),
            task: Mutex::default(),
        });
        {
            let mut inner = self.lock();
            if inner.closed {
                return;
            }
            // A peer that reuses the id of a stream still running loses the older one.
            if let Some(older) = inner.streams.insert(id, serving.clone()) {
                older.cancel();
            }
        }
        let task = runtime.spawn(send(link, self.clone(), serving.clone(), answer));
        serving.started(task.abort_handle());
    }

    /// The asker's word on one of its streams: more credit, or cancel. A control for a stream
    /// that is not running (it ended; the id is unknown) is ignored.
    pub(crate) fn control(&self, control: StreamControl) {
        let id = control.correlation_id;
        if control.cancel {
            let cancelled = self.lock().streams.remove(&id);
            match cancelled {
                Some(serving) => serving.cancel(),
                None => trace!(id, "a cancel for a stream that is not running"),
            }
            return;
        }
        let inner = self.lock();
        let Some(serving) = inner.streams.get(&id) else {
            trace!(id, "credit for a stream that is not running");
            return;
        };
        let _ = serving
            .credit
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |credit| {
                Some(credit.saturating_add(control.credit))
            });
        serving.more.notify_one();
    }

    /// The link has ended: every answer being sent is dropped, and none starts any more.
    pub(crate) fn close(&self) {
        let streams = {
            let mut inner = self.lock();
            inner.closed = true;
            std::mem::take(&mut inner.streams)
        };
        for serving in streams.into_values() {
            serving.cancel();
        }
    }

    /// The answer `id` has ended on its own (its last reply is about to go).
    fn finished(&self, id: u64, serving: &Arc<Serving>) {
        let mut inner = self.lock();
        if inner
            .streams
            .get(&id)
            .is_some_and(|current| Arc::ptr_eq(current, serving))
        {
            inner.streams.remove(&id);
        }
    }
}

/// Sends `answer`'s items as its credit allows, then its end; at the deadline, drops the rest
/// and ends with `ERROR_CAUSE_TIMEOUT`. Stopped from outside (cancel, link end) by abort.
async fn send(
    link: Arc<dyn ReplyLink>,
    served: Arc<Served>,
    serving: Arc<Serving>,
    answer: StreamAnswer,
) {
    let StreamAnswer {
        correlation_id: id,
        deadline,
        mut pieces,
        ..
    } = answer;
    let pulled = async {
        loop {
            // No credit, no pull: the producer's buffer fills and its sends wait. (`notified`
            // keeps a wake-up given before it is awaited: none is lost.)
            while serving.credit.load(Ordering::Acquire) == 0 {
                serving.more.notified().await;
            }
            match pieces.next().await {
                Some(StreamPiece::Item(item)) => {
                    // Only this task takes credit; a control only adds, so it is still there.
                    serving.credit.fetch_sub(1, Ordering::AcqRel);
                    link.enqueue_reply(Reply {
                        correlation_id: id,
                        outcome: Some(reply::Outcome::Payload(Bytes::from(item))),
                        more: true,
                    });
                }
                Some(StreamPiece::End(end)) => return reply::Outcome::Payload(Bytes::from(end)),
                Some(StreamPiece::Failed(error)) => {
                    return reply::Outcome::Error(ask_detail(error));
                }
                // Only after its end, which was sent: read as a clean end all the same.
                None => return reply::Outcome::Payload(Bytes::new()),
            }
        }
    };
    let outcome = match deadline {
        None => pulled.await,
        Some((deadline, timeout_ms)) => match tokio::time::timeout_at(deadline, pulled).await {
            Ok(outcome) => outcome,
            Err(_) => reply::Outcome::Error(ErrorDetail {
                cause: ErrorCause::Timeout.into(),
                message: format!("the stream's {timeout_ms} ms passed before it ended"),
                detail: Some(error_detail::Detail::TimeoutMs(timeout_ms)),
            }),
        },
    };
    // The producer hears that nobody reads before the asker hears the end.
    drop(pieces);
    served.finished(id, &serving);
    link.enqueue_reply(Reply {
        correlation_id: id,
        outcome: Some(outcome),
        more: false,
    });
}
