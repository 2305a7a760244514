use rakt::prelude::*;

#[actor]
#[derive(Default)]
pub struct Store {
    items: Vec<u32>,
}

#[actor]
impl Store {
    pub fn items(&self) -> impl Iterator<Item = u32> + Send + 'static {
        self.items.clone().into_iter()
    }
}

fn main() {}
