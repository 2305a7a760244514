//! The checks of the input that are about Rust syntax, reported to the [`Ctxt`] as spanned
//! errors with a hint: what the model cannot hold (a receiver by value, a reference argument,
//! an attribute in the wrong form or place). The rules of a well-formed actor (names, state
//! lists, route keys, alternatives that match their handler) are the model's, checked by
//! `rakt_codegen::validate` once the block is lowered (see `repair.rs`).
//!
//! One file per seam: `signatures` (handlers and hooks), `states` (`#[state]` and
//! `#[handles]`), `routes` (`#[route]`), `fields` (`#[field]`). The checks never stop at the first error. They return
//! what may still be lowered: an invalid handler or hook is left out of the model (so the rest
//! of the crate still sees the enum, the dispatch and the valid handle methods), and only a
//! block that cannot be modelled at all (a trait impl, a type that is not a named path)
//! suppresses generation.

mod fields;
mod routes;
mod signatures;
mod states;

use proc_macro2::{Ident, TokenStream};
use quote::{ToTokens, quote};
use rakt_codegen::{RouteModel, naming};
use syn::{GenericParam, Generics};

use crate::ast::{Decl, HookKind, Impl, ROUTE_MARKER, STATE_MARKER};
use crate::attr::ImplOptions;
use crate::ctxt::{Ctxt, Phase};

pub use self::fields::given_field;

/// What may be lowered for an impl block.
pub struct Verdict {
    /// Nothing may be generated: the block is not an inherent impl of a named type. (Lifetime
    /// parameters are reported but not fatal: the expansion goes on as if each were
    /// `'static`, so the rest of the crate sees the handle and its methods.)
    pub fatal: bool,
    /// Per method (same order as [`Impl::methods`]): whether it may go into the model.
    pub ok: Vec<bool>,
    /// Per method: the states it handles its message in, `None` for every state (and for
    /// every method of an actor without `states`). A list with errors is cleaned up
    /// (`LoginState::A` read as `A`), so that the handler is still generated and its callers
    /// see no follow-on errors; a state listed twice stays, for the model's rules to report.
    pub states: Vec<Option<Vec<Ident>>>,
    /// Per method: for a valid alternative (`#[handles(..)]`), the index of the handler whose
    /// message it handles.
    pub handles: Vec<Option<usize>>,
    /// Per method: how a router pool routes a handler's message (`#[route(..)]`), and the
    /// tokens that say so (where an error about the route goes). A marker with errors routes
    /// nothing, and the handler is still generated: the route only changes what a pool does.
    pub routes: Vec<Option<(RouteModel, TokenStream)>>,
}

impl Verdict {
    /// Whether method `index` lists states with `#[state]` and the list was rejected: it
    /// handles its message in no known states, which is not "every state".
    pub fn states_rejected(&self, input: &Impl, index: usize) -> bool {
        !input.methods[index].states.is_empty() && self.states[index].is_none()
    }
}

/// Checks `#[actor]` on a struct or enum. Nothing here stops the handle from being generated:
/// lifetime parameters are reported, and the handle is generated as if each were `'static`.
pub fn check_decl(decl: &Decl, cx: &Ctxt) {
    no_lifetimes(decl.generics, cx);
}

/// Checks `#[actor]` on an impl block.
pub fn check_impl(input: &Impl, options: &ImplOptions, cx: &Ctxt) -> Verdict {
    let item = input.item;
    let mut fatal = false;
    if let Some((bang, path, for_token)) = &item.trait_ {
        cx.error_spanned_by(
            quote!(#bang #path #for_token),
            "`#[actor]` goes on the actor's inherent impl block (`impl Counter { .. }`), not on a \
             trait impl; move the handlers into an inherent impl",
        );
        fatal = true;
    }
    if naming::handle_type(&item.self_ty).is_none() {
        cx.error_spanned_by(
            &item.self_ty,
            "`#[actor]` needs an impl block for a named struct or enum (`impl Counter { .. }`)",
        );
        fatal = true;
    }
    no_lifetimes(&item.generics, cx);

    let machine = check_options(options, cx);

    let mut ok = Vec::with_capacity(input.methods.len());
    let mut first_hook: [Option<&Ident>; 3] = [None; 3];
    for (index, method) in input.methods.iter().enumerate() {
        cx.at(Phase::Signatures, index);
        ok.push(if method.is_hook() {
            signatures::check_hook(method, &mut first_hook, cx)
        } else if method.is_handler() || method.is_alternative() {
            signatures::check_handler(method, cx)
        } else {
            true
        });
    }
    fields::check(input, options.remote.is_some(), cx);
    cx.at(Phase::Markers, 0);
    for attr in &input.stray_markers {
        let marker = attr.path().to_token_stream();
        let (marks, on) = if HookKind::of(attr).is_some() {
            (
                "a method of the `#[actor]` impl block as a lifecycle hook",
                "a method",
            )
        } else if attr.path().is_ident(STATE_MARKER) {
            (
                "the states in which a handler of the `#[actor]` impl block handles its message",
                "a method",
            )
        } else if attr.path().is_ident(ROUTE_MARKER) {
            (
                "how a router pool routes the message of a handler of the `#[actor]` impl block",
                "a handler",
            )
        } else {
            (
                "a method of the `#[actor]` impl block as another handler of a handler's message",
                "a method",
            )
        };
        cx.error_spanned_by(attr, format!("`#[{marker}]` marks {marks}; put it on {on}"));
    }
    let states = input
        .methods
        .iter()
        .enumerate()
        .map(|(index, method)| {
            cx.at(Phase::States, index);
            states::check_states(method, machine, cx)
        })
        .collect();
    let routes = input
        .methods
        .iter()
        .enumerate()
        .map(|(index, method)| {
            cx.at(Phase::Routes, index);
            routes::check_route(method, cx)
        })
        .collect();
    let mut verdict = Verdict {
        fatal,
        ok,
        states,
        handles: vec![None; input.methods.len()],
        routes,
    };
    if machine == Machine::Yes {
        states::check_handles(input, &mut verdict, cx);
    }
    verdict
}

/// Whether the actor is a state machine, as far as the checks of its methods are concerned.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Machine {
    /// `states` was given (maybe with a bad value, reported already).
    Yes,
    /// No option of a state machine was given: `#[state]` and `#[handles]` are errors.
    No,
    /// `initial` or `unhandled` without `states`: that error says it all, so `#[state]` and
    /// `#[handles]` are not reported again (and not used).
    Broken,
}

/// The options that only make sense together.
fn check_options(options: &ImplOptions, cx: &Ctxt) -> Machine {
    match (&options.states, &options.initial) {
        (None, Some(initial)) => cx.error_spanned_by(
            &initial.meta,
            "`initial` is the first state of a state machine, and this actor has no states: add \
             `states = <state type>` (`#[actor(states = LoginState, initial = ..)]`), or remove \
             `initial`",
        ),
        (Some(states), None) => cx.error_spanned_by(
            &states.meta,
            "a state machine needs its first state: add `initial = <variant>` for a state \
             without data (`initial = Authenticating`), or `initial = <value>` for one with data \
             (`initial = LoginState::Idle { tries: 0 }`)",
        ),
        _ => {}
    }
    if let (None, Some(unhandled)) = (&options.states, &options.unhandled) {
        cx.error_spanned_by(
            &unhandled.meta,
            "`unhandled` says what becomes of a message that the current state does not \
             handle, and this actor has no states: every handler handles its message at all \
             times; add `states = ..` and `initial = ..`, or remove `unhandled`",
        );
    }
    if options.states.is_some() {
        Machine::Yes
    } else if options.initial.is_some() || options.unhandled.is_some() {
        Machine::Broken
    } else {
        Machine::No
    }
}

/// Rejects lifetime parameters: an actor lives in its own task and cannot borrow.
fn no_lifetimes(generics: &Generics, cx: &Ctxt) {
    for param in &generics.params {
        if let GenericParam::Lifetime(lt) = param {
            cx.error_spanned_by(
                &lt.lifetime,
                format!(
                    "`#[actor]` types cannot have lifetime parameters: an actor runs in its own \
                     task and must be `'static`; own the data instead of borrowing it (remove \
                     `{}`, use `String` or `Arc<T>`)",
                    lt.lifetime
                ),
            );
        }
    }
}
