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
    #[state(Idle, Busy)]
    pub fn start(&mut self) {}

    #[state(Done, Busy)]
    #[handles(start)]
    fn start_again(&mut self) {}

    /// No `#[state]`: every state.
    pub fn progress(&self) -> u32 {
        0
    }

    #[state(Done)]
    #[handles(progress)]
    fn progress_when_done(&self) -> u32 {
        100
    }
}

fn main() {}
