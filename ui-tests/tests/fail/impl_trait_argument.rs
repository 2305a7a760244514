use rakt::prelude::*;

#[actor]
pub struct Printer;

#[actor]
impl Printer {
    pub fn print(&self, value: impl std::fmt::Display + Send + 'static) {
        println!("{value}");
    }
}

fn main() {}
