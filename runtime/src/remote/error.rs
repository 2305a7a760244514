//! The transport's errors: why a remote call failed ([`RemoteError`]), why a configuration was
//! refused ([`NodeConfigError`]) and why a node did not start ([`StartError`]); and the mapping
//! between the protocol's [`ErrorDetail`] / gRPC statuses and [`RemoteError`].
//!
//! This module owns the meaning of every `ErrorCause` on this side of the wire: the gRPC code
//! each cause travels with ([`cause_code`]), the typed variant each cause becomes
//! ([`RemoteError::from_detail`]), and the reverse ([`RemoteError::to_detail`]). It touches no
//! connection state.

use std::time::Duration;

use prost::Message;
use prost::bytes::Bytes;
use tonic::{Code, Status};

use super::proto::v1::{ErrorCause, ErrorDetail, NodeAddress, error_detail};
use crate::error::AskError;

/// Why a remote call (a tell, an ask, a lookup, a spawn, a stop or a watch) failed.
///
/// The first group of variants is produced by this node's transport (the peer could not be
/// reached, the link was lost, the asker's own timeout); the rest are the protocol's
/// [`ErrorCause`]s, one variant each, as a peer reported them. A cause this node does not know
/// (from a newer peer) is [`RemoteError::Unspecified`] with its raw value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RemoteError {
    /// The target address names no node (its `node` is unset), so there is nowhere to send it.
    #[error("the address `{path}` names no node")]
    NoNode {
        /// The actor path of the address.
        path: String,
    },
    /// The peer could not be reached: the connection or its handshake failed, or an earlier
    /// failure is still within its reconnect backoff. Retry later; the node reconnects on the
    /// next use after the backoff.
    #[error("node {node} is unreachable: {reason}")]
    Unreachable {
        /// The peer, as `system@host:port`.
        node: String,
        /// What failed.
        reason: String,
    },
    /// The link to the peer was lost (the connection dropped, or the peer ended the stream
    /// with an error) while the call was queued or waiting for its reply. The call may or may
    /// not have been handled (delivery is at most once).
    #[error("the connection to node {node} was lost: {reason}")]
    ConnectionLost {
        /// The peer, as `system@host:port`.
        node: String,
        /// How it was lost.
        reason: String,
    },
    /// The peer ended the link on purpose (it is shutting down) while the call was queued or
    /// waiting for its reply.
    #[error("node {node} left")]
    NodeLeft {
        /// The peer, as `system@host:port`.
        node: String,
    },
    /// This node is shutting down and sends nothing more.
    #[error("this node is shutting down")]
    LocalShutdown,
    /// No reply within the ask's timeout (the asker's own, or, rarely, the receiver's copy of
    /// it: `ERROR_CAUSE_TIMEOUT`).
    #[error("no reply within {timeout:?}")]
    Timeout {
        /// The ask's timeout.
        timeout: Duration,
    },
    /// One envelope (or reply) is larger than the receiving node accepts in a frame; it was
    /// not sent. `ERROR_CAUSE_FRAME_TOO_LARGE` when a peer reports it.
    #[error("a message of {size} bytes does not fit in a frame of at most {limit} bytes")]
    FrameTooLarge {
        /// The message's encoded size, in bytes (0 when a peer reported it without).
        size: usize,
        /// The largest frame the receiver accepts, in bytes.
        limit: usize,
    },
    /// The peer refused the call's credentials (`ERROR_CAUSE_UNAUTHENTICATED`): the nodes'
    /// auth tokens differ.
    #[error("the peer refused the credentials: {message}")]
    Unauthenticated {
        /// The peer's explanation.
        message: String,
    },
    /// The target's node is not the node that answered: another system name, or another
    /// incarnation (`uid`) of that host and port (`ERROR_CAUSE_WRONG_NODE`). The address is
    /// stale; look the actor up again.
    #[error("wrong node: {message}")]
    WrongNode {
        /// What did not match.
        message: String,
    },
    /// The peers speak no common protocol version (`ERROR_CAUSE_INCOMPATIBLE_VERSION`).
    #[error("no common protocol version (the peer speaks up to {theirs})")]
    IncompatibleVersion {
        /// The highest version the refusing node speaks.
        theirs: u32,
    },
    /// No actor lives at the target (or another incarnation does): `ERROR_CAUSE_UNKNOWN_ACTOR`.
    /// A caller holding a handle reads it as "stopped".
    #[error("no such actor: {message}")]
    UnknownActor {
        /// The peer's explanation.
        message: String,
    },
    /// The target has no handler with this method identity (`ERROR_CAUSE_UNKNOWN_METHOD`).
    #[error("unknown method: {message}")]
    UnknownMethod {
        /// The peer's explanation.
        message: String,
    },
    /// The peer has no kind of this name registered for spawning (`ERROR_CAUSE_UNKNOWN_KIND`).
    #[error("unknown kind: {message}")]
    UnknownKind {
        /// The peer's explanation.
        message: String,
    },
    /// The payload did not decode as the method's message, or a frame did not decode at all
    /// (`ERROR_CAUSE_MALFORMED_PAYLOAD`).
    #[error("malformed payload: {message}")]
    MalformedPayload {
        /// The peer's explanation.
        message: String,
    },
    /// The actor stopped before it handled the message (`ERROR_CAUSE_STOPPED`).
    #[error("the actor is stopped: {message}")]
    Stopped {
        /// The peer's explanation.
        message: String,
    },
    /// The actor's bounded mailbox is full (`ERROR_CAUSE_MAILBOX_FULL`).
    #[error("the actor's mailbox is full: {message}")]
    MailboxFull {
        /// The peer's explanation.
        message: String,
    },
    /// The handler panicked or failed (`ERROR_CAUSE_HANDLER_FAILED`); the actor went to its
    /// supervisor.
    #[error("the handler failed: {message}")]
    HandlerFailed {
        /// The panic message.
        message: String,
    },
    /// The handler returned `Err(e)` (`ERROR_CAUSE_HANDLER_ERROR`).
    #[error("the handler returned an error: {message}")]
    HandlerError {
        /// The error's text, when it was not encodable.
        message: String,
        /// The error value, encoded as the method's error message, when it was encodable.
        error: Option<Bytes>,
    },
    /// The handler dropped its reply slot without answering (`ERROR_CAUSE_NO_REPLY`).
    #[error("the request was dropped without a reply")]
    NoReply,
    /// The actor's current state does not handle the message
    /// (`ERROR_CAUSE_UNHANDLED_IN_STATE`).
    #[error("not handled in state {state}")]
    UnhandledInState {
        /// The state, rendered with `Debug`.
        state: String,
    },
    /// The current state does not handle the message and the stash is full
    /// (`ERROR_CAUSE_STASH_FULL`).
    #[error("not handled in this state, and the stash is full ({capacity} messages)")]
    StashFull {
        /// The stash's capacity, in messages.
        capacity: u64,
    },
    /// `spawn`: a live actor already has the name (`ERROR_CAUSE_NAME_TAKEN`).
    #[error("the name is taken: {message}")]
    NameTaken {
        /// The peer's explanation.
        message: String,
    },
    /// `spawn`: the name is not a valid actor name (`ERROR_CAUSE_INVALID_NAME`).
    #[error("invalid actor name: {message}")]
    InvalidName {
        /// Why.
        message: String,
    },
    /// The peer is shutting down and accepts nothing new (`ERROR_CAUSE_SHUTTING_DOWN`).
    #[error("the peer is shutting down: {message}")]
    ShuttingDown {
        /// The peer's explanation.
        message: String,
    },
    /// The peer reported `ERROR_CAUSE_UNSPECIFIED`, a cause this node does not know (`cause`
    /// keeps its raw value), or a reply with no outcome.
    #[error("remote error (cause {cause}): {message}")]
    Unspecified {
        /// The raw cause value.
        cause: i32,
        /// The peer's explanation.
        message: String,
    },
    /// An actor address that is not `rakt://<system>@<host>:<port>/user/<name>...`.
    #[error("`{address}` is not a remote actor address: {reason}")]
    InvalidAddress {
        /// The address as given.
        address: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The actor found at the address is of another kind than the handle asked for.
    #[error("the actor is a `{found}`, not a `{expected}`")]
    WrongKind {
        /// The wire name of the kind the handle is for (`RemoteActor::SERVICE`).
        expected: &'static str,
        /// The wire name of the kind found.
        found: String,
    },
    /// This actor system has no node: start one with
    /// [`Remoting::start`](super::Remoting::start) first.
    #[error("this actor system has no remoting node")]
    NotStarted,
    /// A gRPC call failed with a status that carried no `ErrorDetail` (a proxy, a transport
    /// failure, or a server that is not a rakt node).
    #[error("gRPC status {code:?}: {message}")]
    Status {
        /// The status code.
        code: Code,
        /// The status message.
        message: String,
    },
}

/// The gRPC code a cause travels with on a unary call or a refused stream, as
/// `proto/rakt/v1/error.proto` lists them.
pub fn cause_code(cause: ErrorCause) -> Code {
    match cause {
        ErrorCause::Unspecified | ErrorCause::HandlerError => Code::Unknown,
        ErrorCause::UnknownActor | ErrorCause::UnknownKind => Code::NotFound,
        ErrorCause::UnknownMethod => Code::Unimplemented,
        ErrorCause::MalformedPayload | ErrorCause::InvalidName => Code::InvalidArgument,
        ErrorCause::FrameTooLarge | ErrorCause::MailboxFull | ErrorCause::StashFull => {
            Code::ResourceExhausted
        }
        ErrorCause::Unauthenticated => Code::Unauthenticated,
        ErrorCause::Stopped => Code::Aborted,
        ErrorCause::Timeout => Code::DeadlineExceeded,
        ErrorCause::HandlerFailed | ErrorCause::NoReply => Code::Internal,
        ErrorCause::UnhandledInState | ErrorCause::WrongNode | ErrorCause::IncompatibleVersion => {
            Code::FailedPrecondition
        }
        ErrorCause::NameTaken => Code::AlreadyExists,
        ErrorCause::ShuttingDown => Code::Unavailable,
    }
}

/// An `ErrorDetail` with a cause and a message and no typed detail.
pub(crate) fn detail(cause: ErrorCause, message: impl Into<String>) -> ErrorDetail {
    ErrorDetail {
        cause: cause.into(),
        message: message.into(),
        detail: None,
    }
}

/// The status a failed unary call or a refused stream ends with: the cause's code, the
/// detail's message, and the encoded detail in the status's `details`.
pub fn detail_status(detail: &ErrorDetail) -> Status {
    Status::with_details(
        cause_code(ErrorCause::try_from(detail.cause).unwrap_or(ErrorCause::Unspecified)),
        detail.message.clone(),
        detail.encode_to_vec().into(),
    )
}

/// `system@host:port` (IPv6 hosts in brackets), for messages and logs.
pub(crate) fn node_text(node: &NodeAddress) -> String {
    if node.host.contains(':') {
        format!("{}@[{}]:{}", node.system, node.host, node.port)
    } else {
        format!("{}@{}:{}", node.system, node.host, node.port)
    }
}

fn clamp_usize(value: u64) -> usize {
    usize::try_from(value).unwrap_or(usize::MAX)
}

impl RemoteError {
    /// The typed error a peer's [`ErrorDetail`] stands for. An unknown cause becomes
    /// [`RemoteError::Unspecified`] with its raw value; a typed detail that does not belong to
    /// the cause is ignored.
    pub fn from_detail(detail: ErrorDetail) -> Self {
        use error_detail::Detail;
        let ErrorDetail {
            cause: raw,
            message,
            detail,
        } = detail;
        let Ok(cause) = ErrorCause::try_from(raw) else {
            return RemoteError::Unspecified {
                cause: raw,
                message,
            };
        };
        match cause {
            ErrorCause::Unspecified => RemoteError::Unspecified {
                cause: raw,
                message,
            },
            ErrorCause::UnknownActor => RemoteError::UnknownActor { message },
            ErrorCause::UnknownMethod => RemoteError::UnknownMethod { message },
            ErrorCause::UnknownKind => RemoteError::UnknownKind { message },
            ErrorCause::MalformedPayload => RemoteError::MalformedPayload { message },
            ErrorCause::FrameTooLarge => RemoteError::FrameTooLarge {
                size: 0,
                limit: match detail {
                    Some(Detail::FrameLimit(limit)) => limit as usize,
                    _ => 0,
                },
            },
            ErrorCause::Unauthenticated => RemoteError::Unauthenticated { message },
            ErrorCause::Stopped => RemoteError::Stopped { message },
            ErrorCause::MailboxFull => RemoteError::MailboxFull { message },
            ErrorCause::Timeout => RemoteError::Timeout {
                timeout: match detail {
                    Some(Detail::TimeoutMs(ms)) => Duration::from_millis(ms),
                    _ => Duration::ZERO,
                },
            },
            ErrorCause::HandlerFailed => RemoteError::HandlerFailed { message },
            ErrorCause::HandlerError => RemoteError::HandlerError {
                message,
                error: match detail {
                    Some(Detail::HandlerError(bytes)) => Some(bytes),
                    _ => None,
                },
            },
            ErrorCause::NoReply => RemoteError::NoReply,
            ErrorCause::UnhandledInState => RemoteError::UnhandledInState {
                state: match detail {
                    Some(Detail::State(state)) => state,
                    _ => message,
                },
            },
            ErrorCause::StashFull => RemoteError::StashFull {
                capacity: match detail {
                    Some(Detail::StashCapacity(capacity)) => capacity,
                    _ => 0,
                },
            },
            ErrorCause::WrongNode => RemoteError::WrongNode { message },
            ErrorCause::IncompatibleVersion => RemoteError::IncompatibleVersion {
                theirs: match detail {
                    Some(Detail::ProtocolVersion(version)) => version,
                    _ => 0,
                },
            },
            ErrorCause::NameTaken => RemoteError::NameTaken { message },
            ErrorCause::InvalidName => RemoteError::InvalidName { message },
            ErrorCause::ShuttingDown => RemoteError::ShuttingDown { message },
        }
    }

    /// The typed error a failed gRPC call stands for: the [`ErrorDetail`] in the status's
    /// details when there is one, otherwise [`RemoteError::Status`] with the code.
    pub fn from_status(status: &Status) -> Self {
        if !status.details().is_empty()
            && let Ok(detail) = ErrorDetail::decode(status.details())
        {
            return RemoteError::from_detail(detail);
        }
        RemoteError::Status {
            code: status.code(),
            message: status.message().to_owned(),
        }
    }

    /// The [`ErrorDetail`] this error travels as when this node reports it to a peer. Errors
    /// only this node's transport produces map to the nearest cause (`Unreachable`,
    /// `ConnectionLost`, `NodeLeft` and `LocalShutdown` to `ERROR_CAUSE_SHUTTING_DOWN` /
    /// `ERROR_CAUSE_UNSPECIFIED`), with the error's text as the message.
    pub fn to_detail(&self) -> ErrorDetail {
        use error_detail::Detail;
        let message = self.to_string();
        let (cause, typed) = match self {
            RemoteError::NoNode { .. } | RemoteError::UnknownActor { .. } => {
                (ErrorCause::UnknownActor, None)
            }
            RemoteError::Unreachable { .. }
            | RemoteError::InvalidAddress { .. }
            | RemoteError::WrongKind { .. }
            | RemoteError::NotStarted
            | RemoteError::ConnectionLost { .. }
            | RemoteError::Unspecified { .. }
            | RemoteError::Status { .. } => (ErrorCause::Unspecified, None),
            RemoteError::NodeLeft { .. }
            | RemoteError::LocalShutdown
            | RemoteError::ShuttingDown { .. } => (ErrorCause::ShuttingDown, None),
            RemoteError::Timeout { timeout } => (
                ErrorCause::Timeout,
                Some(Detail::TimeoutMs(
                    u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX),
                )),
            ),
            RemoteError::FrameTooLarge { limit, .. } => (
                ErrorCause::FrameTooLarge,
                Some(Detail::FrameLimit(
                    u32::try_from(*limit).unwrap_or(u32::MAX),
                )),
            ),
            RemoteError::Unauthenticated { .. } => (ErrorCause::Unauthenticated, None),
            RemoteError::WrongNode { .. } => (ErrorCause::WrongNode, None),
            RemoteError::IncompatibleVersion { theirs } => (
                ErrorCause::IncompatibleVersion,
                Some(Detail::ProtocolVersion(*theirs)),
            ),
            RemoteError::UnknownMethod { .. } => (ErrorCause::UnknownMethod, None),
            RemoteError::UnknownKind { .. } => (ErrorCause::UnknownKind, None),
            RemoteError::MalformedPayload { .. } => (ErrorCause::MalformedPayload, None),
            RemoteError::Stopped { .. } => (ErrorCause::Stopped, None),
            RemoteError::MailboxFull { .. } => (ErrorCause::MailboxFull, None),
            RemoteError::HandlerFailed { .. } => (ErrorCause::HandlerFailed, None),
            RemoteError::HandlerError { error, .. } => (
                ErrorCause::HandlerError,
                error.clone().map(Detail::HandlerError),
            ),
            RemoteError::NoReply => (ErrorCause::NoReply, None),
            RemoteError::UnhandledInState { state } => (
                ErrorCause::UnhandledInState,
                Some(Detail::State(state.clone())),
            ),
            RemoteError::StashFull { capacity } => (
                ErrorCause::StashFull,
                Some(Detail::StashCapacity(*capacity)),
            ),
            RemoteError::NameTaken { .. } => (ErrorCause::NameTaken, None),
            RemoteError::InvalidName { .. } => (ErrorCause::InvalidName, None),
        };
        ErrorDetail {
            cause: cause.into(),
            message,
            detail: typed,
        }
    }

    /// The reply timeout in an envelope, in whole milliseconds rounded up (at least 1), as
    /// `timeout_ms` asks for.
    pub(crate) fn timeout_ms(timeout: Duration) -> u64 {
        let ms = timeout.as_nanos().div_ceil(1_000_000).max(1);
        u64::try_from(ms).unwrap_or(u64::MAX)
    }

    pub(crate) fn frame_too_large(size: usize, limit: u64) -> Self {
        RemoteError::FrameTooLarge {
            size,
            limit: clamp_usize(limit),
        }
    }
}

/// An ask failure on this node as the protocol's error detail.
pub(crate) fn ask_detail(error: AskError) -> ErrorDetail {
    let message = error.to_string();
    match error {
        AskError::Handler(never) => match never {},
        AskError::MailboxFull => RemoteError::MailboxFull { message },
        AskError::Stopped => RemoteError::Stopped { message },
        AskError::Timeout(timeout) => RemoteError::Timeout { timeout },
        AskError::Failed(message) => RemoteError::HandlerFailed { message },
        AskError::NoReply => RemoteError::NoReply,
        AskError::Unhandled { state } => RemoteError::UnhandledInState { state },
        AskError::StashFull { capacity } => RemoteError::StashFull {
            capacity: u64::try_from(capacity).unwrap_or(u64::MAX),
        },
        AskError::Remote(message) => RemoteError::Unspecified { cause: 0, message },
    }
    .to_detail()
}

/// Why a [`NodeConfig`](super::NodeConfig) was refused by its builder.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NodeConfigError {
    /// The system name is empty or has a character other than ASCII letters, digits, `-`,
    /// `_` and `.`.
    #[error("`{0}` is not a valid system name: use ASCII letters, digits, `-`, `_` and `.`")]
    InvalidSystemName(String),
    /// A host is empty, or is not a DNS name or an IP literal (IPv6 without brackets).
    #[error("`{host}` is not a valid {which} host: give a DNS name or an IP literal")]
    InvalidHost {
        /// Which host setting: `listen` or `advertise`.
        which: &'static str,
        /// The host given.
        host: String,
    },
    /// The node listens on a wildcard address (`0.0.0.0`, `::`) and was given no host to
    /// advertise: peers cannot reach a wildcard. Set
    /// [`advertise_host`](super::NodeConfigBuilder::advertise_host).
    #[error("the node listens on the wildcard `{0}`: set an advertise host peers can reach")]
    WildcardWithoutAdvertiseHost(String),
    /// The frame limit is out of range.
    #[error("max_frame_bytes must be {min} to {max}, got {got}")]
    FrameLimit {
        /// The smallest allowed.
        min: u32,
        /// The largest allowed.
        max: u32,
        /// The value given.
        got: u32,
    },
    /// The auth token is empty or has a character that cannot travel in gRPC metadata (only
    /// visible ASCII is allowed).
    #[error("the auth token must be non-empty visible ASCII")]
    InvalidAuthToken,
    /// A duration setting is zero.
    #[error("`{0}` must be greater than zero")]
    ZeroDuration(&'static str),
    /// The reconnect backoff's minimum is above its maximum.
    #[error("reconnect backoff minimum {min:?} is above its maximum {max:?}")]
    Backoff {
        /// The minimum given.
        min: Duration,
        /// The maximum given.
        max: Duration,
    },
    /// A TLS setting is not usable: a PEM that holds no certificate or key, a client CA
    /// without a server identity.
    #[error("TLS: {0}")]
    Tls(String),
}

/// Why [`Node::start`](super::Node::start) failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StartError {
    /// The listen address could not be bound (in use, not local, not resolvable).
    #[error("cannot listen on {address}: {source}")]
    Bind {
        /// `host:port` as configured.
        address: String,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// The TLS settings were refused by rustls.
    #[error("TLS: {0}")]
    Tls(String),
    /// [`Remoting::start`](super::Remoting::start): the actor system has a node already.
    #[error("this actor system has a remoting node already")]
    AlreadyStarted,
    /// [`Remoting::start`](super::Remoting::start): the node configuration names another
    /// system than the actor system's.
    #[error("the node is configured for system `{node}`, the actor system is `{system}`")]
    SystemName {
        /// The system the node configuration names.
        node: String,
        /// The actor system's name.
        system: String,
    },
}
