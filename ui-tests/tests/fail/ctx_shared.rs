use rakt::prelude::*;

#[actor]
pub struct Worker;

#[actor]
impl Worker {
    pub fn peek(&self, ctx: &Ctx<Self>) -> String {
        ctx.path().to_string()
    }

    pub fn take(&self, ctx: Ctx<Self>) {
        drop(ctx);
    }
}

fn main() {}
