//! A remote actor: its calls go through the wire codecs (encoded by the caller's end, decoded
//! and served by a real actor, the reply settled back) the way a transport drives them, with
//! `#[field]`, `#[cfg]`'d handlers, a state machine, a renamed crate path and prost types.

#![deny(warnings, missing_docs)]

use std::collections::HashMap;

use rakt::prelude::*;
use rakt::wire::{EncodedReply, RemoteActor};

/// An order, a prost message.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Order {
    /// Its id.
    #[prost(string, tag = "1")]
    pub id: String,
}

/// A state, a prost enum.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration)]
#[repr(i32)]
pub enum Mode {
    /// Open.
    Open = 0,
    /// Closed.
    Closed = 1,
}

/// A shop.
#[actor]
#[derive(Default)]
pub struct Shop {
    orders: Vec<Order>,
    tags: HashMap<String, Mode>,
}

/// The shop's phases.
#[derive(Debug)]
pub enum Phase {
    /// Taking orders.
    Taking,
}

#[actor(remote = "shop.v1", states = Phase, initial = Taking)]
impl Shop {
    /// Places an order.
    pub fn place(&mut self, #[field(2)] order: Order, #[field(1)] mode: Mode) -> Result<u64, String> {
        if mode == Mode::Closed {
            return Err("closed".to_owned());
        }
        self.orders.push(order);
        Ok(self.orders.len() as u64)
    }

    /// Tags the shop.
    pub fn tag(&mut self, key: String, mode: Option<Mode>) {
        self.tags.insert(key, mode.unwrap_or(Mode::Open));
    }

    /// Configured out.
    #[cfg(any())]
    pub fn hidden(&self) -> u32 {
        0
    }

    /// The tags.
    pub fn tags(&self) -> HashMap<String, Mode> {
        self.tags.clone()
    }
}

/// A remote actor under a renamed crate path.
#[actor(crate = "::rakt")]
pub struct Renamed;

#[actor(crate = "::rakt", remote)]
impl Renamed {
    /// Pings.
    pub fn ping(&self) {}
}

/// Serves `msg` the way a transport does: the caller's end encodes it, the actor's end decodes
/// it and sends it to the actor, and the reply's bytes settle the caller's slot.
async fn round_trip(shop: &ShopRef, msg: ShopMsg) {
    let (method, payload, settler) = Shop::encode_call(msg).into_parts();
    let (served, reply) = Shop::decode_call(method, &payload).unwrap().into_parts();
    shop.actor_ref().tell(served).await.unwrap();
    if let (Some(settler), Some(reply)) = (settler.into_unary(), reply.into_unary()) {
        settler.settle(&reply.await.unwrap()).unwrap();
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    assert_eq!(Shop::SERVICE, "shop.v1.Shop");
    assert_eq!(Shop::METHODS.len(), 3, "`hidden` is configured out");
    assert_eq!(Renamed::METHODS[0].path, "Renamed/Ping");

    let system = ActorSystem::builder("remote").build().await.unwrap();
    let shop: ShopRef = system.spawn("shop", Shop::default()).await.unwrap();

    // The caller's slot and what it receives, as a transport's proxy would hold them.
    let (slot, placed) = EncodedReply::channel(
        rakt::__private::wire::UInt64,
        rakt::__private::wire::Typed(rakt::__private::wire::Str),
    );
    let order = Order { id: "a".to_owned() };
    round_trip(&shop, ShopMsg::Place { order, mode: Mode::Open, reply: slot }).await;
    assert_eq!(placed.await.unwrap(), [0x08, 0x01], "value 1 in field 1");

    round_trip(&shop, ShopMsg::Tag { key: "k".to_owned(), mode: Some(Mode::Closed) }).await;
    assert_eq!(shop.tags().await.unwrap()["k"], Mode::Closed);
    system.shutdown().await;
}
