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
    pub fn progress(&self) -> u32 {
        0
    }

    #[state(Busy)]
    #[handles(progress)]
    fn progress_while_busy(&self) {}

    #[state(Done)]
    #[handles(progress)]
    fn progress_when_done(&self) -> Result<u32, String> {
        Ok(100)
    }

    #[state(Idle)]
    pub fn start(&mut self) {}

    #[state(Busy)]
    #[handles(start)]
    fn start_while_busy(&mut self, reply: ReplySlot<u32>) {
        reply.send(0);
    }
}

fn main() {}
