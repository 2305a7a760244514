//! The signatures of handlers and hooks: receivers, the context, reply slots, owned argument
//! and reply types, plain argument names, no `unsafe` and no generics of their own.

use proc_macro2::Ident;
use syn::ext::IdentExt;
use syn::{GenericArgument, ImplItemFn, Meta, PathArguments, Type};

use crate::ast::{Method, Output, ParamKind, Recv, SlotKind, peel};
use crate::ctxt::Ctxt;

/// Checks the signature of one handler, or of an alternative (a method with `#[handles]`);
/// `false` if it must be left out of the model.
pub(super) fn check_handler(method: &Method, cx: &Ctxt) -> bool {
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

    let takes_slot = method.params.iter().find_map(|p| match p.kind {
        ParamKind::Slot { kind, .. } => Some(kind),
        _ => None,
    });
    let mut ctx_seen = false;
    let mut slot_seen: Option<SlotKind> = None;
    for param in &method.params {
        let arg = &param.arg;
        match param.kind {
            ParamKind::Ctx if ctx_seen => cx.error_spanned_by(
                arg,
                format!(
                    "handler `{name}` takes the context twice; take `ctx: &mut Ctx<Self>` once"
                ),
            ),
            ParamKind::Ctx => ctx_seen = true,
            ParamKind::CtxNotMutRef => bad_ctx(&arg.ty, cx),
            ParamKind::Slot { kind, .. } => match slot_seen {
                Some(first) if first == kind => cx.error_spanned_by(
                    arg,
                    format!(
                        "handler `{name}` takes a second `{}`; a handler answers once: keep one \
                         slot",
                        kind.name()
                    ),
                ),
                Some(first) => cx.error_spanned_by(
                    arg,
                    format!(
                        "handler `{name}` takes both a `{}` and a `{}`; a handler answers once, \
                         with one reply (`ReplySlot`) or one stream (`StreamSlot`): keep one slot",
                        first.name(),
                        kind.name()
                    ),
                ),
                None => slot_seen = Some(kind),
            },
            ParamKind::SlotArity(kind) => {
                let slot = kind.name();
                cx.error_spanned_by(
                    &arg.ty,
                    format!(
                        "`{slot}` takes one or two type arguments: `{slot}<T>` or `{slot}<T, E>`"
                    ),
                )
            }
            ParamKind::Plain => {
                let arg_name = param
                    .name
                    .map(|n| n.unraw().to_string())
                    .unwrap_or_else(|| "_".to_owned());
                owned_argument(&arg.ty, &arg_name, cx);
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
        _ if takes_slot == Some(SlotKind::Reply) => cx.error_spanned_by(
            &func.sig.output,
            format!(
                "handler `{name}` takes a `ReplySlot`, so it answers through the slot and must \
                 return `()`"
            ),
        ),
        _ if takes_slot == Some(SlotKind::Stream) => cx.error_spanned_by(
            &func.sig.output,
            format!(
                "handler `{name}` takes a `StreamSlot`, so it streams its answer through the \
                 slot and must return `()`: returning (or dropping the slot) ends the \
                 stream cleanly, and `StreamSlot::fail` ends it with an error"
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
pub(super) fn check_hook<'a>(
    method: &'a Method,
    first: &mut [Option<&'a Ident>; 3],
    cx: &Ctxt,
) -> bool {
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
