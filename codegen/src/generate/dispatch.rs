//! The `Actor` impl: the message types, the behaviour's items, the dispatch that calls a
//! handler (or, in a state machine, the method for the current state) for each message, and the
//! lifecycle hooks.

use std::collections::BTreeSet;

use proc_macro2::{Delimiter, Ident, Literal, Span, TokenStream, TokenTree};
use quote::{ToTokens, format_ident, quote};
use syn::GenericParam;
use syn::spanned::Spanned;

use super::Cx;
use super::tokens::{Locals, collect_idents, relocate, respan};
use crate::model::{
    ActorModel, AlternativeModel, BehaviourModel, HookModel, InitialModel, ReplyKind,
    UnhandledModel,
};
use crate::naming;
use crate::validate::Handler;

/// The `Actor` impl.
pub(super) fn generate(cx: &Cx) -> TokenStream {
    let Locals {
        msg: msg_local,
        ctx: ctx_local,
        ..
    } = Locals::new();
    let Cx { model, rt, msg, .. } = cx;
    let (impl_generics, ty_generics, _) = model.generics.split_for_impl();
    let where_clause = &model.where_clause;
    let self_ty = &model.self_ty;
    let handle_ty = &model.handle_ty;

    let behaviour = model.behaviour.as_ref();
    let state_names = behaviour.map(|behaviour| StateNames::new(model, behaviour));
    let dispatch_arms = cx
        .handlers
        .iter()
        .map(|h| dispatch_arms(h, msg, state_names.as_ref(), rt));
    // The alias the guards name states through, if any handler is guarded.
    let guarded = cx
        .handlers
        .iter()
        .any(|h| h.states.is_some() || !h.alternatives.is_empty());
    let state_alias = state_names
        .as_ref()
        .filter(|_| guarded)
        .and_then(StateNames::alias_item);
    let dispatch_phantom = cx.phantom.arm(&msg.to_token_stream(), false);
    // A state machine's guarded arms leave a message whole when its state does not match; it
    // ends here and goes to the actor's `Unhandled` policy. Unreachable when every handler
    // handles its message in every state.
    let dispatch_unhandled = behaviour.map(|_| {
        let unhandled = Ident::new("__rakt_unhandled", Span::mixed_site());
        quote! {
            #[allow(unreachable_patterns)]
            #unhandled => {
                #rt::unhandled(#ctx_local, #unhandled);
                ::core::result::Result::Ok(())
            }
        }
    });
    let state_items = state_items(model, rt);
    let hooks = [
        ("pre_start", &model.hooks.pre_start),
        ("post_start", &model.hooks.post_start),
        ("post_stop", &model.hooks.post_stop),
    ]
    .into_iter()
    .filter_map(|(method, hook)| Some(hook_fn(method, hook.as_ref()?, rt)));

    // `<Self as ActorDecl>::MAILBOX`, spanned on the actor type: when the type lacks `#[actor]`,
    // the runtime's `on_unimplemented` message lands on the impl header.
    let mailbox = respan(quote!(<Self as #rt::ActorDecl>::MAILBOX), self_ty.span());

    // The dispatch calls the handlers and hooks; a `#[deprecated]` one warns its callers
    // through the handle method, not here.
    quote! {
        #[automatically_derived]
        #[allow(deprecated)]
        impl #impl_generics #rt::Actor for #self_ty #where_clause {
            type Msg = #msg #ty_generics;
            type Ref = #handle_ty;
            const MAILBOX: ::core::option::Option<#rt::MailboxConfig> = #mailbox;
            #state_items

            fn fresh() -> ::core::option::Option<Self> {
                #[allow(unused_imports)]
                use #rt::{FreshDefault as _, FreshNone as _};
                (&#rt::Fresh::<Self>::new()).__rakt_fresh()
            }

            async fn handle(
                &mut self,
                #msg_local: #msg #ty_generics,
                #ctx_local: &mut #rt::Ctx<Self>,
            ) -> ::core::result::Result<(), #rt::Failure> {
                #state_alias
                match #msg_local {
                    #(#dispatch_arms)*
                    #dispatch_phantom
                    #dispatch_unhandled
                }
            }

            #(#hooks)*
        }
    }
}

/// The `Actor` items of the behaviour and the stash: `State`, `initial_state` and, when the
/// actor chose them, `UNHANDLED` and `STASH_CAPACITY`. An actor without a behaviour has the one
/// state `()`.
fn state_items(model: &ActorModel, rt: &TokenStream) -> TokenStream {
    let stash_capacity = model.stash_capacity.map(|capacity| {
        let capacity = Literal::usize_unsuffixed(capacity.get());
        quote!(const STASH_CAPACITY: usize = #capacity;)
    });
    let Some(behaviour) = &model.behaviour else {
        return quote! {
            type State = ();
            #stash_capacity

            fn initial_state() -> Self::State {}
        };
    };
    // The user's path keeps its spans: a type that cannot be a state is reported there.
    let states = &behaviour.states;
    let names = StateNames::new(model, behaviour);
    let initial = match &behaviour.initial {
        InitialModel::Variant { name, data } => names.value(name, data),
        // The user's expression keeps its spans: a value of another type is reported there.
        InitialModel::Value(value) => value.to_token_stream(),
    };
    let unhandled = behaviour.unhandled.map(|unhandled| {
        let policy = match unhandled {
            UnhandledModel::Stash => quote!(Stash),
            UnhandledModel::DeadLetter => quote!(DeadLetter),
            UnhandledModel::Reply => quote!(Reply),
        };
        quote!(const UNHANDLED: #rt::Unhandled = #rt::Unhandled::#policy;)
    });
    quote! {
        type State = #states;
        #unhandled
        #stash_capacity

        fn initial_state() -> Self::State {
            #initial
        }
    }
}

/// How the generated code names the states of a state machine.
///
/// A guard matches a state whatever its data with a braced pattern (`Authenticated { .. }`
/// matches a unit, tuple or struct variant alike), and `initial = Idle { tries: 0 }` builds one
/// with a struct expression. rustc resolves a braced path as a type, and through the projection
/// `Self::State` it reports a state the type does not have as an "ambiguous associated type";
/// through a plain alias of the state type it reports "no variant named `Bussy` found for enum
/// `Phase`", with the similar names. So a function that names states declares
/// `type __RaktState = <states>;` (the user's path with its spans, so a state type that does
/// not exist is reported where it is written, once, like `type State`), unless the path names
/// the impl's generics or `Self`, which an item inside a function cannot see; the states are
/// then named through `Self::State`.
struct StateNames<'a> {
    /// The state type as the user wrote it, if an alias of it can be declared.
    aliased: Option<&'a syn::Path>,
}

impl<'a> StateNames<'a> {
    fn new(model: &ActorModel, behaviour: &'a BehaviourModel) -> Self {
        let mut mentioned = BTreeSet::new();
        collect_idents(behaviour.states.to_token_stream(), &mut mentioned);
        let generic = model.generics.params.iter().any(|param| {
            let ident = match param {
                GenericParam::Type(t) => &t.ident,
                GenericParam::Const(c) => &c.ident,
                GenericParam::Lifetime(_) => return false,
            };
            mentioned.contains(&ident.to_string())
        });
        StateNames {
            aliased: (!generic && !mentioned.contains("Self")).then_some(&behaviour.states),
        }
    }

    fn alias() -> Ident {
        Ident::new("__RaktState", Span::mixed_site())
    }

    /// The alias item, for a function that names states with [`pattern`](Self::pattern) or
    /// [`value`](Self::value).
    fn alias_item(&self) -> Option<TokenStream> {
        let states = self.aliased?;
        let alias = Self::alias();
        Some(quote!(type #alias = #states;))
    }

    /// `__RaktState::Authenticated` for a braced path, else (or without an alias)
    /// `Self::State::Authenticated`, whose errors as a value path are as good and name the
    /// user's type; located at the user's state name, so a state the type does not have is
    /// reported there alone.
    fn path(&self, state: &Ident, braced: bool) -> TokenStream {
        let qualifier = match self.aliased {
            Some(_) if braced => Self::alias().to_token_stream(),
            _ => quote!(Self::State),
        };
        relocate(quote!(#qualifier::#state), state.span())
    }

    /// The pattern of a state in a guard: `__RaktState::Authenticated { .. }`.
    fn pattern(&self, state: &Ident) -> TokenStream {
        let path = self.path(state, true);
        let rest = relocate(quote!({ .. }), state.span());
        quote!(#path #rest)
    }

    /// A state by name, with its data as the user wrote it (`Self::State::Locked(3)`,
    /// `__RaktState::Idle { tries: 0 }`), and the alias item it needs, if any.
    fn value(&self, state: &Ident, data: &TokenStream) -> TokenStream {
        let braced = matches!(
            data.clone().into_iter().next(),
            Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Brace
        );
        let alias = self.alias_item().filter(|_| braced);
        let path = self.path(state, braced);
        quote!(#alias #path #data)
    }
}

/// The dispatch arms for one handler's message: the handler's, then one per alternative. In a
/// state machine, an arm whose method lists states is guarded by them; the guard borrows the
/// context only while it is checked, and a message whose guard fails stays whole for the next
/// arm (and at last for the `Unhandled` policy).
fn dispatch_arms(
    h: &Handler,
    msg: &Ident,
    states: Option<&StateNames>,
    rt: &TokenStream,
) -> TokenStream {
    let variant = &h.variant;
    let reply_field = format_ident!("{}", naming::REPLY_FIELD);
    let reply_local = Locals::new().reply;
    let bind_reply = h
        .reply
        .answer()
        .is_ask()
        .then(|| quote!(#reply_field: #reply_local,));
    let guard = |listed: Option<&Vec<Ident>>| {
        let names = states?;
        let patterns = listed?.iter().map(|state| names.pattern(state));
        let ctx_local = Locals::new().ctx;
        Some(quote!(if ::core::matches!(#rt::Ctx::state(#ctx_local), #(#patterns)|*)))
    };

    let cfg = &h.cfg_attrs;
    let fields = h.args.iter().map(|a| &a.name);
    let guard_own = guard(h.states.as_ref());
    let body = call(&Callee::handler(h), None, rt);
    let mut arms = quote! {
        #(#cfg)*
        #msg::#variant { #(#fields,)* #bind_reply } #guard_own => #body,
    };
    for alt in &h.alternatives {
        let alt_cfg = &alt.cfg_attrs;
        // The alternative's own argument names (the same as the handler's), so a type
        // mismatch is reported at its parameters.
        let fields = &alt.args;
        let guard_alt = guard(Some(&alt.states));
        let body = call(&Callee::alternative(alt), Some(&h.reply), rt);
        arms.extend(quote! {
            #(#cfg)* #(#alt_cfg)*
            #msg::#variant { #(#fields,)* #bind_reply } #guard_alt => #body,
        });
    }
    arms
}

/// A method the dispatch calls for a message: the handler itself or an alternative.
struct Callee<'a> {
    method: &'a Ident,
    is_async: bool,
    ctx_position: Option<usize>,
    args: Vec<&'a Ident>,
    reply: &'a ReplyKind,
}

impl<'a> Callee<'a> {
    fn handler(h: &'a Handler) -> Self {
        Callee {
            method: &h.rust_name,
            is_async: h.is_async,
            ctx_position: h.ctx_position,
            args: h.args.iter().map(|a| &a.name).collect(),
            reply: &h.reply,
        }
    }

    fn alternative(alt: &'a AlternativeModel) -> Self {
        Callee {
            method: &alt.rust_name,
            is_async: alt.is_async,
            ctx_position: alt.ctx_position,
            args: alt.args.iter().collect(),
            reply: &alt.reply,
        }
    }
}

/// Calls `callee`, catches a panic and settles the reply. `expected` is the reply of the
/// handler whose message an alternative handles: the alternative's value is checked against
/// its type, so that a mismatch is reported at the alternative's name, with the handler's type
/// as the expectation.
fn call(callee: &Callee, expected: Option<&ReplyKind>, rt: &TokenStream) -> TokenStream {
    let Locals {
        ctx: ctx_local,
        reply: reply_local,
        ..
    } = Locals::new();
    let method = callee.method;
    // The method's parameters in declaration order: the message arguments with the context
    // and the reply slot put back where it takes them (positions that exist and differ: a
    // rule of the model).
    let mut inserts = Vec::new();
    if let Some(position) = callee.ctx_position {
        inserts.push((position, ctx_local.to_token_stream()));
    }
    if let Some((slot, position)) = callee.reply.slot() {
        // Reported at the slot parameter if its type is not the handler's.
        let slot_arg = match expected {
            Some(_) => relocate(reply_local.to_token_stream(), slot.span()),
            None => reply_local.to_token_stream(),
        };
        inserts.push((position, slot_arg));
    }
    inserts.sort_by_key(|(position, _)| *position);
    let mut params: Vec<TokenStream> = callee.args.iter().map(|a| a.to_token_stream()).collect();
    for (position, param) in inserts {
        params.insert(position, param);
    }

    let call = quote!(Self::#method(self, #(#params),*));
    let expected_ty = match expected {
        Some(ReplyKind::Ask { ok }) => Some(ok.to_token_stream()),
        Some(ReplyKind::AskResult { ok, err }) => Some(quote!(::core::result::Result<#ok, #err>)),
        _ => None,
    };
    let caught = match (expected_ty, reply_span(callee.reply)) {
        // An alternative's value goes through a local of the handler's reply type: a mismatch
        // is reported at the alternative's return type (where the hygienic local is located),
        // with the handler's type as the expectation.
        (Some(ty), Some(at)) => {
            let value = Ident::new("__rakt_value", Span::mixed_site().located_at(at));
            let out = Ident::new("__rakt_out", Span::mixed_site());
            if callee.is_async {
                quote! {
                    #rt::catch_async(async {
                        let #value = #call.await;
                        let #out: #ty = #value;
                        #out
                    })
                    .await
                }
            } else {
                quote! {
                    #rt::catch_sync(|| {
                        let #value = #call;
                        let #out: #ty = #value;
                        #out
                    })
                }
            }
        }
        _ if callee.is_async => quote!(#rt::catch_async(#call).await),
        _ => quote!(#rt::catch_sync(|| #call)),
    };
    match callee.reply {
        ReplyKind::Tell | ReplyKind::Deferred { .. } => caught,
        ReplyKind::Ask { .. } => quote!(#rt::settle(#reply_local, #caught)),
        ReplyKind::AskResult { .. } => {
            quote!(#rt::settle_result(#reply_local, #caught))
        }
        // The guard watches the stream while the handler owns the slot: a panic ends the
        // stream with `AskError::Failed` rather than a clean end.
        ReplyKind::Stream { .. } => {
            let guard = Ident::new("__rakt_guard", Span::mixed_site());
            quote! {{
                let #guard = #rt::stream_guard(&#reply_local);
                #rt::settle_stream(#guard, #caught)
            }}
        }
    }
}

/// Where a method's reply type is written, for an ask.
fn reply_span(reply: &ReplyKind) -> Option<Span> {
    match reply {
        ReplyKind::Ask { ok } | ReplyKind::AskResult { ok, .. } => Some(ok.span()),
        ReplyKind::Tell | ReplyKind::Deferred { .. } | ReplyKind::Stream { .. } => None,
    }
}

/// One hook method of the `Actor` impl.
fn hook_fn(method: &str, hook: &HookModel, rt: &TokenStream) -> TokenStream {
    let method = format_ident!("{method}");
    let user = &hook.rust_name;
    let ctx_local = Locals::new().ctx;
    let ctx = hook.takes_ctx.then(|| ctx_local.clone());
    let call = quote!(Self::#user(self, #ctx));
    let caught = if hook.is_async {
        quote!(#rt::catch_async(#call).await)
    } else {
        quote!(#rt::catch_sync(|| #call))
    };
    let body = if hook.returns_result {
        quote!(#rt::hook_outcome(#caught))
    } else {
        caught
    };
    quote! {
        async fn #method(
            &mut self,
            #ctx_local: &mut #rt::Ctx<Self>,
        ) -> ::core::result::Result<(), #rt::Failure> {
            #body
        }
    }
}
