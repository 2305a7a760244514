use rakt::prelude::*;

#[actor]
pub struct Called;

#[actor(remote(package = "a.b"))]
impl Called {
    pub fn ping(&self) {}
}

#[actor]
pub struct Numbered;

#[actor(remote = 3)]
impl Numbered {
    pub fn ping(&self) {}
}

#[actor(remote)]
pub struct OnStruct;

#[actor]
impl OnStruct {}

fn main() {}
