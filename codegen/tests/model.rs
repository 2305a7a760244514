//! The generator driven the way a non-Rust front end (the `.proto` generator) drives it: a model
//! built by hand, no `syn` item parsed. Snapshot formatted with prettyplease.

use proc_macro2::{Span, TokenStream};
use std::num::NonZeroUsize;

use rakt_codegen::{
    ActorModel, AlternativeModel, ArgModel, BehaviourModel, HandleModel, HandlerModel, Hooks,
    InitialModel, KeyModel, ReplyKind, RouteModel, UnhandledModel, generate_actor, generate_handle,
    naming,
};
use syn::{Ident, parse_quote};

fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

fn handler(name: &str, args: Vec<ArgModel>, reply: ReplyKind) -> HandlerModel {
    let rust_name = ident(name);
    HandlerModel {
        proto_name: naming::variant_name(name),
        rust_name,
        vis: parse_quote!(pub),
        docs: vec![format!(" From the `.proto` comment of `{name}`.")],
        cfg_attrs: Vec::new(),
        handle_attrs: Vec::new(),
        is_async: true,
        ctx_position: None,
        args,
        reply,
        states: None,
        alternatives: Vec::new(),
        route: None,
    }
}

/// A service as a `.proto` front end would describe it, with its routing options: `say_hello`
/// is routed on its request in a consistent-hash pool, `reset` goes to every routee.
#[test]
fn hand_built_model() {
    let krate: syn::Path = parse_quote!(::rakt);
    let mut say_hello = handler(
        "say_hello",
        vec![ArgModel {
            name: ident("request"),
            ty: parse_quote!(HelloRequest),
            field: 1,
        }],
        ReplyKind::AskResult {
            ok: parse_quote!(HelloReply),
            err: parse_quote!(::rakt::Status),
        },
    );
    say_hello.route = Some(RouteModel::Key(KeyModel {
        arg: ident("request"),
        fields: Vec::new(),
    }));
    let mut reset = handler("reset", Vec::new(), ReplyKind::Tell);
    reset.route = Some(RouteModel::Broadcast);
    let actor = ActorModel {
        rust_name: ident("Greeter"),
        package: "demo.v1".to_owned(),
        remote: false,
        proto_name: "Greeter".to_owned(),
        self_ty: parse_quote!(Greeter),
        handle_ty: naming::handle_type(&parse_quote!(Greeter)).expect("a path"),
        generics: Default::default(),
        where_clause: None,
        docs: vec![" The `Greeter` service.".to_owned()],
        handlers: vec![say_hello, reset],
        stand_ins: Vec::new(),
        hooks: Hooks::default(),
        behaviour: None,
        stash_capacity: None,
        krate: krate.clone(),
        grpc_shape: Default::default(),
        schema: None,
    };
    let handle = HandleModel {
        rust_name: ident("Greeter"),
        actor_ty: parse_quote!(Greeter),
        vis: parse_quote!(pub),
        generics: Default::default(),
        where_clause: None,
        mailbox: None,
        krate,
    };
    let mut tokens = generate_handle(&handle);
    tokens.extend(generate_actor(&actor).expect("a valid model"));
    let file = syn::parse2::<syn::File>(tokens).expect("the output parses");
    insta::assert_snapshot!(prettyplease::unparse(&file));
}

/// A state machine as a front end without Rust syntax would describe it: `Greeter` answers
/// `say_hello` once ready, a second method answers it while warming up, and `reset` works in
/// every state.
#[test]
fn hand_built_state_machine() {
    let request = || ArgModel {
        name: ident("request"),
        ty: parse_quote!(HelloRequest),
        field: 1,
    };
    let reply = || ReplyKind::AskResult {
        ok: parse_quote!(HelloReply),
        err: parse_quote!(::rakt::Status),
    };
    let mut say_hello = handler("say_hello", vec![request()], reply());
    say_hello.states = Some(vec![ident("Ready")]);
    say_hello.alternatives = vec![AlternativeModel {
        rust_name: ident("say_hello_warming_up"),
        states: vec![ident("Starting"), ident("WarmingUp")],
        cfg_attrs: Vec::new(),
        is_async: false,
        ctx_position: Some(0),
        args: vec![ident("request")],
        reply: reply(),
    }];
    let actor = ActorModel {
        rust_name: ident("Greeter"),
        package: "demo.v1".to_owned(),
        remote: false,
        proto_name: "Greeter".to_owned(),
        self_ty: parse_quote!(Greeter),
        handle_ty: naming::handle_type(&parse_quote!(Greeter)).expect("a path"),
        generics: Default::default(),
        where_clause: None,
        docs: Vec::new(),
        handlers: vec![say_hello, handler("reset", Vec::new(), ReplyKind::Tell)],
        stand_ins: Vec::new(),
        hooks: Hooks::default(),
        behaviour: Some(BehaviourModel {
            states: parse_quote!(GreeterState),
            initial: InitialModel::Variant {
                name: ident("Starting"),
                data: TokenStream::new(),
            },
            unhandled: Some(UnhandledModel::Reply),
        }),
        stash_capacity: NonZeroUsize::new(16),
        krate: parse_quote!(::rakt),
        grpc_shape: Default::default(),
        schema: None,
    };
    let tokens = generate_actor(&actor).expect("a valid model");
    let file = syn::parse2::<syn::File>(tokens).expect("the output parses");
    insta::assert_snapshot!(prettyplease::unparse(&file));
}
