//! The model's rules, reported at the user's tokens, and what is left out after them.
//!
//! `rakt_codegen::generate_actor` validates the lowered model and returns its errors, each
//! naming an item of the model; this file places each at the tokens the item came from (a
//! handler's name, an argument, a state in a `#[state]` list, a route marker, an alternative's
//! return type). What the error rejects is then left out, and the rest generated, so that the
//! user reads the real errors and no follow-on ones:
//!
//! - a handler: it keeps a stand-in method on the handle (not for a name every handle has,
//!   which the stand-in would shadow);
//! - an alternative, or its overlapping state list;
//! - a route: the handler is still generated, the route only changes what a pool does;
//! - a state listed twice: the list without the repeat;
//! - a stand-in named like a method every handle has.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::ToTokens;
use rakt_codegen::{ModelError, ModelErrorKind, ModelItem, generate_actor, naming};
use syn::ext::IdentExt;

use crate::ast::{Impl, Method, Output, Param, ParamKind};
use crate::ctxt::{Ctxt, Phase};
use crate::lower::Lowered;

/// The tokens of a lowered block: the model's errors go to `cx`, and what they reject is left
/// out until the model is valid. `None` only if an error rejects the actor itself (which the
/// macro's own model cannot do).
pub fn generate(input: &Impl, mut lowered: Lowered, cx: &Ctxt) -> Option<TokenStream> {
    // Each round leaves out at least one item of a finite model, so this ends; after the
    // first round nothing is left to report in practice.
    loop {
        let errors = match generate_actor(&lowered.model) {
            Ok(tokens) => return Some(tokens),
            Err(errors) => errors,
        };
        for error in &errors {
            let (phase, method) = phase(&lowered, error);
            cx.at(phase, method);
            let at = place_error(input, &lowered, error)
                .unwrap_or_else(|| input.item.self_ty.to_token_stream());
            cx.error_spanned_by(at, error);
        }
        if !leave_out(input, &mut lowered, &errors) {
            return None;
        }
    }
}

/// The phase and the method an error is reported with: those of the macro's check that the
/// rule goes with (the model's errors read among the macro's own in one order).
fn phase(lowered: &Lowered, error: &ModelError) -> (Phase, usize) {
    use ModelErrorKind as K;
    let phase = match error.kind {
        K::ReplyField { .. }
        | K::DuplicateArgument { .. }
        | K::FieldNumber { .. }
        | K::DuplicateFieldNumber { .. }
        | K::ParameterPositions { .. }
        | K::NotEncodable { .. } => Phase::Signatures,
        K::ReservedName { .. } | K::UnusableVariant { .. } => Phase::Names,
        K::VariantCollision { .. } | K::HandlerWireName { .. } | K::DuplicateWireName { .. } => {
            Phase::Collisions
        }
        K::StatesWithoutBehaviour { .. } | K::EmptyStates { .. } | K::DuplicateState { .. } => {
            Phase::States
        }
        K::RouteKey { .. } | K::BroadcastAsk { .. } | K::BroadcastStream { .. } => Phase::Routes,
        K::AlternativeArguments { .. } | K::AlternativeReply { .. } => Phase::Alternatives,
        // Reported per handler.
        K::StateOverlap { .. } => {
            let handler = match error.item {
                ModelItem::AlternativeState { handler, .. }
                | ModelItem::Alternative { handler, .. } => handler,
                _ => 0,
            };
            let method = lowered.handlers.get(handler).copied().unwrap_or(0);
            return (Phase::Overlaps, method);
        }
        K::Package { .. } | K::ActorWireName { .. } | K::RemoteGeneric { .. } => Phase::Block,
    };
    let alternative = |handler: usize, alternative: usize| {
        lowered
            .alternatives
            .get(handler)
            .and_then(|alts| alts.get(alternative))
            .copied()
    };
    let method = match error.item {
        ModelItem::Actor | ModelItem::Package | ModelItem::Generics => None,
        ModelItem::Handler(handler)
        | ModelItem::Argument { handler, .. }
        | ModelItem::ArgumentType { handler, .. }
        | ModelItem::Reply(handler)
        | ModelItem::State { handler, .. }
        | ModelItem::Route(handler) => lowered.handlers.get(handler).copied(),
        ModelItem::Alternative {
            handler,
            alternative: alt,
        }
        | ModelItem::AlternativeArgument {
            handler,
            alternative: alt,
            ..
        }
        | ModelItem::AlternativeReply {
            handler,
            alternative: alt,
        }
        | ModelItem::AlternativeState {
            handler,
            alternative: alt,
            ..
        } => alternative(handler, alt),
        ModelItem::StandIn(stand_in) => lowered.stand_ins.get(stand_in).copied(),
    };
    (phase, method.unwrap_or(0))
}

/// Where `error` goes: a field number at its `#[field(N)]` if the argument has one, anything
/// else at the tokens its item came from.
fn place_error(input: &Impl, lowered: &Lowered, error: &ModelError) -> Option<TokenStream> {
    use ModelErrorKind as K;
    if let (
        K::FieldNumber { .. } | K::DuplicateFieldNumber { .. },
        ModelItem::Argument { handler, arg },
    ) = (&error.kind, error.item)
    {
        let method = input.methods.get(*lowered.handlers.get(handler)?)?;
        let param = message_params(method).nth(arg)?;
        if let Some(attr) = param.fields.first() {
            return Some(attr.to_token_stream());
        }
    }
    place(input, lowered, error.item)
}

/// Where an error about `item` goes: the user's tokens it came from.
fn place(input: &Impl, lowered: &Lowered, item: ModelItem) -> Option<TokenStream> {
    let method = |index: usize| input.methods.get(index);
    let alternative = |handler: usize, alternative: usize| {
        method(*lowered.alternatives.get(handler)?.get(alternative)?)
    };
    let model = &lowered.model;
    Some(match item {
        ModelItem::Actor => input.item.self_ty.to_token_stream(),
        ModelItem::Package => lowered
            .package_at
            .clone()
            .unwrap_or_else(|| input.item.self_ty.to_token_stream()),
        ModelItem::Generics => {
            let generics = &input.item.generics;
            if generics.params.is_empty() {
                input.item.self_ty.to_token_stream()
            } else {
                generics.to_token_stream()
            }
        }
        ModelItem::ArgumentType { handler, arg } => {
            let method = method(*lowered.handlers.get(handler)?)?;
            message_params(method).nth(arg)?.arg.ty.to_token_stream()
        }
        ModelItem::Reply(handler) => reply_value(method(*lowered.handlers.get(handler)?)?),
        ModelItem::Handler(handler) => method(*lowered.handlers.get(handler)?)?
            .ident()
            .to_token_stream(),
        ModelItem::Argument { handler, arg } => {
            let method = method(*lowered.handlers.get(handler)?)?;
            message_argument(method, arg)?
        }
        ModelItem::State { handler, state } => model
            .handlers
            .get(handler)?
            .states
            .as_ref()?
            .get(state)?
            .to_token_stream(),
        ModelItem::Route(handler) => lowered.routes.get(handler)?.clone()?,
        ModelItem::Alternative {
            handler,
            alternative: alt,
        } => alternative(handler, alt)?.ident().to_token_stream(),
        ModelItem::AlternativeArgument {
            handler,
            alternative: alt,
            arg,
        } => {
            let method = alternative(handler, alt)?;
            message_argument(method, arg).unwrap_or_else(|| method.ident().to_token_stream())
        }
        ModelItem::AlternativeReply {
            handler,
            alternative: alt,
        } => reply(alternative(handler, alt)?),
        ModelItem::AlternativeState {
            handler,
            alternative,
            state,
        } => model
            .handlers
            .get(handler)?
            .alternatives
            .get(alternative)?
            .states
            .get(state)?
            .to_token_stream(),
        ModelItem::StandIn(stand_in) => method(*lowered.stand_ins.get(stand_in)?)?
            .ident()
            .to_token_stream(),
    })
}

/// The message arguments of `method`: its parameters but the context and the reply slot.
fn message_params<'m, 'a>(method: &'m Method<'a>) -> impl Iterator<Item = &'m Param<'a>> {
    method
        .params
        .iter()
        .filter(|p| matches!(p.kind, ParamKind::Plain))
}

/// The pattern of message argument `index` of `method`.
fn message_argument(method: &Method, index: usize) -> Option<TokenStream> {
    let param = message_params(method).nth(index)?;
    Some(param.arg.pat.to_token_stream())
}

/// How `method` answers, as written: its reply slot, else its return type, else its name.
fn reply(method: &Method) -> TokenStream {
    let slot = method
        .params
        .iter()
        .find(|p| matches!(p.kind, ParamKind::Slot { .. }));
    match (slot, &method.func.sig.output) {
        (Some(slot), _) => slot.arg.to_token_stream(),
        (None, syn::ReturnType::Type(..)) => method.func.sig.output.to_token_stream(),
        (None, syn::ReturnType::Default) => method.ident().to_token_stream(),
    }
}

/// The type of the value `method` answers with, as written: `T` of its `ReplySlot<T, E>`, of
/// its `Result<T, E>`, or its return type.
fn reply_value(method: &Method) -> TokenStream {
    let slot = method.params.iter().find_map(|p| match p.kind {
        ParamKind::Slot { ok, .. } => Some(ok),
        _ => None,
    });
    match (slot, &method.output) {
        (Some(ok), _) => ok.to_token_stream(),
        (None, Output::Result { ok, .. } | Output::Value(ok)) => ok.to_token_stream(),
        (None, Output::Unit) => reply(method),
    }
}

/// Leaves out what `errors` reject; `false` when that is nothing (an error about the actor
/// itself, which nothing left out can mend).
fn leave_out(input: &Impl, lowered: &mut Lowered, errors: &[ModelError]) -> bool {
    let mut handlers = BTreeSet::new();
    let mut alternatives = BTreeSet::new();
    let mut states = BTreeSet::new();
    let mut alternative_states = BTreeSet::new();
    let mut routes = BTreeSet::new();
    let mut stand_ins = BTreeSet::new();
    let mut local = false;
    let mut package = false;
    for error in errors {
        match error.item {
            ModelItem::Actor => return false,
            // A bad package is left out, a generic actor stays local: the rest is generated.
            ModelItem::Package => package = true,
            ModelItem::Generics => local = true,
            ModelItem::Handler(handler)
            | ModelItem::Argument { handler, .. }
            | ModelItem::ArgumentType { handler, .. }
            | ModelItem::Reply(handler) => {
                handlers.insert(handler);
            }
            ModelItem::State { handler, state } => {
                states.insert((handler, state));
            }
            ModelItem::Route(handler) => {
                routes.insert(handler);
            }
            ModelItem::AlternativeState {
                handler,
                alternative,
                state,
            } if matches!(error.kind, ModelErrorKind::DuplicateState { .. }) => {
                alternative_states.insert((handler, alternative, state));
            }
            ModelItem::Alternative {
                handler,
                alternative,
            }
            | ModelItem::AlternativeArgument {
                handler,
                alternative,
                ..
            }
            | ModelItem::AlternativeReply {
                handler,
                alternative,
            }
            | ModelItem::AlternativeState {
                handler,
                alternative,
                ..
            } => {
                alternatives.insert((handler, alternative));
            }
            ModelItem::StandIn(stand_in) => {
                stand_ins.insert(stand_in);
            }
        }
    }
    let model = &mut lowered.model;
    let mut left_out = 0;
    if package && !model.package.is_empty() {
        model.package.clear();
        left_out += 1;
    }
    if local && model.remote {
        model.remote = false;
        left_out += 1;
    }
    // From the back, so that the indices of the errors stay right.
    for &(handler, state) in states.iter().rev() {
        if let Some(list) = model.handlers[handler].states.as_mut() {
            list.remove(state);
            left_out += 1;
        }
    }
    for &(handler, alternative, state) in alternative_states.iter().rev() {
        model.handlers[handler].alternatives[alternative]
            .states
            .remove(state);
        left_out += 1;
    }
    for &handler in &routes {
        model.handlers[handler].route = None;
        lowered.routes[handler] = None;
        left_out += 1;
    }
    for &(handler, alternative) in alternatives.iter().rev() {
        model.handlers[handler].alternatives.remove(alternative);
        lowered.alternatives[handler].remove(alternative);
        left_out += 1;
    }
    for &stand_in in stand_ins.iter().rev() {
        model.stand_ins.remove(stand_in);
        lowered.stand_ins.remove(stand_in);
        left_out += 1;
    }
    let mut rejected = Vec::new();
    for &handler in handlers.iter().rev() {
        model.handlers.remove(handler);
        lowered.alternatives.remove(handler);
        lowered.routes.remove(handler);
        rejected.push(lowered.handlers.remove(handler));
        left_out += 1;
    }
    // A rejected handler keeps a handle method, unless it would shadow one every handle has.
    for method in rejected {
        let name = input.methods[method].ident().unraw().to_string();
        if naming::reserved_handle_method(&name).is_none() {
            lowered.add_stand_in(input, method);
        }
    }
    left_out > 0
}
