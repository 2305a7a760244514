//! The gRPC door (feature `remote`): a plain tonic client, which knows nothing of rakt, calls
//! the registered kinds of an actor system's node as gRPC services, reads their schema through
//! gRPC reflection and their state through the health service.
//!
//! Real sockets need real time, so nothing here runs on the paused clock; every wait is
//! bounded and the evidence is an outcome (a reply, a status), never the time a sleep took.
//! The deadline tests give the call a short deadline and a handler that never answers.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use prost::Message;
use prost_types::{
    DescriptorProto, FieldDescriptorProto, FileDescriptorProto, FileDescriptorSet,
    MethodDescriptorProto, ServiceDescriptorProto, field_descriptor_proto,
};
use rakt::prelude::*;
use rakt::remote::{ACTOR_KEY, NodeConfig, NodeConfigBuilder, RawCodec, Remoting};
use rakt::wire::{
    Call, Code as WireCode, Detail, Outgoing, RemoteActor, Response, Settler, Status as WireStatus,
    WireError, WireMethod,
};
use tokio::sync::Notify;
use tokio::time::timeout;
use tonic::transport::Channel;
use tonic::{Code, Status};
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;
use tonic_health::pb::{HealthCheckRequest, HealthCheckResponse};

#[macro_use]
#[path = "support/runtimes.rs"]
mod runtimes;

/// How long any one outcome may take before a test fails.
const WITHIN: Duration = Duration::from_secs(10);

on_both_runtimes!(
    calls_reach_the_actor_the_metadata_names,
    a_missing_actor_of_a_default_kind_is_activated,
    every_failure_is_its_status_and_the_connection_goes_on,
    the_clients_deadline_bounds_the_ask,
    without_a_deadline_the_systems_ask_timeout_applies,
    a_stopping_actor_is_unavailable,
    a_full_mailbox_is_resource_exhausted,
    an_unwrapped_method_takes_and_gives_the_rpcs_own_messages,
    reflection_serves_the_registered_schemas,
    health_reports_the_registered_services,
    reflection_and_health_can_be_turned_off,
    the_auth_token_guards_the_door,
    the_frame_limit_and_user_layers_apply,
    a_streaming_method_is_a_server_stream,
    a_stream_ends_with_the_handlers_status_or_failure,
    the_clients_deadline_and_cancel_stop_the_producer,
);

/// An account; served through the door.
#[actor]
#[derive(Default)]
pub struct Vault {
    total: u64,
    /// What `hold` and `wait` wait for.
    gate: Arc<Notify>,
}

/// An error with `Display` only: travels as its text.
#[derive(Debug, thiserror::Error)]
#[error("out of stock: {0}")]
pub struct OutOfStock(String);

#[actor(remote = "test.v1")]
impl Vault {
    /// Adds `amount`; the new total.
    pub fn deposit(&mut self, amount: u64) -> u64 {
        self.total += amount;
        self.total
    }

    /// Adds `amount` (a tell).
    pub fn add(&mut self, amount: u64) {
        self.total += amount;
    }

    /// The total.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// Fails with a `Status` of code `code`, with one detail.
    pub fn refuse(&self, code: i32) -> Result<u64, WireStatus> {
        Err(
            WireStatus::new(WireCode::from_i32(code), "refused").with_detail(Detail {
                type_url: "type.googleapis.com/test.v1.Why".into(),
                value: vec![0x08, 0x01],
            }),
        )
    }

    /// Fails with a typed error.
    pub fn typed(&self) -> Result<u64, String> {
        Err("typed".to_owned())
    }

    /// Fails with an error that travels as text.
    pub fn text(&self) -> Result<u64, OutOfStock> {
        Err(OutOfStock("apples".to_owned()))
    }

    /// Panics.
    pub fn boom(&self) -> u64 {
        panic!("boom")
    }

    /// Waits for the gate (a tell).
    pub async fn hold(&self) {
        self.gate.notified().await;
    }

    /// Waits for the gate, then answers the total.
    pub async fn wait(&self) -> u64 {
        self.gate.notified().await;
        self.total
    }
}

/// A source of streams; served through the door as server-streaming methods.
#[actor]
#[derive(Default)]
pub struct Feed {
    /// Notified when an `endless` producer stops, having found nobody reading.
    stopped: Arc<Notify>,
}

#[actor(remote = "test.v1")]
impl Feed {
    /// Streams 1 to `n`, then ends.
    pub async fn count(&self, n: u64, mut items: StreamSlot<u64, WireStatus>) {
        for i in 1..=n {
            if items.send(i).await.is_err() {
                return;
            }
        }
    }

    /// Streams 1 to `n`, then fails with `FAILED_PRECONDITION`.
    pub fn fail_after(&self, n: u64, mut items: StreamSlot<u64, WireStatus>) {
        for i in 1..=n {
            items.try_send(i).expect("room for a few items");
        }
        items.fail(WireStatus::new(WireCode::FailedPrecondition, "no more"));
    }

    /// Streams 1, then panics.
    pub async fn boom(&self, mut items: StreamSlot<u64, WireStatus>) {
        let _ = items.send(1).await;
        panic!("boom")
    }

    /// Streams 1, 2, 3, ... from a task until nobody reads.
    pub fn endless(&self, mut items: StreamSlot<u64, WireStatus>) {
        let stopped = self.stopped.clone();
        tokio::spawn(async move {
            let mut i = 1;
            while items.send(i).await.is_ok() {
                i += 1;
                tokio::task::yield_now().await;
            }
            stopped.notify_one();
        });
    }
}

/// A kind registered without a constructor: never activated.
#[actor]
#[derive(Default)]
pub struct Fixed;

#[actor(remote = "test.v1")]
impl Fixed {
    /// Answers 1.
    pub fn ping(&self) -> u64 {
        1
    }
}

/// The request of `test.v1.Greeter/Greet`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct HelloRequest {
    /// Who to greet.
    #[prost(string, tag = "1")]
    pub name: String,
}

/// The response of `test.v1.Greeter/Greet`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct HelloReply {
    /// The greeting.
    #[prost(string, tag = "1")]
    pub message: String,
}

/// A greeter whose method has the shape of a `.proto` rpc ([`GrpcShape::Unwrapped`]): its
/// `RemoteActor` impl is written by hand below, over the codec `#[actor(remote)]` generates
/// for [`GreeterWire`], with its own descriptor set.
#[actor]
#[derive(Default)]
pub struct Greeter;

#[actor]
impl Greeter {
    /// Greets.
    pub fn greet(&self, request: HelloRequest) -> HelloReply {
        HelloReply {
            message: format!("hello {}", request.name),
        }
    }
}

/// Never spawned: the generated codec of one `HelloRequest` argument (field 1) and a
/// `HelloReply` value (field 1), which `Greeter`'s impl delegates to.
#[actor]
#[derive(Default)]
pub struct GreeterWire;

#[actor(remote = "test.v1")]
impl GreeterWire {
    /// Greets.
    pub fn greet(&self, request: HelloRequest) -> HelloReply {
        HelloReply {
            message: format!("hello {}", request.name),
        }
    }
}

const GREET: &str = "test.v1.Greeter/Greet";

impl RemoteActor for Greeter {
    const PACKAGE: &'static str = "test.v1";
    const SERVICE: &'static str = "test.v1.Greeter";
    const METHODS: &'static [WireMethod] = &[WireMethod::unwrapped(
        GREET,
        "Greet",
        "test.v1.HelloRequest",
        Some("test.v1.HelloReply"),
    )];
    const PROTO: &'static str = "syntax = \"proto3\";\npackage test.v1;\nservice Greeter {\n  rpc Greet(HelloRequest) returns (HelloReply);\n}\nmessage HelloRequest { string name = 1; }\nmessage HelloReply { string message = 1; }\n";
    const FILE_DESCRIPTOR_SET: &'static [u8] = include_bytes!("grpc_fixtures/greeter.bin");

    fn decode_call(method: &str, payload: &[u8]) -> Result<Call<Self>, WireError> {
        let unknown = || WireError::UnknownMethod {
            service: Self::SERVICE,
            method: method.to_owned(),
        };
        if method != GREET {
            return Err(unknown());
        }
        match GreeterWire::decode_call("test.v1.GreeterWire/Greet", payload)?.into_parts() {
            (GreeterWireMsg::Greet { request, reply }, Response::Unary(pending)) => {
                Ok(Call::ask(GreeterMsg::Greet { request, reply }, pending))
            }
            _ => Err(unknown()),
        }
    }

    fn encode_call(msg: GreeterMsg) -> Outgoing {
        let GreeterMsg::Greet { request, reply } = msg;
        let (_, payload, settler) =
            GreeterWire::encode_call(GreeterWireMsg::Greet { request, reply }).into_parts();
        match settler {
            Settler::Unary(settler) => Outgoing::ask(GREET, payload, settler),
            _ => Outgoing::tell(GREET, payload),
        }
    }
}

/// A message type with one string field 1.
fn message(name: &str, field: &str) -> DescriptorProto {
    DescriptorProto {
        name: Some(name.into()),
        field: vec![FieldDescriptorProto {
            name: Some(field.into()),
            number: Some(1),
            label: Some(field_descriptor_proto::Label::Optional.into()),
            r#type: Some(field_descriptor_proto::Type::String.into()),
            json_name: Some(field.into()),
            ..Default::default()
        }],
        ..Default::default()
    }
}

/// A file of package `test.v1` with service `service` (method `Greet`) and the hello
/// messages.
fn descriptor(file: &str, service: &str) -> FileDescriptorSet {
    FileDescriptorSet {
        file: vec![FileDescriptorProto {
            name: Some(file.into()),
            package: Some("test.v1".into()),
            syntax: Some("proto3".into()),
            message_type: vec![
                message("HelloRequest", "name"),
                message("HelloReply", "message"),
            ],
            service: vec![ServiceDescriptorProto {
                name: Some(service.into()),
                method: vec![MethodDescriptorProto {
                    name: Some("Greet".into()),
                    input_type: Some(".test.v1.HelloRequest".into()),
                    output_type: Some(".test.v1.HelloReply".into()),
                    ..Default::default()
                }],
                ..Default::default()
            }],
            ..Default::default()
        }],
    }
}

/// `Greeter::FILE_DESCRIPTOR_SET` is the encoding of the descriptor built here
/// (`RAKT_WRITE_FIXTURES=1` rewrites it).
#[test]
fn the_greeters_descriptor_set_is_the_built_one() {
    let built = descriptor("test/v1/greeter.proto", "Greeter").encode_to_vec();
    if std::env::var_os("RAKT_WRITE_FIXTURES").is_some() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/grpc_fixtures/greeter.bin"
        );
        std::fs::write(path, &built).unwrap();
    }
    assert_eq!(Greeter::FILE_DESCRIPTOR_SET, built.as_slice());
}

/// A server system with a node, its kinds registered, and a plain channel to it.
struct Fixture {
    system: ActorSystem,
    channel: Channel,
}

impl Fixture {
    async fn new(name: &str) -> Fixture {
        Fixture::with(name, Duration::from_secs(5), |config| config).await
    }

    async fn with(
        name: &str,
        ask_timeout: Duration,
        config: impl FnOnce(NodeConfigBuilder) -> NodeConfigBuilder,
    ) -> Fixture {
        let system = ActorSystem::builder(name)
            .ask_timeout(ask_timeout)
            .quiet_panics()
            .build()
            .await
            .unwrap();
        // One kind registered before the node starts, the others after.
        system.register_default::<Vault>();
        let config = config(NodeConfig::builder(name).listen("127.0.0.1", 0))
            .build()
            .unwrap();
        let remoting = Remoting::start(&system, config).await.unwrap();
        system.register::<Fixed>();
        system.register::<Greeter>();
        system.register::<Feed>();
        let channel = Channel::from_shared(format!("http://127.0.0.1:{}", remoting.address().port))
            .unwrap()
            .connect()
            .await
            .unwrap();
        Fixture { system, channel }
    }

    /// Calls `path` on `actor` (no `rakt-actor` when `None`) with `payload`.
    async fn call(
        &self,
        path: &'static str,
        actor: Option<&str>,
        payload: &[u8],
        deadline: Option<Duration>,
    ) -> Result<Bytes, Status> {
        call(self.channel.clone(), path, actor, payload, deadline, None).await
    }
}

async fn call(
    channel: Channel,
    path: &'static str,
    actor: Option<&str>,
    payload: &[u8],
    deadline: Option<Duration>,
    token: Option<&str>,
) -> Result<Bytes, Status> {
    let mut grpc = tonic::client::Grpc::new(channel);
    grpc.ready()
        .await
        .map_err(|error| Status::unavailable(error.to_string()))?;
    let mut request = tonic::Request::new(Bytes::copy_from_slice(payload));
    if let Some(actor) = actor {
        request
            .metadata_mut()
            .insert(ACTOR_KEY, actor.parse().unwrap());
    }
    if let Some(token) = token {
        request
            .metadata_mut()
            .insert("authorization", format!("Bearer {token}").parse().unwrap());
    }
    if let Some(deadline) = deadline {
        request.set_timeout(deadline);
    }
    let path = tonic::codegen::http::uri::PathAndQuery::from_static(path);
    let response = timeout(WITHIN, grpc.unary(request, path, RawCodec))
        .await
        .expect("the call answers");
    response.map(tonic::Response::into_inner)
}

/// `{ 1: n }`, a message of one varint.
fn varint(n: u64) -> Vec<u8> {
    let mut bytes = Vec::new();
    prost::encoding::uint64::encode(1, &n, &mut bytes);
    bytes
}

/// Waits until `actor` has taken every queued message out of its mailbox.
async fn picked_up(actor: &VaultRef) {
    timeout(WITHIN, async {
        while actor.actor_ref().mailbox_len() > 0 {
            tokio::task::yield_now().await;
        }
    })
    .await
    .expect("the actor picks its messages up");
}

async fn calls_reach_the_actor_the_metadata_names() {
    let f = Fixture::new("door-calls").await;
    let alice: VaultRef = f.system.spawn("alice", Vault::default()).await.unwrap();
    let bob: VaultRef = f.system.spawn("bob", Vault::default()).await.unwrap();
    let by_name = f
        .call("/test.v1.Vault/Deposit", Some("alice"), &varint(5), None)
        .await;
    assert_eq!(by_name.unwrap(), varint(5));
    let by_path = f
        .call(
            "/test.v1.Vault/Deposit",
            Some("/user/alice"),
            &varint(2),
            None,
        )
        .await;
    assert_eq!(by_path.unwrap(), varint(7));
    // A tell answers `google.protobuf.Empty` once queued.
    let told = f
        .call("/test.v1.Vault/Add", Some("bob"), &varint(3), None)
        .await;
    assert_eq!(told.unwrap(), Bytes::new());
    assert_eq!(alice.total().await, Ok(7));
    assert_eq!(bob.total().await, Ok(3));
    let total = f.call("/test.v1.Vault/Total", Some("bob"), &[], None).await;
    assert_eq!(total.unwrap(), varint(3));
    f.system.shutdown().await;
}

async fn a_missing_actor_of_a_default_kind_is_activated() {
    let f = Fixture::new("door-activation").await;
    let first = f
        .call("/test.v1.Vault/Deposit", Some("carol"), &varint(4), None)
        .await;
    assert_eq!(first.unwrap(), varint(4));
    // The same actor answers the next call.
    let second = f
        .call("/test.v1.Vault/Deposit", Some("carol"), &varint(1), None)
        .await;
    assert_eq!(second.unwrap(), varint(5));
    // Concurrent first calls reach one actor.
    let one = varint(1);
    let calls = (0..8).map(|_| f.call("/test.v1.Vault/Add", Some("dan"), &one, None));
    for told in futures_util::future::join_all(calls).await {
        assert_eq!(told.unwrap(), Bytes::new());
    }
    let total = f.call("/test.v1.Vault/Total", Some("dan"), &[], None).await;
    assert_eq!(total.unwrap(), varint(8));
    // Only names under /user are activated, and only for a kind with a constructor.
    let nested = f
        .call("/test.v1.Vault/Total", Some("/user/a/b"), &[], None)
        .await;
    assert_eq!(nested.unwrap_err().code(), Code::NotFound);
    let fixed = f
        .call("/test.v1.Fixed/Ping", Some("nobody"), &[], None)
        .await;
    assert_eq!(fixed.unwrap_err().code(), Code::NotFound);
    f.system.shutdown().await;
}

async fn every_failure_is_its_status_and_the_connection_goes_on() {
    let f = Fixture::new("door-statuses").await;
    let _alice: VaultRef = f.system.spawn("alice", Vault::default()).await.unwrap();
    let _fixed: FixedRef = f.system.spawn("fixed", Fixed).await.unwrap();

    let anonymous = f
        .call("/test.v1.Vault/Total", None, &[], None)
        .await
        .unwrap_err();
    assert_eq!(anonymous.code(), Code::InvalidArgument);
    assert!(anonymous.message().contains(ACTOR_KEY), "{anonymous:?}");

    let service = f
        .call("/test.v1.Nothing/Total", Some("alice"), &[], None)
        .await;
    assert_eq!(service.unwrap_err().code(), Code::Unimplemented);
    let method = f
        .call("/test.v1.Vault/Nothing", Some("alice"), &[], None)
        .await;
    assert_eq!(method.unwrap_err().code(), Code::Unimplemented);

    // A `Fixed` call to a `Vault`, and a call to no actor.
    let wrong_kind = f
        .call("/test.v1.Fixed/Ping", Some("alice"), &[], None)
        .await;
    assert_eq!(wrong_kind.unwrap_err().code(), Code::NotFound);
    let right_kind = f
        .call("/test.v1.Fixed/Ping", Some("fixed"), &[], None)
        .await;
    assert_eq!(right_kind.unwrap(), varint(1));

    let malformed = f
        .call("/test.v1.Vault/Deposit", Some("alice"), &[0x0a, 0x09], None)
        .await;
    assert_eq!(malformed.unwrap_err().code(), Code::InvalidArgument);

    let refused = f
        .call("/test.v1.Vault/Refuse", Some("alice"), &varint(7), None)
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::PermissionDenied);
    assert_eq!(refused.message(), "refused");
    let details = WireStatus::decode(refused.details()).unwrap();
    assert_eq!(details.code(), WireCode::PermissionDenied);
    assert_eq!(
        details.details()[0].type_url,
        "type.googleapis.com/test.v1.Why"
    );
    assert_eq!(details.details()[0].value, [0x08, 0x01]);

    let typed = f
        .call("/test.v1.Vault/Typed", Some("alice"), &[], None)
        .await
        .unwrap_err();
    assert_eq!(typed.code(), Code::Unknown);
    let details = WireStatus::decode(typed.details()).unwrap();
    let any = &details.details()[0];
    assert_eq!(any.type_url, "type.googleapis.com/test.v1.VaultTypedReply");
    // `{ error: "typed" }`, the reply message with only its error field.
    assert_eq!(any.value, [&[0x12, 0x05][..], b"typed"].concat());

    let text = f
        .call("/test.v1.Vault/Text", Some("alice"), &[], None)
        .await
        .unwrap_err();
    assert_eq!(text.code(), Code::Unknown);
    assert_eq!(text.message(), "out of stock: apples");

    let boom = f
        .call("/test.v1.Vault/Boom", Some("alice"), &[], None)
        .await;
    assert_eq!(boom.unwrap_err().code(), Code::Internal);

    // The same channel still carries calls, to the same actor (restarted after the panic by
    // its supervisor, with fresh state).
    let after = f
        .call("/test.v1.Vault/Deposit", Some("alice"), &varint(1), None)
        .await;
    assert_eq!(after.unwrap(), varint(1));
    f.system.shutdown().await;
}

/// The client's `grpc-timeout` is the ask's timeout. A tonic client enforces the deadline
/// itself (and reports `CANCELLED` when it passes, before the node's answer can arrive), so
/// the client asks for a long deadline and an interceptor on the node shortens the header to
/// what the door then sees: the answer the client receives is the door's.
async fn the_clients_deadline_bounds_the_ask() {
    let f = Fixture::with("door-deadline", Duration::from_secs(30), |config| {
        config.server_interceptor(|mut request| {
            if request.metadata().contains_key("grpc-timeout") {
                request
                    .metadata_mut()
                    .insert("grpc-timeout", "200m".parse().unwrap());
            }
            Ok(request)
        })
    })
    .await;
    let vault = Vault::default();
    let gate = vault.gate.clone();
    let _alice: VaultRef = f.system.spawn("alice", vault).await.unwrap();
    let late = f
        .call(
            "/test.v1.Vault/Wait",
            Some("alice"),
            &[],
            Some(Duration::from_secs(20)),
        )
        .await
        .unwrap_err();
    assert_eq!(late.code(), Code::DeadlineExceeded, "{late:?}");
    assert!(late.message().contains("200ms"), "{late:?}");
    gate.notify_one();
    let total = f
        .call("/test.v1.Vault/Deposit", Some("alice"), &varint(1), None)
        .await;
    assert_eq!(total.unwrap(), varint(1));
    f.system.shutdown().await;
}

async fn without_a_deadline_the_systems_ask_timeout_applies() {
    let f = Fixture::with("door-default-timeout", Duration::from_millis(200), |c| c).await;
    let vault = Vault::default();
    let gate = vault.gate.clone();
    let _alice: VaultRef = f.system.spawn("alice", vault).await.unwrap();
    let late = f
        .call("/test.v1.Vault/Wait", Some("alice"), &[], None)
        .await;
    let late = late.unwrap_err();
    assert_eq!(late.code(), Code::DeadlineExceeded, "{late:?}");
    assert!(late.message().contains("200ms"), "{late:?}");
    gate.notify_one();
    f.system.shutdown().await;
}

async fn a_stopping_actor_is_unavailable() {
    let f = Fixture::new("door-stopping").await;
    let vault = Vault::default();
    let gate = vault.gate.clone();
    let alice: VaultRef = f.system.spawn("alice", vault).await.unwrap();
    let held = f
        .call("/test.v1.Vault/Hold", Some("alice"), &[], None)
        .await;
    assert_eq!(held.unwrap(), Bytes::new());
    picked_up(&alice).await;
    let stopping = alice.actor_ref().stop();
    let refused = f
        .call("/test.v1.Vault/Deposit", Some("alice"), &varint(1), None)
        .await;
    assert_eq!(refused.unwrap_err().code(), Code::Unavailable);
    gate.notify_one();
    timeout(WITHIN, stopping).await.unwrap();
    f.system.shutdown().await;
}

async fn a_full_mailbox_is_resource_exhausted() {
    let f = Fixture::new("door-full").await;
    let vault = Vault::default();
    let gate = vault.gate.clone();
    let alice: VaultRef = f
        .system
        .spawn_with(
            vault,
            SpawnOptions::named("alice").mailbox(MailboxConfig::bounded(1)),
        )
        .await
        .unwrap();
    let held = f
        .call("/test.v1.Vault/Hold", Some("alice"), &[], None)
        .await;
    assert_eq!(held.unwrap(), Bytes::new());
    picked_up(&alice).await;
    let queued = f
        .call("/test.v1.Vault/Add", Some("alice"), &varint(1), None)
        .await;
    assert_eq!(queued.unwrap(), Bytes::new());
    let full = f
        .call("/test.v1.Vault/Add", Some("alice"), &varint(1), None)
        .await;
    assert_eq!(full.unwrap_err().code(), Code::ResourceExhausted);
    gate.notify_one();
    assert_eq!(alice.total().await, Ok(1));
    f.system.shutdown().await;
}

async fn an_unwrapped_method_takes_and_gives_the_rpcs_own_messages() {
    let f = Fixture::new("door-unwrapped").await;
    let _greeter: GreeterRef = f.system.spawn("greeter", Greeter).await.unwrap();
    let request = HelloRequest { name: "ada".into() };
    let reply = f
        .call(
            "/test.v1.Greeter/Greet",
            Some("greeter"),
            &request.encode_to_vec(),
            None,
        )
        .await
        .unwrap();
    assert_eq!(
        HelloReply::decode(reply).unwrap(),
        HelloReply {
            message: "hello ada".into()
        }
    );
    f.system.shutdown().await;
}

/// Lists the services through reflection v1, and the file names that define `symbol`.
async fn reflect(channel: Channel, symbol: &str) -> (Vec<String>, Vec<String>) {
    use tonic_reflection::pb::v1::ServerReflectionRequest;
    use tonic_reflection::pb::v1::server_reflection_client::ServerReflectionClient;
    use tonic_reflection::pb::v1::server_reflection_request::MessageRequest;
    use tonic_reflection::pb::v1::server_reflection_response::MessageResponse;

    let request = |message| ServerReflectionRequest {
        host: String::new(),
        message_request: Some(message),
    };
    let requests = futures_util::stream::iter([
        request(MessageRequest::ListServices(String::new())),
        request(MessageRequest::FileContainingSymbol(symbol.to_owned())),
    ]);
    let mut client = ServerReflectionClient::new(channel);
    let mut responses = client
        .server_reflection_info(requests)
        .await
        .unwrap()
        .into_inner();
    let mut services = Vec::new();
    let mut files = Vec::new();
    while let Some(response) = timeout(WITHIN, responses.message()).await.unwrap().unwrap() {
        match response.message_response {
            Some(MessageResponse::ListServicesResponse(list)) => {
                services.extend(list.service.into_iter().map(|service| service.name));
            }
            Some(MessageResponse::FileDescriptorResponse(found)) => {
                for file in found.file_descriptor_proto {
                    files.push(
                        FileDescriptorProto::decode(file.as_slice())
                            .unwrap()
                            .name()
                            .to_owned(),
                    );
                }
            }
            other => panic!("unexpected reflection answer {other:?}"),
        }
    }
    (services, files)
}

async fn reflection_serves_the_registered_schemas() {
    let extra: &'static [u8] = Box::leak(
        descriptor("test/v1/extra.proto", "Extra")
            .encode_to_vec()
            .into_boxed_slice(),
    );
    let f = Fixture::with("door-reflection", Duration::from_secs(5), |config| {
        // A set that does not decode is left out, and the rest is served.
        config.descriptor_set(&[0x0a, 0xff]).descriptor_set(extra)
    })
    .await;
    let (services, files) = reflect(f.channel.clone(), "test.v1.Greeter").await;
    for service in [
        "test.v1.Greeter",
        "test.v1.Extra",
        "rakt.v1.Remoting",
        "grpc.health.v1.Health",
        "grpc.reflection.v1.ServerReflection",
    ] {
        assert!(
            services.iter().any(|s| s == service),
            "{service} in {services:?}"
        );
    }
    assert_eq!(files, ["test/v1/greeter.proto"]);

    // v1alpha too.
    use tonic_reflection::pb::v1alpha::ServerReflectionRequest;
    use tonic_reflection::pb::v1alpha::server_reflection_client::ServerReflectionClient;
    use tonic_reflection::pb::v1alpha::server_reflection_request::MessageRequest;
    use tonic_reflection::pb::v1alpha::server_reflection_response::MessageResponse;
    let mut client = ServerReflectionClient::new(f.channel.clone());
    let request = ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::FileContainingSymbol(
            "test.v1.Greeter".into(),
        )),
    };
    let mut responses = client
        .server_reflection_info(futures_util::stream::iter([request]))
        .await
        .unwrap()
        .into_inner();
    let response = timeout(WITHIN, responses.message())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(matches!(
        response.message_response,
        Some(MessageResponse::FileDescriptorResponse(_))
    ));
    f.system.shutdown().await;
}

async fn check(channel: Channel, service: &str) -> Result<HealthCheckResponse, Status> {
    let mut client = HealthClient::new(channel);
    timeout(
        WITHIN,
        client.check(HealthCheckRequest {
            service: service.into(),
        }),
    )
    .await
    .unwrap()
    .map(tonic::Response::into_inner)
}

async fn serving(channel: Channel, service: &str) -> bool {
    check(channel, service)
        .await
        .is_ok_and(|response| response.status() == ServingStatus::Serving)
}

async fn health_reports_the_registered_services() {
    let f = Fixture::new("door-health").await;
    // Registered before the node started, and after (its status is set on a task).
    assert!(serving(f.channel.clone(), "").await);
    assert!(serving(f.channel.clone(), "test.v1.Vault").await);
    timeout(WITHIN, async {
        while !serving(f.channel.clone(), "test.v1.Greeter").await {
            tokio::task::yield_now().await;
        }
    })
    .await
    .expect("a kind registered after the start is serving");
    let unknown = check(f.channel.clone(), "test.v1.Nothing").await;
    assert_eq!(unknown.unwrap_err().code(), Code::NotFound);

    // A watcher hears the node stop serving.
    let mut client = HealthClient::new(f.channel.clone());
    let mut watch = client
        .watch(HealthCheckRequest {
            service: String::new(),
        })
        .await
        .unwrap()
        .into_inner();
    let first = timeout(WITHIN, watch.message())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(first.status(), ServingStatus::Serving);
    let system = f.system.clone();
    let shutdown = tokio::spawn(async move { system.shutdown().await });
    let next = timeout(WITHIN, watch.message())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(next.status(), ServingStatus::NotServing);
    drop(watch);
    timeout(WITHIN, shutdown).await.unwrap().unwrap();
}

async fn reflection_and_health_can_be_turned_off() {
    let f = Fixture::with("door-off", Duration::from_secs(5), |config| {
        config.grpc_reflection(false).grpc_health(false)
    })
    .await;
    let health = check(f.channel.clone(), "").await;
    assert_eq!(health.unwrap_err().code(), Code::Unimplemented);
    let mut client =
        tonic_reflection::pb::v1::server_reflection_client::ServerReflectionClient::new(
            f.channel.clone(),
        );
    let reflection = client
        .server_reflection_info(futures_util::stream::iter(Vec::new()))
        .await;
    assert_eq!(reflection.unwrap_err().code(), Code::Unimplemented);
    // The actors are still served.
    let _alice: VaultRef = f.system.spawn("alice", Vault::default()).await.unwrap();
    let total = f
        .call("/test.v1.Vault/Deposit", Some("alice"), &varint(1), None)
        .await;
    assert_eq!(total.unwrap(), varint(1));
    f.system.shutdown().await;
}

async fn the_auth_token_guards_the_door() {
    let f = Fixture::with("door-auth", Duration::from_secs(5), |config| {
        config.auth_token("sesame")
    })
    .await;
    let _alice: VaultRef = f.system.spawn("alice", Vault::default()).await.unwrap();
    let path = "/test.v1.Vault/Deposit";
    let one = varint(1);
    let without = call(f.channel.clone(), path, Some("alice"), &one, None, None).await;
    assert_eq!(without.unwrap_err().code(), Code::Unauthenticated);
    let wrong = call(
        f.channel.clone(),
        path,
        Some("alice"),
        &one,
        None,
        Some("open"),
    )
    .await;
    assert_eq!(wrong.unwrap_err().code(), Code::Unauthenticated);
    let with = call(
        f.channel.clone(),
        path,
        Some("alice"),
        &one,
        None,
        Some("sesame"),
    )
    .await;
    assert_eq!(with.unwrap(), one);
    f.system.shutdown().await;
}

async fn the_frame_limit_and_user_layers_apply() {
    let layered = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = layered.clone();
    let f = Fixture::with("door-limits", Duration::from_secs(5), move |config| {
        config
            .max_frame_bytes(rakt::remote::MIN_MAX_FRAME_BYTES)
            .server_layer(tower::layer::layer_fn(
                move |inner: rakt::remote::HttpService| {
                    let counted = counted.clone();
                    tower::service_fn(move |request| {
                        counted.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let mut inner = inner.clone();
                        async move {
                            use tower::{Service, ServiceExt};
                            inner.ready().await?.call(request).await
                        }
                    })
                },
            ))
    })
    .await;
    let _greeter: GreeterRef = f.system.spawn("greeter", Greeter).await.unwrap();
    let large = HelloRequest {
        name: "x".repeat(2 * rakt::remote::MIN_MAX_FRAME_BYTES as usize),
    };
    let refused = f
        .call(
            "/test.v1.Greeter/Greet",
            Some("greeter"),
            &large.encode_to_vec(),
            None,
        )
        .await;
    assert_eq!(refused.unwrap_err().code(), Code::OutOfRange);
    let small = HelloRequest { name: "x".into() };
    let greeted = f
        .call(
            "/test.v1.Greeter/Greet",
            Some("greeter"),
            &small.encode_to_vec(),
            None,
        )
        .await;
    assert!(greeted.is_ok(), "{greeted:?}");
    assert_eq!(layered.load(std::sync::atomic::Ordering::Relaxed), 2);
    f.system.shutdown().await;
}

/// Calls the server-streaming `path` on `actor` with `payload`: the messages it streamed, and
/// how it ended.
async fn stream_call(
    channel: Channel,
    path: &'static str,
    actor: &str,
    payload: &[u8],
    deadline: Option<Duration>,
) -> (Vec<Bytes>, Result<(), Status>) {
    let mut grpc = tonic::client::Grpc::new(channel);
    grpc.ready().await.unwrap();
    let mut request = tonic::Request::new(Bytes::copy_from_slice(payload));
    request
        .metadata_mut()
        .insert(ACTOR_KEY, actor.parse().unwrap());
    if let Some(deadline) = deadline {
        request.set_timeout(deadline);
    }
    let path = tonic::codegen::http::uri::PathAndQuery::from_static(path);
    let mut stream = match grpc.server_streaming(request, path, RawCodec).await {
        Ok(response) => response.into_inner(),
        Err(status) => return (Vec::new(), Err(status)),
    };
    let mut messages = Vec::new();
    loop {
        match timeout(WITHIN, stream.message())
            .await
            .expect("the stream moves")
        {
            Ok(Some(message)) => messages.push(message),
            Ok(None) => return (messages, Ok(())),
            Err(status) => return (messages, Err(status)),
        }
    }
}

async fn a_streaming_method_is_a_server_stream() {
    let f = Fixture::new("door-stream").await;
    let _: FeedRef = f.system.spawn("feed", Feed::default()).await.unwrap();
    let (messages, end) = stream_call(
        f.channel.clone(),
        "/test.v1.Feed/Count",
        "feed",
        &varint(3),
        None,
    )
    .await;
    assert_eq!(messages, [varint(1), varint(2), varint(3)]);
    assert_eq!(end.map_err(|status| status.code()), Ok(()));
    // The same method, called from a handle, gives the same items.
    let feed: FeedRef = f.system.lookup("feed").unwrap();
    let mut items = feed.count(2).await.unwrap();
    assert_eq!(items.next().await, Some(Ok(1)));
    assert_eq!(items.next().await, Some(Ok(2)));
    assert_eq!(items.next().await, None);
    // A missing actor fails the call before any message.
    let (messages, end) = stream_call(
        f.channel.clone(),
        "/test.v1.Feed/Count",
        "nobody",
        &varint(3),
        None,
    )
    .await;
    assert!(messages.is_empty());
    assert_eq!(end.unwrap_err().code(), Code::NotFound);
    f.system.shutdown().await;
}

async fn a_stream_ends_with_the_handlers_status_or_failure() {
    let f = Fixture::new("door-stream-end").await;
    let _: FeedRef = f.system.spawn("feed", Feed::default()).await.unwrap();
    let (messages, end) = stream_call(
        f.channel.clone(),
        "/test.v1.Feed/FailAfter",
        "feed",
        &varint(2),
        None,
    )
    .await;
    assert_eq!(messages, [varint(1), varint(2)]);
    let status = end.unwrap_err();
    assert_eq!(
        (status.code(), status.message()),
        (Code::FailedPrecondition, "no more")
    );
    let (messages, end) =
        stream_call(f.channel.clone(), "/test.v1.Feed/Boom", "feed", &[], None).await;
    assert_eq!(messages, [varint(1)]);
    assert_eq!(end.unwrap_err().code(), Code::Internal);
    f.system.shutdown().await;
}

async fn the_clients_deadline_and_cancel_stop_the_producer() {
    let f = Fixture::new("door-stream-stop").await;
    let stopped = Arc::new(Notify::new());
    let feed = Feed {
        stopped: stopped.clone(),
    };
    let _: FeedRef = f.system.spawn("feed", feed).await.unwrap();
    // The client's deadline is the stream's: it ends with DEADLINE_EXCEEDED, and the producer
    // hears that nobody reads.
    let (messages, end) = stream_call(
        f.channel.clone(),
        "/test.v1.Feed/Endless",
        "feed",
        &[],
        Some(Duration::from_millis(300)),
    )
    .await;
    assert!(!messages.is_empty());
    let code = end.unwrap_err().code();
    // tonic's client may report its own deadline first.
    assert!(
        matches!(code, Code::DeadlineExceeded | Code::Cancelled),
        "{code:?}"
    );
    timeout(WITHIN, stopped.notified())
        .await
        .expect("the producer stops after the deadline");

    // A client that stops reading and drops its stream cancels the producer too.
    let mut grpc = tonic::client::Grpc::new(f.channel.clone());
    grpc.ready().await.unwrap();
    let mut request = tonic::Request::new(Bytes::new());
    request
        .metadata_mut()
        .insert(ACTOR_KEY, "feed".parse().unwrap());
    let path = tonic::codegen::http::uri::PathAndQuery::from_static("/test.v1.Feed/Endless");
    let mut stream = grpc
        .server_streaming(request, path, RawCodec)
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        stream.message().await.unwrap(),
        Some(Bytes::from(varint(1)))
    );
    drop(stream);
    timeout(WITHIN, stopped.notified())
        .await
        .expect("the producer stops once the client is gone");
    f.system.shutdown().await;
}
