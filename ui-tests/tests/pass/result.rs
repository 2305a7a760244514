//! Handlers returning `Result<T, E>`: the error reaches the caller typed as
//! `AskError::Handler(E)` and the actor carries on; a panic reaches it as `AskError::Failed`.
//! A one-argument alias (`io::Result<T>`) is a plain reply.

use std::fmt;

use rakt::prelude::*;

#[derive(Debug, PartialEq)]
pub enum BankError {
    Insufficient { balance: u64 },
    Frozen,
}

impl fmt::Display for BankError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self:?}")
    }
}

#[actor]
#[derive(Default)]
pub struct Bank {
    balance: u64,
    frozen: bool,
}

#[actor]
impl Bank {
    pub fn deposit(&mut self, amount: u64) -> Result<u64, BankError> {
        if self.frozen {
            return Err(BankError::Frozen);
        }
        self.balance += amount;
        Ok(self.balance)
    }

    /// Fails when the balance is too low.
    pub async fn withdraw(&mut self, amount: u64) -> Result<u64, BankError> {
        tokio::task::yield_now().await;
        if amount > self.balance {
            return Err(BankError::Insufficient {
                balance: self.balance,
            });
        }
        self.balance -= amount;
        Ok(self.balance)
    }

    pub fn freeze(&mut self) -> core::result::Result<(), String> {
        if self.frozen {
            return Err("already frozen".to_owned());
        }
        self.frozen = true;
        Ok(())
    }

    /// One type argument: not a typed error, the whole `io::Result` is the reply.
    pub fn statement(&self) -> std::io::Result<String> {
        Ok(format!("balance {}", self.balance))
    }

    /// Panics on zero.
    pub fn share(&self, ways: u64) -> u64 {
        self.balance / ways
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // `share(0)` panics on purpose; keep the report quiet.
    std::panic::set_hook(Box::new(|_| {}));
    let system = ActorSystem::builder("result").build().await?;
    let bank: BankRef = system.spawn("bank", Bank::default()).await?;

    assert_eq!(bank.deposit(100).await?, 100);
    assert_eq!(bank.withdraw(30).await?, 70);
    match bank.withdraw(1000).await {
        Err(AskError::Handler(BankError::Insufficient { balance })) => assert_eq!(balance, 70),
        other => panic!("expected Insufficient, got {other:?}"),
    }
    // The error did not hurt the actor.
    assert_eq!(bank.withdraw(20).await?, 50);

    bank.freeze().await?;
    assert_eq!(
        bank.freeze().await,
        Err(AskError::Handler("already frozen".to_owned()))
    );
    assert!(matches!(
        bank.deposit(1).await,
        Err(AskError::Handler(BankError::Frozen))
    ));

    let statement: std::io::Result<String> = bank.statement().await?;
    assert_eq!(statement?, "balance 50");

    assert_eq!(bank.share(5).await?, 10);
    match bank.share(0).await {
        Err(AskError::Failed(reason)) => assert!(reason.contains("divide by zero"), "{reason}"),
        other => panic!("expected a failure, got {other:?}"),
    }

    system.shutdown().await;
    Ok(())
}
