use rakt::prelude::*;

// Not `Debug`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Idle,
    Busy,
}

#[actor]
pub struct Job;

#[actor(states = Phase, initial = Idle)]
impl Job {
    #[state(Idle)]
    pub fn start(&mut self, ctx: &mut Ctx<Self>) {
        ctx.become_state(Phase::Busy);
    }
}

fn main() {}
