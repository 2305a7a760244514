use rakt::prelude::*;

#[actor]
#[derive(Default)]
pub struct Store {
    items: Vec<String>,
}

#[actor]
impl Store {
    pub fn put<T: ToString>(&mut self, item: T) {
        self.items.push(item.to_string());
    }

    pub fn first<'a>(&'a self) -> Option<String> {
        self.items.first().cloned()
    }

    pub fn count(&self) -> usize
    where
        Self: Sized,
    {
        self.items.len()
    }
}

fn main() {}
