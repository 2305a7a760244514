//! Two arguments of one name: rustc rejects the signature, and the model rejects the message
//! (its variant would have two fields of that name), so the handler is left out of the enum.

#![allow(unused_variables)]

use rakt::prelude::*;

#[actor]
pub struct Mixer;

#[actor]
impl Mixer {
    pub fn mix(&mut self, level: u8, level: u8) {}
}

fn main() {}
