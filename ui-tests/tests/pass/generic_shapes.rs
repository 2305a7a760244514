//! Generic actors as users write them: bounds and a where-clause on the struct, the bounds
//! repeated in the impl's where-clause, several type parameters with defaults, a const
//! generic with a default, a type parameter that only a reply mentions, and an impl for one
//! instantiation (`impl Cell<u8>`).

#![deny(warnings)]
use rakt::prelude::*;

#[actor]
pub struct Stack<T: Clone + Send + 'static>
where
    T: Default,
{
    items: Vec<T>,
}

#[actor]
impl<T> Stack<T>
where
    T: Clone + Send + Default + 'static,
{
    pub fn push(&mut self, item: T) {
        self.items.push(item);
    }
    pub fn top(&self) -> Option<T> {
        self.items.last().cloned()
    }
    pub fn len(&self) -> usize {
        self.items.len()
    }
}

/// Converts to a reply type only.
#[actor]
pub struct Conv<Out: From<u8> + Send + 'static, const N: usize = 2> {
    _p: std::marker::PhantomData<fn() -> Out>,
}

#[actor]
impl<Out: From<u8> + Send + 'static, const N: usize> Conv<Out, N> {
    pub fn get(&self) -> Out {
        Out::from(N as u8)
    }
    pub fn arr(&self) -> [u8; N] {
        [1; N]
    }
}

#[actor]
pub struct Many<A, B = String, C = ()> {
    a: Option<A>,
    b: Option<B>,
    c: Option<C>,
}

#[actor]
impl<A: Send + 'static, B: Send + 'static, C: Send + 'static> Many<A, B, C> {
    pub fn set(&mut self, a: A, b: B) {
        self.a = Some(a);
        self.b = Some(b);
    }
    pub fn has(&self) -> (bool, bool, bool) {
        (self.a.is_some(), self.b.is_some(), self.c.is_some())
    }
}

#[actor]
pub struct Cell<T> {
    v: T,
}

#[actor]
impl Cell<u8> {
    pub fn inc(&mut self) -> u8 {
        self.v += 1;
        self.v
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let system = ActorSystem::builder("probe").build().await?;
    let s: StackRef<u32> = system.spawn("s", Stack { items: vec![] }).await?;
    s.push(3).await?;
    assert_eq!(s.top().await?, Some(3));
    assert_eq!(s.len().await?, 1);
    let c: ConvRef<u64> = system
        .spawn("c", Conv { _p: std::marker::PhantomData })
        .await?;
    assert_eq!(c.get().await?, 2u64);
    assert_eq!(c.arr().await?, [1, 1]);
    let m: ManyRef<u8> = system
        .spawn("m", Many { a: None, b: None, c: None })
        .await?;
    m.set(1, "x".into()).await?;
    assert_eq!(m.has().await?, (true, true, false));
    let cell: CellRef<u8> = system.spawn("cell", Cell { v: 1 }).await?;
    assert_eq!(cell.inc().await?, 2);
    system.shutdown().await;
    Ok(())
}
