use rakt::prelude::*;

#[actor]
pub struct Numbers;

#[actor(remote)]
impl Numbers {
    pub fn zero(&self, #[field(0)] a: u32) {
        let _ = a;
    }

    pub fn reserved(&self, #[field(19500)] a: u32) {
        let _ = a;
    }

    pub fn too_large(&self, #[field(536870912)] a: u32) {
        let _ = a;
    }

    /// `b` takes field 2 by its position, and `a` gives 2 too.
    pub fn clash(&self, #[field(2)] a: u32, b: u32) {
        let _ = (a, b);
    }
}

fn main() {}
