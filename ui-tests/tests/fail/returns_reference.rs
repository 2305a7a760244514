use rakt::prelude::*;

#[actor]
#[derive(Default)]
pub struct Store {
    name: String,
}

#[actor]
impl Store {
    pub fn name(&self) -> &str {
        &self.name
    }
}

fn main() {}
