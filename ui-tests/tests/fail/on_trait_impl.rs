use rakt::prelude::*;

#[actor]
pub struct Counter;

#[actor]
impl Counter {
    pub fn ping(&self) {}
}

#[actor]
impl Default for Counter {
    fn default() -> Self {
        Counter
    }
}

fn main() {}
