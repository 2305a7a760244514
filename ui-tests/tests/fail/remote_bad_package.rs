use rakt::prelude::*;

#[actor]
pub struct Billing;

#[actor(remote = "billing..v1")]
impl Billing {
    pub fn charge(&self, cents: u64) {
        let _ = cents;
    }
}

/// The actor stays usable locally: no follow-on errors.
pub async fn charge(billing: BillingRef) {
    let _ = billing.charge(5).await;
}

fn main() {}
