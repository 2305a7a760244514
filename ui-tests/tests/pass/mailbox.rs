//! `#[actor(mailbox = ...)]` reaches the runtime through `ActorDecl` and `Actor::MAILBOX`.

use std::sync::Arc;

use rakt::prelude::*;
use tokio::sync::Notify;

#[actor(mailbox = bounded(2))]
#[derive(Default)]
pub struct Slow {
    seen: u32,
}

#[actor]
impl Slow {
    /// Waits until `gate` is opened.
    pub async fn hold(&mut self, gate: Arc<Notify>) {
        gate.notified().await;
        self.seen += 1;
    }

    /// Counts one step.
    pub fn step(&mut self) {
        self.seen += 1;
    }

    pub fn seen(&self) -> u32 {
        self.seen
    }
}

#[actor(mailbox = unbounded)]
#[derive(Default)]
pub struct Open;

#[actor]
impl Open {}

#[actor]
pub enum Plain {
    On,
}

#[actor]
impl Plain {
    pub fn get(&self) -> bool {
        matches!(self, Plain::On)
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    assert_eq!(<Slow as Actor>::MAILBOX, Some(MailboxConfig::bounded(2)));
    assert_eq!(<Open as Actor>::MAILBOX, Some(MailboxConfig::unbounded()));
    assert_eq!(<Plain as Actor>::MAILBOX, None);

    let system = ActorSystem::builder("mailbox").build().await?;
    let slow: SlowRef = system.spawn("slow", Slow::default()).await?;
    let gate = Arc::new(Notify::new());
    slow.hold(gate.clone()).await?;
    // Wait until the actor has taken the hold out of its mailbox; it stays there until the
    // gate opens, so the mailbox fills up.
    while slow.actor_ref().mailbox_len() > 0 {
        tokio::task::yield_now().await;
    }
    slow.step().try_send()?;
    slow.step().try_send()?;
    assert!(matches!(slow.step().try_send(), Err(SendError::MailboxFull)));
    gate.notify_one();
    assert_eq!(slow.seen().await?, 3);

    let open: OpenRef = system.spawn("open", Open).await?;
    assert!(open.is_alive());
    let plain: PlainRef = system.spawn("plain", Plain::On).await?;
    assert!(plain.get().await?);

    system.shutdown().await;
    Ok(())
}
