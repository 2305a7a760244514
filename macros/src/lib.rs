//! Procedural macros of rakt. Use them through the `rakt` crate (`rakt::actor`), which documents
//! them; this crate is an implementation detail and its version is pinned by `rakt`.
//!
//! The pipeline, one file per step: `attr` parses the options, `ast` models the input
//! (keeping the original `syn` nodes for spans), `valid` checks what is about Rust syntax,
//! `lower` turns it into the neutral [`rakt_codegen::ActorModel`], and `repair` has the shared
//! generator validate and expand it, reporting the model's errors at the user's tokens;
//! `expand` runs the steps and emits the tokens.

mod ast;
mod attr;
mod ctxt;
mod expand;
mod lower;
mod repair;
#[cfg(test)]
mod tests;
mod valid;

use proc_macro::TokenStream;

/// Declares an actor: on a struct or enum it adds the typed handle (`CounterRef`), on an
/// inherent impl block the message enum (`CounterMsg`), the dispatch and the handle's methods.
/// Documented on the `rakt` re-export.
#[proc_macro_attribute]
pub fn actor(attr: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(attr.into(), item.into()).into()
}
