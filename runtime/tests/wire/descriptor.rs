//! `RemoteActor::FILE_DESCRIPTOR_SET` against the checked-in `.proto` texts of the test actors
//! (see `identity.rs`), compiled with protox as protoc would: the descriptor a node serves
//! through reflection says what the text says. The prost types the texts name are defined
//! here for protox (`STUBS`); the macro's descriptor only names them.

use protox::file::{ChainFileResolver, File, FileResolver, GoogleFileResolver};
use protox::prost_reflect::DescriptorPool;
use protox::prost_reflect::prost::Message as _;
use protox::prost_reflect::prost_types::{DescriptorProto, FileDescriptorProto, FileDescriptorSet};
use rakt::prelude::*;
use rakt::wire::{RemoteActor, Status};

use crate::replies::Answers;
use crate::shapes::Shapes;

/// The prost types of `common.rs` that the schemas name, as protox needs them defined.
const STUBS: &[&str] = &[
    "message Order {}",
    "enum Color { COLOR_UNSPECIFIED = 0; }",
    "message Refusal {}",
    "message OutOfStock {}",
    "message DebugOnly {}",
    "message Opaque {}",
    "message Id {}",
];

/// The checked-in schema `file` (in `tests/wire/`) with `STUBS` appended, as the file `name`,
/// and `google/rpc/status.proto` as googleapis defines it (without its file options).
struct Schemas {
    name: &'static str,
    file: &'static str,
}

impl FileResolver for Schemas {
    fn open_file(&self, name: &str) -> Result<File, protox::Error> {
        if name == self.name {
            let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/wire/");
            let text = std::fs::read_to_string(format!("{dir}{}", self.file)).unwrap();
            File::from_source(name, &format!("{text}\n{}\n", STUBS.join("\n")))
        } else if name == "google/rpc/status.proto" {
            let status = "syntax = \"proto3\";\npackage google.rpc;\n\
                          import \"google/protobuf/any.proto\";\nmessage Status {\n  \
                          int32 code = 1;\n  string message = 2;\n  \
                          repeated google.protobuf.Any details = 3;\n}\n";
            File::from_source(name, status)
        } else {
            Err(protox::Error::file_not_found(name))
        }
    }
}

/// protoc's reading of the actor file: its stubs taken out again (a field of a stub type
/// loses its type, which the macro cannot know), no `json_name`, and of the source info only
/// the comments before elements.
fn protoc(name: &'static str, file: &'static str) -> FileDescriptorProto {
    let mut resolver = ChainFileResolver::new();
    resolver.add(Schemas { name, file });
    resolver.add(GoogleFileResolver::new());
    let mut compiler = protox::Compiler::with_file_resolver(resolver);
    compiler.include_source_info(true);
    compiler.open_file(name).unwrap();
    let mut actor = compiler.file_descriptor_set().file.pop().unwrap();
    let stub = |name: &str| STUBS.iter().any(|s| s.contains(&format!(" {name} ")));
    actor.message_type.retain(|message| !stub(message.name()));
    actor.enum_type.clear();
    // The source info the descriptor has: the comments before the service, its methods and
    // the fields.
    let info = actor.source_code_info.as_mut().unwrap();
    info.location.retain(|location| {
        location.leading_comments.is_some() && matches!(location.path[..], [4, ..] | [6, ..])
    });
    for location in &mut info.location {
        location.trailing_comments = None;
        location.leading_detached_comments.clear();
    }
    fn normalise(message: &mut DescriptorProto, stub: &dyn Fn(&str) -> bool) {
        for field in &mut message.field {
            field.json_name = None;
            if stub(field.type_name().trim_start_matches(".test.v1.")) {
                field.r#type = None;
            }
        }
        for nested in &mut message.nested_type {
            normalise(nested, stub);
        }
    }
    for message in &mut actor.message_type {
        normalise(message, &stub);
    }
    actor
}

fn decode(bytes: &[u8]) -> FileDescriptorSet {
    FileDescriptorSet::decode(bytes).unwrap()
}

#[test]
fn descriptors_say_what_the_schemas_say() {
    for (name, file, set) in [
        (
            "test/v1/shapes.proto",
            "shapes.proto",
            Shapes::FILE_DESCRIPTOR_SET,
        ),
        (
            "test/v1/answers.proto",
            "answers.proto",
            Answers::FILE_DESCRIPTOR_SET,
        ),
    ] {
        let set = decode(set);
        let ours = set.file.last().unwrap();
        assert_eq!(ours, &protoc(name, file), "{file}");
        // Each import comes before the file that imports it.
        for (position, file) in set.file.iter().enumerate() {
            for dependency in &file.dependency {
                let before: Vec<_> = set.file[..position].iter().map(|f| f.name()).collect();
                assert!(before.contains(&dependency.as_str()), "{dependency}");
            }
        }
    }
}

/// An actor of scalars, strings, lists, options, maps, `()` and `Status` only.
#[actor]
#[derive(Default)]
pub(crate) struct Plain;

#[actor(remote = "plain.v1")]
impl Plain {
    pub(crate) fn put(&mut self, key: String, tags: Vec<String>, ttl: Option<u64>) {
        let _ = (key, tags, ttl);
    }

    pub(crate) fn get(&self, keys: std::collections::HashMap<String, bool>) -> Vec<u8> {
        keys.len().to_le_bytes().to_vec()
    }

    pub(crate) fn check(&self, strict: bool) -> Result<Option<u32>, Status> {
        Ok(strict.then_some(1))
    }

    pub(crate) fn clear(&mut self) -> Result<(), ()> {
        Ok(())
    }
}

/// Without prost types, the descriptor set is complete: a descriptor pool resolves every
/// reference in it, and a reflection client sees the actor's service as the transport calls it.
#[test]
fn a_set_without_prost_types_is_complete() {
    let pool = DescriptorPool::decode(Plain::FILE_DESCRIPTOR_SET).unwrap();
    let files: Vec<_> = pool.files().map(|file| file.name().to_owned()).collect();
    assert_eq!(
        files,
        [
            "google/protobuf/empty.proto",
            "google/protobuf/any.proto",
            "google/rpc/status.proto",
            "plain/v1/plain.proto"
        ]
    );
    let service = pool.get_service_by_name(Plain::SERVICE).unwrap();
    let paths: Vec<_> = service
        .methods()
        .map(|method| format!("{}/{}", service.full_name(), method.name()))
        .collect();
    let wire: Vec<_> = Plain::METHODS.iter().map(|method| method.path).collect();
    assert_eq!(paths, wire);
    for (method, wire) in service.methods().zip(Plain::METHODS) {
        assert_eq!(method.input().full_name(), wire.request);
        let output = method.output().full_name().to_owned();
        assert_eq!(output, wire.reply.unwrap_or("google.protobuf.Empty"));
    }
    let check = pool
        .get_message_by_name("plain.v1.PlainCheckReply")
        .unwrap();
    let status = check.get_field_by_name("status").unwrap();
    assert_eq!(status.number(), 4);
    assert_eq!(
        status.kind().as_message().unwrap().full_name(),
        "google.rpc.Status"
    );
}

/// A prost type is named, not defined: the set of an actor that uses one needs the file that
/// defines it.
#[test]
fn prost_types_are_named_not_defined() {
    let error = DescriptorPool::decode(Answers::FILE_DESCRIPTOR_SET).unwrap_err();
    assert!(error.to_string().contains("test.v1."), "{error}");
}
