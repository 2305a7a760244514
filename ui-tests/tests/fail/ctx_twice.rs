use rakt::prelude::*;

#[actor]
pub struct Worker;

#[actor]
impl Worker {
    pub fn work(&self, ctx: &mut Ctx<Self>, again: &mut Ctx<Self>) {
        let _ = (ctx, again);
    }
}

fn main() {}
