//! Router pools: a pool of workers behind the worker's own typed handle.
//!
//! Run it with `cargo run -p rakt-examples --bin pool`.
//!
//! - round-robin: jobs spread evenly over three workers;
//! - consistent hashing: every invoice of one customer goes to the same worker, and growing
//!   the pool moves only the customers the new worker takes over;
//! - a job that makes a worker panic: the pool's supervision restarts that worker, and the
//!   pool keeps its size;
//! - resize: grow to four workers, then shrink to one, letting the leavers finish.

use std::collections::{BTreeMap, BTreeSet};

use futures_util::StreamExt;
use rakt::prelude::*;

/// A worker; which one handled a job is its actor id.
#[actor]
#[derive(Default)]
pub struct Worker {
    done: u64,
}

#[actor]
impl Worker {
    /// Processes a job and says who did it; job 13 is unlucky and makes the worker panic.
    pub fn process(&mut self, job: u64, ctx: &mut Ctx<Self>) -> String {
        assert!(job != 13, "job 13 is cursed");
        self.done += 1;
        format!("job {job} by {}", ctx.path().name())
    }

    /// Bills a customer; routed by customer under consistent hashing.
    #[route(key = customer)]
    pub fn bill(&mut self, customer: String, amount: u64, ctx: &mut Ctx<Self>) -> String {
        self.done += 1;
        format!("{customer}: {amount} by {}", ctx.path().name())
    }

    /// How many jobs this worker has done since it (re)started.
    pub fn done(&self) -> u64 {
        self.done
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The cursed job's panic is caught and supervised: report it through `tracing`.
    let system = ActorSystem::builder("pool").quiet_panics().build().await?;
    let mut events = system.events();

    // Round-robin over three workers, restarted when they fail.
    let workers: WorkerRef = system
        .spawn_pool(
            "workers",
            Pool::new(3, Worker::default).supervision(Supervision::restart()),
        )
        .await?;
    let control = workers.pool().ok_or("not a pool")?;
    println!("{} has {} routees", workers.path(), control.size());
    for job in 1..=6 {
        println!("{}", workers.process(job).await?);
    }

    // A cursed job: its worker panics and is restarted with fresh state.
    match workers.process(13).await {
        Ok(done) => println!("unexpected: {done}"),
        Err(error) => println!("job 13: {error}"),
    }
    while let Some(event) = events.next().await {
        if let Event::Restarted { actor, .. } = event {
            println!("restarted: {}", actor.name());
            break;
        }
    }
    let mut counts = Vec::new();
    for routee in control.routees() {
        counts.push(routee.done().await?);
    }
    println!(
        "still {} routees; jobs done since start: {counts:?}",
        control.size()
    );

    // Grow, then shrink: the leavers finish what they have queued.
    control.resize(4).await?;
    println!("resized to {}", control.size());
    control.resize(1).await?;
    println!("resized to {}", control.size());
    workers.stop().await;

    // Consistent hashing: a customer sticks to its worker.
    let billing: WorkerRef = system
        .spawn_pool(
            "billing",
            Pool::new(3, Worker::default).routing(Routing::consistent_hash()),
        )
        .await?;
    let customers = ["ada", "grace", "alan", "edsger", "barbara", "donald"];
    let mut owner = BTreeMap::new();
    for round in 1..=2 {
        for customer in customers {
            let line = billing.bill(customer.into(), round * 10).await?;
            let by = line.rsplit(' ').next().unwrap_or_default().to_owned();
            let first = owner.entry(customer).or_insert_with(|| by.clone());
            assert_eq!(*first, by, "a customer moved between workers");
        }
    }
    let used: BTreeSet<_> = owner.values().collect();
    println!(
        "{} customers billed twice each, always by the same worker ({} workers used)",
        customers.len(),
        used.len()
    );
    billing.pool().ok_or("not a pool")?.resize(4).await?;
    let mut moved = 0;
    for customer in customers {
        let line = billing.bill(customer.into(), 1).await?;
        if !line.ends_with(owner[customer].as_str()) {
            moved += 1;
        }
    }
    println!(
        "after growing to 4: {moved} of {} customers moved",
        customers.len()
    );

    system.shutdown().await;
    println!("all stopped");
    Ok(())
}
