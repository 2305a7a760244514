//! The `#[route(..)]` markers: their form and place, and the argument a key starts at. That a
//! key names a message argument, and that a broadcast is a tell, are rules of the model.

use proc_macro2::TokenStream;
use quote::ToTokens;
use rakt_codegen::{KeyModel, KeyTarget, ModelErrorKind, RouteModel};
use syn::Meta;
use syn::ext::IdentExt;

use crate::ast::{Method, ParamKind, RouteOption};
use crate::ctxt::Ctxt;

/// The checked `#[route(..)]` markers of one method, and the tokens that give the route (see
/// [`Verdict::routes`](super::Verdict::routes)).
pub(super) fn check_route(method: &Method, cx: &Ctxt) -> Option<(RouteModel, TokenStream)> {
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
        (Some(Some(key)), None) => {
            let at = key.arg.to_token_stream();
            Some((RouteModel::Key(key), at))
        }
        (None, Some(option)) => Some((RouteModel::Broadcast, option.meta().to_token_stream())),
        _ => None,
    }
}

/// A `#[route(key = ..)]` starts at one of the handler's message arguments: `customer` names
/// an argument `customer`, or else `_customer` (the name rustc suggests for an argument that
/// only routes). Returns the key with the argument's own name, spanned where the key is
/// written; a key that names no parameter goes to the model as written, whose rules report
/// it. A key that names the context or the reply slot is reported here: only the signature
/// knows their names.
fn check_key(method: &Method, key: &KeyModel, cx: &Ctxt) -> Option<KeyModel> {
    let named = |wanted: &str| {
        method
            .params
            .iter()
            .find(|p| p.name.is_some_and(|n| n.unraw() == wanted))
    };
    let root = key.arg.unraw();
    let param = named(&root.to_string()).or_else(|| named(&format!("_{root}")));
    let target = match param.map(|p| (p, &p.kind)) {
        Some((param, ParamKind::Plain)) => {
            let mut arg = param.name?.clone();
            arg.set_span(key.arg.span());
            return Some(KeyModel {
                arg,
                fields: key.fields.clone(),
            });
        }
        None => return Some(key.clone()),
        Some((_, ParamKind::Ctx | ParamKind::CtxNotMutRef)) => KeyTarget::Context,
        Some((_, ParamKind::Slot { .. } | ParamKind::SlotArity(_))) => KeyTarget::ReplySlot,
    };
    let arguments = method
        .params
        .iter()
        .filter(|p| matches!(p.kind, ParamKind::Plain))
        .filter_map(|p| p.name.map(|n| n.unraw().to_string()))
        .collect();
    let kind = ModelErrorKind::RouteKey {
        handler: method.ident().unraw().to_string(),
        key: key.text(),
        root: root.to_string(),
        target,
        arguments,
    };
    cx.error_spanned_by(&key.arg, kind);
    None
}
