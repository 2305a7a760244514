#![allow(unused_variables)]

use rakt::prelude::*;

#[actor]
pub struct Worker;

#[actor]
impl Worker {
    #[route(key(user))]
    pub fn record(&mut self, user: u64) {}

    #[route(key = self.user)]
    pub fn forget(&mut self, user: u64) {}

    #[route(broadcast = true)]
    pub fn reset(&mut self, epoch: u64) {}

    #[route(broadcast, broadcast)]
    pub fn restart(&mut self, epoch: u64) {}

    #[route(key = )]
    pub fn stop_job(&mut self, job: u64) {}
}

fn main() {}
