#![allow(unused_variables)]

use rakt::prelude::*;

#[actor]
pub struct Worker;

#[actor]
impl Worker {
    #[route]
    pub fn record(&mut self, job: u64) {}

    #[route()]
    pub fn reset(&mut self) {}
}

fn main() {}
