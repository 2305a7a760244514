//! This node's connection to one peer node: its gRPC client (one HTTP/2 connection, shared by
//! the link and the unary calls), and the outbound link over it, opened on first use and
//! reopened on a later use after a loss, with a jittered exponential backoff after failures.
//!
//! This module owns the outbound side of the handshake and the peer's state machine:
//!
//! ```text
//!   Idle ──first use──▶ Live(link: connecting, then up) ──link ends──▶ Idle (retry at once)
//!                          │                                            ▲
//!                          └──connect/handshake fails──▶ Backoff ───────┘ (next use after it)
//! ```
//!
//! What is queued while a link connects goes out once its handshake is done; what is queued
//! when it fails becomes dead letters (tells) or errors (asks), via the [link](super::link).
//! A use within a backoff fails at once with the failure's reason.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use arc_swap::ArcSwapOption;
use tokio::task::JoinHandle;
use tokio::time::Instant;
use tonic::Streaming;
use tracing::debug;

use super::error::{RemoteError, node_text};
use super::events::{Direction, LinkEvent};
use super::link::{PeerInfo, Session, peer_max_frame, read_ended};
use super::proto::v1::{Frame, Handshake, NodeAddress};
use super::queued::Queued;
use super::service::Client;
use super::shared::{PROTOCOL_VERSION, Shared};
use super::writer::{ClientFrames, Writer};

/// The peer's state.
enum State {
    /// No link, and nothing stops the next use from opening one.
    Idle,
    /// A link, connecting or up.
    Live(Arc<Session>),
    /// The last `failures` attempts failed; the next use before `retry_at` fails at once.
    Backoff {
        failures: u32,
        retry_at: Instant,
        reason: RemoteError,
    },
    /// The node is shutting down.
    Closed,
}

/// This node's connection to one peer.
pub(crate) struct Peer {
    shared: Arc<Shared>,
    /// The peer as dialed: system, host and port (`uid` 0).
    target: NodeAddress,
    /// The gRPC client to the peer.
    pub(crate) client: Client,
    state: Mutex<State>,
    /// The live link, for senders to find without the lock (kept equal to `State::Live`).
    live: ArcSwapOption<Session>,
    /// The task running the current link.
    task: Mutex<Option<JoinHandle<()>>>,
}

impl Peer {
    pub(crate) fn new(shared: Arc<Shared>, target: NodeAddress, client: Client) -> Self {
        Peer {
            shared,
            target,
            client,
            state: Mutex::new(State::Idle),
            live: ArcSwapOption::empty(),
            task: Mutex::new(None),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The peer as dialed (system, host, port).
    pub(crate) fn target(&self) -> &NodeAddress {
        &self.target
    }

    /// Whether this node is shutting down (no new link, no new send).
    pub(crate) fn is_closing(&self) -> bool {
        self.shared.is_closing()
    }

    /// Queues a tell on the link (see [`link`](Self::link)).
    pub(crate) fn tell(self: &Arc<Self>, envelope: Queued, uid: u64) -> Result<(), RemoteError> {
        // The common case, a live link, takes no lock and touches no shared counter.
        let live = self.live.load();
        if let Some(session) = &*live
            && !session.is_closed()
        {
            return session.tell(envelope, uid);
        }
        drop(live);
        self.link()?.tell(envelope, uid)
    }

    /// The link to send on: the live one, or a new one (connecting) if there is none and no
    /// backoff forbids it.
    pub(crate) fn link(self: &Arc<Self>) -> Result<Arc<Session>, RemoteError> {
        let mut state = self.state();
        let failures = match &*state {
            State::Live(session) => {
                if let Some(reason) = session.reason() {
                    // It has just ended; its task is about to say so.
                    return Err(reason);
                }
                return Ok(session.clone());
            }
            State::Closed => return Err(RemoteError::LocalShutdown),
            State::Backoff {
                failures,
                retry_at,
                reason,
            } => {
                if Instant::now() < *retry_at {
                    return Err(reason.clone());
                }
                *failures
            }
            State::Idle => 0,
        };
        let session = self.open(failures);
        *state = State::Live(session.clone());
        self.live.store(Some(session.clone()));
        Ok(session)
    }

    /// Starts a link: the session (which takes envelopes at once) and the task that connects,
    /// handshakes and then reads it.
    fn open(self: &Arc<Self>, failures: u32) -> Arc<Session> {
        let (session, outbox) = Session::new(self.shared.clone(), self.target.clone());
        let hello = Frame {
            handshake: Some(Handshake {
                protocol_version: PROTOCOL_VERSION,
                from: Some(self.shared.address.clone()),
                to: Some(self.target.clone()),
                max_frame_bytes: self.shared.config.max_frame_bytes,
            }),
            ..Frame::default()
        };
        let (ready_tx, ready_rx) = tokio::sync::oneshot::channel();
        let writer = Writer::new(session.clone(), outbox, hello, Some(ready_rx));
        let task = self.shared.runtime.spawn(self.clone().run(
            session.clone(),
            writer,
            ready_tx,
            failures,
        ));
        *self.task.lock().unwrap_or_else(|p| p.into_inner()) = Some(task);
        session
    }

    /// One link's life: connect and handshake, read until it ends, then record why.
    async fn run(
        self: Arc<Self>,
        session: Arc<Session>,
        writer: Writer,
        ready: tokio::sync::oneshot::Sender<()>,
        failures: u32,
    ) {
        let timeout = self.shared.config.connect_timeout;
        let opened = match tokio::time::timeout(timeout, self.handshake(writer)).await {
            Ok(opened) => opened,
            Err(_) => Err(self.unreachable(format!("no handshake within {timeout:?}"))),
        };
        let (mut frames, info) = match opened {
            Ok(opened) => opened,
            Err(reason) => {
                debug!(peer = %node_text(&self.target), %reason, "link failed to open");
                session.close(reason.clone());
                self.ended(&session, reason, failures.saturating_add(1));
                return;
            }
        };
        let peer = info.node.clone();
        session.set_peer(info);
        let _ = ready.send(());
        self.shared.link_event(LinkEvent::Up {
            peer: peer.clone(),
            direction: Direction::Outbound,
        });
        let reason = read_ended(&peer, &session.read(&mut frames).await);
        session.close(reason.clone());
        // The first reason stands: a link this node ended itself (shutdown) says so.
        let reason = session.reason().unwrap_or(reason);
        debug!(peer = %node_text(&peer), %reason, "link ended");
        session.end_stream(None);
        drop(frames);
        self.ended(&session, reason, 0);
    }

    /// Opens the `Link` call with `writer` as its request stream and reads the peer's
    /// handshake.
    async fn handshake(&self, writer: Writer) -> Result<(Streaming<Frame>, PeerInfo), RemoteError> {
        let mut client = self.client.clone();
        let response = client
            .link(ClientFrames(writer))
            .await
            .map_err(|status| self.refused(&status))?;
        let mut frames = response.into_inner();
        let first = frames
            .message()
            .await
            .map_err(|status| self.refused(&status))?
            .ok_or_else(|| self.unreachable("the peer ended the link before its handshake"))?;
        let Some(handshake) = first.handshake else {
            return Err(self.unreachable("the peer's first frame holds no handshake"));
        };
        if handshake.protocol_version == 0 || handshake.protocol_version > PROTOCOL_VERSION {
            return Err(RemoteError::IncompatibleVersion {
                theirs: handshake.protocol_version,
            });
        }
        let Some(from) = handshake.from else {
            return Err(self.unreachable("the peer's handshake does not say who it is"));
        };
        if from.system != self.target.system {
            return Err(RemoteError::WrongNode {
                message: format!(
                    "{} answered as system `{}`",
                    node_text(&self.target),
                    from.system
                ),
            });
        }
        Ok((
            frames,
            PeerInfo {
                node: from,
                max_frame: peer_max_frame(handshake.max_frame_bytes),
            },
        ))
    }

    fn unreachable(&self, reason: impl Into<String>) -> RemoteError {
        RemoteError::Unreachable {
            node: node_text(&self.target),
            reason: reason.into(),
        }
    }

    /// A failed call's error: the peer's typed refusal, or "unreachable" for a status without
    /// one (the connection failed).
    pub(crate) fn refused(&self, status: &tonic::Status) -> RemoteError {
        match RemoteError::from_status(status) {
            RemoteError::Status { code, message } => {
                // A connection failure's status says little ("transport error"); its sources
                // say what failed (refused, TLS, ...).
                let mut why = format!("{code:?}: {message}");
                let mut last = message;
                let mut source = std::error::Error::source(status);
                while let Some(error) = source {
                    let text = error.to_string();
                    if text != last {
                        why.push_str(": ");
                        why.push_str(&text);
                        last = text;
                    }
                    source = error.source();
                }
                self.unreachable(why)
            }
            typed => typed,
        }
    }

    /// The link `session` ended: the peer goes idle (or into backoff after `failures` failed
    /// attempts), unless a newer link has replaced it.
    fn ended(&self, session: &Arc<Session>, reason: RemoteError, failures: u32) {
        {
            let mut state = self.state();
            if matches!(&*state, State::Live(live) if Arc::ptr_eq(live, session)) {
                self.live.store(None);
                *state = if failures == 0 {
                    State::Idle
                } else {
                    State::Backoff {
                        failures,
                        retry_at: Instant::now() + self.backoff(failures),
                        reason: reason.clone(),
                    }
                };
            }
        }
        self.shared.link_event(LinkEvent::Down {
            peer: session.peer_node().clone(),
            direction: Direction::Outbound,
            reason,
        });
    }

    /// The wait after `failures` failed attempts: the minimum doubled per failure after the
    /// first, capped at the maximum, then drawn between half and all of it.
    fn backoff(&self, failures: u32) -> Duration {
        let config = &self.shared.config;
        let doubled = config
            .backoff_min
            .saturating_mul(1u32 << failures.saturating_sub(1).min(20));
        let full = doubled.min(config.backoff_max);
        let half = full / 2;
        let spread = u64::try_from((full - half).as_nanos()).unwrap_or(u64::MAX);
        half + Duration::from_nanos(fastrand::u64(0..=spread))
    }

    /// Shutdown, first step: no new link; the live one ends after what is queued, and its
    /// pending asks fail now.
    pub(crate) fn close(&self) {
        let old = std::mem::replace(&mut *self.state(), State::Closed);
        self.live.store(None);
        if let State::Live(session) = old {
            session.close(RemoteError::LocalShutdown);
            session.end_stream(None);
        }
    }

    /// Shutdown, second step: waits up to `grace` for the link's task to see the peer end
    /// the stream too, then stops it.
    pub(crate) async fn finish(&self, grace: Duration) {
        let task = self.task.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(mut task) = task
            && tokio::time::timeout(grace, &mut task).await.is_err()
        {
            task.abort();
        }
    }
}
