//! Token helpers shared by the generator's parts: hygienic locals, doc attributes and
//! paragraphs, and span surgery.

use std::collections::BTreeSet;

use proc_macro2::{Group, Ident, Span, TokenStream, TokenTree};
use quote::quote;
use syn::ext::IdentExt;

use crate::model::{BehaviourModel, HandlerModel, RouteModel, UnhandledModel};

/// The locals of the generated code. They are spanned `mixed_site`, so they never resolve to,
/// or shadow, a user's identifier of the same name (a handler argument `__rakt_reply`).
pub(super) struct Locals {
    pub msg: Ident,
    pub ctx: Ident,
    pub reply: Ident,
    pub why: Ident,
    pub never: Ident,
}

impl Locals {
    pub fn new() -> Self {
        let local = |name: &str| Ident::new(name, Span::mixed_site());
        Locals {
            msg: local("__rakt_msg"),
            ctx: local("__rakt_ctx"),
            reply: local("__rakt_reply"),
            why: local("__rakt_why"),
            never: local("__rakt_never"),
        }
    }
}

/// `#[doc = ".."]` for each line.
pub(super) fn docs(lines: &[String]) -> TokenStream {
    quote!(#(#[doc = #lines])*)
}

/// The doc paragraph of a state machine's handler that says where its message is handled and
/// what becomes of it elsewhere; nothing for an actor without a behaviour.
pub(super) fn states_doc(h: &HandlerModel, behaviour: Option<&BehaviourModel>) -> TokenStream {
    let Some(behaviour) = behaviour else {
        return TokenStream::new();
    };
    let line = match &h.states {
        None => " Handled in every state.".to_owned(),
        Some(states) => {
            let states: Vec<String> = states
                .iter()
                .chain(h.alternatives.iter().flat_map(|alt| &alt.states))
                .map(|state| format!("`{}`", state.unraw()))
                .collect();
            let plural = if states.len() == 1 { "" } else { "s" };
            let elsewhere = match (behaviour.unhandled, h.reply.answer().is_ask()) {
                (Some(UnhandledModel::Stash), _) => "stashed",
                (Some(UnhandledModel::Reply), true) => "answered `AskError::Unhandled`",
                (Some(UnhandledModel::DeadLetter) | None, true) => {
                    "dead-lettered, and the ask fails with `AskError::Unhandled`"
                }
                (_, false) => "dead-lettered",
            };
            format!(
                " Handled in state{plural} {}; in other states: {elsewhere}.",
                states.join(", ")
            )
        }
    };
    quote!(#[doc = ""] #[doc = #line])
}

/// The doc paragraph of a handler marked `#[route(..)]`: how a pool routes its message.
pub(super) fn route_doc(h: &HandlerModel) -> Option<TokenStream> {
    let line = match h.route.as_ref()? {
        RouteModel::Broadcast => " In a router pool: every routee gets this message.".to_owned(),
        RouteModel::Key(key) => {
            format!(" In a consistent-hash pool: routed by `{}`.", key.text())
        }
    };
    Some(quote!(#[doc = ""] #[doc = #line]))
}

/// Every identifier in `tokens` that is not preceded by `::` (a path's later segment).
pub(super) fn collect_idents(tokens: TokenStream, into: &mut BTreeSet<String>) {
    let mut after_colons = 0;
    for tree in tokens {
        match tree {
            TokenTree::Ident(ident) => {
                if after_colons < 2 {
                    into.insert(ident.to_string());
                }
                after_colons = 0;
            }
            TokenTree::Punct(p) if p.as_char() == ':' => after_colons += 1,
            TokenTree::Group(g) => {
                collect_idents(g.stream(), into);
                after_colons = 0;
            }
            _ => after_colons = 0,
        }
    }
}

/// `tokens` reported at `span`: every span keeps its name resolution (a `mixed_site` local stays
/// hygienic) and takes the location of `span`.
pub(super) fn relocate(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut tree| {
            if let TokenTree::Group(g) = &tree {
                let mut group = Group::new(g.delimiter(), relocate(g.stream(), span));
                group.set_span(g.span().located_at(span));
                tree = TokenTree::Group(group);
            } else {
                tree.set_span(tree.span().located_at(span));
            }
            tree
        })
        .collect()
}

/// `tokens` with every span set to `span`.
pub(super) fn respan(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut tree| {
            if let TokenTree::Group(g) = &tree {
                let mut group = Group::new(g.delimiter(), respan(g.stream(), span));
                group.set_span(span);
                tree = TokenTree::Group(group);
            } else {
                tree.set_span(span);
            }
            tree
        })
        .collect()
}
