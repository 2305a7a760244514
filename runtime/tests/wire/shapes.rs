//! Every shape an argument can have, against the prost struct of the equivalent `.proto`
//! message: the arguments encode to prost's bytes, and prost's bytes decode to the arguments.

use std::collections::{BTreeMap, HashMap};

use bytes::Bytes;
use proptest::prelude::*;
use prost::Message;
use rakt::prelude::*;
use rakt::wire::RemoteActor;

use crate::common::{Color, Id, Order, color, double, float, list, order};

#[actor]
#[derive(Default)]
pub(crate) struct Shapes;

/// One handler per group of shapes; all tells: the arguments message is what is tested.
#[actor(remote = "test.v1")]
impl Shapes {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn scalars(&self, b: bool, u: u32, v: u64, i: i32, j: i64, f: f32, d: f64) {
        let _ = (b, u, v, i, j, f, d);
    }

    pub(crate) fn strings(&self, text: String, raw: Vec<u8>, shared: Bytes) {
        let _ = (text, raw, shared);
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn lists(
        &self,
        ids: Vec<u64>,
        signed: Vec<i32>,
        flags: Vec<bool>,
        floats: Vec<f64>,
        names: Vec<String>,
        blobs: Vec<Vec<u8>>,
        orders: Vec<Order>,
        colors: Vec<Color>,
    ) {
        let _ = (ids, signed, flags, floats, names, blobs, orders, colors);
    }

    pub(crate) fn options(
        &self,
        count: Option<u32>,
        name: Option<String>,
        order: Option<Order>,
        color: Option<Color>,
        ratio: Option<f32>,
        raw: Option<Vec<u8>>,
    ) {
        let _ = (count, name, order, color, ratio, raw);
    }

    pub(crate) fn maps(
        &self,
        counts: HashMap<String, u64>,
        orders: HashMap<u32, Order>,
        colors: BTreeMap<i64, Color>,
        flags: HashMap<bool, Vec<u8>>,
    ) {
        let _ = (counts, orders, colors, flags);
    }

    /// A message, an enum, an alias of a scalar, and field numbers given out of order.
    pub(crate) fn messages(
        &self,
        order: Order,
        color: Color,
        #[field(7)] id: Id,
        #[field(9)] first: u32,
        #[field(3)] second: String,
    ) {
        let _ = (order, color, id, first, second);
    }

    pub(crate) fn nothing(&self) {}
}

/// The arguments of `method` read from `payload`.
fn decode(method: &str, payload: &[u8]) -> ShapesMsg {
    let call = Shapes::decode_call(method, payload).expect("the arguments decode");
    assert!(!call.is_ask());
    call.into_parts().0
}

#[derive(Clone, PartialEq, prost::Message)]
struct ScalarsRequest {
    #[prost(bool, tag = "1")]
    b: bool,
    #[prost(uint32, tag = "2")]
    u: u32,
    #[prost(uint64, tag = "3")]
    v: u64,
    #[prost(int32, tag = "4")]
    i: i32,
    #[prost(int64, tag = "5")]
    j: i64,
    #[prost(float, tag = "6")]
    f: f32,
    #[prost(double, tag = "7")]
    d: f64,
}

#[derive(Clone, PartialEq, prost::Message)]
struct StringsRequest {
    #[prost(string, tag = "1")]
    text: String,
    #[prost(bytes = "vec", tag = "2")]
    raw: Vec<u8>,
    #[prost(bytes = "bytes", tag = "3")]
    shared: Bytes,
}

#[derive(Clone, PartialEq, prost::Message)]
struct ListsRequest {
    #[prost(uint64, repeated, tag = "1")]
    ids: Vec<u64>,
    #[prost(int32, repeated, tag = "2")]
    signed: Vec<i32>,
    #[prost(bool, repeated, tag = "3")]
    flags: Vec<bool>,
    #[prost(double, repeated, tag = "4")]
    floats: Vec<f64>,
    #[prost(string, repeated, tag = "5")]
    names: Vec<String>,
    #[prost(bytes = "vec", repeated, tag = "6")]
    blobs: Vec<Vec<u8>>,
    #[prost(message, repeated, tag = "7")]
    orders: Vec<Order>,
    #[prost(enumeration = "Color", repeated, tag = "8")]
    colors: Vec<i32>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct OptionsRequest {
    #[prost(uint32, optional, tag = "1")]
    count: Option<u32>,
    #[prost(string, optional, tag = "2")]
    name: Option<String>,
    #[prost(message, optional, tag = "3")]
    order: Option<Order>,
    #[prost(enumeration = "Color", optional, tag = "4")]
    color: Option<i32>,
    #[prost(float, optional, tag = "5")]
    ratio: Option<f32>,
    #[prost(bytes = "vec", optional, tag = "6")]
    raw: Option<Vec<u8>>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct MapsRequest {
    #[prost(map = "string, uint64", tag = "1")]
    counts: HashMap<String, u64>,
    #[prost(map = "uint32, message", tag = "2")]
    orders: HashMap<u32, Order>,
    #[prost(btree_map = "int64, enumeration(Color)", tag = "3")]
    colors: BTreeMap<i64, i32>,
    #[prost(map = "bool, bytes", tag = "4")]
    flags: HashMap<bool, Vec<u8>>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct MessagesRequest {
    #[prost(message, optional, tag = "1")]
    order: Option<Order>,
    #[prost(enumeration = "Color", tag = "2")]
    color: i32,
    #[prost(uint64, tag = "7")]
    id: u64,
    #[prost(uint32, tag = "9")]
    first: u32,
    #[prost(string, tag = "3")]
    second: String,
}

proptest! {
    #[test]
    fn scalars(
        b in any::<bool>(), u in any::<u32>(), v in any::<u64>(), i in any::<i32>(),
        j in any::<i64>(), f in float(), d in double(),
    ) {
        let out = Shapes::encode_call(ShapesMsg::Scalars { b, u, v, i, j, f, d });
        let prost = ScalarsRequest { b, u, v, i, j, f, d }.encode_to_vec();
        prop_assert_eq!(out.method(), "test.v1.Shapes/Scalars");
        prop_assert_eq!(out.payload(), &prost[..]);
        let ShapesMsg::Scalars { b: b2, u: u2, v: v2, i: i2, j: j2, f: f2, d: d2 } =
            decode(out.method(), &prost) else { panic!("another variant") };
        prop_assert_eq!((b2, u2, v2, i2, j2, f2, d2), (b, u, v, i, j, f, d));
    }

    #[test]
    fn strings(text in any::<String>(), raw in list(any::<u8>()), shared in list(any::<u8>())) {
        let shared = Bytes::from(shared);
        let prost = StringsRequest {
            text: text.clone(), raw: raw.clone(), shared: shared.clone(),
        }.encode_to_vec();
        let out = Shapes::encode_call(ShapesMsg::Strings {
            text: text.clone(), raw: raw.clone(), shared: shared.clone(),
        });
        prop_assert_eq!(out.payload(), &prost[..]);
        let ShapesMsg::Strings { text: t2, raw: r2, shared: s2 } = decode(out.method(), &prost)
        else { panic!("another variant") };
        prop_assert_eq!((t2, r2, s2), (text, raw, shared));
    }

    #[test]
    fn lists(
        ids in list(any::<u64>()), signed in list(any::<i32>()), flags in list(any::<bool>()),
        floats in list(double()), names in list(any::<String>()),
        blobs in list(list(any::<u8>())), orders in list(order()), colors in list(color()),
    ) {
        let prost = ListsRequest {
            ids: ids.clone(), signed: signed.clone(), flags: flags.clone(),
            floats: floats.clone(), names: names.clone(), blobs: blobs.clone(),
            orders: orders.clone(), colors: colors.iter().map(|c| *c as i32).collect(),
        }.encode_to_vec();
        let out = Shapes::encode_call(ShapesMsg::Lists {
            ids: ids.clone(), signed: signed.clone(), flags: flags.clone(),
            floats: floats.clone(), names: names.clone(), blobs: blobs.clone(),
            orders: orders.clone(), colors: colors.clone(),
        });
        prop_assert_eq!(out.payload(), &prost[..]);
        let ShapesMsg::Lists {
            ids: ids2, signed: signed2, flags: flags2, floats: floats2, names: names2,
            blobs: blobs2, orders: orders2, colors: colors2,
        } = decode(out.method(), &prost) else { panic!("another variant") };
        prop_assert_eq!((ids2, signed2, flags2, floats2), (ids, signed, flags, floats));
        prop_assert_eq!((names2, blobs2, orders2, colors2), (names, blobs, orders, colors));
    }

    #[test]
    fn options(
        count in proptest::option::of(any::<u32>()),
        name in proptest::option::of(any::<String>()),
        order in proptest::option::of(order()),
        color in proptest::option::of(color()),
        ratio in proptest::option::of(float()),
        raw in proptest::option::of(list(any::<u8>())),
    ) {
        let prost = OptionsRequest {
            count, name: name.clone(), order: order.clone(), color: color.map(|c| c as i32),
            ratio, raw: raw.clone(),
        }.encode_to_vec();
        let out = Shapes::encode_call(ShapesMsg::Options {
            count, name: name.clone(), order: order.clone(), color, ratio, raw: raw.clone(),
        });
        prop_assert_eq!(out.payload(), &prost[..]);
        let ShapesMsg::Options {
            count: count2, name: name2, order: order2, color: color2, ratio: ratio2, raw: raw2,
        } = decode(out.method(), &prost) else { panic!("another variant") };
        prop_assert_eq!((count2, name2, order2), (count, name, order));
        prop_assert_eq!((color2, ratio2, raw2), (color, ratio, raw));
    }

    #[test]
    fn maps(
        counts in prop::collection::hash_map(any::<String>(), any::<u64>(), 0..4),
        orders in prop::collection::hash_map(any::<u32>(), order(), 0..4),
        colors in prop::collection::btree_map(any::<i64>(), color(), 0..4),
        flags in prop::collection::hash_map(any::<bool>(), list(any::<u8>()), 0..3),
    ) {
        let prost = MapsRequest {
            counts: counts.clone(), orders: orders.clone(),
            colors: colors.iter().map(|(k, c)| (*k, *c as i32)).collect(),
            flags: flags.clone(),
        }.encode_to_vec();
        // Clones keep a `HashMap`'s order, so both sides write the entries alike.
        let out = Shapes::encode_call(ShapesMsg::Maps {
            counts: counts.clone(), orders: orders.clone(), colors: colors.clone(),
            flags: flags.clone(),
        });
        prop_assert_eq!(out.payload(), &prost[..]);
        let ShapesMsg::Maps { counts: c2, orders: o2, colors: k2, flags: f2 } =
            decode(out.method(), &prost) else { panic!("another variant") };
        prop_assert_eq!((c2, o2, k2, f2), (counts, orders, colors, flags));
    }

    #[test]
    fn messages(
        order in order(), color in color(), id in any::<u64>(), first in any::<u32>(),
        second in any::<String>(),
    ) {
        let prost = MessagesRequest {
            order: Some(order.clone()), color: color as i32, id, first, second: second.clone(),
        }.encode_to_vec();
        let out = Shapes::encode_call(ShapesMsg::Messages {
            order: order.clone(), color, id, first, second: second.clone(),
        });
        prop_assert_eq!(out.payload(), &prost[..]);
        let ShapesMsg::Messages { order: o2, color: c2, id: i2, first: f2, second: s2 } =
            decode(out.method(), &prost) else { panic!("another variant") };
        prop_assert_eq!((o2, c2, i2, f2, s2), (order, color, id, first, second));
    }
}

/// The defaults of every field write nothing but a message (always present), and an empty
/// payload decodes to them: the variant of value 0 for an enum, an empty message.
#[test]
fn absent_fields_decode_as_defaults() {
    let ShapesMsg::Messages {
        order,
        color,
        id,
        first,
        second,
    } = decode("test.v1.Shapes/Messages", &[])
    else {
        panic!("another variant")
    };
    assert_eq!(
        (order, color, id, first, second),
        (Order::default(), Color::Red, 0, 0, String::new())
    );
    let out = Shapes::encode_call(ShapesMsg::Messages {
        order: Order::default(),
        color: Color::Red,
        id: 0,
        first: 0,
        second: String::new(),
    });
    assert_eq!(
        out.payload(),
        [0x0a, 0x00],
        "only the empty message, field 1"
    );
    let out = Shapes::encode_call(ShapesMsg::Nothing {});
    assert!(out.payload().is_empty() && !out.is_ask());
    assert!(matches!(
        decode("test.v1.Shapes/Nothing", &[]),
        ShapesMsg::Nothing {}
    ));
}

/// Lists prost writes unpacked (as proto2 does, and as protobuf lets any writer do) decode as
/// well, and so do fields in any order, repeated scalars (the last wins) and fields a newer
/// peer added (skipped).
#[test]
fn decoders_take_what_protobuf_allows() {
    #[derive(Clone, PartialEq, prost::Message)]
    struct Unpacked {
        #[prost(uint64, repeated, packed = "false", tag = "1")]
        ids: Vec<u64>,
        #[prost(enumeration = "Color", repeated, packed = "false", tag = "8")]
        colors: Vec<i32>,
        #[prost(string, tag = "99")]
        newer: String,
    }
    let bytes = Unpacked {
        ids: vec![1, 300, u64::MAX],
        colors: vec![7, 1],
        newer: "from the future".to_owned(),
    }
    .encode_to_vec();
    let ShapesMsg::Lists { ids, colors, .. } = decode("test.v1.Shapes/Lists", &bytes) else {
        panic!("another variant")
    };
    assert_eq!(ids, [1, 300, u64::MAX]);
    assert_eq!(colors, [Color::Green, Color::Blue]);

    // Field 2 (`color`) before field 1, and `id` (7) twice.
    let mut bytes = vec![0x10, 0x01, 0x38, 0x05, 0x38, 0x06];
    bytes.extend([0x0a, 0x02, 0x0a, 0x00]);
    let ShapesMsg::Messages {
        order, color, id, ..
    } = decode("test.v1.Shapes/Messages", &bytes)
    else {
        panic!("another variant")
    };
    assert_eq!((order.id.as_str(), color, id), ("", Color::Blue, 6));
}

/// A NaN travels as the NaN it is, and a negative zero with explicit presence keeps its sign.
#[test]
fn floats_keep_their_bits() {
    let nan = f64::from_bits(0x7ff8_0000_0000_0001);
    let out = Shapes::encode_call(ShapesMsg::Lists {
        ids: Vec::new(),
        signed: Vec::new(),
        flags: Vec::new(),
        floats: vec![nan, -0.0, f64::INFINITY],
        names: Vec::new(),
        blobs: Vec::new(),
        orders: Vec::new(),
        colors: Vec::new(),
    });
    let ShapesMsg::Lists { floats, .. } = decode(out.method(), out.payload()) else {
        panic!("another variant")
    };
    let bits: Vec<u64> = floats.iter().map(|f| f.to_bits()).collect();
    assert_eq!(
        bits,
        [nan.to_bits(), (-0.0f64).to_bits(), f64::INFINITY.to_bits()]
    );
    let out = Shapes::encode_call(ShapesMsg::Options {
        count: None,
        name: None,
        order: None,
        color: None,
        ratio: Some(-0.0),
        raw: None,
    });
    let ShapesMsg::Options { ratio, .. } = decode(out.method(), out.payload()) else {
        panic!("another variant")
    };
    assert_eq!(ratio.map(f32::to_bits), Some((-0.0f32).to_bits()));
}
