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

    /// Answers once where `tail` streams.
    #[handles(tail)]
    #[state(Shut)]
    fn tail_while_shut(&self) -> u32 {
        0
    }

    #[state(Open)]
    pub fn head(&self, _reply: ReplySlot<u32>) {}

    /// Streams where `head` answers once.
    #[handles(head)]
    #[state(Shut)]
    fn head_while_shut(&self, _items: StreamSlot<u32>) {}
}

fn main() {}
