use rakt::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Idle,
    Busy,
    Done,
}

#[actor]
pub struct Job;

// The state type is still `Phase`, so the handler's `become_state` raises no follow-on error.
#[actor(states = Phase)]
impl Job {
    #[state(Idle)]
    pub fn start(&mut self, ctx: &mut Ctx<Self>) {
        ctx.become_state(Phase::Busy);
    }
}

fn main() {}
