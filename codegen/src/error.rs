//! The errors of [`validate`](crate::validate()): what rule a model breaks, and the item it is
//! about.
//!
//! A [`ModelError`] names its item by position in the model ([`ModelItem`]), not by span, so
//! that each front end places it in its own input: the `#[actor]` macro at the user's tokens,
//! a `.proto` front end at a file and line. Its message (the [`ModelErrorKind`]'s `Display`)
//! names the items in words and says what to change.

use std::fmt;

use crate::model::Answer;
use crate::wire::NotEncodable;

/// A rule of a well-formed actor that the model breaks.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{kind}")]
pub struct ModelError {
    /// The item the error is about, where a front end reports it.
    pub item: ModelItem,
    /// What is wrong, with the names the message needs.
    pub kind: ModelErrorKind,
}

/// An item of an [`ActorModel`](crate::ActorModel), by its position: `handler` is an index
/// into [`ActorModel::handlers`](crate::ActorModel::handlers), `alternative` into that
/// handler's [`alternatives`](crate::HandlerModel::alternatives), `arg` and `state` into the
/// `args` and `states` of the handler or alternative.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModelItem {
    /// The actor: its wire name.
    Actor,
    /// The actor's package.
    Package,
    /// A handler: its name.
    Handler(usize),
    /// A message argument of a handler: its name (or field number).
    Argument {
        /// The handler.
        handler: usize,
        /// The argument.
        arg: usize,
    },
    /// The type of a message argument of a handler.
    ArgumentType {
        /// The handler.
        handler: usize,
        /// The argument.
        arg: usize,
    },
    /// What a handler answers: its reply type, or its reply slot.
    Reply(usize),
    /// The actor's generic parameters.
    Generics,
    /// A state in a handler's `states`.
    State {
        /// The handler.
        handler: usize,
        /// The state.
        state: usize,
    },
    /// How a pool routes a handler's message: its [`route`](crate::HandlerModel::route).
    Route(usize),
    /// An alternative of a handler: its name.
    Alternative {
        /// The handler whose message it handles.
        handler: usize,
        /// The alternative.
        alternative: usize,
    },
    /// A message argument of an alternative.
    AlternativeArgument {
        /// The handler whose message it handles.
        handler: usize,
        /// The alternative.
        alternative: usize,
        /// The argument.
        arg: usize,
    },
    /// How an alternative answers: its reply type, or its reply slot.
    AlternativeReply {
        /// The handler whose message it handles.
        handler: usize,
        /// The alternative.
        alternative: usize,
    },
    /// A state in an alternative's `states`.
    AlternativeState {
        /// The handler whose message it handles.
        handler: usize,
        /// The alternative.
        alternative: usize,
        /// The state.
        state: usize,
    },
    /// A stand-in, by its index in [`ActorModel::stand_ins`](crate::ActorModel::stand_ins):
    /// its name.
    StandIn(usize),
}

/// What a remote actor sends that cannot travel, in [`ModelErrorKind::NotEncodable`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WireItem {
    /// A message argument, by name.
    Argument(String),
    /// The reply.
    Reply,
}

impl fmt::Display for WireItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WireItem::Argument(name) => write!(f, "argument `{name}`"),
            WireItem::Reply => f.write_str("the reply"),
        }
    }
}

/// What rule a model breaks. Names in the fields are as the user spells them, without `r#`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ModelErrorKind {
    /// A handler (or a stand-in) is named like a method every handle has, which it would
    /// shadow. At the handler.
    #[error(
        "handler `{handler}` collides with `{owner}` on the generated handle `{handle}`; rename \
         the handler"
    )]
    ReservedName {
        /// The handler.
        handler: String,
        /// The item it would shadow, `ActorHandle::stop`.
        owner: &'static str,
        /// The handle, `CounterRef`.
        handle: String,
    },
    /// The PascalCase of a handler's name is no identifier (`__`, `self_`). At the handler.
    #[error(
        "cannot name a message variant after handler `{handler}` (its PascalCase, `{variant}`, \
         is not a usable identifier); rename the handler"
    )]
    UnusableVariant {
        /// The handler.
        handler: String,
        /// What its variant would be called.
        variant: String,
    },
    /// Two handlers map to one message variant. At the later handler.
    #[error(
        "handlers `{first}` and `{later}` both map to the message variant \
         `{message}::{variant}`; rename one of them"
    )]
    VariantCollision {
        /// The first handler with the name.
        first: String,
        /// The later one.
        later: String,
        /// The message enum, `CartMsg`.
        message: String,
        /// The variant, `AddItem`.
        variant: String,
    },
    /// An ask takes an argument named `reply`, the field that carries its answer. At the
    /// argument.
    #[error(
        "argument `reply` of `{handler}` collides with the `reply` field that carries the \
         answer in {}; rename the argument",
        carrier(message, variant.as_deref(), handler)
    )]
    ReplyField {
        /// The handler.
        handler: String,
        /// The message enum, `MailerMsg`.
        message: String,
        /// The handler's variant, if it can have one.
        variant: Option<String>,
    },
    /// Two arguments of a handler have one name. At the later one.
    #[error(
        "handler `{handler}` takes two arguments named `{arg}`; each argument becomes a field \
         of its message: rename one of them"
    )]
    DuplicateArgument {
        /// The handler.
        handler: String,
        /// The name.
        arg: String,
    },
    /// An argument's field number is no protobuf field number. At the argument.
    #[error(
        "argument `{arg}` of `{handler}` has field number {field}; a field number is 1 to \
         536870911, outside 19000 to 19999 (reserved by protobuf)"
    )]
    FieldNumber {
        /// The handler.
        handler: String,
        /// The argument.
        arg: String,
        /// Its field number.
        field: u32,
    },
    /// Two arguments of a handler have one field number. At the later one.
    #[error(
        "arguments `{first}` and `{later}` of `{handler}` both have field number {field}; give \
         each argument its own"
    )]
    DuplicateFieldNumber {
        /// The handler.
        handler: String,
        /// The first argument with the number.
        first: String,
        /// The later one.
        later: String,
        /// The number.
        field: u32,
    },
    /// The actor's package is neither empty nor identifiers joined by dots. At the package.
    #[error(
        "package `{package}` of actor `{actor}` is not a package: identifiers joined by dots \
         (`demo.v1`), or nothing for none"
    )]
    Package {
        /// The actor.
        actor: String,
        /// Its package.
        package: String,
    },
    /// The actor's wire name is no identifier. At the actor.
    #[error(
        "the wire name `{name}` of actor `{actor}` is not an identifier (a letter or `_`, then \
         letters, digits and `_`)"
    )]
    ActorWireName {
        /// The actor.
        actor: String,
        /// Its wire name.
        name: String,
    },
    /// A handler's wire name is no identifier. At the handler.
    #[error(
        "the wire name `{name}` of handler `{handler}` is not an identifier (a letter or `_`, \
         then letters, digits and `_`)"
    )]
    HandlerWireName {
        /// The handler.
        handler: String,
        /// Its wire name.
        name: String,
    },
    /// Two handlers have one wire name (and different variants). At the later handler.
    #[error("handlers `{first}` and `{later}` both have the wire name `{name}`; give each its own")]
    DuplicateWireName {
        /// The first handler with the name.
        first: String,
        /// The later one.
        later: String,
        /// The name.
        name: String,
    },
    /// A handler or an alternative puts its context or its reply slot at a position it does
    /// not have, or both at one. At the method.
    #[error(
        "`{method}` puts its context or its reply slot at a position it does not have: the \
         context and the reply slot each take a position of their own among its {params} \
         parameters (after the receiver)"
    )]
    ParameterPositions {
        /// The handler or alternative.
        method: String,
        /// How many parameters it takes after the receiver: its message arguments, the
        /// context and the reply slot.
        params: usize,
    },
    /// A handler lists states, or has alternatives, in an actor without a behaviour. At the
    /// handler.
    #[error(
        "`{method}` handles its message only in some states, and this actor has no states: \
         give the actor a state type and an initial state, or handle the message in every \
         state"
    )]
    StatesWithoutBehaviour {
        /// The handler.
        method: String,
    },
    /// A handler or an alternative lists no state. At the method.
    #[error(
        "`{method}` lists no state; name the states in which it handles its message, or (a \
         handler) handle it in every state"
    )]
    EmptyStates {
        /// The handler or alternative.
        method: String,
    },
    /// A state list names a state twice. At the later one.
    #[error("state `{state}` is listed twice in `#[state(..)]` on `{method}`; list it once")]
    DuplicateState {
        /// The handler or alternative.
        method: String,
        /// The state.
        state: String,
    },
    /// An alternative does not take its handler's message arguments, by name and in order.
    /// At its first argument that differs, or at its name when it takes too few.
    #[error(
        "`{alternative}` handles the message of `{handler}`, so it takes the same message \
         arguments in the same order: `{handler}` takes {}, `{alternative}` takes {}; the \
         context may go anywhere",
        arg_list(expected),
        arg_list(found)
    )]
    AlternativeArguments {
        /// The handler.
        handler: String,
        /// The alternative.
        alternative: String,
        /// The handler's arguments.
        expected: Vec<String>,
        /// The alternative's.
        found: Vec<String>,
    },
    /// An alternative answers otherwise than its handler. At the alternative's reply.
    #[error(
        "`{alternative}` handles the message of `{handler}`, so it answers the same way: \
         `{handler}` {}, `{alternative}` {}",
        expected.describe(),
        found.describe()
    )]
    AlternativeReply {
        /// The handler.
        handler: String,
        /// The alternative.
        alternative: String,
        /// How the handler answers.
        expected: Answer,
        /// How the alternative does.
        found: Answer,
    },
    /// Two methods handle one message in one state. At the state in the later one's list, or
    /// at its name when it has no list.
    #[error(
        "two handlers for message `{message}` in state `{state}`: `{first}` and `{later}`; {}",
        overlap_hint(every.as_deref(), state)
    )]
    StateOverlap {
        /// The handler whose message it is.
        message: String,
        /// The earlier method.
        first: String,
        /// The later one.
        later: String,
        /// The state.
        state: String,
        /// The one of the two that has no state list (and so handles every state), if one.
        every: Option<String>,
    },
    /// A route key that is no message argument of its handler. At the route.
    #[error(
        "`#[route(key = {key})]`: {}{}",
        key_target(*target, root, handler, arguments.is_empty()),
        key_hint(handler, arguments)
    )]
    RouteKey {
        /// The handler.
        handler: String,
        /// The key as written, `order.customer`.
        key: String,
        /// Its first name, `order`.
        root: String,
        /// What that name is.
        target: KeyTarget,
        /// The handler's message arguments.
        arguments: Vec<String>,
    },
    /// A remote actor's handler takes or returns a type that cannot travel as protobuf. At the
    /// argument's type, or at the reply.
    #[error("{item} of `{handler}` cannot travel on the wire: {why}")]
    NotEncodable {
        /// The handler.
        handler: String,
        /// The argument, or the reply.
        item: WireItem,
        /// The part of its type that cannot travel, and why.
        why: NotEncodable,
    },
    /// A remote actor is generic. At its generic parameters.
    #[error(
        "a remote actor cannot be generic: its wire identity `{service}` would stand for every \
         `{actor}<..>` alike, and a peer could not tell which types it sends; declare a \
         concrete actor, or drop `remote`"
    )]
    RemoteGeneric {
        /// The actor.
        actor: String,
        /// Its wire identity.
        service: String,
    },
    /// A broadcast route on an ask. At the route.
    #[error(
        "`#[route(broadcast)]` cannot go on `{handler}`, an ask: every routee would answer, and \
         the caller would get only the first answer; for an ask, give the pool \
         `Routing::ScatterGather` (every routee is asked, the first answer wins), or make \
         `{handler}` a tell (return `()`, no `ReplySlot`)"
    )]
    BroadcastAsk {
        /// The handler.
        handler: String,
    },
    /// A broadcast route on a streaming ask. At the route.
    #[error(
        "`#[route(broadcast)]` cannot go on `{handler}`, a streaming ask: its one stream cannot \
         carry the items of every routee; route it by key (`#[route(key = ..)]`) or leave it \
         to the pool's strategy, or make `{handler}` a tell (return `()`, no `StreamSlot`)"
    )]
    BroadcastStream {
        /// The handler.
        handler: String,
    },
}

/// What the first name of a route key that is no message argument names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyTarget {
    /// Nothing the handler takes. [`validate`](crate::validate()) reports this one.
    Unknown,
    /// The handler's context parameter, which only a front end that sees its name (the
    /// macro) can tell.
    Context,
    /// The handler's reply slot parameter, likewise.
    ReplySlot,
}

/// Where an answer goes, in [`ModelErrorKind::ReplyField`].
fn carrier(message: &str, variant: Option<&str>, handler: &str) -> String {
    match variant {
        Some(variant) => format!("`{message}::{variant}`"),
        None => format!("the message of `{handler}`"),
    }
}

fn arg_list(names: &[String]) -> String {
    if names.is_empty() {
        "no message arguments".to_owned()
    } else {
        format!("`{}`", names.join(", "))
    }
}

fn overlap_hint(every: Option<&str>, state: &str) -> String {
    match every {
        Some(all) => format!(
            "`{all}` has no `#[state]`, so it handles every state: give it a `#[state(..)]` \
             list without `{state}`"
        ),
        None => {
            format!("a message has one handler per state: drop `{state}` from one of the lists")
        }
    }
}

fn key_target(target: KeyTarget, root: &str, handler: &str, no_arguments: bool) -> String {
    match target {
        KeyTarget::Context => format!("`{root}` is the actor context, not part of the message; "),
        KeyTarget::ReplySlot => {
            format!("`{root}` is the reply slot of `{handler}`, not part of the message; ")
        }
        // The hint says it all.
        KeyTarget::Unknown if no_arguments => String::new(),
        KeyTarget::Unknown => format!("`{handler}` has no argument `{root}`; "),
    }
}

fn key_hint(handler: &str, arguments: &[String]) -> String {
    if arguments.is_empty() {
        format!(
            "`{handler}` takes no message argument, so it has no key to route on: remove \
             `#[route(key = ..)]`"
        )
    } else {
        let arguments: Vec<String> = arguments.iter().map(|a| format!("`{a}`")).collect();
        format!(
            "route on a message argument of `{handler}` or a field of one: {}",
            arguments.join(", ")
        )
    }
}
