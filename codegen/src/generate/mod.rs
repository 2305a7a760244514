//! The token generator: a validated [`ActorModel`], or a [`HandleModel`], in; Rust items out.
//!
//! Owns the shape of every generated item; the names come from [`crate::naming`]. It never
//! inspects parse-side `syn` nodes: everything it needs is in the model, and what the rules
//! found out (each handler's variant, the argument a route key starts at) comes from
//! [`validate`](crate::validate()), so the generator has no case for a model that breaks them.
//! Runtime items are named only through `<krate>::__private`, `core` items by absolute path, and
//! generated locals start with `__rakt_` and are hygienic (`Span::mixed_site`), so a handler
//! argument named like one of them (`__rakt_reply`) cannot capture or shadow it.
//!
//! One submodule per part of the output, in the order it is emitted:
//!
//! - `message`: the message enum, its `Message` impl and its wire identity;
//! - `dispatch`: the `Actor` impl, which calls the handlers, their alternatives and the hooks;
//! - `handle`: the handle struct (from a [`HandleModel`]) and the handle's methods;
//! - `remote`: for a remote actor, `impl RemoteActor` and the codecs of its messages;
//! - `tokens`: hygienic locals, doc paragraphs, span helpers.

mod dispatch;
mod handle;
mod message;
mod remote;
mod tokens;

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use crate::error::ModelError;
use crate::model::{ActorModel, HandleModel};
use crate::naming;
use crate::validate::{self, Handler, Valid};

/// Emits what `#[actor]` on an impl block adds: the message enum, its `Message` impl and wire
/// identity, the `Actor` impl (dispatch and hooks) and the inherent impl with the handle's
/// methods.
///
/// Validates the model first (see [`validate`](crate::validate())): a model that breaks a
/// rule generates nothing, and its errors come back instead, each naming its item.
pub fn generate_actor(model: &ActorModel) -> Result<TokenStream, Vec<ModelError>> {
    let valid = validate::check(model)?;
    let cx = Cx::new(&valid);
    let message = message::generate(&cx);
    let actor = dispatch::generate(&cx);
    let methods = handle::methods(&cx);
    let remote = remote::generate(&cx);
    Ok(quote! {
        #message
        #actor
        #methods
        #remote
    })
}

/// Emits what `#[actor]` on a struct or enum adds: the `ActorDecl` impl, the handle struct and
/// its `Clone`, `PartialEq`, `Eq`, `Hash`, `Debug` and `ActorHandle` impls. Every
/// [`HandleModel`] is valid.
pub fn generate_handle(model: &HandleModel) -> TokenStream {
    handle::generate(model)
}

/// What every part of one actor's output needs.
struct Cx<'a> {
    /// The model.
    model: &'a ActorModel,
    /// Its handlers, with their variants and keys.
    handlers: &'a [Handler<'a>],
    /// `<krate>::__private`.
    rt: TokenStream,
    /// The message enum, `CounterMsg`.
    msg: Ident,
    /// The enum's hidden variant for type parameters no handler mentions.
    phantom: message::Phantom<'a>,
}

impl<'a> Cx<'a> {
    fn new(valid: &'a Valid<'a>) -> Self {
        let model = valid.model;
        let krate = &model.krate;
        Cx {
            model,
            handlers: &valid.handlers,
            rt: quote!(#krate::__private),
            msg: naming::message_enum_ident(&model.rust_name),
            phantom: message::Phantom::new(model),
        }
    }
}
