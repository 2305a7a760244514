//! One test per rule: a model built by hand that breaks it, and the error it gets.

use proc_macro2::{Span, TokenStream};
use syn::{Ident, parse_quote};

use crate::error::{KeyTarget, ModelError, ModelErrorKind, ModelItem};
use crate::model::{
    ActorModel, AlternativeModel, Answer, ArgModel, BehaviourModel, HandlerModel, Hooks,
    InitialModel, KeyModel, ReplyKind, RouteModel, StandInModel,
};
use crate::{generate_actor, naming, validate};

fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

fn arg(name: &str, field: u32) -> ArgModel {
    ArgModel {
        name: ident(name),
        ty: parse_quote!(u64),
        field,
    }
}

fn ask() -> ReplyKind {
    ReplyKind::Ask {
        ok: parse_quote!(u64),
    }
}

fn handler(name: &str, args: Vec<ArgModel>, reply: ReplyKind) -> HandlerModel {
    HandlerModel {
        rust_name: ident(name),
        proto_name: naming::variant_name(name),
        vis: parse_quote!(pub),
        docs: Vec::new(),
        cfg_attrs: Vec::new(),
        handle_attrs: Vec::new(),
        is_async: false,
        ctx_position: None,
        args,
        reply,
        states: None,
        alternatives: Vec::new(),
        route: None,
    }
}

fn alternative(name: &str, states: &[&str], args: &[&str], reply: ReplyKind) -> AlternativeModel {
    AlternativeModel {
        rust_name: ident(name),
        states: states.iter().map(|s| ident(s)).collect(),
        cfg_attrs: Vec::new(),
        is_async: false,
        ctx_position: None,
        args: args.iter().map(|a| ident(a)).collect(),
        reply,
    }
}

/// `Counter` in `demo.v1`: `add(by)`, a tell, and `total()`, an ask.
fn counter() -> ActorModel {
    ActorModel {
        rust_name: ident("Counter"),
        package: "demo.v1".to_owned(),
        remote: false,
        proto_name: "Counter".to_owned(),
        self_ty: parse_quote!(Counter),
        handle_ty: parse_quote!(CounterRef),
        generics: Default::default(),
        where_clause: None,
        docs: Vec::new(),
        handlers: vec![
            handler("add", vec![arg("by", 1)], ReplyKind::Tell),
            handler("total", Vec::new(), ask()),
        ],
        stand_ins: Vec::new(),
        hooks: Hooks::default(),
        behaviour: None,
        stash_capacity: None,
        krate: parse_quote!(::rakt),
        grpc_shape: Default::default(),
        schema: None,
    }
}

/// `counter()` as a state machine over `Phase` (`Idle`, `Busy`, `Done`).
fn machine() -> ActorModel {
    let mut model = counter();
    model.behaviour = Some(BehaviourModel {
        states: parse_quote!(Phase),
        initial: InitialModel::Variant {
            name: ident("Idle"),
            data: TokenStream::new(),
        },
        unhandled: None,
    });
    model
}

fn states(names: &[&str]) -> Option<Vec<Ident>> {
    Some(names.iter().map(|s| ident(s)).collect())
}

/// The one error `model` gets.
#[track_caller]
fn only_error(model: &ActorModel) -> ModelError {
    let mut errors = validate(model).expect_err("the model breaks a rule");
    assert_eq!(errors.len(), 1, "{errors:#?}");
    errors.remove(0)
}

#[test]
fn valid_models_pass() {
    assert_eq!(validate(&counter()), Ok(()));
    let mut model = machine();
    model.handlers[0].states = states(&["Idle"]);
    model.handlers[0].alternatives = vec![alternative(
        "add_later",
        &["Busy"],
        &["by"],
        ReplyKind::Tell,
    )];
    model.handlers[0].route = Some(RouteModel::Key(KeyModel {
        arg: ident("by"),
        fields: Vec::new(),
    }));
    assert_eq!(validate(&model), Ok(()));
}

#[test]
fn reserved_handler_name() {
    let mut model = counter();
    model.handlers[1] = handler("stop", Vec::new(), ReplyKind::Tell);
    let error = only_error(&model);
    assert_eq!(error.item, ModelItem::Handler(1));
    assert_eq!(
        error.kind,
        ModelErrorKind::ReservedName {
            handler: "stop".to_owned(),
            owner: "ActorHandle::stop",
            handle: "CounterRef".to_owned(),
        }
    );
    assert_eq!(
        error.to_string(),
        "handler `stop` collides with `ActorHandle::stop` on the generated handle \
         `CounterRef`; rename the handler"
    );
}

#[test]
fn reserved_stand_in_name() {
    let mut model = counter();
    model.stand_ins.push(StandInModel {
        rust_name: ident("clone"),
        vis: parse_quote!(pub),
        cfg_attrs: Vec::new(),
        generics: Default::default(),
        args: Vec::new(),
        reply: ReplyKind::Tell,
    });
    let error = only_error(&model);
    assert_eq!(error.item, ModelItem::StandIn(0));
    assert!(matches!(
        error.kind,
        ModelErrorKind::ReservedName {
            owner: "Clone::clone",
            ..
        }
    ));
}

#[test]
fn unusable_variant() {
    let mut model = counter();
    model.handlers[0].rust_name = ident("self_");
    model.handlers[0].proto_name = "Self_".to_owned();
    let error = only_error(&model);
    assert_eq!(error.item, ModelItem::Handler(0));
    assert_eq!(
        error.kind,
        ModelErrorKind::UnusableVariant {
            handler: "self_".to_owned(),
            variant: "Self".to_owned(),
        }
    );
}

#[test]
fn variant_collision() {
    let mut model = counter();
    model
        .handlers
        .push(handler("total_", Vec::new(), ReplyKind::Tell));
    let error = only_error(&model);
    assert_eq!(error.item, ModelItem::Handler(2));
    assert_eq!(
        error.to_string(),
        "handlers `total` and `total_` both map to the message variant `CounterMsg::Total`; \
         rename one of them"
    );
}

#[test]
fn reply_field_of_an_ask() {
    let mut model = counter();
    model.handlers[1].args = vec![arg("reply", 1)];
    let error = only_error(&model);
    assert_eq!(error.item, ModelItem::Argument { handler: 1, arg: 0 });
    assert_eq!(
        error.to_string(),
        "argument `reply` of `total` collides with the `reply` field that carries the answer \
         in `CounterMsg::Total`; rename the argument"
    );
    // A tell has no reply field.
    let mut model = counter();
    model.handlers[0].args = vec![arg("reply", 1)];
    assert_eq!(validate(&model), Ok(()));
}

#[test]
fn duplicate_argument() {
    let mut model = counter();
    model.handlers[0].args.push(arg("by", 2));
    let error = only_error(&model);
    assert_eq!(error.item, ModelItem::Argument { handler: 0, arg: 1 });
    assert!(matches!(
        error.kind,
        ModelErrorKind::DuplicateArgument { .. }
    ));
}

#[test]
fn field_number() {
    for field in [0, 19_000, naming::MAX_FIELD_NUMBER + 1] {
        let mut model = counter();
        model.handlers[0].args[0].field = field;
        let error = only_error(&model);
        assert_eq!(error.item, ModelItem::Argument { handler: 0, arg: 0 });
        assert_eq!(
            error.kind,
            ModelErrorKind::FieldNumber {
                handler: "add".to_owned(),
                arg: "by".to_owned(),
                field,
            }
        );
    }
}

#[test]
fn duplicate_field_number() {
    let mut model = counter();
    model.handlers[0].args.push(arg("times", 1));
    let error = only_error(&model);
    assert_eq!(error.item, ModelItem::Argument { handler: 0, arg: 1 });
    assert_eq!(
        error.kind,
        ModelErrorKind::DuplicateFieldNumber {
            handler: "add".to_owned(),
            first: "by".to_owned(),
            later: "times".to_owned(),
            field: 1,
        }
    );
}

#[test]
fn package() {
    let mut model = counter();
    model.package = "demo..v1".to_owned();
    let error = only_error(&model);
    assert_eq!(error.item, ModelItem::Package);
    assert!(matches!(error.kind, ModelErrorKind::Package { .. }));
    model.package = String::new();
    assert_eq!(validate(&model), Ok(()), "no package is a package");
}

#[test]
fn actor_wire_name() {
    let mut model = counter();
    model.proto_name = "demo.Counter".to_owned();
    let error = only_error(&model);
    assert_eq!(error.item, ModelItem::Actor);
    assert!(matches!(error.kind, ModelErrorKind::ActorWireName { .. }));
}

#[test]
fn handler_wire_name() {
    let mut model = counter();
    model.handlers[1].proto_name = "Total/All".to_owned();
    let error = only_error(&model);
    assert_eq!(error.item, ModelItem::Handler(1));
    assert!(matches!(error.kind, ModelErrorKind::HandlerWireName { .. }));
}

#[test]
fn duplicate_wire_name() {
    let mut model = counter();
    model.handlers[1].proto_name = "Add".to_owned();
    let error = only_error(&model);
    assert_eq!(error.item, ModelItem::Handler(1));
    assert_eq!(
        error.kind,
        ModelErrorKind::DuplicateWireName {
            first: "add".to_owned(),
            later: "total".to_owned(),
            name: "Add".to_owned(),
        }
    );
}

#[test]
fn parameter_positions() {
    // `add(by)` with the context at 2: it takes two parameters, 0 and 1.
    let mut model = counter();
    model.handlers[0].ctx_position = Some(2);
    let error = only_error(&model);
    assert_eq!(error.item, ModelItem::Handler(0));
    assert_eq!(
        error.kind,
        ModelErrorKind::ParameterPositions {
            method: "add".to_owned(),
            params: 2,
        }
    );
    // The context and the slot at one position.
    let mut model = counter();
    model.handlers[1].reply = ReplyKind::Deferred {
        ok: parse_quote!(u64),
        err: None,
        slot: ident("slot"),
        position: 0,
    };
    model.handlers[1].ctx_position = Some(0);
    assert_eq!(only_error(&model).item, ModelItem::Handler(1));
    // An alternative's own positions.
    let mut model = machine();
    model.handlers[0].states = states(&["Idle"]);
    let mut alt = alternative("add_later", &["Busy"], &["by"], ReplyKind::Tell);
    alt.ctx_position = Some(5);
    model.handlers[0].alternatives = vec![alt];
    let error = only_error(&model);
    assert_eq!(
        error.item,
        ModelItem::Alternative {
            handler: 0,
            alternative: 0
        }
    );
}

#[test]
fn states_without_behaviour() {
    let mut model = counter();
    model.handlers[0].states = states(&["Idle"]);
    let error = only_error(&model);
    assert_eq!(error.item, ModelItem::Handler(0));
    assert!(matches!(
        error.kind,
        ModelErrorKind::StatesWithoutBehaviour { .. }
    ));
}

#[test]
fn empty_states() {
    let mut model = machine();
    model.handlers[0].states = states(&[]);
    assert_eq!(only_error(&model).item, ModelItem::Handler(0));
    let mut model = machine();
    model.handlers[0].states = states(&["Idle"]);
    model.handlers[0].alternatives = vec![alternative("add_later", &[], &["by"], ReplyKind::Tell)];
    let error = only_error(&model);
    assert_eq!(
        error.item,
        ModelItem::Alternative {
            handler: 0,
            alternative: 0
        }
    );
    assert!(matches!(error.kind, ModelErrorKind::EmptyStates { .. }));
}

#[test]
fn duplicate_state() {
    let mut model = machine();
    model.handlers[0].states = states(&["Idle", "Busy", "Idle"]);
    let error = only_error(&model);
    assert_eq!(
        error.item,
        ModelItem::State {
            handler: 0,
            state: 2
        }
    );
    assert_eq!(
        error.to_string(),
        "state `Idle` is listed twice in `#[state(..)]` on `add`; list it once"
    );
}

#[test]
fn alternative_arguments() {
    let mut model = machine();
    model.handlers[0].args.push(arg("times", 2));
    model.handlers[0].states = states(&["Idle"]);
    model.handlers[0].alternatives = vec![
        alternative("swapped", &["Busy"], &["times", "by"], ReplyKind::Tell),
        alternative("fewer", &["Done"], &["by"], ReplyKind::Tell),
    ];
    let errors = validate(&model).expect_err("two alternatives break the rule");
    let items: Vec<ModelItem> = errors.iter().map(|e| e.item).collect();
    assert_eq!(
        items,
        [
            ModelItem::AlternativeArgument {
                handler: 0,
                alternative: 0,
                arg: 0
            },
            ModelItem::Alternative {
                handler: 0,
                alternative: 1
            },
        ]
    );
    assert_eq!(
        errors[1].to_string(),
        "`fewer` handles the message of `add`, so it takes the same message arguments in the \
         same order: `add` takes `by, times`, `fewer` takes `by`; the context may go anywhere"
    );
}

#[test]
fn alternative_reply() {
    let mut model = machine();
    model.handlers[1].states = states(&["Idle"]);
    model.handlers[1].alternatives =
        vec![alternative("total_later", &["Busy"], &[], ReplyKind::Tell)];
    let error = only_error(&model);
    assert_eq!(
        error.item,
        ModelItem::AlternativeReply {
            handler: 1,
            alternative: 0
        }
    );
    assert_eq!(
        error.kind,
        ModelErrorKind::AlternativeReply {
            handler: "total".to_owned(),
            alternative: "total_later".to_owned(),
            expected: Answer::Ask,
            found: Answer::Tell,
        }
    );
}

#[test]
fn overlapping_states() {
    // Against the handler's list, and against every state when it has none.
    let mut model = machine();
    model.handlers[0].states = states(&["Idle", "Busy"]);
    model.handlers[0].alternatives = vec![alternative(
        "add_later",
        &["Done", "Busy"],
        &["by"],
        ReplyKind::Tell,
    )];
    model.handlers[1].alternatives = vec![alternative("total_later", &["Done"], &[], ask())];
    let errors = validate(&model).expect_err("two overlaps");
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert_eq!(
        errors[0].item,
        ModelItem::AlternativeState {
            handler: 0,
            alternative: 0,
            state: 1
        }
    );
    assert_eq!(
        errors[0].to_string(),
        "two handlers for message `add` in state `Busy`: `add` and `add_later`; a message has \
         one handler per state: drop `Busy` from one of the lists"
    );
    assert_eq!(
        errors[1].to_string(),
        "two handlers for message `total` in state `Done`: `total` and `total_later`; `total` \
         has no `#[state]`, so it handles every state: give it a `#[state(..)]` list without \
         `Done`"
    );
    // Between two alternatives; an alternative that overlaps is left out of later checks.
    let mut model = machine();
    model.handlers[0].states = states(&["Idle"]);
    model.handlers[0].alternatives = vec![
        alternative("first", &["Busy"], &["by"], ReplyKind::Tell),
        alternative("second", &["Done", "Busy"], &["by"], ReplyKind::Tell),
        alternative("third", &["Done"], &["by"], ReplyKind::Tell),
    ];
    let error = only_error(&model);
    assert_eq!(
        error.item,
        ModelItem::AlternativeState {
            handler: 0,
            alternative: 1,
            state: 1
        }
    );
}

#[test]
fn route_key_is_an_argument() {
    let mut model = counter();
    model.handlers[0].route = Some(RouteModel::Key(KeyModel {
        arg: ident("user"),
        fields: vec![parse_quote!(id)],
    }));
    let error = only_error(&model);
    assert_eq!(error.item, ModelItem::Route(0));
    assert_eq!(
        error.kind,
        ModelErrorKind::RouteKey {
            handler: "add".to_owned(),
            key: "user.id".to_owned(),
            root: "user".to_owned(),
            target: KeyTarget::Unknown,
            arguments: vec!["by".to_owned()],
        }
    );
    assert_eq!(
        error.to_string(),
        "`#[route(key = user.id)]`: `add` has no argument `user`; route on a message argument \
         of `add` or a field of one: `by`"
    );
}

#[test]
fn broadcast_is_a_tell() {
    let mut model = counter();
    model.handlers[1].route = Some(RouteModel::Broadcast);
    let error = only_error(&model);
    assert_eq!(error.item, ModelItem::Route(1));
    assert!(matches!(error.kind, ModelErrorKind::BroadcastAsk { .. }));
}

fn stream(position: usize) -> ReplyKind {
    ReplyKind::Stream {
        item: parse_quote!(u64),
        err: Some(parse_quote!(String)),
        slot: ident("items"),
        position,
    }
}

#[test]
fn broadcast_is_not_a_stream() {
    let mut model = counter();
    model.handlers[1].reply = stream(0);
    model.handlers[1].route = Some(RouteModel::Broadcast);
    let error = only_error(&model);
    assert_eq!(error.item, ModelItem::Route(1));
    assert_eq!(
        error.kind,
        ModelErrorKind::BroadcastStream {
            handler: "total".to_owned()
        }
    );
    // A stream may be routed by key.
    let mut model = counter();
    model.handlers[0].reply = stream(1);
    model.handlers[0].route = Some(RouteModel::Key(KeyModel {
        arg: ident("by"),
        fields: Vec::new(),
    }));
    assert!(validate(&model).is_ok());
}

#[test]
fn stream_slot_position() {
    // The slot after the one message argument, then past the end.
    let mut model = counter();
    model.handlers[0].reply = stream(1);
    assert!(validate(&model).is_ok());
    model.handlers[0].reply = stream(2);
    let error = only_error(&model);
    assert_eq!(error.item, ModelItem::Handler(0));
    assert_eq!(
        error.kind,
        ModelErrorKind::ParameterPositions {
            method: "add".to_owned(),
            params: 2,
        }
    );
    // The context and the slot at one position.
    model.handlers[0].reply = stream(0);
    model.handlers[0].ctx_position = Some(0);
    assert_eq!(only_error(&model).item, ModelItem::Handler(0));
}

#[test]
fn alternative_of_a_stream_streams() {
    let mut model = machine();
    model.handlers[1].reply = stream(0);
    model.handlers[1].states = states(&["Idle"]);
    model.handlers[1].alternatives = vec![alternative("total_later", &["Busy"], &[], ask())];
    let error = only_error(&model);
    assert_eq!(
        error.kind,
        ModelErrorKind::AlternativeReply {
            handler: "total".to_owned(),
            alternative: "total_later".to_owned(),
            expected: Answer::Stream,
            found: Answer::Ask,
        }
    );
    assert_eq!(
        error.to_string(),
        "`total_later` handles the message of `total`, so it answers the same way: `total` \
         streams its answer through a `StreamSlot` argument (a streaming ask), `total_later` \
         returns a value (an ask)"
    );
    // A streaming alternative with its own slot position fits.
    let mut alt = alternative("total_later", &["Busy"], &[], stream(0));
    alt.ctx_position = Some(1);
    model.handlers[1].alternatives = vec![alt];
    assert!(validate(&model).is_ok());
}

#[test]
fn every_error_at_once() {
    let mut model = counter();
    model.handlers[0].rust_name = ident("stop");
    model.handlers[1].args = vec![arg("reply", 0)];
    model.package = "1demo".to_owned();
    let errors = validate(&model).expect_err("several rules");
    let kinds: Vec<&ModelErrorKind> = errors.iter().map(|e| &e.kind).collect();
    assert!(matches!(
        kinds.as_slice(),
        [
            ModelErrorKind::ReplyField { .. },
            ModelErrorKind::FieldNumber { .. },
            ModelErrorKind::ReservedName { .. },
            ModelErrorKind::Package { .. },
        ]
    ));
}

/// The generator does not take a model that breaks a rule (it used to drop a route key that
/// names no argument, silently): it returns the errors.
#[test]
fn the_generator_refuses_an_invalid_model() {
    let mut model = counter();
    model.handlers[0].route = Some(RouteModel::Key(KeyModel {
        arg: ident("amount"),
        fields: Vec::new(),
    }));
    let errors = generate_actor(&model).expect_err("a route key that is no argument");
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].item, ModelItem::Route(0));
    model.handlers[0].route = None;
    assert!(generate_actor(&model).is_ok());
}

#[test]
fn remote_models_pass() {
    let mut model = counter();
    model.remote = true;
    model.handlers[0].args = vec![
        ArgModel {
            name: ident("order"),
            ty: parse_quote!(shop::Order),
            field: 1,
        },
        ArgModel {
            name: ident("tags"),
            ty: parse_quote!(HashMap<String, Vec<u8>>),
            field: 2,
        },
    ];
    model.handlers[1].reply = ReplyKind::AskResult {
        ok: parse_quote!(()),
        err: parse_quote!((u8, u8)),
    };
    assert_eq!(
        validate(&model),
        Ok(()),
        "any error type travels, as text if need be"
    );
    let tokens = generate_actor(&model).expect("a valid model").to_string();
    assert!(tokens.contains("RemoteActor"));
    model.remote = false;
    let tokens = generate_actor(&model).expect("a valid model").to_string();
    assert!(
        !tokens.contains("RemoteActor"),
        "only a remote actor has codecs"
    );
}

#[test]
fn not_encodable_argument() {
    let mut model = counter();
    model.remote = true;
    model.handlers[0].args[0].ty = parse_quote!(Vec<Option<u32>>);
    let error = only_error(&model);
    assert_eq!(error.item, ModelItem::ArgumentType { handler: 0, arg: 0 });
    assert_eq!(
        error.to_string(),
        "argument `by` of `add` cannot travel on the wire: `Vec<Option<u32>>` is a list of \
         options, and a repeated field has no empty elements: use `Vec<T>`"
    );
    // Not a rule for an actor that stays local.
    model.remote = false;
    assert_eq!(validate(&model), Ok(()));
}

#[test]
fn not_encodable_reply() {
    let mut model = counter();
    model.remote = true;
    model.handlers[1].reply = ReplyKind::Ask {
        ok: parse_quote!(usize),
    };
    let error = only_error(&model);
    assert_eq!(error.item, ModelItem::Reply(1));
    assert_eq!(
        error.kind,
        ModelErrorKind::NotEncodable {
            handler: "total".to_owned(),
            item: crate::WireItem::Reply,
            why: crate::wire::NotEncodable {
                ty: "usize".to_owned(),
                reason: crate::wire::WireReason::Integer { instead: "u64" },
            },
        }
    );
    // `()` is a reply, not an argument.
    model.handlers[1].reply = ask();
    model.handlers[0].args[0].ty = parse_quote!(());
    assert_eq!(
        only_error(&model).item,
        ModelItem::ArgumentType { handler: 0, arg: 0 }
    );
}

#[test]
fn remote_generic() {
    let mut model = counter();
    model.remote = true;
    model.generics = parse_quote!(<T>);
    let error = only_error(&model);
    assert_eq!(error.item, ModelItem::Generics);
    assert_eq!(
        error.kind,
        ModelErrorKind::RemoteGeneric {
            actor: "Counter".to_owned(),
            service: "demo.v1.Counter".to_owned(),
        }
    );
}
