//! The wire codecs of a remote actor: `impl RemoteActor`, which decodes a call from the wire
//! into the actor's message and encodes a message (and its reply) for the wire.
//!
//! Each argument and reply value gets a codec function (`fn __rakt_codec_1_0() -> impl
//! Codec<Value = Order>`) that builds its codec from `rakt::wire`'s pieces, as the model's
//! [`WireType`] says. A leaf (a path the front end could not read) is probed where it is
//! compiled (`(&&&&Probe::<Order>::new()).__rakt_codec()`), and the probe's answer goes
//! through an assertion located at the leaf's type, whose trait is local to the function and
//! names the argument in its `on_unimplemented` message: a type that cannot travel is one
//! error, at its argument's type, and names the argument. The functions and the impl sit in a
//! `const _: () = { .. };` block.

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{format_ident, quote};
use syn::Type;
use syn::ext::IdentExt;
use syn::spanned::Spanned;

use super::Cx;
use super::tokens::relocate;
use crate::model::{Answer, GrpcShape};
use crate::naming;
use crate::validate::Handler;
use crate::wire::{self, MapKind, WireType};

/// What the assertion's note lists: the types that travel.
const TRAVELS: &str = "a remote handler takes and returns `bool`, `u32`, `u64`, `i32`, `i64`, \
                       `f32`, `f64`, `String`, `Vec<u8>`, `bytes::Bytes`, `Vec<T>`, `Option<T>`, \
                       `HashMap<K, V>`, `BTreeMap<K, V>`, `#[derive(prost::Message)]` types and \
                       `#[derive(prost::Enumeration)]` types";

/// The paragraph of the handle's docs with the actor's wire schema, for a remote actor.
pub(super) fn schema_doc(cx: &Cx) -> Option<TokenStream> {
    let schema = wire::schema(cx.model)?;
    let intro = match cx.model.schema {
        Some(_) => " The `.proto` file of the service (`RemoteActor::PROTO`):",
        None => {
            " What a peer sends and receives (`RemoteActor::PROTO`; prost messages and enums by \
             their Rust names, defined elsewhere):"
        }
    };
    let mut lines = vec![
        String::new(),
        " # Wire schema".to_owned(),
        String::new(),
        intro.to_owned(),
        String::new(),
        " ```proto".to_owned(),
    ];
    lines.extend(schema.lines().map(|line| format!(" {line}")));
    lines.push(" ```".to_owned());
    Some(quote!(#(#[doc = #lines])*))
}

/// `impl RemoteActor` and its codec functions, for a remote actor; nothing otherwise.
pub(super) fn generate(cx: &Cx) -> Option<TokenStream> {
    let model = cx.model;
    if !model.remote {
        return None;
    }
    let w = {
        let rt = &cx.rt;
        quote!(#rt::wire)
    };
    let Cx { msg, .. } = cx;
    let self_ty = &model.self_ty;
    let package = &model.package;
    let service = naming::actor_wire_name(package, &model.proto_name);
    let proto = wire::schema(model).unwrap_or_default();
    let descriptor = Literal::byte_string(&wire::file_descriptor_set(model).unwrap_or_default());
    let local = |name: &str| Ident::new(name, Span::mixed_site());
    let (method, payload, message) = (
        local("__rakt_method"),
        local("__rakt_payload"),
        local("__rakt_msg"),
    );

    // The constructor of each `WireMethod`, after what a plain gRPC client sends.
    let shape = match model.grpc_shape {
        GrpcShape::Messages => local("new"),
        GrpcShape::Unwrapped => local("unwrapped"),
    };
    let mut codec_fns = Vec::new();
    let mut methods = Vec::new();
    let mut decode_arms = Vec::new();
    let mut encode_arms = Vec::new();
    for (index, h) in cx.handlers.iter().enumerate() {
        // Every handler of a valid remote model has its wire types.
        let Some(wire) = &h.wire else { continue };
        let names = Names::new(cx, h, index);
        let subject = |what: &str| format!("{what} of `{}`", h.rust_name.unraw());
        for ((arg, ty), codec) in h.args.iter().zip(&wire.args).zip(&names.args) {
            let what = subject(&format!("argument `{}`", arg.name.unraw()));
            codec_fns.push(codec_fn(codec, &arg.ty, ty, &what, &w));
        }
        if let (Some(ok), Some((ok_fn, err_fn))) = (&wire.ok, &names.reply) {
            let (ok_ty, err_ty) = wire::reply_types(&h.reply);
            if let Some(ok_ty) = ok_ty {
                let what = match h.reply.answer() {
                    Answer::Stream => "the items",
                    _ => "the reply",
                };
                codec_fns.push(codec_fn(ok_fn, ok_ty, ok, &subject(what), &w));
            }
            codec_fns.push(error_fn(err_fn, err_ty, &w));
        }
        let cfg = &h.cfg_attrs;
        let (path, name, request) = (&names.path, &names.method, &names.request);
        let reply = match &names.reply_message {
            Some(reply) => quote!(::core::option::Option::Some(#reply)),
            None => quote!(::core::option::Option::None),
        };
        // A streaming ask is a server-streaming method: each item is one reply message.
        let streaming = (h.reply.answer() == Answer::Stream).then(|| quote!(.streaming()));
        methods.push(quote! {
            #(#cfg)* #w::WireMethod::#shape(#path, #name, #request, #reply) #streaming
        });
        decode_arms.push(decode_arm(h, &names, msg, &payload, &w));
        encode_arms.push(encode_arm(h, &names, msg, &w));
    }

    Some(quote! {
        const _: () = {
            #(#codec_fns)*

            #[automatically_derived]
            impl #w::RemoteActor for #self_ty {
                const PACKAGE: &'static str = #package;
                const SERVICE: &'static str = #service;
                const METHODS: &'static [#w::WireMethod] = &[#(#methods),*];
                const PROTO: &'static str = #proto;
                const FILE_DESCRIPTOR_SET: &'static [u8] = #descriptor;

                fn decode_call(
                    #method: &str,
                    #payload: &[u8],
                ) -> ::core::result::Result<#w::Call<Self>, #w::WireError> {
                    match #method {
                        #(#decode_arms)*
                        _ => ::core::result::Result::Err(#w::WireError::unknown_method(
                            <Self as #w::RemoteActor>::SERVICE,
                            #method,
                        )),
                    }
                }

                fn encode_call(#message: #msg) -> #w::Outgoing {
                    match #message {
                        #(#encode_arms)*
                    }
                }
            }
        };
    })
}

/// The names of one handler's wire items.
struct Names {
    /// `shop.v1.Shop/Place`
    path: String,
    /// `Place`
    method: String,
    /// `shop.v1.ShopPlaceRequest`
    request: String,
    /// `shop.v1.ShopPlaceReply`, for an ask.
    reply_message: Option<String>,
    /// Each argument's codec function.
    args: Vec<Ident>,
    /// The reply's value and error codec functions, for an ask.
    reply: Option<(Ident, Ident)>,
}

impl Names {
    fn new(cx: &Cx, h: &Handler, index: usize) -> Self {
        let model = cx.model;
        let (package, actor, method) = (&model.package, &model.proto_name, &h.proto_name);
        let local = |name: String| Ident::new(&name, Span::mixed_site());
        let is_ask = h.reply.answer().is_ask();
        Names {
            path: naming::method_wire_name(package, actor, method),
            method: method.clone(),
            request: naming::request_message(package, actor, method),
            reply_message: is_ask.then(|| naming::reply_message(package, actor, method)),
            args: (0..h.args.len())
                .map(|arg| local(format!("__rakt_codec_{index}_{arg}")))
                .collect(),
            reply: is_ask.then(|| {
                (
                    local(format!("__rakt_ok_{index}")),
                    local(format!("__rakt_error_{index}")),
                )
            }),
        }
    }
}

/// The codec of `wire` as an expression; a leaf goes through the probe and `check`.
fn codec_expr(wire: &WireType, check: &Ident, w: &TokenStream) -> TokenStream {
    match wire {
        WireType::Scalar(scalar) => {
            let codec = format_ident!("{}", scalar.codec());
            quote!(#w::#codec)
        }
        WireType::Leaf(ty) => relocate(
            quote!(#check((&&&&#w::Probe::<#ty>::new()).__rakt_codec())),
            ty.span(),
        ),
        WireType::Repeated(inner) => {
            let inner = codec_expr(inner, check, w);
            quote!(#w::Repeated(#inner))
        }
        WireType::Optional(inner) => {
            let inner = codec_expr(inner, check, w);
            quote!(#w::Optional(#inner))
        }
        WireType::Map { kind, key, value } => {
            let map = match kind {
                MapKind::Hash => quote!(HashMapCodec),
                MapKind::BTree => quote!(BTreeMapCodec),
            };
            let key = codec_expr(&WireType::Scalar(*key), check, w);
            let value = codec_expr(value, check, w);
            quote!(#w::#map(#key, #value))
        }
        WireType::Unit => quote!(#w::Unit),
    }
}

/// `fn name() -> impl Codec<Value = ty>`: the codec of an argument or a reply value. When
/// the type has a leaf, the function declares the assertion that the leaf's codec is real,
/// with `subject` ("argument `order` of `place`") in its message.
fn codec_fn(
    name: &Ident,
    ty: &Type,
    wire: &WireType,
    subject: &str,
    w: &TokenStream,
) -> TokenStream {
    let check = Ident::new("__rakt_travels", Span::mixed_site());
    let assertion = wire.leaf().map(|leaf| {
        let message = format!(
            "{subject} cannot travel on the wire: `{}` is neither a protobuf scalar nor a prost \
             message or enum",
            wire::type_text(leaf)
        );
        quote! {
            #[diagnostic::on_unimplemented(
                message = #message,
                label = "not a protobuf type",
                note = #TRAVELS
            )]
            trait __RaktTravels {}
            impl<C: #w::Encodes> __RaktTravels for C {}
            fn #check<C: __RaktTravels>(codec: C) -> C {
                codec
            }
            #[allow(unused_imports)]
            use #w::{ProbeEnum as _, ProbeExact as _, ProbeMessage as _, ProbeNone as _};
        }
    });
    let codec = codec_expr(wire, &check, w);
    quote! {
        fn #name() -> impl #w::Codec<Value = #ty> {
            #assertion
            #codec
        }
    }
}

/// `fn name() -> impl ErrorCodec<Error = E>`: how a handler's error travels. A type read by
/// name travels typed; any other is probed (typed if it can travel, else its text).
fn error_fn(name: &Ident, err: Option<&Type>, w: &TokenStream) -> TokenStream {
    let Some(err) = err else {
        return quote! {
            fn #name() -> impl #w::ErrorCodec<Error = ::core::convert::Infallible> {
                #w::NoError
            }
        };
    };
    let body = match wire::classify(err) {
        Ok(WireType::Scalar(scalar)) => {
            let codec = format_ident!("{}", scalar.codec());
            quote!(#w::Typed(#w::#codec))
        }
        Ok(WireType::Unit) => quote!(#w::Typed(#w::Unit)),
        _ => quote! {
            #[allow(unused_imports)]
            use #w::{
                ErrorDebug as _, ErrorDisplay as _, ErrorEnum as _, ErrorExact as _,
                ErrorMessage as _, ErrorName as _,
            };
            (&&&&&&#w::ErrorProbe::<#err>::new()).__rakt_error_codec()
        },
    };
    quote! {
        fn #name() -> impl #w::ErrorCodec<Error = #err> {
            #body
        }
    }
}

/// The fields of a handler's arguments, in field order: (name, field number, codec function).
fn fields<'h>(h: &'h Handler, names: &'h Names) -> Vec<(&'h Ident, Literal, &'h Ident)> {
    let mut fields: Vec<_> = h
        .args
        .iter()
        .zip(&names.args)
        .map(|(arg, codec)| (arg.field, &arg.name, codec))
        .collect();
    fields.sort_by_key(|(field, ..)| *field);
    fields
        .into_iter()
        .map(|(field, name, codec)| (name, Literal::u32_unsuffixed(field), codec))
        .collect()
}

/// The `decode_call` arm of one handler: its arguments from the payload, the message, and for
/// an ask the reply slot and the reply that encodes what it receives (for a streaming ask, the
/// stream slot and the stream that encodes each item and the end).
fn decode_arm(
    h: &Handler,
    names: &Names,
    msg: &Ident,
    payload: &Ident,
    w: &TokenStream,
) -> TokenStream {
    let local = |name: &str| Ident::new(name, Span::mixed_site());
    let (tag, wire_type, buf, ctx) = (
        local("__rakt_tag"),
        local("__rakt_wire_type"),
        local("__rakt_buf"),
        local("__rakt_ctx"),
    );
    let codecs: Vec<Ident> = (0..h.args.len())
        .map(|i| local(&format!("__rakt_c{i}")))
        .collect();
    let codec_fns = &names.args;
    let args: Vec<&Ident> = h.args.iter().map(|a| &a.name).collect();
    let fields = h.args.iter().map(|a| Literal::u32_unsuffixed(a.field));
    let read = if args.is_empty() {
        quote!(#w::skip(#tag, #wire_type, #buf, #ctx))
    } else {
        quote! {
            match #tag {
                #(#fields => #w::Codec::merge(&#codecs, #wire_type, &mut #args, #buf, #ctx),)*
                _ => #w::skip(#tag, #wire_type, #buf, #ctx),
            }
        }
    };
    let request = &names.request;
    let variant = &h.variant;
    let build = match &names.reply {
        None => quote! {
            ::core::result::Result::Ok(#w::Call::tell(#msg::#variant { #(#args),* }))
        },
        Some((ok_fn, err_fn)) if h.reply.answer() == Answer::Stream => {
            let (reply, pending) = (local("__rakt_reply"), local("__rakt_pending"));
            let reply_field = format_ident!("{}", naming::REPLY_FIELD);
            quote! {
                let (#reply, #pending) = #w::EncodedStream::channel(#ok_fn(), #err_fn());
                ::core::result::Result::Ok(#w::Call::stream(
                    #msg::#variant { #(#args,)* #reply_field: #reply },
                    #pending,
                ))
            }
        }
        Some((ok_fn, err_fn)) => {
            let (reply, pending) = (local("__rakt_reply"), local("__rakt_pending"));
            let reply_field = format_ident!("{}", naming::REPLY_FIELD);
            quote! {
                let (#reply, #pending) = #w::EncodedReply::channel(#ok_fn(), #err_fn());
                ::core::result::Result::Ok(#w::Call::ask(
                    #msg::#variant { #(#args,)* #reply_field: #reply },
                    #pending,
                ))
            }
        }
    };
    let cfg = &h.cfg_attrs;
    let path = &names.path;
    quote! {
        #(#cfg)*
        #path => {
            #(let #codecs = #codec_fns();)*
            #(let mut #args = #w::Codec::empty(&#codecs);)*
            #w::decode_message(#request, #payload, |#tag, #wire_type, #buf, #ctx| #read)?;
            #build
        }
    }
}

/// The `encode_call` arm of one handler: the arguments in field order, and for an ask the
/// caller's slot in a settler that reads the reply (for a streaming ask, each item reply and
/// the end).
fn encode_arm(h: &Handler, names: &Names, msg: &Ident, w: &TokenStream) -> TokenStream {
    let local = |name: &str| Ident::new(name, Span::mixed_site());
    let buf = local("__rakt_buf");
    let variant = &h.variant;
    let cfg = &h.cfg_attrs;
    let path = &names.path;
    let args: Vec<&Ident> = h.args.iter().map(|a| &a.name).collect();
    let fields = fields(h, names);
    let codecs: Vec<Ident> = (0..fields.len())
        .map(|i| local(&format!("__rakt_c{i}")))
        .collect();
    let (field_args, numbers, codec_fns): (Vec<_>, Vec<_>, Vec<_>) =
        fields
            .into_iter()
            .fold(Default::default(), |mut acc, (a, n, c)| {
                acc.0.push(a);
                acc.1.push(n);
                acc.2.push(c);
                acc
            });
    let write = if args.is_empty() {
        quote!(let #buf = ::std::vec::Vec::new();)
    } else {
        quote! {
            #(let #codecs = #codec_fns();)*
            let mut #buf = ::std::vec::Vec::with_capacity(
                0 #(+ #w::Codec::encoded_len(&#codecs, #numbers, &#field_args))*
            );
            #(#w::Codec::encode(&#codecs, #numbers, &#field_args, &mut #buf);)*
        }
    };
    let (bind_reply, send) = match (&names.reply, &names.reply_message) {
        (Some((ok_fn, err_fn)), Some(reply_message)) if h.reply.answer() == Answer::Stream => {
            let reply = local("__rakt_reply");
            let reply_field = format_ident!("{}", naming::REPLY_FIELD);
            (
                Some(quote!(#reply_field: #reply)),
                quote! {
                    #w::Outgoing::stream(
                        #path,
                        #buf,
                        #w::StreamSettler::new(#reply, #ok_fn(), #err_fn(), #reply_message),
                    )
                },
            )
        }
        (Some((ok_fn, err_fn)), Some(reply_message)) => {
            let reply = local("__rakt_reply");
            let reply_field = format_ident!("{}", naming::REPLY_FIELD);
            (
                Some(quote!(#reply_field: #reply)),
                quote! {
                    #w::Outgoing::ask(
                        #path,
                        #buf,
                        #w::ReplySettler::new(#reply, #ok_fn(), #err_fn(), #reply_message),
                    )
                },
            )
        }
        _ => (None, quote!(#w::Outgoing::tell(#path, #buf))),
    };
    let bind = args.iter().map(|a| quote!(#a)).chain(bind_reply);
    quote! {
        #(#cfg)*
        #msg::#variant { #(#bind),* } => {
            #write
            #send
        }
    }
}
