use rakt::prelude::*;

#[actor]
pub struct Counter {
    pub total: u64,
}

impl Counter {
    pub fn total(&self) -> u64 {
        self.total
    }
}

fn main() {}
