//! A handler with an error keeps a handle method whose body never runs, so that its callers
//! report nothing more: only the errors of the handlers themselves show.

use rakt::prelude::*;

#[actor]
#[derive(Default)]
pub struct Greeter;

#[actor]
impl Greeter {
    pub fn greet(&self, name: &str) -> String {
        format!("hello {name}")
    }

    pub fn greet_pair(&self, (first, last): (String, String)) {
        let _ = (first, last);
    }

    pub fn put<T: ToString>(&mut self, item: T) -> Result<usize, String> {
        Ok(item.to_string().len())
    }

    pub fn later(self, slot: ReplySlot<u64>) {
        slot.send(1);
    }
}

pub async fn call(greeter: &GreeterRef) -> Result<(), Box<dyn std::error::Error>> {
    let greeting: String = greeter.greet("ann").await?;
    greeter.greet_pair(("ann".into(), "lee".into())).await?;
    let len: usize = greeter.put(5).timeout(std::time::Duration::from_secs(1)).await?;
    let one: u64 = greeter.later().await?;
    println!("{greeting} {len} {one}");
    Ok(())
}

fn main() {}
