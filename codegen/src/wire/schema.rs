//! The protobuf schema of a remote actor, read from its model in one walk: a service, one
//! method per handler, and each handler's request and reply messages. The `.proto` text
//! ([`Schema::text`]) and the file descriptor ([`super::descriptor`]) both render from it, so
//! the two cannot say different things; the descriptor's source info (where the text's comments
//! stand) comes from the rendering of the text itself ([`Schema::render`]).

use syn::Type;
use syn::ext::IdentExt;

use super::{Scalar, WireType, classify, leaf_name, plain_path, reply_types};
use crate::model::Answer;
use crate::{ActorModel, naming};

/// The file that defines `google.protobuf.Empty`.
pub(crate) const EMPTY_FILE: &str = "google/protobuf/empty.proto";
/// The file that defines `google.rpc.Status`.
pub(crate) const STATUS_FILE: &str = "google/rpc/status.proto";

/// A remote actor's schema.
pub(crate) struct Schema {
    /// The actor's Rust name, `Shop`, for the text's header.
    pub rust_name: String,
    /// The protobuf package, `shop.v1`; empty for none.
    pub package: String,
    /// The service's name, `Shop`.
    pub service: String,
    /// The actor's doc lines, each as written after `///`.
    pub docs: Vec<String>,
    /// One method per handler, in declaration order.
    pub rpcs: Vec<Rpc>,
    /// The request and reply messages, in the order of the handlers (request first).
    pub messages: Vec<Message>,
    /// Whether a method or field is `google.protobuf.Empty`.
    pub empty: bool,
    /// Whether a field is `google.rpc.Status`.
    pub status: bool,
}

/// One method.
pub(crate) struct Rpc {
    /// `Place`.
    pub name: String,
    /// The handler's doc lines.
    pub docs: Vec<String>,
    /// The request message's name in the package, `ShopPlaceRequest`.
    pub request: String,
    /// The reply message's name in the package, `ShopPlaceReply`; `None` for a tell, whose
    /// reply is `google.protobuf.Empty`.
    pub reply: Option<String>,
    /// Whether the method streams its replies (a streaming ask): `returns (stream ..)`, one
    /// reply message per item.
    pub stream: bool,
}

/// A request or reply message.
pub(crate) struct Message {
    /// Its name in the package, `ShopPlaceRequest`.
    pub name: String,
    /// Its fields outside any oneof, in the order the text lists them.
    pub fields: Vec<Field>,
    /// The fields of a reply's `oneof failure`, for a handler that can fail (not `oneof error`,
    /// whose name its field `error` would take again).
    pub failure: Option<Vec<Field>>,
}

/// A field.
pub(crate) struct Field {
    /// Its name, `order`.
    pub name: String,
    /// Its number.
    pub number: u32,
    /// Singular, optional, repeated or a map.
    pub label: Label,
    /// Its type (a map's value type).
    pub ty: FieldType,
    /// A comment line the text puts before it, as written after `//`.
    pub comment: Option<String>,
}

/// How many values a field holds.
#[derive(Clone, Copy)]
pub(crate) enum Label {
    /// One, with no presence (`uint64 n`).
    Singular,
    /// One, with presence (`optional uint64 n`).
    Optional,
    /// A list (`repeated uint64 n`).
    Repeated,
    /// A map with this key (`map<string, T> n`).
    Map(Scalar),
}

/// What a field (or a map's value) is.
#[derive(Clone)]
pub(crate) enum FieldType {
    /// A protobuf scalar.
    Scalar(Scalar),
    /// A prost message or enum, by the last segment of its Rust path, in the schema's package:
    /// which of the two the macro cannot see.
    Leaf(String),
    /// `google.protobuf.Empty`.
    Empty,
    /// `google.rpc.Status`.
    Status,
}

impl FieldType {
    /// How the text names it: `uint64`, `Order`, `google.rpc.Status`.
    pub fn text(&self) -> &str {
        match self {
            FieldType::Scalar(scalar) => scalar.proto(),
            FieldType::Leaf(name) => name,
            FieldType::Empty => "google.protobuf.Empty",
            FieldType::Status => "google.rpc.Status",
        }
    }
}

impl Schema {
    /// The schema of a remote actor; `None` for an actor that is not remote, or whose types do
    /// not all travel (a model that [`validate`](crate::validate()) rejects).
    pub fn of(model: &ActorModel) -> Option<Schema> {
        if !model.remote {
            return None;
        }
        let actor = &model.proto_name;
        // Messages are named inside the package, as `naming` spells them without one.
        let mut schema = Schema {
            rust_name: model.rust_name.unraw().to_string(),
            package: model.package.clone(),
            service: actor.clone(),
            docs: model.docs.clone(),
            rpcs: Vec::new(),
            messages: Vec::new(),
            empty: false,
            status: false,
        };
        for handler in &model.handlers {
            let method = &handler.proto_name;
            let request = naming::request_message("", actor, method);
            let (ok, err) = reply_types(&handler.reply);
            let reply = ok.map(|_| naming::reply_message("", actor, method));
            schema.empty |= reply.is_none();
            schema.rpcs.push(Rpc {
                name: method.clone(),
                docs: handler.docs.clone(),
                request: request.clone(),
                reply: reply.clone(),
                stream: handler.reply.answer() == Answer::Stream,
            });

            let mut args: Vec<_> = handler.args.iter().collect();
            args.sort_by_key(|arg| arg.field);
            let fields = args
                .into_iter()
                // `()` is no argument: its model does not validate.
                .map(|arg| field(arg.name.unraw().to_string(), arg.field, &arg.ty).flatten())
                .collect::<Option<Vec<_>>>()?;
            schema.messages.push(Message {
                name: request,
                fields,
                failure: None,
            });

            let (Some(reply), Some(ok)) = (reply, ok) else {
                continue;
            };
            let value = field("value".to_owned(), 1, ok)?;
            let failure = err.map(|err| schema.failure_fields(err));
            schema.messages.push(Message {
                name: reply,
                fields: value.into_iter().collect(),
                failure,
            });
        }
        Some(schema)
    }

    /// The fields of a reply's `oneof failure` for the error type `err`: the error itself when
    /// it is a scalar or `()`, `google.rpc.Status` in field 4 for a `Status`, the error and its
    /// text for a path (which of the two travels the compiler decides), its text otherwise.
    fn failure_fields(&mut self, err: &Type) -> Vec<Field> {
        let field = |name: &str, number, ty, comment| Field {
            name: name.to_owned(),
            number,
            label: Label::Singular,
            ty,
            comment,
        };
        let text = field("error_text", 3, FieldType::Scalar(Scalar::String), None);
        match classify(err) {
            Ok(WireType::Scalar(scalar)) => {
                vec![field("error", 2, FieldType::Scalar(scalar), None)]
            }
            Ok(WireType::Unit) => {
                self.empty = true;
                vec![field("error", 2, FieldType::Empty, None)]
            }
            Ok(WireType::Leaf(leaf)) if plain_path(&leaf) && leaf_name(&leaf) == "Status" => {
                self.status = true;
                vec![field("status", 4, FieldType::Status, None)]
            }
            Ok(WireType::Leaf(leaf)) if plain_path(&leaf) => {
                let name = leaf_name(&leaf);
                let comment = format!(
                    " `{name}` if it is a prost message or enum, else its text in `error_text`"
                );
                vec![
                    field("error", 2, FieldType::Leaf(name), Some(comment)),
                    text,
                ]
            }
            _ => vec![text],
        }
    }

    /// The `.proto` text.
    pub fn text(&self) -> String {
        self.render().text
    }

    /// The `.proto` text, and where its commented elements stand in it.
    pub fn render(&self) -> Rendered {
        let mut out = Rendered::default();
        out.push(&format!(
            "// The wire schema of actor `{}`, generated by `#[actor(remote)]`.\n\
             syntax = \"proto3\";\n",
            self.rust_name
        ));
        if !self.package.is_empty() {
            out.push(&format!("\npackage {};\n", self.package));
        }
        for import in self.imports() {
            out.push(&format!("\nimport \"{import}\";\n"));
        }
        out.push("\n");
        let service = out.comment(&self.docs, "");
        let start = out.line;
        out.push(&format!("service {} {{\n", self.service));
        for (index, rpc) in self.rpcs.iter().enumerate() {
            let comment = out.comment(&rpc.docs, "  ");
            let reply = rpc.reply.as_deref().unwrap_or("google.protobuf.Empty");
            let stream = if rpc.stream { "stream " } else { "" };
            let line = format!(
                "rpc {}({}) returns ({stream}{reply});",
                rpc.name, rpc.request
            );
            out.element("  ", &line, comment, vec![SERVICE, 0, METHOD, index as i32]);
        }
        out.push("}\n");
        if let Some(comment) = service {
            let span = vec![start, 0, out.line - 1, 1];
            let path = vec![SERVICE, 0];
            out.comments.push(Commented {
                path,
                span,
                comment,
            });
        }
        for (index, message) in self.messages.iter().enumerate() {
            out.push(&format!("\nmessage {} {{\n", message.name));
            let path = |field: usize| vec![MESSAGE, index as i32, FIELD, field as i32];
            for (number, field) in message.fields.iter().enumerate() {
                field.write(&mut out, "  ", path(number));
            }
            if let Some(failure) = &message.failure {
                out.push("  oneof failure {\n");
                for (number, field) in failure.iter().enumerate() {
                    field.write(&mut out, "    ", path(message.fields.len() + number));
                }
                out.push("  }\n");
            }
            out.push("}\n");
        }
        out
    }

    /// The files it imports, in order.
    pub fn imports(&self) -> Vec<&'static str> {
        let mut imports = Vec::new();
        if self.empty {
            imports.push(EMPTY_FILE);
        }
        if self.status {
            imports.push(STATUS_FILE);
        }
        imports
    }
}

impl Field {
    /// Its line in the text, after its comment; `path` is its place in the descriptor.
    fn write(&self, out: &mut Rendered, indent: &str, path: Vec<i32>) {
        let comment = out.comment(self.comment.as_slice(), indent);
        let ty = self.ty.text();
        let ty = match self.label {
            Label::Singular => ty.to_owned(),
            Label::Optional => format!("optional {ty}"),
            Label::Repeated => format!("repeated {ty}"),
            Label::Map(key) => format!("map<{}, {ty}>", key.proto()),
        };
        let line = format!("{ty} {} = {};", self.name, self.number);
        out.element(indent, &line, comment, path);
    }
}

/// `FileDescriptorProto.message_type`, `DescriptorProto.field`, `FileDescriptorProto.service`,
/// `ServiceDescriptorProto.method`: the steps of a source location's path.
const MESSAGE: i32 = 4;
const FIELD: i32 = 2;
const SERVICE: i32 = 6;
const METHOD: i32 = 2;

/// A schema's text, and where its commented elements stand in it.
#[derive(Default)]
pub(crate) struct Rendered {
    /// The text.
    pub text: String,
    /// Each element with a comment before it.
    pub comments: Vec<Commented>,
    /// The line being written (from 0).
    line: i32,
}

/// An element of the text with a comment right before it, as a descriptor's source info
/// locates it (protoc's reading).
// Read by the descriptor (feature `descriptor`) alone.
#[cfg_attr(not(feature = "descriptor"), allow(dead_code))]
pub(crate) struct Commented {
    /// The element's place in the `FileDescriptorProto`, `[4, 0, 2, 1]` for the second field
    /// of the first message.
    pub path: Vec<i32>,
    /// Where it stands: start line and column, end line (left out when it is the start line)
    /// and column after its end, from 0.
    pub span: Vec<i32>,
    /// The comment without its `//`s, a line each, each ending in a newline.
    pub comment: String,
}

impl Rendered {
    fn push(&mut self, text: &str) {
        self.text.push_str(text);
        self.line += text.matches('\n').count() as i32;
    }

    /// Writes `lines` as comments; the comment's text, if there are any.
    fn comment(&mut self, lines: &[String], indent: &str) -> Option<String> {
        for line in lines {
            self.push(&format!("{indent}//{line}\n"));
        }
        (!lines.is_empty()).then(|| lines.iter().map(|line| format!("{line}\n")).collect())
    }

    /// Writes a one-line element, located at `path` if a comment comes before it.
    fn element(&mut self, indent: &str, text: &str, comment: Option<String>, path: Vec<i32>) {
        if let Some(comment) = comment {
            let start = indent.len() as i32;
            let span = vec![self.line, start, start + text.len() as i32];
            self.comments.push(Commented {
                path,
                span,
                comment,
            });
        }
        self.push(&format!("{indent}{text}\n"));
    }
}

/// The field `name = number` of type `ty`: `Some(None)` for `()`, which is no field; `None` if
/// `ty` does not travel.
fn field(name: String, number: u32, ty: &Type) -> Option<Option<Field>> {
    let (label, ty) = match classify(ty).ok()? {
        WireType::Unit => return Some(None),
        WireType::Repeated(inner) => (Label::Repeated, field_type(&inner)?),
        WireType::Optional(inner) => (Label::Optional, field_type(&inner)?),
        WireType::Map { key, value, .. } => (Label::Map(key), field_type(&value)?),
        single => (Label::Singular, field_type(&single)?),
    };
    Some(Some(Field {
        name,
        number,
        label,
        ty,
        comment: None,
    }))
}

/// The type of one value (a scalar or a leaf).
fn field_type(wire: &WireType) -> Option<FieldType> {
    match wire {
        WireType::Scalar(scalar) => Some(FieldType::Scalar(*scalar)),
        WireType::Leaf(ty) => Some(FieldType::Leaf(leaf_name(ty))),
        _ => None,
    }
}
