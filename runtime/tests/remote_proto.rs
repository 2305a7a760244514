//! The generated `rakt.v1` wire protocol (feature `remote`): messages survive encoding, the
//! rules the proto comments promise hold for the generated types, and the generated gRPC client
//! and server talk to each other over loopback.
//!
//! The server here is a stand-in that knows one actor and no spawnable kinds; the real node
//! server is the transport's.

use std::collections::BTreeSet;
use std::net::SocketAddr;

use futures_util::stream::BoxStream;
use prost::Message;
use prost::bytes::Bytes;
use rakt::remote::proto::FILE_DESCRIPTOR_SET;
use rakt::remote::proto::v1::remoting_client::RemotingClient;
use rakt::remote::proto::v1::remoting_server::{Remoting, RemotingServer};
use rakt::remote::proto::v1::{
    ActorAddress, Envelope, ErrorCause, ErrorDetail, Frame, Handshake, LookupRequest,
    LookupResponse, NodeAddress, Reply, SpawnRequest, SpawnResponse, StopRequest, StopResponse,
    StreamControl, TraceContext, WatchEvent, WatchRequest, error_detail, reply,
};
use tokio::sync::oneshot;
use tonic::transport::server::TcpIncoming;
use tonic::{Code, Request, Response, Status, Streaming};

fn node(system: &str, port: u32, uid: u64) -> NodeAddress {
    NodeAddress {
        system: system.into(),
        host: "127.0.0.1".into(),
        port,
        uid,
    }
}

fn actor(node: Option<NodeAddress>, path: &str, id: u64) -> ActorAddress {
    ActorAddress {
        node,
        path: path.into(),
        id,
    }
}

#[test]
fn a_frame_with_a_batch_of_envelopes_and_replies_round_trips() {
    let frame = Frame {
        handshake: None,
        envelopes: vec![
            // A tell from outside any actor, to whatever lives at the path on the receiver.
            Envelope {
                target: Some(actor(None, "/user/counter", 0)),
                method: "demo.v1.Counter/add".into(),
                payload: Bytes::from_static(&[0x08, 0x05]),
                ..Envelope::default()
            },
            // An ask from an actor, to one incarnation, with a deadline and a trace.
            Envelope {
                target: Some(actor(Some(node("b", 4001, 22)), "/user/counter", 7)),
                method: "demo.v1.Counter/total".into(),
                payload: Bytes::new(),
                sender: Some(actor(None, "/user/asker", 3)),
                correlation_id: 1,
                timeout_ms: 250,
                trace: Some(TraceContext {
                    traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".into(),
                    tracestate: "rojo=00f067aa0ba902b7".into(),
                }),
                stream_window: 0,
            },
            Envelope {
                target: Some(actor(None, "/user/counter", 0)),
                method: "demo.v1.Counter/add".into(),
                payload: Bytes::from_static(&[0x08, 0x01]),
                ..Envelope::default()
            },
        ],
        replies: vec![Reply {
            correlation_id: 9,
            more: false,
            outcome: Some(reply::Outcome::Payload(Bytes::from_static(&[0x08, 0x2a]))),
        }],
        controls: vec![],
    };

    let bytes = frame.encode_to_vec();
    assert_eq!(bytes.len(), frame.encoded_len());
    let decoded = Frame::decode(bytes.as_slice()).expect("a well-formed frame");
    assert_eq!(decoded, frame);
    let methods: Vec<_> = decoded
        .envelopes
        .iter()
        .map(|e| e.method.as_str())
        .collect();
    assert_eq!(
        methods,
        [
            "demo.v1.Counter/add",
            "demo.v1.Counter/total",
            "demo.v1.Counter/add"
        ],
        "envelopes keep their order within a frame"
    );
}

/// A streaming ask, two of its items, its end and the asker's controls, as they travel; and
/// a frame of a writer that knows nothing of streams reads as a unary ask and a last reply.
#[test]
fn a_streamed_reply_and_its_controls_round_trip() {
    let ask = Envelope {
        target: Some(actor(None, "/user/ledger", 0)),
        method: "bank.v1.Ledger/History".into(),
        payload: Bytes::from_static(&[0x0a, 0x05, b'a', b'l', b'i', b'c', b'e']),
        correlation_id: 4,
        timeout_ms: 5_000,
        stream_window: 32,
        ..Envelope::default()
    };
    let item = |value: u8| Reply {
        correlation_id: 4,
        outcome: Some(reply::Outcome::Payload(Bytes::from(vec![0x08, value]))),
        more: true,
    };
    let end = Reply {
        correlation_id: 4,
        outcome: Some(reply::Outcome::Payload(Bytes::new())),
        more: false,
    };
    let served = Frame {
        replies: vec![item(1), item(2), end],
        ..Frame::default()
    };
    let asked = Frame {
        envelopes: vec![ask],
        controls: vec![
            StreamControl {
                correlation_id: 4,
                credit: 16,
                cancel: false,
            },
            StreamControl {
                correlation_id: 4,
                credit: 0,
                cancel: true,
            },
        ],
        ..Frame::default()
    };
    for frame in [served, asked] {
        let decoded = Frame::decode(frame.encode_to_vec().as_slice()).expect("a frame");
        assert_eq!(decoded, frame);
    }

    // What a writer without the stream fields sends: fields 1 to 3 only.
    let old = Frame {
        envelopes: vec![Envelope {
            correlation_id: 1,
            ..Envelope::default()
        }],
        replies: vec![Reply {
            correlation_id: 2,
            outcome: Some(reply::Outcome::Payload(Bytes::new())),
            more: false,
        }],
        ..Frame::default()
    };
    let decoded = Frame::decode(old.encode_to_vec().as_slice()).expect("a frame");
    assert_eq!(decoded.envelopes[0].stream_window, 0, "a unary ask");
    assert!(!decoded.replies[0].more, "a last reply");
    assert!(decoded.controls.is_empty());
}

#[test]
fn the_first_frame_carries_only_the_handshake() {
    let frame = Frame {
        handshake: Some(Handshake {
            protocol_version: 1,
            from: Some(node("a", 4000, 11)),
            to: Some(node("b", 4001, 0)),
            max_frame_bytes: 4 << 20,
        }),
        ..Frame::default()
    };
    let decoded = Frame::decode(frame.encode_to_vec().as_slice()).expect("a handshake frame");
    assert_eq!(decoded, frame);
    assert!(decoded.envelopes.is_empty() && decoded.replies.is_empty());
}

#[test]
fn a_reply_with_an_error_detail_round_trips() {
    let replies = [
        Reply {
            correlation_id: 7,
            more: false,
            outcome: Some(reply::Outcome::Error(ErrorDetail {
                cause: ErrorCause::UnhandledInState.into(),
                message: "not handled in state Closed".into(),
                detail: Some(error_detail::Detail::State("Closed".into())),
            })),
        },
        Reply {
            correlation_id: 8,
            more: false,
            outcome: Some(reply::Outcome::Error(ErrorDetail {
                cause: ErrorCause::HandlerError.into(),
                message: "insufficient funds".into(),
                detail: Some(error_detail::Detail::HandlerError(Bytes::from_static(&[
                    0x08, 0x64,
                ]))),
            })),
        },
        Reply {
            correlation_id: 9,
            more: false,
            outcome: Some(reply::Outcome::Error(ErrorDetail {
                cause: ErrorCause::Timeout.into(),
                message: String::new(),
                detail: Some(error_detail::Detail::TimeoutMs(250)),
            })),
        },
    ];
    for reply in replies {
        let decoded = Reply::decode(reply.encode_to_vec().as_slice()).expect("a reply");
        assert_eq!(decoded, reply);
    }

    let decoded = Reply::decode(
        Reply {
            correlation_id: 7,
            more: false,
            outcome: Some(reply::Outcome::Error(ErrorDetail {
                cause: ErrorCause::StashFull.into(),
                message: String::new(),
                detail: Some(error_detail::Detail::StashCapacity(64)),
            })),
        }
        .encode_to_vec()
        .as_slice(),
    )
    .expect("a reply");
    let Some(reply::Outcome::Error(error)) = decoded.outcome else {
        panic!("an error outcome, got {decoded:?}");
    };
    assert_eq!(error.cause(), ErrorCause::StashFull);
    assert_eq!(error.detail, Some(error_detail::Detail::StashCapacity(64)));
}

#[test]
fn a_unit_reply_is_told_apart_from_a_reply_without_outcome() {
    let unit = Reply {
        correlation_id: 3,
        more: false,
        outcome: Some(reply::Outcome::Payload(Bytes::new())),
    };
    let decoded = Reply::decode(unit.encode_to_vec().as_slice()).expect("a reply");
    assert_eq!(
        decoded.outcome,
        Some(reply::Outcome::Payload(Bytes::new())),
        "an empty payload stays set"
    );

    let empty = Reply {
        correlation_id: 3,
        more: false,
        outcome: None,
    };
    let decoded = Reply::decode(empty.encode_to_vec().as_slice()).expect("a reply");
    assert_eq!(decoded.outcome, None);
}

#[test]
fn an_unknown_error_cause_reads_as_unspecified_and_keeps_its_raw_value() {
    let from_a_newer_peer = ErrorDetail {
        cause: 999,
        message: "a cause from a later protocol version".into(),
        detail: None,
    };
    let decoded =
        ErrorDetail::decode(from_a_newer_peer.encode_to_vec().as_slice()).expect("an error");
    assert_eq!(decoded.cause(), ErrorCause::Unspecified);
    assert_eq!(decoded.cause, 999, "the raw value is kept");
}

#[test]
fn garbage_is_a_decode_error_not_a_panic() {
    // A length-delimited field (envelopes, tag 2) claiming more bytes than there are.
    assert!(Frame::decode(&[0x12, 0xff, 0x01, 0x00][..]).is_err());
    // A varint that never ends.
    assert!(
        Reply::decode(
            &[
                0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff
            ][..]
        )
        .is_err()
    );
}

/// Just enough of `google.protobuf.FileDescriptorSet` to read the file and service names.
#[derive(Clone, PartialEq, Message)]
struct FileDescriptorSet {
    #[prost(message, repeated, tag = "1")]
    file: Vec<FileDescriptorProto>,
}

#[derive(Clone, PartialEq, Message)]
struct FileDescriptorProto {
    #[prost(string, tag = "1")]
    name: String,
    #[prost(string, tag = "2")]
    package: String,
    #[prost(message, repeated, tag = "6")]
    service: Vec<ServiceDescriptorProto>,
}

#[derive(Clone, PartialEq, Message)]
struct ServiceDescriptorProto {
    #[prost(string, tag = "1")]
    name: String,
}

#[test]
fn the_descriptor_set_holds_every_file_of_the_package() {
    let set = FileDescriptorSet::decode(FILE_DESCRIPTOR_SET).expect("an encoded descriptor set");
    let names: BTreeSet<_> = set.file.iter().map(|file| file.name.as_str()).collect();
    assert_eq!(
        names,
        BTreeSet::from([
            "rakt/v1/address.proto",
            "rakt/v1/envelope.proto",
            "rakt/v1/error.proto",
            "rakt/v1/remoting.proto",
        ])
    );
    assert!(set.file.iter().all(|file| file.package == "rakt.v1"));
    let services: Vec<_> = set
        .file
        .iter()
        .flat_map(|file| &file.service)
        .map(|service| service.name.as_str())
        .collect();
    assert_eq!(services, ["Remoting"]);
}

/// A node that hosts one actor, `/user/counter` (id 7, kind `demo.v1.Counter`), and has no
/// kinds registered for spawning.
struct OneActorNode;

const COUNTER_PATH: &str = "/user/counter";
const COUNTER_ID: u64 = 7;
const NODE_UID: u64 = 0x5eed;

#[tonic::async_trait]
impl Remoting for OneActorNode {
    type LinkStream = BoxStream<'static, Result<Frame, Status>>;
    type WatchStream = BoxStream<'static, Result<WatchEvent, Status>>;

    async fn link(
        &self,
        _request: Request<Streaming<Frame>>,
    ) -> Result<Response<Self::LinkStream>, Status> {
        Err(Status::unimplemented("this test node has no link"))
    }

    async fn lookup(
        &self,
        request: Request<LookupRequest>,
    ) -> Result<Response<LookupResponse>, Status> {
        let wanted = request.into_inner().address.unwrap_or_default();
        let found = wanted.path == COUNTER_PATH && (wanted.id == 0 || wanted.id == COUNTER_ID);
        Ok(Response::new(if found {
            LookupResponse {
                found: true,
                address: Some(actor(
                    Some(node("b", 4001, NODE_UID)),
                    COUNTER_PATH,
                    COUNTER_ID,
                )),
                kind: "demo.v1.Counter".into(),
            }
        } else {
            LookupResponse::default()
        }))
    }

    async fn spawn(
        &self,
        request: Request<SpawnRequest>,
    ) -> Result<Response<SpawnResponse>, Status> {
        let kind = request.into_inner().kind;
        let detail = ErrorDetail {
            cause: ErrorCause::UnknownKind.into(),
            message: format!("no kind `{kind}` is registered for spawning"),
            detail: None,
        };
        Err(Status::with_details(
            Code::NotFound,
            detail.message.clone(),
            detail.encode_to_vec().into(),
        ))
    }

    async fn stop(&self, _request: Request<StopRequest>) -> Result<Response<StopResponse>, Status> {
        Err(Status::unimplemented("this test node does not stop actors"))
    }

    async fn watch(
        &self,
        _request: Request<WatchRequest>,
    ) -> Result<Response<Self::WatchStream>, Status> {
        Err(Status::unimplemented("this test node has no watch"))
    }
}

/// Serves [`OneActorNode`] on 127.0.0.1 and an OS-chosen port until `stop` fires.
async fn serve() -> (SocketAddr, oneshot::Sender<()>, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a loopback port");
    let addr = listener.local_addr().expect("a bound address");
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        tonic::transport::Server::builder()
            .serve_with_incoming_shutdown(
                RemotingServer::new(OneActorNode),
                TcpIncoming::from(listener),
                async {
                    let _ = stopped.await;
                },
            )
            .await
            .expect("the server runs until told to stop");
    });
    (addr, stop, server)
}

#[tokio::test]
async fn the_generated_client_looks_up_an_actor_on_the_generated_server() {
    let (addr, stop, server) = serve().await;
    let mut client = RemotingClient::connect(format!("http://{addr}"))
        .await
        .expect("connect over loopback");

    let found = client
        .lookup(LookupRequest {
            address: Some(actor(None, COUNTER_PATH, 0)),
        })
        .await
        .expect("a lookup answer")
        .into_inner();
    assert_eq!(
        found,
        LookupResponse {
            found: true,
            address: Some(actor(
                Some(node("b", 4001, NODE_UID)),
                COUNTER_PATH,
                COUNTER_ID
            )),
            kind: "demo.v1.Counter".into(),
        }
    );

    let another_incarnation = client
        .lookup(LookupRequest {
            address: Some(actor(None, COUNTER_PATH, COUNTER_ID + 1)),
        })
        .await
        .expect("a lookup answer")
        .into_inner();
    assert_eq!(another_incarnation, LookupResponse::default());
    assert!(!another_incarnation.found);

    let status = client
        .spawn(SpawnRequest {
            kind: "demo.v1.Missing".into(),
            ..SpawnRequest::default()
        })
        .await
        .expect_err("no kind is registered");
    assert_eq!(status.code(), Code::NotFound);
    let detail = ErrorDetail::decode(status.details()).expect("an ErrorDetail in the details");
    assert_eq!(detail.cause(), ErrorCause::UnknownKind);
    assert_eq!(
        detail.message,
        "no kind `demo.v1.Missing` is registered for spawning"
    );

    let status = client
        .stop(StopRequest::default())
        .await
        .expect_err("this node does not stop actors");
    assert_eq!(status.code(), Code::Unimplemented);

    stop.send(()).expect("the server is still running");
    server.await.expect("the server task ends cleanly");
}
