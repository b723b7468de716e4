//! Shared pieces of the runtime benchmarks: a deterministic generator of realistic Pod JSON, a
//! tiny statistics helper and the result line format `bench/run` parses.
//!
//! Result lines on stdout: `RESULT<TAB>key<TAB>unit<TAB>runs<TAB>min<TAB>median<TAB>max`.
//! Everything else (progress, notes) goes to stderr, or stdout lines starting with `NOTE<TAB>`.

use serde_json::{json, Value};

/// xorshift64*: small, fast, deterministic. Not for anything but test data.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// In `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    pub fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len() as u64) as usize]
    }

    /// `n` lowercase alphanumerics, as in generated names.
    pub fn alnum(&mut self, n: usize) -> String {
        const A: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
        (0..n).map(|_| A[self.below(A.len() as u64) as usize] as char).collect()
    }

    pub fn hex(&mut self, n: usize) -> String {
        (0..n).map(|_| char::from_digit(self.below(16) as u32, 16).unwrap()).collect()
    }

    pub fn uid(&mut self) -> String {
        format!("{}-{}-{}-{}-{}", self.hex(8), self.hex(4), self.hex(4), self.hex(4), self.hex(12))
    }

    pub fn timestamp(&mut self) -> String {
        format!(
            "2026-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            1 + self.below(12),
            1 + self.below(28),
            self.below(24),
            self.below(60),
            self.below(60)
        )
    }
}

const APPS: &[&str] = &["web", "api", "worker", "cache", "gateway", "billing", "search", "auth", "ingest", "report"];
const TEAMS: &[&str] = &["payments", "platform", "data", "identity", "growth"];
const NAMESPACES: &[&str] = &["default", "team-a", "team-b", "prod", "staging", "monitoring", "kube-system"];
const REGISTRIES: &[&str] = &["registry.example.com", "ghcr.io/example", "docker.io/library"];

fn container(rng: &mut Rng, name: &str, app: &str, port: u64, sidecar: bool) -> Value {
    let image = format!("{}/{}:{}.{}.{}", rng.pick(REGISTRIES), if sidecar { "envoy" } else { app }, 1 + rng.below(3), rng.below(20), rng.below(10));
    let cpu = ["50m", "100m", "250m", "500m", "1"][rng.below(5) as usize];
    let mem = ["64Mi", "128Mi", "256Mi", "512Mi", "1Gi"][rng.below(5) as usize];
    json!({
        "name": name,
        "image": image,
        "imagePullPolicy": "IfNotPresent",
        "args": ["--port", port.to_string(), "--log-level", rng.pick(&["info", "debug", "warn"])],
        "ports": [
            {"name": "http", "containerPort": port, "protocol": "TCP"},
            {"name": "metrics", "containerPort": 9090 + rng.below(10), "protocol": "TCP"}
        ],
        "env": [
            {"name": "APP_NAME", "value": app},
            {"name": "LOG_FORMAT", "value": "json"},
            {"name": "POD_NAME", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.name"}}},
            {"name": "POD_IP", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "status.podIP"}}},
            {"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": format!("{app}-db"), "key": "password"}}},
            {"name": "FEATURE_FLAGS", "value": format!("flag-{},flag-{}", rng.below(100), rng.below(100))}
        ],
        "resources": {
            "requests": {"cpu": cpu, "memory": mem},
            "limits": {"cpu": if sidecar { "500m" } else { "2" }, "memory": if sidecar { "256Mi" } else { "2Gi" }}
        },
        "livenessProbe": {
            "httpGet": {"path": "/healthz", "port": port, "scheme": "HTTP"},
            "initialDelaySeconds": 10, "timeoutSeconds": 1, "periodSeconds": 10,
            "successThreshold": 1, "failureThreshold": 3
        },
        "readinessProbe": {
            "httpGet": {"path": "/ready", "port": "http", "scheme": "HTTP"},
            "timeoutSeconds": 1, "periodSeconds": 5, "successThreshold": 1, "failureThreshold": 3
        },
        "volumeMounts": [
            {"name": "config", "mountPath": "/etc/app", "readOnly": true},
            {"name": format!("kube-api-access-{}", rng.alnum(5)), "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "readOnly": true}
        ],
        "terminationMessagePath": "/dev/termination-log",
        "terminationMessagePolicy": "File",
        "securityContext": {"runAsNonRoot": true, "readOnlyRootFilesystem": true, "allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}}
    })
}

fn container_status(rng: &mut Rng, name: &str, image: &str, started: &str) -> Value {
    json!({
        "name": name,
        "state": {"running": {"startedAt": started}},
        "lastState": {},
        "ready": true,
        "restartCount": rng.below(3),
        "image": image,
        "imageID": format!("{}@sha256:{}", image.split(':').next().unwrap_or(image), rng.hex(64)),
        "containerID": format!("containerd://{}", rng.hex(64)),
        "started": true
    })
}

/// One realistic Pod (as a ReplicaSet's pod on a node, running, two containers) as JSON.
/// `i` makes the name unique; `resource_version` goes into the metadata.
pub fn pod(rng: &mut Rng, i: usize, resource_version: &str) -> Value {
    let app = rng.pick(APPS);
    let team = rng.pick(TEAMS);
    let ns = rng.pick(NAMESPACES);
    let hash = rng.alnum(10);
    let rs = format!("{app}-{hash}");
    let name = format!("{rs}-{}{i}", rng.alnum(5));
    let created = rng.timestamp();
    let port = 8000 + rng.below(100);
    let main = container(rng, app, app, port, false);
    let sidecar_port = 15000 + rng.below(10);
    let sidecar = container(rng, "envoy", app, sidecar_port, true);
    let main_image = main["image"].as_str().unwrap_or_default().to_string();
    let sidecar_image = sidecar["image"].as_str().unwrap_or_default().to_string();
    let token_volume = format!("kube-api-access-{}", rng.alnum(5));
    let ip = format!("10.{}.{}.{}", rng.below(256), rng.below(256), 1 + rng.below(254));
    let host_ip = format!("192.168.{}.{}", rng.below(256), 1 + rng.below(254));
    let statuses = vec![
        container_status(rng, "envoy", &sidecar_image, &created),
        container_status(rng, app, &main_image, &created),
    ];
    json!({
        "metadata": {
            "name": name,
            "generateName": format!("{rs}-"),
            "namespace": ns,
            "uid": rng.uid(),
            "resourceVersion": resource_version,
            "creationTimestamp": created,
            "labels": {
                "app.kubernetes.io/name": app,
                "app.kubernetes.io/instance": format!("{app}-{ns}"),
                "app.kubernetes.io/part-of": team,
                "app.kubernetes.io/version": format!("1.{}.{}", rng.below(20), rng.below(10)),
                "pod-template-hash": hash,
                "team": team
            },
            "annotations": {
                "kubectl.kubernetes.io/restartedAt": rng.timestamp(),
                "prometheus.io/scrape": "true",
                "prometheus.io/port": "9090",
                "checksum/config": rng.hex(64)
            },
            "ownerReferences": [{
                "apiVersion": "apps/v1", "kind": "ReplicaSet", "name": rs, "uid": rng.uid(),
                "controller": true, "blockOwnerDeletion": true
            }]
        },
        "spec": {
            "volumes": [
                {"name": "config", "configMap": {"name": format!("{app}-config"), "defaultMode": 420}},
                {"name": token_volume, "projected": {"defaultMode": 420, "sources": [
                    {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                    {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
                    {"downwardAPI": {"items": [{"path": "namespace", "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}}]}}
                ]}}
            ],
            "containers": [main, sidecar],
            "restartPolicy": "Always",
            "terminationGracePeriodSeconds": 30,
            "dnsPolicy": "ClusterFirst",
            "serviceAccountName": app,
            "serviceAccount": app,
            "nodeName": format!("node-{}", rng.below(50)),
            "securityContext": {"runAsUser": 1000, "fsGroup": 2000},
            "schedulerName": "default-scheduler",
            "tolerations": [
                {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
                {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}
            ],
            "priority": 0,
            "enableServiceLinks": true,
            "preemptionPolicy": "PreemptLowerPriority"
        },
        "status": {
            "phase": "Running",
            "conditions": [
                {"type": "PodReadyToStartContainers", "status": "True", "lastProbeTime": null, "lastTransitionTime": created},
                {"type": "Initialized", "status": "True", "lastProbeTime": null, "lastTransitionTime": created},
                {"type": "Ready", "status": "True", "lastProbeTime": null, "lastTransitionTime": created},
                {"type": "ContainersReady", "status": "True", "lastProbeTime": null, "lastTransitionTime": created},
                {"type": "PodScheduled", "status": "True", "lastProbeTime": null, "lastTransitionTime": created}
            ],
            "hostIP": host_ip,
            "hostIPs": [{"ip": host_ip}],
            "podIP": ip,
            "podIPs": [{"ip": ip}],
            "startTime": created,
            "containerStatuses": statuses,
            "qosClass": "Burstable"
        }
    })
}

/// A PodList of `n` pods, serialized compactly.
pub fn pod_list_json(n: usize, seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let items: Vec<Value> = (0..n)
        .map(|i| {
            let mut p = pod(&mut rng, i, &(1000 + i).to_string());
            p["apiVersion"] = json!("v1");
            p["kind"] = json!("Pod");
            p
        })
        .collect();
    let list = json!({
        "apiVersion": "v1",
        "kind": "PodList",
        "metadata": {"resourceVersion": (1000 + n).to_string()},
        "items": items
    });
    serde_json::to_string(&list).expect("serialize")
}

/// min, median, max of the samples (seconds or any unit), sorted in place.
pub fn stats(xs: &mut [f64]) -> (f64, f64, f64) {
    xs.sort_by(|a, b| a.total_cmp(b));
    let n = xs.len();
    let median = if n % 2 == 1 { xs[n / 2] } else { (xs[n / 2 - 1] + xs[n / 2]) / 2.0 };
    (xs[0], median, xs[n - 1])
}

/// Prints a result line for `bench/run`.
pub fn result(key: &str, unit: &str, samples: &mut [f64]) {
    let (min, median, max) = stats(samples);
    println!("RESULT\t{key}\t{unit}\t{}\t{min:.3}\t{median:.3}\t{max:.3}", samples.len());
}

pub fn note(text: &str) {
    println!("NOTE\t{text}");
}

/// The value of `--name V` in the arguments, or `default`.
pub fn arg<T: std::str::FromStr>(name: &str, default: T) -> T {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(|v| v.parse().unwrap_or_else(|_| panic!("bad value for {name}: {v}")))
        .unwrap_or(default)
}

/// Current resident set size in bytes, from /proc/self/statm (Linux).
pub fn rss_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

/// A global allocator that counts the bytes currently allocated: for the store-memory
/// benchmarks only (binaries that declare it pay an atomic add per allocation).
pub struct Counting;

static LIVE: std::sync::atomic::AtomicIsize = std::sync::atomic::AtomicIsize::new(0);

impl Counting {
    /// Bytes allocated and not yet freed.
    pub fn live() -> isize {
        LIVE.load(std::sync::atomic::Ordering::SeqCst)
    }
}

// SAFETY: every call is forwarded to the system allocator unchanged; only a counter is kept.
unsafe impl std::alloc::GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        let p = std::alloc::System.alloc(layout);
        if !p.is_null() {
            LIVE.fetch_add(layout.size() as isize, std::sync::atomic::Ordering::Relaxed);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        let p = std::alloc::System.alloc_zeroed(layout);
        if !p.is_null() {
            LIVE.fetch_add(layout.size() as isize, std::sync::atomic::Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        std::alloc::System.dealloc(ptr, layout);
        LIVE.fetch_sub(layout.size() as isize, std::sync::atomic::Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        let p = std::alloc::System.realloc(ptr, layout, new_size);
        if !p.is_null() {
            LIVE.fetch_add(new_size as isize - layout.size() as isize, std::sync::atomic::Ordering::Relaxed);
        }
        p
    }
}
