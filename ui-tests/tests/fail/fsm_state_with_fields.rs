//! `#[state(..)]` names a variant without its data: `Authenticated` matches it whatever it holds.

use rakt::prelude::*;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginState {
    Idle,
    Authenticated { user: String },
}

#[actor]
#[derive(Default)]
pub struct Session;

#[actor(states = LoginState, initial = Idle)]
impl Session {
    #[state(Authenticated { .. })]
    pub fn whoami(&self) {}

    #[state(Authenticated(user))]
    pub fn logout(&mut self) {}
}

fn main() {}
