//! Server-streaming rpcs of a `.proto` service (the fixture `bank/v1/ledger.proto`, generated
//! by rakt-codegen in the crate's `build.rs`): the trait's streaming methods implemented, the
//! streams read through the handle, and one stream through the wire codecs.

#![deny(warnings, missing_docs)]

use std::pin::Pin;

use futures_util::StreamExt;
use rakt::prelude::*;
use rakt::wire::{RemoteActor, Status, StreamPiece};

/// The `bank.v1` package: its messages and the `Ledger` actor.
#[allow(missing_docs)] // the fixture leaves its messages and fields undocumented
mod bank {
    include!(concat!(env!("RAKT_UI_PROTO"), "/bank.v1.rs"));
}

use bank::{Account, Amount, Entry, Ledger, LedgerActor, LedgerMsg, LedgerRef};

/// A ledger in memory.
struct Book {
    entries: Vec<Entry>,
}

impl Ledger for Book {
    async fn balance(&mut self, req: Account, _ctx: &mut Ctx<LedgerActor>) -> Result<Amount, Status> {
        let value = self
            .entries
            .iter()
            .filter(|e| e.account == req.name)
            .map(|e| e.amount)
            .sum::<i64>();
        Ok(Amount { value: value as u64 })
    }

    async fn history(
        &mut self,
        req: Account,
        mut items: StreamSlot<Entry, Status>,
        _ctx: &mut Ctx<LedgerActor>,
    ) {
        if req.name.is_empty() {
            items.fail(Status::invalid_argument("whose history?"));
            return;
        }
        for entry in self.entries.iter().filter(|e| e.account == req.name) {
            if items.send(entry.clone()).await.is_err() {
                return;
            }
        }
    }

    async fn tail(&mut self, mut items: StreamSlot<Entry, Status>, _ctx: &mut Ctx<LedgerActor>) {
        let entries = self.entries.clone();
        // The actor is free while a task of its own sends.
        tokio::spawn(async move {
            for entry in entries {
                if items.send(entry).await.is_err() {
                    return;
                }
            }
        });
    }
}

fn entry(account: &str, amount: i64) -> Entry {
    Entry { account: account.to_owned(), amount }
}

/// `message` as field 1 of a message (short enough for a one-byte length).
fn field_1(message: Vec<u8>) -> Vec<u8> {
    let mut out = vec![0x0a, u8::try_from(message.len()).unwrap()];
    out.extend(message);
    out
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let streaming: Vec<&str> = LedgerActor::METHODS.iter().filter(|m| m.stream).map(|m| m.name).collect();
    assert_eq!(streaming, ["History", "Tail"]);

    let system = ActorSystem::builder("proto-streams").build().await.unwrap();
    let entries = vec![entry("ann", 5), entry("bob", 7), entry("ann", -2)];
    let ledger: LedgerRef = system.spawn("ledger", LedgerActor::new(Book { entries })).await.unwrap();

    let ann = Account { name: "ann".to_owned() };
    let mut history = ledger.history(ann.clone()).await.unwrap();
    assert_eq!(history.next().await.unwrap().unwrap(), entry("ann", 5));
    assert_eq!(history.next().await.unwrap().unwrap(), entry("ann", -2));
    assert!(history.next().await.is_none());
    assert_eq!(ledger.balance(ann).await.unwrap().value, 3);

    let mut nobody = ledger.history(Account::default()).await.unwrap();
    let error = nobody.next().await.unwrap().unwrap_err();
    assert!(matches!(error, AskError::Handler(status) if status.code() == rakt::wire::Code::InvalidArgument));

    let tail: Vec<Entry> = ledger.tail().await.unwrap().map(Result::unwrap).collect().await;
    assert_eq!(tail.len(), 3);

    // `History` through the wire codecs, as a rakt node carries it: the `Account` in field 1 of
    // the arguments message, each item the `Entry` in field 1 of a reply, and an empty end.
    let request = field_1(prost::Message::encode_to_vec(&Account { name: "bob".to_owned() }));
    let call = LedgerActor::decode_call("bank.v1.Ledger/History", &request).unwrap();
    let (served, response) = call.into_parts();
    assert!(matches!(served, LedgerMsg::History { .. }));
    let mut pieces = response.into_stream().expect("a streaming method");
    ledger.actor_ref().tell(served).await.unwrap();
    let mut got = Vec::new();
    while let Some(piece) = Pin::new(&mut pieces).next().await {
        got.push(piece);
    }
    let item = field_1(prost::Message::encode_to_vec(&entry("bob", 7)));
    assert_eq!(got, [StreamPiece::Item(item), StreamPiece::End(Vec::new())]);
    system.shutdown().await;
}
