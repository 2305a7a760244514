//! How the types of a remote actor's handlers travel, read from their syntax.
//!
//! A front end sees types as written, so [`classify`] reads them by name:
//!
//! | written | [`WireType`] | protobuf |
//! |---|---|---|
//! | `bool`, `u32`, `u64`, `i32`, `i64`, `f32`, `f64` | [`Scalar`] | `bool`, `uint32`, `uint64`, `int32`, `int64`, `float`, `double` |
//! | `String` | [`Scalar::String`] | `string` |
//! | `Vec<u8>`, `Bytes` | [`Scalar::VecBytes`], [`Scalar::Bytes`] | `bytes` |
//! | `Vec<T>` | [`WireType::Repeated`] | `repeated T` |
//! | `Option<T>` | [`WireType::Optional`] | `optional T` |
//! | `HashMap<K, V>`, `BTreeMap<K, V>` | [`WireType::Map`] | `map<K, V>` |
//! | `()` | [`WireType::Unit`] (a reply's only) | nothing (`google.protobuf.Empty`) |
//! | any other path | [`WireType::Leaf`] | a prost message or enum |
//!
//! Names are matched on a path's last segment, whatever its prefix (`std::string::String`,
//! `bytes::Bytes`, `::prost::alloc::vec::Vec<u8>`). The integers protobuf has no type for
//! (`u8`, `usize`, ...), tuples, arrays and the shapes protobuf cannot express (a repeated
//! optional, a map of lists, ...) are [`NotEncodable`], which the model's rules report at the
//! argument. A [`WireType::Leaf`] is decided by the compiler where the generated code names it:
//! a prost message, a prost enum, or an alias of a scalar travel; any other type is a compile
//! error at that type (see `rakt::wire`). Integers travel as the plain varint types; `sint` and
//! `fixed` encodings are not offered (a prost message can use them).

#[cfg(feature = "descriptor")]
mod descriptor;
mod schema;

use std::fmt;

use quote::ToTokens;
use syn::{GenericArgument, PathArguments, Type, TypePath};

use crate::model::ReplyKind;

use self::schema::Schema;

/// A type the macro knows by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scalar {
    /// `bool`
    Bool,
    /// `u32`
    UInt32,
    /// `u64`
    UInt64,
    /// `i32`
    Int32,
    /// `i64`
    Int64,
    /// `f32`
    Float,
    /// `f64`
    Double,
    /// `String`
    String,
    /// `Vec<u8>`
    VecBytes,
    /// `bytes::Bytes`
    Bytes,
}

impl Scalar {
    /// Its protobuf type, `uint64`.
    pub fn proto(self) -> &'static str {
        match self {
            Scalar::Bool => "bool",
            Scalar::UInt32 => "uint32",
            Scalar::UInt64 => "uint64",
            Scalar::Int32 => "int32",
            Scalar::Int64 => "int64",
            Scalar::Float => "float",
            Scalar::Double => "double",
            Scalar::String => "string",
            Scalar::VecBytes | Scalar::Bytes => "bytes",
        }
    }

    /// The name of its codec in `rakt::wire`'s codec API, `UInt64`.
    pub fn codec(self) -> &'static str {
        match self {
            Scalar::Bool => "Bool",
            Scalar::UInt32 => "UInt32",
            Scalar::UInt64 => "UInt64",
            Scalar::Int32 => "Int32",
            Scalar::Int64 => "Int64",
            Scalar::Float => "Float",
            Scalar::Double => "Double",
            Scalar::String => "Str",
            Scalar::VecBytes => "VecBytes",
            Scalar::Bytes => "BytesCodec",
        }
    }

    /// Whether it can be a map key (an integer, `bool` or `String`).
    pub fn is_map_key(self) -> bool {
        !matches!(
            self,
            Scalar::Float | Scalar::Double | Scalar::VecBytes | Scalar::Bytes
        )
    }
}

/// Which map a [`WireType::Map`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MapKind {
    /// `HashMap`
    Hash,
    /// `BTreeMap`
    BTree,
}

/// How a type travels, read from its syntax.
#[derive(Clone, Debug)]
pub enum WireType {
    /// A type known by name.
    Scalar(Scalar),
    /// Any other path: a prost message or enum, or an alias; decided where it is compiled.
    Leaf(Box<Type>),
    /// `Vec<T>` (`T` not `u8`): a repeated field; the element is a scalar or a leaf.
    Repeated(Box<WireType>),
    /// `Option<T>`: a field with explicit presence; `T` is a scalar or a leaf.
    Optional(Box<WireType>),
    /// A map: the key a scalar that can be one, the value a scalar or a leaf.
    Map {
        /// `HashMap` or `BTreeMap`.
        kind: MapKind,
        /// The key.
        key: Scalar,
        /// The value.
        value: Box<WireType>,
    },
    /// `()`: only as a reply, which then carries nothing.
    Unit,
}

impl WireType {
    /// Whether it is one value (a scalar or a leaf), which a list, an option or a map can hold.
    pub fn is_singular(&self) -> bool {
        matches!(self, WireType::Scalar(_) | WireType::Leaf(_))
    }

    /// The leaf the compiler has to decide, if any (at most one: a map's key is a scalar).
    pub fn leaf(&self) -> Option<&Type> {
        match self {
            WireType::Leaf(ty) => Some(ty),
            WireType::Repeated(inner) | WireType::Optional(inner) => inner.leaf(),
            WireType::Map { value, .. } => value.leaf(),
            WireType::Scalar(_) | WireType::Unit => None,
        }
    }

    /// Its protobuf field type, before the field's name: `uint64`, `repeated string`,
    /// `optional Order`, `map<string, Color>`; a leaf by the last segment of its Rust path
    /// (a prost message or enum of that name is assumed to exist in the schema's package).
    /// `None` for [`WireType::Unit`], which is no field.
    pub fn proto(&self) -> Option<String> {
        Some(match self {
            WireType::Scalar(scalar) => scalar.proto().to_owned(),
            WireType::Leaf(ty) => leaf_name(ty),
            WireType::Repeated(inner) => format!("repeated {}", inner.proto()?),
            WireType::Optional(inner) => format!("optional {}", inner.proto()?),
            WireType::Map { key, value, .. } => format!("map<{}, {}>", key.proto(), value.proto()?),
            WireType::Unit => return None,
        })
    }
}

/// A leaf's protobuf name: its path's last segment, `Order` for `shop::Order`.
fn leaf_name(ty: &Type) -> String {
    match peel(ty) {
        Type::Path(TypePath { path, .. }) => path
            .segments
            .last()
            .map(|segment| segment.ident.to_string())
            .unwrap_or_default(),
        other => type_text(other),
    }
}

/// Why a type cannot travel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WireReason {
    /// An integer protobuf has no type for; `instead` is the one to use.
    Integer {
        /// What to use instead, `u32`.
        instead: &'static str,
    },
    /// A tuple.
    Tuple,
    /// An array or a slice.
    Array,
    /// `Vec<Vec<T>>` and other lists of lists (`Vec<Vec<u8>>` is `repeated bytes` and
    /// travels).
    NestedRepeated,
    /// `Vec<Option<T>>`.
    RepeatedOptional,
    /// `Vec<HashMap<..>>`.
    RepeatedMap,
    /// `Option<Vec<T>>`, `Option<HashMap<..>>`.
    OptionalCollection,
    /// `Option<Option<T>>`.
    OptionalOptional,
    /// A map key that is not an integer, `bool` or `String`.
    MapKey,
    /// A map value that is a list, an option or a map.
    MapValue,
    /// `()` as an argument, or inside another type.
    Unit,
    /// Any other type: a reference, a pointer, a function, `dyn Trait`, `impl Trait`, `!`.
    Other,
}

/// A type that cannot travel: the part of it that is wrong, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotEncodable {
    /// The offending type as written, `u8`, `(u32, u32)`, `Option<Vec<u64>>`.
    pub ty: String,
    /// Why.
    pub reason: WireReason,
}

impl fmt::Display for NotEncodable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ty = &self.ty;
        match &self.reason {
            WireReason::Integer { instead } => {
                write!(f, "protobuf has no `{ty}`: use `{instead}`")
            }
            WireReason::Tuple => write!(
                f,
                "`{ty}` is a tuple, and protobuf has none: use a prost message"
            ),
            WireReason::Array => write!(
                f,
                "`{ty}` is an array: use `Vec<T>` (a repeated field), or `Vec<u8>` for bytes"
            ),
            WireReason::NestedRepeated => write!(
                f,
                "`{ty}` is a list of lists, and a repeated field holds single values: wrap the \
                 inner list in a prost message (`Vec<Vec<u8>>`, a list of bytes, travels)"
            ),
            WireReason::RepeatedOptional => write!(
                f,
                "`{ty}` is a list of options, and a repeated field has no empty elements: use \
                 `Vec<T>`"
            ),
            WireReason::RepeatedMap => write!(
                f,
                "`{ty}` is a list of maps, and protobuf has none: wrap the map in a prost message"
            ),
            WireReason::OptionalCollection => write!(
                f,
                "`{ty}` is an optional list or map, and a repeated field or a map has no \
                 presence: drop the `Option` (an empty one stands for none)"
            ),
            WireReason::OptionalOptional => write!(
                f,
                "`{ty}` nests options, and a field is present or absent, no more: use one \
                 `Option`"
            ),
            WireReason::MapKey => write!(
                f,
                "`{ty}` cannot be a map key: protobuf map keys are integers, `bool` or `String`"
            ),
            WireReason::MapValue => write!(
                f,
                "`{ty}` cannot be a map value, which is one value: wrap it in a prost message"
            ),
            WireReason::Unit => write!(
                f,
                "`{ty}` carries nothing: remove it (`()` travels only as a reply)"
            ),
            WireReason::Other => write!(
                f,
                "`{ty}` is not a protobuf type: a remote handler takes and returns `bool`, \
                 `u32`, `u64`, `i32`, `i64`, `f32`, `f64`, `String`, `Vec<u8>`, `Bytes`, \
                 `Vec<T>`, `Option<T>`, `HashMap<K, V>`, `BTreeMap<K, V>`, prost messages and \
                 prost enums"
            ),
        }
    }
}

/// How `ty` travels, or why it cannot. `()` is [`WireType::Unit`] here; where it may stand is
/// the caller's rule (a reply's value only).
pub fn classify(ty: &Type) -> Result<WireType, NotEncodable> {
    let ty = peel(ty);
    let fail = |reason| {
        Err(NotEncodable {
            ty: type_text(ty),
            reason,
        })
    };
    let path = match ty {
        Type::Tuple(tuple) if tuple.elems.is_empty() => return Ok(WireType::Unit),
        Type::Tuple(_) => return fail(WireReason::Tuple),
        Type::Array(_) | Type::Slice(_) => return fail(WireReason::Array),
        Type::Path(TypePath { qself: None, path }) => path,
        Type::Path(_) => return Ok(WireType::Leaf(Box::new(ty.clone()))),
        _ => return fail(WireReason::Other),
    };
    let Some(last) = path.segments.last() else {
        return fail(WireReason::Other);
    };
    let args = type_args(&last.arguments);
    let name = last.ident.to_string();
    if args.is_empty() {
        if let Some(scalar) = scalar(&name) {
            return Ok(WireType::Scalar(scalar));
        }
        if let Some(instead) = narrow_integer(&name) {
            return fail(WireReason::Integer { instead });
        }
        return Ok(WireType::Leaf(Box::new(ty.clone())));
    }
    match (name.as_str(), args.as_slice()) {
        ("Vec", [inner]) => {
            if is_named(inner, "u8") {
                return Ok(WireType::Scalar(Scalar::VecBytes));
            }
            match classify(inner)? {
                single if single.is_singular() => Ok(WireType::Repeated(Box::new(single))),
                WireType::Repeated(_) => fail(WireReason::NestedRepeated),
                WireType::Optional(_) => fail(WireReason::RepeatedOptional),
                WireType::Map { .. } => fail(WireReason::RepeatedMap),
                _ => fail(WireReason::Unit),
            }
        }
        ("Option", [inner]) => match classify(inner)? {
            single if single.is_singular() => Ok(WireType::Optional(Box::new(single))),
            WireType::Repeated(_) | WireType::Map { .. } => fail(WireReason::OptionalCollection),
            WireType::Optional(_) => fail(WireReason::OptionalOptional),
            _ => fail(WireReason::Unit),
        },
        ("HashMap" | "BTreeMap", [key, value, ..]) => {
            let kind = if name == "HashMap" {
                MapKind::Hash
            } else {
                MapKind::BTree
            };
            let key = match classify(key)? {
                WireType::Scalar(scalar) if scalar.is_map_key() => scalar,
                _ => {
                    return Err(NotEncodable {
                        ty: type_text(key),
                        reason: WireReason::MapKey,
                    });
                }
            };
            match classify(value)? {
                single if single.is_singular() => Ok(WireType::Map {
                    kind,
                    key,
                    value: Box::new(single),
                }),
                WireType::Unit => Err(NotEncodable {
                    ty: type_text(value),
                    reason: WireReason::Unit,
                }),
                _ => Err(NotEncodable {
                    ty: type_text(value),
                    reason: WireReason::MapValue,
                }),
            }
        }
        _ => Ok(WireType::Leaf(Box::new(ty.clone()))),
    }
}

fn scalar(name: &str) -> Option<Scalar> {
    Some(match name {
        "bool" => Scalar::Bool,
        "u32" => Scalar::UInt32,
        "u64" => Scalar::UInt64,
        "i32" => Scalar::Int32,
        "i64" => Scalar::Int64,
        "f32" => Scalar::Float,
        "f64" => Scalar::Double,
        "String" => Scalar::String,
        "Bytes" => Scalar::Bytes,
        _ => return None,
    })
}

/// The type to use instead of an integer (or `char`) protobuf has no type for.
fn narrow_integer(name: &str) -> Option<&'static str> {
    Some(match name {
        "u8" | "u16" => "u32",
        "i8" | "i16" => "i32",
        "usize" | "u128" => "u64",
        "isize" | "i128" => "i64",
        "char" => "u32` or `String",
        _ => return None,
    })
}

fn is_named(ty: &Type, name: &str) -> bool {
    matches!(peel(ty), Type::Path(TypePath { qself: None, path }) if path.is_ident(name))
}

/// The type arguments of a path segment (lifetimes and constants left out).
fn type_args(arguments: &PathArguments) -> Vec<&Type> {
    let PathArguments::AngleBracketed(args) = arguments else {
        return Vec::new();
    };
    args.args
        .iter()
        .filter_map(|arg| match arg {
            GenericArgument::Type(ty) => Some(ty),
            _ => None,
        })
        .collect()
}

/// `ty` without invisible groups and parentheses.
fn peel(mut ty: &Type) -> &Type {
    loop {
        match ty {
            Type::Group(group) => ty = &group.elem,
            Type::Paren(paren) => ty = &paren.elem,
            _ => return ty,
        }
    }
}

/// A type as the user would write it: `Vec<Option<u64>>`, `shop::Order`.
pub fn type_text(ty: &Type) -> String {
    let mut text = String::new();
    let tokens = ty.to_token_stream().to_string();
    let mut chars = tokens.chars().peekable();
    while let Some(c) = chars.next() {
        if c == ' ' {
            let prev = text.chars().last();
            let next = chars.peek().copied();
            let tight = matches!(prev, Some(':' | '<' | '&' | '(' | '['))
                || matches!(next, Some(':' | '<' | '>' | ',' | ';' | ')' | ']'))
                || prev.is_none();
            if !tight {
                text.push(c);
            }
        } else {
            text.push(c);
        }
    }
    text
}

/// The `.proto` text of a remote actor's wire schema: its service, one `rpc` per handler, and
/// each handler's request and reply messages; `None` for an actor that is not remote, or whose
/// types do not all travel (a model that [`validate`](crate::validate()) rejects). An actor
/// generated from a `.proto` file has that file's text ([`ActorModel::schema`](crate::ActorModel::schema)).
///
/// Limits: a prost message or enum is named by the last segment of its Rust path (`Order` for
/// `shop::Order`) and is expected in the same package; its definition is not in the text (the
/// macro sees only its name), nor is an alias resolved (`Id` for `type Id = u64`). Whether a
/// handler's error type travels typed is decided by the compiler, so for a path the reply lists
/// both `error` and `error_text`; an error type named `Status` is read as `rakt::wire::Status`,
/// which travels as `google.rpc.Status` in field 4. A handler configured out by `#[cfg]` is
/// listed all the same.
pub fn schema(model: &crate::ActorModel) -> Option<String> {
    if !model.remote {
        return None;
    }
    if let Some(schema) = &model.schema {
        return Some(schema.source.clone());
    }
    Schema::of(model).map(|schema| schema.text())
}

/// The same schema as [`schema()`], as protoc would compile that text: an encoded
/// `google.protobuf.FileDescriptorSet` whose last file, `<package as a path>/<actor>.proto`
/// (`shop/v1/shop.proto`), defines the service and its messages, after the files it imports
/// (`google/protobuf/empty.proto`, `google/protobuf/any.proto`, `google/rpc/status.proto`,
/// built here with the messages protoc's copies define, without their file options). `None`
/// when [`schema()`] is `None`.
///
/// Limits: those of [`schema()`]. A prost message or enum is referenced as
/// `.<package>.<Name>` with no field type (the macro cannot tell a message from an enum) and
/// is not defined in the set, so a set that uses one is complete only with a file that defines
/// it; every other reference resolves within the set. `json_name` is left out, and the source
/// info holds only the text's comments, at the elements they precede. An actor generated from
/// a `.proto` file has that file's descriptors ([`ActorModel::schema`](crate::ActorModel::schema)).
///
/// Building the descriptor of an actor declared in Rust needs the feature `descriptor` (which
/// `rakt`'s `wire` turns on through `rakt-macros`); without it, such an actor has none
/// (`None`), and a build without wire codecs compiles no protobuf crates.
pub fn file_descriptor_set(model: &crate::ActorModel) -> Option<Vec<u8>> {
    if !model.remote {
        return None;
    }
    if let Some(schema) = &model.schema {
        return Some(schema.file_descriptor_set.clone());
    }
    #[cfg(feature = "descriptor")]
    {
        Schema::of(model).map(|schema| descriptor::encode(&schema))
    }
    #[cfg(not(feature = "descriptor"))]
    {
        None
    }
}

/// The value and error types of an ask's reply (`None` for a tell's; a streaming ask's item
/// type for its value); the error type is `None` for a handler that cannot fail.
pub(crate) fn reply_types(reply: &ReplyKind) -> (Option<&Type>, Option<&Type>) {
    match reply {
        ReplyKind::Tell => (None, None),
        ReplyKind::Ask { ok } => (Some(ok), None),
        ReplyKind::AskResult { ok, err } => (Some(ok), Some(err)),
        ReplyKind::Deferred { ok, err, .. } => (Some(ok), err.as_ref()),
        ReplyKind::Stream { item, err, .. } => (Some(item), err.as_ref()),
    }
}

/// A path without generic arguments (`Order`, `shop::Order`): a type that may be a prost
/// message or enum of that name.
fn plain_path(ty: &Type) -> bool {
    matches!(
        peel(ty),
        Type::Path(TypePath { qself: None, path })
            if path.segments.iter().all(|s| s.arguments.is_none())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wire(text: &str) -> Result<Option<String>, NotEncodable> {
        classify(&syn::parse_str(text).unwrap()).map(|ty| ty.proto())
    }

    fn reason(text: &str) -> WireReason {
        classify(&syn::parse_str(text).unwrap()).unwrap_err().reason
    }

    #[test]
    fn scalars_and_containers() {
        let proto = |text: &str| wire(text).unwrap().unwrap();
        assert_eq!(proto("u64"), "uint64");
        assert_eq!(proto("std::string::String"), "string");
        assert_eq!(proto("Vec<u8>"), "bytes");
        assert_eq!(proto("::prost::alloc::vec::Vec<u8>"), "bytes");
        assert_eq!(proto("bytes::Bytes"), "bytes");
        assert_eq!(proto("Vec<Vec<u8>>"), "repeated bytes");
        assert_eq!(proto("Vec<shop::Order>"), "repeated Order");
        assert_eq!(proto("Option<f32>"), "optional float");
        assert_eq!(proto("HashMap<String, Color>"), "map<string, Color>");
        assert_eq!(
            proto("std::collections::BTreeMap<i64, bool>"),
            "map<int64, bool>"
        );
        assert_eq!(proto("Box<Order>"), "Box");
        assert_eq!(wire("()").unwrap(), None);
    }

    #[test]
    fn shapes_protobuf_cannot_express() {
        assert_eq!(reason("u8"), WireReason::Integer { instead: "u32" });
        assert_eq!(reason("usize"), WireReason::Integer { instead: "u64" });
        assert_eq!(reason("(u32, u32)"), WireReason::Tuple);
        assert_eq!(reason("[u8; 4]"), WireReason::Array);
        assert_eq!(reason("Vec<Vec<u32>>"), WireReason::NestedRepeated);
        assert_eq!(reason("Vec<Option<u32>>"), WireReason::RepeatedOptional);
        assert_eq!(reason("Vec<HashMap<u32, u32>>"), WireReason::RepeatedMap);
        assert_eq!(reason("Option<Vec<u32>>"), WireReason::OptionalCollection);
        assert_eq!(reason("Option<Option<u32>>"), WireReason::OptionalOptional);
        assert_eq!(reason("HashMap<f64, u32>"), WireReason::MapKey);
        assert_eq!(reason("HashMap<Order, u32>"), WireReason::MapKey);
        assert_eq!(reason("HashMap<u32, Vec<u32>>"), WireReason::MapValue);
        assert_eq!(reason("Vec<()>"), WireReason::Unit);
        assert_eq!(reason("fn() -> u32"), WireReason::Other);
        // The offending part is named.
        let error = classify(&syn::parse_str("Vec<Vec<u16>>").unwrap()).unwrap_err();
        assert_eq!(error.ty, "u16");
        let error = classify(&syn::parse_str("HashMap<f64, u32>").unwrap()).unwrap_err();
        assert_eq!(error.ty, "f64");
    }

    #[test]
    fn type_text_reads_like_rust() {
        let text = |s: &str| type_text(&syn::parse_str(s).unwrap());
        assert_eq!(text("Vec<Option<u64>>"), "Vec<Option<u64>>");
        assert_eq!(text("::shop::Order"), "::shop::Order");
        assert_eq!(text("(u32, u32)"), "(u32, u32)");
        assert_eq!(text("HashMap<String, Vec<u8>>"), "HashMap<String, Vec<u8>>");
        assert_eq!(text("[u8; 4]"), "[u8; 4]");
    }
}
