//! Bytes per idle actor: rakt against the raw tokio floor and kameo.
//!
//! A plain `main` (no criterion) behind a counting global allocator, in its own bench target so
//! that the counting does not slow the timed benchmarks in `core.rs`. For each peer it spawns
//! 100,000 counter actors that never receive a message, waits until they have all started and
//! the heap is steady, and prints the live heap bytes (and allocations) they added, per actor,
//! then the live allocations per actor by size, which shows where the bytes are.
//!
//! Run: `cargo bench -p rakt --bench memory`.

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use common::floor::Floor;
use common::kameo_peer::Kameo;
use common::rakt_peer::Rakt;
use common::{Peer, runtime, wait_idle};

/// Idle actors per peer.
const ACTORS: usize = 100_000;
/// Allocations of up to this many bytes are counted by exact size.
const SIZE_CLASSES: usize = 8192;

/// Counts live heap bytes and allocations, and live allocations by size.
struct Counting;

static LIVE_BYTES: AtomicI64 = AtomicI64::new(0);
static LIVE_ALLOCS: AtomicI64 = AtomicI64::new(0);
/// Live allocations by exact size; the last slot holds every larger one.
static BY_SIZE: [AtomicI64; SIZE_CLASSES + 1] = [const { AtomicI64::new(0) }; SIZE_CLASSES + 1];

fn class(size: usize) -> usize {
    size.min(SIZE_CLASSES)
}

fn count_alloc(size: usize) {
    LIVE_BYTES.fetch_add(size as i64, Ordering::Relaxed);
    LIVE_ALLOCS.fetch_add(1, Ordering::Relaxed);
    BY_SIZE[class(size)].fetch_add(1, Ordering::Relaxed);
}

fn count_dealloc(size: usize) {
    LIVE_BYTES.fetch_sub(size as i64, Ordering::Relaxed);
    LIVE_ALLOCS.fetch_sub(1, Ordering::Relaxed);
    BY_SIZE[class(size)].fetch_sub(1, Ordering::Relaxed);
}

// SAFETY: every call is forwarded to the system allocator unchanged; only counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, which `System` shares.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            count_alloc(layout.size());
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() {
            count_alloc(layout.size());
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` with `layout`, per the caller's contract.
        unsafe { System.dealloc(ptr, layout) };
        count_dealloc(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as for `dealloc`, and `new_size` is valid per the caller's contract.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            count_dealloc(layout.size());
            count_alloc(new_size);
        }
        new
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// A snapshot of the counters.
struct Snapshot {
    bytes: i64,
    allocs: i64,
    by_size: Vec<i64>,
}

impl Snapshot {
    /// Allocated up front, so that taking a snapshot allocates nothing.
    fn new() -> Self {
        Snapshot {
            bytes: 0,
            allocs: 0,
            by_size: vec![0; SIZE_CLASSES + 1],
        }
    }

    fn take(&mut self) {
        for (slot, live) in self.by_size.iter_mut().zip(&BY_SIZE) {
            *slot = live.load(Ordering::Relaxed);
        }
        self.bytes = LIVE_BYTES.load(Ordering::Relaxed);
        self.allocs = LIVE_ALLOCS.load(Ordering::Relaxed);
    }
}

/// What `ACTORS` idle actors of one peer added to the heap.
struct Measured {
    name: &'static str,
    bytes_per_actor: f64,
    allocs_per_actor: f64,
    /// (size, live allocations per actor) for sizes held by at least one actor in ten.
    by_size: Vec<(String, f64)>,
}

fn measure<P: Peer>(rt: &tokio::runtime::Runtime) -> Measured {
    let system = rt.block_on(P::start());
    // Room for the handles is allocated before the first snapshot: it is the benchmark's, not
    // the actors'.
    let mut actors = Vec::with_capacity(ACTORS);
    let (mut before, mut after) = (Snapshot::new(), Snapshot::new());
    before.take();
    rt.block_on(async {
        for _ in 0..ACTORS {
            actors.push(P::spawn(&system).await);
        }
    });
    // Let every actor start and go idle: wait until the heap stops changing.
    let mut last = LIVE_BYTES.load(Ordering::Relaxed);
    for _ in 0..100 {
        std::thread::sleep(Duration::from_millis(50));
        let now = LIVE_BYTES.load(Ordering::Relaxed);
        if now == last {
            break;
        }
        last = now;
    }
    after.take();
    let per_actor = |n: i64| n as f64 / ACTORS as f64;
    let by_size = before
        .by_size
        .iter()
        .zip(&after.by_size)
        .enumerate()
        .filter_map(|(size, (b, a))| {
            let n = per_actor(a - b);
            let label = if size == SIZE_CLASSES {
                format!(">{SIZE_CLASSES}")
            } else {
                size.to_string()
            };
            (n.abs() >= 0.1).then_some((label, n))
        })
        .collect();
    let measured = Measured {
        name: P::NAME,
        bytes_per_actor: per_actor(after.bytes - before.bytes),
        allocs_per_actor: per_actor(after.allocs - before.allocs),
        by_size,
    };
    rt.block_on(P::stop(system, actors));
    wait_idle(rt);
    measured
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing or filters. Only a
    // real bench run spawns 300,000 actors.
    if !std::env::args().any(|arg| arg == "--bench") {
        println!("memory: run with `cargo bench -p rakt --bench memory`");
        return;
    }
    let rt = runtime();
    let results = [
        measure::<Floor>(&rt),
        measure::<Kameo>(&rt),
        measure::<Rakt>(&rt),
    ];
    let floor = results[0].bytes_per_actor;

    println!("bytes per idle actor ({ACTORS} idle actors per peer, live heap after they started)");
    println!();
    println!("| peer | bytes / actor | allocations / actor | ratio to floor |");
    println!("|---|---:|---:|---:|");
    for m in &results {
        println!(
            "| {} | {:.0} | {:.2} | {:.2}x |",
            m.name,
            m.bytes_per_actor,
            m.allocs_per_actor,
            m.bytes_per_actor / floor
        );
    }
    println!();
    println!("live allocations per actor, by size in bytes:");
    for m in &results {
        let sizes: Vec<String> = m
            .by_size
            .iter()
            .map(|(size, n)| format!("{n:.2} x {size}"))
            .collect();
        println!("- {}: {}", m.name, sizes.join(", "));
    }
}
