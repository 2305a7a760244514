use rakt::prelude::*;

#[actor]
pub struct Feed;

#[actor]
impl Feed {
    pub async fn tail(&self, mut odd: StreamSlot<u32>, mut even: StreamSlot<u32, String>) {
        let _ = odd.send(1).await;
        let _ = even.send(2).await;
    }
}

fn main() {}
