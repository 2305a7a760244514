//! `#[actor]` on a trait impl is an error, and nothing is generated for it (a stand-in `Actor`
//! impl could clash with the real one); the inherent impl still makes the handle's methods, so
//! the call site reports nothing more.

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

pub async fn call(counter: &CounterRef) -> Result<(), SendError> {
    counter.ping().await
}

fn main() {}
