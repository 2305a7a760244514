//! `crate = "..."`: the generated code names the runtime only through the given path.

extern crate rakt as renamed;

use renamed::prelude::{ActorHandle, ActorSystem};

/// Reached through the renamed crate.
#[renamed::actor(crate = "renamed")]
#[derive(Default)]
pub struct Counter {
    total: u64,
}

#[renamed::actor(crate = "renamed")]
impl Counter {
    pub fn add(&mut self, by: u64) {
        self.total += by;
    }

    pub fn total(&self) -> u64 {
        self.total
    }
}

/// A path that re-exports the runtime's `__private` but wraps `catch_sync`, so the test can
/// see that the generated dispatch goes through it.
mod shim {
    pub mod __private {
        use std::sync::atomic::{AtomicUsize, Ordering};

        pub use ::rakt::__private::*;

        pub static CALLS: AtomicUsize = AtomicUsize::new(0);

        pub fn catch_sync<R>(f: impl FnOnce() -> R) -> Result<R, Failure> {
            CALLS.fetch_add(1, Ordering::SeqCst);
            ::rakt::__private::catch_sync(f)
        }
    }
}

#[renamed::actor(crate = "crate::shim")]
#[derive(Default)]
pub struct Echo;

#[renamed::actor(crate = "crate::shim")]
impl Echo {
    pub fn echo(&self, text: String) -> String {
        text
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let system = ActorSystem::builder("renamed").build().await?;
    let counter: CounterRef = system.spawn("counter", Counter::default()).await?;
    counter.add(4).await?;
    assert_eq!(counter.total().await?, 4);
    assert!(counter.is_alive());

    let echo: EchoRef = system.spawn("echo", Echo).await?;
    assert_eq!(echo.echo("x".to_owned()).await?, "x");
    assert_eq!(echo.echo("y".to_owned()).await?, "y");
    assert_eq!(
        shim::__private::CALLS.load(std::sync::atomic::Ordering::SeqCst),
        2
    );

    system.shutdown().await;
    Ok(())
}
