//! A tour of rakt's core: spawn, tell, ask, an ask that times out, a child actor, a handler
//! panic the system survives (seen on the event stream, with the dead letters it leaves), a
//! supervised actor restarting with fresh state, and a graceful shutdown. Every step prints what happened.
//!
//! Run it with `cargo run -p rakt-examples --bin tour`.

use futures_util::StreamExt;
use rakt::prelude::*;

/// Counts what it is told.
#[actor]
#[derive(Default)]
pub struct Counter {
    total: u64,
}

#[actor]
impl Counter {
    /// Adds `by` to the total (a tell: no reply).
    pub fn add(&mut self, by: u64) {
        self.total += by;
    }

    /// The current total (an ask).
    pub fn total(&self) -> u64 {
        self.total
    }

    /// Takes `by` away, refusing to go below zero (an ask whose error reaches the caller).
    pub fn take(&mut self, by: u64) -> Result<u64, Overdrawn> {
        if by > self.total {
            return Err(Overdrawn {
                wanted: by,
                had: self.total,
            });
        }
        self.total -= by;
        Ok(self.total)
    }

    /// Answers after `delay`: long enough for an impatient caller to give up.
    pub async fn slow_total(&self, delay: Duration) -> u64 {
        tokio::time::sleep(delay).await;
        self.total
    }

    /// Divides 100 by `by`; panics on zero.
    pub fn divide(&self, by: u64) -> u64 {
        100 / by
    }

    #[post_stop]
    fn stopped(&mut self, ctx: &mut Ctx<Self>) {
        println!("   post_stop  {} (total {})", ctx.path(), self.total);
    }
}

/// The error of [`Counter::take`].
#[derive(Debug, thiserror::Error)]
#[error("cannot take {wanted}, only {had} left")]
pub struct Overdrawn {
    wanted: u64,
    had: u64,
}

/// Supervises nothing yet: it just owns a child counter.
#[actor]
#[derive(Default)]
pub struct Team {
    members: Vec<CounterRef>,
}

#[actor]
impl Team {
    /// Spawns a child counter called `name` and returns its handle.
    pub async fn hire(
        &mut self,
        name: String,
        ctx: &mut Ctx<Self>,
    ) -> Result<CounterRef, SpawnError> {
        let member = ctx.spawn(&name, Counter::default()).await?;
        self.members.push(member.clone());
        Ok(member)
    }

    #[post_stop]
    fn stopped(&mut self, ctx: &mut Ctx<Self>) {
        println!(
            "   post_stop  {} ({} members)",
            ctx.path(),
            self.members.len()
        );
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("1. build a system");
    // Handler panics are caught and supervised: report them through `tracing`, not stderr.
    let system = ActorSystem::builder("tour")
        .ask_timeout(Duration::from_secs(2))
        .quiet_panics()
        .build()
        .await?;
    println!("   system `{}` is up", system.name());

    println!("2. spawn an actor, tell it, ask it");
    let counter: CounterRef = system.spawn("counter", Counter::default()).await?;
    counter.add(5).await?;
    counter.add(7).await?;
    println!(
        "   {} told add(5), add(7); total() = {}",
        counter.path(),
        counter.total().await?
    );
    match counter.take(100).await {
        Err(AskError::Handler(overdrawn)) => {
            println!("   take(100) answered an error: {overdrawn}")
        }
        other => println!("   take(100) unexpectedly gave {other:?}"),
    }

    println!("3. an ask that times out");
    let impatient = counter
        .slow_total(Duration::from_secs(1))
        .timeout(Duration::from_millis(50))
        .await;
    match impatient {
        Err(AskError::Timeout(after)) => println!("   slow_total gave up after {after:?}"),
        other => println!("   slow_total unexpectedly gave {other:?}"),
    }

    println!("4. a child actor");
    let team: TeamRef = system.spawn("team", Team::default()).await?;
    let alice = team.hire("alice".to_owned()).await?;
    alice.add(3).await?;
    println!(
        "   {} is a child of {}; total() = {}",
        alice.path(),
        team.path(),
        alice.total().await?
    );

    println!("5. a handler panics under the default supervision (stop); the system carries on");
    let mut events = system.events();
    let fragile: CounterRef = system.spawn("fragile", Counter::default()).await?;
    match fragile.divide(0).await {
        Err(AskError::Failed(reason)) => println!("   divide(0) failed: {reason}"),
        other => println!("   divide(0) unexpectedly gave {other:?}"),
    }
    fragile.stop().await;
    println!(
        "   fragile alive: {}; counter alive: {}",
        fragile.is_alive(),
        counter.is_alive()
    );
    match fragile.total().await {
        Err(AskError::Stopped) => println!("   an ask to the stopped actor: it is stopped"),
        other => println!("   an ask to the stopped actor unexpectedly gave {other:?}"),
    }
    let _ = fragile.add(1).await;
    while let Some(event) = events.next().await {
        match event {
            Event::Stopped { actor, reason } => println!("   event: {actor} stopped: {reason:?}"),
            Event::DeadLetter(letter) => {
                println!("   event: {letter}");
                if letter.message == "add" {
                    break;
                }
            }
            _ => {}
        }
    }
    println!("   dead letters so far: {}", system.dead_letter_count());
    counter.add(1).await?;
    println!(
        "   counter still answers: total() = {}",
        counter.total().await?
    );

    println!("6. a supervised actor restarts with fresh state and keeps its mailbox");
    let restart = Supervision::restart().max_restarts(3, Duration::from_secs(10));
    let resilient = system
        .spawn_supervised("resilient", Counter::default(), restart)
        .await?;
    resilient.add(40).await?;
    let crash = resilient.divide(0).try_send()?;
    resilient.add(2).await?; // queued behind the crash: handled after the restart
    match crash.await {
        Err(AskError::Failed(reason)) => println!("   divide(0) failed: {reason}"),
        other => println!("   divide(0) unexpectedly gave {other:?}"),
    }
    while let Some(event) = events.next().await {
        if let Event::Restarted { actor, failure } = event {
            println!("   event: {actor} restarted after: {failure}");
            break;
        }
    }
    println!(
        "   after the restart: total() = {} (fresh state plus the queued add(2)); alive: {}",
        resilient.total().await?,
        resilient.is_alive()
    );

    println!("7. graceful shutdown: children stop before their parents");
    system.shutdown().await;
    println!("   all actors stopped: {}", system.actor_count() == 0);
    Ok(())
}
