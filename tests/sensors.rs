//! Sensors against a scripted API server on 127.0.0.1 (TLS): each test replays an event
//! sequence with a fault injected and asserts the exact triggers the consumer saw — every
//! change once, in order, nothing invented — and the requests the sensor made.

mod support;

use k8s_pack::runtime::sensor::{
    Backoff, CrdEvent, CrdFilter, InitialState, Object, Sensor, SensorError, SensorOptions, ShutdownHandle,
};
use k8s_pack::runtime::Client;
use k8s_pack::sensors::core::v1::config_maps;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;
use support::watch::{serve, Answer, End, Piece, Script};
use tokio::sync::Notify;

const LIST: &str = "/api/v1/namespaces/default/configmaps";

fn cm(name: &str, rv: u64, uid: &str) -> Value {
    json!({
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": name, "namespace": "default", "uid": uid, "resourceVersion": rv.to_string()},
        "data": {"version": rv.to_string()}
    })
}

fn list(items: Vec<Value>, rv: u64, next: Option<&str>) -> Answer {
    Answer::json(
        200,
        json!({"apiVersion": "v1", "kind": "ConfigMapList",
               "metadata": {"resourceVersion": rv.to_string(), "continue": next}, "items": items}),
    )
}

fn event(kind: &str, object: Value) -> Value {
    json!({"type": kind, "object": object})
}

fn bookmark(rv: u64) -> Value {
    event("BOOKMARK", json!({"kind": "ConfigMap", "apiVersion": "v1", "metadata": {"resourceVersion": rv.to_string()}}))
}

fn gone_event() -> Value {
    event(
        "ERROR",
        json!({"kind": "Status", "apiVersion": "v1", "status": "Failure", "code": 410, "reason": "Expired",
               "message": "too old resource version: 3 (40)"}),
    )
}

fn status(code: u16, reason: &str) -> Value {
    support::status_body(code, reason, reason)
}

fn options() -> SensorOptions {
    SensorOptions::default()
        .namespace("default")
        .page_size(2)
        .backoff(Backoff::new(Duration::from_millis(10), Duration::from_millis(50)))
}

async fn client(url: &str) -> (Client, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let client = support::client_from(dir.path(), &support::kubeconfig(url, &[&support::ca_line()], &[]));
    (client, dir)
}

/// Reads until `triggers` triggers came (errors are recorded as `error <kind>`), then checks
/// that nothing more comes for a moment.
async fn collect<K: Object + DeserializeOwned>(sensor: &mut Sensor<K>, triggers: usize) -> Vec<String> {
    let mut seen = Vec::new();
    let mut count = 0;
    while count < triggers {
        match tokio::time::timeout(Duration::from_secs(20), sensor.next()).await {
            Ok(Some(Ok(t))) => {
                seen.push(format!("{} {} {}", t.event, t.name().unwrap_or("?"), t.resource_version));
                count += 1;
            }
            Ok(Some(Err(e))) => seen.push(format!("error {}", error_kind(&e))),
            Ok(None) => {
                seen.push("end".to_string());
                return seen;
            }
            Err(_) => panic!("timed out waiting for triggers; so far: {seen:?}"),
        }
    }
    if let Ok(Some(extra)) = tokio::time::timeout(Duration::from_millis(300), sensor.next()).await {
        panic!("unexpected item after {seen:?}: {:?}", extra.map(|t| t.event));
    }
    seen
}

fn error_kind(e: &SensorError) -> &'static str {
    match e {
        SensorError::Denied(_) => "denied",
        SensorError::Certificate(_) => "certificate",
        SensorError::Client(_) => "client",
        SensorError::Watch(_) => "watch",
        SensorError::Decode(_) => "decode",
        SensorError::Options(_) => "options",
        _ => "other",
    }
}

fn watches(script: &Script) -> Vec<String> {
    script
        .seen()
        .iter()
        .map(|r| match r.is_watch() {
            true => format!("watch rv={}", r.param("resourceVersion").unwrap_or("")),
            false => format!("list continue={}", r.param("continue").unwrap_or("")),
        })
        .collect()
}

#[tokio::test]
async fn lists_in_pages_then_watches_with_bookmarks() {
    let script = Script::new();
    script
        .list(LIST, list(vec![cm("a", 1, "u-a"), cm("b", 2, "u-b")], 5, Some("page-2")))
        .list(LIST, list(vec![cm("c", 3, "u-c")], 5, None))
        .watch(
            LIST,
            Answer::events(
                &[event("ADDED", cm("d", 6, "u-d")), event("MODIFIED", cm("a", 7, "u-a")), bookmark(9)],
                End::Hang,
            ),
        );
    let (client, _dir) = client(&serve(script.clone()).await).await;
    let mut sensor = config_maps::sensor(client, options().label_selector("app=web"));
    let seen = collect(&mut sensor, 5).await;
    assert_eq!(seen, ["ADDED a 1", "ADDED b 2", "ADDED c 3", "ADDED d 6", "MODIFIED a 7"]);
    assert_eq!(sensor.resource_version(), Some("9"), "bookmarks move the resume point");
    assert_eq!(watches(&script), ["list continue=", "list continue=page-2", "watch rv=5"]);
    let watch = &script.seen()[2];
    assert_eq!(watch.param("allowWatchBookmarks"), Some("true"));
    assert_eq!(watch.param("labelSelector"), Some("app=web"));
    assert!(watch.param("timeoutSeconds").is_some());
    let store = sensor.store();
    let names: Vec<String> = store.keys().into_iter().map(|k| k.name).collect();
    assert_eq!(names, ["a", "b", "c", "d"]);
    assert_eq!(store.get(Some("default"), "a").unwrap().data.as_ref().unwrap()["version"], "7");
}

#[tokio::test]
async fn a_connection_dropped_mid_line_resumes_from_the_last_event() {
    let script = Script::new();
    let half = format!("{}\n", event("MODIFIED", cm("a", 4, "u-a")));
    let half = half.as_bytes()[..half.len() / 2].to_vec();
    script
        .list(LIST, list(vec![cm("a", 1, "u-a")], 2, None))
        .watch(
            LIST,
            Answer::Stream {
                pieces: vec![
                    Piece::Bytes(format!("{}\n", event("ADDED", cm("b", 3, "u-b"))).into_bytes()),
                    Piece::Bytes(half),
                ],
                end: End::Drop,
            },
        )
        .watch(
            LIST,
            Answer::events(&[event("MODIFIED", cm("a", 4, "u-a")), event("DELETED", cm("b", 5, "u-b"))], End::Hang),
        );
    let (client, _dir) = client(&serve(script.clone()).await).await;
    let mut sensor = config_maps::sensor(client, options());
    let seen = collect(&mut sensor, 4).await;
    assert_eq!(seen, ["ADDED a 1", "ADDED b 3", "error client", "MODIFIED a 4", "DELETED b 5"]);
    assert_eq!(watches(&script), ["list continue=", "watch rv=2", "watch rv=3"]);
    assert_eq!(sensor.store().len(), 1);
}

#[tokio::test]
async fn a_watch_ended_by_the_server_resumes_without_an_error() {
    let script = Script::new();
    script
        .list(LIST, list(vec![], 2, None))
        .watch(LIST, Answer::events(&[event("ADDED", cm("a", 3, "u-a")), bookmark(8)], End::Clean))
        .watch(LIST, Answer::events(&[event("MODIFIED", cm("a", 9, "u-a"))], End::Hang));
    let (client, _dir) = client(&serve(script.clone()).await).await;
    let mut sensor = config_maps::sensor(client, options());
    assert_eq!(collect(&mut sensor, 2).await, ["ADDED a 3", "MODIFIED a 9"]);
    assert_eq!(watches(&script), ["list continue=", "watch rv=2", "watch rv=8"]);
}

/// The state the re-list finds differs from the one the sensor knew: a changed, b deleted, d
/// added, e deleted and recreated under the same name, c untouched.
fn relist_after_changes() -> Answer {
    list(vec![cm("a", 20, "u-a"), cm("c", 3, "u-c"), cm("d", 21, "u-d"), cm("e", 22, "u-e2")], 40, None)
}

/// The state before the disconnection.
fn first_list() -> Answer {
    list(vec![cm("a", 1, "u-a"), cm("b", 2, "u-b"), cm("c", 3, "u-c"), cm("e", 4, "u-e")], 5, None)
}

/// What the sensor reports of the first list, then of the re-list: quietly (no error), and
/// only what changed.
const BEFORE_AND_RESYNC: [&str; 9] = [
    "ADDED a 1",
    "ADDED b 2",
    "ADDED c 3",
    "ADDED e 4",
    "MODIFIED a 20",
    "DELETED b 2",
    "ADDED d 21",
    "DELETED e 4",
    "ADDED e 22",
];

#[tokio::test]
async fn http_410_on_resume_relists_and_reports_the_difference() {
    let script = Script::new();
    script
        .list(LIST, first_list())
        .watch(LIST, Answer::events(&[], End::Clean))
        .watch(LIST, Answer::json(410, status(410, "Expired")))
        .list(LIST, relist_after_changes())
        .watch(LIST, Answer::events(&[event("MODIFIED", cm("c", 41, "u-c"))], End::Hang));
    let (client, _dir) = client(&serve(script.clone()).await).await;
    let mut sensor = config_maps::sensor(client, options().page_size(10));
    let seen = collect(&mut sensor, 10).await;
    assert_eq!(seen[..9], BEFORE_AND_RESYNC);
    assert_eq!(seen[9..], ["MODIFIED c 41"]);
    assert_eq!(watches(&script), ["list continue=", "watch rv=5", "watch rv=5", "list continue=", "watch rv=40"]);
    let names: Vec<String> = sensor.store().keys().into_iter().map(|k| k.name).collect();
    assert_eq!(names, ["a", "c", "d", "e"]);
}

#[tokio::test]
async fn an_expired_error_event_relists_and_reports_the_difference() {
    let script = Script::new();
    script
        .list(LIST, first_list())
        .watch(LIST, Answer::events(&[gone_event()], End::Hang))
        .list(LIST, relist_after_changes())
        .watch(LIST, Answer::events(&[], End::Hang));
    let (client, _dir) = client(&serve(script.clone()).await).await;
    let mut sensor = config_maps::sensor(client, options().page_size(10));
    assert_eq!(collect(&mut sensor, 9).await, BEFORE_AND_RESYNC);
    assert_eq!(watches(&script), ["list continue=", "watch rv=5", "list continue=", "watch rv=40"]);
}

#[tokio::test]
async fn a_server_error_is_reported_then_retried() {
    let script = Script::new();
    script
        .list(LIST, Answer::json(500, status(500, "InternalError")))
        .list(LIST, list(vec![cm("a", 1, "u-a")], 2, None))
        .watch(LIST, Answer::json(500, status(500, "InternalError")))
        .watch(LIST, Answer::events(&[event("MODIFIED", cm("a", 3, "u-a"))], End::Hang));
    let (client, _dir) = client(&serve(script.clone()).await).await;
    let mut sensor = config_maps::sensor(client, options());
    let seen = collect(&mut sensor, 2).await;
    assert_eq!(seen, ["error client", "ADDED a 1", "error client", "MODIFIED a 3"]);
    assert_eq!(watches(&script), ["list continue=", "list continue=", "watch rv=2", "watch rv=2"]);
}

#[tokio::test]
async fn too_many_requests_waits_for_retry_after() {
    let script = Script::new();
    let busy = Answer::Json {
        status: 429,
        body: status(429, "TooManyRequests"),
        headers: vec![("retry-after".to_string(), "1".to_string())],
    };
    script
        .list(LIST, list(vec![], 2, None))
        .watch(LIST, busy)
        .watch(LIST, Answer::events(&[event("ADDED", cm("a", 3, "u-a"))], End::Hang));
    let (client, _dir) = client(&serve(script.clone()).await).await;
    let mut sensor = config_maps::sensor(client, options());
    assert_eq!(collect(&mut sensor, 1).await, ["error client", "ADDED a 3"]);
    let seen = script.seen();
    let waited = seen[2].at - seen[1].at;
    // The backoff alone would wait at most 50 ms.
    assert!(waited >= Duration::from_millis(950), "retried after {waited:?}, not after Retry-After");
}

#[tokio::test]
async fn a_malformed_line_is_reported_and_followed_by_a_resync() {
    let script = Script::new();
    script
        .list(LIST, list(vec![cm("a", 1, "u-a")], 2, None))
        .watch(
            LIST,
            Answer::Stream {
                pieces: vec![
                    Piece::Bytes(format!("{}\n", event("ADDED", cm("b", 3, "u-b"))).into_bytes()),
                    Piece::Bytes(b"{\"type\":\"MODIFIED\",\"object\":{\"metadata\":\n".to_vec()),
                    Piece::Bytes(format!("{}\n", event("ADDED", cm("z", 9, "u-z"))).into_bytes()),
                ],
                end: End::Hang,
            },
        )
        .list(LIST, list(vec![cm("a", 4, "u-a"), cm("b", 3, "u-b")], 5, None))
        .watch(LIST, Answer::events(&[], End::Hang));
    let (client, _dir) = client(&serve(script.clone()).await).await;
    let mut sensor = config_maps::sensor(client, options());
    let seen = collect(&mut sensor, 3).await;
    // What came after the bad line is not trusted: the re-list says what is true.
    assert_eq!(seen, ["ADDED a 1", "ADDED b 3", "error decode", "MODIFIED a 4"]);
    assert_eq!(watches(&script), ["list continue=", "watch rv=2", "list continue=", "watch rv=5"]);
}

#[tokio::test]
async fn a_3_mb_object_split_into_many_chunks() {
    let script = Script::new();
    let mut big = cm("big", 3, "u-big");
    big["data"]["blob"] = Value::String("x".repeat(3 << 20));
    let line = format!("{}\n", event("ADDED", big)).into_bytes();
    let mut pieces: Vec<Piece> = line.chunks(4093).map(|c| Piece::Bytes(c.to_vec())).collect();
    pieces.push(Piece::Bytes(format!("{}\n", event("DELETED", cm("big", 4, "u-big"))).into_bytes()));
    script.list(LIST, list(vec![], 2, None)).watch(LIST, Answer::Stream { pieces, end: End::Hang });
    let (client, _dir) = client(&serve(script.clone()).await).await;
    let mut sensor = config_maps::sensor(client, options());
    let first = tokio::time::timeout(Duration::from_secs(30), sensor.next()).await.unwrap().unwrap().unwrap();
    assert_eq!(first.object.data.as_ref().unwrap()["blob"].len(), 3 << 20);
    assert_eq!(collect(&mut sensor, 1).await, ["DELETED big 4"]);
}

#[tokio::test]
async fn unauthorized_and_forbidden_end_the_sensor_without_retrying() {
    for (code, reason) in [(401, "Unauthorized"), (403, "Forbidden")] {
        let script = Script::new();
        script.list(LIST, Answer::json(code, status(code, reason)));
        let (client, _dir) = client(&serve(script.clone()).await).await;
        let mut sensor = config_maps::sensor(client, options());
        let error = sensor.next().await.unwrap().unwrap_err();
        assert!(error.is_terminal() && matches!(error, SensorError::Denied(_)), "{code}: {error}");
        assert!(sensor.next().await.is_none());
        assert_eq!(script.seen().len(), 1, "{code} was retried");
    }
    // On a watch too.
    let script = Script::new();
    script.list(LIST, list(vec![], 2, None)).watch(LIST, Answer::json(403, status(403, "Forbidden")));
    let (client, _dir) = client(&serve(script.clone()).await).await;
    let mut sensor = config_maps::sensor(client, options());
    assert!(matches!(sensor.next().await, Some(Err(SensorError::Denied(_)))));
    assert!(sensor.next().await.is_none());
}

/// A server whose certificate the configured CA did not sign: the sensor ends at once, as on
/// 401/403, instead of retrying forever.
#[tokio::test]
async fn a_refused_server_certificate_ends_the_sensor() {
    let rogue = support::serve(support::ServerOptions {
        cert_pem: support::pki().rogue_cert_pem.clone(),
        key_pem: support::pki().rogue_key_pem.clone(),
        ..Default::default()
    })
    .await;
    let (client, _dir) = client(&rogue.url()).await;
    let mut sensor = config_maps::sensor(client, options());
    let error = tokio::time::timeout(Duration::from_secs(20), sensor.next()).await.unwrap().unwrap().unwrap_err();
    assert!(matches!(error, SensorError::Certificate(_)) && error.is_terminal(), "{error}");
    let message = error.to_string();
    assert!(
        message.starts_with("certificate refused, not retrying: ") && message.contains("UnknownIssuer"),
        "{message}"
    );
    assert!(sensor.next().await.is_none());
    assert!(rogue.seen().is_empty(), "no request reaches an untrusted server");

    // From the command line: exit 1 with that message, once.
    let dir = tempfile::tempdir().unwrap();
    let config = support::write(dir.path(), "config", &support::kubeconfig(&rogue.url(), &[&support::ca_line()], &[]));
    // Built first (it takes a while the first time), so that the timeout below is the sensor's.
    let binary = tokio::task::spawn_blocking(support::binary).await.unwrap();
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new(binary)
            .args(["sense", "secrets", "-n", "team-a", "--kubeconfig"])
            .arg(&config)
            .output()
            .unwrap()
    });
    let output = tokio::time::timeout(Duration::from_secs(60), output).await.expect("sense ends by itself").unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: certificate refused, not retrying: TLS error: ") && stderr.contains("UnknownIssuer"),
        "{stderr}"
    );
    assert!(output.stdout.is_empty());
}

#[tokio::test]
async fn resumes_from_a_saved_resource_version_without_listing() {
    let script = Script::new();
    script.watch(LIST, Answer::events(&[event("MODIFIED", cm("a", 43, "u-a"))], End::Hang));
    let (client, _dir) = client(&serve(script.clone()).await).await;
    let mut sensor = config_maps::sensor(client, options().resume_from("42"));
    assert_eq!(collect(&mut sensor, 1).await, ["MODIFIED a 43"]);
    assert_eq!(watches(&script), ["watch rv=42"]);
    assert_eq!(sensor.resource_version(), Some("43"));
}

#[tokio::test]
async fn streams_the_initial_state_when_asked() {
    let script = Script::new();
    let end = event(
        "BOOKMARK",
        json!({"kind": "ConfigMap", "metadata": {"resourceVersion": "7", "annotations": {"k8s.io/initial-events-end": "true"}}}),
    );
    script.watch(
        LIST,
        Answer::events(
            &[
                event("ADDED", cm("b", 2, "u-b")),
                event("ADDED", cm("a", 1, "u-a")),
                end,
                event("DELETED", cm("a", 8, "u-a")),
            ],
            End::Hang,
        ),
    );
    let (client, _dir) = client(&serve(script.clone()).await).await;
    let mut sensor = config_maps::sensor(client, options().initial(InitialState::Stream));
    assert_eq!(collect(&mut sensor, 3).await, ["ADDED a 1", "ADDED b 2", "DELETED a 8"]);
    let first = &script.seen()[0];
    assert_eq!(first.param("sendInitialEvents"), Some("true"));
    assert_eq!(first.param("resourceVersionMatch"), Some("NotOlderThan"));
    assert_eq!(first.param("allowWatchBookmarks"), Some("true"));
}

#[tokio::test]
async fn a_namespace_on_a_cluster_scoped_kind_is_a_terminal_error() {
    let (client, _dir) = client("https://127.0.0.1:9").await;
    let spec = &k8s_pack::sensors::core::v1::namespaces::SENSOR;
    let mut sensor = Sensor::<k8s_pack::api::core::v1::Namespace>::new(spec, client, options());
    let error = sensor.next().await.unwrap().unwrap_err();
    assert!(matches!(error, SensorError::Options(_)) && error.is_terminal(), "{error}");
    assert!(error.to_string().contains("cluster-scoped"), "{error}");
}

#[tokio::test]
async fn sensors_share_a_client_and_stop_together() {
    let script = Script::new();
    script.list(LIST, list(vec![cm("a", 1, "u-a")], 2, None)).list(
        "/api/v1/secrets",
        Answer::json(200, json!({"kind": "SecretList", "metadata": {"resourceVersion": "2"}, "items": []})),
    );
    let (client, _dir) = client(&serve(script.clone()).await).await;
    let (handle, token) = ShutdownHandle::pair();
    let maps = tokio::spawn(drain(config_maps::sensor(client.clone(), options().shutdown(token.clone()))));
    let secrets = k8s_pack::sensors::core::v1::secrets::sensor(client, SensorOptions::default().shutdown(token));
    let secrets = tokio::spawn(drain(secrets));
    // Both watches open at once on the one client.
    for _ in 0..200 {
        if script.seen().iter().filter(|r| r.is_watch()).count() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(script.seen().iter().filter(|r| r.is_watch()).count(), 2);
    handle.shutdown();
    let stop = Duration::from_secs(5);
    assert_eq!(tokio::time::timeout(stop, maps).await.unwrap().unwrap(), 1);
    assert_eq!(tokio::time::timeout(stop, secrets).await.unwrap().unwrap(), 0);
}

/// Runs a sensor to its end; the number of triggers.
async fn drain<K: Object + DeserializeOwned>(mut sensor: Sensor<K>) -> usize {
    let mut count = 0;
    while let Some(item) = sensor.next().await {
        item.unwrap();
        count += 1;
    }
    count
}

fn mysqldb_crd(uid: &str) -> Value {
    json!({
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": "mysqldbs.example.com", "uid": uid, "resourceVersion": "11"},
        "spec": {
            "group": "example.com", "scope": "Namespaced",
            "names": {"kind": "MysqlDb", "plural": "mysqldbs", "singular": "mysqldb", "listKind": "MysqlDbList"},
            "versions": [
                {"name": "v1beta1", "served": true, "storage": false},
                {"name": "v1", "served": true, "storage": true}
            ]
        }
    })
}

fn mysqldb(name: &str, rv: u64) -> Value {
    json!({
        "apiVersion": "example.com/v1", "kind": "MysqlDb",
        "metadata": {"name": name, "namespace": "default", "uid": format!("u-{name}"), "resourceVersion": rv.to_string()},
        "spec": {"size": "10Gi", "engine": "8.0"}
    })
}

#[tokio::test]
async fn custom_resource_sensors_start_and_stop_with_their_definitions() {
    const CRDS: &str = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
    const DBS: &str = "/apis/example.com/v1/namespaces/default/mysqldbs";
    let script = Script::new();
    let delete = Arc::new(Notify::new());
    let other = json!({
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": "caches.other.io", "uid": "u-other", "resourceVersion": "12"},
        "spec": {"group": "other.io", "scope": "Namespaced", "names": {"kind": "Cache", "plural": "caches"},
                 "versions": [{"name": "v1", "served": true, "storage": true}]}
    });
    let mut pieces = vec![
        Piece::Bytes(format!("{}\n", event("ADDED", mysqldb_crd("u-crd"))).into_bytes()),
        Piece::Bytes(format!("{}\n", event("ADDED", other)).into_bytes()),
        Piece::Wait(delete.clone()),
    ];
    pieces.push(Piece::Bytes(format!("{}\n", event("DELETED", mysqldb_crd("u-crd"))).into_bytes()));
    script
        .list(
            CRDS,
            Answer::json(
                200,
                json!({"kind": "CustomResourceDefinitionList", "metadata": {"resourceVersion": "10"}, "items": []}),
            ),
        )
        .watch(CRDS, Answer::Stream { pieces, end: End::Hang })
        .list(
            DBS,
            Answer::json(
                200,
                json!({"kind": "MysqlDbList", "metadata": {"resourceVersion": "30"}, "items": [mysqldb("orders", 29)]}),
            ),
        )
        .watch(DBS, Answer::events(&[event("MODIFIED", mysqldb("orders", 31))], End::Hang));
    let (client, _dir) = client(&serve(script.clone()).await).await;
    let filter = CrdFilter { groups: vec!["example.com".to_string()], kinds: Vec::new() };
    let mut sensor = k8s_pack::sensors::custom_resources(client, options(), filter);
    let mut seen = Vec::new();
    while seen.len() < 6 {
        let event =
            tokio::time::timeout(Duration::from_secs(20), sensor.next()).await.expect("an event").expect("running");
        seen.push(describe(&event));
        if seen.len() == 5 {
            delete.notify_one();
        }
    }
    assert_eq!(
        seen,
        [
            "started example.com/v1/mysqldbs",
            "ADDED orders (MysqlDb, spec.size 10Gi)",
            "checkpoint example.com/v1/mysqldbs 30",
            "MODIFIED orders (MysqlDb, spec.size 10Gi)",
            "checkpoint example.com/v1/mysqldbs 31",
            "stopped example.com/v1/mysqldbs",
        ]
    );
    assert!(script.seen().iter().all(|r| !r.path.contains("caches")), "filtered out by group");
    assert!(tokio::time::timeout(Duration::from_millis(300), sensor.next()).await.is_err(), "nothing more");
}

#[tokio::test]
async fn custom_resource_sensors_resume_each_resource_where_it_was() {
    const CRDS: &str = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
    const DBS: &str = "/apis/example.com/v1/namespaces/default/mysqldbs";
    let script = Script::new();
    script
        .list(
            CRDS,
            Answer::json(
                200,
                json!({"kind": "CustomResourceDefinitionList", "metadata": {"resourceVersion": "12"},
                       "items": [mysqldb_crd("u-crd")]}),
            ),
        )
        .watch(DBS, Answer::events(&[event("MODIFIED", mysqldb("orders", 32))], End::Hang));
    let (client, _dir) = client(&serve(script.clone()).await).await;
    let resume = std::collections::HashMap::from([("example.com/v1/mysqldbs".to_string(), "31".to_string())]);
    let mut sensor = k8s_pack::sensors::CustomResourceSensor::resuming(client, options(), CrdFilter::default(), resume);
    let mut seen = Vec::new();
    while seen.len() < 3 {
        let event =
            tokio::time::timeout(Duration::from_secs(20), sensor.next()).await.expect("an event").expect("running");
        seen.push(describe(&event));
    }
    assert_eq!(
        seen,
        [
            "started example.com/v1/mysqldbs",
            "MODIFIED orders (MysqlDb, spec.size 10Gi)",
            "checkpoint example.com/v1/mysqldbs 32"
        ]
    );
    let dbs: Vec<_> = script.seen().into_iter().filter(|r| r.path == DBS).collect();
    assert_eq!(dbs.len(), 1, "no list: {dbs:?}");
    assert_eq!((dbs[0].is_watch(), dbs[0].param("resourceVersion")), (true, Some("31")));
}

fn describe(event: &CrdEvent<k8s_pack::apimachinery::pkg::apis::meta::v1::ObjectMeta>) -> String {
    match event {
        CrdEvent::Started(info) => format!("started {}", info.name),
        CrdEvent::Stopped(info) => format!("stopped {}", info.name),
        CrdEvent::Trigger(t) => format!(
            "{} {} ({}, spec.size {})",
            t.event,
            t.name().unwrap_or("?"),
            t.object.kind.as_deref().unwrap_or("?"),
            t.object.fields["spec"]["size"].as_str().unwrap_or("?")
        ),
        CrdEvent::Checkpoint { resource, resource_version } => {
            format!("checkpoint {} {resource_version}", resource.name)
        }
        CrdEvent::Error { resource, error } => format!("error {:?} {error}", resource.as_ref().map(|r| &r.name)),
    }
}

#[tokio::test]
async fn secret_payloads_leave_out_secret_data_unless_asked() {
    let script = Script::new();
    let secret = json!({
        "apiVersion": "v1", "kind": "Secret", "type": "Opaque",
        "metadata": {"name": "db", "namespace": "default", "uid": "u-db", "resourceVersion": "3", "labels": {"app": "web"},
                     "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{\"data\":{\"password\":\"aHVudGVyMg==\"}}", "team": "a"}},
        "data": {"password": "aHVudGVyMg=="}, "stringData": {"user": "admin"}
    });
    script.list(
        "/api/v1/namespaces/default/secrets",
        Answer::json(200, json!({"kind": "SecretList", "metadata": {"resourceVersion": "3"}, "items": [secret]})),
    );
    let (client, _dir) = client(&serve(script.clone()).await).await;
    let mut sensor = k8s_pack::sensors::core::v1::secrets::sensor(client, options());
    let trigger = sensor.next().await.unwrap().unwrap();
    let payload = trigger.payload(false);
    assert_eq!(payload["event"], "ADDED");
    assert_eq!(payload["resource"], "core/v1/secrets");
    assert_eq!(payload["name"], "db");
    assert_eq!(payload["namespace"], "default");
    assert_eq!(payload["labels"], json!({"app": "web"}));
    assert_eq!(payload["object_kind"], "Secret");
    assert_eq!(payload["uid"], "u-db");
    assert_eq!(payload["resource_version"], "3");
    assert_eq!(payload["spec"], Value::Null);
    let text = payload.to_string();
    assert!(!text.contains("aHVudGVyMg") && !text.contains("admin"), "{text}");
    assert_eq!(payload["object"]["metadata"]["annotations"], json!({"team": "a"}));
    let with = trigger.payload(true);
    assert_eq!(with["object"]["data"]["password"], "aHVudGVyMg==");
    assert!(!format!("{trigger:?}").contains("aHVudGVyMg"));
    // Untyped objects (custom resources, the CLI) show field names, never values.
    let dynamic: k8s_pack::sensors::DynamicObject = serde_json::from_value(with["object"].clone()).unwrap();
    let debug = format!("{dynamic:?}");
    assert!(debug.contains("\"db\"") && debug.contains("\"data\""), "{debug}");
    assert!(!debug.contains("aHVudGVyMg") && !debug.contains("admin"), "{debug}");
}

fn secret_list() -> Answer {
    let secret = json!({
        "apiVersion": "v1", "kind": "Secret",
        "metadata": {"name": "db", "namespace": "team-a", "uid": "u-db", "resourceVersion": "3", "labels": {"app": "web"}},
        "data": {"password": "aHVudGVyMg=="}
    });
    Answer::json(200, json!({"kind": "SecretList", "metadata": {"resourceVersion": "3"}, "items": [secret]}))
}

/// `k8s-pack sense`: one JSON trigger per line on stdout until SIGTERM, which ends it with 0.
async fn sense(extra: &[&str]) -> (Value, Arc<Script>) {
    let script = Script::new();
    script.list("/api/v1/namespaces/team-a/secrets", secret_list());
    let url = serve(script.clone()).await;
    let dir = tempfile::tempdir().unwrap();
    let config = support::write(dir.path(), "config", &support::kubeconfig(&url, &[&support::ca_line()], &[]));
    let mut child = std::process::Command::new(support::binary())
        .args(["sense", "secrets", "-n", "team-a", "--kubeconfig"])
        .arg(&config)
        .args(extra)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let line = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line).unwrap();
        line
    });
    let line = tokio::time::timeout(Duration::from_secs(60), line).await.expect("a trigger line").unwrap();
    // Wait for the watch so the signal finds the sensor watching.
    for _ in 0..200 {
        if script.seen().iter().any(|r| r.is_watch()) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let kill = std::process::Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(kill.success());
    let status = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap()).await.unwrap();
    assert!(status.status.success(), "exit {:?}: {}", status.status, String::from_utf8_lossy(&status.stderr));
    (serde_json::from_str(&line).unwrap(), script)
}

#[tokio::test]
async fn the_cli_prints_triggers_as_json_lines_without_secret_data() {
    let (payload, script) = sense(&[]).await;
    assert_eq!(payload["event"], "ADDED");
    assert_eq!(payload["resource"], "core/v1/secrets");
    assert_eq!(payload["name"], "db");
    assert_eq!(payload["namespace"], "team-a");
    assert_eq!(payload["labels"], json!({"app": "web"}));
    assert_eq!(payload["object_kind"], "Secret");
    assert_eq!(payload["uid"], "u-db");
    assert_eq!(payload["resource_version"], "3");
    assert!(payload["object"].get("data").is_none(), "{payload}");
    assert!(script.seen().iter().any(|r| r.is_watch() && r.param("resourceVersion") == Some("3")));

    let (payload, _) = sense(&["--include-secrets"]).await;
    assert_eq!(payload["object"]["data"]["password"], "aHVudGVyMg==");
}

/// `sense --checkpoints`: a checkpoint only once every listed object is out, then after each
/// watched change.
#[tokio::test]
async fn the_cli_prints_checkpoints_once_every_change_up_to_them_is_out() {
    let script = Script::new();
    let secret = |name: &str, rv: u64| {
        json!({"apiVersion": "v1", "kind": "Secret",
               "metadata": {"name": name, "namespace": "team-a", "uid": format!("u-{name}"), "resourceVersion": rv.to_string()}})
    };
    let items = json!([secret("db", 3), secret("api", 4)]);
    script
        .list(
            "/api/v1/namespaces/team-a/secrets",
            Answer::json(200, json!({"kind": "SecretList", "metadata": {"resourceVersion": "5"}, "items": items})),
        )
        .watch("/api/v1/namespaces/team-a/secrets", Answer::events(&[event("MODIFIED", secret("db", 6))], End::Hang));
    let url = serve(script.clone()).await;
    let dir = tempfile::tempdir().unwrap();
    let config = support::write(dir.path(), "config", &support::kubeconfig(&url, &[&support::ca_line()], &[]));
    let mut child = std::process::Command::new(support::binary())
        .args(["sense", "core/v1/secrets", "-n", "team-a", "--checkpoints", "--kubeconfig"])
        .arg(&config)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let lines = tokio::task::spawn_blocking(move || {
        let mut lines = std::io::BufRead::lines(std::io::BufReader::new(stdout));
        (0..5).map(|_| lines.next().unwrap().unwrap()).collect::<Vec<String>>()
    });
    let lines = tokio::time::timeout(Duration::from_secs(60), lines).await.expect("five lines").unwrap();
    let _ = std::process::Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
    let _ = tokio::task::spawn_blocking(move || child.wait()).await;
    let shown: Vec<String> = lines
        .iter()
        .map(|line| {
            let v: Value = serde_json::from_str(line).unwrap();
            match v.get("checkpoint") {
                Some(rv) => format!("checkpoint {} {}", v["resource"].as_str().unwrap(), rv.as_str().unwrap()),
                None => format!("{} {}", v["event"].as_str().unwrap(), v["name"].as_str().unwrap()),
            }
        })
        .collect();
    assert_eq!(
        shown,
        ["ADDED api", "ADDED db", "checkpoint core/v1/secrets 5", "MODIFIED db", "checkpoint core/v1/secrets 6"]
    );
}

#[test]
fn the_cli_lists_sensors_and_rejects_unknown_ones() {
    let output = std::process::Command::new(support::binary()).arg("sensors").output().unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    for name in [
        "core/v1/secrets",
        "apps/v1/deployments",
        "rbac.authorization.k8s.io/v1/clusterrolebindings",
        "autoscaling/v2/horizontalpodautoscalers",
        "networking.k8s.io/v1/networkpolicies",
    ] {
        assert!(text.lines().any(|l| l.starts_with(&format!("{name} "))), "{name} missing:\n{text}");
    }
    // `events` exists in core/v1 and events.k8s.io/v1: the plural alone is ambiguous.
    for (name, hint) in [("secretz", "core/v1/secrets"), ("events", "core/v1/events")] {
        let output = std::process::Command::new(support::binary()).args(["sense", name]).output().unwrap();
        assert_eq!(output.status.code(), Some(2));
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(stderr.contains(hint), "{stderr}");
    }
    let output =
        std::process::Command::new(support::binary()).args(["sense", "namespaces", "-n", "x"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("cluster-scoped"));
}
