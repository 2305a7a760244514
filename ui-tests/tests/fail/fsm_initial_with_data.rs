//! A state with data cannot be named by itself in `initial`: its value is needed.

use rakt::prelude::*;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginState {
    Idle { tries: u32 },
    Locked(u32),
}

#[actor]
#[derive(Default)]
pub struct Session;

#[actor(states = LoginState, initial = Idle)]
impl Session {
    #[state(Idle)]
    pub fn login(&mut self) {}
}

#[actor]
#[derive(Default)]
pub struct Vault;

#[actor(states = LoginState, initial = Locked)]
impl Vault {
    #[state(Locked)]
    pub fn unlock(&mut self) {}
}

fn main() {}
