#![allow(unused_variables)]

use rakt::prelude::*;

#[actor]
pub struct Worker;

#[actor]
impl Worker {
    #[route(broadcasts)]
    pub fn reset(&mut self, epoch: u64) {}

    #[route(round_robin = true)]
    pub fn record(&mut self, job: u64) {}
}

fn main() {}
