//! The prost-build [`ServiceGenerator`](prost_build::ServiceGenerator) of the front end: for
//! each service, tonic's client and server (from tonic-prost-build's own generator), then the
//! actor items: the service trait, its object-safe twin, the concrete actor, and what
//! [`generate_handle`] and [`generate_actor`] emit from the [`ActorModel`] the service fills.

use std::cell::RefCell;
use std::rc::Rc;

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};
use syn::{Path, Type, parse_quote};

use super::descriptor::{Index, ServiceInfo};
use super::error::{ServiceError, ServiceErrorKind};
use crate::error::ModelItem;
use crate::model::{
    ActorModel, ArgModel, GrpcShape, HandleModel, HandlerModel, HookModel, Hooks, ReplyKind,
};
use crate::{generate_actor, generate_handle, naming};

/// The lifecycle hooks of a service trait, as `Actor` names them; each has a default that
/// does nothing.
const HOOKS: [&str; 3] = ["pre_start", "post_start", "post_stop"];

/// What each hook's docs say it does.
const HOOK_DOCS: [&str; 3] = [
    " Runs when the actor starts, before its first message; an error stops the actor. Does \
     nothing by default.",
    " Runs once the actor is started and reachable, before its first message; an error stops \
     the actor. Does nothing by default.",
    " Runs last, after the actor stopped; an error is logged. Does nothing by default.",
];

/// What every service of one run shares.
pub(super) struct Shared {
    /// Where the services are written, and their schemas.
    pub index: Index,
    /// The errors found so far.
    pub errors: RefCell<Vec<ServiceError>>,
}

/// The service generator handed to prost-build.
pub(super) struct ActorServices {
    /// tonic-prost-build's generator (client and server), when either is on.
    pub tonic: Option<Box<dyn prost_build::ServiceGenerator>>,
    /// The runtime crate's path.
    pub krate: Path,
    /// The run's index and errors.
    pub shared: Rc<Shared>,
}

impl prost_build::ServiceGenerator for ActorServices {
    fn generate(&mut self, service: prost_build::Service, buf: &mut String) {
        let name = naming::actor_wire_name(&service.package, &service.proto_name);
        let Some(info) = self.shared.index.service(&name) else {
            // Every service prost-build sees comes from the indexed set.
            return;
        };
        if let Some(tonic) = &mut self.tonic {
            tonic.generate(service.clone(), buf);
        }
        // A client- or bidirectional streaming rpc is reported before prost-build runs:
        // nothing to add.
        if info
            .rpcs
            .iter()
            .any(|rpc| rpc.streaming.is_some_and(|s| !s.is_supported()))
        {
            return;
        }
        match actor_items(&service, info, &self.krate) {
            Ok(tokens) => buf.push_str(&tokens.to_string()),
            Err(errors) => self.shared.errors.borrow_mut().extend(errors),
        }
    }

    fn finalize(&mut self, buf: &mut String) {
        if let Some(tonic) = &mut self.tonic {
            tonic.finalize(buf);
        }
    }

    fn finalize_package(&mut self, package: &str, buf: &mut String) {
        if let Some(tonic) = &mut self.tonic {
            tonic.finalize_package(package, buf);
        }
    }
}

/// An identifier from prost-build's Rust spelling of a name, `r#type` included.
fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// A Rust type as prost-build spells it (`DepositRequest`, `super::common::Money`, `()`).
/// prost-build's own output names the same type, so it parses; if it ever did not, the type
/// becomes a `compile_error!` that quotes it, rather than a panic here.
fn rust_type(text: &str) -> Type {
    syn::parse_str(text).unwrap_or_else(|_| {
        let message = format!("rakt-codegen: `{text}` is not a Rust type");
        parse_quote!(::core::compile_error!(#message))
    })
}

/// Doc lines as the model keeps them, `" Greets."`, from prost-build's comment lines.
fn doc_lines(lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .map(|line| match line.starts_with(' ') || line.is_empty() {
            true => line.clone(),
            false => format!(" {line}"),
        })
        .collect()
}

/// `#[doc = ..]` attributes, one a line.
fn docs(lines: &[String]) -> TokenStream {
    let lines = doc_lines(lines);
    quote!(#(#[doc = #lines])*)
}

/// One rpc, as the items need it.
struct Rpc<'a> {
    /// prost-build's view of it.
    method: &'a prost_build::Method,
    /// `deposit`
    name: Ident,
    /// The request type; `None` for `google.protobuf.Empty` (`()`), which the trait method
    /// does not take.
    request: Option<Type>,
    /// The response type: the reply, or each item of a server-streaming rpc.
    response: Type,
    /// Whether the rpc is server-streaming: its handler takes a `StreamSlot` of responses.
    stream: bool,
}

/// The service's items, or the model's errors at the service's rpcs.
fn actor_items(
    service: &prost_build::Service,
    info: &ServiceInfo,
    krate: &Path,
) -> Result<TokenStream, Vec<ServiceError>> {
    let rpcs: Vec<Rpc> = service
        .methods
        .iter()
        .map(|method| {
            let request = rust_type(&method.input_type);
            let unit = matches!(&request, Type::Tuple(tuple) if tuple.elems.is_empty());
            Rpc {
                method,
                name: ident(&method.name),
                request: (!unit).then_some(request),
                response: rust_type(&method.output_type),
                stream: method.server_streaming,
            }
        })
        .collect();
    let service_name = ident(&service.name);
    let wire_name = naming::actor_wire_name(&service.package, &service.proto_name);
    let hook_names: Vec<ServiceError> = rpcs
        .iter()
        .zip(&info.rpcs)
        .filter(|(rpc, _)| HOOKS.contains(&rpc.method.name.as_str()))
        .map(|(rpc, at)| ServiceError {
            file: info.file.clone(),
            line: at.line,
            service: wire_name.clone(),
            rpc: Some(at.name.clone()),
            kind: ServiceErrorKind::HookName(rpc.method.name.clone()),
        })
        .collect();
    if !hook_names.is_empty() {
        return Err(hook_names);
    }
    let model = model(service, info, &rpcs, krate);
    let actor = generate_actor(&model).map_err(|errors| {
        errors
            .into_iter()
            .map(|error| {
                let rpc = match error.item {
                    ModelItem::Actor | ModelItem::Package | ModelItem::Generics => None,
                    ModelItem::Handler(h)
                    | ModelItem::Argument { handler: h, .. }
                    | ModelItem::ArgumentType { handler: h, .. }
                    | ModelItem::Reply(h)
                    | ModelItem::State { handler: h, .. }
                    | ModelItem::Route(h)
                    | ModelItem::Alternative { handler: h, .. }
                    | ModelItem::AlternativeArgument { handler: h, .. }
                    | ModelItem::AlternativeReply { handler: h, .. }
                    | ModelItem::AlternativeState { handler: h, .. } => info.rpcs.get(h),
                    ModelItem::StandIn(_) => None,
                };
                ServiceError {
                    file: info.file.clone(),
                    line: rpc.map_or(info.line, |rpc| rpc.line),
                    service: wire_name.clone(),
                    rpc: rpc.map(|rpc| rpc.name.clone()),
                    kind: ServiceErrorKind::Model(error),
                }
            })
            .collect::<Vec<_>>()
    })?;
    let handle = generate_handle(&HandleModel {
        rust_name: service_name.clone(),
        actor_ty: model.self_ty.clone(),
        vis: parse_quote!(pub),
        generics: Default::default(),
        where_clause: None,
        mailbox: None,
        krate: krate.clone(),
    });
    let front = front_items(service, &rpcs, &service_name, krate);
    Ok(unlinted(quote! {
        #front
        #handle
        #actor
    }))
}

/// `items` with clippy's lints off on each item. Code a macro expands is not linted, but an
/// `include!`d file is, and the generator's idioms (autoref probes, `0 + len` sums) are not
/// the user's to fix.
fn unlinted(items: TokenStream) -> TokenStream {
    let Ok(mut file) = syn::parse2::<syn::File>(items.clone()) else {
        return items;
    };
    let allow: syn::Attribute =
        parse_quote!(#[allow(clippy::all, clippy::pedantic, clippy::nursery)]);
    for item in &mut file.items {
        if let Some(attrs) = item_attrs(item) {
            attrs.push(allow.clone());
        }
    }
    quote!(#file)
}

/// The attributes of the kinds of item the front end emits.
fn item_attrs(item: &mut syn::Item) -> Option<&mut Vec<syn::Attribute>> {
    Some(match item {
        syn::Item::Const(item) => &mut item.attrs,
        syn::Item::Enum(item) => &mut item.attrs,
        syn::Item::Impl(item) => &mut item.attrs,
        syn::Item::Struct(item) => &mut item.attrs,
        syn::Item::Trait(item) => &mut item.attrs,
        _ => return None,
    })
}

/// The actor model of the service: the concrete actor `AccountActor`, one async handler per
/// rpc that takes the request and the context and answers `Result<Response, Status>`, or, for
/// a server-streaming rpc, takes the request, a `StreamSlot<Response, Status>` and the context.
fn model(
    service: &prost_build::Service,
    info: &ServiceInfo,
    rpcs: &[Rpc],
    krate: &Path,
) -> ActorModel {
    let name = ident(&service.name);
    let actor = format_ident!("{}Actor", service.name);
    let status: Type = parse_quote!(#krate::wire::Status);
    let handlers = rpcs
        .iter()
        .map(|rpc| {
            // The request (if any), the stream slot (if any), then the context.
            let after_request = usize::from(rpc.request.is_some());
            let (reply, ctx_position) = match rpc.stream {
                true => (
                    ReplyKind::Stream {
                        item: rpc.response.clone(),
                        err: Some(status.clone()),
                        slot: format_ident!("items"),
                        position: after_request,
                    },
                    after_request + 1,
                ),
                false => (
                    ReplyKind::AskResult {
                        ok: rpc.response.clone(),
                        err: status.clone(),
                    },
                    after_request,
                ),
            };
            (rpc, reply, ctx_position)
        })
        .map(|(rpc, reply, ctx_position)| HandlerModel {
            rust_name: rpc.name.clone(),
            proto_name: rpc.method.proto_name.clone(),
            vis: parse_quote!(pub),
            docs: doc_lines(&rpc.method.comments.leading),
            cfg_attrs: Vec::new(),
            handle_attrs: Vec::new(),
            is_async: true,
            ctx_position: Some(ctx_position),
            args: rpc
                .request
                .iter()
                .map(|ty| ArgModel {
                    name: format_ident!("req"),
                    ty: ty.clone(),
                    field: 1,
                })
                .collect(),
            reply,
            states: None,
            alternatives: Vec::new(),
            route: None,
        })
        .collect();
    ActorModel {
        rust_name: name.clone(),
        package: service.package.clone(),
        remote: true,
        proto_name: service.proto_name.clone(),
        self_ty: parse_quote!(#actor),
        handle_ty: {
            let handle = naming::handle_ident(&name);
            parse_quote!(#handle)
        },
        generics: Default::default(),
        where_clause: None,
        docs: doc_lines(&service.comments.leading),
        handlers,
        stand_ins: Vec::new(),
        hooks: {
            let hook = |name: &str| {
                Some(HookModel {
                    rust_name: format_ident!("{name}"),
                    is_async: true,
                    takes_ctx: true,
                    returns_result: true,
                })
            };
            Hooks {
                pre_start: hook(HOOKS[0]),
                post_start: hook(HOOKS[1]),
                post_stop: hook(HOOKS[2]),
            }
        },
        behaviour: None,
        stash_capacity: None,
        krate: krate.clone(),
        grpc_shape: GrpcShape::Unwrapped,
        schema: Some(info.schema.clone()),
    }
}

/// A method of the service trait, forwarded by the actor to its boxed implementation.
struct Forwarded {
    /// Its docs.
    docs: TokenStream,
    /// `deposit`
    name: Ident,
    /// `req: DepositRequest,` for an rpc that takes a request, then
    /// `items: StreamSlot<Entry, Status>,` for a server-streaming rpc.
    params: TokenStream,
    /// `req,` and `items,`, likewise.
    args: TokenStream,
    /// `Result<DepositReply, Status>`, or `()` for a server-streaming rpc.
    result: TokenStream,
    /// Whether `result` is `()`.
    unit: bool,
    /// Its default body, for a hook.
    default: Option<TokenStream>,
}

/// The items a `.proto` service has and an `#[actor]` impl block does not: the trait the user
/// implements (`Account`), its object-safe twin (`ErasedAccount`), and the concrete actor
/// (`AccountActor`) whose handlers call the boxed implementation.
fn front_items(
    service: &prost_build::Service,
    rpcs: &[Rpc],
    name: &Ident,
    krate: &Path,
) -> TokenStream {
    let actor = format_ident!("{}Actor", service.name);
    let erased = format_ident!("Erased{}", service.name);
    let handle = naming::handle_ident(name);
    let wire_name = naming::actor_wire_name(&service.package, &service.proto_name);
    let ctx = quote!(&mut #krate::Ctx<#actor>);
    let status = quote!(#krate::wire::Status);
    let service_docs = docs(&service.comments.leading);
    let separator = (!service.comments.leading.is_empty()).then(|| quote!(#[doc = ""]));
    let trait_doc = format!(
        " The `{wire_name}` service, as an actor: implement it, and spawn the implementation as \
         a [`{actor}`], whose handle is [`{handle}`]. Generated by rakt-codegen."
    );
    let actor_doc = format!(
        " The actor of the `{wire_name}` service: an implementation of [`{name}`], boxed. \
         Spawning it gives a [`{handle}`]. Generated by rakt-codegen."
    );

    // Every method of the trait, each forwarded from the actor through the boxed twin: the
    // rpcs, then the hooks (which have a default body).
    let mut methods = Vec::new();
    for rpc in rpcs {
        let response = &rpc.response;
        let (mut params, mut args) = match &rpc.request {
            Some(request) => (quote!(req: #request,), quote!(req,)),
            None => (TokenStream::new(), TokenStream::new()),
        };
        let result = match rpc.stream {
            true => {
                params.extend(quote!(items: #krate::StreamSlot<#response, #status>,));
                args.extend(quote!(items,));
                quote!(())
            }
            false => quote!(::core::result::Result<#response, #status>),
        };
        let docs = match rpc.method.comments.leading.is_empty() {
            true => {
                let doc = format!(" The `{}` rpc.", rpc.method.proto_name);
                quote!(#[doc = #doc])
            }
            false => docs(&rpc.method.comments.leading),
        };
        methods.push(Forwarded {
            docs,
            name: rpc.name.clone(),
            params,
            args,
            result,
            unit: rpc.stream,
            default: None,
        });
    }
    for (hook, doc) in HOOKS.iter().zip(HOOK_DOCS) {
        methods.push(Forwarded {
            docs: quote!(#[doc = #doc]),
            name: format_ident!("{hook}"),
            params: TokenStream::new(),
            args: TokenStream::new(),
            result: quote!(::core::result::Result<(), #status>),
            unit: false,
            default: Some(quote! {
                let _ = ctx;
                async { ::core::result::Result::Ok(()) }
            }),
        });
    }

    let mut trait_fns = Vec::new();
    let mut erased_fns = Vec::new();
    let mut erased_impls = Vec::new();
    let mut handlers = Vec::new();
    for Forwarded {
        docs,
        name: method,
        params: param,
        args: arg,
        result,
        unit,
        default,
    } in &methods
    {
        let future = quote!(impl ::core::future::Future<Output = #result> + ::core::marker::Send);
        trait_fns.push(match default {
            Some(body) => quote! {
                #docs
                fn #method(&mut self, #param ctx: #ctx) -> #future { #body }
            },
            None => quote! {
                #docs
                fn #method(&mut self, #param ctx: #ctx) -> #future;
            },
        });
        let erased_sig = quote! {
            fn #method<'a>(
                &'a mut self,
                #param
                ctx: &'a mut #krate::Ctx<#actor>,
            ) -> ::core::pin::Pin<::std::boxed::Box<
                dyn ::core::future::Future<Output = #result> + ::core::marker::Send + 'a,
            >>
        };
        erased_fns.push(quote!(#erased_sig;));
        erased_impls.push(quote! {
            #erased_sig {
                ::std::boxed::Box::pin(<__RaktImpl as #name>::#method(self, #arg ctx))
            }
        });
        let returns = (!unit).then(|| quote!(-> #result));
        handlers.push(quote! {
            async fn #method(&mut self, #param ctx: &mut #krate::Ctx<Self>) #returns {
                self.inner.#method(#arg ctx).await
            }
        });
    }

    quote! {
        #service_docs
        #separator
        #[doc = #trait_doc]
        pub trait #name: ::core::marker::Send + 'static {
            #(#trait_fns)*
        }

        /// The object-safe form of the service trait, which the actor boxes.
        trait #erased: ::core::marker::Send + 'static {
            #(#erased_fns)*
        }

        impl<__RaktImpl: #name> #erased for __RaktImpl {
            #(#erased_impls)*
        }

        #service_docs
        #separator
        #[doc = #actor_doc]
        pub struct #actor {
            inner: ::std::boxed::Box<dyn #erased>,
        }

        impl #actor {
            /// The actor that answers the service's rpcs with `implementation`.
            pub fn new(implementation: impl #name) -> Self {
                #actor {
                    inner: ::std::boxed::Box::new(implementation),
                }
            }

            #(#handlers)*
        }

        impl<__RaktImpl: #name> ::core::convert::From<__RaktImpl> for #actor {
            fn from(implementation: __RaktImpl) -> Self {
                #actor::new(implementation)
            }
        }

        impl ::core::fmt::Debug for #actor {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.debug_struct(::core::stringify!(#actor)).finish_non_exhaustive()
            }
        }
    }
}
