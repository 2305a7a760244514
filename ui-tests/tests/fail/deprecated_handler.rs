//! A `#[deprecated]` handler's handle method is deprecated too: callers are warned.

#![deny(deprecated)]

use rakt::prelude::*;

#[actor]
pub struct Counter {
    total: u64,
}

#[actor]
impl Counter {
    #[deprecated(note = "use `total`")]
    pub fn get(&self) -> u64 {
        self.total
    }
}

async fn read(counter: &CounterRef) -> u64 {
    counter.get().await.unwrap()
}

fn main() {
    let _ = read;
}
