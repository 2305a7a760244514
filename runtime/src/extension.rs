//! Extensions: values that a feature over the kernel keeps per system, found by their type,
//! and the work each needs done when the system shuts down (Akka calls these extensions).
//!
//! The kernel holds one [`Extensions`] per system and knows nothing of what is in it: a
//! feature (remoting today) puts its state here the first time it is used and finds it again
//! by its type, and asks to be stopped after the actors with [`Extensions::on_shutdown`]. This
//! module knows no actor, cell or feature.

// Remoting is its only user so far: without the feature, nothing is stored here.
#![cfg_attr(not(feature = "remote"), allow(dead_code))]

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use std::sync::{Mutex, PoisonError};

/// Work a feature does when the system shuts down, after every actor has stopped.
pub(crate) type ShutdownHook = Box<dyn FnOnce() -> Pin<Box<dyn Future<Output = ()> + Send>> + Send>;

/// The extensions of one system: at most one value per type, and the shutdown hooks.
pub(crate) struct Extensions {
    values: Mutex<HashMap<TypeId, Arc<dyn Any + Send + Sync>>>,
    on_shutdown: Mutex<Vec<ShutdownHook>>,
}

impl Extensions {
    pub(crate) fn new() -> Self {
        Extensions {
            values: Mutex::new(HashMap::new()),
            on_shutdown: Mutex::new(Vec::new()),
        }
    }

    /// The value of type `T`, if a feature put one here.
    pub(crate) fn get<T: Any + Send + Sync>(&self) -> Option<Arc<T>> {
        let values = self.values.lock().unwrap_or_else(PoisonError::into_inner);
        let value = values.get(&TypeId::of::<T>())?.clone();
        value.downcast::<T>().ok()
    }

    /// The value of type `T`, made with `make` (under the lock, once) if there is none yet.
    pub(crate) fn get_or_insert_with<T: Any + Send + Sync>(
        &self,
        make: impl FnOnce() -> Arc<T>,
    ) -> Arc<T> {
        let mut values = self.values.lock().unwrap_or_else(PoisonError::into_inner);
        let value = values
            .entry(TypeId::of::<T>())
            .or_insert_with(|| make())
            .clone();
        value
            .downcast::<T>()
            .unwrap_or_else(|_| unreachable!("an extension is stored under its own type"))
    }

    /// Puts `value` in as the value of type `T`; `Err(value)` when there is one already.
    pub(crate) fn insert<T: Any + Send + Sync>(&self, value: Arc<T>) -> Result<(), Arc<T>> {
        let mut values = self.values.lock().unwrap_or_else(PoisonError::into_inner);
        match values.entry(TypeId::of::<T>()) {
            std::collections::hash_map::Entry::Occupied(_) => Err(value),
            std::collections::hash_map::Entry::Vacant(free) => {
                free.insert(value);
                Ok(())
            }
        }
    }

    /// Runs `hook` when the system shuts down, after its actors have stopped.
    pub(crate) fn on_shutdown(&self, hook: ShutdownHook) {
        self.on_shutdown
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(hook);
    }

    /// Takes the shutdown hooks, in the order they were added.
    pub(crate) fn take_shutdown_hooks(&self) -> Vec<ShutdownHook> {
        std::mem::take(
            &mut *self
                .on_shutdown
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_value_per_type_found_by_its_type() {
        let extensions = Extensions::new();
        assert!(extensions.get::<u32>().is_none());
        assert_eq!(*extensions.get_or_insert_with(|| Arc::new(7_u32)), 7);
        assert_eq!(*extensions.get_or_insert_with(|| Arc::new(8_u32)), 7);
        assert_eq!(extensions.insert(Arc::new(9_u32)).map_err(|v| *v), Err(9));
        assert!(extensions.insert(Arc::new("text")).is_ok());
        assert_eq!(extensions.get::<&str>().as_deref(), Some(&"text"));
    }

    #[tokio::test]
    async fn shutdown_hooks_run_after_the_actors_in_order() {
        use crate::prelude::*;
        use std::sync::Mutex as StdMutex;

        #[actor]
        struct Idle;

        #[actor]
        impl Idle {
            pub fn ping(&self) {}
        }

        let system = ActorSystem::builder("hooks").build().await.unwrap();
        let idle: IdleRef = system.spawn("idle", Idle).await.unwrap();
        let order = Arc::new(StdMutex::new(Vec::new()));
        for n in 0..2 {
            let order = Arc::clone(&order);
            let idle = idle.clone();
            system.inner.extensions.on_shutdown(Box::new(move || {
                Box::pin(async move {
                    order.lock().unwrap().push((n, idle.is_alive()));
                })
            }));
        }
        system.shutdown().await;
        assert_eq!(*order.lock().unwrap(), [(0, false), (1, false)]);
        system.shutdown().await;
        assert_eq!(order.lock().unwrap().len(), 2, "each hook runs once");
    }
}
