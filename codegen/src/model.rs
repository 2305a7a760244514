//! The actor-service model: what a front end knows about an actor once it has checked it.
//!
//! The model holds owned `syn` values (types, identifiers, generics, visibilities) and plain
//! strings, never parse-side nodes such as `syn::ImplItemFn`, so that a front end that does not
//! parse Rust (the `.proto` generator) can build it too. Spans carried by the `syn` values are
//! kept in the output, so compiler errors in generated code point at the user's tokens.

use std::num::NonZeroUsize;

use syn::{Attribute, Generics, Ident, Path, Type, Visibility, WhereClause};

/// One actor service: the state type, its handlers and its lifecycle hooks.
#[derive(Clone, Debug)]
pub struct ActorModel {
    /// The actor's Rust name, `Counter`; the message enum and handle names derive from it.
    pub rust_name: Ident,
    /// The service name on the wire (`Counter`, or the `.proto` service name).
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
    /// The lifecycle hooks the actor implements.
    pub hooks: Hooks,
    /// The path of the runtime crate, `::rakt` unless the user renamed it.
    pub krate: Path,
}

/// One handler: a message variant, a dispatch arm and a handle method.
#[derive(Clone, Debug)]
pub struct HandlerModel {
    /// The method's Rust name, `add_item`; also the handle method's name.
    pub rust_name: Ident,
    /// The method name on the wire (`AddItem`).
    pub proto_name: String,
    /// The message variant, `AddItem` (see [`naming::variant_ident`](crate::naming::variant_ident)).
    pub variant: Ident,
    /// Visibility of the handle method (the handler's own).
    pub vis: Visibility,
    /// Documentation, one string per line; it travels to the variant and the handle method.
    pub docs: Vec<String>,
    /// Attributes copied onto every item generated for this handler (`#[cfg(..)]`).
    pub cfg_attrs: Vec<Attribute>,
    /// Attributes copied onto the handle method only: `#[allow(..)]`, `#[deprecated]` and
    /// `#[doc(hidden)]`-style `doc` lists. The handler itself keeps all its attributes.
    pub handle_attrs: Vec<Attribute>,
    /// How the handler borrows the actor.
    pub receiver: ReceiverKind,
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
}

/// One message argument.
#[derive(Clone, Debug)]
pub struct ArgModel {
    /// Field and parameter name.
    pub name: Ident,
    /// Its type (owned, `Self` already replaced by the actor type).
    pub ty: Type,
}

/// How a handler or hook borrows the actor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReceiverKind {
    /// `&self`
    Ref,
    /// `&mut self`
    RefMut,
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
    /// How the hook borrows the actor.
    pub receiver: ReceiverKind,
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
    /// The actor type's visibility; the handle gets the same.
    pub vis: Visibility,
    /// The actor type's generic parameters (no lifetimes); the handle gets the same.
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
