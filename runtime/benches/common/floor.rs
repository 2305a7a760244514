//! The floor: what a hand-written actor on bare tokio costs.

use tokio::sync::{mpsc, oneshot};

use super::Peer;

/// The floor's message enum.
pub enum Msg {
    /// Adds to the total (a tell).
    Add(u64),
    /// Answers the total (an ask).
    Total(oneshot::Sender<u64>),
    /// Answers its argument (an ask).
    Echo(u64, oneshot::Sender<u64>),
}

/// A task draining an unbounded channel.
pub struct Floor;

impl Peer for Floor {
    const NAME: &'static str = "floor";
    type System = ();
    type Handle = mpsc::UnboundedSender<Msg>;

    async fn start() {}

    async fn spawn(_: &()) -> Self::Handle {
        let (tx, mut rx) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            let mut total = 0u64;
            while let Some(msg) = rx.recv().await {
                match msg {
                    Msg::Add(by) => total += by,
                    Msg::Total(reply) => {
                        let _ = reply.send(total);
                    }
                    Msg::Echo(x, reply) => {
                        let _ = reply.send(x);
                    }
                }
            }
        });
        tx
    }

    fn tell(handle: &Self::Handle, by: u64) {
        handle.send(Msg::Add(by)).expect("floor actor gone");
    }

    async fn echo(handle: &Self::Handle, x: u64) -> u64 {
        let (tx, rx) = oneshot::channel();
        handle.send(Msg::Echo(x, tx)).expect("floor actor gone");
        rx.await.expect("floor actor dropped the reply")
    }

    async fn total(handle: &Self::Handle) -> u64 {
        let (tx, rx) = oneshot::channel();
        handle.send(Msg::Total(tx)).expect("floor actor gone");
        rx.await.expect("floor actor dropped the reply")
    }

    async fn stop(_: (), handles: Vec<Self::Handle>) {
        // The task ends once every sender is gone.
        drop(handles);
    }
}
