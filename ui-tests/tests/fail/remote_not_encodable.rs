use std::collections::HashMap;

use rakt::prelude::*;

#[actor]
pub struct Store;

#[actor(remote)]
impl Store {
    pub fn narrow(&self, small: u8, index: usize, letter: char) {
        let _ = (small, index, letter);
    }

    pub fn shapes(&self, pair: (u32, u32), raw: [u8; 4], nothing: ()) {
        let _ = (pair, raw, nothing);
    }

    pub fn nested(
        &self,
        grid: Vec<Vec<u32>>,
        holes: Vec<Option<u32>>,
        maps: Vec<HashMap<u32, u32>>,
        maybe: Option<Vec<u32>>,
        twice: Option<Option<u32>>,
    ) {
        let _ = (grid, holes, maps, maybe, twice);
    }

    pub fn maps(&self, by_ratio: HashMap<f64, u32>, lists: HashMap<u32, Vec<u32>>) {
        let _ = (by_ratio, lists);
    }

    pub fn pair(&self) -> (u32, u32) {
        (1, 2)
    }

    pub fn later(&self, reply: ReplySlot<Vec<Vec<u64>>>) {
        let _ = reply;
    }
}

/// The rejected handlers keep their handle methods: no follow-on errors.
pub async fn pair(store: StoreRef) {
    let _ = store.pair().await;
}

fn main() {}
