//! Behaviours (state machines) and the stash: per-state handlers, the three policies for an
//! unhandled message, the behaviour stack, explicit stash, and what restart and stop do to both.
//!
//! Each test runs on both runtimes.

use crate::actors::{next_dead_letter, next_event};
use rakt::BehaviourError;
use rakt::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    Locked,
    Open,
}

/// Stashes what its state does not handle; its stash holds three messages.
#[actor]
#[derive(Default)]
pub struct Vault {
    items: Vec<String>,
}

#[actor(states = Gate, initial = Locked, unhandled = stash, stash_capacity = 3)]
impl Vault {
    /// Opens, and takes back everything stashed while locked.
    #[state(Locked)]
    pub fn unlock(&mut self, ctx: &mut Ctx<Self>) {
        ctx.become_state(Gate::Open);
        ctx.unstash_all();
    }

    /// Opens, taking back one stashed message only.
    #[state(Locked)]
    pub fn peek(&mut self, ctx: &mut Ctx<Self>) {
        ctx.become_state(Gate::Open);
        ctx.unstash();
    }

    #[state(Open)]
    pub fn lock(&mut self, ctx: &mut Ctx<Self>) {
        ctx.become_state(Gate::Locked);
    }

    #[state(Open)]
    pub fn put(&mut self, item: String) {
        self.items.push(item);
    }

    #[state(Open)]
    pub fn count(&self) -> usize {
        self.items.len()
    }

    /// In every state.
    pub fn items(&self) -> Vec<String> {
        self.items.clone()
    }

    /// In every state.
    pub fn inspect(&self, ctx: &mut Ctx<Self>) -> (Gate, usize) {
        (*ctx.state(), ctx.stash_len())
    }

    /// In every state.
    pub fn crash(&mut self) {
        panic!("vault crash");
    }
}

/// Dead-letters what its state does not handle (the default policy).
#[actor]
#[derive(Default)]
pub struct Door {
    visits: u32,
}

#[actor(states = Gate, initial = Locked)]
impl Door {
    #[state(Locked)]
    pub fn unlock(&mut self, ctx: &mut Ctx<Self>) {
        ctx.become_state(Gate::Open);
    }

    #[state(Open)]
    pub fn enter(&mut self) -> u32 {
        self.visits += 1;
        self.visits
    }

    #[state(Open)]
    pub fn wave(&mut self) {}
}

/// Answers an ask its state does not handle with `Unhandled`.
#[actor]
#[derive(Default)]
pub struct Desk;

#[actor(states = Gate, initial = Locked, unhandled = reply)]
impl Desk {
    #[state(Open)]
    pub fn serve(&self) -> &'static str {
        "served"
    }

    #[state(Open)]
    pub fn wave(&mut self) {}
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Temper {
    Calm,
    Cross,
    Furious,
}

/// A behaviour stack, and one message with a handler per state.
#[actor]
#[derive(Default)]
pub struct Mood;

#[actor(states = Temper, initial = Calm)]
impl Mood {
    /// One step angrier, remembering the state left.
    pub fn provoke(&mut self, ctx: &mut Ctx<Self>) -> Temper {
        let next = match ctx.state() {
            Temper::Calm => Temper::Cross,
            _ => Temper::Furious,
        };
        ctx.become_stacked(next);
        next
    }

    /// Back to the state before the last provocation.
    pub fn soothe(&mut self, ctx: &mut Ctx<Self>) -> Result<Temper, BehaviourError> {
        ctx.unbecome()?;
        Ok(*ctx.state())
    }

    /// Straight to `Calm`, keeping the stack.
    pub fn reset(&mut self, ctx: &mut Ctx<Self>) -> Temper {
        ctx.become_state(Temper::Calm)
    }

    pub fn depth(&self, ctx: &mut Ctx<Self>) -> usize {
        ctx.behaviour_depth()
    }

    #[state(Calm)]
    pub fn greet(&self) -> &'static str {
        "hello"
    }

    /// `greet` while cross or furious.
    #[state(Cross, Furious)]
    #[handles(greet)]
    fn greet_crossly(&self) -> &'static str {
        "go away"
    }
}

on_both_runtimes!(a_state_handles_only_its_own_messages);
async fn a_state_handles_only_its_own_messages() {
    let system = ActorSystem::builder("fsm").build().await.unwrap();
    let mood: MoodRef = system.spawn_anonymous(Mood).await.unwrap();
    assert_eq!(mood.greet().await, Ok("hello"));
    assert_eq!(mood.provoke().await, Ok(Temper::Cross));
    assert_eq!(mood.greet().await, Ok("go away"));
    assert_eq!(mood.provoke().await, Ok(Temper::Furious));
    assert_eq!(mood.greet().await, Ok("go away"));
    assert_eq!(mood.depth().await, Ok(2));
    system.shutdown().await;
}

on_both_runtimes!(unbecome_walks_the_stack_back_and_an_empty_stack_is_an_error);
async fn unbecome_walks_the_stack_back_and_an_empty_stack_is_an_error() {
    let system = ActorSystem::builder("stack").build().await.unwrap();
    let mood: MoodRef = system.spawn_anonymous(Mood).await.unwrap();
    assert_eq!(
        mood.soothe().await,
        Err(AskError::Handler(BehaviourError::EmptyStack))
    );
    mood.provoke().await.unwrap();
    mood.provoke().await.unwrap();
    assert_eq!(mood.soothe().await, Ok(Temper::Cross));
    assert_eq!(mood.soothe().await, Ok(Temper::Calm));
    assert_eq!(
        mood.soothe().await,
        Err(AskError::Handler(BehaviourError::EmptyStack))
    );
    assert_eq!(mood.greet().await, Ok("hello"), "the state is unchanged");

    // `become_state` replaces the top and keeps what is underneath.
    mood.provoke().await.unwrap();
    mood.provoke().await.unwrap();
    assert_eq!(mood.reset().await, Ok(Temper::Furious));
    assert_eq!(mood.greet().await, Ok("hello"));
    assert_eq!(mood.depth().await, Ok(2));
    assert_eq!(mood.soothe().await, Ok(Temper::Cross));
    system.shutdown().await;
}

on_both_runtimes!(the_dead_letter_policy_publishes_and_answers_the_asker);
async fn the_dead_letter_policy_publishes_and_answers_the_asker() {
    let system = ActorSystem::builder("deadpolicy").build().await.unwrap();
    let mut events = system.events();
    let door: DoorRef = system.spawn("door", Door::default()).await.unwrap();
    let locked = AskError::Unhandled {
        state: "Locked".into(),
    };
    assert_eq!(door.enter().await, Err(locked));
    let letter = next_dead_letter(&mut events).await;
    assert_eq!(letter.message, "enter");
    assert_eq!(
        letter.reason,
        DeadLetterReason::Unhandled {
            state: "Locked".into()
        }
    );
    assert_eq!(
        letter.to_string(),
        "dead letter to rakt://deadpolicy/user/door: enter (not handled in state Locked)"
    );
    door.wave().await.unwrap();
    let letter = next_dead_letter(&mut events).await;
    assert_eq!(letter.message, "wave");
    assert_eq!(system.dead_letter_count(), 2);

    door.unlock().await.unwrap();
    assert_eq!(door.enter().await, Ok(1));
    assert_eq!(system.dead_letter_count(), 2);
    system.shutdown().await;
}

on_both_runtimes!(the_reply_policy_answers_asks_without_a_dead_letter);
async fn the_reply_policy_answers_asks_without_a_dead_letter() {
    let system = ActorSystem::builder("replypolicy").build().await.unwrap();
    let mut events = system.events();
    let desk: DeskRef = system.spawn_anonymous(Desk).await.unwrap();
    assert_eq!(
        desk.serve().await,
        Err(AskError::Unhandled {
            state: "Locked".into()
        })
    );
    assert_eq!(system.dead_letter_count(), 0);
    // A tell has nobody to answer: it becomes a dead letter rather than vanish.
    desk.wave().await.unwrap();
    let letter = next_dead_letter(&mut events).await;
    assert_eq!(
        (letter.message, letter.reason.clone()),
        (
            "wave",
            DeadLetterReason::Unhandled {
                state: "Locked".into()
            }
        )
    );
    assert_eq!(system.dead_letter_count(), 1);
    system.shutdown().await;
}

on_both_runtimes!(stashed_messages_come_back_in_order_ahead_of_later_ones);
async fn stashed_messages_come_back_in_order_ahead_of_later_ones() {
    let system = ActorSystem::builder("stash").build().await.unwrap();
    let vault: VaultRef = system.spawn_anonymous(Vault::default()).await.unwrap();
    vault.put("a".into()).await.unwrap();
    vault.put("b".into()).await.unwrap();
    let count = vault.count().try_send().unwrap();
    assert_eq!(vault.inspect().await, Ok((Gate::Locked, 3)));

    // Unlock and, behind it in the mailbox, one more put: the stashed ones go first.
    vault.unlock().await.unwrap();
    vault.put("c".into()).await.unwrap();
    assert_eq!(
        count.await,
        Ok(2),
        "the stashed ask is answered once handled"
    );
    assert_eq!(
        vault.items().await,
        Ok(vec!["a".into(), "b".into(), "c".into()])
    );
    assert_eq!(vault.inspect().await, Ok((Gate::Open, 0)));
    system.shutdown().await;
}

on_both_runtimes!(unstash_takes_back_the_oldest_message_only);
async fn unstash_takes_back_the_oldest_message_only() {
    let system = ActorSystem::builder("unstash1").build().await.unwrap();
    let vault: VaultRef = system.spawn_anonymous(Vault::default()).await.unwrap();
    vault.put("a".into()).await.unwrap();
    vault.put("b".into()).await.unwrap();
    vault.peek().await.unwrap();
    assert_eq!(vault.items().await, Ok(vec!["a".to_string()]));
    assert_eq!(vault.inspect().await, Ok((Gate::Open, 1)));
    system.shutdown().await;
}

on_both_runtimes!(a_full_stash_dead_letters_the_message_and_answers_the_asker);
async fn a_full_stash_dead_letters_the_message_and_answers_the_asker() {
    let system = ActorSystem::builder("stashfull").build().await.unwrap();
    let mut events = system.events();
    let vault: VaultRef = system.spawn_anonymous(Vault::default()).await.unwrap();
    for item in ["a", "b", "c"] {
        vault.put(item.into()).await.unwrap();
    }
    assert_eq!(
        vault.count().await,
        Err(AskError::StashFull { capacity: 3 })
    );
    let letter = next_dead_letter(&mut events).await;
    assert_eq!(
        (letter.message, letter.reason.clone()),
        ("count", DeadLetterReason::StashFull { capacity: 3 })
    );
    assert_eq!(vault.inspect().await, Ok((Gate::Locked, 3)));
    vault.unlock().await.unwrap();
    assert_eq!(
        vault.items().await.unwrap().len(),
        3,
        "nothing stashed was lost"
    );
    system.shutdown().await;
}

on_both_runtimes!(stashed_messages_become_dead_letters_when_the_actor_stops);
async fn stashed_messages_become_dead_letters_when_the_actor_stops() {
    let system = ActorSystem::builder("stashstop").build().await.unwrap();
    let mut events = system.events();
    let vault: VaultRef = system.spawn_anonymous(Vault::default()).await.unwrap();
    vault.put("a".into()).await.unwrap();
    let count = vault.count().try_send().unwrap();
    vault.inspect().await.unwrap();
    vault.stop().await;
    assert_eq!(count.await, Err(AskError::Stopped));
    let first = next_dead_letter(&mut events).await;
    let second = next_dead_letter(&mut events).await;
    assert_eq!(
        [first.message, second.message],
        ["put", "count"],
        "oldest first"
    );
    assert_eq!(first.reason, DeadLetterReason::Stopped);
    system.shutdown().await;
}

on_both_runtimes!(a_restart_returns_to_the_initial_state_and_keeps_the_stash);
async fn a_restart_returns_to_the_initial_state_and_keeps_the_stash() {
    let system = ActorSystem::builder("stashrestart").build().await.unwrap();
    let mut events = system.events();
    let vault: VaultRef = system
        .spawn_with(
            Vault::default(),
            SpawnOptions::new().supervision(Supervision::restart()),
        )
        .await
        .unwrap();
    vault.unlock().await.unwrap();
    vault.lock().await.unwrap();
    vault.put("kept".into()).await.unwrap();
    vault.unlock().await.unwrap();
    vault.lock().await.unwrap();
    vault.put("also kept".into()).await.unwrap();
    assert_eq!(vault.inspect().await, Ok((Gate::Locked, 1)));

    // Move to `Open`, then crash: the fresh instance starts `Locked` again.
    vault.unlock().await.unwrap();
    vault.put("lost with the old state".into()).await.unwrap();
    vault.lock().await.unwrap();
    vault.put("stashed before the crash".into()).await.unwrap();
    vault.unlock().await.unwrap();
    vault.crash().await.unwrap();
    next_event(&mut events, |e| matches!(e, Event::Restarted { .. })).await;
    assert_eq!(vault.inspect().await, Ok((Gate::Locked, 0)));
    assert_eq!(vault.items().await, Ok(vec![]), "fresh state");

    // Stash across a restart: the stashed messages survive, in order.
    vault.put("x".into()).await.unwrap();
    vault.put("y".into()).await.unwrap();
    vault.crash().await.unwrap();
    next_event(&mut events, |e| matches!(e, Event::Restarted { .. })).await;
    assert_eq!(vault.inspect().await, Ok((Gate::Locked, 2)));
    vault.unlock().await.unwrap();
    assert_eq!(vault.items().await, Ok(vec!["x".into(), "y".into()]));
    system.shutdown().await;
}

on_both_runtimes!(a_resume_keeps_the_state_and_the_stash);
async fn a_resume_keeps_the_state_and_the_stash() {
    let system = ActorSystem::builder("stashresume").build().await.unwrap();
    let vault: VaultRef = system
        .spawn_with(
            Vault::default(),
            SpawnOptions::new().supervision(Supervision::resume()),
        )
        .await
        .unwrap();
    vault.put("x".into()).await.unwrap();
    vault.crash().await.unwrap();
    assert_eq!(vault.inspect().await, Ok((Gate::Locked, 1)));
    vault.unlock().await.unwrap();
    vault.crash().await.unwrap();
    assert_eq!(vault.inspect().await, Ok((Gate::Open, 0)));
    assert_eq!(vault.items().await, Ok(vec!["x".to_string()]));
    system.shutdown().await;
}

/// Explicit stashing, for any actor: a plain one holding tells until it is told to go on.
#[actor]
#[derive(Default)]
pub struct Holder {
    holding: bool,
    log: Vec<u64>,
    refused: Vec<u64>,
}

#[actor(stash_capacity = 2)]
impl Holder {
    pub fn hold(&mut self) {
        self.holding = true;
    }

    pub fn release(&mut self, ctx: &mut Ctx<Self>) -> usize {
        self.holding = false;
        ctx.unstash_all()
    }

    pub fn record(&mut self, n: u64, ctx: &mut Ctx<Self>) {
        if !self.holding {
            self.log.push(n);
            return;
        }
        if let Err(full) = ctx.stash(HolderMsg::Record { n }) {
            assert_eq!(full.capacity, 2);
            let HolderMsg::Record { n } = full.message else {
                unreachable!("the stashed message comes back")
            };
            self.refused.push(n);
        }
    }

    pub fn log(&self, ctx: &mut Ctx<Self>) -> (Vec<u64>, Vec<u64>, usize) {
        (self.log.clone(), self.refused.clone(), ctx.stash_len())
    }
}

on_both_runtimes!(explicit_stash_gives_the_message_back_when_full);
async fn explicit_stash_gives_the_message_back_when_full() {
    let system = ActorSystem::builder("explicit").build().await.unwrap();
    let holder: HolderRef = system.spawn_anonymous(Holder::default()).await.unwrap();
    holder.record(1).await.unwrap();
    holder.hold().await.unwrap();
    for n in 2..=4 {
        holder.record(n).await.unwrap();
    }
    assert_eq!(holder.log().await, Ok((vec![1], vec![4], 2)));
    assert_eq!(holder.release().await, Ok(2));
    holder.record(5).await.unwrap();
    assert_eq!(holder.log().await, Ok((vec![1, 2, 3, 5], vec![4], 0)));
    system.shutdown().await;
}
