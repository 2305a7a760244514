//! Compile-pass and compile-fail cases for the `#[actor]` macro; see `tests/ui.rs`.
