//! The `.proto` front end: snapshots of what each fixture generates (under `fixtures/`), and
//! the errors of the protos that cannot become actors, with their file and line.

#![cfg(feature = "proto")]

use rakt_codegen::proto::{GeneratedFile, ServiceError, ServiceErrorKind, Streaming};
use rakt_codegen::{ModelErrorKind, ProtoError};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

/// The files `proto` generates, without tonic's client and server (tonic-prost-build's own).
fn actors_only(proto: &str) -> Result<Vec<GeneratedFile>, ProtoError> {
    rakt_codegen::configure()
        .build_client(false)
        .build_server(false)
        .generate(&[proto], &[FIXTURES])
}

/// The one file named `name` among `files`.
#[track_caller]
fn file<'a>(files: &'a [GeneratedFile], name: &str) -> &'a str {
    let names: Vec<_> = files.iter().map(|file| file.name.as_str()).collect();
    let found = files.iter().find(|file| file.name == name);
    &found
        .unwrap_or_else(|| panic!("no {name} in {names:?}"))
        .contents
}

#[test]
fn unary_rpcs_with_comments_and_empty() {
    let files = actors_only("greet/v1/greeter.proto").expect("the fixture compiles");
    let names: Vec<_> = files.iter().map(|file| file.name.as_str()).collect();
    assert_eq!(names, ["greet.v1.rs"]);
    insta::assert_snapshot!(file(&files, "greet.v1.rs"));
}

#[test]
fn server_streaming_rpcs() {
    let files = actors_only("bank/v1/ledger.proto").expect("the fixture compiles");
    let names: Vec<_> = files.iter().map(|file| file.name.as_str()).collect();
    assert_eq!(names, ["bank.v1.rs"]);
    let rust = file(&files, "bank.v1.rs");
    // The schema the actor serves declares the streams as the file does.
    assert!(rust.contains("returns (stream Entry)"), "{rust}");
    insta::assert_snapshot!(rust);
}

#[test]
fn nested_package_with_imports() {
    let files = actors_only("shop/v1/orders/orders.proto").expect("the fixture compiles");
    let names: Vec<_> = files.iter().map(|file| file.name.as_str()).collect();
    assert_eq!(names, ["shop.v1.orders.rs", "shop.v1.rs"]);
    insta::assert_snapshot!(file(&files, "shop.v1.orders.rs"));
}

#[test]
fn with_tonic_client_and_server() {
    let files = rakt_codegen::configure()
        .generate(&["greet/v1/greeter.proto"], &[FIXTURES])
        .expect("the fixture compiles");
    let rust = file(&files, "greet.v1.rs");
    assert!(rust.starts_with(rakt_codegen::proto::HEADER));
    // tonic's items and the actor's, in one file.
    for item in [
        "pub mod greeter_client",
        "pub mod greeter_server",
        "pub trait Greeter: ::core::marker::Send + 'static",
        "pub struct GreeterActor",
        "pub struct GreeterRef",
        "impl ::rakt::__private::wire::RemoteActor for GreeterActor",
    ] {
        assert!(rust.contains(item), "no `{item}` in:\n{rust}");
    }
    // tonic's `connect` needs its `transport` feature: only on request.
    assert!(!rust.contains("pub async fn connect"));
    let files = rakt_codegen::configure()
        .build_transport(true)
        .generate(&["greet/v1/greeter.proto"], &[FIXTURES])
        .expect("the fixture compiles");
    assert!(file(&files, "greet.v1.rs").contains("pub async fn connect"));
}

#[test]
fn a_renamed_runtime_crate_is_named_everywhere() {
    let files = rakt_codegen::configure()
        .build_client(false)
        .build_server(false)
        .runtime_crate("::my_rakt")
        .generate(&["greet/v1/greeter.proto"], &[FIXTURES])
        .expect("the fixture compiles");
    let rust = file(&files, "greet.v1.rs");
    assert!(rust.contains("::my_rakt::Ctx<GreeterActor>"), "{rust}");
    assert!(!rust.contains("::rakt::"), "{rust}");

    let error = rakt_codegen::configure()
        .runtime_crate("not a path")
        .generate(&["greet/v1/greeter.proto"], &[FIXTURES])
        .expect_err("not a path");
    assert!(
        matches!(error, ProtoError::RuntimeCrate { .. }),
        "{error:?}"
    );
}

#[test]
fn client_and_bidi_streaming_rpcs_are_errors_at_their_lines() {
    let error = actors_only("errors/streaming.proto")
        .expect_err("client- and bidirectional streaming rpcs are rejected");
    let ProtoError::Services(errors) = &error else {
        panic!("{error:?}");
    };
    let at = |line: usize, rpc: &str, streaming: Streaming| ServiceError {
        file: "errors/streaming.proto".to_owned(),
        line,
        service: "errors.v1.Feed".to_owned(),
        rpc: Some(rpc.to_owned()),
        kind: ServiceErrorKind::Streaming(streaming),
    };
    assert_eq!(
        errors,
        &[
            at(8, "Upload", Streaming::Client),
            at(9, "Chat", Streaming::Bidi),
        ]
    );
    insta::assert_snapshot!(error.to_string(), @r"
    errors/streaming.proto:8: rpc `Upload` of service `errors.v1.Feed`: client-streaming rpcs are not supported: a `.proto` service becomes an actor whose handlers are unary or server-streaming rpcs; make it one of those, or move it to a service compiled by tonic-prost-build alone
    errors/streaming.proto:9: rpc `Chat` of service `errors.v1.Feed`: bidirectional streaming rpcs are not supported: a `.proto` service becomes an actor whose handlers are unary or server-streaming rpcs; make it one of those, or move it to a service compiled by tonic-prost-build alone
    ");
}

#[test]
fn a_model_error_is_reported_at_the_rpc() {
    let error = actors_only("errors/reserved.proto").expect_err("`stop` is reserved");
    let ProtoError::Services(errors) = &error else {
        panic!("{error:?}");
    };
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let ServiceError {
        file,
        line,
        service,
        rpc,
        kind,
    } = &errors[0];
    assert_eq!(
        (file.as_str(), *line, service.as_str(), rpc.as_deref()),
        (
            "errors/reserved.proto",
            8,
            "errors.v1.Machine",
            Some("Stop")
        )
    );
    assert!(
        matches!(kind, ServiceErrorKind::Model(error) if matches!(error.kind, ModelErrorKind::ReservedName { .. })),
        "{kind:?}"
    );
    let text = error.to_string();
    assert!(
        text.starts_with("errors/reserved.proto:8: rpc `Stop` of service `errors.v1.Machine`: "),
        "{text}"
    );
}

#[test]
fn a_parse_error_names_its_file_and_line() {
    let error = actors_only("errors/broken.proto").expect_err("a missing `;`");
    let ProtoError::Proto {
        file, line, column, ..
    } = &error
    else {
        panic!("{error:?}");
    };
    assert_eq!(file.as_deref(), Some("errors/broken.proto"));
    assert_eq!(*line, Some(7), "{error}");
    assert!(column.is_some(), "{error}");
    let text = error.to_string();
    assert!(text.starts_with("errors/broken.proto:7:"), "{text}");
}

#[test]
fn a_missing_import_names_the_importing_file_and_line() {
    let error = actors_only("errors/missing_import.proto").expect_err("no such import");
    let ProtoError::Proto { file, line, .. } = &error else {
        panic!("{error:?}");
    };
    assert_eq!(file.as_deref(), Some("errors/missing_import.proto"));
    assert_eq!(*line, Some(5), "{error}");
    let text = error.to_string();
    assert!(text.starts_with("errors/missing_import.proto:5:"), "{text}");
    assert!(text.contains("errors/nowhere.proto"), "{text}");
}

#[test]
fn compile_protos_writes_only_what_changed() {
    let out = std::env::temp_dir().join(format!("rakt-codegen-proto-{}", std::process::id()));
    let builder = rakt_codegen::configure()
        .out_dir(&out)
        .emit_rerun_if_changed(false);
    builder
        .compile_protos(&["greet/v1/greeter.proto"], &[FIXTURES])
        .expect("the fixture compiles");
    let path = out.join("greet.v1.rs");
    let written = std::fs::read_to_string(&path).expect("written");
    assert!(written.starts_with(rakt_codegen::proto::HEADER));

    // Unchanged output is not written again: a marker survives.
    std::fs::write(&path, &written).expect("rewrite");
    let before = std::fs::metadata(&path)
        .and_then(|m| m.modified())
        .expect("mtime");
    builder
        .compile_protos(&["greet/v1/greeter.proto"], &[FIXTURES])
        .expect("the fixture compiles");
    let after = std::fs::metadata(&path)
        .and_then(|m| m.modified())
        .expect("mtime");
    assert_eq!(before, after);

    // A failing run writes nothing.
    std::fs::remove_file(&path).expect("remove");
    builder
        .compile_protos(
            &["greet/v1/greeter.proto", "errors/reserved.proto"],
            &[FIXTURES],
        )
        .expect_err("`stop` is reserved");
    assert!(!path.exists());
    std::fs::remove_dir_all(&out).expect("clean up");
}

#[test]
fn an_rpc_named_like_a_hook_is_an_error_at_the_rpc() {
    let error = actors_only("errors/hook_name.proto").expect_err("`pre_start` is a hook");
    let ProtoError::Services(errors) = &error else {
        panic!("{error:?}");
    };
    assert_eq!(
        errors,
        &[ServiceError {
            file: "errors/hook_name.proto".to_owned(),
            line: 7,
            service: "errors.v1.Warm".to_owned(),
            rpc: Some("PreStart".to_owned()),
            kind: ServiceErrorKind::HookName("pre_start".to_owned()),
        }]
    );
}

#[test]
fn a_service_without_rpcs_and_keyword_rpcs() {
    let files = actors_only("edge/v1/edge.proto").expect("the fixture compiles");
    let rust = file(&files, "edge.v1.rs");
    for item in [
        "pub trait Idle: ::core::marker::Send + 'static",
        "pub struct IdleRef",
        "fn r#type(",
        "fn r#loop(",
        "\"edge.v1.Keywords/Type\"",
    ] {
        assert!(rust.contains(item), "no `{item}` in:\n{rust}");
    }
}
