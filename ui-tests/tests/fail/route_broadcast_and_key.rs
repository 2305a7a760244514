#![allow(unused_variables)]

use rakt::prelude::*;

#[actor]
pub struct Worker;

#[actor]
impl Worker {
    #[route(broadcast, key = epoch)]
    pub fn reset(&mut self, epoch: u64) {}

    #[route(key = epoch)]
    #[route(broadcast)]
    pub fn restart(&mut self, epoch: u64) {}
}

fn main() {}
