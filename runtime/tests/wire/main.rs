//! The wire codecs `#[actor(remote)]` generates.

use std::collections::HashMap;

use rakt::prelude::*;
use rakt::wire::RemoteActor;

#[derive(Clone, PartialEq, prost::Message)]
pub struct Order {
    #[prost(string, tag = "1")]
    pub id: String,
    #[prost(uint32, tag = "2")]
    pub quantity: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration)]
#[repr(i32)]
pub enum Color {
    Red = 0,
    Blue = 1,
}

#[derive(Debug, thiserror::Error)]
#[error("out of stock: {0}")]
pub struct OutOfStock(String);

#[actor]
#[derive(Default)]
pub struct Shop {
    orders: Vec<Order>,
}

#[actor(remote = "shop.v1")]
impl Shop {
    pub fn place(
        &mut self,
        order: Order,
        #[field(5)] color: Color,
        notes: Vec<String>,
    ) -> Result<u32, OutOfStock> {
        let _ = (color, notes);
        self.orders.push(order);
        Ok(self.orders.len() as u32)
    }

    pub fn tags(&self, tags: HashMap<String, Color>, maybe: Option<u64>) {
        let _ = (tags, maybe);
    }

    pub fn count(&self) -> u64 {
        self.orders.len() as u64
    }
}

#[test]
fn identity() {
    assert_eq!(Shop::SERVICE, "shop.v1.Shop");
    assert_eq!(Shop::METHODS[0].path, "shop.v1.Shop/Place");
}
