//! Sensor throughput and store memory: a scripted API server on 127.0.0.1 (TLS, in its own
//! thread) streams realistic Pod watch events; the sensor in this thread turns them into
//! triggers. Reports events per second (typed `Pod`, and untyped `DynamicObject` as the CLI
//! uses) and the memory the store holds per 10,000 Pods, counted by a global allocator that
//! counts this thread only. `cargo bench -p k8s-packgen-tests --bench sensor`.

// A global allocator is an `unsafe` trait; this one only counts and forwards to `System`.
#![allow(unsafe_code)]

#[path = "../support/mod.rs"]
mod support;

use k8s_pack::api::core::v1::Pod;
use k8s_pack::runtime::sensor::{Object, Sensor, SensorOptions};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicIsize, Ordering};
use std::time::Instant;
use support::watch::{serve, Answer, End, Piece, Script};

struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

thread_local! {
    static COUNTED: Cell<bool> = const { Cell::new(false) };
}

fn counted() -> bool {
    COUNTED.try_with(Cell::get).unwrap_or(false)
}

// SAFETY: forwards to the system allocator; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if counted() {
            LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        }
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if counted() {
            LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        }
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const PODS: usize = 10_000;
const EVENTS: usize = 100_000;
const LIST: &str = "/api/v1/namespaces/bench/pods";

/// A Pod as a cluster serves it: labels, annotations, an owner, two containers with env,
/// ports, resources, probes and mounts, and a status with conditions and container statuses.
fn pod(i: usize, rv: usize) -> Value {
    let container = |name: &str, port: u16| {
        json!({
            "name": name, "image": format!("registry.example.com/team/{name}:1.{}.{}", i % 7, i % 13),
            "imagePullPolicy": "IfNotPresent",
            "ports": [{"name": "http", "containerPort": port, "protocol": "TCP"}],
            "env": [{"name": "MODE", "value": "production"}, {"name": "REPLICA", "value": i.to_string()},
                    {"name": "POD_IP", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "status.podIP"}}}],
            "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"cpu": "1", "memory": "512Mi"}},
            "livenessProbe": {"httpGet": {"path": "/healthz", "port": port, "scheme": "HTTP"}, "periodSeconds": 10},
            "readinessProbe": {"tcpSocket": {"port": port}, "initialDelaySeconds": 5},
            "volumeMounts": [{"name": "config", "mountPath": "/etc/app", "readOnly": true},
                             {"name": "kube-api-access", "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount"}],
            "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File"
        })
    };
    let status = |name: &str| {
        json!({"name": name, "ready": true, "restartCount": i % 3, "image": "registry.example.com/team/app:1.0",
               "imageID": format!("registry.example.com/team/app@sha256:{:064x}", i),
               "containerID": format!("containerd://{:064x}", i * 31),
               "started": true, "state": {"running": {"startedAt": "2026-11-01T10:00:00Z"}}})
    };
    let conditions: Vec<Value> = ["PodScheduled", "Initialized", "ContainersReady", "Ready"]
        .iter()
        .map(|t| json!({"type": t, "status": "True", "lastTransitionTime": "2026-11-01T10:00:05Z"}))
        .collect();
    json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {
            "name": format!("web-{i:05}"), "namespace": "bench", "uid": format!("00000000-0000-4000-8000-{i:012}"),
            "resourceVersion": rv.to_string(), "generateName": "web-", "creationTimestamp": "2026-11-01T10:00:00Z",
            "labels": {"app": "web", "tier": "frontend", "pod-template-hash": "5d8f7b9c6d", "shard": (i % 16).to_string()},
            "annotations": {"prometheus.io/scrape": "true", "prometheus.io/port": "8080"},
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-5d8f7b9c6d",
                                  "uid": "11111111-2222-4333-8444-555555555555", "controller": true, "blockOwnerDeletion": true}]
        },
        "spec": {
            "containers": [container("app", 8080), container("sidecar", 9090)],
            "volumes": [{"name": "config", "configMap": {"name": "web-config", "defaultMode": 420}}],
            "restartPolicy": "Always", "terminationGracePeriodSeconds": 30, "dnsPolicy": "ClusterFirst",
            "serviceAccountName": "web", "nodeName": format!("node-{}", i % 50), "schedulerName": "default-scheduler",
            "tolerations": [{"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}]
        },
        "status": {
            "phase": "Running", "hostIP": "10.0.0.1", "podIP": format!("10.1.{}.{}", i / 250, i % 250),
            "startTime": "2026-11-01T10:00:00Z", "qosClass": "Burstable",
            "conditions": conditions,
            "containerStatuses": [status("app"), status("sidecar")]
        }
    })
}

/// The watch stream: every Pod added, then modified in turn, in 64 KiB chunks.
fn stream() -> (Vec<Piece>, usize) {
    let mut bytes = Vec::new();
    for n in 0..EVENTS {
        let kind = if n < PODS { "ADDED" } else { "MODIFIED" };
        bytes.extend_from_slice(json!({"type": kind, "object": pod(n % PODS, n + 2)}).to_string().as_bytes());
        bytes.push(b'\n');
    }
    let total = bytes.len();
    (bytes.chunks(64 * 1024).map(|c| Piece::Bytes(c.to_vec())).collect(), total)
}

/// Runs one sensor over the stream: (seconds for all events, bytes the store holds at the end).
fn run<K: Object + DeserializeOwned + Send + Sync + 'static>(url: &str, dir: &std::path::Path) -> (f64, isize) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let client = support::client_from(dir, &support::kubeconfig(url, &[&support::ca_line()], &[]));
        COUNTED.with(|c| c.set(true));
        let before = LIVE.load(Ordering::Relaxed);
        let mut sensor = Sensor::<K>::new(
            &k8s_pack::sensors::core::v1::pods::SENSOR,
            client,
            SensorOptions::default().namespace("bench"),
        );
        let store = sensor.store();
        let mut start = None;
        for _ in 0..EVENTS {
            let trigger = sensor.next().await.unwrap().unwrap();
            start.get_or_insert_with(Instant::now);
            drop(trigger);
        }
        let seconds = start.map(|s| s.elapsed().as_secs_f64()).unwrap_or_default();
        drop(sensor);
        let held = LIVE.load(Ordering::Relaxed) - before;
        COUNTED.with(|c| c.set(false));
        assert_eq!(store.len(), PODS);
        (seconds, held)
    })
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (pieces, total) = stream();
    let pieces = std::sync::Arc::new(std::sync::Mutex::new(Some(pieces)));
    let mut lines = Vec::new();
    for (label, typed) in [("typed Pod", true), ("DynamicObject", false)] {
        // The server runs in its own thread and runtime: not counted, not competing for this one.
        let (tx, rx) = std::sync::mpsc::channel();
        let stream = pieces.lock().unwrap().take().unwrap_or_else(|| stream().0);
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            runtime.block_on(async move {
                let script = Script::new();
                let empty = json!({"kind": "PodList", "metadata": {"resourceVersion": "1"}, "items": []});
                script
                    .list(LIST, Answer::json(200, empty))
                    .watch(LIST, Answer::Stream { pieces: stream, end: End::Hang });
                tx.send(serve(script).await).unwrap();
                std::future::pending::<()>().await;
            });
        });
        let url = rx.recv().unwrap();
        let (seconds, held) = if typed {
            run::<Pod>(&url, dir.path())
        } else {
            run::<k8s_pack::sensors::DynamicObject>(&url, dir.path())
        };
        lines.push(format!(
            "sensor ({label}): {EVENTS} Pod events ({:.1} MB) in {seconds:.2} s = {:.0} events/s, {:.1} MB/s; store of {PODS} Pods holds {:.1} MB ({:.0} bytes per Pod)",
            total as f64 / 1e6,
            EVENTS as f64 / seconds,
            total as f64 / 1e6 / seconds,
            held as f64 / 1e6,
            held as f64 / PODS as f64,
        ));
    }
    for line in lines {
        println!("{line}");
    }
}
