//! The unary calls a node makes to a peer (lookup, spawn, stop) and the watch stream
//! ([`RemoteWatch`]).
//!
//! This module owns the client side of those calls: each goes over the peer's one HTTP/2
//! connection (beside its link), with the configured call timeout, and comes back as a typed
//! [`RemoteError`] on failure. It does not touch links.

use std::fmt;
use std::future::Future;

use prost::bytes::Bytes;
use tonic::Streaming;

use super::error::{RemoteError, node_text};
use super::inbound::Found;
use super::node::{Node, no_node};
use super::peer::Peer;
use super::proto::v1::{
    ActorAddress, LookupRequest, NodeAddress, SpawnRequest, StopCause, StopRequest, Terminated,
    WatchEvent, WatchRequest, watch_event,
};

impl Node {
    /// Runs one unary call to `peer`, bounded by the call timeout.
    async fn call<T, F>(&self, peer: &Peer, call: F) -> Result<T, RemoteError>
    where
        F: Future<Output = Result<tonic::Response<T>, tonic::Status>>,
    {
        let timeout = self.shared().config.call_timeout;
        match tokio::time::timeout(timeout, call).await {
            Ok(Ok(response)) => Ok(response.into_inner()),
            Ok(Err(status)) => Err(peer.refused(&status)),
            Err(_) => Err(RemoteError::Timeout { timeout }),
        }
    }

    fn request<T>(&self, message: T) -> tonic::Request<T> {
        let mut request = tonic::Request::new(message);
        request.set_timeout(self.shared().config.call_timeout);
        request
    }

    /// Whether a live, remotely reachable actor is at `address` on its node (`id` 0:
    /// whichever actor lives at its path), with its full address and kind.
    pub async fn lookup(&self, address: ActorAddress) -> Result<Option<Found>, RemoteError> {
        let node = address.node.clone().ok_or_else(|| no_node(&address))?;
        let peer = self.peer(&node)?;
        let request = self.request(LookupRequest {
            address: Some(address),
        });
        let response = self
            .call(&peer, peer.client.clone().lookup(request))
            .await?;
        Ok(match (response.found, response.address) {
            (true, Some(address)) => Some(Found {
                address,
                kind: response.kind,
            }),
            _ => None,
        })
    }

    /// Starts an actor of the kind registered as `kind` on `node`, with the encoded
    /// constructor arguments `args`, named `name` under `/user/` (`None`: anonymous); its full
    /// address.
    pub async fn spawn(
        &self,
        node: &NodeAddress,
        kind: impl Into<String>,
        args: Bytes,
        name: Option<String>,
    ) -> Result<ActorAddress, RemoteError> {
        let peer = self.peer(node)?;
        let request = self.request(SpawnRequest {
            kind: kind.into(),
            args,
            name: name.unwrap_or_default(),
        });
        let response = self.call(&peer, peer.client.clone().spawn(request)).await?;
        response.address.ok_or_else(|| RemoteError::Unspecified {
            cause: 0,
            message: "the spawn answer has no address".into(),
        })
    }

    /// Stops the actor at `address` (at once when `kill`, else after what is queued) and
    /// resolves once it has stopped: `true` when there was a live actor to stop.
    pub async fn stop(&self, address: ActorAddress, kill: bool) -> Result<bool, RemoteError> {
        let node = address.node.clone().ok_or_else(|| no_node(&address))?;
        let peer = self.peer(&node)?;
        let request = self.request(StopRequest {
            address: Some(address),
            kill,
        });
        Ok(self
            .call(&peer, peer.client.clone().stop(request))
            .await?
            .stopped)
    }

    /// Watches the actor at `address`: resolves once the watch is in place (or the actor is
    /// known not to be there); [`RemoteWatch::terminated`] then waits for its end. Dropping
    /// the watch cancels it.
    pub async fn watch(&self, address: ActorAddress) -> Result<RemoteWatch, RemoteError> {
        let node = address.node.clone().ok_or_else(|| no_node(&address))?;
        let peer = self.peer(&node)?;
        let request = tonic::Request::new(WatchRequest {
            address: Some(address.clone()),
        });
        let mut events = self.call(&peer, peer.client.clone().watch(request)).await?;
        let first = tokio::time::timeout(self.shared().config.call_timeout, events.message())
            .await
            .map_err(|_| RemoteError::Timeout {
                timeout: self.shared().config.call_timeout,
            })?
            .map_err(|status| peer.refused(&status))?;
        let unreachable = |why: &str| Terminated {
            address: Some(address.clone()),
            cause: StopCause::NodeUnreachable.into(),
            message: format!("{}: {why}", node_text(&node)),
        };
        Ok(match first.and_then(|event| event.event) {
            Some(watch_event::Event::Watching(watched)) => RemoteWatch {
                address: watched,
                state: WatchState::Waiting(events, node),
            },
            Some(watch_event::Event::Terminated(terminated)) => RemoteWatch {
                address: terminated.address.clone().unwrap_or(address),
                state: WatchState::Ended(terminated),
            },
            None => RemoteWatch {
                state: WatchState::Ended(unreachable("the watch stream ended at once")),
                address,
            },
        })
    }
}

/// A watch on an actor of another node.
pub struct RemoteWatch {
    address: ActorAddress,
    state: WatchState,
}

enum WatchState {
    Waiting(Streaming<WatchEvent>, NodeAddress),
    Ended(Terminated),
}

impl fmt::Debug for RemoteWatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RemoteWatch")
            .field("address", &self.address)
            .field("ended", &matches!(self.state, WatchState::Ended(_)))
            .finish()
    }
}

impl RemoteWatch {
    /// The watched actor's full address (with its `id` when it was found).
    pub fn address(&self) -> &ActorAddress {
        &self.address
    }

    /// Waits for the actor's end. When the watch stream is lost before the actor's
    /// `Terminated` arrives (the node went away, the connection dropped), the watcher's side
    /// reports `STOP_CAUSE_NODE_UNREACHABLE`, as the protocol says: the actor's fate is
    /// unknown.
    pub async fn terminated(self) -> Terminated {
        match self.end().await {
            WatchEnd::Ended(terminated) | WatchEnd::Lost(terminated) => terminated,
        }
    }

    /// Waits for the watch to end, and says whether the peer ended it or it was lost.
    pub(crate) async fn end(self) -> WatchEnd {
        let (mut events, node) = match self.state {
            WatchState::Ended(terminated) => return WatchEnd::Ended(terminated),
            WatchState::Waiting(events, node) => (events, node),
        };
        let unreachable = |why: String| Terminated {
            address: Some(self.address.clone()),
            cause: StopCause::NodeUnreachable.into(),
            message: format!("{}: {why}", node_text(&node)),
        };
        loop {
            match events.message().await {
                Ok(Some(WatchEvent {
                    event: Some(watch_event::Event::Terminated(terminated)),
                })) => return WatchEnd::Ended(terminated),
                // Nothing else belongs after `watching`; skip it.
                Ok(Some(_)) => continue,
                Ok(None) => {
                    return WatchEnd::Lost(unreachable(
                        "the watch stream ended without a termination".to_owned(),
                    ));
                }
                Err(status) => {
                    let why = format!("{:?}: {}", status.code(), status.message());
                    // A typed status is the peer's own word (it is shutting down); a bare one,
                    // a connection that failed.
                    return match RemoteError::from_status(&status) {
                        RemoteError::Status { .. } => WatchEnd::Lost(unreachable(why)),
                        _ => WatchEnd::Ended(unreachable(why)),
                    };
                }
            }
        }
    }
}

/// How a [`RemoteWatch`] ended.
pub(crate) enum WatchEnd {
    /// The peer said so: the actor's `Terminated`, or (as `STOP_CAUSE_NODE_UNREACHABLE`) its
    /// node going away on purpose.
    Ended(Terminated),
    /// The watch stream was lost (`STOP_CAUSE_NODE_UNREACHABLE`, with why): the actor's fate
    /// is unknown, and watching again may find it alive.
    Lost(Terminated),
}
