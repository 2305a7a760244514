use rakt::prelude::*;

#[actor]
pub struct Service;

#[actor]
impl Service {
    pub fn ping(&self) {}

    #[pre_start]
    fn start(&mut self, ctx: &mut Ctx<Self>, retries: u32) {
        let _ = (ctx, retries);
    }
}

fn main() {}
