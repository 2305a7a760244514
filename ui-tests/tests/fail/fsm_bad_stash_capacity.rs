use rakt::prelude::*;

#[actor]
pub struct Empty;

#[actor(stash_capacity = 0)]
impl Empty {
    pub fn ping(&self) {}
}

#[actor]
pub struct Quoted;

#[actor(stash_capacity = "64")]
impl Quoted {
    pub fn ping(&self) {}
}

fn main() {}
