#![allow(unused_variables)]

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
    pub fn start(&mut self, name: String, size: u32) {}

    /// Swapped.
    #[state(Busy)]
    #[handles(start)]
    fn start_while_busy(&mut self, size: u32, name: String) {}

    /// Missing one.
    #[state(Done)]
    #[handles(start)]
    fn start_when_done(&mut self, name: String, ctx: &mut Ctx<Self>) {}
}

fn main() {}
