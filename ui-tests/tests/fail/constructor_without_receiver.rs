use rakt::prelude::*;

#[actor]
pub struct Counter {
    total: u64,
}

#[actor]
impl Counter {
    pub fn new() -> Self {
        Counter { total: 0 }
    }

    pub fn total(&self) -> u64 {
        self.total
    }
}

fn main() {}
