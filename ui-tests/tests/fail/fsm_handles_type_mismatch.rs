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
    pub fn start(&mut self, size: u32) -> String {
        size.to_string()
    }

    #[state(Busy)]
    #[handles(start)]
    fn start_while_busy(&mut self, size: String) -> String {
        size
    }

    #[state(Done)]
    #[handles(start)]
    async fn start_when_done(&mut self, size: u32) -> u32 {
        size
    }
}

fn main() {}
