//! Loom models of the runtime's hand-made synchronisation, built only with
//! `RUSTFLAGS="--cfg loom"` (see `sync.rs`, and the README for the command CI runs).
//!
//! Each model runs a small scenario on loom threads; loom runs it again under every
//! interleaving of their lock, atomic and wake-up operations (up to a bound on preemptions),
//! and fails on a broken assertion, a deadlock (a task that nobody wakes) or a leaked `Arc`.

mod loom_atomic_waker;
mod loom_cell;
mod loom_mailbox;
mod loom_pool;
mod loom_reply;
mod loom_watch;

/// Runs `scenario` under loom. `LOOM_MAX_PREEMPTIONS` bounds how often a thread is preempted in
/// one interleaving; without it, 2 keeps every model to seconds.
fn model(scenario: impl Fn() + Sync + Send + 'static) {
    let mut builder = loom::model::Builder::new();
    if builder.preemption_bound.is_none() {
        builder.preemption_bound = Some(2);
    }
    builder.check(scenario);
}
