use rakt::prelude::*;

#[actor]
pub struct Raw;

#[actor]
impl Raw {
    pub unsafe fn poke(&mut self, addr: usize) {
        let _ = addr;
    }
}

fn main() {}
