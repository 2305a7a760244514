use rakt::prelude::*;

#[actor]
pub struct Worker {
    total: u64,
}

#[actor]
impl Worker {
    pub fn record(&mut self, job: u64) {
        self.add(job);
    }

    #[route(key = job)]
    fn add(&mut self, job: u64) {
        self.total += job;
    }
}

fn main() {}
