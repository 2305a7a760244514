use rakt::prelude::*;

#[actor]
pub struct Service;

#[actor]
impl Service {
    pub fn ping(&self) {}

    #[pre_start]
    fn start() {}

    #[post_start(now)]
    fn started(&mut self) -> u32 {
        0
    }

    #[post_stop]
    const LIMIT: u32 = 3;
}

fn main() {}
