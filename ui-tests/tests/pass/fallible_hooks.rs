//! An `async fn` handler on `&self` (the actor is `Sync`), and hooks taking `&self`, `async`,
//! returning `Result<(), E>` or a one-argument alias (`io::Result<()>`).

#![deny(warnings)]
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use rakt::prelude::*;

#[actor]
pub struct Shared {
    hits: Arc<AtomicU32>,
}

#[actor]
impl Shared {
    pub async fn peek(&self) -> u32 {
        tokio::task::yield_now().await;
        self.hits.load(Ordering::SeqCst)
    }

    #[pre_start]
    async fn boot(&self) -> std::io::Result<()> {
        self.hits.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }

    #[post_start]
    fn started(&self, ctx: &mut Ctx<Self>) -> Result<(), std::fmt::Error> {
        let _ = ctx;
        self.hits.fetch_add(10, Ordering::SeqCst);
        Ok(())
    }

    #[post_stop]
    async fn stopped(&mut self) -> Result<(), String> {
        self.hits.fetch_add(100, Ordering::SeqCst);
        Ok(())
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let system = ActorSystem::builder("probe").build().await?;
    let hits = Arc::new(AtomicU32::new(0));
    let s: SharedRef = system.spawn("s", Shared { hits: hits.clone() }).await?;
    // Both start hooks have run before the first message is handled.
    assert_eq!(s.peek().await?, 11);
    system.shutdown().await;
    assert_eq!(hits.load(Ordering::SeqCst), 111);
    Ok(())
}
