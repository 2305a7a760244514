//! The neutral actor-service model of rakt and the one generator that turns it into Rust tokens.
//!
//! Every front end fills the same [`ActorModel`]: today the `#[actor]` attribute of
//! `rakt-macros` (from an inherent impl block), later a `.proto` front end (from an `rpc`
//! service). Both then call [`generate_actor`], so the message enum, the dispatch and the typed
//! handle methods cannot drift apart between the two. [`generate_handle`] emits the handle
//! *struct* from a [`HandleModel`] (what `#[actor]` on a struct or enum sees).
//!
//! The generated names follow one scheme, implemented in [`naming`]: for an actor `Counter`,
//! the message enum is `CounterMsg` (one variant per handler, the PascalCase of its name) and
//! the handle is `CounterRef`. Generated code names the runtime only through
//! `<krate>::__private::...`; see `docs/generated-code.md` for the contract.
//!
//! The generator trusts its model: front ends reject bad input (reference arguments, colliding
//! names, ...) with spanned errors before they build one, using the helpers in [`naming`].

mod generate;
pub mod model;
pub mod naming;

pub use crate::generate::{generate_actor, generate_handle};
pub use crate::model::{
    ActorModel, AlternativeModel, ArgModel, BehaviourModel, HandleModel, HandlerModel, HookModel,
    Hooks, InitialModel, KeyModel, MailboxModel, ReceiverKind, ReplyKind, RouteModel, StandInModel,
    UnhandledModel,
};
