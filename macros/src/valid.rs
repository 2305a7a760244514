//! Every check of the input, reported to the [`Ctxt`] as spanned errors with a hint.
//!
//! The checks never stop at the first error. They return what may still be generated: an
//! invalid handler or hook is left out of the model (so the rest of the crate still sees the
//! enum, the dispatch and the valid handle methods), and only a block that cannot be modelled
//! at all (a trait impl, a lifetime parameter) suppresses generation.

use proc_macro2::Ident;
use quote::{ToTokens, quote};
use rakt_codegen::{KeyModel, RouteModel, naming};
use syn::ext::IdentExt;
use syn::{GenericArgument, GenericParam, Generics, ImplItemFn, Meta, PathArguments, Type};

use crate::ast::{
    Decl, HANDLES_MARKER, HookKind, Impl, Method, Output, ParamKind, ROUTE_MARKER, Recv,
    RouteOption, STATE_MARKER, peel,
};
use crate::attr::ImplOptions;
use crate::ctxt::Ctxt;

/// What may be generated for an impl block.
pub struct Verdict {
    /// Nothing may be generated: the block is not an inherent impl of a named type. (Lifetime
    /// parameters are reported but not fatal: the expansion goes on as if each were
    /// `'static`, so the rest of the crate sees the handle and its methods.)
    pub fatal: bool,
    /// Per method (same order as [`Impl::methods`]): whether it may go into the model.
    pub ok: Vec<bool>,
    /// Per method: the states it handles its message in, `None` for every state (and for
    /// every method of an actor without `states`). A list with errors is cleaned up (a
    /// repeated state dropped, `LoginState::A` read as `A`), so that the handler is still
    /// generated and its callers see no follow-on errors.
    pub states: Vec<Option<Vec<Ident>>>,
    /// Per method: for a valid alternative (`#[handles(..)]`), the index of the handler whose
    /// message it handles.
    pub handles: Vec<Option<usize>>,
    /// Per method: how a router pool routes a handler's message (`#[route(..)]`). A marker
    /// with errors routes nothing, and the handler is still generated: the route only changes
    /// what a pool does.
    pub routes: Vec<Option<RouteModel>>,
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
    let actor = actor_name(&item.self_ty);

    let machine = check_options(options, cx);

    let mut ok = Vec::with_capacity(input.methods.len());
    let mut first_hook: [Option<&Ident>; 3] = [None; 3];
    for method in &input.methods {
        ok.push(if method.is_hook() {
            check_hook(method, &mut first_hook, cx)
        } else if method.is_handler() {
            check_handler(method, &actor, false, cx)
        } else if method.is_alternative() {
            check_handler(method, &actor, true, cx)
        } else {
            true
        });
    }
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
    check_names(input, &actor, &mut ok, cx);
    let states = input
        .methods
        .iter()
        .map(|method| check_states(method, machine, cx))
        .collect();
    let routes = input
        .methods
        .iter()
        .map(|method| check_route(method, cx))
        .collect();
    let mut verdict = Verdict {
        fatal,
        ok,
        states,
        handles: vec![None; input.methods.len()],
        routes,
    };
    if machine == Machine::Yes {
        for (index, method) in input.methods.iter().enumerate() {
            if method.is_alternative() {
                check_alternative(input, index, &mut verdict, cx);
            } else if let (Some(handles), Some((kind, _))) =
                (method.handles.first(), method.markers.first())
            {
                cx.error_spanned_by(
                    handles.attr,
                    format!(
                        "`#[handles]` cannot go on the `#[{}]` hook `{}`: a lifecycle hook \
                         handles no message; make it a separate method",
                        kind.name(),
                        method.ident().unraw()
                    ),
                );
            }
        }
        check_overlaps(input, &mut verdict, cx);
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

/// The actor type's name, for messages.
fn actor_name(self_ty: &Type) -> String {
    match peel(self_ty) {
        Type::Path(p) => p
            .path
            .segments
            .last()
            .map(|s| s.ident.unraw().to_string())
            .unwrap_or_default(),
        _ => String::new(),
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

/// Checks the signature of one handler, or of an `alternative` (a method with `#[handles]`,
/// which has no message variant of its own); `false` if it must be left out of the model.
fn check_handler(method: &Method, actor: &str, alternative: bool, cx: &Ctxt) -> bool {
    let before = cx.len();
    let func = method.func;
    let name = method.ident().unraw();
    not_unsafe_or_generic(func, &format!("handler `{name}`"), cx);

    match method.receiver {
        Recv::Ref | Recv::RefMut => {}
        Recv::Missing => cx.error_spanned_by(
            &func.sig.ident,
            format!(
                "`{name}` has no receiver: handlers take `&self` or `&mut self`; move \
                 constructors to a separate impl block or make them private"
            ),
        ),
        Recv::ByValue(r) => cx.error_spanned_by(
            r,
            format!(
                "handler `{name}` takes `self` by value; handlers take `&self` or `&mut self`: \
                 the actor keeps its state from one message to the next"
            ),
        ),
        Recv::Other(r) => cx.error_spanned_by(
            r,
            format!(
                "handler `{name}` has a custom receiver type; handlers take `&self` or `&mut self`"
            ),
        ),
    }

    let variant = naming::variant_ident(&func.sig.ident)
        .map(|v| format!("`{actor}Msg::{v}`"))
        .unwrap_or_else(|| format!("the message of `{name}`"));
    let takes_slot = method
        .params
        .iter()
        .any(|p| matches!(p.kind, ParamKind::Slot { .. }));
    let is_ask = takes_slot || !matches!(method.output, Output::Unit);
    let mut ctx_seen = false;
    let mut slot_seen = false;
    for param in &method.params {
        let arg = &param.arg;
        match param.kind {
            ParamKind::Ctx if ctx_seen => cx.error_spanned_by(
                arg,
                format!("handler `{name}` takes the context twice; take `ctx: &mut Ctx<Self>` once"),
            ),
            ParamKind::Ctx => ctx_seen = true,
            ParamKind::CtxNotMutRef => bad_ctx(&arg.ty, cx),
            ParamKind::Slot { .. } if slot_seen => cx.error_spanned_by(
                arg,
                format!(
                    "handler `{name}` takes a second `ReplySlot`; a handler answers once: keep one slot"
                ),
            ),
            ParamKind::Slot { .. } => slot_seen = true,
            ParamKind::SlotArity => cx.error_spanned_by(
                &arg.ty,
                "`ReplySlot` takes one or two type arguments: `ReplySlot<T>` or `ReplySlot<T, E>`",
            ),
            ParamKind::Plain => {
                let arg_name = param
                    .name
                    .map(|n| n.unraw().to_string())
                    .unwrap_or_else(|| "_".to_owned());
                owned_argument(&arg.ty, &arg_name, cx);
                if is_ask
                    && !alternative
                    && param.name.is_some_and(|n| n == naming::REPLY_FIELD)
                {
                    cx.error_spanned_by(
                        &arg.pat,
                        format!(
                            "argument `reply` of `{name}` collides with the `reply` field that \
                             carries the answer in {variant}; rename the argument"
                        ),
                    );
                }
            }
        }
        let needs_name = matches!(param.kind, ParamKind::Plain | ParamKind::Slot { .. });
        if needs_name && param.name.is_none() {
            cx.error_spanned_by(
                &arg.pat,
                format!(
                    "handler `{name}` takes a pattern argument; handler arguments become message \
                     fields and need plain names: name the argument (`point: (i32, i32)`) and \
                     destructure it in the body"
                ),
            );
        }
    }

    match &method.output {
        Output::Unit => {}
        _ if takes_slot => cx.error_spanned_by(
            &func.sig.output,
            format!(
                "handler `{name}` takes a `ReplySlot`, so it answers through the slot and must \
                 return `()`"
            ),
        ),
        Output::Result { .. } | Output::Value(_) => {
            if let syn::ReturnType::Type(_, ty) = &func.sig.output {
                owned_reply(ty, &name, cx);
            }
        }
    }
    cx.len() == before
}

/// Checks one lifecycle hook; `false` if it must be left out of the model.
fn check_hook<'a>(method: &'a Method, first: &mut [Option<&'a Ident>; 3], cx: &Ctxt) -> bool {
    let before = cx.len();
    let func = method.func;
    let name = method.ident().unraw();
    let mut duplicates = 0;
    for (kind, attr) in &method.markers {
        let marker = kind.name();
        if !matches!(attr.meta, Meta::Path(_)) {
            cx.error_spanned_by(
                attr,
                format!("`#[{marker}]` takes no arguments; write `#[{marker}]`"),
            );
        }
        let slot = &mut first[*kind as usize];
        match slot {
            Some(prev) => {
                cx.error_spanned_by(
                    attr,
                    format!(
                        "`#[{marker}]` is given twice (first on `{}`); an actor has at most one \
                         `{marker}` hook: call one method from the other",
                        prev.unraw()
                    ),
                );
                duplicates += 1;
            }
            None => *slot = Some(method.ident()),
        }
    }
    let marker = method
        .markers
        .first()
        .map_or("hook", |(kind, _)| kind.name());
    let what = format!("`#[{marker}]` hook `{name}`");
    not_unsafe_or_generic(func, &what, cx);
    match method.receiver {
        Recv::Ref | Recv::RefMut => {}
        Recv::Missing => cx.error_spanned_by(
            &func.sig.ident,
            format!("{what} has no receiver; hooks take `&mut self` (or `&self`)"),
        ),
        Recv::ByValue(r) | Recv::Other(r) => cx.error_spanned_by(
            r,
            format!("{what} does not borrow `self`; hooks take `&mut self` (or `&self`)"),
        ),
    }
    let mut ctx_seen = false;
    for param in &method.params {
        match param.kind {
            ParamKind::Ctx if !ctx_seen => ctx_seen = true,
            ParamKind::CtxNotMutRef => bad_ctx(&param.arg.ty, cx),
            _ => cx.error_spanned_by(
                param.arg,
                format!(
                    "{what} takes an extra argument; hooks take only `&mut self` and, \
                     optionally, `ctx: &mut Ctx<Self>`"
                ),
            ),
        }
    }
    if !matches!(method.output, Output::Unit) && !method.output.is_unit_result() {
        cx.error_spanned_by(
            &func.sig.output,
            format!(
                "{what} must return `()` or `Result<(), E>` (with `E: Into<BoxError>`), or a \
                 `Result` alias such as `io::Result<()>`"
            ),
        );
    }
    cx.len() - duplicates == before
}

fn not_unsafe_or_generic(func: &ImplItemFn, what: &str, cx: &Ctxt) {
    let sig = &func.sig;
    if let Some(unsafety) = &sig.unsafety {
        cx.error_spanned_by(
            unsafety,
            format!(
                "{what} is `unsafe`; the generated code cannot uphold its contract: make it a safe \
                 fn that calls an `unsafe` helper"
            ),
        );
    }
    if !sig.generics.params.is_empty() {
        cx.error_spanned_by(
            &sig.generics,
            format!(
                "{what} is generic; one message enum serves every handler, so a handler cannot \
                 have type or lifetime parameters of its own: make the actor generic instead \
                 (`impl<T> Counter<T>`)"
            ),
        );
    } else if let Some(where_clause) = &sig.generics.where_clause {
        cx.error_spanned_by(
            where_clause,
            format!(
                "{what} has a where-clause; put the bounds on the impl block instead \
                 (`impl<T: Bound> Counter<T>`)"
            ),
        );
    }
}

fn bad_ctx(ty: &Type, cx: &Ctxt) {
    cx.error_spanned_by(
        ty,
        "the context must be taken as `ctx: &mut Ctx<Self>`: it cannot be shared (`&Ctx`) or \
         moved (`Ctx`)",
    );
}

/// A reference or `impl Trait` in a message field's type.
fn owned_argument(ty: &Type, arg: &str, cx: &Ctxt) {
    let Some((inner, unowned)) = unowned(ty) else {
        return;
    };
    let is = if std::ptr::eq(inner, peel(ty)) {
        "is"
    } else {
        "contains"
    };
    let msg = match unowned {
        Unowned::Reference => format!(
            "handler argument `{arg}` {is} a reference; arguments are moved into the actor's \
             mailbox and must own their data: take `String`, `Vec<T>` or `Arc<T>` instead"
        ),
        Unowned::ImplTrait => format!(
            "handler argument `{arg}` {is} `impl Trait`; a message field needs a concrete type: \
             name one (`Box<dyn Trait + Send>`), or make the actor generic \
             (`impl<T: Trait> Counter<T>`)"
        ),
    };
    cx.error_spanned_by(inner, msg);
}

/// A reference or `impl Trait` in a reply's type.
fn owned_reply(ty: &Type, handler: &Ident, cx: &Ctxt) {
    let Some((inner, unowned)) = unowned(ty) else {
        return;
    };
    let returns = if std::ptr::eq(inner, peel(ty)) {
        "returns"
    } else {
        "returns a type with"
    };
    let msg = match unowned {
        Unowned::Reference => format!(
            "handler `{handler}` {returns} a reference; the reply goes to another task and must \
             own its data: return `T`, `String` or `Arc<T>` instead"
        ),
        Unowned::ImplTrait => format!(
            "handler `{handler}` {returns} `impl Trait`; a reply needs a concrete type: return \
             one (`Box<dyn Trait + Send>`)"
        ),
    };
    cx.error_spanned_by(inner, msg);
}

enum Unowned {
    Reference,
    ImplTrait,
}

/// The first non-`'static` reference or `impl Trait` in `ty`, looking through tuples, arrays,
/// slices and type arguments (not into `fn` pointers or trait objects, whose borrows are fine).
/// A `&'static T` borrows nothing that could go away, so it may travel in a message.
fn unowned(ty: &Type) -> Option<(&Type, Unowned)> {
    match ty {
        Type::Reference(r) if r.lifetime.as_ref().is_some_and(|l| l.ident == "static") => {
            unowned(&r.elem)
        }
        Type::Reference(_) => Some((ty, Unowned::Reference)),
        Type::ImplTrait(_) => Some((ty, Unowned::ImplTrait)),
        Type::Group(g) => unowned(&g.elem),
        Type::Paren(p) => unowned(&p.elem),
        Type::Array(a) => unowned(&a.elem),
        Type::Slice(s) => unowned(&s.elem),
        Type::Tuple(t) => t.elems.iter().find_map(unowned),
        Type::Path(p) => p.qself.iter().find_map(|q| unowned(&q.ty)).or_else(|| {
            p.path.segments.iter().find_map(|s| match &s.arguments {
                PathArguments::AngleBracketed(args) => args.args.iter().find_map(|a| match a {
                    GenericArgument::Type(t) => unowned(t),
                    _ => None,
                }),
                _ => None,
            })
        }),
        _ => None,
    }
}

/// Handler names against the handle's own methods and against each other's variant names.
fn check_names(input: &Impl, actor: &str, ok: &mut [bool], cx: &Ctxt) {
    let handlers: Vec<usize> = (0..input.methods.len())
        .filter(|&i| input.methods[i].is_handler())
        .collect();
    for &i in &handlers {
        let ident = input.methods[i].ident();
        let name = ident.unraw().to_string();
        if let Some(owner) = naming::reserved_handle_method(&name) {
            cx.error_spanned_by(
                ident,
                format!(
                    "handler `{name}` collides with `{owner}` on the generated handle \
                     `{actor}Ref`; rename the handler"
                ),
            );
            ok[i] = false;
        }
        if naming::variant_ident(ident).is_none() {
            cx.error_spanned_by(
                ident,
                format!(
                    "cannot name a message variant after handler `{name}` (its PascalCase, `{}`, \
                     is not a usable identifier); rename the handler",
                    naming::variant_name(&name)
                ),
            );
            ok[i] = false;
        }
    }
    let names: Vec<String> = handlers
        .iter()
        .map(|&i| input.methods[i].ident().unraw().to_string())
        .collect();
    for (first, later) in naming::variant_collisions(&names) {
        let ident = input.methods[handlers[later]].ident();
        cx.error_spanned_by(
            ident,
            format!(
                "handlers `{}` and `{}` both map to the message variant `{actor}Msg::{}`; rename \
                 one of them",
                names[first],
                names[later],
                naming::variant_name(&names[later])
            ),
        );
        ok[handlers[later]] = false;
    }
}

/// The checked state list of one method (see [`Verdict::states`]).
fn check_states(method: &Method, machine: Machine, cx: &Ctxt) -> Option<Vec<Ident>> {
    let name = method.ident().unraw();
    let first_marker = method
        .func
        .attrs
        .iter()
        .find(|a| a.path().is_ident(STATE_MARKER) || a.path().is_ident(HANDLES_MARKER));
    match machine {
        Machine::Yes => {}
        Machine::Broken => return None,
        Machine::No => {
            // One error per method, on its first `#[state]` or `#[handles]`.
            if let Some(attr) = first_marker {
                let marker = attr.path().to_token_stream();
                cx.error_spanned_by(
                    attr,
                    format!(
                        "`#[{marker}]` needs a state machine, and this actor has no states: add \
                         `states = <state type>, initial = <variant>` to `#[actor(..)]` on the \
                         impl block"
                    ),
                );
            }
            return None;
        }
    }
    let (first, later) = method.states.split_first()?;
    for extra in later {
        cx.error_spanned_by(
            extra.attr,
            format!(
                "`#[state]` is given twice on `{name}`; list every state in one attribute: \
                 `#[state(A, B)]`"
            ),
        );
    }
    if method.is_hook() {
        let marker = method.markers[0].0.name();
        cx.error_spanned_by(
            first.attr,
            format!(
                "`#[state]` cannot go on the `#[{marker}]` hook `{name}`: lifecycle hooks run \
                 whatever the state; remove `#[state]`"
            ),
        );
        return None;
    }
    if !method.is_handler() && !method.is_alternative() {
        cx.error_spanned_by(
            first.attr,
            format!(
                "`#[state]` goes on handlers, and `{name}` is a private helper, not a handler: \
                 make it one (`pub fn {name}`), or add `#[handles(<handler>)]` to make it \
                 handle that handler's message in these states"
            ),
        );
        return None;
    }
    let paths = match &first.states {
        Ok(paths) => paths,
        Err(err) => {
            cx.syn_error(syn::Error::new(
                err.span(),
                "`#[state(..)]` lists states, variants of the state type by name, separated by \
                 commas: `#[state(Authenticated, Authorized)]`; a state with data is named \
                 without it (`#[state(Authenticated)]` matches `Authenticated { .. }`)",
            ));
            return None;
        }
    };
    if paths.is_empty() {
        cx.error_spanned_by(
            first.attr,
            format!(
                "`#[state]` lists no state; name the states in which `{name}` handles its \
                 message (`#[state(Authenticated)]`), or remove the attribute to handle it in \
                 every state"
            ),
        );
        return None;
    }
    let mut states: Vec<Ident> = Vec::with_capacity(paths.len());
    for path in paths {
        let Some(last) = path.segments.last() else {
            continue;
        };
        let state = &last.ident;
        if path.get_ident().is_none() {
            cx.error_spanned_by(
                path,
                format!(
                    "`#[state(..)]` names variants of the state type by themselves: write \
                     `{}`, not `{}`",
                    state.unraw(),
                    path.to_token_stream().to_string().replace(' ', "")
                ),
            );
        }
        if states.iter().any(|s| s.unraw() == state.unraw()) {
            cx.error_spanned_by(
                state,
                format!(
                    "state `{}` is listed twice in `#[state(..)]` on `{name}`; list it once",
                    state.unraw()
                ),
            );
            continue;
        }
        states.push(state.clone());
    }
    Some(states)
}

/// The checked `#[route(..)]` markers of one method (see [`Verdict::routes`]).
fn check_route(method: &Method, cx: &Ctxt) -> Option<RouteModel> {
    let first = method.routes.first()?;
    let before = cx.len();
    let name = method.ident().unraw();
    if let Some((kind, _)) = method.markers.first() {
        cx.error_spanned_by(
            first.attr,
            format!(
                "`#[route]` cannot go on the `#[{}]` hook `{name}`: a lifecycle hook handles no \
                 message, so a pool has nothing to route; remove `#[route]`",
                kind.name()
            ),
        );
        return None;
    }
    if method.is_alternative() {
        let owner = method
            .handles
            .first()
            .and_then(|h| h.target.as_ref())
            .map(|target| target.unraw().to_string());
        let (of, to) = match &owner {
            Some(owner) => (format!("of `{owner}`"), format!("`{owner}`")),
            None => (
                "of the handler it names".to_owned(),
                "that handler".to_owned(),
            ),
        };
        cx.error_spanned_by(
            first.attr,
            format!(
                "`#[route]` cannot go on `{name}`, which handles the message {of} \
                 (`#[handles]`): route markers belong on the handler that defines the message; \
                 move it to {to}"
            ),
        );
        return None;
    }
    if !method.is_handler() {
        cx.error_spanned_by(
            first.attr,
            format!(
                "`#[route]` goes on handlers, and `{name}` is a private helper, not a handler: \
                 it has no message to route; make it a handler (`pub fn {name}`), or remove \
                 `#[route]`"
            ),
        );
        return None;
    }

    // Every option of every `#[route]`, in order.
    let mut options = Vec::new();
    for route in &method.routes {
        match &route.options {
            Err(err) => cx.syn_error(syn::Error::new(
                err.span(),
                "`#[route(..)]` takes `key = <argument>` or `broadcast`: \
                 `#[route(key = user_id)]`, `#[route(broadcast)]`",
            )),
            Ok(list) if list.is_empty() => cx.error_spanned_by(
                route.attr,
                format!(
                    "`#[route]` needs an option: `#[route(key = <argument>)]` sends the message \
                     to the routee that owns that argument in a consistent-hash pool, \
                     `#[route(broadcast)]` sends it to every routee; without `#[route]`, the \
                     pool's strategy routes `{name}`"
                ),
            ),
            Ok(list) => options.extend(list),
        }
    }

    let is_ask = Answer::of(method) != Answer::Tell;
    let mut key: Option<(&RouteOption, Option<&KeyModel>)> = None;
    let mut broadcast: Option<&RouteOption> = None;
    for option in options {
        match option {
            RouteOption::Unknown(meta) => {
                let shown = meta.path().to_token_stream().to_string().replace(' ', "");
                cx.error_spanned_by(
                    meta.path(),
                    format!(
                        "unknown option `{shown}` in `#[route(..)]`; expected one of: `key`, \
                         `broadcast`"
                    ),
                );
                continue;
            }
            RouteOption::Key { meta, key: path } => {
                if path.is_none() {
                    cx.error_spanned_by(
                        meta,
                        "`key` names the message argument a consistent-hash pool routes on, or \
                         a field of one: `#[route(key = user_id)]`, \
                         `#[route(key = order.customer)]`",
                    );
                }
                if let Some((_, first)) = key {
                    let names = match (first, path) {
                        (Some(a), Some(b)) => format!(" (`{}` and `{}`)", a.text(), b.text()),
                        _ => String::new(),
                    };
                    cx.error_spanned_by(
                        meta,
                        format!(
                            "`{name}` is given two routing keys{names}; a message is routed on \
                             one key: keep one `key`"
                        ),
                    );
                    continue;
                }
                key = Some((option, path.as_ref()));
            }
            RouteOption::Broadcast(meta) => {
                if !matches!(meta, Meta::Path(_)) {
                    cx.error_spanned_by(meta, "`broadcast` takes no value: `#[route(broadcast)]`");
                }
                if broadcast.is_some() {
                    cx.error_spanned_by(
                        meta,
                        format!("`broadcast` is given twice on `{name}`; give it once"),
                    );
                    continue;
                }
                broadcast = Some(option);
                if is_ask {
                    cx.error_spanned_by(
                        meta,
                        format!(
                            "`#[route(broadcast)]` cannot go on `{name}`, an ask: every routee \
                             would answer, and the caller would get only the first answer; for \
                             an ask, give the pool `Routing::ScatterGather` (every routee is \
                             asked, the first answer wins), or make `{name}` a tell (return \
                             `()`, no `ReplySlot`)"
                        ),
                    );
                }
            }
        }
        if let (Some((key, _)), Some(broadcast)) = (key, broadcast) {
            // Reported once, at the later of the two.
            if std::ptr::eq(option, key) || std::ptr::eq(option, broadcast) {
                cx.error_spanned_by(
                    option.meta(),
                    format!(
                        "`{name}` is marked both `broadcast` and `key`: a broadcast goes to every \
                         routee, so it is not routed on a key; keep one of them"
                    ),
                );
            }
        }
    }

    // A key is checked even next to `broadcast`, so that every error shows at once.
    let key = key.map(|(_, path)| path.and_then(|path| check_key(method, path, cx)));
    if cx.len() != before {
        return None;
    }
    match (key, broadcast) {
        (Some(Some(key)), None) => Some(RouteModel::Key(key)),
        (None, Some(_)) => Some(RouteModel::Broadcast),
        _ => None,
    }
}

/// A `#[route(key = ..)]` starts at one of the handler's message arguments: `customer` names
/// an argument `customer`, or else `_customer` (the name rustc suggests for an argument that
/// only routes). Returns the key with the argument's own name, spanned where the key is
/// written.
fn check_key(method: &Method, key: &KeyModel, cx: &Ctxt) -> Option<KeyModel> {
    let name = method.ident().unraw();
    let root = key.arg.unraw();
    let shown = key.text();
    let arguments: Vec<String> = method
        .params
        .iter()
        .filter(|p| matches!(p.kind, ParamKind::Plain))
        .filter_map(|p| p.name.map(|n| format!("`{}`", n.unraw())))
        .collect();
    let hint = if arguments.is_empty() {
        format!(
            "`{name}` takes no message argument, so it has no key to route on: remove \
             `#[route(key = ..)]`"
        )
    } else {
        format!(
            "route on a message argument of `{name}` or a field of one: {}",
            arguments.join(", ")
        )
    };
    let named = |wanted: &str| {
        method
            .params
            .iter()
            .find(|p| p.name.is_some_and(|n| n.unraw() == wanted))
    };
    let param = named(&root.to_string()).or_else(|| named(&format!("_{root}")));
    let why = match param.map(|p| (p, &p.kind)) {
        Some((param, ParamKind::Plain)) => {
            let mut arg = param.name?.clone();
            arg.set_span(key.arg.span());
            return Some(KeyModel {
                arg,
                fields: key.fields.clone(),
            });
        }
        Some((_, ParamKind::Ctx | ParamKind::CtxNotMutRef)) => {
            format!("`{root}` is the actor context, not part of the message; ")
        }
        Some((_, ParamKind::Slot { .. } | ParamKind::SlotArity)) => {
            format!("`{root}` is the reply slot of `{name}`, not part of the message; ")
        }
        // The hint says it all.
        None if arguments.is_empty() => String::new(),
        None => format!("`{name}` has no argument `{root}`; "),
    };
    cx.error_spanned_by(&key.arg, format!("`#[route(key = {shown})]`: {why}{hint}"));
    None
}

/// Checks a method with `#[handles(..)]` against the handler it names; records the handler in
/// `verdict.handles` if all is well, else leaves the method out of the model.
fn check_alternative(input: &Impl, index: usize, verdict: &mut Verdict, cx: &Ctxt) {
    let method = &input.methods[index];
    let name = method.ident().unraw();
    let Some((first, later)) = method.handles.split_first() else {
        return;
    };
    let mut ok = verdict.ok[index];
    for extra in later {
        cx.error_spanned_by(
            extra.attr,
            format!(
                "`#[handles]` is given twice on `{name}`; a method handles the message of one \
                 handler: keep one `#[handles(..)]`"
            ),
        );
        ok = false;
    }
    let Some(target) = &first.target else {
        cx.error_spanned_by(
            first.attr,
            format!(
                "`#[handles]` takes the name of the one handler whose message `{name}` handles: \
                 `#[handles(whoami)]`"
            ),
        );
        verdict.ok[index] = false;
        return;
    };
    let shown = target.unraw();
    let Some(primary) = input
        .methods
        .iter()
        .position(|m| m.ident().unraw() == *target)
    else {
        let handlers: Vec<String> = input
            .methods
            .iter()
            .filter(|m| m.is_handler())
            .map(|m| format!("`{}`", m.ident().unraw()))
            .collect();
        let choices = if handlers.is_empty() {
            String::from("this block has no handler")
        } else {
            format!("its handlers are {}", handlers.join(", "))
        };
        cx.error_spanned_by(
            target,
            format!(
                "`#[handles({shown})]`: this impl block has no method `{shown}`; name the handler \
                 whose message `{name}` handles ({choices})"
            ),
        );
        verdict.ok[index] = false;
        return;
    };
    let target_method = &input.methods[primary];
    if !target_method.is_handler() {
        let why = if primary == index {
            format!(
                "`{name}` cannot handle its own message: name the handler whose message it handles"
            )
        } else if target_method.is_alternative() {
            let hint = match target_method
                .handles
                .first()
                .and_then(|h| h.target.as_ref())
            {
                Some(next) => format!(": name that handler, `#[handles({})]`", next.unraw()),
                None => String::new(),
            };
            format!(
                "`{shown}` has `#[handles]` itself, so it has no message of its own; the \
                 message belongs to the handler it names{hint}"
            )
        } else if target_method.is_hook() {
            format!("`{shown}` is a lifecycle hook, not a handler: it has no message")
        } else {
            format!(
                "`{shown}` is a private helper, not a handler: it has no message; make it a \
                 handler (`pub fn {shown}`), or name another one"
            )
        };
        cx.error_spanned_by(target, format!("`#[handles({shown})]`: {why}"));
        verdict.ok[index] = false;
        return;
    }
    if verdict.states[index].is_none() {
        if method.states.is_empty() {
            cx.error_spanned_by(
                first.attr,
                format!(
                    "`#[handles({shown})]` needs `#[state(..)]` on `{name}` as well: `{name}` \
                     handles the message of `{shown}` only in the states it lists (for example \
                     `#[state(Authorizing)]`)"
                ),
            );
        }
        ok = false;
    }
    ok &= same_arguments(target_method, method, cx);
    ok &= same_reply_kind(target_method, method, cx);
    verdict.ok[index] = ok;
    if ok {
        verdict.handles[index] = Some(primary);
    }
}

/// An alternative takes the message arguments of its handler: same names, same order.
fn same_arguments(handler: &Method, alternative: &Method, cx: &Ctxt) -> bool {
    let args = |m: &'_ Method<'_>| -> Option<Vec<String>> {
        m.params
            .iter()
            .filter(|p| matches!(p.kind, ParamKind::Plain))
            .map(|p| p.name.map(|n| n.unraw().to_string()))
            .collect()
    };
    // A pattern argument is reported already.
    let (Some(expected), Some(found)) = (args(handler), args(alternative)) else {
        return false;
    };
    if expected == found {
        return true;
    }
    let handler_name = handler.ident().unraw();
    let name = alternative.ident().unraw();
    let list = |names: &[String]| {
        if names.is_empty() {
            "no message arguments".to_owned()
        } else {
            format!("`{}`", names.join(", "))
        }
    };
    let mismatch = expected.iter().zip(&found).position(|(e, f)| e != f);
    let plain = alternative
        .params
        .iter()
        .filter(|p| matches!(p.kind, ParamKind::Plain));
    let at: &dyn ToTokens =
        match mismatch.or((found.len() > expected.len()).then_some(expected.len())) {
            Some(position) => match plain.clone().nth(position) {
                Some(param) => &param.arg.pat,
                None => alternative.ident(),
            },
            None => alternative.ident(),
        };
    cx.error_spanned_by(
        at,
        format!(
            "`{name}` handles the message of `{handler_name}`, so it takes the same message \
             arguments in the same order: `{handler_name}` takes {}, `{name}` takes {}; the \
             context may go anywhere",
            list(&expected),
            list(&found)
        ),
    );
    false
}

/// How a handler answers, for comparing a handler with its alternatives.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Answer {
    Tell,
    Ask,
    AskResult,
    Deferred,
}

impl Answer {
    fn of(method: &Method) -> Answer {
        let slot = method
            .params
            .iter()
            .any(|p| matches!(p.kind, ParamKind::Slot { .. } | ParamKind::SlotArity));
        match &method.output {
            _ if slot => Answer::Deferred,
            Output::Unit => Answer::Tell,
            Output::Result { .. } => Answer::AskResult,
            Output::Value(_) => Answer::Ask,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Answer::Tell => "returns `()` (a tell)",
            Answer::Ask => "returns a value (an ask)",
            Answer::AskResult => "returns `Result<T, E>` (an ask with a typed error)",
            Answer::Deferred => "answers through a `ReplySlot` argument (a deferred ask)",
        }
    }
}

/// An alternative answers the way its handler does: tell, ask, `Result` ask or deferred.
fn same_reply_kind(handler: &Method, alternative: &Method, cx: &Ctxt) -> bool {
    let (expected, found) = (Answer::of(handler), Answer::of(alternative));
    if expected == found {
        return true;
    }
    let handler_name = handler.ident().unraw();
    let name = alternative.ident().unraw();
    let slot = alternative
        .params
        .iter()
        .find(|p| matches!(p.kind, ParamKind::Slot { .. } | ParamKind::SlotArity));
    let at: &dyn ToTokens = match (&alternative.func.sig.output, slot) {
        (_, Some(slot)) if found == Answer::Deferred => slot.arg,
        (syn::ReturnType::Type(..), _) => &alternative.func.sig.output,
        _ => alternative.ident(),
    };
    cx.error_spanned_by(
        at,
        format!(
            "`{name}` handles the message of `{handler_name}`, so it answers the same way: \
             `{handler_name}` {}, `{name}` {}",
            expected.describe(),
            found.describe()
        ),
    );
    false
}

/// Across a handler and its alternatives, at most one handler per state.
fn check_overlaps(input: &Impl, verdict: &mut Verdict, cx: &Ctxt) {
    for (primary, method) in input.methods.iter().enumerate() {
        if !method.is_handler() {
            continue;
        }
        // Source order, so that the later of two is reported.
        let group: Vec<usize> = (0..input.methods.len())
            .filter(|&i| i == primary || verdict.handles[i] == Some(primary))
            .collect();
        // A `#[state]` list rejected with an error is not "every state".
        let rejected =
            |i: usize| !input.methods[i].states.is_empty() && verdict.states[i].is_none();
        for (position, &later) in group.iter().enumerate() {
            for &earlier in &group[..position] {
                if !verdict.ok[earlier]
                    || !verdict.ok[later]
                    || rejected(earlier)
                    || rejected(later)
                {
                    continue;
                }
                let Some((state, at)) = overlap(
                    &verdict.states[earlier],
                    &verdict.states[later],
                    input,
                    later,
                ) else {
                    continue;
                };
                let (a, b) = (
                    input.methods[earlier].ident().unraw(),
                    input.methods[later].ident().unraw(),
                );
                let message = method.ident().unraw();
                let state_name = state.unraw();
                let every = |i: usize| verdict.states[i].is_none();
                let hint = if every(earlier) || every(later) {
                    let all = if every(earlier) { &a } else { &b };
                    format!(
                        "`{all}` has no `#[state]`, so it handles every state: give it a \
                         `#[state(..)]` list without `{state_name}`"
                    )
                } else {
                    format!(
                        "a message has one handler per state: drop `{state_name}` from one of the lists"
                    )
                };
                cx.error_spanned_by(
                    at,
                    format!(
                        "two handlers for message `{message}` in state `{state_name}`: `{a}` and \
                         `{b}`; {hint}"
                    ),
                );
                // The alternative goes (the later one if both are).
                let drop = if later == primary { earlier } else { later };
                verdict.ok[drop] = false;
                verdict.handles[drop] = None;
            }
        }
    }
}

/// The first state that both lists cover (`None` covers every state), and where to report it
/// on `later`: the state in its list, or its name if it has no list.
fn overlap<'v>(
    earlier: &'v Option<Vec<Ident>>,
    later: &'v Option<Vec<Ident>>,
    input: &'v Impl,
    later_index: usize,
) -> Option<(&'v Ident, &'v dyn ToTokens)> {
    match (earlier, later) {
        (None, None) => None,
        (None, Some(states)) => states.first().map(|s| (s, s as &dyn ToTokens)),
        (Some(states), None) => states
            .first()
            .map(|s| (s, input.methods[later_index].ident() as &dyn ToTokens)),
        (Some(a), Some(b)) => b
            .iter()
            .find(|s| a.iter().any(|t| t.unraw() == s.unraw()))
            .map(|s| (s, s as &dyn ToTokens)),
    }
}
