use rakt::prelude::*;

#[actor]
pub struct Counter;

#[actor]
impl Counter {
    pub fn consume(self) -> u64 {
        0
    }

    pub fn boxed(self: Box<Self>) {}
}

fn main() {}
