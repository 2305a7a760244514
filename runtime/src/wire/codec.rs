//! How one Rust type travels as one protobuf field: the codecs the generated code composes.
//!
//! `#[actor(remote)]` reads each argument and reply type and builds its codec out of these
//! pieces: a scalar (`UInt64`, `Str`, `VecBytes`, ...), a prost message or enum
//! ([`MessageCodec`], [`EnumCodec`], found by the `probe` module for any other path), and the
//! containers [`Repeated`], [`Optional`], [`HashMapCodec`] and [`BTreeMapCodec`]. Each codec is a
//! zero-sized value whose [`Codec::Value`] is the Rust type; the bytes it writes are the bytes
//! prost writes for the same field of a `#[derive(prost::Message)]` struct:
//!
//! - scalars, strings, bytes and enums have implicit presence: the default value writes nothing;
//! - a message is always written (prost's `Option<M>` set to `Some`);
//! - `Option<T>` writes `Some` even when it holds the default (proto3 `optional`);
//! - `Vec<T>` of a scalar or an enum is packed, other repeated fields are not; a decoder takes
//!   both forms, as protobuf requires;
//! - a map entry leaves out a default key and a default value, as prost does.
//!
//! Decoding never panics and never allocates on a length it has not checked against the bytes
//! it has: every length goes through prost's checks, and collections grow as elements arrive.
//! Not a public API: generated code reaches it through `rakt::__private::wire`.

use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;
use std::marker::PhantomData;

use bytes::{Buf, BufMut};
use prost::encoding::{self, DecodeContext, WireType};
use prost::{DecodeError, Message, UnknownEnumValue};

/// Why a field did not decode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldError {
    /// The bytes are not protobuf, or not of the field's type (prost says which).
    Decode(DecodeError),
    /// An enum field holds a number that is none of the enum's values.
    UnknownEnumValue(i32),
    /// A map entry's length runs past the end of the bytes, or a field past the entry's end.
    Truncated,
}

impl From<DecodeError> for FieldError {
    fn from(error: DecodeError) -> Self {
        FieldError::Decode(error)
    }
}

/// How values of one Rust type travel as a protobuf field.
pub trait Codec {
    /// The Rust type.
    type Value;

    /// The value of a field the bytes do not have: the type's default.
    fn empty(&self) -> Self::Value;

    /// Writes `value` as field `tag`, or nothing for a default value of a field with implicit
    /// presence.
    fn encode(&self, tag: u32, value: &Self::Value, buf: &mut impl BufMut);

    /// How many bytes [`encode`](Self::encode) writes.
    fn encoded_len(&self, tag: u32, value: &Self::Value) -> usize;

    /// Reads one occurrence of the field (of wire type `wire_type`) into `value`: a scalar is
    /// replaced, a message merged, a repeated field or a map extended.
    fn merge(
        &self,
        wire_type: WireType,
        value: &mut Self::Value,
        buf: &mut impl Buf,
        ctx: DecodeContext,
    ) -> Result<(), FieldError>;
}

/// A codec of one value that can also be repeated, optional, a map value or a reply's error:
/// a scalar, a string, bytes, a message or an enum.
pub trait Singular: Codec {
    /// Whether `value` is what an absent field decodes to.
    fn is_default(&self, value: &Self::Value) -> bool;

    /// Writes `value` as field `tag`, even when it is the default (explicit presence).
    fn encode_present(&self, tag: u32, value: &Self::Value, buf: &mut impl BufMut);

    /// How many bytes [`encode_present`](Self::encode_present) writes.
    fn present_len(&self, tag: u32, value: &Self::Value) -> usize;

    /// Writes `values` as repeated field `tag` (packed for scalars and enums).
    fn encode_repeated(&self, tag: u32, values: &[Self::Value], buf: &mut impl BufMut);

    /// How many bytes [`encode_repeated`](Self::encode_repeated) writes.
    fn repeated_len(&self, tag: u32, values: &[Self::Value]) -> usize;

    /// Reads one occurrence of repeated field `tag` (packed or not) into `values`.
    fn merge_repeated(
        &self,
        wire_type: WireType,
        values: &mut Vec<Self::Value>,
        buf: &mut impl Buf,
        ctx: DecodeContext,
    ) -> Result<(), FieldError>;
}

/// A codec whose values can be map keys: an integer, `bool` or `String`.
pub trait MapKey: Singular<Value: Eq + Hash + Ord> {}

/// Every codec of a type that can travel. The generated code asserts it for each argument and
/// reply whose type the macro could not read (a path: a prost message or enum, or an alias of
/// a scalar), so that the one type that cannot travel is reported at its argument.
pub trait Encodes {}

/// A scalar, string or bytes codec over prost's functions for it (`$module`): `$is_default`
/// says which value an absent field decodes to, and `$encode_repeated` / `$repeated_len` name
/// the repeated form (packed for numbers, one field per element for length-delimited types).
macro_rules! prost_scalar {
    (
        $(#[$doc:meta])* $codec:ident: $ty:ty => $module:ident,
        is_default: |$value:ident| $is_default:expr,
        repeated: $encode_repeated:ident, $repeated_len:ident
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default)]
        pub struct $codec;

        impl Codec for $codec {
            type Value = $ty;

            fn empty(&self) -> $ty {
                <$ty>::default()
            }

            fn encode(&self, tag: u32, value: &$ty, buf: &mut impl BufMut) {
                if !self.is_default(value) {
                    encoding::$module::encode(tag, value, buf);
                }
            }

            fn encoded_len(&self, tag: u32, value: &$ty) -> usize {
                if self.is_default(value) {
                    0
                } else {
                    encoding::$module::encoded_len(tag, value)
                }
            }

            fn merge(
                &self,
                wire_type: WireType,
                value: &mut $ty,
                buf: &mut impl Buf,
                ctx: DecodeContext,
            ) -> Result<(), FieldError> {
                Ok(encoding::$module::merge(wire_type, value, buf, ctx)?)
            }
        }

        impl Singular for $codec {
            // `-0.0 == 0.0`: a negative zero writes nothing, as in prost.
            #[allow(clippy::float_cmp)]
            fn is_default(&self, $value: &$ty) -> bool {
                $is_default
            }

            fn encode_present(&self, tag: u32, value: &$ty, buf: &mut impl BufMut) {
                encoding::$module::encode(tag, value, buf);
            }

            fn present_len(&self, tag: u32, value: &$ty) -> usize {
                encoding::$module::encoded_len(tag, value)
            }

            fn encode_repeated(&self, tag: u32, values: &[$ty], buf: &mut impl BufMut) {
                encoding::$module::$encode_repeated(tag, values, buf);
            }

            fn repeated_len(&self, tag: u32, values: &[$ty]) -> usize {
                encoding::$module::$repeated_len(tag, values)
            }

            fn merge_repeated(
                &self,
                wire_type: WireType,
                values: &mut Vec<$ty>,
                buf: &mut impl Buf,
                ctx: DecodeContext,
            ) -> Result<(), FieldError> {
                Ok(encoding::$module::merge_repeated(wire_type, values, buf, ctx)?)
            }
        }

        impl Encodes for $codec {}
    };
}

/// A numeric or `bool` codec: the default is the type's zero; repeated, it is packed.
macro_rules! scalar {
    ($(#[$doc:meta])* $codec:ident: $ty:ty => $module:ident) => {
        prost_scalar!(
            $(#[$doc])* $codec: $ty => $module,
            is_default: |value| *value == <$ty>::default(),
            repeated: encode_packed, encoded_len_packed
        );
    };
}

scalar!(
    /// `bool` as protobuf `bool`.
    Bool: bool => bool
);
scalar!(
    /// `u32` as protobuf `uint32` (a varint).
    UInt32: u32 => uint32
);
scalar!(
    /// `u64` as protobuf `uint64` (a varint).
    UInt64: u64 => uint64
);
scalar!(
    /// `i32` as protobuf `int32` (a varint; a negative value takes ten bytes, as in protobuf).
    Int32: i32 => int32
);
scalar!(
    /// `i64` as protobuf `int64` (a varint).
    Int64: i64 => int64
);
scalar!(
    /// `f32` as protobuf `float`.
    Float: f32 => float
);
scalar!(
    /// `f64` as protobuf `double`.
    Double: f64 => double
);

impl MapKey for Bool {}
impl MapKey for UInt32 {}
impl MapKey for UInt64 {}
impl MapKey for Int32 {}
impl MapKey for Int64 {}

/// A length-delimited codec: a string or bytes, empty by default; repeated, one field per
/// element.
macro_rules! length_delimited {
    ($(#[$doc:meta])* $codec:ident: $ty:ty => $module:ident) => {
        prost_scalar!(
            $(#[$doc])* $codec: $ty => $module,
            is_default: |value| value.is_empty(),
            repeated: encode_repeated, encoded_len_repeated
        );
    };
}

length_delimited!(
    /// `String` as protobuf `string` (UTF-8 checked when decoded).
    Str: String => string
);
length_delimited!(
    /// `Vec<u8>` as protobuf `bytes`.
    VecBytes: Vec<u8> => bytes
);
length_delimited!(
    /// `bytes::Bytes` as protobuf `bytes`.
    BytesCodec: bytes::Bytes => bytes
);

impl MapKey for Str {}

/// A prost message (`#[derive(prost::Message)]`) as a message field. A plain message field is
/// always written, even when empty (prost's `Option<M>` set to `Some`); absent, it decodes as
/// `M::default()`.
pub struct MessageCodec<M>(PhantomData<fn() -> M>);

impl<M> MessageCodec<M> {
    /// The codec.
    pub const fn new() -> Self {
        MessageCodec(PhantomData)
    }
}

impl<M> Default for MessageCodec<M> {
    fn default() -> Self {
        Self::new()
    }
}

impl<M: Message + Default> Codec for MessageCodec<M> {
    type Value = M;

    fn empty(&self) -> M {
        M::default()
    }

    fn encode(&self, tag: u32, value: &M, buf: &mut impl BufMut) {
        encoding::message::encode(tag, value, buf);
    }

    fn encoded_len(&self, tag: u32, value: &M) -> usize {
        encoding::message::encoded_len(tag, value)
    }

    fn merge(
        &self,
        wire_type: WireType,
        value: &mut M,
        buf: &mut impl Buf,
        ctx: DecodeContext,
    ) -> Result<(), FieldError> {
        Ok(encoding::message::merge(wire_type, value, buf, ctx)?)
    }
}

impl<M: Message + Default> Singular for MessageCodec<M> {
    /// An empty encoding is what a message of default fields writes (proto3 keeps no other
    /// presence in it), so prost's `value == M::default()` needs no `PartialEq` here.
    fn is_default(&self, value: &M) -> bool {
        value.encoded_len() == 0
    }

    fn encode_present(&self, tag: u32, value: &M, buf: &mut impl BufMut) {
        encoding::message::encode(tag, value, buf);
    }

    fn present_len(&self, tag: u32, value: &M) -> usize {
        encoding::message::encoded_len(tag, value)
    }

    fn encode_repeated(&self, tag: u32, values: &[M], buf: &mut impl BufMut) {
        encoding::message::encode_repeated(tag, values, buf);
    }

    fn repeated_len(&self, tag: u32, values: &[M]) -> usize {
        encoding::message::encoded_len_repeated(tag, values)
    }

    fn merge_repeated(
        &self,
        wire_type: WireType,
        values: &mut Vec<M>,
        buf: &mut impl Buf,
        ctx: DecodeContext,
    ) -> Result<(), FieldError> {
        Ok(encoding::message::merge_repeated(
            wire_type, values, buf, ctx,
        )?)
    }
}

impl<M: Message + Default> Encodes for MessageCodec<M> {}

/// What `#[derive(prost::Enumeration)]` gives an enum: its `i32` values both ways.
pub trait ProstEnum: Copy + Default + Into<i32> + TryFrom<i32, Error = UnknownEnumValue> {}

impl<E: Copy + Default + Into<i32> + TryFrom<i32, Error = UnknownEnumValue>> ProstEnum for E {}

/// A prost enum (`#[derive(prost::Enumeration)]`) as an `int32` field holding the variant's
/// value. An absent field is the variant of value 0 (the enum's default if it has none); a
/// value the enum does not have is a decode error, since the Rust enum cannot hold it.
pub struct EnumCodec<E>(PhantomData<fn() -> E>);

impl<E> EnumCodec<E> {
    /// The codec.
    pub const fn new() -> Self {
        EnumCodec(PhantomData)
    }
}

impl<E> Default for EnumCodec<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E: ProstEnum> EnumCodec<E> {
    fn variant(number: i32) -> Result<E, FieldError> {
        E::try_from(number).map_err(|UnknownEnumValue(n)| FieldError::UnknownEnumValue(n))
    }

    /// The varint of `value`'s number, as prost's `int32` writes it (a negative number
    /// sign-extended to ten bytes).
    fn varint(value: &E) -> u64 {
        let number: i32 = (*value).into();
        number as u64
    }

    /// The bytes of the packed numbers of `values`, without key and length. prost's
    /// `int32::encode_packed` takes a `&[i32]`; going through it would collect one per call.
    fn packed_len(values: &[E]) -> usize {
        values
            .iter()
            .map(|value| encoding::encoded_len_varint(Self::varint(value)))
            .sum()
    }
}

impl<E: ProstEnum> Codec for EnumCodec<E> {
    type Value = E;

    fn empty(&self) -> E {
        E::try_from(0).unwrap_or_default()
    }

    fn encode(&self, tag: u32, value: &E, buf: &mut impl BufMut) {
        let number: i32 = (*value).into();
        if number != 0 {
            encoding::int32::encode(tag, &number, buf);
        }
    }

    fn encoded_len(&self, tag: u32, value: &E) -> usize {
        let number: i32 = (*value).into();
        if number == 0 {
            0
        } else {
            encoding::int32::encoded_len(tag, &number)
        }
    }

    fn merge(
        &self,
        wire_type: WireType,
        value: &mut E,
        buf: &mut impl Buf,
        ctx: DecodeContext,
    ) -> Result<(), FieldError> {
        let mut number = 0;
        encoding::int32::merge(wire_type, &mut number, buf, ctx)?;
        *value = Self::variant(number)?;
        Ok(())
    }
}

impl<E: ProstEnum> Singular for EnumCodec<E> {
    fn is_default(&self, value: &E) -> bool {
        (*value).into() == 0
    }

    fn encode_present(&self, tag: u32, value: &E, buf: &mut impl BufMut) {
        encoding::int32::encode(tag, &(*value).into(), buf);
    }

    fn present_len(&self, tag: u32, value: &E) -> usize {
        encoding::int32::encoded_len(tag, &(*value).into())
    }

    fn encode_repeated(&self, tag: u32, values: &[E], buf: &mut impl BufMut) {
        if values.is_empty() {
            return;
        }
        encoding::encode_key(tag, WireType::LengthDelimited, buf);
        encoding::encode_varint(Self::packed_len(values) as u64, buf);
        for value in values {
            encoding::encode_varint(Self::varint(value), buf);
        }
    }

    fn repeated_len(&self, tag: u32, values: &[E]) -> usize {
        if values.is_empty() {
            return 0;
        }
        let len = Self::packed_len(values);
        encoding::key_len(tag) + encoding::encoded_len_varint(len as u64) + len
    }

    fn merge_repeated(
        &self,
        wire_type: WireType,
        values: &mut Vec<E>,
        buf: &mut impl Buf,
        ctx: DecodeContext,
    ) -> Result<(), FieldError> {
        let mut numbers = Vec::new();
        encoding::int32::merge_repeated(wire_type, &mut numbers, buf, ctx)?;
        values.reserve(numbers.len());
        for number in numbers {
            values.push(Self::variant(number)?);
        }
        Ok(())
    }
}

impl<E: ProstEnum> Encodes for EnumCodec<E> {}

/// `()`: nothing as a plain field; as a reply's error, an empty message
/// (`google.protobuf.Empty`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Unit;

impl Codec for Unit {
    type Value = ();

    fn empty(&self) {}

    fn encode(&self, _: u32, _: &(), _: &mut impl BufMut) {}

    fn encoded_len(&self, _: u32, _: &()) -> usize {
        0
    }

    fn merge(
        &self,
        wire_type: WireType,
        _: &mut (),
        buf: &mut impl Buf,
        ctx: DecodeContext,
    ) -> Result<(), FieldError> {
        // An empty message: whatever fields it has are skipped.
        let mut empty = ();
        Ok(encoding::message::merge(wire_type, &mut empty, buf, ctx)?)
    }
}

impl Singular for Unit {
    fn is_default(&self, _: &()) -> bool {
        true
    }

    fn encode_present(&self, tag: u32, value: &(), buf: &mut impl BufMut) {
        encoding::message::encode(tag, value, buf);
    }

    fn present_len(&self, tag: u32, value: &()) -> usize {
        encoding::message::encoded_len(tag, value)
    }

    fn encode_repeated(&self, tag: u32, values: &[()], buf: &mut impl BufMut) {
        encoding::message::encode_repeated(tag, values, buf);
    }

    fn repeated_len(&self, tag: u32, values: &[()]) -> usize {
        encoding::message::encoded_len_repeated(tag, values)
    }

    fn merge_repeated(
        &self,
        wire_type: WireType,
        values: &mut Vec<()>,
        buf: &mut impl Buf,
        ctx: DecodeContext,
    ) -> Result<(), FieldError> {
        Ok(encoding::message::merge_repeated(
            wire_type, values, buf, ctx,
        )?)
    }
}

impl Encodes for Unit {}

/// `Vec<T>`: a repeated field of `T`'s codec.
#[derive(Debug, Clone, Copy, Default)]
pub struct Repeated<C>(pub C);

impl<C: Singular> Codec for Repeated<C> {
    type Value = Vec<C::Value>;

    fn empty(&self) -> Vec<C::Value> {
        Vec::new()
    }

    fn encode(&self, tag: u32, value: &Vec<C::Value>, buf: &mut impl BufMut) {
        self.0.encode_repeated(tag, value, buf);
    }

    fn encoded_len(&self, tag: u32, value: &Vec<C::Value>) -> usize {
        self.0.repeated_len(tag, value)
    }

    fn merge(
        &self,
        wire_type: WireType,
        value: &mut Vec<C::Value>,
        buf: &mut impl Buf,
        ctx: DecodeContext,
    ) -> Result<(), FieldError> {
        self.0.merge_repeated(wire_type, value, buf, ctx)
    }
}

impl<C: Singular + Encodes> Encodes for Repeated<C> {}

/// `Option<T>`: a field with explicit presence (proto3 `optional`, or a message field).
#[derive(Debug, Clone, Copy, Default)]
pub struct Optional<C>(pub C);

impl<C: Singular> Codec for Optional<C> {
    type Value = Option<C::Value>;

    fn empty(&self) -> Option<C::Value> {
        None
    }

    fn encode(&self, tag: u32, value: &Option<C::Value>, buf: &mut impl BufMut) {
        if let Some(value) = value {
            self.0.encode_present(tag, value, buf);
        }
    }

    fn encoded_len(&self, tag: u32, value: &Option<C::Value>) -> usize {
        value
            .as_ref()
            .map_or(0, |value| self.0.present_len(tag, value))
    }

    fn merge(
        &self,
        wire_type: WireType,
        value: &mut Option<C::Value>,
        buf: &mut impl Buf,
        ctx: DecodeContext,
    ) -> Result<(), FieldError> {
        let slot = value.get_or_insert_with(|| self.0.empty());
        self.0.merge(wire_type, slot, buf, ctx)
    }
}

impl<C: Singular + Encodes> Encodes for Optional<C> {}

/// The bytes of one map entry (a message: key = 1, value = 2; each left out when default).
fn entry_len<K: Singular, V: Singular>(
    keys: &K,
    values: &V,
    key: &K::Value,
    value: &V::Value,
) -> usize {
    let key_len = if keys.is_default(key) {
        0
    } else {
        keys.present_len(1, key)
    };
    let value_len = if values.is_default(value) {
        0
    } else {
        values.present_len(2, value)
    };
    key_len + value_len
}

fn encode_entry<K: Singular, V: Singular>(
    keys: &K,
    values: &V,
    tag: u32,
    key: &K::Value,
    value: &V::Value,
    buf: &mut impl BufMut,
) {
    encoding::encode_key(tag, WireType::LengthDelimited, buf);
    encoding::encode_varint(entry_len(keys, values, key, value) as u64, buf);
    if !keys.is_default(key) {
        keys.encode_present(1, key, buf);
    }
    if !values.is_default(value) {
        values.encode_present(2, value, buf);
    }
}

fn entry_encoded_len<K: Singular, V: Singular>(
    keys: &K,
    values: &V,
    tag: u32,
    key: &K::Value,
    value: &V::Value,
) -> usize {
    let len = entry_len(keys, values, key, value);
    encoding::key_len(tag) + encoding::encoded_len_varint(len as u64) + len
}

/// Reads one map entry: a length, then fields 1 (key) and 2 (value) in any order, others
/// skipped. Nested messages count against prost's recursion limit as they are merged.
fn merge_entry<K: Singular, V: Singular>(
    keys: &K,
    values: &V,
    wire_type: WireType,
    buf: &mut impl Buf,
    ctx: DecodeContext,
) -> Result<(K::Value, V::Value), FieldError> {
    encoding::check_wire_type(WireType::LengthDelimited, wire_type)?;
    let len = encoding::decode_varint(buf)?;
    let remaining = buf.remaining();
    if len > remaining as u64 {
        return Err(FieldError::Truncated);
    }
    let limit = remaining - len as usize;
    let mut key = keys.empty();
    let mut value = values.empty();
    while buf.remaining() > limit {
        let (tag, wire_type) = encoding::decode_key(buf)?;
        match tag {
            1 => keys.merge(wire_type, &mut key, buf, ctx.clone())?,
            2 => values.merge(wire_type, &mut value, buf, ctx.clone())?,
            _ => encoding::skip_field(wire_type, tag, buf, ctx.clone())?,
        }
    }
    if buf.remaining() != limit {
        // A field ran past the entry's end.
        return Err(FieldError::Truncated);
    }
    Ok((key, value))
}

macro_rules! map_codec {
    ($(#[$doc:meta])* $codec:ident: $map:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default)]
        pub struct $codec<K, V>(pub K, pub V);

        impl<K: MapKey, V: Singular> Codec for $codec<K, V> {
            type Value = $map<K::Value, V::Value>;

            fn empty(&self) -> Self::Value {
                $map::default()
            }

            fn encode(&self, tag: u32, value: &Self::Value, buf: &mut impl BufMut) {
                for (key, value) in value {
                    encode_entry(&self.0, &self.1, tag, key, value, buf);
                }
            }

            fn encoded_len(&self, tag: u32, value: &Self::Value) -> usize {
                value
                    .iter()
                    .map(|(key, value)| entry_encoded_len(&self.0, &self.1, tag, key, value))
                    .sum()
            }

            fn merge(
                &self,
                wire_type: WireType,
                value: &mut Self::Value,
                buf: &mut impl Buf,
                ctx: DecodeContext,
            ) -> Result<(), FieldError> {
                let (key, entry) = merge_entry(&self.0, &self.1, wire_type, buf, ctx)?;
                value.insert(key, entry);
                Ok(())
            }
        }

        impl<K: MapKey + Encodes, V: Singular + Encodes> Encodes for $codec<K, V> {}
    };
}

map_codec!(
    /// `HashMap<K, V>`: a protobuf `map<K, V>` (entries in the map's order).
    HashMapCodec: HashMap
);
map_codec!(
    /// `BTreeMap<K, V>`: a protobuf `map<K, V>` (entries in key order).
    BTreeMapCodec: BTreeMap
);

/// What the generated code gets for a type that cannot travel: a codec in name only, so that
/// the one error is the assertion that its type cannot travel ([`Encodes`], which it lacks),
/// not one more per use. A program that names it does not compile, so nothing here runs.
pub struct Unencodable<T>(PhantomData<fn() -> T>);

impl<T> Unencodable<T> {
    /// The stand-in.
    pub const fn new() -> Self {
        Unencodable(PhantomData)
    }
}

impl<T> Default for Unencodable<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> Codec for Unencodable<T> {
    type Value = T;

    fn empty(&self) -> T {
        unreachable!("a type that cannot travel on the wire does not compile")
    }

    fn encode(&self, _: u32, _: &T, _: &mut impl BufMut) {}

    fn encoded_len(&self, _: u32, _: &T) -> usize {
        0
    }

    fn merge(
        &self,
        wire_type: WireType,
        _: &mut T,
        buf: &mut impl Buf,
        ctx: DecodeContext,
    ) -> Result<(), FieldError> {
        Ok(encoding::skip_field(wire_type, 1, buf, ctx)?)
    }
}

impl<T> Singular for Unencodable<T> {
    fn is_default(&self, _: &T) -> bool {
        true
    }

    fn encode_present(&self, _: u32, _: &T, _: &mut impl BufMut) {}

    fn present_len(&self, _: u32, _: &T) -> usize {
        0
    }

    fn encode_repeated(&self, _: u32, _: &[T], _: &mut impl BufMut) {}

    fn repeated_len(&self, _: u32, _: &[T]) -> usize {
        0
    }

    fn merge_repeated(
        &self,
        wire_type: WireType,
        _: &mut Vec<T>,
        buf: &mut impl Buf,
        ctx: DecodeContext,
    ) -> Result<(), FieldError> {
        Ok(encoding::skip_field(wire_type, 1, buf, ctx)?)
    }
}
