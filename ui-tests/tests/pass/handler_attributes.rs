//! Attributes on handlers: `#[cfg]` goes on every generated item; `#[allow]`, `#[expect]` (as
//! an `allow`), `#[deprecated]` and `#[doc(hidden)]` also go on the handle method; the dispatch
//! calling a `#[deprecated]` handler does not warn.

#![deny(warnings)]
use rakt::prelude::*;

#[actor]
#[derive(Default)]
pub struct Attrs {
    n: u32,
}

#[actor]
impl Attrs {
    #[cfg(any())]
    pub fn gone(&mut self, x: NoSuchType) {}

    #[cfg(all())]
    pub fn here(&mut self) -> u32 {
        self.n
    }

    #[allow(clippy::too_many_arguments, non_snake_case)]
    pub fn GetN(&self) -> u32 {
        self.n
    }

    #[expect(non_snake_case)]
    pub fn SetN(&mut self, n: u32) {
        self.n = n;
    }

    #[inline]
    pub fn inl(&mut self, by: u32) {
        self.n += by;
    }

    #[must_use]
    pub fn must(&self) -> u32 {
        self.n
    }

    #[deprecated(note = "use `here`")]
    pub fn old(&self) -> u32 {
        self.n
    }

    /// Documented.
    #[doc(hidden)]
    pub fn hidden(&self) -> u32 {
        self.n
    }
}

#[tokio::main]
#[allow(deprecated)]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let system = ActorSystem::builder("probe").build().await?;
    let a: AttrsRef = system.spawn("a", Attrs::default()).await?;
    a.SetN(0).await?;
    a.inl(2).await?;
    assert_eq!(a.here().await?, 2);
    assert_eq!(a.GetN().await?, 2);
    assert_eq!(a.must().await?, 2);
    assert_eq!(a.old().await?, 2);
    assert_eq!(a.hidden().await?, 2);
    system.shutdown().await;
    Ok(())
}
