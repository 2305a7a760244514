//! The struct and the `#[actor]` impl in different modules (the impl names the struct by
//! path), `pub(crate)` and `pub(super)` handlers, an enum actor, and `crate = "::rakt"` on the
//! impl only.

#![deny(warnings)]
use rakt::prelude::*;

mod model {
    pub mod state {
        use rakt::prelude::*;
        /// A counter.
        #[actor]
        #[derive(Default)]
        pub struct Counter {
            pub(crate) total: u64,
        }
    }
}

mod logic {
    use rakt::prelude::*;
    #[actor(crate = "::rakt")]
    impl super::model::state::Counter {
        pub fn add(&mut self, by: u64) {
            self.total += by;
        }
        pub(crate) fn total(&self) -> u64 {
            self.total
        }
        pub(super) fn sup(&self) -> u64 {
            self.total
        }
    }
}

#[actor]
#[derive(Debug, PartialEq, Clone, Copy)]
pub enum Light {
    Red,
    Green,
}

#[actor]
impl Light {
    pub fn flip(&mut self) {
        *self = match self {
            Light::Red => Self::Green,
            Self::Green => Light::Red,
        };
    }
    pub fn state(&self) -> Self {
        *self
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let system = ActorSystem::builder("probe").build().await?;
    let c: model::state::CounterRef = system
        .spawn("c", model::state::Counter::default())
        .await?;
    c.add(2).await?;
    assert_eq!(c.total().await?, 2);
    assert_eq!(c.sup().await?, 2);
    let l: LightRef = system.spawn("l", Light::Red).await?;
    l.flip().await?;
    assert_eq!(l.state().await?, Light::Green);
    system.shutdown().await;
    Ok(())
}
