use rakt::prelude::*;

#[actor(crate = rakt)]
pub struct Bare;

#[actor]
impl Bare {}

#[actor(crate = "not a path")]
pub struct Spaces;

#[actor]
impl Spaces {}

#[actor(crate = 3)]
pub struct Number;

#[actor]
impl Number {}

fn main() {}
