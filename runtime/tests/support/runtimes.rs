//! `on_both_runtimes!`, shared by the remoting test crates (`#[macro_use] #[path = ..] mod`).

/// Runs each test on a multi-thread runtime (2 workers, as on this machine) and on a single
/// thread; attributes before a name (`#[ignore]`, `#[cfg(..)]`) apply to both.
macro_rules! on_both_runtimes {
    ($($(#[$meta:meta])* $name:ident),* $(,)?) => {
        mod multi_thread {
            $(
                $(#[$meta])*
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name().await
                }
            )*
        }
        mod current_thread {
            $(
                $(#[$meta])*
                #[tokio::test(flavor = "current_thread")]
                async fn $name() {
                    super::$name().await
                }
            )*
        }
    };
}
