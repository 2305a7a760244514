#![allow(unused_variables)]

use rakt::prelude::*;

/// Not `Clone`.
#[derive(Debug)]
pub struct Socket;

#[actor]
pub struct Worker;

#[actor]
impl Worker {
    #[route(broadcast)]
    pub fn adopt(&mut self, epoch: u64, socket: Socket) {}
}

#[actor]
pub struct Store<V> {
    items: Vec<V>,
}

#[actor]
impl<V: Send + 'static> Store<V> {
    #[route(broadcast)]
    pub fn fill(&mut self, value: V) {
        self.items.push(value);
    }
}

fn main() {}
