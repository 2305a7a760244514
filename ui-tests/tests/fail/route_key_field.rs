//! A field key is checked by rustc where it is written: a field that does not exist, one that
//! is not `Hash`, one that is private.

#![allow(unused_variables)]

use rakt::prelude::*;

mod shop {
    #[derive(Debug, Clone)]
    pub struct Customer {
        pub id: u64,
        pub score: f64,
        secret: u64,
    }
}

#[derive(Debug, Clone)]
pub struct Order {
    pub customer: shop::Customer,
}

#[actor]
pub struct Worker;

#[actor]
impl Worker {
    #[route(key = order.customer.number)]
    pub fn place(&mut self, order: Order) {}

    #[route(key = order.customer.score)]
    pub fn rate(&mut self, order: Order) {}

    #[route(key = order.customer.secret)]
    pub fn audit(&mut self, order: Order) {}

    #[route(key = order.customer.id)]
    pub fn ship(&mut self, order: Order) {}
}

fn main() {}
