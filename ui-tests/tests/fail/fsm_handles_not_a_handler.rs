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
    #[handles(warm_up)]
    fn start_while_busy(&mut self) {}

    #[state(Busy)]
    #[handles(helper)]
    fn start_again(&mut self) {}

    #[state(Done)]
    #[handles(start_when_done)]
    fn start_when_done(&mut self) {}

    #[pre_start]
    fn warm_up(&mut self) {}

    fn helper(&self) {}
}

fn main() {}
