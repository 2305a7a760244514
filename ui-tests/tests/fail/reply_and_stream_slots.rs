use rakt::prelude::*;

#[actor]
pub struct Feed;

#[actor]
impl Feed {
    pub fn tail(&self, done: ReplySlot<u32>, items: StreamSlot<u32>) {
        drop(items);
        done.send(0);
    }
}

fn main() {}
