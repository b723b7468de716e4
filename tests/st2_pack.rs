//! The StackStorm pack of the default spec (v1.36.0), checked with StackStorm's own code from
//! `../shared/stackstorm`: one action per action of the crate's registry and one sensor per
//! sensor; every metadata file valid for StackStorm's schemas and API models and every Python
//! file compiling (`tests/st2/validate_pack.py`); and the sensor classes and the action runner
//! under StackStorm's pack-test harness (`BaseSensorTestCase`, `BaseActionTestCase`) running the
//! real `k8s-pack` binary against the HTTPS servers of `tests/support` on 127.0.0.1
//! (`tests/st2/test_*.py`). Each harness test starts its servers here, runs one Python test with
//! pytest in the virtualenv `setup-venv.sh` makes from the shipped wheels, then checks what the
//! servers received.

mod support;

use k8s_packgen::{default_spec, generate_st2_pack, read_documents, Options};
use k8s_packgen_tests::{repo_root, shared};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, OnceLock};
use support::watch::{Answer, End, Script};
use support::{Reply, Responder, Seen, ServerOptions};

/// The v1.36.0 pack, written once under `target/` (kept there to look at after a failure).
fn pack() -> &'static PathBuf {
    static PACK: OnceLock<PathBuf> = OnceLock::new();
    PACK.get_or_init(|| {
        let docs = read_documents(&[default_spec()]).unwrap();
        let output = generate_st2_pack(&docs, &Options::default(), "kubernetes_pack").unwrap();
        let dir = repo_root().join("target/st2-tests/kubernetes_pack");
        k8s_packgen::write::write(&dir, &output.files).unwrap();
        dir
    })
}

/// The virtualenv's Python, made by `scripts/st2-venv` from `../shared/stackstorm`'s wheels if
/// it is missing or broken.
fn python() -> &'static PathBuf {
    static PYTHON: OnceLock<PathBuf> = OnceLock::new();
    PYTHON.get_or_init(|| {
        let output = Command::new("bash").arg(repo_root().join("scripts/st2-venv")).output().unwrap();
        assert!(output.status.success(), "scripts/st2-venv failed:\n{}", printed(&output));
        PathBuf::from(String::from_utf8(output.stdout).unwrap().trim())
    })
}

fn setup_venv() -> PathBuf {
    shared().join("stackstorm/setup-venv.sh")
}

/// Python with StackStorm's code on the path, writing no bytecode (`../shared` is read-only).
fn python_command() -> Command {
    let path = Command::new("bash").arg(setup_venv()).arg("--pythonpath").output().unwrap();
    assert!(path.status.success());
    let mut command = Command::new(python());
    command
        .current_dir(repo_root())
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("PYTHONPATH", String::from_utf8(path.stdout).unwrap())
        .env("PACK_DIR", pack())
        .env("K8S_PACK", support::binary())
        .env_remove("KUBECONFIG");
    command
}

/// What a Python process printed, without eventlet's noise at interpreter exit (tracebacks of
/// logging handlers finalized after their greenlets).
fn printed(output: &Output) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr);
    let noise = |l: &&str| {
        l.starts_with("  ")
            || l.contains("greenlet")
            || l.starts_with("Exception ignored")
            || l.starts_with("Traceback")
    };
    let stderr: Vec<&str> = stderr.lines().filter(|l| !noise(l)).collect();
    format!("{}\n{}", String::from_utf8_lossy(&output.stdout), stderr.join("\n"))
}

/// Runs `tests/st2/<test>` with pytest (off the async runtime, so the servers keep answering)
/// and asserts that it ran and passed `count` tests.
async fn pytest(test: &str, count: usize, env: Vec<(&'static str, String)>) {
    let target = format!("tests/st2/{test}");
    let output = tokio::task::spawn_blocking(move || {
        python_command().args(["-m", "pytest", "-q", "-p", "no:cacheprovider", &target]).envs(env).output().unwrap()
    })
    .await
    .unwrap();
    let text = printed(&output);
    let passed = format!("{count} passed");
    assert!(output.status.success() && text.contains(&passed), "pytest {test}:\n{text}");
}

/// A kubeconfig for a test server, in a directory that lives as long as the returned guard.
fn kubeconfig(url: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = support::write(dir.path(), "config", &support::kubeconfig(url, &[&support::ca_line()], &[]));
    (dir, path.display().to_string())
}

fn text(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn yaml(path: &Path) -> Value {
    yaml_serde::from_str(&text(path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    out.sort();
    out
}

#[test]
fn one_action_per_registry_action_and_one_sensor_per_sensor() {
    let registry: BTreeSet<&str> = k8s_pack::actions::REGISTRY.iter().map(|a| a.name).collect();
    let sensors: BTreeSet<&str> = k8s_pack::sensors::REGISTRY.iter().map(|s| s.name).collect();
    // The v1.36.0 figures, as the crate's registries count them.
    assert_eq!((registry.len(), sensors.len()), (1075, 87));

    let action_files = files(&pack().join("actions"), "yaml");
    let actions: BTreeSet<String> = action_files
        .iter()
        .map(|path| {
            let meta = yaml(path);
            let name = meta["parameters"]["k8s_action"]["default"].as_str().unwrap().to_string();
            assert_eq!(meta["name"], name.as_str(), "{}", path.display());
            assert_eq!(path.file_stem().unwrap().to_str(), Some(name.as_str()));
            name
        })
        .collect();
    assert_eq!(action_files.len(), registry.len());
    assert_eq!(actions.iter().map(String::as_str).collect::<BTreeSet<_>>(), registry);

    // Each sensor class runs one sensor of the registry, the custom resource sensor none.
    let mut sensed = BTreeSet::new();
    let mut triggers = BTreeSet::new();
    let sensor_files = files(&pack().join("sensors"), "yaml");
    for path in &sensor_files {
        let meta = yaml(path);
        let trigger = meta["trigger_types"][0]["name"].as_str().unwrap().to_string();
        let class = text(&pack().join("sensors").join(meta["entry_point"].as_str().unwrap()));
        assert!(class.contains(&format!("class {}(K8sPackSensor):", meta["class_name"].as_str().unwrap())));
        let sensor = class.lines().find_map(|l| l.trim().strip_prefix("SENSOR = ")).unwrap();
        match sensor {
            "None" => assert_eq!(trigger, "custom_resource"),
            quoted => assert!(sensed.insert(serde_json::from_str::<String>(quoted).unwrap())),
        }
        assert!(triggers.insert(trigger));
    }
    assert_eq!(sensor_files.len(), sensors.len() + 1);
    assert_eq!(sensed.iter().map(String::as_str).collect::<BTreeSet<_>>(), sensors);
    // Unique across groups: the two `events` resources have their own triggers.
    for trigger in ["core_v1_secrets", "core_v1_events", "events_k8s_io_v1_events", "apps_v1_deployments"] {
        assert!(triggers.contains(trigger), "{trigger}");
    }
}

/// Runs `validate_pack.py` on a pack; what it counted, by kind.
fn validate(pack_dir: &Path, expected: Option<&Path>) -> BTreeMap<String, usize> {
    let mut command = python_command();
    command.arg("tests/st2/validate_pack.py").arg(pack_dir).arg(shared().join("stackstorm/schemas"));
    if let Some(expected) = expected {
        command.arg(expected);
    }
    let output = command.output().unwrap();
    let text = printed(&output);
    assert!(output.status.success(), "validate_pack.py {}:\n{text}", pack_dir.display());
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|l| l.rsplit_once(' ').map(|(k, n)| (k.to_string(), n.parse().unwrap())))
        .collect()
}

#[test]
fn every_file_is_valid_for_stackstorm_and_every_python_file_compiles() {
    let counts = validate(pack(), None);
    let actions = k8s_pack::actions::REGISTRY.len();
    let sensors = k8s_pack::sensors::REGISTRY.len() + 1;
    let expected = [
        ("action", actions),
        ("sensor", sensors),
        ("pack", 1),
        ("config", 1),
        ("readme config", 1),
        ("rule", 1),
        // A class per sensor, the sensor base, the runner, the command-line helper twice.
        ("python", sensors + 4),
    ];
    assert_eq!(counts, expected.iter().map(|(k, n)| (k.to_string(), *n)).collect());
}

#[test]
fn descriptions_stackstorm_would_misread_come_back_exactly() {
    let spec = repo_root().join("specs/mapping/st2-pack.json");
    let docs = read_documents(std::slice::from_ref(&spec)).unwrap();
    let output = generate_st2_pack(&docs, &Options::default(), "kubernetes_pack").unwrap();
    let dir = tempfile::tempdir().unwrap();
    k8s_packgen::write::write(dir.path(), &output.files).unwrap();

    // What the spec says, exactly, as another YAML parser reads the file back...
    let raw: Value = serde_json::from_str(&text(&spec)).unwrap();
    let op = &raw["paths"]["/api/v1/namespaces/{namespace}/secrets"]["post"];
    let dry_run = op["parameters"].as_array().unwrap().iter().find(|p| p["name"] == "dryRun").unwrap();
    let action = yaml(&dir.path().join("actions/createCoreV1NamespacedSecret.yaml"));
    assert_eq!(action["parameters"]["dryRun"]["description"], dry_run["description"]);
    assert!(dry_run["description"].as_str().unwrap().starts_with("yes: "), "the fixture is tricky");
    assert_eq!(action["parameters"]["body"]["secret"], true);
    let review = yaml(&dir.path().join("actions/createAuthenticationV1TokenReview.yaml"));
    assert_eq!(review["parameters"]["body"]["secret"], true, "a TokenReview body holds a token");
    let config_map = yaml(&dir.path().join("actions/createCoreV1NamespacedConfigMap.yaml"));
    assert!(config_map["parameters"]["body"].get("secret").is_none());

    // ...and StackStorm's own loader reads the same from every file.
    let expected: BTreeMap<&String, Value> = output
        .files
        .iter()
        .filter(|(path, _)| path.ends_with(".yaml"))
        .map(|(path, text)| (path, yaml_serde::from_str(text).unwrap()))
        .collect();
    let expected_path = dir.path().join("expected.json");
    std::fs::write(&expected_path, serde_json::to_string(&expected).unwrap()).unwrap();
    let counts = validate(dir.path(), Some(&expected_path));
    assert_eq!((counts["action"], counts["sensor"]), (14, 4));
}

// ---------------------------------------------------------------------------------------------
// Sensors: a scripted list+watch server per test.

const SECRETS: &str = "/api/v1/namespaces/team-a/secrets";

fn secret(name: &str, rv: u64) -> Value {
    json!({
        "apiVersion": "v1", "kind": "Secret",
        "metadata": {"name": name, "namespace": "team-a", "uid": format!("u-{name}"), "resourceVersion": rv.to_string(),
                     "labels": {"app": "web"}},
        "data": {"password": "aHVudGVyMg=="}
    })
}

fn secret_list(items: Vec<Value>, rv: u64) -> Answer {
    Answer::json(200, json!({"kind": "SecretList", "metadata": {"resourceVersion": rv.to_string()}, "items": items}))
}

fn event(kind: &str, object: Value) -> Value {
    json!({"type": kind, "object": object})
}

/// Serves `script`; runs one test of `test_sensors.py` against it.
async fn sense(script: &Arc<Script>, test: &str, extra: Vec<(&'static str, String)>) {
    let url = support::watch::serve(script.clone()).await;
    let (_dir, config) = kubeconfig(&url);
    let mut env = vec![("KUBECONFIG_PATH", config)];
    env.extend(extra);
    pytest(&format!("test_sensors.py::{test}"), 1, env).await;
}

fn watches(script: &Script, path: &str) -> Vec<String> {
    let seen = script.seen();
    let watch = seen.iter().filter(|r| r.path == path && r.is_watch());
    watch.map(|r| r.param("resourceVersion").unwrap_or("").to_string()).collect()
}

fn lists(script: &Script, path: &str) -> usize {
    script.seen().iter().filter(|r| r.path == path && !r.is_watch()).count()
}

#[tokio::test]
async fn sensor_dispatches_a_list_then_watch_without_secret_data() {
    let script = Script::new();
    script.list(SECRETS, secret_list(vec![secret("db", 3), secret("api", 4)], 5)).watch(
        SECRETS,
        Answer::events(
            &[
                event("ADDED", secret("cache", 6)),
                event("MODIFIED", secret("db", 7)),
                event("DELETED", secret("api", 8)),
            ],
            End::Hang,
        ),
    );
    sense(&script, "SecretsSensorTest::test_list_then_watch", Vec::new()).await;
    assert_eq!((lists(&script, SECRETS), watches(&script, SECRETS)), (1, vec!["5".to_string()]));
}

#[tokio::test]
async fn sensor_includes_secret_data_when_configured() {
    let script = Script::new();
    script.list(SECRETS, secret_list(vec![secret("db", 3)], 3));
    sense(&script, "SecretsSensorTest::test_include_secrets", Vec::new()).await;
}

#[tokio::test]
async fn sensor_resumes_from_the_saved_resource_version() {
    let script = Script::new();
    script.watch(
        SECRETS,
        Answer::events(&[event("MODIFIED", secret("db", 121)), event("ADDED", secret("cache", 122))], End::Hang),
    );
    sense(&script, "SecretsSensorTest::test_resumes_from_the_saved_resource_version", Vec::new()).await;
    assert_eq!((lists(&script, SECRETS), watches(&script, SECRETS)), (0, vec!["120".to_string()]));
}

#[tokio::test]
async fn sensor_survives_its_child_being_killed() {
    let script = Script::new();
    script
        .list(SECRETS, secret_list(vec![secret("db", 3)], 5))
        .watch(SECRETS, Answer::events(&[event("MODIFIED", secret("db", 6))], End::Hang))
        .watch(SECRETS, Answer::events(&[event("MODIFIED", secret("db", 7))], End::Hang));
    sense(&script, "SecretsSensorTest::test_survives_the_child_being_killed", Vec::new()).await;
    // Listed once; the second child resumed from what the first saved.
    assert_eq!((lists(&script, SECRETS), watches(&script, SECRETS)), (1, vec!["5".to_string(), "6".to_string()]));
}

/// The recording API server for actions: Secrets in team-a and team-b, a 404, a 422, and
/// creates echoed back with a uid.
async fn api_server() -> support::Server {
    let responder: Responder = Arc::new(|seen: &Seen| {
        let namespace = seen.path.split('/').nth(4).unwrap_or("").to_string();
        match (seen.method.as_str(), seen.path.as_str()) {
            ("GET", "/api/v1/namespaces/team-a/secrets/missing") => {
                Reply::json(404, support::status_body(404, "NotFound", "secrets \"missing\" not found"))
            }
            ("GET", _) => Reply::json(200, secret("db", 3)),
            ("POST", _) => {
                let mut body: Value = serde_json::from_slice(&seen.body).unwrap();
                if body["metadata"]["name"] == "Bad_Name" {
                    let message = "Secret \"Bad_Name\" is invalid: metadata.name: Invalid value";
                    return Reply::json(422, support::status_body(422, "Invalid", message));
                }
                body["metadata"]["namespace"] = namespace.into();
                body["metadata"]["uid"] = "0001".into();
                Reply::json(201, body)
            }
            _ => Reply::json(405, support::status_body(405, "MethodNotAllowed", "no")),
        }
    });
    support::serve(ServerOptions { responder: Some(responder), ..Default::default() }).await
}

const CRDS: &str = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
const DBS: &str = "/apis/example.com/v1/namespaces/default/mysqldbs";

fn mysqldb_crd() -> Value {
    json!({
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": "mysqldbs.example.com", "uid": "u-crd", "resourceVersion": "11"},
        "spec": {"group": "example.com", "scope": "Namespaced",
                 "names": {"kind": "MysqlDb", "plural": "mysqldbs"},
                 "versions": [{"name": "v1", "served": true, "storage": true}]}
    })
}

fn mysqldb(rv: u64) -> Value {
    json!({"apiVersion": "example.com/v1", "kind": "MysqlDb",
           "metadata": {"name": "orders", "namespace": "default", "uid": "u-orders", "resourceVersion": rv.to_string()},
           "spec": {"size": "10Gi"}})
}

fn crd_list(items: Vec<Value>, rv: u64) -> Answer {
    Answer::json(
        200,
        json!({"kind": "CustomResourceDefinitionList", "metadata": {"resourceVersion": rv.to_string()}, "items": items}),
    )
}

/// No definitions, then MysqlDb's appears; one MysqlDb, then a change of it.
fn mysqldb_script() -> Arc<Script> {
    let script = Script::new();
    script
        .list(CRDS, crd_list(Vec::new(), 10))
        .watch(CRDS, Answer::events(&[event("ADDED", mysqldb_crd())], End::Hang))
        .list(
            DBS,
            Answer::json(
                200,
                json!({"kind": "MysqlDbList", "metadata": {"resourceVersion": "30"}, "items": [mysqldb(29)]}),
            ),
        )
        .watch(DBS, Answer::events(&[event("MODIFIED", mysqldb(31))], End::Hang));
    script
}

#[tokio::test]
async fn custom_resource_sensor_dispatches_mysqldbs_and_the_example_rule_runs_its_action() {
    let script = mysqldb_script();
    let actions = api_server().await;
    let (_dir, actions_config) = kubeconfig(&actions.url());
    let test = "CustomResourceSensorTest::test_mysqldb_added_runs_the_example_rule";
    sense(&script, test, vec![("ACTIONS_KUBECONFIG_PATH", actions_config)]).await;
    let created = actions.last();
    assert_eq!((created.method.as_str(), created.path.as_str()), ("POST", "/api/v1/namespaces/default/configmaps"));
    let body: Value = serde_json::from_slice(&created.body).unwrap();
    assert_eq!(body["metadata"]["name"], "mysqldb-orders");
    assert_eq!(actions.seen().len(), 1, "the rule ran its action once");
}

#[tokio::test]
async fn custom_resource_sensor_resumes_each_resource_after_its_child_is_killed() {
    let script = mysqldb_script();
    // The second child lists the definitions again and resumes the MysqlDb watch from 31.
    script
        .list(CRDS, crd_list(vec![mysqldb_crd()], 12))
        .watch(DBS, Answer::events(&[event("MODIFIED", mysqldb(32))], End::Hang));
    let test = "CustomResourceSensorTest::test_resumes_each_custom_resource_after_the_child_is_killed";
    sense(&script, test, Vec::new()).await;
    assert_eq!((lists(&script, CRDS), lists(&script, DBS)), (2, 1));
    assert_eq!(watches(&script, DBS), ["30", "31"]);
}

#[tokio::test]
async fn actions_return_status_and_data_fail_on_api_errors_and_send_nothing_when_invalid() {
    let server = api_server().await;
    let (_dir, config) = kubeconfig(&server.url());
    pytest("test_actions.py", 6, vec![("KUBECONFIG_PATH", config)]).await;
    // Each valid call once (pytest's order is not the point); nothing for invalid parameters.
    let mut seen: Vec<(String, String)> = server.seen().iter().map(|s| (s.method.clone(), s.path.clone())).collect();
    seen.sort();
    let expected = [
        ("GET", "/api/v1/namespaces/team-a/secrets/missing"),
        ("GET", "/api/v1/namespaces/team-b/secrets/db"),
        ("POST", "/api/v1/namespaces/team-a/secrets"),
        ("POST", "/api/v1/namespaces/team-a/secrets"),
        ("POST", "/api/v1/namespaces/team-a/secrets"),
    ];
    assert_eq!(seen, expected.map(|(m, p)| (m.to_string(), p.to_string())));
    // The body with Secret data reached the server, and only through the parameters file.
    let created = server.seen().into_iter().find(|s| s.method == "POST").unwrap();
    assert!(String::from_utf8_lossy(&created.body).contains("hunter2-not-on-the-command-line"));
}
