//! Our side of the sensor benchmark: k8s-pack's `Pod` sensor across all namespaces against the
//! local watch server (plain HTTP), counting triggers until `--events` have been seen.
//!
//! `watch-ours --port P [--events 100000]`; prints `RESULT watch.ours.eps ...` like the harness.

use k8s_pack::runtime::sensor::SensorOptions;
use std::time::Instant;

fn arg<T: std::str::FromStr>(name: &str, default: T) -> T {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(|v| v.parse().unwrap_or_else(|_| panic!("bad value for {name}: {v}")))
        .unwrap_or(default)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let port: u16 = arg("--port", 0);
    let events: usize = arg("--events", 100_000);
    let start = Instant::now();
    let config = k8s_pack::runtime::Config::new(format!("http://127.0.0.1:{port}").parse()?);
    let client = k8s_pack::runtime::Client::new(config)?;
    let mut sensor = k8s_pack::sensors::core::v1::pods::sensor(client, SensorOptions::default());
    let mut count = 0usize;
    let mut bytes_of_names = 0usize;
    while let Some(item) = sensor.next().await {
        let trigger = item?;
        // Touch the object so the work cannot be skipped.
        bytes_of_names += trigger.name().map_or(0, str::len);
        count += 1;
        if count == events {
            break;
        }
    }
    let elapsed = start.elapsed().as_secs_f64();
    if count < events {
        return Err(format!("the sensor stopped after {count} of {events} events").into());
    }
    let eps = count as f64 / elapsed;
    println!("NOTE\tk8s-pack sensor: {count} events in {elapsed:.3} s ({bytes_of_names} bytes of names)");
    println!("RESULT\twatch.ours.eps\tevents/s\t1\t{eps:.3}\t{eps:.3}\t{eps:.3}");
    Ok(())
}
