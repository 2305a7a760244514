//! Behaviour tests of the runtime core, driven through `#[actor]`-generated handles.

/// Runs one async test body on both of tokio's runtimes, as `<test>::current_thread` and
/// `<test>::multi_thread` (two workers), so that no test passes by the accident of one thread.
/// It goes just above the test, which stays a plain `async fn` (rustfmt formats it; if the
/// line is forgotten, the unused function fails the build under `-D warnings`):
///
/// ```text
/// on_both_runtimes!(tells_keep_their_order);
/// async fn tells_keep_their_order() { /* ... */ }
/// ```
///
/// A test on the paused clock (`start_paused = true`) stays a plain current-thread
/// `#[tokio::test]`: tokio pauses time only on the current-thread runtime.
macro_rules! on_both_runtimes {
    ($test:ident) => {
        mod $test {
            #[tokio::test]
            async fn current_thread() {
                super::$test().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn multi_thread() {
                super::$test().await;
            }
        }
    };
}

mod actors;
mod behaviour;
mod delivery;
mod events;
mod lifecycle;
mod messaging;
mod passivation;
mod pools;
mod schedule;
mod streams;
mod supervision;
mod system;
mod topics;
mod watch;
