//! Generates the actors of the codegen fixture `greet/v1/greeter.proto` into `OUT_DIR`, and
//! names the file in `RAKT_UI_GREETER`, which cargo also sets when it runs the tests: the
//! `pass/proto_service.rs` case (compiled by trybuild from the test) includes it from there.

fn main() -> Result<(), rakt_codegen::ProtoError> {
    rakt_codegen::configure()
        .build_client(false)
        .build_server(false)
        .compile_protos(&["greet/v1/greeter.proto"], &["../codegen/tests/fixtures"])?;
    let out_dir = std::env::var("OUT_DIR").map_err(|_| rakt_codegen::ProtoError::NoOutDir)?;
    println!("cargo:rustc-env=RAKT_UI_GREETER={out_dir}/greet.v1.rs");
    Ok(())
}
