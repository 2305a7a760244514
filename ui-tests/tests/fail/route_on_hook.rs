#![allow(unused_variables)]

use rakt::prelude::*;

#[actor]
pub struct Worker;

#[actor]
impl Worker {
    pub fn record(&mut self, job: u64) {}

    #[pre_start]
    #[route(broadcast)]
    fn warm_up(&mut self) {}
}

fn main() {}
