use rakt::prelude::*;

#[actor]
pub struct Greeter;

#[actor]
impl Greeter {
    pub fn greet(&self, name: &str) -> String {
        format!("hello {name}")
    }

    pub fn greet_all(&self, names: Vec<&'_ str>) -> usize {
        names.len()
    }

    /// `'static` references own nothing that could go away: accepted.
    pub fn greet_static(&self, name: &'static str) -> String {
        format!("hello {name}")
    }
}

fn main() {}
