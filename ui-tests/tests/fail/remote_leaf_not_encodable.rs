use std::collections::HashMap;

use rakt::prelude::*;

/// Not a prost message.
#[derive(Debug, Default)]
pub struct Plain {
    pub id: u32,
}

#[actor]
pub struct Registry;

#[actor(remote = "registry.v1")]
impl Registry {
    pub fn put(&self, key: String, item: Plain) {
        let _ = (key, item);
    }

    pub fn put_all(&self, items: Vec<Plain>, by_name: HashMap<String, Plain>) {
        let _ = (items, by_name);
    }

    pub fn get(&self, key: String) -> Option<Plain> {
        let _ = key;
        None
    }
}

fn main() {}
