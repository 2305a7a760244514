use rakt::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Idle,
    Busy,
    Done,
}

#[actor]
pub struct Job;

#[actor(states = Phase, initial = Idle)]
impl Job {
    #[state(Idle)]
    pub fn start(&mut self) {}

    #[pre_start]
    #[state(Idle)]
    fn warm_up(&mut self) {}

    #[state(Busy)]
    const LIMIT: u32 = 3;
}

fn main() {}
