//! States with data: variants with fields (struct and tuple variants) next to unit ones.
//! `#[state(Idle)]` matches `Idle { .. }` whatever it holds, handlers read the data through
//! `ctx.state()`, and `initial` names a state with its data (`Idle { tries: 0 }`), or is any
//! value of the state type; it is evaluated again on a restart.

#![deny(warnings, missing_docs)]

use rakt::prelude::*;
use rakt::Supervision;

/// The states of a login session; most carry data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginState {
    /// Waiting for a login; counts the failed attempts.
    Idle {
        /// Failed attempts so far.
        tries: u32,
    },
    /// Logged in.
    Authenticated {
        /// Who.
        user: String,
    },
    /// Locked after three failed attempts, until `unlock` with this code.
    Locked(u32),
    /// Logged out for good.
    Closed,
}

/// A login session whose data lives in its states.
#[actor]
#[derive(Default)]
pub struct Session {
    logins: u32,
}

#[actor(states = LoginState, initial = Idle { tries: 0 }, unhandled = reply)]
impl Session {
    /// Logs `user` in; three wrong passwords lock the session.
    #[state(Idle)]
    pub fn login(&mut self, user: String, password: String, ctx: &mut Ctx<Self>) -> bool {
        let tries = match ctx.state() {
            LoginState::Idle { tries } => *tries,
            _ => 0,
        };
        if password == "secret" {
            self.logins += 1;
            ctx.become_state(LoginState::Authenticated { user });
            true
        } else if tries + 1 == 3 {
            ctx.become_state(LoginState::Locked(1234));
            false
        } else {
            ctx.become_state(LoginState::Idle { tries: tries + 1 });
            false
        }
    }

    /// Who is logged in, read from the state's data.
    #[state(Authenticated)]
    pub fn whoami(&self, ctx: &mut Ctx<Self>) -> String {
        match ctx.state() {
            LoginState::Authenticated { user } => user.clone(),
            other => format!("{other:?}"),
        }
    }

    /// `whoami` when nobody is logged in: a tuple and a struct variant in one list.
    #[state(Idle, Locked)]
    #[handles(whoami)]
    fn nobody(&self) -> String {
        String::from("nobody")
    }

    /// Unlocks with the code the `Locked` state holds.
    #[state(Locked)]
    pub fn unlock(&mut self, code: u32, ctx: &mut Ctx<Self>) -> bool {
        if *ctx.state() == LoginState::Locked(code) {
            ctx.become_state(LoginState::Idle { tries: 0 });
            true
        } else {
            false
        }
    }

    /// Logs out for good.
    #[state(Authenticated)]
    pub fn logout(&mut self, ctx: &mut Ctx<Self>) {
        ctx.become_state(LoginState::Closed);
    }

    /// The current state, data included; handled in every state.
    pub fn current(&self, ctx: &mut Ctx<Self>) -> LoginState {
        ctx.state().clone()
    }

    /// Fails, so that the session restarts.
    pub fn crash(&self) {
        panic!("crash on purpose");
    }
}

/// The phases of a job: a unit variant is the initial state, named by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Not started.
    Waiting,
    /// Running, with the step it is at.
    Running(u32),
}

/// A job that counts its steps in its state.
#[actor]
#[derive(Default)]
pub struct Job;

#[actor(states = Phase, initial = Waiting)]
impl Job {
    /// Starts the job.
    #[state(Waiting)]
    pub fn start(&mut self, ctx: &mut Ctx<Self>) {
        ctx.become_state(Phase::Running(0));
    }

    /// One more step; the step reached.
    #[state(Running)]
    pub fn step(&mut self, ctx: &mut Ctx<Self>) -> u32 {
        let next = match ctx.state() {
            Phase::Running(step) => step + 1,
            Phase::Waiting => 0,
        };
        ctx.become_state(Phase::Running(next));
        next
    }
}

/// A lamp's light: the initial state comes from `Default`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Light {
    /// Dark.
    #[default]
    Off,
    /// Lit, at a brightness.
    On(u8),
}

/// A lamp.
#[actor]
#[derive(Default)]
pub struct Lamp;

#[actor(states = Light, initial = Light::default())]
impl Lamp {
    /// Switches on.
    #[state(Off)]
    pub fn switch_on(&mut self, brightness: u8, ctx: &mut Ctx<Self>) {
        ctx.become_state(Light::On(brightness));
    }

    /// Dims by one; the brightness left.
    #[state(On)]
    pub fn dim(&mut self, ctx: &mut Ctx<Self>) -> u8 {
        let Light::On(brightness) = *ctx.state() else {
            return 0;
        };
        let left = brightness.saturating_sub(1);
        ctx.become_state(if left == 0 { Light::Off } else { Light::On(left) });
        left
    }
}

/// What a generic slot holds: the state type names the actor's type parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Holding<T> {
    /// Nothing.
    Empty,
    /// An item.
    Full(T),
}

/// A slot for one item, kept in its state.
#[actor]
#[derive(Default)]
pub struct Slot<T> {
    taken: Vec<T>,
}

#[actor(states = Holding<T>, initial = Empty)]
impl<T: std::fmt::Debug + Clone + Send + 'static> Slot<T> {
    /// Puts an item in.
    #[state(Empty)]
    pub fn put(&mut self, item: T, ctx: &mut Ctx<Self>) {
        ctx.become_state(Holding::Full(item));
    }

    /// Takes the item out.
    #[state(Full)]
    pub fn take(&mut self, ctx: &mut Ctx<Self>) -> Option<T> {
        match ctx.become_state(Holding::Empty) {
            Holding::Full(item) => {
                self.taken.push(item.clone());
                Some(item)
            }
            Holding::Empty => None,
        }
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // `crash` panics on purpose; keep the report quiet.
    std::panic::set_hook(Box::new(|_| {}));
    let system = ActorSystem::builder("states-with-data").build().await?;

    let options = SpawnOptions::new()
        .name("session")
        .supervision(Supervision::restart());
    let session: SessionRef = system.spawn_with(Session::default(), options).await?;
    assert_eq!(session.current().await?, LoginState::Idle { tries: 0 });
    assert_eq!(session.whoami().await?, "nobody");
    assert!(!session.login("ann".into(), "guess".into()).await?);
    assert!(!session.login("ann".into(), "guess".into()).await?);
    assert_eq!(session.current().await?, LoginState::Idle { tries: 2 });
    assert!(!session.login("ann".into(), "guess".into()).await?);
    assert_eq!(session.current().await?, LoginState::Locked(1234));
    // `Locked(..)` is not `Idle { .. }`: answered at once under `unhandled = reply`.
    match session.login("ann".into(), "secret".into()).await {
        Err(AskError::Unhandled { state }) => assert_eq!(state, "Locked(1234)"),
        other => panic!("expected AskError::Unhandled, got {other:?}"),
    }
    assert_eq!(session.whoami().await?, "nobody");
    assert!(!session.unlock(1).await?);
    assert!(session.unlock(1234).await?);
    assert!(session.login("ann".into(), "secret".into()).await?);
    assert_eq!(session.whoami().await?, "ann");

    // A restart starts again from the initial value.
    session.crash().await?;
    assert_eq!(session.current().await?, LoginState::Idle { tries: 0 });
    assert!(session.login("bob".into(), "secret".into()).await?);
    assert_eq!(session.whoami().await?, "bob");
    session.logout().await?;
    assert_eq!(session.current().await?, LoginState::Closed);
    assert!(matches!(
        session.whoami().await,
        Err(AskError::Unhandled { .. })
    ));

    let job: JobRef = system.spawn("job", Job).await?;
    assert!(matches!(job.step().await, Err(AskError::Unhandled { .. })));
    job.start().await?;
    assert_eq!(job.step().await?, 1);
    assert_eq!(job.step().await?, 2);

    let lamp: LampRef = system.spawn("lamp", Lamp).await?;
    assert!(matches!(lamp.dim().await, Err(AskError::Unhandled { .. })));
    lamp.switch_on(2).await?;
    assert_eq!(lamp.dim().await?, 1);
    assert_eq!(lamp.dim().await?, 0);
    assert!(matches!(lamp.dim().await, Err(AskError::Unhandled { .. })));

    let slot: SlotRef<String> = system.spawn("slot", Slot::default()).await?;
    slot.put("a".into()).await?;
    // Not handled while full: a dead letter.
    slot.put("b".into()).await?;
    assert_eq!(slot.take().await?, Some("a".to_owned()));
    assert!(matches!(slot.take().await, Err(AskError::Unhandled { .. })));

    system.shutdown().await;
    Ok(())
}
