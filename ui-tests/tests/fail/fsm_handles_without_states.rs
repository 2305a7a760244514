use rakt::prelude::*;

#[actor]
pub struct Job;

#[actor]
impl Job {
    pub fn start(&mut self) {}

    #[handles(start)]
    fn start_again(&mut self) {}
}

fn main() {}
