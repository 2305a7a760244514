use rakt::prelude::*;

pub struct Counter {
    total: u64,
}

#[actor]
impl Counter {
    pub fn total(&self) -> u64 {
        self.total
    }
}

fn main() {}
