//! Remoting: two processes, each an actor system with a node, calling each other's actors
//! through the actors' own typed handles.
//!
//! Run it with `cargo run -p rakt-examples --bin remote`. It starts node `alpha` (serving a
//! `Greeter`), then starts itself again as a child process, node `beta` (serving an `Echo`),
//! and relays what the child prints:
//!
//! - beta looks up alpha's greeter by its address and asks it (beta → alpha);
//! - alpha looks up beta's echo by the address beta printed and asks it (alpha → beta);
//! - alpha tells beta's echo to quit; beta shuts down and exits, and so does alpha.

use std::io::{BufRead, BufReader};
use std::process::{Command, ExitCode, Stdio};
use std::time::Duration;

use rakt::prelude::*;
use rakt::remote::{NodeConfig, Remoting};
use tokio::sync::{mpsc, oneshot};

/// How long the child waits to be told to quit before it gives up.
const CHILD_PATIENCE: Duration = Duration::from_secs(30);

/// Alpha's actor: greets whoever asks.
#[actor]
#[derive(Default)]
pub struct Greeter;

#[actor(remote = "example.v1")]
impl Greeter {
    /// A greeting for `name`.
    pub fn greet(&self, name: String) -> String {
        format!("hello, {name}")
    }
}

/// Beta's actor: echoes, and ends its process when told to.
#[actor]
pub struct Echo {
    quit: Option<oneshot::Sender<()>>,
}

#[actor(remote = "example.v1")]
impl Echo {
    /// `text`, back.
    pub fn echo(&self, text: String) -> String {
        text
    }

    /// `text`, back after `ms` milliseconds: what a slow actor looks like to its callers.
    pub async fn echo_later(&self, text: String, ms: u64) -> String {
        tokio::time::sleep(Duration::from_millis(ms)).await;
        text
    }

    /// Ends the process (a tell).
    pub fn quit(&mut self) {
        if let Some(quit) = self.quit.take() {
            let _ = quit.send(());
        }
    }
}

/// A system named `name` with a node on 127.0.0.1 (a free port).
async fn start(name: &str) -> Result<(ActorSystem, Remoting), Box<dyn std::error::Error>> {
    let config = NodeConfig::builder(name).listen("127.0.0.1", 0).build()?;
    let system = ActorSystem::builder(name).remote(config).build().await?;
    let remoting = Remoting::of(&system).ok_or("the node did not start")?;
    Ok((system, remoting))
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let outcome = match args.get(1).map(String::as_str) {
        None => alpha().await,
        Some("child") if args.len() == 3 => beta(&args[2]).await,
        Some(_) => Err("usage: remote [child <greeter address>]".into()),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("remote: {error}");
            ExitCode::FAILURE
        }
    }
}

/// The parent process: node alpha.
async fn alpha() -> Result<(), Box<dyn std::error::Error>> {
    let (system, remoting) = start("alpha").await?;
    system.register::<Greeter>();
    let _greeter: GreeterRef = system.spawn("greeter", Greeter).await?;
    println!("alpha: node up, serving /user/greeter");

    let mut child = Command::new(std::env::current_exe()?)
        .arg("child")
        .arg(remoting.actor_address("/user/greeter"))
        .stdout(Stdio::piped())
        .spawn()?;
    println!("alpha: started beta as a child process");
    let stdout = child.stdout.take().ok_or("the child has no stdout")?;
    let (lines_tx, mut lines) = mpsc::unbounded_channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if lines_tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut next_line = async || lines.recv().await.ok_or("the child ended early");

    // Beta's first line is its echo's address; its second, the greeting it got from alpha.
    let first = next_line().await?;
    let echo_address = first
        .strip_prefix("beta: serving ")
        .ok_or_else(|| format!("unexpected line from beta: {first}"))?
        .to_owned();
    println!("beta: node up, serving /user/echo");
    println!("{}", next_line().await?);

    let echo: EchoRef = system.lookup_remote(&echo_address).await?;
    let answer = echo.echo("ping".to_owned()).await?;
    println!("alpha: beta's echo says {answer:?}");
    echo.quit().await?;
    println!("alpha: told beta to quit");
    println!("{}", next_line().await?);

    let status = tokio::task::spawn_blocking(move || child.wait()).await??;
    if !status.success() {
        return Err(format!("beta failed: {status}").into());
    }
    println!("alpha: beta exited cleanly");
    system.shutdown().await;
    println!("alpha: shut down");
    Ok(())
}

/// The child process: node beta, calling alpha's greeter at `greeter`.
async fn beta(greeter: &str) -> Result<(), Box<dyn std::error::Error>> {
    let (system, remoting) = start("beta").await?;
    let (quit, quitting) = oneshot::channel();
    system.register::<Echo>();
    let _echo: EchoRef = system.spawn("echo", Echo { quit: Some(quit) }).await?;
    println!("beta: serving {}", remoting.actor_address("/user/echo"));

    let greeter: GreeterRef = system.lookup_remote(greeter).await?;
    let greeting = greeter.greet("beta".to_owned()).await?;
    println!("beta: alpha's greeter says {greeting:?}");

    tokio::time::timeout(CHILD_PATIENCE, quitting)
        .await
        .map_err(|_| "nobody told beta to quit")??;
    println!("beta: told to quit, shutting down");
    system.shutdown().await;
    Ok(())
}
