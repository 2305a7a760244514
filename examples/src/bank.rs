//! The bank of `proto/examples/bank/v1/account.proto`: the `bank.v1` items `cargo xtask codegen`
//! generates from it into `src/generated/` (checked in, `--check` in CI): the prost messages,
//! tonic's client and server, and the `Account` actor (its trait, `AccountActor`,
//! `AccountRef`); and [`Ledger`], an account held in memory that implements the trait.

use std::time::Duration;

use rakt::wire::Status;
use rakt::{Ctx, StreamSlot};

/// The generated `bank.v1` package.
#[allow(missing_docs)]
pub mod v1 {
    include!("generated/bank.v1.rs");
}

use v1::{
    Account, AccountActor, AuditRequest, BalanceReply, BalanceRequest, DepositRequest, Entry,
    HistoryRequest, WithdrawRequest,
};

/// An account held in memory: the `bank.v1.Account` service, implemented.
#[derive(Debug, Default)]
pub struct Ledger {
    balance: u64,
    entries: Vec<Entry>,
}

impl Ledger {
    /// An account holding `balance` cents, opened with a deposit of it (none for 0).
    pub fn with_balance(balance: u64) -> Ledger {
        let mut ledger = Ledger {
            balance,
            entries: Vec::new(),
        };
        if balance > 0 {
            ledger.record("deposit", balance);
        }
        ledger
    }

    /// Adds a movement to the history, with the balance after it.
    fn record(&mut self, kind: &str, amount: u64) {
        self.entries.push(Entry {
            kind: kind.to_owned(),
            amount,
            balance: self.balance,
        });
    }

    fn reply(&self) -> Result<BalanceReply, Status> {
        Ok(BalanceReply {
            balance: self.balance,
        })
    }
}

impl Account for Ledger {
    async fn deposit(
        &mut self,
        req: DepositRequest,
        _ctx: &mut Ctx<AccountActor>,
    ) -> Result<BalanceReply, Status> {
        self.balance = self
            .balance
            .checked_add(req.amount)
            .ok_or_else(|| Status::out_of_range("the balance would overflow"))?;
        self.record("deposit", req.amount);
        self.reply()
    }

    async fn withdraw(
        &mut self,
        req: WithdrawRequest,
        _ctx: &mut Ctx<AccountActor>,
    ) -> Result<BalanceReply, Status> {
        if req.amount > self.balance {
            return Err(Status::failed_precondition(format!(
                "cannot withdraw {} from a balance of {}",
                req.amount, self.balance
            )));
        }
        self.balance -= req.amount;
        self.record("withdrawal", req.amount);
        self.reply()
    }

    async fn balance(
        &mut self,
        _req: BalanceRequest,
        _ctx: &mut Ctx<AccountActor>,
    ) -> Result<BalanceReply, Status> {
        self.reply()
    }

    async fn audit(
        &mut self,
        req: AuditRequest,
        _ctx: &mut Ctx<AccountActor>,
    ) -> Result<BalanceReply, Status> {
        tokio::time::sleep(Duration::from_millis(req.millis.into())).await;
        self.reply()
    }

    async fn history(
        &mut self,
        req: HistoryRequest,
        mut items: StreamSlot<Entry, Status>,
        _ctx: &mut Ctx<AccountActor>,
    ) {
        let limit = match req.limit {
            0 => self.entries.len(),
            limit => (limit as usize).min(self.entries.len()),
        };
        let entries = self.entries[self.entries.len() - limit..].to_vec();
        // Sent from a task of its own: the account handles other calls while a slow reader
        // takes its time. The stream ends when the task drops `items`.
        tokio::spawn(async move {
            for entry in entries {
                if items.send(entry).await.is_err() {
                    return; // the caller stopped reading
                }
            }
        });
    }
}
