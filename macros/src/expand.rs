//! Lowers the checked input into the codegen model and emits the tokens.
//!
//! Whatever happens, the user's item is emitted again (the markers `#[pre_start]`,
//! `#[post_start]`, `#[post_stop]`, `#[state]`, `#[handles]` and `#[route]` stripped), followed
//! by what could be generated and by all errors, so one mistake does not bury the crate under
//! follow-on errors (thiserror's `fallback.rs`, tokio-macros' `entry.rs`):
//!
//! - the handle is always generated; lifetime parameters (an error) are replaced by `'static`
//!   on both sides, so the struct's handle and the impl block's dispatch still meet;
//! - a handler with an error is left out of the enum and the dispatch but keeps a stand-in
//!   handle method (its signature, a body that never runs), so its callers compile;
//! - only an impl block that cannot be an actor's (a trait impl, a type that is not a named
//!   path) generates nothing: a stand-in `Actor` impl there could clash with the real one.

use proc_macro2::{Ident, Span, TokenStream, TokenTree};
use quote::{ToTokens, quote};
use rakt_codegen::{
    ActorModel, AlternativeModel, ArgModel, BehaviourModel, HandleModel, HandlerModel, HookModel,
    Hooks, ReceiverKind, ReplyKind, StandInModel, generate_actor, generate_handle, naming,
};
use syn::ext::IdentExt;
use syn::visit_mut::{self, VisitMut};
use syn::{
    Attribute, Expr, ExprLit, GenericParam, Generics, ImplItem, Item, ItemImpl, Lifetime, Lit,
    Meta, Path, Type, TypePath,
};

use crate::ast::{Decl, HookKind, Impl, Method, Output, ParamKind, Recv, is_marker};
use crate::attr::ImplOptions;
use crate::ctxt::Ctxt;
use crate::valid::Verdict;
use crate::{attr, valid};

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
        lower_impl(&input, &verdict, options).map(|model| generate_actor(&model))
    };
    let errors = cx.check().err().map(|err| err.to_compile_error());
    let item = strip_markers(item.clone());
    quote!(#item #generated #errors)
}

/// `::rakt`
fn default_krate() -> Path {
    let mut path = Path::from(syn::Ident::new("rakt", Span::call_site()));
    path.leading_colon = Some(Default::default());
    path
}

/// The model of a checked impl block; invalid methods are left out.
fn lower_impl(input: &Impl, verdict: &Verdict, options: ImplOptions) -> Option<ActorModel> {
    let item = input.item;
    // A lifetime parameter is an error (reported); the expansion goes on with `'static` in its
    // place (`impl Actor for Borrower<'static>`), so the crate sees the handle's methods.
    let mut erase = EraseLifetimes::of(&item.generics);
    let mut self_ty = (*item.self_ty).clone();
    erase.self_type(&mut self_ty);
    let handle_ty = naming::handle_type(&self_ty)?;
    let Type::Path(TypePath { path, .. }) = &self_ty else {
        return None;
    };
    let rust_name = path.segments.last()?.ident.clone();
    let mut replace_self = ReplaceSelf {
        self_ty: &self_ty,
        erase,
    };
    let mut generics = item.generics.clone();
    replace_self.visit_generics_mut(&mut generics);
    EraseLifetimes::drop_params(&mut generics);
    let where_clause = generics.where_clause.take();

    // A state machine when the state type is known; `initial` may be missing (reported), the
    // stand-in then keeps `State` right for the rest of the crate.
    let behaviour = options
        .states
        .and_then(|states| states.value)
        .map(|states| BehaviourModel {
            states,
            initial: options.initial.and_then(|initial| initial.value),
            unhandled: options.unhandled.and_then(|unhandled| unhandled.value),
        });
    let ok = &verdict.ok;
    let valid = || (0..input.methods.len()).filter(|&i| ok[i]);
    let mut handlers = Vec::new();
    for index in valid().filter(|&i| input.methods[i].is_handler()) {
        let Some(mut handler) = lower_handler(&input.methods[index], &mut replace_self) else {
            continue;
        };
        handler.route = verdict.routes[index].clone();
        if behaviour.is_some() {
            handler.states = verdict.states[index].clone();
            handler.alternatives = valid()
                .filter(|&i| verdict.handles[i] == Some(index))
                .filter_map(|i| {
                    lower_alternative(&input.methods[i], &verdict.states[i], &mut replace_self)
                })
                .collect();
        }
        handlers.push(handler);
    }
    // A handler left out of the model keeps a handle method, so that its callers see no
    // follow-on error; not one named like a method every handle has (it would shadow it).
    let stand_ins = (0..input.methods.len())
        .filter(|&i| input.methods[i].is_handler())
        .filter(|&i| {
            !handlers
                .iter()
                .any(|h| h.rust_name == *input.methods[i].ident())
        })
        .filter(|&i| {
            naming::reserved_handle_method(&input.methods[i].ident().unraw().to_string()).is_none()
        })
        .filter_map(|i| lower_stand_in(&input.methods[i], &mut replace_self))
        .collect();
    let mut hooks = Hooks::default();
    for method in valid().map(|i| &input.methods[i]).filter(|m| m.is_hook()) {
        for (kind, _) in &method.markers {
            let slot = match kind {
                HookKind::PreStart => &mut hooks.pre_start,
                HookKind::PostStart => &mut hooks.post_start,
                HookKind::PostStop => &mut hooks.post_stop,
            };
            if slot.is_none() {
                *slot = lower_hook(method);
            }
        }
    }
    Some(ActorModel {
        proto_name: rust_name.unraw().to_string(),
        rust_name,
        self_ty,
        handle_ty,
        generics,
        where_clause,
        docs: doc_lines(&item.attrs),
        handlers,
        stand_ins,
        hooks,
        behaviour,
        stash_capacity: options.stash_capacity,
        krate: options.krate.unwrap_or_else(default_krate),
    })
}

fn receiver(recv: &Recv) -> Option<ReceiverKind> {
    match recv {
        Recv::Ref => Some(ReceiverKind::Ref),
        Recv::RefMut => Some(ReceiverKind::RefMut),
        _ => None,
    }
}

/// What a handler or an alternative takes and answers.
struct Signature {
    ctx_position: Option<usize>,
    args: Vec<ArgModel>,
    reply: ReplyKind,
}

fn signature(method: &Method, replace_self: &mut ReplaceSelf) -> Option<Signature> {
    let mut owned = |ty: &Type| {
        let mut ty = ty.clone();
        replace_self.visit_type_mut(&mut ty);
        ty
    };
    let mut args = Vec::new();
    let mut ctx_position = None;
    let mut slot = None;
    for (position, param) in method.params.iter().enumerate() {
        match param.kind {
            ParamKind::Ctx => ctx_position = Some(position),
            ParamKind::Slot { ok, err } => slot = Some((ok, err, param.name?, position)),
            ParamKind::Plain => args.push(ArgModel {
                name: param.name?.clone(),
                ty: owned(&param.arg.ty),
            }),
            ParamKind::CtxNotMutRef | ParamKind::SlotArity => return None,
        }
    }
    let reply = match (slot, &method.output) {
        (Some((ok, err, slot, position)), _) => ReplyKind::Deferred {
            ok: owned(ok),
            err: err.map(&mut owned),
            slot: slot.clone(),
            position,
        },
        (None, Output::Unit) => ReplyKind::Tell,
        (None, Output::Result { ok, err }) => ReplyKind::AskResult {
            ok: owned(ok),
            err: owned(err),
        },
        (None, Output::Value(ty)) => ReplyKind::Ask { ok: owned(ty) },
    };
    Some(Signature {
        ctx_position,
        args,
        reply,
    })
}

fn cfg_attrs(method: &Method) -> Vec<Attribute> {
    method
        .func
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("cfg"))
        .cloned()
        .collect()
}

/// A handler, for any state; the caller adds its states and alternatives.
fn lower_handler(method: &Method, replace_self: &mut ReplaceSelf) -> Option<HandlerModel> {
    let func = method.func;
    let variant = naming::variant_ident(&func.sig.ident)?;
    let Signature {
        ctx_position,
        args,
        reply,
    } = signature(method, replace_self)?;
    Some(HandlerModel {
        rust_name: func.sig.ident.clone(),
        proto_name: variant.to_string(),
        variant,
        vis: func.vis.clone(),
        docs: doc_lines(&func.attrs),
        cfg_attrs: cfg_attrs(method),
        handle_attrs: func.attrs.iter().filter_map(forwarded_to_handle).collect(),
        receiver: receiver(&method.receiver)?,
        is_async: func.sig.asyncness.is_some(),
        ctx_position,
        args,
        reply,
        states: None,
        alternatives: Vec::new(),
        route: None,
    })
}

/// The stand-in of a handler left out of the model (see [`StandInModel`]); `None` when its
/// reply cannot be named: a `ReplySlot` without its types, or an `impl Trait` (whose hidden
/// type a body that never returns does not fix).
fn lower_stand_in(method: &Method, replace_self: &mut ReplaceSelf) -> Option<StandInModel> {
    let mut owned = |ty: &Type| {
        let mut ty = ty.clone();
        replace_self.visit_type_mut(&mut ty);
        ty
    };
    let mut args = Vec::new();
    let mut slot = None;
    for (position, param) in method.params.iter().enumerate() {
        match param.kind {
            ParamKind::Plain => args.push(ArgModel {
                name: param.name.cloned().unwrap_or_else(|| {
                    Ident::new(&format!("__rakt_arg{position}"), Span::mixed_site())
                }),
                ty: owned(&param.arg.ty),
            }),
            ParamKind::Slot { ok, err } if slot.is_none() => slot = Some((ok, err)),
            ParamKind::SlotArity if slot.is_none() => return None,
            _ => {}
        }
    }
    let reply = match (slot, &method.output) {
        (Some((ok, None)), _) => ReplyKind::Ask { ok: owned(ok) },
        (Some((ok, Some(err))), _) => ReplyKind::AskResult {
            ok: owned(ok),
            err: owned(err),
        },
        (None, Output::Unit) => ReplyKind::Tell,
        (None, Output::Value(ok)) => ReplyKind::Ask { ok: owned(ok) },
        (None, Output::Result { ok, err }) => ReplyKind::AskResult {
            ok: owned(ok),
            err: owned(err),
        },
    };
    let reply_types = match &reply {
        ReplyKind::Ask { ok } => vec![ok],
        ReplyKind::AskResult { ok, err } => vec![ok, err],
        _ => Vec::new(),
    };
    if reply_types
        .iter()
        .any(|ty| mentions_impl(ty.to_token_stream()))
    {
        return None;
    }
    let mut generics = method.func.sig.generics.clone();
    replace_self.visit_generics_mut(&mut generics);
    Some(StandInModel {
        rust_name: method.ident().clone(),
        vis: method.func.vis.clone(),
        cfg_attrs: cfg_attrs(method),
        generics,
        args,
        reply,
    })
}

/// Whether `tokens` contain the keyword `impl` (an `impl Trait` type, at any depth).
fn mentions_impl(tokens: TokenStream) -> bool {
    tokens.into_iter().any(|tree| match tree {
        TokenTree::Ident(ident) => ident == "impl",
        TokenTree::Group(group) => mentions_impl(group.stream()),
        _ => false,
    })
}

/// A checked `#[handles(..)]` method.
fn lower_alternative(
    method: &Method,
    states: &Option<Vec<Ident>>,
    replace_self: &mut ReplaceSelf,
) -> Option<AlternativeModel> {
    let Signature {
        ctx_position,
        args,
        reply,
    } = signature(method, replace_self)?;
    Some(AlternativeModel {
        rust_name: method.ident().clone(),
        states: states.clone()?,
        cfg_attrs: cfg_attrs(method),
        is_async: method.func.sig.asyncness.is_some(),
        ctx_position,
        args: args.into_iter().map(|arg| arg.name).collect(),
        reply,
    })
}

fn lower_hook(method: &Method) -> Option<HookModel> {
    Some(HookModel {
        rust_name: method.ident().clone(),
        receiver: receiver(&method.receiver)?,
        is_async: method.func.sig.asyncness.is_some(),
        takes_ctx: method
            .params
            .iter()
            .any(|p| matches!(p.kind, ParamKind::Ctx)),
        returns_result: method.output.is_unit_result(),
    })
}

/// The copy of a handler's attribute for its handle method, if it gets one: lint `allow`s
/// (the handle method has the handler's name and arguments, so `#[allow(non_snake_case)]` or
/// `#[allow(clippy::too_many_arguments)]` concern it too), `#[deprecated]` (callers use the
/// handle) and `doc` lists (`#[doc(hidden)]`, `#[doc(alias = "..")]`). An `#[expect(..)]` becomes
/// an `#[allow(..)]`: the lint may not fire on the handle method, and a copied expectation would
/// then fail.
fn forwarded_to_handle(attr: &Attribute) -> Option<Attribute> {
    let path = attr.path();
    if path.is_ident("expect")
        && let Meta::List(list) = &attr.meta
    {
        let mut attr = attr.clone();
        let mut list = list.clone();
        list.path = Path::from(syn::Ident::new("allow", list.path.segments[0].ident.span()));
        attr.meta = Meta::List(list);
        return Some(attr);
    }
    let forwarded = path.is_ident("allow")
        || path.is_ident("deprecated")
        || (path.is_ident("doc") && matches!(attr.meta, Meta::List(_)));
    forwarded.then(|| attr.clone())
}

/// The text of `#[doc = "..."]` attributes, one string per line.
fn doc_lines(attrs: &[Attribute]) -> Vec<String> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            Meta::NameValue(nv) => match &nv.value {
                Expr::Lit(ExprLit {
                    lit: Lit::Str(s), ..
                }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// The impl block without the markers (`#[pre_start]`, `#[state]`, ...), which are not real
/// attributes.
fn strip_markers(mut item: ItemImpl) -> ItemImpl {
    for impl_item in &mut item.items {
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

/// Replaces `Self` in types that move out of the impl block (in the message enum `Self` would
/// be the enum, in the handle's methods the handle), and the impl's lifetime parameters with
/// `'static`.
struct ReplaceSelf<'a> {
    /// The actor type, lifetimes erased.
    self_ty: &'a Type,
    /// The impl's lifetime parameters.
    erase: EraseLifetimes,
}

impl VisitMut for ReplaceSelf<'_> {
    fn visit_lifetime_mut(&mut self, lifetime: &mut Lifetime) {
        self.erase.visit_lifetime_mut(lifetime);
    }

    fn visit_type_mut(&mut self, ty: &mut Type) {
        if let Type::Path(TypePath { qself: None, path }) = ty
            && path.segments.first().is_some_and(|s| s.ident == "Self")
        {
            if path.segments.len() == 1 {
                *ty = self.self_ty.clone();
                return;
            }
            // `Self::Assoc` -> `<Counter>::Assoc`
            let actor = self.self_ty;
            let rest = path.segments.iter().skip(1);
            if let Ok(qualified) = syn::parse2::<Type>(quote!(<#actor>#(::#rest)*)) {
                *ty = qualified;
            }
        }
        visit_mut::visit_type_mut(self, ty);
    }

    fn visit_expr_path_mut(&mut self, expr: &mut syn::ExprPath) {
        if expr.qself.is_none()
            && expr.path.segments.len() > 1
            && expr.path.segments[0].ident == "Self"
        {
            let actor = self.self_ty;
            let rest = expr.path.segments.iter().skip(1);
            if let Ok(qualified) = syn::parse2::<syn::ExprPath>(quote!(<#actor>#(::#rest)*)) {
                *expr = qualified;
            }
        }
        visit_mut::visit_expr_path_mut(self, expr);
    }
}

/// Replaces the lifetime parameters of an item (an error, reported by `valid.rs`) with
/// `'static`, so that the generated code compiles as if they were not there.
struct EraseLifetimes {
    /// The item's lifetime parameters.
    params: Vec<Ident>,
    /// Whether `'_` is erased too (in the impl's self type).
    anonymous: bool,
}

impl EraseLifetimes {
    fn of(generics: &Generics) -> Self {
        EraseLifetimes {
            params: generics
                .lifetimes()
                .map(|lt| lt.lifetime.ident.clone())
                .collect(),
            anonymous: false,
        }
    }

    /// `generics` without the lifetime parameters, and `'static` where the others named them.
    fn generics(&mut self, generics: &mut Generics) {
        self.visit_generics_mut(generics);
        Self::drop_params(generics);
    }

    /// The impl's self type with `'static` for its lifetime parameters and for `'_`.
    fn self_type(&mut self, ty: &mut Type) {
        self.anonymous = true;
        self.visit_type_mut(ty);
        self.anonymous = false;
    }

    /// Removes the lifetime parameters of `generics` (erased where used already).
    fn drop_params(generics: &mut Generics) {
        generics.params = std::mem::take(&mut generics.params)
            .into_pairs()
            .filter(|pair| !matches!(pair.value(), GenericParam::Lifetime(_)))
            .collect();
    }
}

impl VisitMut for EraseLifetimes {
    fn visit_lifetime_mut(&mut self, lifetime: &mut Lifetime) {
        let ident = &lifetime.ident;
        if self.params.contains(ident) || (self.anonymous && ident == "_") {
            *lifetime = Lifetime::new("'static", lifetime.apostrophe.located_at(ident.span()));
        }
    }
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
