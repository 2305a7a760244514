//! The states of a state machine: the lists of its handlers, and the alternatives that handle
//! a handler's message in other states.

use proc_macro2::Ident;

use super::{Rejected, shown};
use crate::error::{ModelError, ModelErrorKind, ModelItem};
use crate::model::{ActorModel, HandlerModel};

/// State lists need a behaviour, name at least one state, and each state once.
pub(super) fn lists(model: &ActorModel, rejected: &mut Rejected, errors: &mut Vec<ModelError>) {
    for (index, handler) in model.handlers.iter().enumerate() {
        let name = shown(&handler.rust_name);
        if model.behaviour.is_none()
            && (handler.states.is_some() || !handler.alternatives.is_empty())
        {
            rejected.handler(index);
            errors.push(ModelError {
                item: ModelItem::Handler(index),
                kind: ModelErrorKind::StatesWithoutBehaviour { method: name },
            });
            continue;
        }
        if let Some(states) = &handler.states {
            if states.is_empty() {
                rejected.handler(index);
                errors.push(ModelError {
                    item: ModelItem::Handler(index),
                    kind: ModelErrorKind::EmptyStates {
                        method: name.clone(),
                    },
                });
            }
            for (state, repeated) in repeats(states) {
                errors.push(ModelError {
                    item: ModelItem::State {
                        handler: index,
                        state,
                    },
                    kind: ModelErrorKind::DuplicateState {
                        method: name.clone(),
                        state: repeated,
                    },
                });
            }
        }
        for (position, alt) in handler.alternatives.iter().enumerate() {
            let alt_name = shown(&alt.rust_name);
            if alt.states.is_empty() {
                rejected.alternative(index, position);
                errors.push(ModelError {
                    item: ModelItem::Alternative {
                        handler: index,
                        alternative: position,
                    },
                    kind: ModelErrorKind::EmptyStates {
                        method: alt_name.clone(),
                    },
                });
            }
            for (state, repeated) in repeats(&alt.states) {
                errors.push(ModelError {
                    item: ModelItem::AlternativeState {
                        handler: index,
                        alternative: position,
                        state,
                    },
                    kind: ModelErrorKind::DuplicateState {
                        method: alt_name.clone(),
                        state: repeated,
                    },
                });
            }
        }
    }
}

/// The states listed before in `states`, by index and name.
fn repeats(states: &[Ident]) -> Vec<(usize, String)> {
    states
        .iter()
        .enumerate()
        .filter(|(i, state)| states[..*i].iter().any(|s| shown(s) == shown(state)))
        .map(|(i, state)| (i, shown(state)))
        .collect()
}

/// An alternative takes its handler's message arguments (same names, same order) and answers
/// the same way; then, across a handler and its alternatives, one method per state.
pub(super) fn alternatives(
    model: &ActorModel,
    rejected: &mut Rejected,
    errors: &mut Vec<ModelError>,
) {
    for (index, handler) in model.handlers.iter().enumerate() {
        let name = shown(&handler.rust_name);
        let expected: Vec<String> = handler.args.iter().map(|a| shown(&a.name)).collect();
        for (position, alt) in handler.alternatives.iter().enumerate() {
            let alternative = shown(&alt.rust_name);
            let found: Vec<String> = alt.args.iter().map(shown).collect();
            if found != expected {
                // At the first argument that differs, or the first one too many; at the name
                // when one is missing.
                let at = expected
                    .iter()
                    .zip(&found)
                    .position(|(e, f)| e != f)
                    .or((found.len() > expected.len()).then_some(expected.len()));
                rejected.alternative(index, position);
                errors.push(ModelError {
                    item: match at {
                        Some(arg) => ModelItem::AlternativeArgument {
                            handler: index,
                            alternative: position,
                            arg,
                        },
                        None => ModelItem::Alternative {
                            handler: index,
                            alternative: position,
                        },
                    },
                    kind: ModelErrorKind::AlternativeArguments {
                        handler: name.clone(),
                        alternative: alternative.clone(),
                        expected: expected.clone(),
                        found,
                    },
                });
            }
            let (want, got) = (handler.reply.answer(), alt.reply.answer());
            if want != got {
                rejected.alternative(index, position);
                errors.push(ModelError {
                    item: ModelItem::AlternativeReply {
                        handler: index,
                        alternative: position,
                    },
                    kind: ModelErrorKind::AlternativeReply {
                        handler: name.clone(),
                        alternative,
                        expected: want,
                        found: got,
                    },
                });
            }
        }
    }
    for (index, handler) in model.handlers.iter().enumerate() {
        if !rejected.handlers[index] {
            overlaps(index, handler, rejected, errors);
        }
    }
}

/// One method per state across a handler and its alternatives (the handler first, then the
/// alternatives in order). Each overlap is reported on the later alternative, which is
/// rejected: it is left out of the later comparisons.
fn overlaps(
    index: usize,
    handler: &HandlerModel,
    rejected: &mut Rejected,
    errors: &mut Vec<ModelError>,
) {
    for (later, alt) in handler.alternatives.iter().enumerate() {
        if rejected.alternatives[index][later] {
            continue;
        }
        // The earlier members: the handler (its list, `None` for every state), then the
        // alternatives before this one that are still in.
        let earlier: Vec<(&Ident, Option<&[Ident]>)> =
            std::iter::once((&handler.rust_name, handler.states.as_deref()))
                .chain(
                    handler.alternatives[..later]
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| !rejected.alternatives[index][*i])
                        .map(|(_, a)| (&a.rust_name, Some(a.states.as_slice()))),
                )
                .collect();
        for (first, states) in earlier {
            let common = alt
                .states
                .iter()
                .enumerate()
                .find(|(_, state)| match states {
                    None => true,
                    Some(listed) => listed.iter().any(|s| shown(s) == shown(state)),
                });
            let Some((state, common)) = common else {
                continue;
            };
            rejected.alternative(index, later);
            errors.push(ModelError {
                item: ModelItem::AlternativeState {
                    handler: index,
                    alternative: later,
                    state,
                },
                kind: ModelErrorKind::StateOverlap {
                    message: shown(&handler.rust_name),
                    first: shown(first),
                    later: shown(&alt.rust_name),
                    state: shown(common),
                    every: states.is_none().then(|| shown(first)),
                },
            });
            break;
        }
    }
}
