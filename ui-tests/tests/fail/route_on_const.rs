use rakt::prelude::*;

#[actor]
pub struct Worker;

#[actor]
impl Worker {
    #[route(broadcast)]
    pub const LIMIT: u64 = 8;

    pub fn record(&mut self, job: u64) -> u64 {
        job.min(Self::LIMIT)
    }
}

fn main() {}
