use rakt::prelude::*;

#[actor]
pub struct Mailer;

#[actor]
impl Mailer {
    pub fn send(&self, reply: String) -> bool {
        !reply.is_empty()
    }

    // A tell has no reply field: the name is free.
    pub fn note(&self, reply: String) {
        let _ = reply;
    }
}

fn main() {}
