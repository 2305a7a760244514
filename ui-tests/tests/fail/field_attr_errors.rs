use rakt::prelude::*;

#[actor]
pub struct Fields;

#[derive(Debug)]
pub enum Phase {
    Only,
    Other,
}

#[actor(remote, states = Phase, initial = Only)]
impl Fields {
    pub fn bare(&self, #[field] a: u32) {
        let _ = a;
    }

    pub fn word(&self, #[field(three)] a: u32) {
        let _ = a;
    }

    pub fn huge(&self, #[field(99999999999)] a: u32) {
        let _ = a;
    }

    pub fn twice(&self, #[field(1)] #[field(2)] a: u32) {
        let _ = a;
    }

    pub fn on_ctx(&self, #[field(1)] ctx: &mut Ctx<Self>) {
        let _ = ctx;
    }

    pub fn on_slot(&self, #[field(1)] reply: ReplySlot<u32>) {
        let _ = reply.send(1);
    }

    #[state(Only)]
    pub fn greet(&self, name: String) {
        let _ = name;
    }

    #[handles(greet)]
    #[state(Other)]
    fn greet_again(&self, #[field(3)] name: String) {
        let _ = name;
    }

    fn helper(&self, #[field(1)] a: u32) -> u32 {
        a
    }
}

fn main() {}
