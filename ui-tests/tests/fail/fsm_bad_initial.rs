use rakt::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Idle,
    Busy,
    Done,
}

#[actor]
pub struct Job;

#[actor(states = Phase, initial = Starting)]
impl Job {
    #[state(Idle)]
    pub fn start(&mut self) {}
}

fn main() {}
