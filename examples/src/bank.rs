//! The bank of `proto/examples/bank/v1/account.proto`: the `bank.v1` items `cargo xtask codegen`
//! generates from it into `src/generated/` (checked in, `--check` in CI): the prost messages,
//! tonic's client and server, and the `Account` actor (its trait, `AccountActor`,
//! `AccountRef`); and [`Ledger`], an account held in memory that implements the trait.

use std::time::Duration;

use rakt::Ctx;
use rakt::wire::Status;

/// The generated `bank.v1` package.
#[allow(missing_docs)]
pub mod v1 {
    include!("generated/bank.v1.rs");
}

use v1::{
    Account, AccountActor, AuditRequest, BalanceReply, BalanceRequest, DepositRequest,
    WithdrawRequest,
};

/// An account held in memory: the `bank.v1.Account` service, implemented.
#[derive(Debug, Default)]
pub struct Ledger {
    balance: u64,
}

impl Ledger {
    /// An account holding `balance` cents.
    pub fn with_balance(balance: u64) -> Ledger {
        Ledger { balance }
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
}
