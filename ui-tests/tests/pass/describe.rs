//! `Message::describe`: the handler name, then each message argument rendered with `Debug`, or
//! `_` where its type is not `Debug`; reply slots are not shown. In a generic actor the choice
//! is made by the impl's bounds, not by the type the actor is instantiated with.

#![deny(warnings, missing_docs)]

use std::fmt::Debug;

use rakt::Message;
use rakt::prelude::*;

/// Not `Debug`.
pub struct Opaque(pub u8);

/// Records what it is told.
#[actor]
#[derive(Default)]
pub struct Log {
    total: u64,
}

#[actor]
impl Log {
    /// A `Debug` argument.
    pub fn add(&mut self, by: u64) {
        self.total += by;
    }

    /// A non-`Debug` argument next to a `Debug` one.
    pub fn attach(&mut self, blob: Opaque, label: String) {
        self.total += u64::from(blob.0) + label.len() as u64;
    }

    /// No arguments.
    pub fn ping(&mut self) {}

    /// An ask: the reply slot is not shown.
    pub fn scaled(&self, factor: u64) -> u64 {
        self.total * factor
    }

    /// A deferred ask: the slot argument is not shown either.
    pub fn later(&mut self, tag: u8, reply: ReplySlot<u8>) {
        reply.send(tag);
    }
}

/// A stack with no `Debug` bound on its items.
#[actor]
pub struct Stack<T> {
    items: Vec<T>,
}

#[actor]
impl<T: Send + 'static> Stack<T> {
    /// Pushes `item`.
    pub fn push(&mut self, item: T) {
        self.items.push(item);
    }

    /// A concrete argument of a generic actor.
    pub fn truncate(&mut self, len: usize) {
        self.items.truncate(len);
    }
}

/// A generic actor whose bounds make its items `Debug`.
#[actor]
pub struct Shelf<T> {
    items: Vec<T>,
}

#[actor]
impl<T: Debug + Send + 'static> Shelf<T> {
    /// Puts `item` on the shelf.
    pub fn put(&mut self, item: T) {
        self.items.push(item);
    }
}

fn describe(msg: &impl Message) -> String {
    msg.describe().expect("generated messages describe themselves")
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    assert_eq!(describe(&LogMsg::Add { by: 5 }), "add { by: 5 }");
    assert_eq!(
        describe(&LogMsg::Attach {
            blob: Opaque(1),
            label: "x".to_owned(),
        }),
        r#"attach { blob: _, label: "x" }"#
    );
    assert_eq!(describe(&LogMsg::Ping {}), "ping");

    // `T` renders `_` even where it is `String`: the impl has no `T: Debug`.
    assert_eq!(
        describe(&StackMsg::<String>::Push { item: "a".into() }),
        "push { item: _ }"
    );
    assert_eq!(
        describe(&StackMsg::<Opaque>::Push { item: Opaque(2) }),
        "push { item: _ }"
    );
    assert_eq!(
        describe(&StackMsg::<Opaque>::Truncate { len: 3 }),
        "truncate { len: 3 }"
    );
    assert_eq!(
        describe(&ShelfMsg::<String>::Put { item: "b".into() }),
        r#"put { item: "b" }"#
    );

    // Asks need a reply slot, which only `ActorRef::ask` makes.
    let system = ActorSystem::builder("describe").build().await?;
    let log: LogRef = system.spawn("log", Log::default()).await?;
    log.add(2).await?;
    let mut seen = None;
    let scaled = log
        .actor_ref()
        .ask(|reply| {
            let msg = LogMsg::Scaled { factor: 3, reply };
            seen = msg.describe();
            msg
        })
        .await?;
    assert_eq!(scaled, 6);
    assert_eq!(seen.as_deref(), Some("scaled { factor: 3 }"));
    let tag = log
        .actor_ref()
        .ask(|reply| {
            let msg = LogMsg::Later { tag: 7, reply };
            seen = msg.describe();
            msg
        })
        .await?;
    assert_eq!(tag, 7);
    assert_eq!(seen.as_deref(), Some("later { tag: 7 }"));

    system.shutdown().await;
    Ok(())
}
