//! Memory held by k8s-pack's sensor store per 10,000 Pods, against a watch-server started with
//! `--pool N --events N` (N distinct pods, all ADDED). After N triggers the sensor (and with it
//! the client) is dropped; the bytes freed when the last handle of its store is then dropped are
//! what the store held. Same method as bench/harness's `store-kube`.
//!
//! `store-ours --port P [--objects 10000]`; prints `RESULT store.ours.per10k MiB ...`.

use k8s_pack::runtime::sensor::SensorOptions;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};

struct Counting;
static LIVE: AtomicIsize = AtomicIsize::new(0);

// SAFETY: every call is forwarded to the system allocator unchanged; only a counter is kept.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc(layout);
        if !p.is_null() {
            LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc_zeroed(layout);
        if !p.is_null() {
            LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout);
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = System.realloc(ptr, layout, new_size);
        if !p.is_null() {
            LIVE.fetch_add(new_size as isize - layout.size() as isize, Ordering::Relaxed);
        }
        p
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

fn arg<T: std::str::FromStr>(name: &str, default: T) -> T {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(|v| v.parse().unwrap_or_else(|_| panic!("bad value for {name}: {v}")))
        .unwrap_or(default)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let port: u16 = arg("--port", 0);
    let objects: usize = arg("--objects", 10_000);
    let store = {
        let config = k8s_pack::runtime::Config::new(format!("http://127.0.0.1:{port}").parse()?);
        let client = k8s_pack::runtime::Client::new(config)?;
        let mut sensor = k8s_pack::sensors::core::v1::pods::sensor(client, SensorOptions::default());
        let mut count = 0;
        while let Some(item) = sensor.next().await {
            drop(item?);
            count += 1;
            if count == objects {
                break;
            }
        }
        sensor.store()
    };
    tokio::task::yield_now().await;
    let len = store.len();
    let before = LIVE.load(Ordering::SeqCst);
    drop(store);
    let held = before - LIVE.load(Ordering::SeqCst);
    let per10k = held as f64 / 1048576.0 * 10_000.0 / len.max(1) as f64;
    println!(
        "NOTE\tk8s-pack sensor store: {len} objects hold {:.1} MiB ({} bytes per object)",
        held as f64 / 1048576.0,
        held / len.max(1) as isize
    );
    println!("RESULT\tstore.ours.per10k\tMiB\t1\t{per10k:.3}\t{per10k:.3}\t{per10k:.3}");
    Ok(())
}
