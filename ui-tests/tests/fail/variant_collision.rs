use rakt::prelude::*;

#[actor]
pub struct Cart;

#[actor]
impl Cart {
    pub fn add_item(&mut self, id: u32) {
        let _ = id;
    }

    #[allow(non_snake_case)]
    pub fn addItem(&mut self, id: u32) {
        let _ = id;
    }

    // PascalCase gives `Self`, a keyword.
    pub fn self_(&self) {}
}

fn main() {}
