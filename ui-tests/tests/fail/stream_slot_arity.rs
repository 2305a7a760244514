use rakt::prelude::*;

#[actor]
pub struct Feed;

#[actor]
impl Feed {
    pub fn bare(&self, _items: StreamSlot) {}

    pub fn three(&self, _items: StreamSlot<u32, String, u8>) {}
}

fn main() {}
