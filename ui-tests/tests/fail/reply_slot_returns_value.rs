use rakt::prelude::*;

#[actor]
pub struct Waiter;

#[actor]
impl Waiter {
    pub fn wait(&mut self, slot: ReplySlot<u32>) -> bool {
        slot.send(1)
    }
}

fn main() {}
