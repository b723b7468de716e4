//! Generation time of the full crate from the default spec (v1.36.0), by phase. A benchmark,
//! not a test: it reports, it asserts nothing. Run with `cargo bench -p k8s-packgen`.

use k8s_packgen::{default_spec, generate, read_documents, write, Options};
use std::time::{Duration, Instant};

const RUNS: usize = 10;

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

fn main() {
    let spec = default_spec();
    let mut phases: [Vec<Duration>; 6] = Default::default();
    let out = std::env::temp_dir().join(format!("k8s-packgen-bench-{}", std::process::id()));
    let mut summary = None;
    for run in 0..=RUNS {
        let start = Instant::now();
        let docs = read_documents(std::slice::from_ref(&spec)).expect("read the spec");
        let read = start.elapsed();
        let output = generate(&docs, &Options::default()).expect("generate");
        let before_write = Instant::now();
        write::write(&out, &output.files).expect("write");
        let write_time = before_write.elapsed();
        let total = start.elapsed();
        if run == 0 {
            // Warm-up: page cache and allocator.
            summary = Some((
                output.files.len(),
                output.files.values().map(|f| f.len()).sum::<usize>(),
                output.api.types.len(),
            ));
            continue;
        }
        let t = &output.timings;
        for (i, d) in [read + t.load, t.ir, t.emit, t.format, write_time, total].into_iter().enumerate() {
            phases[i].push(d);
        }
    }
    let _ = std::fs::remove_dir_all(&out);
    let (files, bytes, types) = summary.unwrap_or_default();
    println!(
        "generate {} ({types} types, {files} files, {:.1} MB), median of {RUNS} runs:",
        spec.display(),
        bytes as f64 / 1e6
    );
    let names = ["read+load", "ir", "emit", "format", "write", "total"];
    for (name, samples) in names.iter().zip(phases) {
        let min = *samples.iter().min().unwrap();
        let max = *samples.iter().max().unwrap();
        println!(
            "  {name:<10} median {:>8.1} ms   min {:>8.1} ms   max {:>8.1} ms",
            ms(median(samples)),
            ms(min),
            ms(max)
        );
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
