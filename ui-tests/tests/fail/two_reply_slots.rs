use rakt::prelude::*;

#[actor]
pub struct Waiter;

#[actor]
impl Waiter {
    pub fn wait(&mut self, first: ReplySlot<u32>, second: ReplySlot<u32>) {
        first.send(1);
        second.send(2);
    }
}

fn main() {}
