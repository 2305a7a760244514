use rakt::prelude::*;

#[actor]
pub struct Feed;

#[actor]
impl Feed {
    /// Every routee would stream into one stream.
    #[route(broadcast)]
    pub fn tail(&self, _from: u32, _items: StreamSlot<u32>) {}
}

fn main() {}
