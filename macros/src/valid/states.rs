//! The states of a state machine as the attributes give them: `#[state(..)]` lists, and
//! `#[handles(..)]` alternatives with the handler they name. Whether the lists overlap, and
//! whether an alternative takes its handler's arguments and answers the same way, are rules
//! of the model.

use proc_macro2::Ident;
use quote::ToTokens;
use syn::ext::IdentExt;

use super::{Machine, Verdict};
use crate::ast::{HANDLES_MARKER, Impl, Method, STATE_MARKER};
use crate::ctxt::{Ctxt, Phase};

/// The checked state list of one method (see [`Verdict::states`]).
pub(super) fn check_states(method: &Method, machine: Machine, cx: &Ctxt) -> Option<Vec<Ident>> {
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
        states.push(state.clone());
    }
    Some(states)
}

/// Checks every `#[handles(..)]` of a state machine: on an alternative, the handler it names;
/// on a hook, none.
pub(super) fn check_handles(input: &Impl, verdict: &mut Verdict, cx: &Ctxt) {
    for (index, method) in input.methods.iter().enumerate() {
        cx.at(Phase::Alternatives, index);
        if method.is_alternative() {
            check_alternative(input, index, verdict, cx);
        } else if let (Some(handles), Some((kind, _))) =
            (method.handles.first(), method.markers.first())
        {
            cx.error_spanned_by(
                handles.attr,
                format!(
                    "`#[handles]` cannot go on the `#[{}]` hook `{}`: a lifecycle hook handles \
                     no message; make it a separate method",
                    kind.name(),
                    method.ident().unraw()
                ),
            );
        }
    }
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
    verdict.ok[index] = ok;
    if ok {
        verdict.handles[index] = Some(primary);
    }
}
