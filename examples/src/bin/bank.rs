//! A bank whose accounts are actors generated from a `.proto` service, called from Rust, from a
//! second rakt process, and from a plain Python gRPC client.
//!
//! Run it with `cargo run -p rakt-examples --bin bank`. `proto/examples/bank/v1/account.proto`
//! describes the `bank.v1.Account` service; `cargo xtask codegen` turns it into the `Account` trait, the
//! `AccountActor` that runs an implementation of it, and the `AccountRef` handle, and
//! `rakt_examples::bank::Ledger` implements it. The `Teller`, which opens accounts, is an actor
//! declared in Rust alone (`#[actor(remote = "bank.v1")]`). The program
//!
//! - starts node `bank`, whose teller opens account `alice`, then calls alice through her
//!   `AccountRef` (a deposit, an overdraft that fails with `FAILED_PRECONDITION`, and her
//!   history, a server-streaming rpc read as a stream);
//! - starts itself again as a child process, node `branch`, which looks alice up by her address,
//!   deposits and streams her latest entries through the same `AccountRef` type, across
//!   processes;
//! - with `RAKT_PYTHON` set to a Python that has `examples/python/requirements.txt` installed,
//!   runs `examples/python/bank_client.py`, which calls account `bob` as the plain gRPC service
//!   `bank.v1.Account` (the actor named in the `rakt-actor` metadata key), streams bob's history,
//!   and calls the teller through nothing but its schema from gRPC reflection;
//! - prints alice's and bob's balances, and shuts down.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, ExitCode, Stdio};

use rakt::prelude::*;
use rakt::remote::{NodeConfig, Remoting};
use rakt::wire::Status;
use rakt_examples::bank::Ledger;
use rakt_examples::bank::v1::{
    AccountActor, AccountRef, BalanceRequest, DepositRequest, HistoryRequest, WithdrawRequest,
};

/// Opens accounts: an `Account` actor per owner, named after the owner.
#[actor]
#[derive(Default)]
pub struct Teller;

#[actor(remote = "bank.v1")]
impl Teller {
    /// Opens an account for `owner` holding `deposit` cents; fails with `ALREADY_EXISTS` when
    /// the owner has one.
    pub async fn open(
        &mut self,
        owner: String,
        deposit: u64,
        ctx: &mut Ctx<Self>,
    ) -> Result<String, Status> {
        let account = AccountActor::new(Ledger::with_balance(deposit));
        match ctx.system().spawn(owner.as_str(), account).await {
            Ok(_) => Ok(format!("opened {owner} with {deposit}")),
            Err(SpawnError::DuplicateName(_)) => {
                Err(Status::already_exists(format!("{owner} has an account")))
            }
            Err(why) => Err(Status::invalid_argument(why.to_string())),
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let outcome = match args.get(1).map(String::as_str) {
        None => bank().await,
        Some("branch") if args.len() == 3 => branch(&args[2]).await,
        Some(_) => Err("usage: bank [branch <account address>]".into()),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("bank: {error}");
            ExitCode::FAILURE
        }
    }
}

type Outcome = Result<(), Box<dyn std::error::Error>>;

/// The parent process: node `bank`.
async fn bank() -> Outcome {
    let config = NodeConfig::builder("bank").listen("127.0.0.1", 0).build()?;
    let system = ActorSystem::builder("bank").remote(config).build().await?;
    let remoting = Remoting::of(&system).ok_or("the node did not start")?;
    system.register::<AccountActor>();
    system.register::<Teller>();
    let teller: TellerRef = system.spawn("teller", Teller).await?;
    println!("bank: node up, serving bank.v1.Account and bank.v1.Teller");

    println!("bank: {}", teller.open("alice".to_owned(), 100).await?);
    let alice: AccountRef = system.lookup("alice").ok_or("no alice")?;
    let balance = alice.deposit(DepositRequest { amount: 50 }).await?.balance;
    println!("bank: alice deposits 50, balance {balance}");
    match alice.withdraw(WithdrawRequest { amount: 500 }).await {
        Err(AskError::Handler(status)) => println!("bank: alice withdraws 500: {status}"),
        other => return Err(format!("an overdraft went through: {other:?}").into()),
    }
    let mut history = alice.history(HistoryRequest { limit: 0 }).await?;
    while let Some(entry) = history.next().await {
        let entry = entry?;
        println!(
            "bank: alice's history: {} {}, balance {}",
            entry.kind, entry.amount, entry.balance
        );
    }

    let child = Command::new(std::env::current_exe()?)
        .arg("branch")
        .arg(remoting.actor_address("/user/alice"))
        .stdout(Stdio::piped())
        .spawn()?;
    println!("bank: started branch as a child process");
    run(child).await.map_err(|why| format!("branch: {why}"))?;
    println!("bank: branch exited cleanly");

    println!("bank: {}", teller.open("bob".to_owned(), 0).await?);
    match std::env::var_os("RAKT_PYTHON") {
        Some(python) => {
            let node = remoting.address();
            python_client(Path::new(&python), &format!("{}:{}", node.host, node.port)).await?;
        }
        None => println!(
            "bank: Python client skipped: set RAKT_PYTHON to a Python with \
             examples/python/requirements.txt installed"
        ),
    }

    let bob: AccountRef = system.lookup("bob").ok_or("no bob")?;
    let alice_now = alice.balance(BalanceRequest {}).await?.balance;
    let bob_now = bob.balance(BalanceRequest {}).await?.balance;
    println!("bank: balances: alice {alice_now}, bob {bob_now}");
    system.shutdown().await;
    println!("bank: shut down");
    Ok(())
}

/// Prints the lines `child` writes as they come, and waits for it to succeed. The child calls
/// this process's node: it is read on a blocking thread, so the node serves on meanwhile.
async fn run(mut child: Child) -> Outcome {
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let status = tokio::task::spawn_blocking(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            println!("{line}");
        }
        child.wait()
    })
    .await??;
    if !status.success() {
        return Err(format!("failed: {status}").into());
    }
    Ok(())
}

/// Runs `examples/python/bank_client.py` with `python` against the node at `address`.
async fn python_client(python: &Path, address: &str) -> Outcome {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let client = Command::new(python)
        .arg(here.join("python/bank_client.py"))
        .arg(address)
        .arg(here.join("../proto/examples"))
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|error| format!("{} does not run: {error}", python.display()))?;
    println!("bank: started the Python client");
    run(client)
        .await
        .map_err(|why| format!("the Python client: {why}").into())
}

/// The child process: node `branch`, calling the account at `alice`.
async fn branch(alice: &str) -> Outcome {
    let config = NodeConfig::builder("branch")
        .listen("127.0.0.1", 0)
        .build()?;
    let system = ActorSystem::builder("branch")
        .remote(config)
        .build()
        .await?;
    let account: AccountRef = system.lookup_remote(alice).await?;
    println!("branch: looked alice up on node bank");
    let balance = account
        .deposit(DepositRequest { amount: 25 })
        .await?
        .balance;
    println!("branch: alice deposits 25, balance {balance}");
    let mut latest = Vec::new();
    let mut history = account.history(HistoryRequest { limit: 2 }).await?;
    while let Some(entry) = history.next().await {
        let entry = entry?;
        latest.push(format!("{} {}", entry.kind, entry.amount));
    }
    println!("branch: alice's latest entries: {}", latest.join(", "));
    system.shutdown().await;
    Ok(())
}
