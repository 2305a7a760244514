//! rakt: a typed actor framework on tokio.
//!
//! `#[actor]` on a struct and on its impl block turns every `pub` method into a message:
//! it generates the message enum (`CounterMsg`), the dispatch (`impl Actor for Counter`) and a
//! typed handle (`CounterRef`) whose methods send those messages. A method returning `()` is a
//! *tell* (no reply), one returning `T` an *ask*, one returning `Result<T, E>` an ask whose `E`
//! reaches the caller as [`AskError::Handler`].
//!
//! ```
//! use rakt::prelude::*;
//! use std::time::Duration;
//!
//! #[actor]
//! #[derive(Default)]
//! pub struct Counter {
//!     total: u64,
//! }
//!
//! #[actor]
//! impl Counter {
//!     /// Adds `by` to the total.
//!     pub fn add(&mut self, by: u64) {
//!         self.total += by;
//!     }
//!
//!     /// The current total.
//!     pub fn total(&self) -> u64 {
//!         self.total
//!     }
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let system = ActorSystem::builder("demo").build().await?;
//! let counter: CounterRef = system.spawn("counter", Counter::default()).await?;
//! counter.add(5).await?; // a tell: queued, no reply
//! assert_eq!(counter.total().await?, 5); // an ask
//! let total = counter.total().timeout(Duration::from_millis(50)).await?;
//! assert_eq!(total, 5);
//! system.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! See the README for the naming scheme of generated items and the list of what exists today.

mod actor;
mod actor_ref;
mod cell;
mod context;
mod error;
mod failure;
mod mailbox;
mod reply;
mod runner;
mod send;
mod system;

pub use crate::actor::{Actor, ActorDecl, ActorHandle, Message};
pub use crate::actor_ref::{ActorId, ActorPath, ActorRef, Stopping};
pub use crate::context::Ctx;
pub use crate::error::{AskError, ConfigError, SendError, SpawnError};
pub use crate::failure::{BoxError, Failure};
pub use crate::mailbox::MailboxConfig;
pub use crate::reply::{Rejection, ReplySlot};
pub use crate::send::{Ask, AskFuture, PendingReply, Tell, TellFuture};
pub use crate::system::{ActorSystem, ActorSystemBuilder, DEFAULT_ASK_TIMEOUT, SpawnOptions};

#[doc(inline)]
pub use rakt_macros::actor;

/// The names most programs need: `use rakt::prelude::*;`.
pub mod prelude {
    pub use crate::{
        Actor, ActorHandle, ActorRef, ActorSystem, AskError, Ctx, MailboxConfig, ReplySlot,
        SendError, SpawnError, SpawnOptions, actor,
    };
}

/// Items the generated code names. Not a public API: it changes without notice.
#[doc(hidden)]
pub mod __private {
    pub use crate::actor::{Actor, ActorDecl, ActorHandle, Message};
    pub use crate::actor_ref::ActorRef;
    pub use crate::context::Ctx;
    pub use crate::failure::{BoxError, Failure, catch_async, catch_sync, hook_outcome};
    pub use crate::mailbox::MailboxConfig;
    pub use crate::reply::{Rejection, ReplySlot};
    pub use crate::send::{Ask, Tell, ask, tell};
    pub use core::convert::Infallible;
    pub use core::marker::PhantomData;
}
