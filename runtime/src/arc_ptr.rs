//! [`ArcPtr`]: an owned `Arc<T>` kept as a raw pointer. This module holds the runtime's only
//! reference-counting `unsafe` code, tested here on its own.
//!
//! An [`ActorRef`](crate::ActorRef) holds its cell this way. It behaves exactly like the `Arc`
//! it came from (one strong count, released on drop), but a type holding it shows no interior
//! mutability: clippy's `mutable_key_type` then accepts handles as map keys, which is sound
//! because their `Eq` and `Hash` read only the cell's address and immutable id. An
//! `Arc<dyn ..>` would do the same without `unsafe`, but costs an indirect call on every send
//! (measured: ~25% on tell throughput).

use std::marker::PhantomData;
use std::ops::Deref;
use std::ptr::NonNull;
use std::sync::Arc;

/// An owned `Arc<T>` kept as a raw pointer: [`Clone`] adds a strong count, [`Drop`] gives one
/// back, [`Deref`] reads the value.
pub(crate) struct ArcPtr<T> {
    ptr: NonNull<T>,
    /// Owns a `T` (through the `Arc`), for the drop check.
    _owns: PhantomData<T>,
}

// SAFETY: an `ArcPtr<T>` is an `Arc<T>`, which is `Send` and `Sync` exactly when `T` is
// `Send + Sync`.
unsafe impl<T: Send + Sync> Send for ArcPtr<T> {}
// SAFETY: as above.
unsafe impl<T: Send + Sync> Sync for ArcPtr<T> {}

impl<T> ArcPtr<T> {
    /// Takes over `arc`'s strong count.
    pub(crate) fn new(arc: Arc<T>) -> Self {
        // SAFETY: `Arc::into_raw` never returns null.
        let ptr = unsafe { NonNull::new_unchecked(Arc::into_raw(arc).cast_mut()) };
        ArcPtr {
            ptr,
            _owns: PhantomData,
        }
    }

    /// Another strong `Arc` to the same value.
    pub(crate) fn to_arc(&self) -> Arc<T> {
        // SAFETY: `ptr` came from `Arc::into_raw` and this `ArcPtr` still owns one strong
        // count, so the allocation is live; the increment gives the new `Arc` its own count.
        unsafe {
            Arc::increment_strong_count(self.ptr.as_ptr());
            Arc::from_raw(self.ptr.as_ptr())
        }
    }

    /// Whether both point at the same allocation.
    #[inline]
    pub(crate) fn ptr_eq(&self, other: &Self) -> bool {
        self.ptr == other.ptr
    }
}

impl<T> Deref for ArcPtr<T> {
    type Target = T;

    #[inline]
    fn deref(&self) -> &T {
        // SAFETY: this `ArcPtr` owns a strong count, so the value outlives the borrow.
        unsafe { self.ptr.as_ref() }
    }
}

impl<T> Clone for ArcPtr<T> {
    #[inline]
    fn clone(&self) -> Self {
        // SAFETY: live allocation from `Arc::into_raw` (see `to_arc`); the new `ArcPtr` owns
        // the added count.
        unsafe { Arc::increment_strong_count(self.ptr.as_ptr()) };
        ArcPtr {
            ptr: self.ptr,
            _owns: PhantomData,
        }
    }
}

impl<T> Drop for ArcPtr<T> {
    fn drop(&mut self) {
        // SAFETY: gives back the strong count this `ArcPtr` owns, exactly once.
        unsafe { Arc::decrement_strong_count(self.ptr.as_ptr()) };
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Weak};

    use super::ArcPtr;

    /// Counts its own drops.
    struct Payload {
        value: u64,
        drops: Arc<AtomicUsize>,
    }

    impl Drop for Payload {
        fn drop(&mut self) {
            self.drops.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn payload(value: u64) -> (Arc<Payload>, Weak<Payload>, Arc<AtomicUsize>) {
        let drops = Arc::new(AtomicUsize::new(0));
        let arc = Arc::new(Payload {
            value,
            drops: Arc::clone(&drops),
        });
        let weak = Arc::downgrade(&arc);
        (arc, weak, drops)
    }

    #[test]
    fn each_copy_owns_exactly_one_strong_count() {
        let (arc, weak, drops) = payload(7);
        let ptr = ArcPtr::new(arc);
        assert_eq!(weak.strong_count(), 1, "the count moved over, none added");
        assert_eq!(ptr.value, 7);
        let copy = ptr.clone();
        assert_eq!(weak.strong_count(), 2);
        let arc = copy.to_arc();
        assert_eq!(weak.strong_count(), 3);
        assert_eq!(arc.value, 7);
        drop(arc);
        drop(copy);
        assert_eq!(weak.strong_count(), 1);
        assert_eq!(drops.load(Ordering::SeqCst), 0);
        drop(ptr);
        assert_eq!(weak.strong_count(), 0);
        assert!(weak.upgrade().is_none(), "the last copy frees the value");
        assert_eq!(drops.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn an_arc_taken_out_keeps_the_value_after_every_copy_is_gone() {
        let (arc, weak, drops) = payload(3);
        let ptr = ArcPtr::new(arc);
        let arc = ptr.to_arc();
        drop(ptr);
        assert_eq!(arc.value, 3);
        assert_eq!(drops.load(Ordering::SeqCst), 0);
        drop(arc);
        assert!(weak.upgrade().is_none());
        assert_eq!(drops.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn copies_are_equal_by_address_not_by_value() {
        let (first, _, _) = payload(1);
        let (second, _, _) = payload(1);
        let first = ArcPtr::new(first);
        let second = ArcPtr::new(second);
        assert!(first.ptr_eq(&first.clone()));
        assert!(!first.ptr_eq(&second));
    }

    #[test]
    fn copies_made_and_dropped_on_many_threads_free_the_value_once() {
        let (arc, weak, drops) = payload(11);
        let ptr = ArcPtr::new(arc);
        std::thread::scope(|scope| {
            for _ in 0..4 {
                let mine = ptr.clone();
                scope.spawn(move || {
                    for _ in 0..10_000 {
                        let copy = mine.clone();
                        assert_eq!(copy.value, 11);
                        drop(copy.to_arc());
                    }
                });
            }
        });
        assert_eq!(
            weak.strong_count(),
            1,
            "every thread gave back what it took"
        );
        assert_eq!(drops.load(Ordering::SeqCst), 0);
        drop(ptr);
        assert_eq!(drops.load(Ordering::SeqCst), 1);
    }
}
