//! Routing keys: `#[route(key = customer)]` finds an argument `_customer` (the name rustc
//! suggests for an argument used only for routing), and a key may be a field of an argument,
//! nested (`order.customer.id`) or a tuple field (`pair.0`). `deny(warnings)`: neither the
//! handlers nor the generated code warn.

#![deny(warnings, missing_docs)]

use rakt::prelude::*;
use rakt::{Message, Pool, Routing};

/// A customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Customer {
    /// Its number; orders are routed on it.
    pub id: u64,
    /// Not part of the key.
    pub name: String,
}

/// An order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    /// Who orders.
    pub customer: Customer,
    /// How much.
    pub amount: u64,
}

/// Keeps the bills of the customers it owns.
#[actor]
#[derive(Default)]
pub struct Billing {
    billed: Vec<u64>,
}

#[actor]
impl Billing {
    /// Bills `amount`; the customer only routes the message.
    #[route(key = customer)]
    pub fn bill(&mut self, amount: u64, _customer: u64) {
        self.billed.push(amount);
    }

    /// Places an order, routed on its customer's number; how many bills this routee has.
    #[route(key = order.customer.id)]
    pub fn place(&mut self, order: Order) -> usize {
        self.billed.push(order.amount);
        self.billed.len()
    }

    /// A pair routed on its first element.
    #[route(key = pair.0)]
    pub fn pair(&mut self, pair: (u64, u64)) {
        self.billed.push(pair.1);
    }

    /// What this routee billed.
    pub fn billed(&self) -> Vec<u64> {
        self.billed.clone()
    }
}

fn order(id: u64, name: &str, amount: u64) -> Order {
    Order {
        customer: Customer {
            id,
            name: name.to_owned(),
        },
        amount,
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // A key is the field it names: `pair.0` and `_customer` hash the same `u64` alike, and
    // the rest of the pair does not count.
    let key = |msg: BillingMsg| msg.route_key().expect("a keyed message");
    let bill = |customer: u64| BillingMsg::Bill {
        amount: 1,
        _customer: customer,
    };
    let pair = |first: u64, second: u64| BillingMsg::Pair {
        pair: (first, second),
    };
    assert_eq!(key(bill(7)), key(pair(7, 100)));
    assert_eq!(key(pair(7, 1)), key(pair(7, 2)));
    assert_ne!(key(bill(7)), key(bill(8)));

    let system = ActorSystem::builder("routing-keys").build().await?;
    let pool: BillingRef = system
        .spawn_pool_anonymous(Pool::new(4, Billing::default).routing(Routing::consistent_hash()))
        .await?;
    let routees = pool.pool().expect("a pool").routees();

    // Customer 7's orders, bills and pairs reach one routee, whatever the other fields hold
    // (`Order` and `Customer` are not `Hash`: only the number is hashed).
    assert_eq!(pool.place(order(7, "ann", 10)).await?, 1);
    assert_eq!(pool.place(order(7, "ann (renamed)", 20)).await?, 2);
    pool.bill(30, 7).await?;
    pool.pair((7, 40)).await?;
    let mut holders = Vec::new();
    for routee in &routees {
        let billed = routee.billed().await?;
        if !billed.is_empty() {
            holders.push(billed);
        }
    }
    assert_eq!(holders, [vec![10, 20, 30, 40]]);

    system.shutdown().await;
    Ok(())
}
