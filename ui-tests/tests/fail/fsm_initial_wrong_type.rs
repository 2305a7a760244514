//! `initial` as a value: its type must be the state type, and a state named with its data must
//! exist.

use rakt::prelude::*;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginState {
    Idle { tries: u32 },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Other {
    Idle { tries: u32 },
}

#[actor]
#[derive(Default)]
pub struct Session;

#[actor(states = LoginState, initial = Other::Idle { tries: 0 })]
impl Session {
    #[state(Idle)]
    pub fn login(&mut self) {}
}

#[actor]
#[derive(Default)]
pub struct Job;

#[actor(states = LoginState, initial = LoginState::Idle { tries: "none" })]
impl Job {
    pub fn run(&mut self) {}
}

#[actor]
#[derive(Default)]
pub struct Task;

#[actor(states = LoginState, initial = Idel { tries: 0 })]
impl Task {
    pub fn run(&mut self) {}
}

fn main() {}
