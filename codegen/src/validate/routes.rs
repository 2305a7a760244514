//! How a router pool routes a handler's message: a key is one of its message arguments, and
//! a broadcast goes to every routee, so it answers no one.

use super::shown;
use crate::error::{KeyTarget, ModelError, ModelErrorKind, ModelItem};
use crate::model::{ActorModel, Answer, ArgModel, KeyModel, RouteModel};

/// Checks each handler's route; returns the argument each key starts at (`None` for a handler
/// without a key, or with an error).
pub(super) fn check<'m>(
    model: &'m ActorModel,
    errors: &mut Vec<ModelError>,
) -> Vec<Option<(&'m KeyModel, &'m ArgModel)>> {
    let mut keys = Vec::with_capacity(model.handlers.len());
    for (index, handler) in model.handlers.iter().enumerate() {
        let name = shown(&handler.rust_name);
        let mut key_arg = None;
        match &handler.route {
            Some(RouteModel::Key(key)) => {
                let root = shown(&key.arg);
                key_arg = handler
                    .args
                    .iter()
                    .find(|arg| shown(&arg.name) == root)
                    .map(|arg| (key, arg));
                if key_arg.is_none() {
                    errors.push(ModelError {
                        item: ModelItem::Route(index),
                        kind: ModelErrorKind::RouteKey {
                            handler: name,
                            key: key.text(),
                            root,
                            target: KeyTarget::Unknown,
                            arguments: handler.args.iter().map(|a| shown(&a.name)).collect(),
                        },
                    });
                }
            }
            Some(RouteModel::Broadcast) if handler.reply.answer() == Answer::Stream => {
                errors.push(ModelError {
                    item: ModelItem::Route(index),
                    kind: ModelErrorKind::BroadcastStream { handler: name },
                });
            }
            Some(RouteModel::Broadcast) if handler.reply.answer().is_ask() => {
                errors.push(ModelError {
                    item: ModelItem::Route(index),
                    kind: ModelErrorKind::BroadcastAsk { handler: name },
                });
            }
            Some(RouteModel::Broadcast) | None => {}
        }
        keys.push(key_arg);
    }
    keys
}
