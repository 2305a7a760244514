//! State machines: `#[actor(states = .., initial = .., unhandled = ..)]` on the impl block,
//! `#[state(..)]` on handlers, an alternative handler of one message (`#[handles(..)]`), and what
//! becomes of a message the current state does not handle: answered at once
//! (`unhandled = reply`) or stashed until the actor unstashes it (`unhandled = stash`).

#![deny(warnings, missing_docs)]

use std::fmt;

use rakt::prelude::*;

/// The states of a login session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginState {
    /// Waiting for `login`.
    Authenticating,
    /// Logged in.
    Authenticated,
    /// Waiting for `grant`.
    Authorizing,
    /// Logged in, with a role.
    Authorized,
}

/// The password was wrong.
#[derive(Debug, PartialEq)]
pub struct BadPassword;

impl fmt::Display for BadPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("bad password")
    }
}

/// A login session.
#[actor]
#[derive(Default)]
pub struct Session {
    user: Option<String>,
    roles: Vec<String>,
}

#[actor(states = LoginState, initial = Authenticating, unhandled = reply)]
impl Session {
    /// Logs `user` in; a `Result` ask, with the context last.
    #[state(Authenticating)]
    pub fn login(
        &mut self,
        user: String,
        password: String,
        ctx: &mut Ctx<Self>,
    ) -> Result<(), BadPassword> {
        if password != "secret" {
            return Err(BadPassword);
        }
        self.user = Some(user);
        ctx.become_state(LoginState::Authenticated);
        Ok(())
    }

    /// Who is logged in; a sync ask in two states.
    #[state(Authenticated, Authorized)]
    pub fn whoami(&self, prefix: String) -> String {
        format!("{prefix}{}", self.user.as_deref().unwrap_or("?"))
    }

    /// `whoami` while a role is pending: async, the context first, same arguments.
    #[state(Authorizing)]
    #[handles(whoami)]
    async fn whoami_while_authorizing(&self, ctx: &mut Ctx<Self>, prefix: String) -> String {
        tokio::task::yield_now().await;
        let pending = self.roles.last().map_or("", String::as_str);
        format!("{prefix}{} ({:?} {pending})", self.user.as_deref().unwrap_or("?"), ctx.state())
    }

    /// Asks for `role`; an async tell.
    #[state(Authenticated)]
    pub async fn authorize(&mut self, role: String, ctx: &mut Ctx<Self>) {
        tokio::task::yield_now().await;
        self.roles.push(role);
        ctx.become_state(LoginState::Authorizing);
    }

    /// Grants the pending role; a deferred ask, answered through the slot.
    #[state(Authorizing)]
    pub fn grant(&mut self, ctx: &mut Ctx<Self>, reply: ReplySlot<Vec<String>>) {
        ctx.become_state(LoginState::Authorized);
        reply.send(self.roles.clone());
    }

    /// In every other state, `grant` answers that there is nothing to grant.
    #[state(Authenticating, Authenticated, Authorized)]
    #[handles(grant)]
    fn nothing_to_grant(&mut self, slot: ReplySlot<Vec<String>>) {
        slot.send(Vec::new());
    }

    /// The current state; handled in every state.
    pub fn current(&self, ctx: &mut Ctx<Self>) -> LoginState {
        *ctx.state()
    }

    /// Logs out from any logged-in state.
    #[state(Authenticated, Authorizing, Authorized)]
    pub fn logout(&mut self, ctx: &mut Ctx<Self>) {
        self.user = None;
        self.roles.clear();
        ctx.become_state(LoginState::Authenticating);
    }
}

/// The states of a door.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DoorState {
    /// Nobody gets in.
    Closed,
    /// Everybody gets in.
    Open,
}

/// A door: who comes while it is closed waits in the stash.
#[actor]
#[derive(Default)]
pub struct Door {
    inside: Vec<String>,
}

#[actor(states = DoorState, initial = Closed, unhandled = stash, stash_capacity = 2)]
impl Door {
    /// Opens the door and lets in, in order, whoever waited.
    #[state(Closed)]
    pub fn open(&mut self, ctx: &mut Ctx<Self>) -> usize {
        ctx.become_state(DoorState::Open);
        ctx.unstash_all()
    }

    /// Comes in; how many are inside.
    #[state(Open)]
    pub fn enter(&mut self, who: String) -> usize {
        self.inside.push(who);
        self.inside.len()
    }

    /// Who is inside.
    pub fn inside(&self) -> Vec<String> {
        self.inside.clone()
    }
}

/// The states of a gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GateState {
    /// Takes items.
    Open,
    /// Refuses items, politely.
    Paused,
    /// Takes nothing; messages become dead letters (the default policy).
    Jammed,
}

/// The gate refused an item.
#[derive(Debug, PartialEq)]
pub struct Refused(pub String);

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "refused: {}", self.0)
    }
}

/// A generic state machine with the default policy: tell and `Result` alternatives, and a
/// stacked state.
#[actor]
#[derive(Default)]
pub struct Gate<T> {
    items: Vec<T>,
    dropped: usize,
}

#[actor(states = GateState, initial = Open)]
impl<T: fmt::Debug + Send + 'static> Gate<T> {
    /// Takes an item.
    #[state(Open)]
    pub fn push(&mut self, item: T) -> Result<usize, Refused> {
        self.items.push(item);
        Ok(self.items.len())
    }

    /// While paused, refuses the item with a typed error.
    #[state(Paused)]
    #[handles(push)]
    async fn push_while_paused(&mut self, item: T) -> Result<usize, Refused> {
        Err(Refused(format!("{item:?}")))
    }

    /// Drops an item (a tell).
    #[state(Open)]
    pub fn drop_one(&mut self) {
        self.items.pop();
    }

    /// While paused, counts the drop for later.
    #[state(Paused)]
    #[handles(drop_one)]
    fn drop_later(&mut self) {
        self.dropped += 1;
    }

    /// Pauses (stacked) or resumes (unstacked).
    pub fn pause(&mut self, paused: bool, ctx: &mut Ctx<Self>) -> usize {
        if paused {
            ctx.become_stacked(GateState::Paused);
        } else {
            ctx.unbecome().expect("paused before");
        }
        ctx.behaviour_depth()
    }

    /// Jams the gate.
    pub fn jam(&mut self, ctx: &mut Ctx<Self>) {
        ctx.become_state(GateState::Jammed);
    }

    /// The items and the drops counted while paused.
    pub fn contents(&self) -> (Vec<String>, usize) {
        let items = self.items.iter().map(|i| format!("{i:?}")).collect();
        (items, self.dropped)
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let system = ActorSystem::builder("behaviours").build().await?;

    let session: SessionRef = system.spawn("session", Session::default()).await?;
    assert_eq!(session.current().await?, LoginState::Authenticating);
    // Not handled in `Authenticating`: answered at once under `unhandled = reply`.
    match session.whoami("user: ".into()).await {
        Err(AskError::Unhandled { state }) => assert_eq!(state, "Authenticating"),
        other => panic!("expected AskError::Unhandled, got {other:?}"),
    }
    // A tell is queued all the same; not handled in this state, it becomes a dead letter.
    session.logout().await?;
    assert_eq!(
        session.login("ann".into(), "guess".into()).await,
        Err(AskError::Handler(BadPassword))
    );
    assert_eq!(session.current().await?, LoginState::Authenticating);
    session.login("ann".into(), "secret".into()).await?;
    // After `ctx.become_state(Authenticated)`, the same message is handled.
    assert_eq!(session.current().await?, LoginState::Authenticated);
    assert_eq!(session.whoami("user: ".into()).await?, "user: ann");
    assert!(matches!(
        session.login("bob".into(), "secret".into()).await,
        Err(AskError::Unhandled { .. })
    ));
    // The alternative of `grant` answers outside `Authorizing`.
    assert_eq!(session.grant().await?, Vec::<String>::new());

    session.authorize("admin".into()).await?;
    assert_eq!(session.current().await?, LoginState::Authorizing);
    // In `Authorizing`, `whoami` goes to its alternative.
    assert_eq!(
        session.whoami("user: ".into()).await?,
        "user: ann (Authorizing admin)"
    );
    assert_eq!(session.grant().await?, ["admin"]);
    assert_eq!(session.current().await?, LoginState::Authorized);
    assert_eq!(session.whoami("user: ".into()).await?, "user: ann");
    session.logout().await?;
    assert_eq!(session.current().await?, LoginState::Authenticating);

    let door: DoorRef = system.spawn("door", Door::default()).await?;
    // Stashed while closed, in order; the third does not fit in a stash of two.
    let ann = door.enter("ann".into()).try_send()?;
    let bob = door.enter("bob".into()).try_send()?;
    let eve = door.enter("eve".into()).try_send()?;
    assert!(door.inside().await?.is_empty());
    assert!(matches!(eve.await, Err(AskError::StashFull { capacity: 2 })));
    assert_eq!(door.open().await?, 2);
    assert_eq!((ann.await?, bob.await?), (1, 2));
    assert_eq!(door.inside().await?, ["ann", "bob"]);
    assert_eq!(door.enter("cat".into()).await?, 3);

    let gate: GateRef<u32> = system.spawn("gate", Gate::default()).await?;
    assert_eq!(gate.push(1).await?, 1);
    assert_eq!(gate.push(2).await?, 2);
    assert_eq!(gate.pause(true).await?, 1);
    assert_eq!(gate.push(3).await, Err(AskError::Handler(Refused("3".into()))));
    gate.drop_one().await?;
    assert_eq!(gate.pause(false).await?, 0);
    gate.drop_one().await?;
    assert_eq!(gate.contents().await?, (vec!["1".to_owned()], 1));
    gate.jam().await?;
    // The default policy dead-letters an unhandled ask, which fails with `Unhandled`.
    match gate.push(4).await {
        Err(AskError::Unhandled { state }) => assert_eq!(state, "Jammed"),
        other => panic!("expected AskError::Unhandled, got {other:?}"),
    }

    system.shutdown().await;
    Ok(())
}
