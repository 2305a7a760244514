#![allow(unused_variables)]

use rakt::prelude::*;

/// Not `Hash`.
#[derive(Clone, Debug, PartialEq)]
pub struct Score(pub f64);

#[actor]
pub struct Worker;

#[actor]
impl Worker {
    #[route(key = score)]
    pub fn record(&mut self, job: u64, score: Score) {}
}

#[actor]
pub struct Store<K> {
    items: Vec<K>,
}

#[actor]
impl<K: Send + 'static> Store<K> {
    #[route(key = key)]
    pub fn insert(&mut self, key: K) {
        self.items.push(key);
    }
}

fn main() {}
