//! The neutral actor-service model of rakt, its rules, and the one generator that turns it into
//! Rust tokens.
//!
//! Every front end fills the same [`ActorModel`]: the `#[actor]` attribute of `rakt-macros`
//! (from an inherent impl block), and with the cargo feature `proto` the `.proto` front end
//! ([`configure()`], see the `proto` module), which turns every `service` into an actor. [`validate()`] checks the rules of a well-formed actor on it, once for every front
//! end, and names the item of each broken rule ([`ModelError`]), which the front end reports
//! at its own input: the macro at a span, a `.proto` front end at a file and line. Then
//! [`generate_actor`] turns it into the message enum, the dispatch and the typed handle methods,
//! so these cannot drift apart between front ends; it validates the model first, and a model
//! that breaks a rule generates nothing. [`generate_handle`] emits the handle *struct* from a
//! [`HandleModel`] (what `#[actor]` on a struct or enum sees).
//!
//! The generated names follow one scheme, implemented in [`naming`]: for an actor `Counter`,
//! the message enum is `CounterMsg` (one variant per handler, the PascalCase of its name) and
//! the handle is `CounterRef`. The model also carries the actor's wire identity (a package, a
//! wire name per actor and per handler, a field number per argument), which the generated
//! enum exposes as `CounterMsg::WIRE_NAME` and `CounterMsg::wire_method`. Generated code names
//! the runtime only through `<krate>::__private::...`; see `docs/generated-code.md` for the
//! contract.
//!
//! A front end keeps the checks that are about its own syntax (for the macro: receivers,
//! reference arguments, `impl Trait`, patterns, attribute forms): the model cannot hold what
//! they reject.

mod error;
mod generate;
pub mod model;
pub mod naming;
#[cfg(feature = "proto")]
pub mod proto;
mod validate;
pub mod wire;

pub use crate::error::{KeyTarget, ModelError, ModelErrorKind, ModelItem, WireItem};
pub use crate::generate::{generate_actor, generate_handle};
pub use crate::model::{
    ActorModel, AlternativeModel, Answer, ArgModel, BehaviourModel, GrpcShape, HandleModel,
    HandlerModel, HookModel, Hooks, InitialModel, KeyModel, MailboxModel, ProtoSchema, ReplyKind,
    RouteModel, StandInModel, UnhandledModel,
};
#[cfg(feature = "proto")]
pub use crate::proto::{Builder, ProtoError, configure};
pub use crate::validate::validate;
