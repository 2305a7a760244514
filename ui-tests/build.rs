//! Generates the actors of the codegen fixtures `greet/v1/greeter.proto`,
//! `shop/v1/orders/orders.proto`, `edge/v1/edge.proto` and `bank/v1/ledger.proto` into `OUT_DIR`, and names the folder in `RAKT_UI_PROTO`,
//! which cargo also sets when it runs the tests: the `pass/proto_*.rs` cases (compiled by
//! trybuild from the test) include the files from there.

fn main() -> Result<(), rakt_codegen::ProtoError> {
    rakt_codegen::configure()
        .build_client(false)
        .build_server(false)
        .compile_protos(
            &[
                "greet/v1/greeter.proto",
                "shop/v1/orders/orders.proto",
                "edge/v1/edge.proto",
                "bank/v1/ledger.proto",
            ],
            &["../codegen/tests/fixtures"],
        )?;
    let out_dir = std::env::var("OUT_DIR").map_err(|_| rakt_codegen::ProtoError::NoOutDir)?;
    println!("cargo:rustc-env=RAKT_UI_PROTO={out_dir}");
    Ok(())
}
