//! Actor identity: the id and the address of an actor.
//!
//! A leaf module: it imports nothing of the crate, so every layer (the kernel, its features,
//! and later remoting and the cluster) can name an actor without reaching into the others.

use std::fmt;

/// An actor's id: unique among the actors a system has ever started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ActorId(u64);

impl ActorId {
    pub(crate) fn new(id: u64) -> Self {
        ActorId(id)
    }

    /// The id as a number.
    pub fn get(self) -> u64 {
        self.0
    }
}

impl fmt::Display for ActorId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// An actor's address: `rakt://<system>/user/<parent>/<child>`; anonymous actors appear as
/// `$<id>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ActorPath(String);

impl ActorPath {
    pub(crate) fn new(path: String) -> Self {
        ActorPath(path)
    }

    /// The address as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The last segment: the actor's name, or `$<id>` for an anonymous actor.
    pub fn name(&self) -> &str {
        self.0.rsplit('/').next().unwrap_or_default()
    }
}

impl fmt::Display for ActorPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
