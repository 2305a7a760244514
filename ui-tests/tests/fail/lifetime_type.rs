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
}

fn main() {}
