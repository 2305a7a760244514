#![allow(unused_variables)]

use rakt::prelude::*;

#[actor]
pub struct Worker;

#[actor]
impl Worker {
    #[route(key = user, key = job)]
    pub fn record(&mut self, job: u64, user: u64) {}

    #[route(key = user)]
    #[route(key = job)]
    pub fn forget(&mut self, job: u64, user: u64) {}
}

fn main() {}
