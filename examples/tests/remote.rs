//! Runs the remoting example, two processes talking both ways, and checks what it prints; and
//! starts its child node (`remote child <greeter address>`) from the test's own node, to kill
//! it mid-stream.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use rakt::prelude::*;
use rakt::remote::{NodeConfig, Remoting};
use tokio::sync::mpsc;
use tokio::time::timeout;

/// How long any one outcome may take before a test fails.
const WITHIN: Duration = Duration::from_secs(10);

#[test]
fn two_processes_call_each_other() {
    let stdout = common::stdout_of(env!("CARGO_BIN_EXE_remote"));
    let expected = "\
alpha: node up, serving /user/greeter
alpha: started beta as a child process
beta: node up, serving /user/echo
beta: alpha's greeter says \"hello, beta\"
alpha: beta's echo says \"ping\"
alpha: told beta to quit
beta: told to quit, shutting down
alpha: beta exited cleanly
alpha: shut down
";
    assert_eq!(stdout, expected);
}

/// The example's `Greeter`, as the child calls it: the same wire identity
/// (`example.v1.Greeter/Greet`), declared here, which is all a peer needs.
#[actor]
pub struct Greeter;

#[actor(remote = "example.v1")]
impl Greeter {
    /// A greeting for `name`.
    pub fn greet(&self, name: String) -> String {
        format!("hello, {name}")
    }
}

/// The child's `Echo`, as this node calls it (the methods the test uses).
#[actor]
pub struct Echo;

#[actor(remote = "example.v1")]
impl Echo {
    /// `text`, back after `ms` milliseconds (served by the child).
    pub async fn echo_later(&self, text: String, ms: u64) -> String {
        let _ = ms;
        text
    }
}

/// Hears of the actors it watches through `tx`.
#[actor]
pub struct Watcher {
    tx: mpsc::UnboundedSender<Terminated>,
}

#[actor]
impl Watcher {
    /// Watches `target`.
    pub fn watch(&mut self, target: EchoRef, ctx: &mut Ctx<Self>) {
        ctx.watch(&target, |gone| WatcherMsg::Ended { gone });
    }

    /// A watched actor ended.
    pub fn ended(&mut self, gone: Terminated) {
        let _ = self.tx.send(gone);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_child_killed_mid_stream_fails_pending_asks_and_is_unreachable() {
    let config = NodeConfig::builder("alpha")
        .listen("127.0.0.1", 0)
        .unreachable_after(Duration::from_millis(200))
        .build()
        .unwrap();
    let system = ActorSystem::builder("alpha")
        .remote(config)
        .build()
        .await
        .unwrap();
    let remoting = Remoting::of(&system).unwrap();
    system.register::<Greeter>();
    let _greeter: GreeterRef = system.spawn("greeter", Greeter).await.unwrap();

    let mut child = Command::new(env!("CARGO_BIN_EXE_remote"))
        .arg("child")
        .arg(remoting.actor_address("/user/greeter"))
        .stdout(Stdio::piped())
        .spawn()
        .expect("the example starts");
    let stdout = child.stdout.take().expect("piped");
    let (lines_tx, mut lines) = mpsc::unbounded_channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = lines_tx.send(line);
        }
    });
    let first = timeout(WITHIN, lines.recv()).await.unwrap().unwrap();
    let echo_address = first
        .strip_prefix("beta: serving ")
        .unwrap_or_else(|| panic!("unexpected line from the child: {first}"))
        .to_owned();
    let greeted = timeout(WITHIN, lines.recv()).await.unwrap().unwrap();
    assert_eq!(greeted, "beta: alpha's greeter says \"hello, beta\"");

    let echo: EchoRef = timeout(WITHIN, system.lookup_remote(&echo_address))
        .await
        .unwrap()
        .unwrap();
    let (tx, mut ended) = mpsc::unbounded_channel();
    let watcher: WatcherRef = system.spawn_anonymous(Watcher { tx }).await.unwrap();
    watcher.watch(echo.clone()).await.unwrap();

    // Asks the child would answer in a minute, on the wire, then the child is killed.
    let sent = remoting.node().stats().envelopes_sent;
    let pending: Vec<_> = (0..4)
        .map(|n| {
            let echo = echo.clone();
            tokio::spawn(async move {
                echo.echo_later(format!("{n}"), 60_000)
                    .timeout(Duration::from_secs(60))
                    .await
            })
        })
        .collect();
    timeout(WITHIN, async {
        while remoting.node().stats().envelopes_sent < sent + 4 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await
    .expect("the asks went out");
    child.kill().expect("the child is killed");
    child.wait().expect("the child is reaped");

    for ask in pending {
        let outcome = timeout(WITHIN, ask)
            .await
            .expect("failed long before its minute")
            .unwrap();
        assert!(matches!(outcome, Err(AskError::Remote(_))), "{outcome:?}");
    }
    let gone = timeout(WITHIN, ended.recv()).await.unwrap().unwrap();
    assert!(
        matches!(gone.reason, StopReason::Unreachable(_)),
        "{gone:?}"
    );
    assert!(!echo.is_alive());
    system.shutdown().await;
}
