//! The wire identity of a message enum: `WIRE_NAME` for the actor, `wire_method` for each
//! message, `<Actor>/<Variant>` for an actor declared in Rust (which has no package). Unused,
//! neither warns: the other cases deny warnings and never read them.

#![deny(warnings, missing_docs)]

use rakt::prelude::*;

/// A cart.
#[actor]
#[derive(Default)]
pub struct Cart {
    items: Vec<u32>,
}

#[actor]
impl Cart {
    /// Adds an item.
    pub fn add_item(&mut self, id: u32) {
        self.items.push(id);
    }

    /// A raw name.
    pub fn r#type(&self) -> usize {
        self.items.len()
    }
}

/// A generic actor whose enum needs its hidden phantom variant.
#[actor]
pub struct Sink<T> {
    seen: u64,
    _items: std::marker::PhantomData<fn() -> T>,
}

#[actor]
impl<T: Send + 'static> Sink<T> {
    /// Counts.
    pub fn count(&mut self) {
        self.seen += 1;
    }
}

fn main() {
    assert_eq!(CartMsg::WIRE_NAME, "Cart");
    assert_eq!(CartMsg::AddItem { id: 1 }.wire_method(), "Cart/AddItem");
    assert_eq!(SinkMsg::<String>::WIRE_NAME, "Sink");
    assert_eq!(SinkMsg::<String>::Count {}.wire_method(), "Sink/Count");
    let _ = Cart::default().r#type();
}
