//! Where a handler or an alternative takes its context and its reply slot.
//!
//! The generator calls each method with its parameters in declaration order: the message
//! arguments, with the context and the reply slot put back at their positions. Those positions
//! must exist and differ, or the call would not be the method's.

use super::{Rejected, shown};
use crate::error::{ModelError, ModelErrorKind, ModelItem};
use crate::model::{ActorModel, ReplyKind};

/// Checks the positions of every handler and alternative.
pub(super) fn check(model: &ActorModel, rejected: &mut Rejected, errors: &mut Vec<ModelError>) {
    for (index, handler) in model.handlers.iter().enumerate() {
        if !positions_fit(handler.args.len(), handler.ctx_position, &handler.reply) {
            rejected.handler(index);
            errors.push(ModelError {
                item: ModelItem::Handler(index),
                kind: kind(
                    &handler.rust_name,
                    handler.args.len(),
                    handler.ctx_position,
                    &handler.reply,
                ),
            });
        }
        for (position, alt) in handler.alternatives.iter().enumerate() {
            if !positions_fit(alt.args.len(), alt.ctx_position, &alt.reply) {
                rejected.alternative(index, position);
                errors.push(ModelError {
                    item: ModelItem::Alternative {
                        handler: index,
                        alternative: position,
                    },
                    kind: kind(&alt.rust_name, alt.args.len(), alt.ctx_position, &alt.reply),
                });
            }
        }
    }
}

/// The number of parameters after the receiver, and the positions the context and the slot
/// take among them.
fn params(args: usize, ctx: Option<usize>, reply: &ReplyKind) -> (usize, Vec<usize>) {
    let slot = reply.slot().map(|(_, position)| position);
    let taken: Vec<usize> = ctx.into_iter().chain(slot).collect();
    (args + taken.len(), taken)
}

/// Whether each position is among the parameters, and the two (if both) differ.
fn positions_fit(args: usize, ctx: Option<usize>, reply: &ReplyKind) -> bool {
    let (count, taken) = params(args, ctx, reply);
    taken.iter().all(|&p| p < count) && !matches!(taken.as_slice(), [a, b] if a == b)
}

fn kind(
    method: &proc_macro2::Ident,
    args: usize,
    ctx: Option<usize>,
    reply: &ReplyKind,
) -> ModelErrorKind {
    ModelErrorKind::ParameterPositions {
        method: shown(method),
        params: params(args, ctx, reply).0,
    }
}
