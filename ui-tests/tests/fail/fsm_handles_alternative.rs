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

    #[state(Busy)]
    #[handles(start)]
    fn start_while_busy(&mut self) {}

    #[state(Done)]
    #[handles(start_while_busy)]
    fn start_when_done(&mut self) {}
}

fn main() {}
