use rakt::prelude::*;

#[actor]
pub struct Job;

#[actor]
impl Job {
    #[state(Idle)]
    pub fn start(&mut self) {}

    pub fn stop_now(&mut self) {}
}

fn main() {}
