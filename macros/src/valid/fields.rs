//! `#[field(N)]` on a message argument of a remote actor's handler: its field number on the wire.
//! The number's range and uniqueness are rules of the model; here, the attribute's form and
//! place.

use syn::ext::IdentExt;
use syn::{Attribute, LitInt};

use crate::ast::{FIELD_MARKER, Impl, Method, ParamKind};
use crate::ctxt::{Ctxt, Phase};

const FORM: &str = "`#[field(N)]` gives the argument's field number on the wire, an integer \
                    literal from 1 to 536870911 (19000 to 19999 are reserved by protobuf): \
                    `#[field(3)]`";

/// The field number `attr` gives, if it is `#[field(N)]` with an `N` that fits a `u32` (its
/// range is the model's rule).
pub fn given_field(attr: &Attribute) -> syn::Result<u32> {
    let lit: LitInt = attr.parse_args()?;
    lit.base10_parse::<u32>()
}

/// Checks every `#[field]` of the block: one per message argument of a handler of a remote
/// actor, in the form `#[field(N)]`.
pub(super) fn check(input: &Impl, remote: bool, cx: &Ctxt) {
    for (index, method) in input.methods.iter().enumerate() {
        cx.at(Phase::Signatures, index);
        for param in &method.params {
            let Some((first, rest)) = param.fields.split_first() else {
                continue;
            };
            for again in rest {
                cx.error_spanned_by(
                    again,
                    "duplicate `#[field]`: an argument has one field number",
                );
            }
            if let Some(place) = misplaced(method, &param.kind) {
                cx.error_spanned_by(first, place);
                continue;
            }
            if !remote {
                cx.error_spanned_by(
                    first,
                    format!(
                        "`#[{FIELD_MARKER}(..)]` numbers an argument on the wire, and this actor \
                         is not remote: add `remote` to `#[actor(..)]` on the impl block, or \
                         remove it"
                    ),
                );
                continue;
            }
            if let Err(error) = given_field(first) {
                cx.error_spanned_by(first, format!("invalid `#[field]`: {error}; {FORM}"));
            }
        }
    }
}

/// Why `#[field]` cannot go on a parameter of this kind of `method`, if it cannot.
fn misplaced(method: &Method, kind: &ParamKind) -> Option<String> {
    let name = method.ident().unraw();
    if method.is_alternative() {
        return Some(format!(
            "`{name}` handles another handler's message, whose arguments have their field \
             numbers: put `#[field(..)]` on the handler's argument"
        ));
    }
    if !method.is_handler() {
        return Some(format!(
            "`#[field(..)]` numbers a message argument of a handler, and `{name}` is no handler"
        ));
    }
    match kind {
        ParamKind::Plain => None,
        ParamKind::Ctx | ParamKind::CtxNotMutRef => Some(
            "`#[field(..)]` numbers a message argument, and the context is not sent".to_owned(),
        ),
        ParamKind::Slot { .. } | ParamKind::SlotArity(_) => Some(
            "`#[field(..)]` numbers a message argument, and the reply slot is not sent: the \
             reply travels in a message of its own"
                .to_owned(),
        ),
    }
}
