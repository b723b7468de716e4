//! (De)serialization of a synthetic PodList (5,000 realistic pods by default) with k8s-pack,
//! k8s-openapi and serde_json::Value, in one process: warm-up, then `--iters` timed iterations
//! of each, interleaved. Throughput is the size of the input document over the time taken.
//!
//! `serde [--pods 5000] [--iters 20] [--seed 42]`

use bench_harness::{arg, note, pod_list_json, result};
use std::hint::black_box;
use std::time::Instant;

type Ours = k8s_pack::api::core::v1::PodList;
// k8s-openapi has no PodList struct: lists are the generic `List<T>`.
type Peer = k8s_openapi::List<k8s_openapi::api::core::v1::Pod>;
type Untyped = serde_json::Value;

fn time<F: FnMut()>(mut f: F) -> f64 {
    let start = Instant::now();
    f();
    start.elapsed().as_secs_f64()
}

/// Time to deserialize `input` as `T`; the value is dropped outside the timed part.
fn time_de<T: serde::de::DeserializeOwned>(input: &str) -> f64 {
    let start = Instant::now();
    let value: T = serde_json::from_str(black_box(input)).unwrap();
    let elapsed = start.elapsed().as_secs_f64();
    drop(black_box(value));
    elapsed
}

fn main() {
    let pods: usize = arg("--pods", 5000);
    let iters: usize = arg("--iters", 20);
    let seed: u64 = arg("--seed", 42);
    let input = pod_list_json(pods, seed);
    let mb = input.len() as f64 / 1e6;
    note(&format!("PodList of {pods} pods, {:.1} MB of JSON ({} bytes per pod), seed {seed}", mb, input.len() / pods));

    // Sanity: every side reads it, and both typed sides write the same document back.
    let ours: Ours = serde_json::from_str(&input).expect("k8s-pack reads the PodList");
    let peer: Peer = serde_json::from_str(&input).expect("k8s-openapi reads the PodList");
    let untyped: Untyped = serde_json::from_str(&input).expect("serde_json reads the PodList");
    assert_eq!(ours.items.len(), pods);
    assert_eq!(peer.items.len(), pods);
    let ours_out: Untyped = serde_json::to_value(&ours).expect("k8s-pack writes");
    let peer_out: Untyped = serde_json::to_value(&peer).expect("k8s-openapi writes");
    if ours_out == peer_out {
        note("round trip: k8s-pack and k8s-openapi write back identical documents");
    } else {
        note("round trip: k8s-pack and k8s-openapi write back DIFFERENT documents (see stderr)");
        let (a, b) = (ours_out["items"][0].to_string(), peer_out["items"][0].to_string());
        eprintln!("first item, k8s-pack:\n{a}\nfirst item, k8s-openapi:\n{b}");
    }
    let sizes = [
        serde_json::to_vec(&ours).unwrap().len(),
        serde_json::to_vec(&peer).unwrap().len(),
        serde_json::to_vec(&untyped).unwrap().len(),
    ];
    note(&format!(
        "serialized sizes: k8s-pack {} B, k8s-openapi {} B, Value {} B (input {} B)",
        sizes[0],
        sizes[1],
        sizes[2],
        input.len()
    ));

    // Warm-up.
    for _ in 0..2 {
        black_box(serde_json::from_str::<Ours>(&input).unwrap());
        black_box(serde_json::from_str::<Peer>(&input).unwrap());
        black_box(serde_json::from_str::<Untyped>(&input).unwrap());
        black_box(serde_json::to_vec(&ours).unwrap());
        black_box(serde_json::to_vec(&peer).unwrap());
        black_box(serde_json::to_vec(&untyped).unwrap());
    }

    let mut samples: [Vec<f64>; 6] = Default::default();
    let mut buf = Vec::with_capacity(input.len() * 2);
    for _ in 0..iters {
        samples[0].push(time_de::<Ours>(&input));
        samples[1].push(time_de::<Peer>(&input));
        samples[2].push(time_de::<Untyped>(&input));
        buf.clear();
        samples[3].push(time(|| serde_json::to_writer(&mut buf, black_box(&ours)).unwrap()));
        black_box(&buf);
        buf.clear();
        samples[4].push(time(|| serde_json::to_writer(&mut buf, black_box(&peer)).unwrap()));
        black_box(&buf);
        buf.clear();
        samples[5].push(time(|| serde_json::to_writer(&mut buf, black_box(&untyped)).unwrap()));
        black_box(&buf);
    }
    // MB/s over the input document's size; min/median/max are of throughput.
    let keys = ["de.ours", "de.peer", "de.value", "ser.ours", "ser.peer", "ser.value"];
    for (key, s) in keys.iter().zip(samples.iter_mut()) {
        let mut rates: Vec<f64> = s.iter().map(|t| mb / t).collect();
        result(&format!("serde.{key}"), "MB/s", &mut rates);
    }
}
