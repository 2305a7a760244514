use rakt::prelude::*;

#[actor]
fn handler() {}

#[actor]
pub trait Greeter {
    fn greet(&self);
}

#[actor]
pub union Bits {
    a: u32,
    b: f32,
}

fn main() {}
