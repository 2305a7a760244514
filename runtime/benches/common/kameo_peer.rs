//! kameo 0.22: one struct per message, boxed into kameo's mailbox.

use kameo::actor::{ActorRef, Spawn};
use kameo::message::{Context, Message};

use super::Peer;

/// The counter as a kameo actor.
#[derive(kameo::Actor, Default)]
pub struct KCounter {
    total: u64,
}

/// Adds to the total (a tell).
pub struct Add(pub u64);
/// Answers the total (an ask).
pub struct Total;
/// Answers its argument (an ask).
pub struct Echo(pub u64);

impl Message<Add> for KCounter {
    type Reply = ();

    async fn handle(&mut self, msg: Add, _: &mut Context<Self, Self::Reply>) {
        self.total += msg.0;
    }
}

impl Message<Total> for KCounter {
    type Reply = u64;

    async fn handle(&mut self, _: Total, _: &mut Context<Self, Self::Reply>) -> u64 {
        self.total
    }
}

impl Message<Echo> for KCounter {
    type Reply = u64;

    async fn handle(&mut self, msg: Echo, _: &mut Context<Self, Self::Reply>) -> u64 {
        msg.0
    }
}

/// kameo with unbounded mailboxes.
pub struct Kameo;

impl Peer for Kameo {
    const NAME: &'static str = "kameo";
    type System = ();
    type Handle = ActorRef<KCounter>;

    async fn start() {}

    async fn spawn(_: &()) -> Self::Handle {
        KCounter::spawn_with_mailbox(KCounter::default(), kameo::mailbox::unbounded())
    }

    fn tell(handle: &Self::Handle, by: u64) {
        if handle.tell(Add(by)).try_send().is_err() {
            panic!("kameo actor gone");
        }
    }

    async fn echo(handle: &Self::Handle, x: u64) -> u64 {
        match handle.ask(Echo(x)).await {
            Ok(x) => x,
            Err(_) => panic!("kameo ask failed"),
        }
    }

    async fn total(handle: &Self::Handle) -> u64 {
        match handle.ask(Total).await {
            Ok(total) => total,
            Err(_) => panic!("kameo ask failed"),
        }
    }

    async fn stop(_: (), handles: Vec<Self::Handle>) {
        for handle in &handles {
            let _ = handle.stop_gracefully().await;
        }
    }
}
