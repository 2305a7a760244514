use rakt::prelude::*;

#[actor]
pub struct Sink<T> {
    seen: Vec<T>,
}

#[actor(remote)]
impl<T: Send + 'static> Sink<T> {
    pub fn count(&self) -> u64 {
        self.seen.len() as u64
    }
}

/// Still a local actor: its handle works.
pub async fn count(sink: SinkRef<u32>) {
    let _ = sink.count().await;
}

fn main() {}
