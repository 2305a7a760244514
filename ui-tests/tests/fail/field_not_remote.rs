use rakt::prelude::*;

#[actor]
pub struct Local;

#[actor]
impl Local {
    pub fn add(&self, #[field(2)] by: u64) {
        let _ = by;
    }
}

fn main() {}
