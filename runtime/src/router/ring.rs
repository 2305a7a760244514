//! The consistent-hash ring of a pool and the stable hash of routing keys.

use std::hash::{Hash, Hasher};

use siphasher::sip::SipHasher13;

/// The points of each routee (by id), derived from the id alone so that they do not move when
/// others come and go; `(point, index of the routee)`, sorted.
pub(super) fn ring(ids: impl Iterator<Item = u64>, virtual_nodes: usize) -> Vec<(u64, usize)> {
    let mut ring = Vec::new();
    for (index, id) in ids.enumerate() {
        for vnode in 0..virtual_nodes {
            let mut hasher = stable_hasher();
            (id, vnode).hash(&mut hasher);
            ring.push((hasher.finish(), index));
        }
    }
    ring.sort_unstable();
    ring
}

/// The index owning `key`: the first point at or after it, wrapping round.
pub(super) fn owner(ring: &[(u64, usize)], key: u64) -> Option<usize> {
    let at = ring.partition_point(|&(point, _)| point < key);
    ring.get(at)
        .or_else(|| ring.first())
        .map(|&(_, index)| index)
}

/// The hasher of keys and ring points: SipHash-1-3 with fixed keys, so that a key maps the
/// same way in every process and with every Rust release (`std`'s `DefaultHasher` promises
/// neither).
fn stable_hasher() -> SipHasher13 {
    SipHasher13::new_with_keys(0x7261_6b74_5f72_696e, 0x675f_706f_696e_7473)
}

/// Hashes a routing key; used by generated `route_key`.
#[doc(hidden)]
pub fn hash_key<K: RouteKey + ?Sized>(key: &K) -> u64 {
    let mut hasher = stable_hasher();
    key.hash(&mut hasher);
    hasher.finish()
}

/// A type that can be a consistent-hashing key: any `Hash` type.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a routing key: it does not implement `Hash`",
    label = "marked as the key by `#[route(key = ..)]`",
    note = "derive or implement `Hash` for it, or route on another argument"
)]
pub trait RouteKey: Hash {}

impl<T: Hash + ?Sized> RouteKey for T {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::router::DEFAULT_VIRTUAL_NODES;

    /// Which of `ids` owns each key.
    fn owners(ids: &[u64], keys: &[u64]) -> Vec<u64> {
        let ring = ring(ids.iter().copied(), DEFAULT_VIRTUAL_NODES);
        keys.iter()
            .map(|key| ids[owner(&ring, hash_key(key)).unwrap()])
            .collect()
    }

    #[test]
    fn growing_the_ring_moves_about_one_key_in_n_plus_one() {
        let keys: Vec<u64> = (0..10_000).collect();
        for n in [2u64, 4, 8] {
            let ids: Vec<u64> = (1..=n).collect();
            let before = owners(&ids, &keys);
            let mut grown = ids.clone();
            grown.push(n + 1);
            let after = owners(&grown, &keys);
            let moved = before.iter().zip(&after).filter(|(b, a)| b != a).count();
            let expected = keys.len() as f64 / (n + 1) as f64;
            assert!(
                (moved as f64) < expected * 1.25,
                "{n} -> {}: {moved} keys moved, about {expected:.0} expected",
                n + 1
            );
            // Every key that moved went to the new routee.
            for (b, a) in before.iter().zip(&after) {
                assert!(b == a || *a == n + 1, "a key moved between old routees");
            }
        }
    }

    #[test]
    fn a_key_keeps_its_owner_and_keys_spread() {
        let ids = [11, 12, 13, 14];
        let keys: Vec<u64> = (0..10_000).collect();
        assert_eq!(owners(&ids, &keys), owners(&ids, &keys));
        let owned = owners(&ids, &keys);
        for id in ids {
            let share = owned.iter().filter(|&&o| o == id).count();
            assert!(
                (1_500..=3_500).contains(&share),
                "routee {id} owns {share} keys"
            );
        }
    }

    #[test]
    fn an_empty_ring_owns_nothing() {
        assert_eq!(owner(&[], 5), None);
    }
}
