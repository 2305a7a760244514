//! The `#[actor]` UI suite: `pass/` cases compile and run a real actor system; `fail/` cases
//! must fail with the recorded `.stderr`. Regenerate with `TRYBUILD=overwrite` and review every
//! `.stderr` diff like code.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("tests/pass/*.rs");
    t.compile_fail("tests/fail/*.rs");
}
