use rakt::prelude::*;

#[actor(mailbox = bounded(0))]
pub struct Zero;

#[actor]
impl Zero {}

#[actor(mailbox = 3)]
pub struct Number;

#[actor]
impl Number {}

#[actor(mailbox = bounded(big))]
pub struct Named;

#[actor]
impl Named {}

#[actor(mailbox = bounded(8), mailbox = unbounded)]
pub struct Twice;

#[actor]
impl Twice {}

fn main() {}
