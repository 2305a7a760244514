//! `#[state(..)]` names variants by themselves; `initial` may be any value of the state type, so
//! `initial = Phase::Idle` is fine.

use rakt::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Idle,
    Busy,
    Done,
}

#[actor]
pub struct Job;

#[actor(states = Phase, initial = Phase::Idle)]
impl Job {
    #[state(Phase::Idle, Busy)]
    pub fn start(&mut self) {}

    #[state(Idle Busy)]
    pub fn finish(&mut self) {}
}

fn main() {}
