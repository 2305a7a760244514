//! A login session as a state machine: Authenticating → Authenticated → Authorizing →
//! Authorized, with messages that arrive in the wrong state.
//!
//! Run it with `cargo run -p rakt-examples --bin login`.
//!
//! - `read` before the session is authorized is answered `AskError::Unhandled` (the actor's
//!   policy is `unhandled = reply`), and so is a second `login`;
//! - a `read` that arrives while the session is *being* authorized has its own handler for that
//!   state, which stashes it; it is answered once the authorizer says yes;
//! - `status` is handled in every state.

use rakt::prelude::*;

/// Where a session is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginState {
    /// Waiting for valid credentials.
    Authenticating,
    /// The user is known; nothing is granted yet.
    Authenticated,
    /// Waiting for the authorizer's answer.
    Authorizing,
    /// Reads are allowed.
    Authorized,
}

/// Why a login failed.
#[derive(Debug, thiserror::Error)]
#[error("wrong password for `{0}`")]
pub struct BadPassword(String);

/// Too many reads wait for the authorizer already.
#[derive(Debug, thiserror::Error)]
#[error("too many reads waiting")]
pub struct Busy;

/// Decides who may read what; takes its time, like a remote policy service.
#[actor]
#[derive(Default)]
pub struct Authorizer;

#[actor]
impl Authorizer {
    /// Whether `user` may read the mailbox.
    pub async fn check(&self, user: String) -> bool {
        tokio::time::sleep(Duration::from_millis(50)).await;
        user == "ada"
    }
}

/// One user's session.
#[actor]
pub struct Session {
    user: Option<String>,
    authorizer: AuthorizerRef,
}

#[actor(states = LoginState, initial = Authenticating, unhandled = reply)]
impl Session {
    /// Checks the credentials.
    #[state(Authenticating)]
    pub fn login(
        &mut self,
        user: String,
        password: String,
        ctx: &mut Ctx<Self>,
    ) -> Result<(), BadPassword> {
        if password != "lovelace" {
            return Err(BadPassword(user));
        }
        self.user = Some(user);
        ctx.become_state(LoginState::Authenticated);
        Ok(())
    }

    /// Asks the authorizer for access; the answer comes back as `granted`.
    #[state(Authenticated)]
    pub fn authorize(&mut self, ctx: &mut Ctx<Self>) {
        ctx.become_state(LoginState::Authorizing);
        let user = self.user.clone().unwrap_or_default();
        let authorizer = self.authorizer.clone();
        let me = ctx.myself();
        tokio::spawn(async move {
            let allowed = authorizer.check(user).await.unwrap_or(false);
            let _ = me.granted(allowed).await;
        });
    }

    /// The authorizer's answer; reads stashed meanwhile come back, in order.
    #[state(Authorizing)]
    pub fn granted(&mut self, allowed: bool, ctx: &mut Ctx<Self>) {
        if allowed {
            ctx.become_state(LoginState::Authorized);
        } else {
            ctx.become_state(LoginState::Authenticated);
        }
        ctx.unstash_all();
    }

    /// Reads a folder of the user's mailbox.
    #[state(Authorized)]
    pub fn read(&mut self, folder: String, reply: ReplySlot<String, Busy>) {
        let user = self.user.as_deref().unwrap_or("?");
        reply.send(format!("{user}'s {folder}: 3 messages"));
    }

    /// `read` while the authorizer has not answered yet: kept for later.
    #[state(Authorizing)]
    #[handles(read)]
    fn read_when_authorized(
        &mut self,
        folder: String,
        reply: ReplySlot<String, Busy>,
        ctx: &mut Ctx<Self>,
    ) {
        if let Err(full) = ctx.stash(SessionMsg::Read { folder, reply }) {
            // The stash gives the message back: the caller hears why.
            if let SessionMsg::Read { reply, .. } = full.message {
                reply.fail(Busy);
            }
        }
    }

    /// Ends the session.
    #[state(Authenticated, Authorized)]
    pub fn logout(&mut self, ctx: &mut Ctx<Self>) {
        self.user = None;
        ctx.become_state(LoginState::Authenticating);
    }

    /// The current state and how many messages wait in the stash; in every state.
    pub fn status(&self, ctx: &mut Ctx<Self>) -> (LoginState, usize) {
        (*ctx.state(), ctx.stash_len())
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let system = ActorSystem::builder("login").build().await?;
    let authorizer: AuthorizerRef = system.spawn("authorizer", Authorizer).await?;
    let session: SessionRef = system
        .spawn(
            "session",
            Session {
                user: None,
                authorizer,
            },
        )
        .await?;
    println!("session state: {:?}", session.status().await?);

    match session.read("inbox".into()).await {
        Ok(text) => println!("read too early: {text}"),
        Err(error) => println!("read before login: {error}"),
    }
    if let Err(error) = session.login("ada".into(), "babbage".into()).await {
        println!("login: {error}");
    }
    session.login("ada".into(), "lovelace".into()).await?;
    println!("logged in; state: {:?}", session.status().await?.0);
    if let Err(error) = session.login("ada".into(), "lovelace".into()).await {
        println!("second login: {error}");
    }

    session.authorize().await?;
    // Sent while the authorizer thinks: stashed, answered once authorized.
    let early = session.read("inbox".into()).try_send()?;
    println!("while authorizing: {:?}", session.status().await?);
    println!("the early read, answered: {}", early.await?);
    println!("now: {:?}", session.status().await?);
    println!("{}", session.read("archive".into()).await?);

    session.logout().await?;
    match session.read("inbox".into()).await {
        Ok(text) => println!("read after logout: {text}"),
        Err(error) => println!("read after logout: {error}"),
    }
    system.shutdown().await;
    Ok(())
}
