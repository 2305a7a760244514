#![allow(unused_variables)]

use rakt::prelude::*;

#[actor]
pub struct Worker;

#[actor]
impl Worker {
    #[route(key = user)]
    pub fn record(&mut self, job: u64, user_id: u64, ctx: &mut Ctx<Self>) {}

    #[route(key = id)]
    pub fn ping(&self) -> bool {
        true
    }
}

fn main() {}
