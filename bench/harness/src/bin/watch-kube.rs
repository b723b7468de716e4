//! Peer side of the sensor benchmark: kube-runtime's `watcher` over `Api::<Pod>::all` against the
//! local watch server, counting object events until `--events` have been seen.
//!
//! With `--reflector`, the watcher feeds a reflector store (`reflector(writer, watcher(..))`), as
//! a sensor keeps one: the like-for-like comparison for memory.
//!
//! `watch-kube --port P [--events 100000] [--reflector]`; prints `RESULT watch.kube.eps ...`
//! (`watch.kube-reflector.eps` with `--reflector`).

use bench_harness::{arg, note, result};
use futures::StreamExt;
use k8s_openapi::api::core::v1::Pod;
use kube::runtime::reflector::{self, store::Writer};
use kube::runtime::watcher::{self, Event};
use kube::{Api, Client, Config};
use std::time::Instant;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let port: u16 = arg("--port", 0);
    let events: usize = arg("--events", 100_000);
    let start = Instant::now();
    let config = Config::new(format!("http://127.0.0.1:{port}").parse()?);
    let client = Client::try_from(config)?;
    let api = Api::<Pod>::all(client);
    let with_store = std::env::args().any(|a| a == "--reflector");
    let watch = watcher::watcher(api, watcher::Config::default());
    let writer: Writer<Pod> = Writer::default();
    let reader = writer.as_reader();
    let mut stream = if with_store { reflector::reflector(writer, watch).boxed() } else { watch.boxed() };
    let mut count = 0usize;
    let mut bytes_of_names = 0usize;
    while let Some(event) = stream.next().await {
        match event? {
            Event::Apply(pod) | Event::InitApply(pod) | Event::Delete(pod) => {
                // Touch the object so the work cannot be skipped.
                bytes_of_names += pod.metadata.name.as_deref().map_or(0, str::len);
                count += 1;
                if count == events {
                    break;
                }
            }
            Event::Init | Event::InitDone => {}
        }
    }
    let elapsed = start.elapsed().as_secs_f64();
    if count < events {
        return Err(format!("the watch ended after {count} of {events} events").into());
    }
    let (name, key) = if with_store { ("kube watcher + reflector", "watch.kube-reflector.eps") } else { ("kube watcher", "watch.kube.eps") };
    note(&format!("{name}: {count} events in {elapsed:.3} s ({bytes_of_names} bytes of names, {} objects in the store)", reader.state().len()));
    result(key, "events/s", &mut [count as f64 / elapsed]);
    Ok(())
}
