use rakt::prelude::*;

#[actor]
pub struct Feed;

#[actor]
impl Feed {
    pub fn tail(&self, from: u32, items: StreamSlot<u32>) -> usize {
        drop(items);
        from as usize
    }
}

fn main() {}
