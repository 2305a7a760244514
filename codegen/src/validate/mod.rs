//! The rules of a well-formed actor, checked once on the model for every front end.
//!
//! [`validate()`] runs every rule and reports every broken one; the generator runs it too and
//! generates nothing from a model that breaks one (see [`generate_actor`](crate::generate_actor)).
//! The rules are split along the model's seams, the way the generator is:
//!
//! - `names`: what the generated items and the wire are called: reserved handle methods,
//!   usable and distinct variants, the `reply` field, argument names and field numbers, the
//!   package and the wire names;
//! - `signatures`: where a handler takes its context and its reply slot;
//! - `states`: the state lists of a state machine's handlers and their alternatives, which
//!   must take the handler's arguments, answer the same way and not overlap;
//! - `routes`: a route key is a message argument, a broadcast is a tell.
//!
//! What is about a front end's own syntax (a Rust receiver, a reference argument, an
//! attribute's form) stays in that front end: the model cannot even hold it.

mod names;
mod routes;
mod signatures;
mod states;
mod wire;

use std::ops::Deref;

use proc_macro2::Ident;

use crate::error::ModelError;
use crate::model::{ActorModel, ArgModel, HandlerModel, KeyModel};

pub(crate) use self::wire::HandlerWire;

/// Checks every rule of a well-formed actor on `model`: `Ok` if the generator can take it as it
/// is, else every broken rule, each naming the item it is about (in the order: arguments, names,
/// wire names, signatures, state lists, routes, alternatives, wire types).
///
/// Stand-ins ([`ActorModel::stand_ins`]) are checked only for names every handle has (they
/// would shadow them): they stand for handlers rejected already.
pub fn validate(model: &ActorModel) -> Result<(), Vec<ModelError>> {
    check(model).map(|_| ())
}

/// A model that [`validate()`] accepts, with what the rules found out on the way: each
/// handler's variant and routing key argument. The generator reads these, so it never derives
/// them again (nor has a case for when they are missing).
pub(crate) struct Valid<'m> {
    /// The model.
    pub model: &'m ActorModel,
    /// Its handlers, in order.
    pub handlers: Vec<Handler<'m>>,
}

/// A handler of a [`Valid`] model.
pub(crate) struct Handler<'m> {
    /// The handler.
    pub model: &'m HandlerModel,
    /// Its message variant, `AddItem`, spanned like its name.
    pub variant: Ident,
    /// Its route key and the argument the key starts at, for a `RouteModel::Key` route.
    pub key: Option<(&'m KeyModel, &'m ArgModel)>,
    /// How its message travels, in a remote actor.
    pub wire: Option<HandlerWire>,
}

impl Deref for Handler<'_> {
    type Target = HandlerModel;

    fn deref(&self) -> &HandlerModel {
        self.model
    }
}

/// Runs every rule; on success, the model with what the generator needs from the rules.
pub(crate) fn check(model: &ActorModel) -> Result<Valid<'_>, Vec<ModelError>> {
    let mut errors = Vec::new();
    let mut rejected = Rejected::new(model);
    names::arguments(model, &mut rejected, &mut errors);
    let variants = names::handlers(model, &mut rejected, &mut errors);
    names::wire(model, &mut errors);
    signatures::check(model, &mut rejected, &mut errors);
    states::lists(model, &mut rejected, &mut errors);
    let keys = routes::check(model, &mut errors);
    states::alternatives(model, &mut rejected, &mut errors);
    let wires = wire::check(model, &mut rejected, &mut errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    // Without errors, every handler has its variant (a missing one is an error above).
    let handlers = model
        .handlers
        .iter()
        .zip(variants)
        .zip(keys)
        .zip(wires)
        .map(|(((model, variant), key), wire)| {
            Some(Handler {
                model,
                variant: variant?,
                key,
                wire,
            })
        })
        .collect::<Option<Vec<_>>>();
    handlers
        .map(|handlers| Valid { model, handlers })
        .ok_or(errors)
}

/// The handlers and alternatives that a rule rejects as a whole (not only one of their states
/// or their route): they are left out of the checks for overlapping states, which would only
/// repeat what is wrong with them.
struct Rejected {
    handlers: Vec<bool>,
    alternatives: Vec<Vec<bool>>,
}

impl Rejected {
    fn new(model: &ActorModel) -> Self {
        Rejected {
            handlers: vec![false; model.handlers.len()],
            alternatives: model
                .handlers
                .iter()
                .map(|h| vec![false; h.alternatives.len()])
                .collect(),
        }
    }

    fn handler(&mut self, handler: usize) {
        self.handlers[handler] = true;
    }

    fn alternative(&mut self, handler: usize, alternative: usize) {
        self.alternatives[handler][alternative] = true;
    }
}

/// A name as the user spells it, without `r#`.
fn shown(ident: &Ident) -> String {
    syn::ext::IdentExt::unraw(ident).to_string()
}

#[cfg(test)]
mod tests;
