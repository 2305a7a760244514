//! Generates the example services of `proto/examples` into `OUT_DIR`: `bank.v1.rs` holds the
//! prost messages, tonic's client and server, and the `Account` actor.

fn main() -> Result<(), rakt_codegen::ProtoError> {
    rakt_codegen::configure().compile_protos(&["bank/v1/account.proto"], &["../proto/examples"])
}
