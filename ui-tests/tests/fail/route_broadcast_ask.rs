#![allow(unused_variables)]

use rakt::prelude::*;

#[actor]
pub struct Worker;

#[derive(Debug)]
pub struct Busy;

#[actor]
impl Worker {
    #[route(broadcast)]
    pub fn load(&self) -> u64 {
        0
    }

    #[route(broadcast)]
    pub fn reserve(&mut self, n: u64) -> Result<u64, Busy> {
        Ok(n)
    }

    #[route(broadcast)]
    pub fn drain(&mut self, reply: ReplySlot<()>) {}
}

fn main() {}
