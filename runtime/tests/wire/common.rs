//! The prost types the test actors take, and strategies for them.

use proptest::prelude::*;

/// A prost message.
#[derive(Clone, PartialEq, Eq, Hash, prost::Message)]
pub struct Order {
    /// Its id.
    #[prost(string, tag = "1")]
    pub id: String,
    /// How many.
    #[prost(uint32, tag = "2")]
    pub quantity: u32,
    /// Its lines, a nested message.
    #[prost(message, repeated, tag = "3")]
    pub lines: Vec<Line>,
}

/// A message nested in [`Order`].
#[derive(Clone, PartialEq, Eq, Hash, prost::Message)]
pub struct Line {
    /// What.
    #[prost(string, tag = "1")]
    pub sku: String,
}

/// A prost enum; its default is the variant of value 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration)]
#[repr(i32)]
pub enum Color {
    /// 0
    Red = 0,
    /// 1
    Blue = 1,
    /// 7, a gap.
    Green = 7,
}

/// An alias of a scalar: the macro reads it as a path, the probe finds `u64`.
pub type Id = u64;

/// Any order.
pub fn order() -> impl Strategy<Value = Order> {
    (
        any::<String>(),
        any::<u32>(),
        prop::collection::vec(any::<String>().prop_map(|sku| Line { sku }), 0..3),
    )
        .prop_map(|(id, quantity, lines)| Order {
            id,
            quantity,
            lines,
        })
}

/// Any color.
pub fn color() -> impl Strategy<Value = Color> {
    prop_oneof![Just(Color::Red), Just(Color::Blue), Just(Color::Green)]
}

/// Any `f32` but NaN (which equals nothing); `-0.0` equals `0.0`, as it decodes from a field
/// with implicit presence.
pub fn float() -> impl Strategy<Value = f32> {
    any::<f32>().prop_filter("NaN equals nothing", |x| !x.is_nan())
}

/// Any `f64` but NaN.
pub fn double() -> impl Strategy<Value = f64> {
    any::<f64>().prop_filter("NaN equals nothing", |x| !x.is_nan())
}

/// Short lists.
pub fn list<S: Strategy>(element: S) -> impl Strategy<Value = Vec<S::Value>> {
    prop::collection::vec(element, 0..5)
}
