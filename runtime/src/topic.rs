//! Pub/sub topics: named, typed channels that actors and streams subscribe to.
//!
//! [`ActorSystem::topic`](crate::ActorSystem::topic) returns the topic of a name and message
//! type; every [`publish`](Topic::publish) reaches each subscribed actor (as a message of its
//! own, built by the closure it subscribed with) and each stream subscription. Publishing never
//! waits: an actor whose bounded mailbox is full gets the message from a task that waits for
//! room, a stream subscriber that falls behind loses the oldest items. Actors that stop are
//! dropped from the topic.
//!
//! The actor subscribers are a copy-on-write list: a publication delivers to the list of the
//! moment it began without holding any lock, so a subscriber's closure may publish to,
//! subscribe to or unsubscribe from its own topic.
//!
//! Topics are local to one system today. The topic is named so that a cluster layer can later
//! forward publications between nodes behind the same API.

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use arc_swap::ArcSwap;

use crate::actor::{Actor, ActorHandle};
use crate::actor_ref::ActorRef;
use crate::fanout::{Fanout, Subscription};
use crate::id::ActorId;
use crate::system::ActorSystem;

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
    /// Replaced, never changed in place: publishing reads it without a lock.
    actors: ArcSwap<Vec<Arc<ActorSubscriber<T>>>>,
    /// Held while `actors` is replaced, so that two changes do not lose one another.
    changing: Mutex<()>,
}

struct ActorSubscriber<T> {
    actor: ActorId,
    /// Cleared when it is unsubscribed or found stopped, for the publications already under
    /// way.
    active: AtomicBool,
    /// Delivers one publication; `false` once the actor has stopped.
    deliver: Box<dyn Fn(T) -> bool + Send + Sync>,
}

impl<T: Clone + Send + 'static> Topic<T> {
    pub(crate) fn new(name: Arc<str>, buffer: usize) -> Self {
        Topic {
            inner: Arc::new(TopicInner {
                name,
                streams: Fanout::new(buffer),
                actors: ArcSwap::default(),
                changing: Mutex::new(()),
            }),
        }
    }

    /// Replaces the actor subscribers with a copy that `change` edited; returns what it
    /// returns.
    fn change_actors<R>(&self, change: impl FnOnce(&mut Vec<Arc<ActorSubscriber<T>>>) -> R) -> R {
        let changing = self
            .inner
            .changing
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let mut actors = Vec::clone(&self.inner.actors.load());
        let changed = change(&mut actors);
        let before = self.inner.actors.swap(Arc::new(actors));
        drop(changing);
        // Dropped outside the lock: it may hold the last reference to a subscriber's closure.
        drop(before);
        changed
    }

    /// The topic's name.
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// Publishes `msg` to every subscriber; returns how many actors and streams it reached.
    /// What one caller publishes reaches each subscriber in the order it was published.
    pub fn publish(&self, msg: T) -> usize {
        let reached_streams = self.inner.streams.publish(|| msg.clone());
        let actors = self.inner.actors.load_full();
        let mut reached_actors = 0;
        let mut stopped = false;
        for subscriber in actors.iter() {
            if !subscriber.active.load(Ordering::Acquire) {
                continue;
            }
            if (subscriber.deliver)(msg.clone()) {
                reached_actors += 1;
            } else {
                subscriber.active.store(false, Ordering::Release);
                stopped = true;
            }
        }
        if stopped {
            self.change_actors(|actors| {
                actors.retain(|subscriber| subscriber.active.load(Ordering::Acquire));
            });
        }
        reached_streams + reached_actors
    }

    /// Subscribes `actor`: each publication reaches it as the message `make` builds, through
    /// its own handler. Subscribing the same actor again adds a second delivery.
    pub fn subscribe_actor<H: ActorHandle>(
        &self,
        actor: &H,
        make: impl Fn(T) -> <H::Actor as Actor>::Msg + Send + Sync + 'static,
    ) {
        let target: ActorRef<H::Actor> = actor.actor_ref().clone();
        let subscriber = Arc::new(ActorSubscriber {
            actor: target.id(),
            active: AtomicBool::new(true),
            deliver: Box::new(move |msg| target.deliver(make(msg))),
        });
        self.change_actors(|actors| actors.push(subscriber));
    }

    /// Ends every subscription of `actor` to this topic; publications already under way skip
    /// it from now on.
    pub fn unsubscribe_actor<H: ActorHandle>(&self, actor: &H) {
        let id = actor.id();
        let removed: Vec<_> = self.change_actors(|actors| {
            actors
                .extract_if(.., |subscriber| subscriber.actor == id)
                .collect()
        });
        for subscriber in &removed {
            subscriber.active.store(false, Ordering::Release);
        }
        // Dropped outside the lock: the deliveries are user closures.
        drop(removed);
    }

    /// A stream of what is published from now on.
    pub fn subscribe(&self) -> Subscription<T> {
        self.inner.streams.subscribe("a topic")
    }

    /// How many actors subscribe.
    pub fn actor_subscribers(&self) -> usize {
        self.inner.actors.load().len()
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

impl ActorSystem {
    /// The pub/sub topic `name` carrying `T`, created on first use; an error if the name is
    /// taken by a topic of another type. Each stream subscriber buffers as many items as the
    /// event stream does.
    pub fn topic<T: Clone + Send + Sync + 'static>(
        &self,
        name: &str,
    ) -> Result<Topic<T>, TopicError> {
        let inner = &self.inner;
        let mut topics = inner.topics.lock().unwrap_or_else(PoisonError::into_inner);
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
        let topic = Topic::new(Arc::clone(&name), inner.event_buffer);
        topics.insert(name, (std::any::type_name::<T>(), Box::new(topic.clone())));
        Ok(topic)
    }
}
