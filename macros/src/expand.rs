//! The expansion: parse, check, lower into the codegen model, generate, and emit the tokens.
//!
//! Whatever happens, the user's item is emitted again (the markers `#[pre_start]`,
//! `#[post_start]`, `#[post_stop]`, `#[state]`, `#[handles]` and `#[route]` stripped), followed
//! by what could be generated and by all errors, so one mistake does not bury the crate under
//! follow-on errors (thiserror's `fallback.rs`, tokio-macros' `entry.rs`):
//!
//! - the handle is always generated; lifetime parameters (an error) are replaced by `'static`
//!   on both sides, so the struct's handle and the impl block's dispatch still meet;
//! - a handler with an error (in its syntax, or against a rule of the model) is left out of
//!   the enum and the dispatch but keeps a stand-in handle method (its signature, a body that
//!   never runs), so its callers compile (see `repair.rs`);
//! - only an impl block that cannot be an actor's (a trait impl, a type that is not a named
//!   path) generates nothing: a stand-in `Actor` impl there could clash with the real one.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote};
use rakt_codegen::{HandleModel, generate_handle, naming};
use syn::{ImplItem, Item, ItemImpl, Path};

use crate::ast::{Decl, FIELD_MARKER, Impl, is_marker};
use crate::ctxt::Ctxt;
use crate::lower::{EraseLifetimes, lower_impl};
use crate::{attr, repair, valid};

/// `#[actor]`: dispatches on the kind of item.
pub fn expand(attr: TokenStream, input: TokenStream) -> TokenStream {
    let item = match syn::parse2::<Item>(input.clone()) {
        Ok(item) => item,
        Err(err) => {
            let err = err.to_compile_error();
            return quote!(#input #err);
        }
    };
    match item {
        Item::Impl(item) => expand_impl(attr, item),
        item => match Decl::from_item(&item) {
            Some(decl) => expand_decl(attr, &item, &decl),
            None => {
                let err = unsupported(&item).to_compile_error();
                quote!(#item #err)
            }
        },
    }
}

/// `#[actor]` on a struct or enum: the handle and `ActorDecl`.
fn expand_decl(attr: TokenStream, item: &Item, decl: &Decl) -> TokenStream {
    let cx = Ctxt::new();
    let options = attr::decl_options(attr, &cx);
    valid::check_decl(decl, &cx);
    // A lifetime parameter is an error (reported); the handle is generated without it, for
    // the type with `'static` in its place, as the impl block's expansion expects.
    let mut generics = decl.generics.clone();
    EraseLifetimes::of(&generics).generics(&mut generics);
    let where_clause = generics.where_clause.take();
    let generated = generate_handle(&HandleModel {
        rust_name: decl.ident.clone(),
        actor_ty: naming::actor_type(decl.ident, decl.generics),
        vis: decl.vis.clone(),
        generics,
        where_clause,
        mailbox: options.mailbox,
        krate: options.krate.unwrap_or_else(default_krate),
    });
    let errors = cx.check().err().map(|err| err.to_compile_error());
    quote!(#item #generated #errors)
}

/// `#[actor]` on an impl block: the message enum, the dispatch and the handle methods.
fn expand_impl(attr: TokenStream, item: ItemImpl) -> TokenStream {
    let cx = Ctxt::new();
    let options = attr::impl_options(attr, &cx);
    let input = Impl::from_syn(&item);
    let verdict = valid::check_impl(&input, &options, &cx);
    let generated = if verdict.fatal {
        None
    } else {
        lower_impl(&input, &verdict, options)
            .and_then(|lowered| repair::generate(&input, lowered, &cx))
    };
    let errors = cx.check().err().map(|err| err.to_compile_error());
    let item = strip_markers(item.clone());
    quote!(#item #generated #errors)
}

/// `::rakt`
pub fn default_krate() -> Path {
    let mut path = Path::from(syn::Ident::new("rakt", Span::call_site()));
    path.leading_colon = Some(Default::default());
    path
}

/// The impl block without the markers (`#[pre_start]`, `#[state]`, ..., and `#[field]` on
/// parameters), which are not real attributes.
fn strip_markers(mut item: ItemImpl) -> ItemImpl {
    for impl_item in &mut item.items {
        if let ImplItem::Fn(f) = impl_item {
            for input in &mut f.sig.inputs {
                if let syn::FnArg::Typed(arg) = input {
                    arg.attrs.retain(|attr| !attr.path().is_ident(FIELD_MARKER));
                }
            }
        }
        let attrs = match impl_item {
            ImplItem::Fn(f) => &mut f.attrs,
            ImplItem::Const(c) => &mut c.attrs,
            ImplItem::Type(t) => &mut t.attrs,
            ImplItem::Macro(m) => &mut m.attrs,
            _ => continue,
        };
        attrs.retain(|attr| !is_marker(attr));
    }
    item
}

fn pair(a: &impl ToTokens, b: &impl ToTokens) -> TokenStream {
    let mut tokens = a.to_token_stream();
    b.to_tokens(&mut tokens);
    tokens
}

/// The error for `#[actor]` on an item it does not apply to, spanned on the item's keyword and
/// name.
fn unsupported(item: &Item) -> syn::Error {
    let (what, span): (&str, TokenStream) = match item {
        Item::Fn(f) => ("a function", pair(&f.sig.fn_token, &f.sig.ident)),
        Item::Trait(t) => ("a trait", pair(&t.trait_token, &t.ident)),
        Item::TraitAlias(t) => ("a trait alias", pair(&t.trait_token, &t.ident)),
        Item::Union(u) => ("a union", pair(&u.union_token, &u.ident)),
        Item::Mod(m) => ("a module", pair(&m.mod_token, &m.ident)),
        Item::Type(t) => ("a type alias", pair(&t.type_token, &t.ident)),
        Item::Const(c) => ("a constant", pair(&c.const_token, &c.ident)),
        Item::Static(s) => ("a static", pair(&s.static_token, &s.ident)),
        Item::Use(u) => ("a `use` declaration", u.use_token.to_token_stream()),
        Item::ExternCrate(e) => ("an `extern crate`", pair(&e.extern_token, &e.crate_token)),
        Item::ForeignMod(f) => ("an `extern` block", f.abi.to_token_stream()),
        Item::Macro(m) => ("a macro", m.mac.path.to_token_stream()),
        other => ("this item", other.to_token_stream()),
    };
    syn::Error::new_spanned(
        span,
        format!(
            "`#[actor]` cannot be used on {what}; it goes on a struct or enum (the actor's state) \
             and on that type's inherent impl block (the handlers)"
        ),
    )
}
