//! What the generated items and the wire are called: the rules that keep names apart.

use proc_macro2::Ident;

use super::{Rejected, shown};
use crate::error::{ModelError, ModelErrorKind, ModelItem};
use crate::model::ActorModel;
use crate::naming;

/// The arguments of each handler: an ask's argument cannot be named `reply` (its variant's
/// field for the answer), names and field numbers are unique, field numbers are valid.
pub(super) fn arguments(model: &ActorModel, rejected: &mut Rejected, errors: &mut Vec<ModelError>) {
    let message = naming::message_enum_ident(&model.rust_name).to_string();
    for (index, handler) in model.handlers.iter().enumerate() {
        let name = shown(&handler.rust_name);
        let mut error = |arg: usize, kind: ModelErrorKind| {
            rejected.handler(index);
            errors.push(ModelError {
                item: ModelItem::Argument {
                    handler: index,
                    arg,
                },
                kind,
            });
        };
        for (position, arg) in handler.args.iter().enumerate() {
            let arg_name = shown(&arg.name);
            let earlier = &handler.args[..position];
            if handler.reply.answer().is_ask() && arg_name == naming::REPLY_FIELD {
                error(
                    position,
                    ModelErrorKind::ReplyField {
                        handler: name.clone(),
                        message: message.clone(),
                        variant: naming::variant_ident(&handler.rust_name).map(|v| v.to_string()),
                    },
                );
            }
            if earlier.iter().any(|a| shown(&a.name) == arg_name) {
                error(
                    position,
                    ModelErrorKind::DuplicateArgument {
                        handler: name.clone(),
                        arg: arg_name.clone(),
                    },
                );
            }
            if !naming::is_field_number(arg.field) {
                error(
                    position,
                    ModelErrorKind::FieldNumber {
                        handler: name.clone(),
                        arg: arg_name,
                        field: arg.field,
                    },
                );
            } else if let Some(first) = earlier.iter().find(|a| a.field == arg.field) {
                error(
                    position,
                    ModelErrorKind::DuplicateFieldNumber {
                        handler: name.clone(),
                        first: shown(&first.name),
                        later: arg_name,
                        field: arg.field,
                    },
                );
            }
        }
    }
}

/// Handler names against the methods every handle has and against each other's variants.
/// Returns each handler's variant, `None` (and an error) when its name gives none.
pub(super) fn handlers(
    model: &ActorModel,
    rejected: &mut Rejected,
    errors: &mut Vec<ModelError>,
) -> Vec<Option<Ident>> {
    let handle = naming::handle_ident(&model.rust_name).to_string();
    let reserved = |name: &str| {
        naming::reserved_handle_method(name).map(|owner| ModelErrorKind::ReservedName {
            handler: name.to_owned(),
            owner,
            handle: handle.clone(),
        })
    };
    let mut variants = Vec::with_capacity(model.handlers.len());
    for (index, handler) in model.handlers.iter().enumerate() {
        let name = shown(&handler.rust_name);
        if let Some(kind) = reserved(&name) {
            rejected.handler(index);
            errors.push(ModelError {
                item: ModelItem::Handler(index),
                kind,
            });
        }
        let variant = naming::variant_ident(&handler.rust_name);
        if variant.is_none() {
            rejected.handler(index);
            errors.push(ModelError {
                item: ModelItem::Handler(index),
                kind: ModelErrorKind::UnusableVariant {
                    variant: naming::variant_name(&name),
                    handler: name,
                },
            });
        }
        variants.push(variant);
    }
    for (index, stand_in) in model.stand_ins.iter().enumerate() {
        if let Some(kind) = reserved(&shown(&stand_in.rust_name)) {
            errors.push(ModelError {
                item: ModelItem::StandIn(index),
                kind,
            });
        }
    }
    let names: Vec<String> = model.handlers.iter().map(|h| shown(&h.rust_name)).collect();
    let message = naming::message_enum_ident(&model.rust_name).to_string();
    for (first, later) in naming::variant_collisions(&names) {
        rejected.handler(later);
        errors.push(ModelError {
            item: ModelItem::Handler(later),
            kind: ModelErrorKind::VariantCollision {
                first: names[first].clone(),
                later: names[later].clone(),
                message: message.clone(),
                variant: naming::variant_name(&names[later]),
            },
        });
    }
    variants
}

/// The wire identity: a package, and wire names that are identifiers, one per handler.
pub(super) fn wire(model: &ActorModel, errors: &mut Vec<ModelError>) {
    let actor = shown(&model.rust_name);
    if !naming::is_package(&model.package) {
        errors.push(ModelError {
            item: ModelItem::Package,
            kind: ModelErrorKind::Package {
                actor: actor.clone(),
                package: model.package.clone(),
            },
        });
    }
    if !naming::is_wire_identifier(&model.proto_name) {
        errors.push(ModelError {
            item: ModelItem::Actor,
            kind: ModelErrorKind::ActorWireName {
                actor,
                name: model.proto_name.clone(),
            },
        });
    }
    for (index, handler) in model.handlers.iter().enumerate() {
        let name = shown(&handler.rust_name);
        if !naming::is_wire_identifier(&handler.proto_name) {
            errors.push(ModelError {
                item: ModelItem::Handler(index),
                kind: ModelErrorKind::HandlerWireName {
                    handler: name,
                    name: handler.proto_name.clone(),
                },
            });
            continue;
        }
        // Handlers whose variants collide are reported as such.
        let same_variant = |other: &str| naming::variant_name(other) == naming::variant_name(&name);
        let first = model.handlers[..index].iter().find(|other| {
            other.proto_name == handler.proto_name && !same_variant(&shown(&other.rust_name))
        });
        if let Some(first) = first {
            errors.push(ModelError {
                item: ModelItem::Handler(index),
                kind: ModelErrorKind::DuplicateWireName {
                    first: shown(&first.rust_name),
                    later: name,
                    name: handler.proto_name.clone(),
                },
            });
        }
    }
}
