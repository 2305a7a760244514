#![allow(unused_variables)]

use rakt::prelude::*;

#[derive(Debug)]
pub enum Phase {
    Warm,
    Cold,
}

#[actor]
pub struct Worker;

#[actor(states = Phase, initial = Cold)]
impl Worker {
    #[state(Warm)]
    #[route(key = job)]
    pub fn record(&mut self, job: u64) {}

    #[state(Cold)]
    #[handles(record)]
    #[route(key = job)]
    fn record_while_cold(&mut self, job: u64) {}
}

fn main() {}
