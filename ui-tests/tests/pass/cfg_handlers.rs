//! `#[cfg]`'d-out handlers: the only mention of a type parameter (the phantom variant still
//! covers it), and every handler of an actor (the message enum is then empty).

#![deny(warnings)]
use rakt::prelude::*;

#[actor]
pub struct Gen<T> {
    v: Option<T>,
}

#[actor]
impl<T: Send + 'static> Gen<T> {
    #[cfg(any())]
    pub fn set(&mut self, v: T) {
        self.v = Some(v);
    }
    pub fn has(&self) -> bool {
        self.v.is_some()
    }
}

#[actor]
pub struct AllOut;

#[actor]
impl AllOut {
    #[cfg(any())]
    pub fn nothing(&mut self) -> u32 {
        1
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let system = ActorSystem::builder("probe").build().await?;
    let g: GenRef<u8> = system.spawn("g", Gen { v: None }).await?;
    assert!(!g.has().await?);
    let _a: AllOutRef = system.spawn("a", AllOut).await?;
    system.shutdown().await;
    Ok(())
}
