//! `#[cfg]`'d-out handlers: the only mention of a type parameter (the phantom variant still
//! covers it), every handler of an actor (the message enum is then empty), and every handler
//! but the routed ones (the generated `Message` methods' `_` arms then match nothing).

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

#[actor]
pub struct Partial;

#[actor]
impl Partial {
    #[cfg(any())]
    #[route(broadcast)]
    pub fn reset(&mut self, epoch: u32) {
        let _ = epoch;
    }

    #[route(key = id)]
    pub fn get(&self, id: u64) -> u64 {
        id
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let system = ActorSystem::builder("probe").build().await?;
    let g: GenRef<u8> = system.spawn("g", Gen { v: None }).await?;
    assert!(!g.has().await?);
    let _a: AllOutRef = system.spawn("a", AllOut).await?;
    let p: PartialRef = system.spawn("p", Partial).await?;
    assert_eq!(p.get(5).await?, 5);
    system.shutdown().await;
    Ok(())
}
