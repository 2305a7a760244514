use rakt::prelude::*;

#[derive(Debug)]
pub enum Phase {
    Open,
    Shut,
}

#[actor]
pub struct Feed;

#[actor(states = Phase, initial = Open)]
impl Feed {
    #[state(Open)]
    pub fn tail(&self, _items: StreamSlot<u32>) {}

    /// Streams `String`s where `tail` streams `u32`s.
    #[handles(tail)]
    #[state(Shut)]
    fn tail_while_shut(&self, _items: StreamSlot<String>) {}
}

fn main() {}
