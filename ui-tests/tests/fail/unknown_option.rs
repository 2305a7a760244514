use rakt::prelude::*;

#[actor(mailbox = unbounded, supervisor = "one_for_one")]
pub struct Counter;

#[actor(mailbox = bounded(4))]
impl Counter {
    pub fn ping(&self) {}
}

fn main() {}
