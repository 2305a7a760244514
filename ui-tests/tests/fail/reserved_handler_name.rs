use rakt::prelude::*;

#[actor]
pub struct Machine;

#[actor]
impl Machine {
    pub fn stop(&mut self) {}

    pub fn path(&self) -> String {
        String::new()
    }

    pub fn clone(&self) -> u8 {
        0
    }

    pub fn pool(&mut self, size: usize) {
        let _ = size;
    }
}

fn main() {}
