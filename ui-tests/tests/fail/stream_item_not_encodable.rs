use rakt::prelude::*;

pub struct Opaque;

#[actor]
pub struct Feed;

#[actor(remote = "feed.v1")]
impl Feed {
    pub fn tail(&self, _items: StreamSlot<Opaque>) {}
}

fn main() {}
