//! A remote actor's schema as an encoded `google.protobuf.FileDescriptorSet`: what protoc
//! would make of its `.proto` text, for a node to serve through gRPC reflection.
//!
//! The actor's file is named for its package and actor, `shop/v1/shop.proto` (`shop.proto`
//! without a package). Before it come the files it imports, built here as protoc's own copies
//! define their messages (their file options left out): `google/protobuf/empty.proto`, and for
//! a `Status` error `google/protobuf/any.proto` and `google/rpc/status.proto`. Fields follow
//! protoc: a singular field has label `optional`, an `optional` field is `proto3_optional` with
//! a synthetic oneof (`_name`, declared after the real ones), and a map field is a repeated
//! `NameEntry` message nested in its message, with the `map_entry` option. `json_name` is
//! left out; the source info has the text's comments (the docs of the actor and its handlers,
//! the note on a typed error) at the elements they precede, with the elements' spans in the
//! text, and nothing else. A prost message or enum is referenced as `.<package>.<Name>`
//! with no type (the macro cannot tell a message from an enum) and is not defined in the set.

use std::collections::HashSet;

use heck::ToSnakeCase;
use prost::Message as _;
use prost_types::field_descriptor_proto::{Label as ProtoLabel, Type as ProtoType};
use prost_types::source_code_info::Location;
use prost_types::{
    DescriptorProto, FieldDescriptorProto, FileDescriptorProto, FileDescriptorSet, MessageOptions,
    MethodDescriptorProto, OneofDescriptorProto, ServiceDescriptorProto, SourceCodeInfo,
};

use super::Scalar;
use super::schema::{EMPTY_FILE, Field, FieldType, Label, Message, STATUS_FILE, Schema};

/// The file that defines `google.protobuf.Any`.
const ANY_FILE: &str = "google/protobuf/any.proto";

/// The encoded `FileDescriptorSet` of `schema`: the files it imports (and theirs), then its own.
pub(crate) fn encode(schema: &Schema) -> Vec<u8> {
    let mut file = Vec::new();
    if schema.empty {
        file.push(empty_file());
    }
    if schema.status {
        file.push(any_file());
        file.push(status_file());
    }
    file.push(actor_file(schema));
    FileDescriptorSet { file }.encode_to_vec()
}

/// The actor's own file.
fn actor_file(schema: &Schema) -> FileDescriptorProto {
    let package = &schema.package;
    let name = schema.service.to_snake_case();
    let path = if package.is_empty() {
        format!("{name}.proto")
    } else {
        format!("{}/{name}.proto", package.replace('.', "/"))
    };
    let local = |name: &str| full_name(package, name);
    let method = schema
        .rpcs
        .iter()
        .map(|rpc| MethodDescriptorProto {
            name: Some(rpc.name.clone()),
            input_type: Some(local(&rpc.request)),
            output_type: Some(match &rpc.reply {
                Some(reply) => local(reply),
                None => ".google.protobuf.Empty".to_owned(),
            }),
            server_streaming: rpc.stream.then_some(true),
            ..Default::default()
        })
        .collect();
    let mut location = schema
        .render()
        .comments
        .into_iter()
        .map(|commented| Location {
            path: commented.path,
            span: commented.span,
            leading_comments: Some(commented.comment),
            ..Default::default()
        })
        .collect::<Vec<_>>();
    // By path, as protox orders them (messages before the service).
    location.sort_by(|a, b| a.path.cmp(&b.path));
    FileDescriptorProto {
        name: Some(path),
        package: (!package.is_empty()).then(|| package.clone()),
        dependency: schema.imports().into_iter().map(str::to_owned).collect(),
        message_type: schema
            .messages
            .iter()
            .map(|message| message_descriptor(package, message))
            .collect(),
        service: vec![ServiceDescriptorProto {
            name: Some(schema.service.clone()),
            method,
            ..Default::default()
        }],
        source_code_info: (!location.is_empty()).then_some(SourceCodeInfo { location }),
        syntax: Some("proto3".to_owned()),
        ..Default::default()
    }
}

/// `.shop.v1.Order`; `.Order` without a package.
fn full_name(package: &str, name: &str) -> String {
    if package.is_empty() {
        format!(".{name}")
    } else {
        format!(".{package}.{name}")
    }
}

/// A request or reply message.
fn message_descriptor(package: &str, message: &Message) -> DescriptorProto {
    let scope = full_name(package, &message.name);
    let mut descriptor = DescriptorProto {
        name: Some(message.name.clone()),
        ..Default::default()
    };
    let mut add = |field: &Field, oneof: Option<i32>| {
        let mut proto = field_descriptor(package, &field.name, field.number, &field.ty);
        proto.oneof_index = oneof;
        match field.label {
            Label::Singular => {}
            Label::Optional => proto.proto3_optional = Some(true),
            Label::Repeated => proto.set_label(ProtoLabel::Repeated),
            Label::Map(key) => {
                let entry = map_entry_name(&field.name);
                let value = field_descriptor(package, "value", 2, &field.ty);
                descriptor.nested_type.push(DescriptorProto {
                    name: Some(entry.clone()),
                    field: vec![scalar_field("key", 1, key), value],
                    options: Some(MessageOptions {
                        map_entry: Some(true),
                        ..Default::default()
                    }),
                    ..Default::default()
                });
                proto = message_field(&field.name, field.number, format!("{scope}.{entry}"));
                proto.set_label(ProtoLabel::Repeated);
            }
        }
        descriptor.field.push(proto);
    };
    for field in &message.fields {
        add(field, None);
    }
    if let Some(failure) = &message.failure {
        for field in failure {
            add(field, Some(0));
        }
        descriptor.oneof_decl.push(OneofDescriptorProto {
            name: Some("failure".to_owned()),
            ..Default::default()
        });
    }
    synthetic_oneofs(&mut descriptor);
    descriptor
}

/// A oneof for each `proto3_optional` field, after the real ones, named as protoc names it:
/// `_name`, with `X`s in front until no field or oneof has that name.
fn synthetic_oneofs(descriptor: &mut DescriptorProto) {
    let mut names: HashSet<String> = descriptor
        .field
        .iter()
        .map(|field| field.name().to_owned())
        .chain(
            descriptor
                .oneof_decl
                .iter()
                .map(|oneof| oneof.name().to_owned()),
        )
        .collect();
    for field in &mut descriptor.field {
        if !field.proto3_optional() {
            continue;
        }
        let mut name = field.name().to_owned();
        if !name.starts_with('_') {
            name.insert(0, '_');
        }
        while names.contains(&name) {
            name.insert(0, 'X');
        }
        names.insert(name.clone());
        field.oneof_index = i32::try_from(descriptor.oneof_decl.len()).ok();
        descriptor.oneof_decl.push(OneofDescriptorProto {
            name: Some(name),
            ..Default::default()
        });
    }
}

/// The nested message of the map field `name`, as protoc names it: `tag_names` is
/// `TagNamesEntry`.
fn map_entry_name(name: &str) -> String {
    let mut entry = String::new();
    let mut upper = true;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            entry.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            entry.push(c);
        }
    }
    entry + "Entry"
}

/// A singular field of type `ty`.
fn field_descriptor(
    package: &str,
    name: &str,
    number: u32,
    ty: &FieldType,
) -> FieldDescriptorProto {
    match ty {
        FieldType::Scalar(scalar) => scalar_field(name, number, *scalar),
        // A message or an enum: no type, which a reader takes from the definition.
        FieldType::Leaf(leaf) => FieldDescriptorProto {
            type_name: Some(full_name(package, leaf)),
            ..plain_field(name, number)
        },
        FieldType::Empty => message_field(name, number, ".google.protobuf.Empty".to_owned()),
        FieldType::Status => message_field(name, number, ".google.rpc.Status".to_owned()),
    }
}

/// A singular scalar field.
fn scalar_field(name: &str, number: u32, scalar: Scalar) -> FieldDescriptorProto {
    let mut field = plain_field(name, number);
    field.set_type(match scalar {
        Scalar::Bool => ProtoType::Bool,
        Scalar::UInt32 => ProtoType::Uint32,
        Scalar::UInt64 => ProtoType::Uint64,
        Scalar::Int32 => ProtoType::Int32,
        Scalar::Int64 => ProtoType::Int64,
        Scalar::Float => ProtoType::Float,
        Scalar::Double => ProtoType::Double,
        Scalar::String => ProtoType::String,
        Scalar::VecBytes | Scalar::Bytes => ProtoType::Bytes,
    });
    field
}

/// A singular field of the message `type_name` (fully qualified).
fn message_field(name: &str, number: u32, type_name: String) -> FieldDescriptorProto {
    let mut field = plain_field(name, number);
    field.set_type(ProtoType::Message);
    field.type_name = Some(type_name);
    field
}

/// A singular field with no type yet.
fn plain_field(name: &str, number: u32) -> FieldDescriptorProto {
    let mut field = FieldDescriptorProto {
        name: Some(name.to_owned()),
        number: i32::try_from(number).ok(),
        ..Default::default()
    };
    field.set_label(ProtoLabel::Optional);
    field
}

/// `google/protobuf/empty.proto`: `message Empty {}`.
fn empty_file() -> FileDescriptorProto {
    well_known(EMPTY_FILE, "google.protobuf", &[], "Empty", Vec::new())
}

/// `google/protobuf/any.proto`: `message Any { string type_url = 1; bytes value = 2; }`.
fn any_file() -> FileDescriptorProto {
    let fields = vec![
        scalar_field("type_url", 1, Scalar::String),
        scalar_field("value", 2, Scalar::Bytes),
    ];
    well_known(ANY_FILE, "google.protobuf", &[], "Any", fields)
}

/// `google/rpc/status.proto`: `message Status { int32 code = 1; string message = 2;
/// repeated google.protobuf.Any details = 3; }`.
fn status_file() -> FileDescriptorProto {
    let mut details = message_field("details", 3, ".google.protobuf.Any".to_owned());
    details.set_label(ProtoLabel::Repeated);
    let fields = vec![
        scalar_field("code", 1, Scalar::Int32),
        scalar_field("message", 2, Scalar::String),
        details,
    ];
    well_known(STATUS_FILE, "google.rpc", &[ANY_FILE], "Status", fields)
}

/// A proto3 file that defines one message.
fn well_known(
    name: &str,
    package: &str,
    dependency: &[&str],
    message: &str,
    field: Vec<FieldDescriptorProto>,
) -> FileDescriptorProto {
    FileDescriptorProto {
        name: Some(name.to_owned()),
        package: Some(package.to_owned()),
        dependency: dependency.iter().map(|&file| file.to_owned()).collect(),
        message_type: vec![DescriptorProto {
            name: Some(message.to_owned()),
            field,
            ..Default::default()
        }],
        syntax: Some("proto3".to_owned()),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// protoc's names, which `tests/descriptor.rs` compares with protox's for the shapes a
    /// valid proto3 schema has; a taken `_name` (only with a field `_name`, whose JSON name
    /// proto3 rejects next to `name`) gets `X`s.
    #[test]
    fn generated_names_follow_protoc() {
        assert_eq!(map_entry_name("tag_names"), "TagNamesEntry");
        assert_eq!(map_entry_name("_tags"), "TagsEntry");
        let mut message = DescriptorProto::default();
        for (name, optional) in [("x", true), ("_x", false), ("_y", true), ("X_x", false)] {
            let mut field = scalar_field(name, 1, Scalar::UInt32);
            field.proto3_optional = optional.then_some(true);
            message.field.push(field);
        }
        synthetic_oneofs(&mut message);
        let oneofs: Vec<_> = message.oneof_decl.iter().map(|o| o.name()).collect();
        assert_eq!(oneofs, ["XX_x", "X_y"]);
        assert_eq!(message.field[0].oneof_index, Some(0));
        assert_eq!(message.field[2].oneof_index, Some(1));
        assert_eq!(message.field[1].oneof_index, None);
    }
}
