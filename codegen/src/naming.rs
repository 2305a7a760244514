//! The naming scheme of generated items and of wire identities, and the checks for names that
//! would collide with it.
//!
//! For an actor `Counter` with a handler `add_item`, in package `demo.v1`:
//!
//! | item | name |
//! |---|---|
//! | message enum | `CounterMsg` |
//! | its variant for `add_item` | `AddItem` (PascalCase of the handler name) |
//! | the reply field of an ask variant | `reply` |
//! | typed handle | `CounterRef` |
//! | handle method for `add_item` | `add_item` |
//! | the actor's wire identity (`CounterMsg::WIRE_NAME`) | `demo.v1.Counter` ([`actor_wire_name`]) |
//! | the method's wire identity (`CounterMsg::wire_method`) | `demo.v1.Counter/AddItem` ([`method_wire_name`]) |
//! | its arguments message (a remote actor) | `demo.v1.CounterAddItemRequest` ([`request_message`]) |
//! | its reply message (an ask of a remote actor) | `demo.v1.CounterAddItemReply` ([`reply_message`]) |
//!
//! [`validate`](crate::validate()) rejects, with these helpers, a model whose names would clash
//! ([`reserved_handle_method`], [`variant_ident`], [`variant_collisions`]) or whose wire
//! identity is not well formed ([`is_wire_identifier`], [`is_package`], [`is_field_number`]).

use heck::ToUpperCamelCase;
use proc_macro2::{Ident, TokenStream};
use quote::{ToTokens, format_ident, quote};
use syn::ext::IdentExt;
use syn::{GenericArgument, GenericParam, Generics, Lifetime, PathArguments, Type, TypePath};

/// The field that carries the reply slot in an ask variant.
pub const REPLY_FIELD: &str = "reply";

/// The hidden variant that mentions type parameters no handler uses.
pub const PHANTOM_VARIANT: &str = "__RaktPhantom";

/// Methods every handle already has, with the item that defines them. A handler with one of
/// these names would shadow it (inherent methods win over trait methods).
pub const RESERVED_HANDLE_METHODS: &[(&str, &str)] = &[
    ("id", "ActorHandle::id"),
    ("path", "ActorHandle::path"),
    ("is_alive", "ActorHandle::is_alive"),
    ("stop", "ActorHandle::stop"),
    ("kill", "ActorHandle::kill"),
    ("pool", "ActorHandle::pool"),
    ("actor_ref", "ActorHandle::actor_ref"),
    ("from_actor_ref", "ActorHandle::from_actor_ref"),
    ("clone", "Clone::clone"),
    ("eq", "PartialEq::eq"),
    ("ne", "PartialEq::ne"),
    ("hash", "Hash::hash"),
    ("fmt", "Debug::fmt"),
];

/// The message enum of an actor: `Counter` -> `CounterMsg`.
pub fn message_enum_ident(actor: &Ident) -> Ident {
    format_ident!("{}Msg", actor, span = actor.span())
}

/// The typed handle of an actor: `Counter` -> `CounterRef`.
pub fn handle_ident(actor: &Ident) -> Ident {
    format_ident!("{}Ref", actor, span = actor.span())
}

/// The handle type for an actor type as written in an impl header: `Counter<T>` ->
/// `CounterRef<T>`, `super::Counter` -> `super::CounterRef`. A handle has no lifetime
/// parameters (an actor is `'static`), so lifetime arguments are left out:
/// `Borrower<'static>` -> `BorrowerRef`. `None` unless the type is a plain path.
pub fn handle_type(actor_ty: &Type) -> Option<Type> {
    let Type::Path(TypePath { qself: None, path }) = actor_ty else {
        return None;
    };
    let mut path = path.clone();
    let last = path.segments.last_mut()?;
    last.ident = handle_ident(&last.ident);
    if let PathArguments::AngleBracketed(args) = &mut last.arguments {
        args.args = std::mem::take(&mut args.args)
            .into_pairs()
            .filter(|pair| !matches!(pair.value(), GenericArgument::Lifetime(_)))
            .collect();
        if args.args.is_empty() {
            last.arguments = PathArguments::None;
        }
    }
    Some(Type::Path(TypePath { qself: None, path }))
}

/// The actor type for a struct or enum `name` with `generics`, as its handle names it:
/// `Counter<T, N>`, with `'static` for each lifetime parameter. (Lifetime parameters are an
/// error the front end reports; the handle is still generated, so that the rest of the crate
/// does not fail for want of it.)
pub fn actor_type(name: &Ident, generics: &Generics) -> Type {
    let args = generics.params.iter().map(|param| match param {
        GenericParam::Lifetime(lt) => {
            let statik = Lifetime::new("'static", lt.lifetime.span());
            quote!(#statik)
        }
        GenericParam::Type(t) => t.ident.to_token_stream(),
        GenericParam::Const(c) => c.ident.to_token_stream(),
    });
    let args: Vec<TokenStream> = args.collect();
    let tokens = if args.is_empty() {
        quote!(#name)
    } else {
        quote!(#name<#(#args),*>)
    };
    syn::parse2(tokens).unwrap_or_else(|_| Type::Verbatim(name.to_token_stream()))
}

/// The variant name for a handler name, as text: `add_item` -> `AddItem`, `r#type` -> `Type`.
pub fn variant_name(handler: &str) -> String {
    handler.trim_start_matches("r#").to_upper_camel_case()
}

/// The variant identifier for a handler, spanned like it. `None` when the PascalCase of the
/// name is not a usable identifier (`__` gives an empty name, `self_` gives `Self`).
pub fn variant_ident(handler: &Ident) -> Option<Ident> {
    let name = variant_name(&handler.unraw().to_string());
    let mut ident = syn::parse_str::<Ident>(&name).ok()?;
    ident.set_span(handler.span());
    Some(ident)
}

/// The item a handler named `name` would shadow on the handle, if any:
/// `reserved_handle_method("stop") == Some("ActorHandle::stop")`.
pub fn reserved_handle_method(name: &str) -> Option<&'static str> {
    let name = name.trim_start_matches("r#");
    RESERVED_HANDLE_METHODS
        .iter()
        .find(|(reserved, _)| *reserved == name)
        .map(|(_, owner)| *owner)
}

/// Pairs `(first, later)` of handler names (indices into `handlers`) that map to the same
/// variant name; every later handler is reported once, against the first one.
pub fn variant_collisions<S: AsRef<str>>(handlers: &[S]) -> Vec<(usize, usize)> {
    let variants: Vec<String> = handlers.iter().map(|h| variant_name(h.as_ref())).collect();
    let mut collisions = Vec::new();
    for (later, name) in variants.iter().enumerate() {
        if let Some(first) = variants[..later].iter().position(|v| v == name) {
            collisions.push((first, later));
        }
    }
    collisions
}

/// The largest protobuf field number, 2^29 - 1.
pub const MAX_FIELD_NUMBER: u32 = (1 << 29) - 1;

/// The field numbers protobuf reserves for its own implementation.
pub const RESERVED_FIELD_NUMBERS: std::ops::RangeInclusive<u32> = 19_000..=19_999;

/// The actor's wire identity: `demo.v1.Greeter` for package `demo.v1` and wire name `Greeter`,
/// `Greeter` without a package (the full name of a protobuf service).
pub fn actor_wire_name(package: &str, actor: &str) -> String {
    if package.is_empty() {
        actor.to_owned()
    } else {
        format!("{package}.{actor}")
    }
}

/// A method's wire identity, `<package>.<Actor>/<method>`: `demo.v1.Greeter/SayHello` (a gRPC
/// path without its leading `/`).
pub fn method_wire_name(package: &str, actor: &str, method: &str) -> String {
    format!("{}/{method}", actor_wire_name(package, actor))
}

/// The protobuf name of a method's arguments message, `demo.v1.GreeterSayHelloRequest`: in the
/// actor's package, named after the actor and the method, so that two actors of one package
/// can have methods of one name.
pub fn request_message(package: &str, actor: &str, method: &str) -> String {
    actor_wire_name(package, &format!("{actor}{method}Request"))
}

/// The protobuf name of an ask's reply message, `demo.v1.GreeterSayHelloReply`.
pub fn reply_message(package: &str, actor: &str, method: &str) -> String {
    actor_wire_name(package, &format!("{actor}{method}Reply"))
}

/// Whether `name` can be an actor's or a method's wire name: a letter or `_`, then letters,
/// digits and `_` (letters as in Rust identifiers, so every handler name qualifies).
pub fn is_wire_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|first| first.is_alphabetic() || first == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_')
}

/// Whether `package` is a package: empty (no package), or identifiers joined by dots,
/// `demo.v1`.
pub fn is_package(package: &str) -> bool {
    package.is_empty() || package.split('.').all(is_wire_identifier)
}

/// Whether `field` is a protobuf field number: 1 to [`MAX_FIELD_NUMBER`], outside
/// [`RESERVED_FIELD_NUMBERS`].
pub fn is_field_number(field: u32) -> bool {
    (1..=MAX_FIELD_NUMBER).contains(&field) && !RESERVED_FIELD_NUMBERS.contains(&field)
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::ToTokens;

    #[test]
    fn variant_names_are_pascal_case() {
        assert_eq!(variant_name("add"), "Add");
        assert_eq!(variant_name("add_item"), "AddItem");
        assert_eq!(variant_name("get_http_status"), "GetHttpStatus");
        assert_eq!(variant_name("add2"), "Add2");
        assert_eq!(variant_name("r#type"), "Type");
        assert_eq!(variant_name("_private"), "Private");
        assert_eq!(variant_name("addItem"), "AddItem");
    }

    #[test]
    fn variant_ident_rejects_unusable_names() {
        let ident = |s: &str| syn::parse_str::<Ident>(s).unwrap();
        assert_eq!(variant_ident(&ident("add_item")).unwrap(), "AddItem");
        assert_eq!(variant_ident(&ident("r#match")).unwrap(), "Match");
        assert!(variant_ident(&ident("__")).is_none(), "empty name");
        assert!(
            variant_ident(&ident("self_")).is_none(),
            "`Self` is a keyword"
        );
    }

    #[test]
    fn derived_type_names() {
        let counter: Ident = syn::parse_str("Counter").unwrap();
        assert_eq!(message_enum_ident(&counter), "CounterMsg");
        assert_eq!(handle_ident(&counter), "CounterRef");
        let raw: Ident = syn::parse_str("r#Gen").unwrap();
        assert_eq!(handle_ident(&raw), "GenRef");
    }

    #[test]
    fn handle_type_keeps_path_and_arguments() {
        let ty = |s: &str| syn::parse_str::<Type>(s).unwrap();
        let text = |t: Type| t.to_token_stream().to_string();
        assert_eq!(text(handle_type(&ty("Counter")).unwrap()), "CounterRef");
        assert_eq!(
            text(handle_type(&ty("super::Pool<T, 4>")).unwrap()),
            "super :: PoolRef < T , 4 >"
        );
        assert!(handle_type(&ty("(u8, u8)")).is_none());
        assert!(handle_type(&ty("<T as Tr>::Out")).is_none());
    }

    #[test]
    fn handles_have_no_lifetimes() {
        let ty = |s: &str| syn::parse_str::<Type>(s).unwrap();
        let text = |t: Type| t.to_token_stream().to_string();
        assert_eq!(
            text(handle_type(&ty("Borrower<'static>")).unwrap()),
            "BorrowerRef"
        );
        assert_eq!(
            text(handle_type(&ty("Borrower<'a, T>")).unwrap()),
            "BorrowerRef < T >"
        );
        let name: Ident = syn::parse_str("Borrower").unwrap();
        let generics: Generics = syn::parse_str("<'a, T: Clone, const N: usize>").unwrap();
        assert_eq!(
            text(actor_type(&name, &generics)),
            "Borrower < 'static , T , N >"
        );
        assert_eq!(text(actor_type(&name, &Generics::default())), "Borrower");
    }

    #[test]
    fn reserved_names() {
        for (name, _) in RESERVED_HANDLE_METHODS {
            assert!(reserved_handle_method(name).is_some(), "{name}");
        }
        assert_eq!(reserved_handle_method("stop"), Some("ActorHandle::stop"));
        assert_eq!(reserved_handle_method("r#fmt"), Some("Debug::fmt"));
        assert_eq!(reserved_handle_method("clone"), Some("Clone::clone"));
        assert_eq!(reserved_handle_method("add"), None);
        assert_eq!(reserved_handle_method("stopped"), None);
    }

    #[test]
    fn collisions_are_reported_against_the_first_name() {
        assert!(variant_collisions(&["add", "total", "reset"]).is_empty());
        assert_eq!(
            variant_collisions(&["add_item", "total", "addItem"]),
            vec![(0, 2)]
        );
        assert_eq!(
            variant_collisions(&["x", "_x", "x_", "y"]),
            vec![(0, 1), (0, 2)]
        );
    }

    #[test]
    fn wire_names() {
        assert_eq!(actor_wire_name("demo.v1", "Greeter"), "demo.v1.Greeter");
        assert_eq!(actor_wire_name("", "Greeter"), "Greeter");
        assert_eq!(
            method_wire_name("demo.v1", "Greeter", "SayHello"),
            "demo.v1.Greeter/SayHello"
        );
        assert_eq!(method_wire_name("", "Counter", "Add"), "Counter/Add");
        assert_eq!(
            request_message("demo.v1", "Greeter", "SayHello"),
            "demo.v1.GreeterSayHelloRequest"
        );
        assert_eq!(reply_message("", "Counter", "Total"), "CounterTotalReply");
        for good in ["Greeter", "_x", "say_hello2", "Zähler"] {
            assert!(is_wire_identifier(good), "{good}");
        }
        for bad in ["", "2x", "a.b", "a/b", "a b", "a-b"] {
            assert!(!is_wire_identifier(bad), "{bad:?}");
        }
        assert!(is_package("") && is_package("demo") && is_package("demo.v1"));
        assert!(!is_package(".demo") && !is_package("demo.") && !is_package("demo..v1"));
        assert!(!is_package("demo/v1") && !is_package("1demo"));
    }

    #[test]
    fn field_numbers() {
        assert!(is_field_number(1) && is_field_number(18_999) && is_field_number(20_000));
        assert!(is_field_number(MAX_FIELD_NUMBER));
        assert!(!is_field_number(0) && !is_field_number(MAX_FIELD_NUMBER + 1));
        assert!(!is_field_number(19_000) && !is_field_number(19_999));
    }
}
