//! Memory held by kube-runtime's reflector store per 10,000 Pods: `reflector(writer, watcher(..))`
//! against a watch-server started with `--pool N --events N` (N distinct pods, all ADDED).
//! After N objects, the stream (and with it the client) is dropped; the bytes freed when the
//! last reader of the store is then dropped are what the store held.
//!
//! `store-kube --port P [--objects 10000]`; prints `RESULT store.kube.per10k MiB ...`.

use bench_harness::{arg, note, result, Counting};
use futures::StreamExt;
use k8s_openapi::api::core::v1::Pod;
use kube::runtime::reflector::{self, store::Writer};
use kube::runtime::watcher::{self, Event};
use kube::{Api, Client, Config};

#[global_allocator]
static ALLOC: Counting = Counting;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let port: u16 = arg("--port", 0);
    let objects: usize = arg("--objects", 10_000);
    let writer: Writer<Pod> = Writer::default();
    let reader = writer.as_reader();
    {
        let client = Client::try_from(Config::new(format!("http://127.0.0.1:{port}").parse()?))?;
        let stream = reflector::reflector(writer, watcher::watcher(Api::<Pod>::all(client), watcher::Config::default()));
        let mut stream = std::pin::pin!(stream);
        let mut count = 0;
        while let Some(event) = stream.next().await {
            if let Event::Apply(_) | Event::InitApply(_) = event? {
                count += 1;
                if count == objects {
                    break;
                }
            }
        }
    }
    tokio::task::yield_now().await;
    let len = reader.state().len();
    let before = Counting::live();
    drop(reader);
    let held = before - Counting::live();
    note(&format!("kube reflector store: {len} objects hold {:.1} MiB ({} bytes per object)", held as f64 / 1048576.0, held / len.max(1) as isize));
    result("store.kube.per10k", "MiB", &mut [held as f64 / 1048576.0 * 10_000.0 / len.max(1) as f64]);
    Ok(())
}
