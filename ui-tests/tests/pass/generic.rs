//! A generic actor: type and const parameters, a where-clause, a type parameter that no
//! handler mentions (covered by the enum's hidden phantom variant), and `Self` in arguments.

#![deny(warnings, missing_docs)]

use std::fmt::Debug;

use rakt::prelude::*;

/// A bounded stack.
#[actor]
pub struct Stack<T, Tag = (), const MAX: usize = 3>
where
    T: Clone,
{
    items: Vec<T>,
    tag: std::marker::PhantomData<Tag>,
}

impl<T: Clone, Tag, const MAX: usize> Stack<T, Tag, MAX> {
    fn new() -> Self {
        Stack {
            items: Vec::new(),
            tag: std::marker::PhantomData,
        }
    }
}

#[actor]
impl<T, Tag, const MAX: usize> Stack<T, Tag, MAX>
where
    T: Clone + Debug + Send + 'static,
    Tag: Send + 'static,
{
    /// Pushes `item`; refuses past `MAX` items.
    pub fn push(&mut self, item: T) -> bool {
        if self.items.len() == MAX {
            return false;
        }
        self.items.push(item);
        true
    }

    /// Pops the last item.
    pub fn pop(&mut self) -> Option<T> {
        self.items.pop()
    }

    /// The items, debug-formatted.
    pub fn render(&self) -> String {
        format!("{:?}", self.items)
    }

    /// Takes the items of another stack of the same type (`Self` in an argument).
    pub fn absorb(&mut self, other: Self) {
        self.items.extend(other.items);
    }
}

struct Marker;

async fn exercise<T: Clone + Debug + Send + 'static>(
    stack: &StackRef<T, Marker, 2>,
    a: T,
    b: T,
    c: T,
) -> Result<String, Box<dyn std::error::Error>> {
    assert!(stack.push(a).await?);
    assert!(stack.push(b).await?);
    assert!(!stack.push(c).await?, "MAX is 2");
    Ok(stack.render().await?)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let system = ActorSystem::builder("generic").build().await?;

    let numbers: StackRef<u32, Marker, 2> = system.spawn("numbers", Stack::new()).await?;
    assert_eq!(exercise(&numbers, 1, 2, 3).await?, "[1, 2]");
    assert_eq!(numbers.pop().await?, Some(2));

    let words: StackRef<String, Marker, 2> = system.spawn("words", Stack::new()).await?;
    assert_eq!(
        exercise(&words, "a".into(), "b".into(), "c".into()).await?,
        r#"["a", "b"]"#
    );

    // Defaults: Tag = (), MAX = 3.
    let plain: StackRef<char> = system.spawn("plain", Stack::new()).await?;
    let mut other = Stack::<char>::new();
    other.items = vec!['y', 'z'];
    assert!(plain.push('x').await?);
    plain.absorb(other).await?;
    assert_eq!(plain.render().await?, "['x', 'y', 'z']");

    system.shutdown().await;
    Ok(())
}
