//! `r#reply` is the field `reply`: an ask cannot take it either.

use rakt::prelude::*;

#[actor]
pub struct Mailer;

#[actor]
impl Mailer {
    pub fn send(&self, r#reply: String) -> bool {
        !r#reply.is_empty()
    }
}

fn main() {}
