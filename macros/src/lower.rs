//! Lowers a checked impl block into the codegen model, and keeps where each item of the model
//! comes from, so that the model's errors can be placed at the user's tokens (`repair.rs`).
//!
//! A lifetime parameter is an error (reported); the lowering goes on with `'static` in its
//! place (`impl Actor for Borrower<'static>`), so the crate sees the handle's methods.

use proc_macro2::{Ident, Span, TokenStream, TokenTree};
use quote::{ToTokens, quote};
use rakt_codegen::{
    ActorModel, AlternativeModel, ArgModel, BehaviourModel, GrpcShape, HandlerModel, HookModel,
    Hooks, InitialModel, ReplyKind, StandInModel, naming,
};
use syn::ext::IdentExt;
use syn::visit_mut::{self, VisitMut};
use syn::{
    Attribute, Expr, ExprLit, GenericParam, Generics, Lifetime, Lit, Meta, Path, Type, TypePath,
    parse_quote,
};

use crate::ast::{HookKind, Impl, Method, Output, ParamKind, SlotKind};
use crate::attr::ImplOptions;
use crate::valid::{Verdict, given_field};

/// A checked impl block as a model, with the method each of its items comes from (indices
/// into [`Impl::methods`]).
pub struct Lowered {
    /// The model: every method the checks let through, as the block writes it. The model's
    /// own rules have not been checked.
    pub model: ActorModel,
    /// Per handler of the model: its method.
    pub handlers: Vec<usize>,
    /// Per handler, per alternative: its method.
    pub alternatives: Vec<Vec<usize>>,
    /// Per stand-in: its method.
    pub stand_ins: Vec<usize>,
    /// Per handler: the tokens that give its route, if it has one.
    pub routes: Vec<Option<TokenStream>>,
    /// Where the package is written (`remote = "billing.v1"`), for a remote actor.
    pub package_at: Option<TokenStream>,
    /// `Self` and the lifetimes as the model spells them, for stand-ins made later.
    replace_self: ReplaceSelf,
}

impl Lowered {
    /// A stand-in for handler method `index`, put in source order among the others; nothing
    /// when its reply cannot be named (see [`lower_stand_in`]).
    pub fn add_stand_in(&mut self, input: &Impl, index: usize) {
        let Some(stand_in) = lower_stand_in(&input.methods[index], &mut self.replace_self) else {
            return;
        };
        let at = self.stand_ins.partition_point(|&i| i < index);
        self.stand_ins.insert(at, index);
        self.model.stand_ins.insert(at, stand_in);
    }
}

/// The model of a checked impl block: every method that passed the checks, with its states,
/// alternatives and route; a stand-in for each handler that did not. `None` when the block is
/// not for a named type (reported already).
pub fn lower_impl(input: &Impl, verdict: &Verdict, options: ImplOptions) -> Option<Lowered> {
    let item = input.item;
    let mut erase = EraseLifetimes::of(&item.generics);
    let mut self_ty = (*item.self_ty).clone();
    erase.self_type(&mut self_ty);
    let handle_ty = naming::handle_type(&self_ty)?;
    let Type::Path(TypePath { path, .. }) = &self_ty else {
        return None;
    };
    let rust_name = path.segments.last()?.ident.clone();
    let mut replace_self = ReplaceSelf {
        self_ty: self_ty.clone(),
        erase,
    };
    let mut generics = item.generics.clone();
    replace_self.visit_generics_mut(&mut generics);
    EraseLifetimes::drop_params(&mut generics);
    let where_clause = generics.where_clause.take();

    // A state machine when the state type is known. A missing (or invalid) `initial` is
    // reported already: a stand-in that never returns keeps `State` right for the rest of the
    // crate.
    let behaviour = options
        .states
        .and_then(|states| states.value)
        .map(|states| BehaviourModel {
            states,
            initial: options
                .initial
                .and_then(|initial| initial.value)
                .unwrap_or_else(|| InitialModel::Value(parse_quote!(::core::unreachable!()))),
            unhandled: options.unhandled.and_then(|unhandled| unhandled.value),
        });
    let remote = options.remote.and_then(|remote| remote.value);
    let ok = &verdict.ok;
    let valid = || (0..input.methods.len()).filter(|&i| ok[i]);
    let mut lowered = Lowered {
        model: ActorModel {
            package: remote
                .as_ref()
                .map(|remote| remote.package.clone())
                .unwrap_or_default(),
            remote: remote.is_some(),
            proto_name: rust_name.unraw().to_string(),
            rust_name,
            self_ty,
            handle_ty,
            generics,
            where_clause,
            docs: doc_lines(&item.attrs),
            handlers: Vec::new(),
            stand_ins: Vec::new(),
            hooks: Hooks::default(),
            behaviour,
            stash_capacity: options.stash_capacity,
            krate: options.krate.unwrap_or_else(crate::expand::default_krate),
            grpc_shape: GrpcShape::Messages,
            schema: None,
        },
        handlers: Vec::new(),
        alternatives: Vec::new(),
        stand_ins: Vec::new(),
        routes: Vec::new(),
        package_at: remote.as_ref().map(|remote| remote.at.clone()),
        replace_self,
    };
    for index in (0..input.methods.len()).filter(|&i| input.methods[i].is_handler()) {
        let handler = ok[index]
            .then(|| lower_handler(&input.methods[index], &mut lowered.replace_self))
            .flatten();
        let Some(mut handler) = handler else {
            // Rejected: a handle method stands in for it, so that its callers see no
            // follow-on error.
            lowered.add_stand_in(input, index);
            continue;
        };
        let route = verdict.routes[index].clone();
        let mut alternatives = Vec::new();
        if lowered.model.behaviour.is_some() {
            handler.states = verdict.states[index].clone();
            // A handler whose `#[state]` list was rejected handles its message in no known
            // states; its alternatives are left out rather than reported as overlapping it.
            if !verdict.states_rejected(input, index) {
                for alt in valid().filter(|&i| verdict.handles[i] == Some(index)) {
                    let method = &input.methods[alt];
                    if let Some(model) =
                        lower_alternative(method, &verdict.states[alt], &mut lowered.replace_self)
                    {
                        handler.alternatives.push(model);
                        alternatives.push(alt);
                    }
                }
            }
        }
        handler.route = route.as_ref().map(|(route, _)| route.clone());
        lowered.model.handlers.push(handler);
        lowered.handlers.push(index);
        lowered.alternatives.push(alternatives);
        lowered.routes.push(route.map(|(_, at)| at));
    }
    let hooks = &mut lowered.model.hooks;
    for method in valid().map(|i| &input.methods[i]).filter(|m| m.is_hook()) {
        for (kind, _) in &method.markers {
            let slot = match kind {
                HookKind::PreStart => &mut hooks.pre_start,
                HookKind::PostStart => &mut hooks.post_start,
                HookKind::PostStop => &mut hooks.post_stop,
            };
            if slot.is_none() {
                *slot = Some(lower_hook(method));
            }
        }
    }
    Some(lowered)
}

/// What a handler or an alternative takes and answers.
struct Signature {
    ctx_position: Option<usize>,
    args: Vec<ArgModel>,
    reply: ReplyKind,
}

/// The message arguments (field numbers as `#[field(N)]` gives them, else by position, from 1),
/// where the context and the slot go, and the reply.
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
            ParamKind::Slot { kind, ok, err } => {
                slot = Some((kind, ok, err, param.name?, position));
            }
            ParamKind::Plain => args.push(ArgModel {
                name: param.name?.clone(),
                ty: owned(&param.arg.ty),
                field: param
                    .fields
                    .first()
                    .and_then(|attr| given_field(attr).ok())
                    .unwrap_or_else(|| field_number(args.len())),
            }),
            ParamKind::CtxNotMutRef | ParamKind::SlotArity(_) => return None,
        }
    }
    let reply = match (slot, &method.output) {
        (Some((SlotKind::Reply, ok, err, slot, position)), _) => ReplyKind::Deferred {
            ok: owned(ok),
            err: err.map(&mut owned),
            slot: slot.clone(),
            position,
        },
        (Some((SlotKind::Stream, item, err, slot, position)), _) => ReplyKind::Stream {
            item: owned(item),
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

/// The field number of the message argument at `position`: its position, from 1.
fn field_number(position: usize) -> u32 {
    u32::try_from(position + 1).unwrap_or(u32::MAX)
}

/// A handler, for any state; the caller adds its states, alternatives and route. Its wire name
/// is its variant's name.
fn lower_handler(method: &Method, replace_self: &mut ReplaceSelf) -> Option<HandlerModel> {
    let func = method.func;
    let Signature {
        ctx_position,
        args,
        reply,
    } = signature(method, replace_self)?;
    Some(HandlerModel {
        rust_name: func.sig.ident.clone(),
        proto_name: naming::variant_name(&func.sig.ident.unraw().to_string()),
        vis: func.vis.clone(),
        docs: doc_lines(&func.attrs),
        cfg_attrs: cfg_attrs(method),
        handle_attrs: func.attrs.iter().filter_map(forwarded_to_handle).collect(),
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
                field: field_number(args.len()),
            }),
            ParamKind::Slot { kind, ok, err } if slot.is_none() => {
                slot = Some((kind, ok, err, param, position));
            }
            ParamKind::SlotArity(_) if slot.is_none() => return None,
            _ => {}
        }
    }
    let reply = match (slot, &method.output) {
        (Some((SlotKind::Stream, item, err, param, position)), _) => ReplyKind::Stream {
            item: owned(item),
            err: err.map(&mut owned),
            slot: param.name.cloned().unwrap_or_else(|| {
                Ident::new(&format!("__rakt_arg{position}"), Span::mixed_site())
            }),
            position,
        },
        (Some((SlotKind::Reply, ok, None, ..)), _) => ReplyKind::Ask { ok: owned(ok) },
        (Some((SlotKind::Reply, ok, Some(err), ..)), _) => ReplyKind::AskResult {
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
        ReplyKind::Stream { item, err, .. } => std::iter::once(item).chain(err).collect(),
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

fn lower_hook(method: &Method) -> HookModel {
    HookModel {
        rust_name: method.ident().clone(),
        is_async: method.func.sig.asyncness.is_some(),
        takes_ctx: method
            .params
            .iter()
            .any(|p| matches!(p.kind, ParamKind::Ctx)),
        returns_result: method.output.is_unit_result(),
    }
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

/// Replaces `Self` in types that move out of the impl block (in the message enum `Self` would
/// be the enum, in the handle's methods the handle), and the impl's lifetime parameters with
/// `'static`.
struct ReplaceSelf {
    /// The actor type, lifetimes erased.
    self_ty: Type,
    /// The impl's lifetime parameters.
    erase: EraseLifetimes,
}

impl VisitMut for ReplaceSelf {
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
            let actor = &self.self_ty;
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
            let actor = &self.self_ty;
            let rest = expr.path.segments.iter().skip(1);
            if let Ok(qualified) = syn::parse2::<syn::ExprPath>(quote!(<#actor>#(::#rest)*)) {
                *expr = qualified;
            }
        }
        visit_mut::visit_expr_path_mut(self, expr);
    }
}

/// Replaces the lifetime parameters of an item (an error, reported by `valid`) with
/// `'static`, so that the generated code compiles as if they were not there.
pub struct EraseLifetimes {
    /// The item's lifetime parameters.
    params: Vec<Ident>,
    /// Whether `'_` is erased too (in the impl's self type).
    anonymous: bool,
}

impl EraseLifetimes {
    pub fn of(generics: &Generics) -> Self {
        EraseLifetimes {
            params: generics
                .lifetimes()
                .map(|lt| lt.lifetime.ident.clone())
                .collect(),
            anonymous: false,
        }
    }

    /// `generics` without the lifetime parameters, and `'static` where the others named them.
    pub fn generics(&mut self, generics: &mut Generics) {
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
