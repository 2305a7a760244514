//! The actor-service model: what a front end knows about an actor.
//!
//! The model holds owned `syn` values (types, identifiers, generics, visibilities) and plain
//! strings, never parse-side nodes such as `syn::ImplItemFn`, so that a front end that does not
//! parse Rust (the `.proto` generator) can build it too. Spans carried by the `syn` values are
//! kept in the output, so compiler errors in generated code point at the user's tokens.
//!
//! A front end fills the model as the input says, and [`validate`](crate::validate()) checks the
//! rules of a well-formed actor (names, states, routes, wire identity); the front end reports
//! each [`ModelError`](crate::ModelError) at the item it names.

use std::num::NonZeroUsize;

use proc_macro2::TokenStream;
use syn::ext::IdentExt;
use syn::{Attribute, Expr, Generics, Ident, Member, Path, Type, Visibility, WhereClause};

/// One actor service: the state type, its handlers and its lifecycle hooks.
#[derive(Clone, Debug)]
pub struct ActorModel {
    /// The actor's Rust name, `Counter`; the message enum and handle names derive from it.
    pub rust_name: Ident,
    /// The protobuf package the actor belongs to on the wire, `demo.v1`; empty for none. With
    /// [`proto_name`](Self::proto_name) it makes the actor's wire identity,
    /// `demo.v1.Greeter` (see [`naming::actor_wire_name`](crate::naming::actor_wire_name)).
    pub package: String,
    /// Whether the actor can be called from other processes (`#[actor(remote)]`, or every
    /// service of a `.proto` file): each handler's arguments and reply then travel as protobuf
    /// messages (see [`wire`](crate::wire)), the actor is not generic, and the generator
    /// implements `rakt::wire::RemoteActor` for it.
    pub remote: bool,
    /// The actor's name on the wire: the `.proto` service name, or the Rust name (`Counter`)
    /// for an actor declared in Rust. An identifier.
    pub proto_name: String,
    /// The actor type the dispatch is implemented for, `Counter<T>` (never `Self`).
    pub self_ty: Type,
    /// The handle type, `CounterRef<T>` (see [`naming::handle_type`](crate::naming::handle_type)).
    pub handle_ty: Type,
    /// Generic parameters of the implementation; the message enum gets the same ones.
    /// Lifetime parameters are not allowed (an actor is `'static`).
    pub generics: Generics,
    /// The where-clause of the implementation (copied onto the enum and every impl).
    pub where_clause: Option<WhereClause>,
    /// Documentation of the service, one string per line; it documents the handle's methods.
    pub docs: Vec<String>,
    /// The handlers, in declaration order.
    pub handlers: Vec<HandlerModel>,
    /// Handle methods for handlers the front end rejected (see [`StandInModel`]); empty in a
    /// model without errors.
    pub stand_ins: Vec<StandInModel>,
    /// The lifecycle hooks the actor implements.
    pub hooks: Hooks,
    /// The behaviour states, for an actor that is a finite state machine; `None` for an actor
    /// with one behaviour (every handler handles its message in every state, `State = ()`).
    pub behaviour: Option<BehaviourModel>,
    /// The stash capacity the actor declares (`Actor::STASH_CAPACITY`), if any. Valid with or
    /// without a behaviour: a handler can stash explicitly in any actor.
    pub stash_capacity: Option<NonZeroUsize>,
    /// The path of the runtime crate, `::rakt` unless the user renamed it.
    pub krate: Path,
    /// What a plain gRPC client sends and receives for each handler of a remote actor
    /// (`rakt::wire::GrpcShape`).
    pub grpc_shape: GrpcShape,
    /// The `.proto` schema the actor was generated from, for a front end that has one; `None`
    /// makes the generator render the schema from the handlers (`#[actor(remote)]`).
    pub schema: Option<ProtoSchema>,
}

/// What a plain gRPC client (not a rakt node) sends and receives when it calls a handler of a
/// remote actor: the generated `WireMethod`s say it to the runtime (`rakt::wire::GrpcShape`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum GrpcShape {
    /// The arguments message and the reply message (`#[actor(remote)]`).
    #[default]
    Messages,
    /// The one argument's message and the reply's value message (field 1 of each): a handler
    /// generated from an `rpc` of a `.proto` service, whose request and response are the rpc's
    /// own messages.
    Unwrapped,
}

/// The `.proto` schema of an actor generated from a `.proto` service.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProtoSchema {
    /// The text of the `.proto` file that defines the service (`RemoteActor::PROTO`).
    pub source: String,
    /// The encoded `google.protobuf.FileDescriptorSet` of that file and of every file it imports
    /// (`RemoteActor::FILE_DESCRIPTOR_SET`).
    pub file_descriptor_set: Vec<u8>,
}

/// The behaviour of a state-machine actor: its state type, where it starts, and what becomes of
/// a message its current state does not handle.
#[derive(Clone, Debug)]
pub struct BehaviourModel {
    /// The state type (`Actor::State`): `LoginState`, `states::Login`. Its states are its
    /// variants, with or without data, matched in the generated code as
    /// `Self::State::Authenticated { .. }` whatever their fields, so the path appears once, in
    /// `type State = ..`; spanned at the user's tokens, a type that is not
    /// `Debug + Send + 'static` (or does not exist) is reported there.
    pub states: Path,
    /// The state the actor starts in and returns to on a restart (`Actor::initial_state`).
    /// A front end that reports it missing can keep the rest of the crate free of follow-on
    /// errors with `InitialModel::Value(parse_quote!(::core::unreachable!()))`: the state type
    /// is still right, and the build has failed already.
    pub initial: InitialModel,
    /// The policy for unhandled messages (`Actor::UNHANDLED`); `None` keeps the runtime's
    /// default (dead letter).
    pub unhandled: Option<UnhandledModel>,
}

/// The initial state of a state machine (`Actor::initial_state`), evaluated when the actor
/// starts and again on every restart.
#[derive(Clone, Debug)]
pub enum InitialModel {
    /// A variant of the state type by its name alone, as `#[state(..)]` names it, with its data
    /// if it has any: `initial = Authenticating`, `initial = Idle { tries: 0 }`,
    /// `initial = Locked(3)`. The generated code names it through the state type, located at
    /// the name.
    Variant {
        /// The variant's name.
        name: Ident,
        /// Its data as written after the name: `{ tries: 0 }`, `(3)`, or nothing.
        data: TokenStream,
    },
    /// Any other expression of the state type, used as written:
    /// `initial = LoginState::Idle { tries: 0 }`, `initial = LoginState::default()`. rustc
    /// checks its type at the expression.
    Value(Expr),
}

/// What becomes of a message the current state does not handle (`rakt::Unhandled`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnhandledModel {
    /// `unhandled = stash`: kept in the stash until the actor unstashes it.
    Stash,
    /// `unhandled = dead_letter`: a dead letter; an ask answers `AskError::Unhandled`.
    DeadLetter,
    /// `unhandled = reply`: an ask answers `AskError::Unhandled`, a tell is a dead letter.
    Reply,
}

/// One handler: a message variant, a dispatch arm and a handle method.
#[derive(Clone, Debug)]
pub struct HandlerModel {
    /// The method's Rust name, `add_item`; also the handle method's name. Its message
    /// variant is named after it: `AddItem` (see
    /// [`naming::variant_ident`](crate::naming::variant_ident)).
    pub rust_name: Ident,
    /// The method's name on the wire: the `.proto` `rpc` name, or the variant name (`AddItem`)
    /// for a handler declared in Rust. An identifier, unique among the actor's handlers; the
    /// method's wire identity is `<package>.<Actor>/<proto_name>` (see
    /// [`naming::method_wire_name`](crate::naming::method_wire_name)).
    pub proto_name: String,
    /// Visibility of the handle method (the handler's own).
    pub vis: Visibility,
    /// Documentation, one string per line; it travels to the variant and the handle method.
    pub docs: Vec<String>,
    /// Attributes copied onto every item generated for this handler (`#[cfg(..)]`).
    pub cfg_attrs: Vec<Attribute>,
    /// Attributes copied onto the handle method only: `#[allow(..)]`, `#[deprecated]` and
    /// `#[doc(hidden)]`-style `doc` lists. The handler itself keeps all its attributes.
    pub handle_attrs: Vec<Attribute>,
    /// Whether the handler is an `async fn`.
    pub is_async: bool,
    /// Where the `&mut Ctx<Self>` argument goes, as an index into the handler's parameters
    /// (receiver excluded), if the handler takes one.
    pub ctx_position: Option<usize>,
    /// The message arguments in order: every parameter except the receiver, the context and a
    /// reply slot. They become the variant's fields and the handle method's parameters.
    pub args: Vec<ArgModel>,
    /// What the caller gets back.
    pub reply: ReplyKind,
    /// The states (variants of [`BehaviourModel::states`]) in which this handler handles its
    /// message, each once; `None` for every state. Always `None` in an actor without a
    /// behaviour.
    pub states: Option<Vec<Ident>>,
    /// Other methods that handle this handler's message in other states: their state lists
    /// and `states` are pairwise disjoint. Always empty in an actor without a behaviour.
    pub alternatives: Vec<AlternativeModel>,
    /// How a router pool routes the message, if the handler says (`#[route(..)]`); `None`
    /// leaves it to the pool's strategy.
    pub route: Option<RouteModel>,
}

/// A handle method for a handler that a front end rejected, after reporting why: the
/// handler's name, visibility, arguments and reply, and a body that never runs (the build has
/// failed already). The handler has no variant and no dispatch arm; the stand-in only spares
/// its callers follow-on errors such as "no method named `greet`", so that the one real error
/// is the one the user reads. Of the model's rules, only the one about names every handle has
/// (`stop`, `clone`, ...) applies to it.
#[derive(Clone, Debug)]
pub struct StandInModel {
    /// The handler's name.
    pub rust_name: Ident,
    /// The handler's visibility.
    pub vis: Visibility,
    /// The handler's `#[cfg(..)]` attributes.
    pub cfg_attrs: Vec<Attribute>,
    /// The handler's own generic parameters and where-clause, if it has any (an error too).
    pub generics: Generics,
    /// The message arguments as the handler takes them, types as written (a reference, an
    /// `impl Trait`); an argument written as a pattern gets a generated name.
    pub args: Vec<ArgModel>,
    /// What the caller gets back: [`ReplyKind::Tell`], [`ReplyKind::Ask`],
    /// [`ReplyKind::AskResult`] or [`ReplyKind::Stream`].
    pub reply: ReplyKind,
}

/// How a router pool routes one handler's message (`#[route(..)]` on the handler).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RouteModel {
    /// `#[route(key = user)]`, `#[route(key = order.customer)]`: a consistent-hash pool sends
    /// the message to the routee that owns the hash of this argument, or of this field of it.
    Key(KeyModel),
    /// `#[route(broadcast)]`: every routee gets a copy. Only on a tell whose argument types
    /// are all `Clone` (the front end checks the first, rustc the second, at each type).
    Broadcast,
}

/// The routing key of a handler: one of its arguments, or a field (of a field ...) of one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyModel {
    /// The argument, by its name in [`HandlerModel::args`], spanned where the key is written:
    /// `_customer` for `#[route(key = customer)]` on an argument `_customer`.
    pub arg: Ident,
    /// The fields to the key, in order: `[customer]` for `order.customer`, empty when the
    /// argument itself is the key.
    pub fields: Vec<Member>,
}

impl KeyModel {
    /// The key as written: `customer`, `order.customer`, `pair.0`.
    pub fn text(&self) -> String {
        let mut text = self.arg.unraw().to_string();
        for field in &self.fields {
            match field {
                Member::Named(name) => text.push_str(&format!(".{}", name.unraw())),
                Member::Unnamed(index) => text.push_str(&format!(".{}", index.index)),
            }
        }
        text
    }
}

/// A method that handles the message of a [`HandlerModel`] in some states instead of the
/// handler itself (`#[handles(whoami)] #[state(Authorizing)]`). It has no variant and no handle
/// method of its own: the dispatch calls it when the actor is in one of its states.
#[derive(Clone, Debug)]
pub struct AlternativeModel {
    /// The method's Rust name.
    pub rust_name: Ident,
    /// The states in which it handles the message; never empty, each state once.
    pub states: Vec<Ident>,
    /// Its own `#[cfg(..)]` attributes (the handler's apply as well).
    pub cfg_attrs: Vec<Attribute>,
    /// Whether it is an `async fn`.
    pub is_async: bool,
    /// Where it takes the `&mut Ctx<Self>` argument, as an index into its parameters (receiver
    /// excluded), if it takes one.
    pub ctx_position: Option<usize>,
    /// Its message arguments in order, as it spells them: the same names in the same order as
    /// the handler's [`args`](HandlerModel::args), spanned at the method's own parameters so
    /// that a type mismatch is reported there.
    pub args: Vec<Ident>,
    /// How it answers, with its own types; the same kind as the handler's
    /// [`reply`](HandlerModel::reply).
    pub reply: ReplyKind,
}

/// One message argument.
#[derive(Clone, Debug)]
pub struct ArgModel {
    /// Field and parameter name; unique among the handler's arguments.
    pub name: Ident,
    /// Its type (owned, `Self` already replaced by the actor type).
    pub ty: Type,
    /// Its field number on the wire: the `.proto` field number, or the argument's 1-based
    /// position for a handler declared in Rust. Unique among the handler's arguments, and a
    /// valid protobuf field number (see [`naming::is_field_number`](crate::naming::is_field_number)).
    pub field: u32,
}

/// What a handler sends back to the caller.
#[derive(Clone, Debug)]
pub enum ReplyKind {
    /// Returns `()`: a tell, the handle method returns `Tell`.
    Tell,
    /// Returns `T`: an ask, the handle method returns `Ask<_, A, T>`.
    Ask {
        /// The reply type.
        ok: Type,
    },
    /// Returns `Result<T, E>`: an ask whose error reaches the caller typed.
    AskResult {
        /// The success type.
        ok: Type,
        /// The error type.
        err: Type,
    },
    /// Takes a `ReplySlot<T, E>` argument and answers through it, maybe later.
    Deferred {
        /// The success type.
        ok: Type,
        /// The error type, `None` for the runtime's default (`ReplySlot<T>`).
        err: Option<Type>,
        /// The slot parameter's name in the handler.
        slot: Ident,
        /// Where the slot goes, as an index into the handler's parameters (receiver excluded).
        position: usize,
    },
    /// Takes a `StreamSlot<T, E>` argument and answers with a stream of items through it (a
    /// streaming ask, a server-streaming rpc on the wire); returns `()`.
    Stream {
        /// The item type.
        item: Type,
        /// The error type that may end the stream, `None` for the runtime's default
        /// (`StreamSlot<T>`, which cannot fail).
        err: Option<Type>,
        /// The slot parameter's name in the handler.
        slot: Ident,
        /// Where the slot goes, as an index into the handler's parameters (receiver excluded).
        position: usize,
    },
}

impl ReplyKind {
    /// How the handler answers: the one classification every rule and every generated item
    /// goes by.
    pub fn answer(&self) -> Answer {
        match self {
            ReplyKind::Tell => Answer::Tell,
            ReplyKind::Ask { .. } => Answer::Ask,
            ReplyKind::AskResult { .. } => Answer::AskResult,
            ReplyKind::Deferred { .. } => Answer::Deferred,
            ReplyKind::Stream { .. } => Answer::Stream,
        }
    }

    /// The slot parameter's name and its index among the handler's parameters (receiver
    /// excluded), for a handler that answers through a slot (`ReplySlot` or `StreamSlot`).
    pub fn slot(&self) -> Option<(&Ident, usize)> {
        match self {
            ReplyKind::Deferred { slot, position, .. }
            | ReplyKind::Stream { slot, position, .. } => Some((slot, *position)),
            ReplyKind::Tell | ReplyKind::Ask { .. } | ReplyKind::AskResult { .. } => None,
        }
    }
}

/// How a handler answers, without the types: a [`ReplyKind`] classified. A handler and its
/// alternatives answer the same way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    /// No answer: the caller tells.
    Tell,
    /// The handler returns a value.
    Ask,
    /// The handler returns `Result<T, E>`, and the caller gets the error typed.
    AskResult,
    /// The handler answers through a `ReplySlot` argument, maybe later.
    Deferred,
    /// The handler sends a stream of items through a `StreamSlot` argument (a streaming ask).
    Stream,
}

impl Answer {
    /// Whether someone waits for the answer: the message carries a `reply` field.
    pub fn is_ask(self) -> bool {
        self != Answer::Tell
    }

    /// How a handler that answers this way is written, for messages: "returns `()` (a tell)".
    pub fn describe(self) -> &'static str {
        match self {
            Answer::Tell => "returns `()` (a tell)",
            Answer::Ask => "returns a value (an ask)",
            Answer::AskResult => "returns `Result<T, E>` (an ask with a typed error)",
            Answer::Deferred => "answers through a `ReplySlot` argument (a deferred ask)",
            Answer::Stream => {
                "streams its answer through a `StreamSlot` argument (a streaming ask)"
            }
        }
    }
}

/// The lifecycle hooks an actor implements; `None` keeps the runtime's default.
#[derive(Clone, Debug, Default)]
pub struct Hooks {
    /// Runs before the first message.
    pub pre_start: Option<HookModel>,
    /// Runs once the actor is reachable.
    pub post_start: Option<HookModel>,
    /// Runs after the actor stopped.
    pub post_stop: Option<HookModel>,
}

/// One lifecycle hook: a method the generated `Actor` impl calls.
#[derive(Clone, Debug)]
pub struct HookModel {
    /// The method's Rust name.
    pub rust_name: Ident,
    /// Whether the hook is an `async fn`.
    pub is_async: bool,
    /// Whether it takes `ctx: &mut Ctx<Self>` (its only argument if so).
    pub takes_ctx: bool,
    /// Whether it returns `Result<(), E>` (else `()`).
    pub returns_result: bool,
}

/// What `#[actor]` on a struct or enum knows: enough for the handle struct and `ActorDecl`.
#[derive(Clone, Debug)]
pub struct HandleModel {
    /// The actor type's name, `Counter`.
    pub rust_name: Ident,
    /// The actor type the handle points to: `Counter<T>`, the name with the type's parameters
    /// (see [`naming::actor_type`](crate::naming::actor_type)).
    pub actor_ty: Type,
    /// The actor type's visibility; the handle gets the same.
    pub vis: Visibility,
    /// The actor type's generic parameters, without lifetimes; the handle gets the same.
    pub generics: Generics,
    /// The actor type's where-clause.
    pub where_clause: Option<WhereClause>,
    /// The mailbox the type declares, if any.
    pub mailbox: Option<MailboxModel>,
    /// The path of the runtime crate, `::rakt` unless the user renamed it.
    pub krate: Path,
}

/// A mailbox declared on the actor type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MailboxModel {
    /// `mailbox = unbounded`
    Unbounded,
    /// `mailbox = bounded(N)`
    Bounded(NonZeroUsize),
}
