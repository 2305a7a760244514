#![allow(unused_variables)]

use rakt::prelude::*;

#[actor]
pub struct Worker;

#[actor]
impl Worker {
    #[route(key = ctx)]
    pub fn record(&mut self, job: u64, ctx: &mut Ctx<Self>) {}

    #[route(key = slot)]
    pub fn wait(&mut self, id: u64, slot: ReplySlot<u64>) {}
}

fn main() {}
