use rakt::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Idle,
    Busy,
}

#[actor(states = Phase, initial = Idle)]
pub struct Job;

#[actor]
impl Job {
    pub fn start(&mut self) {}
}

fn main() {}
