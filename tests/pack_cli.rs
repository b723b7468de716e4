//! The emitted crate's `k8s-pack` command line as a real process, against a real HTTPS server
//! on 127.0.0.1: list, describe, run, and the exit codes of bad parameters and API errors.

mod support;

use std::process::{Command, Output};
use std::sync::Arc;
use support::*;

/// Runs the binary with `args` off the async runtime, so the server keeps answering.
async fn k8s_pack(args: Vec<String>) -> Output {
    tokio::task::spawn_blocking(move || Command::new(binary()).args(args).env_remove("KUBECONFIG").output().unwrap())
        .await
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A server that answers like the API server would for the actions used here.
async fn api_server() -> Server {
    let responder: Responder = Arc::new(|seen: &Seen| match (seen.method.as_str(), seen.path.as_str()) {
        ("GET", "/api/v1/namespaces/team-a/secrets/missing") => {
            Reply::json(404, status_body(404, "NotFound", "secrets \"missing\" not found"))
        }
        ("POST", _) => {
            let mut body: serde_json::Value = serde_json::from_slice(&seen.body).unwrap();
            body["metadata"]["uid"] = "0001".into();
            Reply::json(201, body)
        }
        _ => Reply::json(200, serde_json::json!({"kind": "Echo", "path": seen.path, "query": seen.query})),
    });
    serve(ServerOptions { responder: Some(responder), ..Default::default() }).await
}

#[tokio::test]
async fn run_prints_status_code_and_data() {
    let server = api_server().await;
    let dir = tempfile::tempdir().unwrap();
    let config = write(dir.path(), "config", &kubeconfig(&server.url(), &[&ca_line()], &[]));
    let params = r#"{"body": {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db"}, "stringData": {"password": "hunter2"}}}"#;
    let out = k8s_pack(vec![
        "--kubeconfig".into(),
        config.display().to_string(),
        "run".into(),
        "createCoreV1NamespacedSecret".into(),
        "--params".into(),
        params.into(),
        "-p".into(),
        "dryRun=All".into(),
    ])
    .await;
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    let printed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(printed["status_code"], 201);
    assert_eq!(printed["data"]["metadata"]["uid"], "0001");
    // The namespace came from the kubeconfig context; the query from -p.
    let seen = server.last();
    assert_eq!((seen.method.as_str(), seen.path.as_str()), ("POST", "/api/v1/namespaces/team-a/secrets"));
    assert_eq!(seen.query.as_deref(), Some("dryRun=All"));
    assert_eq!(seen.header("content-type"), Some("application/json"));

    // Integers from -p by the parameter's kind; --namespace overrides the context's.
    let out = k8s_pack(vec![
        "--kubeconfig".into(),
        config.display().to_string(),
        "--namespace".into(),
        "ops".into(),
        "run".into(),
        "listAppsV1NamespacedDeployment".into(),
        "-p".into(),
        "limit=2".into(),
        "-p".into(),
        "labelSelector=app=web,tier!=cache".into(),
    ])
    .await;
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    let seen = server.last();
    assert_eq!(seen.path, "/apis/apps/v1/namespaces/ops/deployments");
    assert_eq!(seen.query.as_deref(), Some("labelSelector=app%3Dweb%2Ctier%21%3Dcache&limit=2"));
}

#[tokio::test]
async fn bad_parameters_exit_2_and_send_nothing() {
    let server = api_server().await;
    let dir = tempfile::tempdir().unwrap();
    let config = write(dir.path(), "config", &kubeconfig(&server.url(), &[&ca_line()], &[]));
    let run = |action: &str, extra: &[&str]| {
        let mut args = vec!["--kubeconfig".to_string(), config.display().to_string(), "run".into(), action.to_string()];
        args.extend(extra.iter().map(|s| s.to_string()));
        args
    };
    let out = k8s_pack(run("createCoreV1NamespacedSecret", &[])).await;
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(text(&out.stderr).trim(), "error: missing required parameter `body`");
    let out = k8s_pack(run("listCoreV1NamespacedPod", &["-p", "limit=many"])).await;
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(text(&out.stderr).trim(), "error: parameter `limit` must be an integer");
    let out = k8s_pack(run("createCoreV1NamespacedSecrte", &[])).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("did you mean createCoreV1NamespacedSecret"), "{}", text(&out.stderr));
    assert!(server.seen().is_empty(), "the server saw {:?}", server.seen().len());
}

#[tokio::test]
async fn api_errors_print_the_status_and_exit_1() {
    let server = api_server().await;
    let dir = tempfile::tempdir().unwrap();
    let config = write(dir.path(), "config", &kubeconfig(&server.url(), &[&ca_line()], &[]));
    let out = k8s_pack(vec![
        "--kubeconfig".into(),
        config.display().to_string(),
        "run".into(),
        "readCoreV1NamespacedSecret".into(),
        "-p".into(),
        "name=missing".into(),
    ])
    .await;
    assert_eq!(out.status.code(), Some(1), "stderr: {}", text(&out.stderr));
    let printed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(printed["status_code"], 404);
    assert_eq!(printed["data"]["reason"], "NotFound");
    assert!(text(&out.stderr).contains("secrets \"missing\" not found"), "{}", text(&out.stderr));
}

#[tokio::test]
async fn actions_and_describe_list_and_explain() {
    let out = k8s_pack(vec!["actions".into(), "networkpolic".into()]).await;
    assert_eq!(out.status.code(), Some(0));
    let listing = text(&out.stdout);
    assert!(listing.lines().any(|l| l.starts_with("createNetworkingV1NamespacedNetworkPolicy ")), "{listing}");
    assert!(listing.lines().all(|l| l.to_ascii_lowercase().contains("networkpolic")), "{listing}");
    let out = k8s_pack(vec!["describe".into(), "patchAppsV1NamespacedDeployment".into()]).await;
    assert_eq!(out.status.code(), Some(0));
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(schema["title"], "patchAppsV1NamespacedDeployment");
    assert_eq!(schema["properties"]["patchType"]["enum"][3], "apply");
}
