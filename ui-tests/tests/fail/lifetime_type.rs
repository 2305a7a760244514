//! Lifetime parameters are an error on the struct and on the impl block; the expansion goes on
//! as if each were `'static`, so the handle and its methods exist and the call site below
//! reports nothing more.

use rakt::prelude::*;

#[actor]
pub struct Borrower<'a> {
    name: &'a str,
}

#[actor]
impl<'a> Borrower<'a> {
    pub fn name(&self) -> String {
        self.name.to_owned()
    }

    pub fn rename(&mut self, name: &'static str) {
        self.name = name;
    }
}

pub async fn call(system: &ActorSystem) -> Result<String, Box<dyn std::error::Error>> {
    let borrower: BorrowerRef = system.spawn("b", Borrower { name: "ann" }).await?;
    borrower.rename("bob").await?;
    Ok(borrower.name().await?)
}

fn main() {}
