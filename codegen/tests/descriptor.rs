//! A remote actor's file descriptor (`wire::file_descriptor_set`) against protoc's reading of its
//! `.proto` text (`wire::schema`), compiled here with protox: the two must describe the same
//! service and messages, shape by shape (scalars, lists, options, maps, the reply's `oneof
//! error`, `google.protobuf.Empty`, `google.rpc.Status`, prost types by name). The descriptor of
//! `shapes()` is also snapshotted in protobuf's text format, for review.

use proc_macro2::Span;
use prost::Message as _;
use protox::file::{ChainFileResolver, File, FileResolver, GoogleFileResolver};
use protox::prost_reflect::prost_types::source_code_info::Location;
use protox::prost_reflect::prost_types::{DescriptorProto, FileDescriptorSet, SourceCodeInfo};
use protox::prost_reflect::{DescriptorPool, DynamicMessage};
use rakt_codegen::{ActorModel, ArgModel, HandlerModel, Hooks, ReplyKind, naming, wire};
use syn::{Ident, Type, parse_quote};

fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// A handler with arguments `(name, field, type)`.
fn handler(name: &str, args: Vec<(&str, u32, Type)>, reply: ReplyKind) -> HandlerModel {
    HandlerModel {
        rust_name: ident(name),
        proto_name: naming::variant_name(name),
        vis: parse_quote!(pub),
        docs: vec![format!(" Handler `{name}`.")],
        cfg_attrs: Vec::new(),
        handle_attrs: Vec::new(),
        is_async: false,
        ctx_position: None,
        args: args
            .into_iter()
            .map(|(name, field, ty)| ArgModel {
                name: ident(name),
                ty,
                field,
            })
            .collect(),
        reply,
        states: None,
        alternatives: Vec::new(),
        route: None,
    }
}

fn ask(ok: Type) -> ReplyKind {
    ReplyKind::Ask { ok }
}

fn fallible(ok: Type, err: Type) -> ReplyKind {
    ReplyKind::AskResult { ok, err }
}

/// A streaming ask whose slot is parameter `position`.
fn stream(item: Type, err: Option<Type>, position: usize) -> ReplyKind {
    ReplyKind::Stream {
        item,
        err,
        slot: ident("items"),
        position,
    }
}

/// A remote actor `name` in `package` with `handlers`.
fn remote(name: &str, package: &str, handlers: Vec<HandlerModel>) -> ActorModel {
    let self_ty: Type = syn::parse_str(name).unwrap();
    ActorModel {
        rust_name: ident(name),
        package: package.to_owned(),
        remote: true,
        proto_name: name.to_owned(),
        handle_ty: naming::handle_type(&self_ty).unwrap(),
        self_ty,
        generics: Default::default(),
        where_clause: None,
        docs: vec![format!(" Actor `{name}`.")],
        handlers,
        stand_ins: Vec::new(),
        hooks: Hooks::default(),
        behaviour: None,
        stash_capacity: None,
        krate: parse_quote!(::rakt),
        grpc_shape: Default::default(),
        schema: None,
    }
}

/// Every shape but prost types: scalars, lists, options, maps, replies with and without a
/// value, each kind of `oneof failure`, and streamed replies (server-streaming methods).
fn shapes() -> ActorModel {
    let mut model = remote(
        "Shapes",
        "test.v1",
        vec![
            handler(
                "scalars",
                vec![
                    ("b", 1, parse_quote!(bool)),
                    ("u", 2, parse_quote!(u32)),
                    ("l", 3, parse_quote!(u64)),
                    ("i", 4, parse_quote!(i32)),
                    ("j", 5, parse_quote!(i64)),
                    ("f", 6, parse_quote!(f32)),
                    ("d", 7, parse_quote!(f64)),
                    ("s", 8, parse_quote!(String)),
                    ("v", 9, parse_quote!(Vec<u8>)),
                    ("by", 10, parse_quote!(bytes::Bytes)),
                ],
                ReplyKind::Tell,
            ),
            handler(
                "lists",
                vec![
                    ("ids", 7, parse_quote!(Vec<u64>)),
                    ("names", 2, parse_quote!(Vec<String>)),
                    ("blobs", 3, parse_quote!(Vec<Vec<u8>>)),
                ],
                ask(parse_quote!(Vec<String>)),
            ),
            handler(
                "maybe",
                vec![
                    ("x", 1, parse_quote!(Option<u32>)),
                    ("y", 2, parse_quote!(u32)),
                    ("note_text", 3, parse_quote!(Option<String>)),
                ],
                ask(parse_quote!(Option<f64>)),
            ),
            handler(
                "maps",
                vec![
                    ("tag_names", 1, parse_quote!(HashMap<String, i64>)),
                    (
                        "flags",
                        2,
                        parse_quote!(std::collections::BTreeMap<u32, bool>),
                    ),
                ],
                ask(parse_quote!(HashMap<bool, Vec<u8>>)),
            ),
            handler(
                "text_error",
                Vec::new(),
                fallible(parse_quote!(u32), parse_quote!(String)),
            ),
            handler(
                "unit_error",
                Vec::new(),
                fallible(parse_quote!(()), parse_quote!(())),
            ),
            handler(
                "status",
                vec![("a", 1, parse_quote!(u32))],
                fallible(parse_quote!(Option<u32>), parse_quote!(Status)),
            ),
            handler(
                "opaque",
                Vec::new(),
                fallible(parse_quote!(u32), parse_quote!(Vec<u32>)),
            ),
            handler(
                "history",
                vec![("account", 1, parse_quote!(String))],
                stream(parse_quote!(Vec<String>), Some(parse_quote!(Status)), 1),
            ),
            handler("ticks", Vec::new(), stream(parse_quote!(u64), None, 0)),
        ],
    );
    // Comments of two lines and none.
    model.docs.push(" A second line.".to_owned());
    model.handlers[1].docs.clear();
    model
}

/// Prost types by name: messages and an enum, singular, optional, repeated, as a map value,
/// as a reply and as an error.
fn leaves() -> ActorModel {
    remote(
        "Leaves",
        "shop.v1",
        vec![handler(
            "place",
            vec![
                ("order", 1, parse_quote!(shop::Order)),
                ("maybe", 2, parse_quote!(Option<Order>)),
                ("orders", 3, parse_quote!(Vec<Order>)),
                ("colors", 4, parse_quote!(HashMap<String, Color>)),
                ("color", 5, parse_quote!(Color)),
            ],
            fallible(parse_quote!(Order), parse_quote!(OutOfStock)),
        )],
    )
}

/// What `leaves()` names, as the test defines it for protox.
const LEAVES: &str =
    "message Order {}\nenum Color { COLOR_UNSPECIFIED = 0; }\nmessage OutOfStock {}\n";

/// `google/rpc/status.proto` as googleapis defines it, without its file options.
const STATUS_PROTO: &str = r#"syntax = "proto3";
package google.rpc;
import "google/protobuf/any.proto";
message Status {
  int32 code = 1;
  string message = 2;
  repeated google.protobuf.Any details = 3;
}
"#;

/// Files from text, by name.
struct Sources(Vec<(String, String)>);

impl FileResolver for Sources {
    fn open_file(&self, name: &str) -> Result<File, protox::Error> {
        match self.0.iter().find(|(file, _)| file == name) {
            Some((_, source)) => File::from_source(name, source),
            None => Err(protox::Error::file_not_found(name)),
        }
    }
}

/// protox's reading of `text` as the file `name` with its imports, with `stubs` (definitions
/// of the types the text names but does not define) appended and then taken out again; a
/// field of a stub type loses its type, which the macro cannot know. `json_name`, the
/// well-known files' options and source info but the comments are left out, as the
/// descriptor leaves them.
fn protoc(name: &str, text: &str, stubs: &str) -> FileDescriptorSet {
    let mut resolver = ChainFileResolver::new();
    resolver.add(Sources(vec![
        (name.to_owned(), format!("{text}\n{stubs}")),
        (
            "google/rpc/status.proto".to_owned(),
            STATUS_PROTO.to_owned(),
        ),
    ]));
    resolver.add(GoogleFileResolver::new());
    let mut compiler = protox::Compiler::with_file_resolver(resolver);
    compiler.include_imports(true).include_source_info(true);
    compiler.open_file(name).unwrap();
    let mut set = compiler.file_descriptor_set();
    let file = set.file.last_mut().unwrap();
    let is_stub = |name: &str| stubs.contains(&format!(" {name} "));
    let package = file.package().to_owned();
    let stub_names: Vec<String> = (file.message_type.iter().map(|m| m.name()))
        .chain(file.enum_type.iter().map(|e| e.name()))
        .filter(|name| is_stub(name))
        .map(|name| format!(".{package}.{name}").replace("..", "."))
        .collect();
    file.message_type.retain(|message| !is_stub(message.name()));
    file.enum_type.retain(|e| !is_stub(e.name()));
    let info = file.source_code_info.take().unwrap();
    file.source_code_info = comments(info);
    let imports = set.file.len() - 1;
    for file in &mut set.file[..imports] {
        file.options = None;
        file.source_code_info = None;
    }
    for file in &mut set.file {
        for message in &mut file.message_type {
            normalise(message, &stub_names);
        }
    }
    set
}

/// protoc's source info without what the descriptor leaves out: the locations of the
/// service, its methods and the messages' fields that have a leading comment, with only that.
fn comments(info: SourceCodeInfo) -> Option<SourceCodeInfo> {
    let location: Vec<_> = (info.location.into_iter())
        .filter(|l| l.leading_comments.is_some() && matches!(l.path[..], [4, ..] | [6, ..]))
        .map(|l| Location {
            path: l.path,
            span: l.span,
            leading_comments: l.leading_comments,
            ..Default::default()
        })
        .collect();
    (!location.is_empty()).then_some(SourceCodeInfo { location })
}

fn normalise(message: &mut DescriptorProto, stubs: &[String]) {
    for field in &mut message.field {
        field.json_name = None;
        if stubs
            .iter()
            .any(|stub| Some(stub.as_str()) == field.type_name.as_deref())
        {
            field.r#type = None;
        }
    }
    for nested in &mut message.nested_type {
        normalise(nested, stubs);
    }
}

fn descriptor(model: &ActorModel) -> FileDescriptorSet {
    let bytes = wire::file_descriptor_set(model).unwrap();
    FileDescriptorSet::decode(bytes.as_slice()).unwrap()
}

#[test]
fn shapes_agree_with_protoc() {
    let model = shapes();
    let text = wire::schema(&model).unwrap();
    let ours = descriptor(&model);
    assert_eq!(ours.file.last().unwrap().name(), "test/v1/shapes.proto");
    assert_eq!(ours, protoc("test/v1/shapes.proto", &text, ""));
    // The streaming methods are server-streaming, and only those.
    let service = &ours.file.last().unwrap().service[0];
    let streaming: Vec<&str> = service
        .method
        .iter()
        .filter(|m| m.server_streaming())
        .map(|m| m.name())
        .collect();
    assert_eq!(streaming, ["History", "Ticks"]);
    assert!(service.method.iter().all(|m| !m.client_streaming()));
    assert!(
        text.contains("rpc History(ShapesHistoryRequest) returns (stream ShapesHistoryReply);"),
        "{text}"
    );
}

#[test]
fn prost_types_agree_with_protoc() {
    let model = leaves();
    let text = wire::schema(&model).unwrap();
    let ours = descriptor(&model);
    assert_eq!(ours.file.len(), 1, "no imports: {ours:#?}");
    assert_eq!(ours, protoc("shop/v1/leaves.proto", &text, LEAVES));
}

#[test]
fn without_a_package() {
    let model = remote(
        "Bare",
        "",
        vec![handler(
            "get",
            vec![("id", 1, parse_quote!(Order))],
            ask(parse_quote!(HashMap<u64, Order>)),
        )],
    );
    let text = wire::schema(&model).unwrap();
    let ours = descriptor(&model);
    assert_eq!(ours.file[0].name(), "bare.proto");
    assert_eq!(ours.file[0].package, None);
    assert_eq!(ours, protoc("bare.proto", &text, "message Order {}\n"));
}

/// The well-known files the descriptor builds are protoc's own, their options aside.
#[test]
fn well_known_files_are_protocs() {
    let ours = descriptor(&shapes());
    let names: Vec<_> = ours.file.iter().map(|file| file.name()).collect();
    assert_eq!(
        names,
        [
            "google/protobuf/empty.proto",
            "google/protobuf/any.proto",
            "google/rpc/status.proto",
            "test/v1/shapes.proto"
        ]
    );
    let google = GoogleFileResolver::new();
    for file in &ours.file[..2] {
        let mut theirs = google
            .open_file(file.name())
            .unwrap()
            .file_descriptor_proto()
            .clone();
        theirs.options = None;
        theirs.source_code_info = None;
        for message in &mut theirs.message_type {
            normalise(message, &[]);
        }
        assert_eq!(file, &theirs);
    }
}

/// A set whose types are all scalars, lists, options, maps, `()` and `Status` is complete: a
/// descriptor pool takes it with every reference resolved.
#[test]
fn without_prost_types_the_set_is_complete() {
    let bytes = wire::file_descriptor_set(&shapes()).unwrap();
    let pool = DescriptorPool::decode(bytes.as_slice()).unwrap();
    let service = pool.get_service_by_name("test.v1.Shapes").unwrap();
    let status = service.methods().find(|m| m.name() == "Status").unwrap();
    let reply = status.output();
    assert_eq!(reply.full_name(), "test.v1.ShapesStatusReply");
    let field = reply.get_field(4).unwrap();
    assert_eq!(
        field.kind().as_message().unwrap().full_name(),
        "google.rpc.Status"
    );
    let maps = pool
        .get_message_by_name("test.v1.ShapesMapsRequest")
        .unwrap();
    assert!(maps.get_field_by_name("tag_names").unwrap().is_map());
    // A prost type by name is not defined in the set.
    let bytes = wire::file_descriptor_set(&leaves()).unwrap();
    let error = DescriptorPool::decode(bytes.as_slice()).unwrap_err();
    assert!(error.to_string().contains("Order"), "{error}");
}

#[test]
fn snapshot_as_text_format() {
    let bytes = wire::file_descriptor_set(&shapes()).unwrap();
    let set = DescriptorPool::global()
        .get_message_by_name("google.protobuf.FileDescriptorSet")
        .unwrap();
    let set = DynamicMessage::decode(set, bytes.as_slice()).unwrap();
    insta::assert_snapshot!(format!("{set:#}"));
}

#[test]
fn only_remote_actors_have_one() {
    let mut model = shapes();
    model.remote = false;
    assert_eq!(wire::file_descriptor_set(&model), None);
}
