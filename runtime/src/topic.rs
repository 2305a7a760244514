//! Pub/sub topics: named, typed channels that actors and streams subscribe to.
//!
//! [`ActorSystem::topic`](crate::ActorSystem::topic) returns the topic of a name and message
//! type; every [`publish`](Topic::publish) reaches each subscribed actor (as a message of its
//! own, built by the closure it subscribed with) and each stream subscription. Publishing never
//! waits: an actor whose bounded mailbox is full gets the message from a task that waits for
//! room, a stream subscriber that falls behind loses the oldest items. Actors that stop are
//! dropped from the topic.
//!
//! Topics are local to one system today. The topic is named so that a cluster layer can later
//! forward publications between nodes behind the same API.

use std::any::Any;
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use crate::actor::{Actor, ActorHandle};
use crate::actor_ref::{ActorId, ActorRef};
use crate::fanout::{Fanout, Subscription};

/// Why a topic could not be opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TopicError {
    /// A topic of this name exists with another message type.
    #[error("topic `{name}` carries `{existing}`, not `{requested}`")]
    WrongType {
        /// The topic's name.
        name: String,
        /// The type it carries.
        existing: &'static str,
        /// The type asked for.
        requested: &'static str,
    },
}

/// A named pub/sub topic carrying `T`. Cheap to clone; every clone is the same topic.
pub struct Topic<T> {
    inner: Arc<TopicInner<T>>,
}

struct TopicInner<T> {
    name: Arc<str>,
    streams: Fanout<T>,
    actors: Mutex<Vec<ActorSubscriber<T>>>,
}

struct ActorSubscriber<T> {
    actor: ActorId,
    /// Delivers one publication; `false` once the actor has stopped.
    deliver: Box<dyn Fn(T) -> bool + Send + Sync>,
}

impl<T: Clone + Send + 'static> Topic<T> {
    pub(crate) fn new(name: Arc<str>, buffer: usize) -> Self {
        Topic {
            inner: Arc::new(TopicInner {
                name,
                streams: Fanout::new(buffer),
                actors: Mutex::new(Vec::new()),
            }),
        }
    }

    fn actors(&self) -> MutexGuard<'_, Vec<ActorSubscriber<T>>> {
        self.inner
            .actors
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The topic's name.
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// Publishes `msg` to every subscriber; returns how many actors and streams it reached.
    pub fn publish(&self, msg: T) -> usize {
        let reached_streams = self.inner.streams.publish(|| msg.clone());
        let mut actors = self.actors();
        actors.retain(|subscriber| (subscriber.deliver)(msg.clone()));
        reached_streams + actors.len()
    }

    /// Subscribes `actor`: each publication reaches it as the message `make` builds, through
    /// its own handler. Subscribing the same actor again adds a second delivery.
    pub fn subscribe_actor<H: ActorHandle>(
        &self,
        actor: &H,
        make: impl Fn(T) -> <H::Actor as Actor>::Msg + Send + Sync + 'static,
    ) {
        let target: ActorRef<H::Actor> = actor.actor_ref().clone();
        self.actors().push(ActorSubscriber {
            actor: target.id(),
            deliver: Box::new(move |msg| target.deliver(make(msg))),
        });
    }

    /// Ends every subscription of `actor` to this topic.
    pub fn unsubscribe_actor<H: ActorHandle>(&self, actor: &H) {
        let id = actor.id();
        let removed: Vec<_> = {
            self.actors()
                .extract_if(.., |subscriber| subscriber.actor == id)
                .collect()
        };
        // Dropped outside the lock: the deliveries are user closures.
        drop(removed);
    }

    /// A stream of what is published from now on.
    pub fn subscribe(&self) -> Subscription<T> {
        self.inner.streams.subscribe("a topic")
    }

    /// How many actors subscribe.
    pub fn actor_subscribers(&self) -> usize {
        self.actors().len()
    }
}

impl<T> Clone for Topic<T> {
    fn clone(&self) -> Self {
        Topic {
            inner: Arc::clone(&self.inner),
        }
    }
}

impl<T> fmt::Debug for Topic<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Topic")
            .field("name", &self.inner.name)
            .field("carries", &std::any::type_name::<T>())
            .finish()
    }
}

/// One registered topic: the name of the type it carries, and the `Topic<T>` itself.
type Entry = (&'static str, Box<dyn Any + Send + Sync>);

/// A system's topics, by name.
pub(crate) struct Topics {
    by_name: Mutex<HashMap<Arc<str>, Entry>>,
}

impl Topics {
    pub(crate) fn new() -> Self {
        Topics {
            by_name: Mutex::default(),
        }
    }

    /// The topic `name`, created on first use.
    pub(crate) fn get<T: Clone + Send + Sync + 'static>(
        &self,
        name: &str,
        buffer: usize,
    ) -> Result<Topic<T>, TopicError> {
        let mut topics = self.by_name.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((existing, topic)) = topics.get(name) {
            return topic.downcast_ref::<Topic<T>>().cloned().ok_or_else(|| {
                TopicError::WrongType {
                    name: name.to_owned(),
                    existing,
                    requested: std::any::type_name::<T>(),
                }
            });
        }
        let name: Arc<str> = name.into();
        let topic = Topic::new(Arc::clone(&name), buffer);
        topics.insert(name, (std::any::type_name::<T>(), Box::new(topic.clone())));
        Ok(topic)
    }
}
