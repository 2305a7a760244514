//! Argument and reply types: `Self` (and `Option<Self>`, `Vec<Self>`), tuples, arrays,
//! `Box<dyn Fn + Send>`, `fn` pointers with borrowed arguments, `&'static str`, `<Self as Trait>::Assoc`, `[u8; Self::LEN]`.

#![deny(warnings)]
use rakt::prelude::*;

#[actor]
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Snap {
    n: u32,
}

/// Gives `Snap` an associated type.
pub trait Shape {
    /// The associated type.
    type Out;
}

impl Shape for Snap {
    type Out = u16;
}

impl Snap {
    const LEN: usize = 3;
}

#[actor]
impl Snap {
    pub fn assoc(&self, x: <Self as Shape>::Out) -> <Self as Shape>::Out {
        x + 1
    }
    pub fn konst(&self, a: [u8; Self::LEN]) -> [u8; Self::LEN] {
        a
    }
    pub fn snapshot(&self) -> Self {
        self.clone()
    }
    pub fn maybe(&self, other: Option<Self>) -> Option<Self> {
        other
    }
    pub fn tuple(&mut self, t: (u32, String)) -> (String, u32) {
        (t.1, t.0)
    }
    pub fn array(&self, a: [u8; 4]) -> [u8; 4] {
        a
    }
    pub fn boxed(&self, f: Box<dyn Fn(u32) -> u32 + Send>) -> u32 {
        f(self.n)
    }
    pub fn fnptr(&self, f: fn(&str) -> usize) -> usize {
        f("abc")
    }
    pub fn label(&self, s: &'static str) -> &'static str {
        s
    }
    pub fn vecself(&self, v: Vec<Self>) -> usize {
        v.len()
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let system = ActorSystem::builder("probe").build().await?;
    let s: SnapRef = system.spawn("s", Snap { n: 2 }).await?;
    assert_eq!(s.snapshot().await?, Snap { n: 2 });
    assert_eq!(s.maybe(None).await?, None);
    assert_eq!(s.tuple((1, "a".into())).await?, ("a".to_string(), 1));
    assert_eq!(s.array([1, 2, 3, 4]).await?, [1, 2, 3, 4]);
    assert_eq!(s.boxed(Box::new(|x| x * 10)).await?, 20);
    assert_eq!(s.fnptr(str::len).await?, 3);
    assert_eq!(s.label("hi").await?, "hi");
    assert_eq!(s.assoc(1).await?, 2);
    assert_eq!(s.konst([1, 2, 3]).await?, [1, 2, 3]);
    assert_eq!(s.vecself(vec![Snap::default()]).await?, 1);
    system.shutdown().await;
    Ok(())
}
