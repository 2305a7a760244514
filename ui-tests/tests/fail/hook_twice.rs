use rakt::prelude::*;

#[actor]
pub struct Service;

#[actor]
impl Service {
    pub fn ping(&self) {}

    #[post_stop]
    fn flush(&mut self) {}

    #[post_stop]
    fn close(&mut self) {}
}

fn main() {}
