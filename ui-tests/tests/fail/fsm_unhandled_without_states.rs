use rakt::prelude::*;

#[actor]
pub struct Job;

#[actor(unhandled = stash)]
impl Job {
    pub fn start(&mut self) {}
}

fn main() {}
