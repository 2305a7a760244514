//! The `Remoting` service a node serves: the inbound side of the `Link` handshake, the links
//! peers opened ([`Accepted`]), and the lookup, spawn, stop and watch calls, answered by the
//! node's [`Inbound`](super::Inbound).
//!
//! This module owns the server's refusals (a handshake from a version this node does not
//! speak, for another node, or malformed; a call while shutting down), the registry of the
//! accepted links until they end (or the node ends them all on shutdown), and turns the
//! `Inbound`'s answers into messages and statuses. The auth token is checked before any of
//! this runs, by the [gate](super::service::ServerGate).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use futures_util::StreamExt;
use futures_util::stream::{self, BoxStream};
use tokio::task::AbortHandle;
use tonic::{Code, Request, Response, Status, Streaming};
use tracing::debug;

use super::error::{RemoteError, detail, detail_status, node_text};
use super::events::{Direction, LinkEvent};
use super::inbound::WatchStart;
use super::link::{PeerInfo, Session, peer_max_frame, read_ended};
use super::proto::v1::remoting_server::Remoting;
use super::proto::v1::{
    ActorAddress, ErrorCause, ErrorDetail, Frame, Handshake, LookupRequest, LookupResponse,
    NodeAddress, SpawnRequest, SpawnResponse, StopCause, StopRequest, StopResponse, Terminated,
    WatchEvent, WatchRequest, error_detail, watch_event,
};
use super::shared::{PROTOCOL_VERSION, Shared};
use super::writer::Writer;

/// The node's implementation of the generated service.
pub(crate) struct Server {
    pub(crate) shared: Arc<Shared>,
    pub(crate) accepted: Arc<Accepted>,
}

/// The links peers opened to this node, by a local id.
#[derive(Default)]
pub(crate) struct Accepted {
    links: Mutex<HashMap<u64, AcceptedLink>>,
    next: AtomicU64,
}

struct AcceptedLink {
    session: Arc<Session>,
    reader: Option<AbortHandle>,
}

impl Accepted {
    /// Registers a link a peer opened; its id for [`reader`](Self::reader) and
    /// [`ended`](Self::ended).
    fn add(&self, session: Arc<Session>) -> u64 {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        self.lock().insert(
            id,
            AcceptedLink {
                session,
                reader: None,
            },
        );
        id
    }

    fn reader(&self, id: u64, reader: AbortHandle) {
        if let Some(link) = self.lock().get_mut(&id) {
            link.reader = Some(reader);
        }
    }

    fn ended(&self, id: u64) {
        self.lock().remove(&id);
    }

    /// Shutdown, first step: every accepted link ends after what is queued on it, and its
    /// pending asks fail now.
    pub(crate) fn close(&self) {
        let sessions: Vec<Arc<Session>> = self
            .lock()
            .values()
            .map(|link| link.session.clone())
            .collect();
        for session in sessions {
            session.close(RemoteError::LocalShutdown);
            session.end_stream(None);
        }
    }

    /// Shutdown, last step: stops the readers of the links still registered.
    pub(crate) fn abort_readers(&self) {
        let readers: Vec<AbortHandle> = self
            .lock()
            .drain()
            .filter_map(|(_, link)| link.reader)
            .collect();
        for reader in readers {
            reader.abort();
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<u64, AcceptedLink>> {
        self.links.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn malformed(message: impl Into<String>) -> Status {
    detail_status(&detail(ErrorCause::MalformedPayload, message))
}

fn shutting_down() -> Status {
    detail_status(&detail(
        ErrorCause::ShuttingDown,
        "the node is shutting down",
    ))
}

impl Server {
    /// The address with this node filled in where it is unset.
    fn here(&self, mut address: ActorAddress) -> ActorAddress {
        if address.node.is_none() {
            address.node = Some(self.shared.address.clone());
        }
        address
    }

    /// Checks the caller's handshake: who it is, the version both speak, its frame limit.
    fn check(&self, first: Frame) -> Result<(NodeAddress, u32, usize), Status> {
        let me = &self.shared.address;
        let Some(handshake) = first.handshake else {
            return Err(malformed("the first frame of a link must hold a handshake"));
        };
        if !first.envelopes.is_empty() || !first.replies.is_empty() || !first.controls.is_empty() {
            return Err(malformed(
                "the first frame of a link must hold only the handshake",
            ));
        }
        if handshake.protocol_version == 0 {
            return Err(detail_status(&ErrorDetail {
                cause: ErrorCause::IncompatibleVersion.into(),
                message: format!(
                    "protocol version 0 is not one this node speaks (1 to {PROTOCOL_VERSION})"
                ),
                detail: Some(error_detail::Detail::ProtocolVersion(PROTOCOL_VERSION)),
            }));
        }
        let Some(from) = handshake.from.filter(|from| !from.system.is_empty()) else {
            return Err(malformed("the handshake does not say who is calling"));
        };
        if let Some(to) = &handshake.to
            && (to.system != me.system || (to.uid != 0 && to.uid != me.uid))
        {
            return Err(detail_status(&detail(
                ErrorCause::WrongNode,
                format!(
                    "this is {} (incarnation {}), not {} (incarnation {})",
                    node_text(me),
                    me.uid,
                    node_text(to),
                    to.uid
                ),
            )));
        }
        let version = handshake.protocol_version.min(PROTOCOL_VERSION);
        Ok((from, version, peer_max_frame(handshake.max_frame_bytes)))
    }
}

/// The status a link's server side ends with when reading the caller's frames failed.
fn read_failure(status: &Status, limit: u32) -> Status {
    match status.code() {
        // tonic reports a frame that does not decode as `INTERNAL`, one over the decoding
        // limit as `OUT_OF_RANGE`.
        Code::Internal => malformed(format!("a frame did not decode: {}", status.message())),
        Code::OutOfRange | Code::ResourceExhausted => detail_status(&ErrorDetail {
            cause: ErrorCause::FrameTooLarge.into(),
            message: status.message().to_owned(),
            detail: Some(error_detail::Detail::FrameLimit(limit)),
        }),
        _ => status.clone(),
    }
}

#[tonic::async_trait]
impl Remoting for Server {
    type LinkStream = Writer;
    type WatchStream = BoxStream<'static, Result<WatchEvent, Status>>;

    async fn link(
        &self,
        request: Request<Streaming<Frame>>,
    ) -> Result<Response<Self::LinkStream>, Status> {
        if self.shared.is_closing() {
            return Err(shutting_down());
        }
        let mut frames = request.into_inner();
        let timeout = self.shared.config.connect_timeout;
        let first = match tokio::time::timeout(timeout, frames.message()).await {
            Err(_) => {
                return Err(Status::deadline_exceeded(format!(
                    "no handshake within {timeout:?}"
                )));
            }
            Ok(Err(status)) => {
                return Err(read_failure(&status, self.shared.config.max_frame_bytes));
            }
            Ok(Ok(None)) => return Err(malformed("the link ended before its handshake")),
            Ok(Ok(Some(first))) => first,
        };
        let (peer, version, max_frame) = self.check(first)?;

        let (session, outbox) = Session::new(self.shared.clone(), peer.clone());
        session.set_peer(PeerInfo {
            node: peer.clone(),
            max_frame,
        });
        let hello = Frame {
            handshake: Some(Handshake {
                protocol_version: version,
                from: Some(self.shared.address.clone()),
                to: None,
                max_frame_bytes: self.shared.config.max_frame_bytes,
            }),
            ..Frame::default()
        };
        let writer = Writer::new(session.clone(), outbox, hello, None);
        let id = self.accepted.add(session.clone());
        if self.shared.is_closing() {
            // Shutdown began after the check above and may have missed this link.
            self.accepted.ended(id);
            return Err(shutting_down());
        }
        self.shared.link_event(LinkEvent::Up {
            peer: peer.clone(),
            direction: Direction::Inbound,
        });
        let shared = self.shared.clone();
        let accepted = self.accepted.clone();
        let limit = self.shared.config.max_frame_bytes;
        let reader = tokio::spawn(async move {
            let read = session.read(&mut frames).await;
            let reason = read_ended(&peer, &read);
            // The caller ended its half on purpose (`Ok`): finish ours the same way.
            let end = read.err().map(|status| read_failure(&status, limit));
            session.close(reason.clone());
            // The first reason stands: a link this node ended itself (shutdown) says so.
            let reason = session.reason().unwrap_or(reason);
            debug!(peer = %node_text(&peer), %reason, "inbound link ended");
            session.end_stream(end);
            accepted.ended(id);
            shared.link_event(LinkEvent::Down {
                peer,
                direction: Direction::Inbound,
                reason,
            });
        });
        self.accepted.reader(id, reader.abort_handle());
        Ok(Response::new(writer))
    }

    async fn lookup(
        &self,
        request: Request<LookupRequest>,
    ) -> Result<Response<LookupResponse>, Status> {
        if self.shared.is_closing() {
            return Err(shutting_down());
        }
        let Some(address) = request.into_inner().address else {
            return Err(malformed("a lookup needs an address"));
        };
        let found = self
            .shared
            .inbound
            .lookup(address)
            .await
            .map_err(|error| detail_status(&error))?;
        Ok(Response::new(match found {
            Some(found) => LookupResponse {
                found: true,
                address: Some(self.here(found.address)),
                kind: found.kind,
            },
            None => LookupResponse::default(),
        }))
    }

    async fn spawn(
        &self,
        request: Request<SpawnRequest>,
    ) -> Result<Response<SpawnResponse>, Status> {
        if self.shared.is_closing() {
            return Err(shutting_down());
        }
        let address = self
            .shared
            .inbound
            .spawn(request.into_inner())
            .await
            .map_err(|error| detail_status(&error))?;
        Ok(Response::new(SpawnResponse {
            address: Some(self.here(address)),
        }))
    }

    async fn stop(&self, request: Request<StopRequest>) -> Result<Response<StopResponse>, Status> {
        let StopRequest { address, kill } = request.into_inner();
        let Some(address) = address else {
            return Err(malformed("a stop needs an address"));
        };
        let stopped = self
            .shared
            .inbound
            .stop(address, kill)
            .await
            .map_err(|error| detail_status(&error))?;
        Ok(Response::new(StopResponse { stopped }))
    }

    async fn watch(
        &self,
        request: Request<WatchRequest>,
    ) -> Result<Response<Self::WatchStream>, Status> {
        if self.shared.is_closing() {
            return Err(shutting_down());
        }
        let Some(address) = request.into_inner().address else {
            return Err(malformed("a watch needs an address"));
        };
        // An actor of another incarnation of this node (a watcher watching again after a
        // restart) is not here, whatever lives at its path now.
        let another = address.node.as_ref().is_some_and(|node| {
            let me = &self.shared.address;
            node.system != me.system || (node.uid != 0 && node.uid != me.uid)
        });
        let start = if another {
            WatchStart::NotFound
        } else {
            self.shared
                .inbound
                .watch(address.clone())
                .await
                .map_err(|error| detail_status(&error))?
        };
        let stream: Self::WatchStream = match start {
            WatchStart::NotFound => stream::iter([Ok(WatchEvent {
                event: Some(watch_event::Event::Terminated(Terminated {
                    address: Some(self.here(address)),
                    cause: StopCause::NotFound.into(),
                    message: String::new(),
                })),
            })])
            .boxed(),
            WatchStart::Watching {
                address,
                terminated,
            } => {
                let watching = WatchEvent {
                    event: Some(watch_event::Event::Watching(self.here(address))),
                };
                let mut shutdown = self.shared.shutdown.subscribe();
                let end = async move {
                    tokio::select! {
                        terminated = terminated => match terminated {
                            Ok(terminated) => Ok(WatchEvent {
                                event: Some(watch_event::Event::Terminated(terminated)),
                            }),
                            Err(_) => Err(Status::unavailable(
                                "the watch ended without the actor's termination",
                            )),
                        },
                        _ = shutdown.wait_for(|closing| *closing) => Err(shutting_down()),
                    }
                };
                stream::iter([Ok(watching)])
                    .chain(stream::once(end))
                    .boxed()
            }
        };
        Ok(Response::new(stream))
    }
}
