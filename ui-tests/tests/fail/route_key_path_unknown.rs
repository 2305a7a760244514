//! A routing key starts at a message argument: `key = user.id` needs an argument `user` (or
//! `_user`); an argument with an underscore is found from the name without it, not the other
//! way round.

#![allow(unused_variables)]

use rakt::prelude::*;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Order {
    pub items: Vec<u64>,
}

#[actor]
pub struct Worker;

#[actor]
impl Worker {
    #[route(key = user.id)]
    pub fn record(&mut self, job: u64, user_id: u64) {}

    #[route(key = ctx.path)]
    pub fn visit(&mut self, page: u64, ctx: &mut Ctx<Self>) {}

    #[route(key = order.items[0])]
    pub fn place(&mut self, order: Order) {}

    #[route(key = _job)]
    pub fn cancel(&mut self, job: u64) {}
}

fn main() {}
