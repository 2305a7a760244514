//! What a remote actor sends must travel as protobuf: its arguments and replies (read by
//! [`wire::classify`]), and the actor is not generic.

use super::shown;
use crate::error::{ModelError, ModelErrorKind, ModelItem, WireItem};
use crate::model::ActorModel;
use crate::naming;
use crate::wire::{self, NotEncodable, WireReason, WireType};

use super::Rejected;

/// How one handler's message travels.
pub(crate) struct HandlerWire {
    /// Each argument's, in order.
    pub args: Vec<WireType>,
    /// The reply's value, for an ask; [`WireType::Unit`] for `()`.
    pub ok: Option<WireType>,
}

/// Checks a remote actor; returns how each handler's message travels (`None` for every
/// handler of an actor that is not remote, and for a handler with an error).
pub(super) fn check(
    model: &ActorModel,
    rejected: &mut Rejected,
    errors: &mut Vec<ModelError>,
) -> Vec<Option<HandlerWire>> {
    if !model.remote {
        return model.handlers.iter().map(|_| None).collect();
    }
    if !model.generics.params.is_empty() {
        errors.push(ModelError {
            item: ModelItem::Generics,
            kind: ModelErrorKind::RemoteGeneric {
                actor: shown(&model.rust_name),
                service: naming::actor_wire_name(&model.package, &model.proto_name),
            },
        });
    }
    let mut wires = Vec::with_capacity(model.handlers.len());
    for (index, handler) in model.handlers.iter().enumerate() {
        let name = shown(&handler.rust_name);
        let mut failed = false;
        let mut args = Vec::with_capacity(handler.args.len());
        for (position, arg) in handler.args.iter().enumerate() {
            let why = match wire::classify(&arg.ty) {
                Ok(WireType::Unit) => NotEncodable {
                    ty: "()".to_owned(),
                    reason: WireReason::Unit,
                },
                Ok(ty) => {
                    args.push(ty);
                    continue;
                }
                Err(why) => why,
            };
            failed = true;
            errors.push(ModelError {
                item: ModelItem::ArgumentType {
                    handler: index,
                    arg: position,
                },
                kind: ModelErrorKind::NotEncodable {
                    handler: name.clone(),
                    item: WireItem::Argument(shown(&arg.name)),
                    why,
                },
            });
        }
        let ok = match wire::reply_types(&handler.reply).0 {
            None => None,
            Some(ok) => match wire::classify(ok) {
                Ok(ty) => Some(ty),
                Err(why) => {
                    failed = true;
                    errors.push(ModelError {
                        item: ModelItem::Reply(index),
                        kind: ModelErrorKind::NotEncodable {
                            handler: name.clone(),
                            item: WireItem::Reply,
                            why,
                        },
                    });
                    None
                }
            },
        };
        if failed {
            rejected.handler(index);
            wires.push(None);
        } else {
            wires.push(Some(HandlerWire { args, ok }));
        }
    }
    wires
}
