//! The emitted crate's `k8s-pack` command line as a real process, against a real HTTPS server
//! on 127.0.0.1: list, describe, run, and the exit codes of bad parameters and API errors;
//! timeouts against servers that say nothing, a closed standard output, and the warnings.

mod support;

use std::io::Read as _;
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};
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

/// `--kubeconfig PATH` then `args`.
fn with_config(config: &std::path::Path, args: &[&str]) -> Vec<String> {
    let mut all = vec!["--kubeconfig".to_string(), config.display().to_string()];
    all.extend(args.iter().map(|s| s.to_string()));
    all
}

/// The status of a 422 as the API server sends it: every field, details, causes and metadata.
fn invalid_status() -> serde_json::Value {
    serde_json::json!({
        "kind": "Status", "apiVersion": "v1", "metadata": {"resourceVersion": "77"}, "status": "Failure",
        "message": "Secret \"Bad\" is invalid: metadata.name: Invalid value: \"Bad\": a lowercase RFC 1123 subdomain",
        "reason": "Invalid", "code": 422,
        "details": {
            "name": "Bad", "kind": "secrets",
            "causes": [
                {"reason": "FieldValueInvalid", "message": "Invalid value: \"Bad\"", "field": "metadata.name"},
                {"reason": "FieldValueRequired", "message": "Required value", "field": "type"}
            ]
        }
    })
}

/// The API server stand-in, and a kubeconfig for it in a scratch directory (kept alive by the
/// returned handle).
async fn api_server_and_config() -> (Server, tempfile::TempDir, std::path::PathBuf) {
    let server = api_server().await;
    let dir = tempfile::tempdir().unwrap();
    let config = write(dir.path(), "config", &kubeconfig(&server.url(), &[&ca_line()], &[]));
    (server, dir, config)
}

/// A server that answers like the API server would for the actions used here.
async fn api_server() -> Server {
    let responder: Responder = Arc::new(|seen: &Seen| match (seen.method.as_str(), seen.path.as_str()) {
        ("GET", "/api/v1/namespaces/team-a/secrets/missing") => {
            Reply::json(404, status_body(404, "NotFound", "secrets \"missing\" not found"))
        }
        ("GET", "/api/v1/namespaces/team-a/secrets/invalid") => Reply::json(422, invalid_status()),
        ("GET", "/api/v1/namespaces/team-a/secrets/proxied") => Reply {
            status: 502,
            headers: vec![("content-type", "text/plain".into())],
            body: b"upstream connect error or disconnect/reset before headers".to_vec(),
        },
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
    let (server, _dir, config) = api_server_and_config().await;
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
    let (server, _dir, config) = api_server_and_config().await;
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

/// The server's answer is printed whole as `data` (every field of its Status), or as a string
/// when it is not JSON; the exit code is 1.
#[tokio::test]
async fn api_errors_print_the_whole_body_and_exit_1() {
    let (_server, _dir, config) = api_server_and_config().await;
    let out = k8s_pack(with_config(&config, &["run", "readCoreV1NamespacedSecret", "-p", "name=missing"])).await;
    assert_eq!(out.status.code(), Some(1), "stderr: {}", text(&out.stderr));
    let printed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(printed["status_code"], 404);
    assert_eq!(printed["data"], status_body(404, "NotFound", "secrets \"missing\" not found"));
    assert!(text(&out.stderr).contains("secrets \"missing\" not found"), "{}", text(&out.stderr));

    let out = k8s_pack(with_config(&config, &["run", "readCoreV1NamespacedSecret", "-p", "name=invalid"])).await;
    assert_eq!(out.status.code(), Some(1), "stderr: {}", text(&out.stderr));
    let printed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(printed, serde_json::json!({"status_code": 422, "data": invalid_status()}));

    let out = k8s_pack(with_config(&config, &["run", "readCoreV1NamespacedSecret", "-p", "name=proxied"])).await;
    assert_eq!(out.status.code(), Some(1), "stderr: {}", text(&out.stderr));
    let printed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        printed,
        serde_json::json!({"status_code": 502, "data": "upstream connect error or disconnect/reset before headers"})
    );
}

/// `.`, `..`, an empty value, `/` or `%` can never be a name or namespace: exit 2, nothing sent.
#[tokio::test]
async fn dot_and_empty_path_segments_exit_2_and_send_nothing() {
    let (server, _dir, config) = api_server_and_config().await;
    let cases: [(&[&str], &str); 7] = [
        (&["run", "deleteCoreV1NamespacedSecret", "-p", "name=.."], "path parameter `name` may not be \"..\""),
        (&["run", "deleteCoreV1NamespacedSecret", "-p", "name=."], "path parameter `name` may not be \".\""),
        (&["run", "deleteCoreV1NamespacedSecret", "-p", "name="], "path parameter `name` may not be empty"),
        (
            &["run", "deleteCoreV1NamespacedSecret", "--params", r#"{"name": "a/b"}"#],
            "path parameter `name` may not contain '/'",
        ),
        (&["run", "readCoreV1NamespacedSecret", "-p", "name=%2e%2e"], "path parameter `name` may not contain '%'"),
        (
            &["-n", "..", "run", "readCoreV1NamespacedSecret", "-p", "name=db"],
            "path parameter `namespace` may not be \"..\"",
        ),
        (&["-n", "..", "sense", "secrets"], "path parameter `namespace` may not be \"..\""),
    ];
    for (args, message) in cases {
        let out = k8s_pack(with_config(&config, args)).await;
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out.stderr));
        assert_eq!(text(&out.stderr), format!("error: {message}\n"), "{args:?}");
        assert!(out.stdout.is_empty());
    }
    assert!(server.seen().is_empty(), "the server saw {:?}", server.seen().len());
}

/// A key twice in `--params` (at the top or inside the body), or `-p` twice: exit 2 naming the
/// key, nothing sent. serde_json alone would act on the last one.
#[tokio::test]
async fn duplicate_parameter_keys_exit_2_and_send_nothing() {
    let (server, dir, config) = api_server_and_config().await;
    let file = write(
        dir.path(),
        "secret.json",
        "{\n  \"body\": {\n    \"kind\": \"Secret\",\n    \"metadata\": {\"name\": \"db\", \"name\": \"prod-db\"}\n  }\n}\n",
    );
    let at_file = format!("@{}", file.display());
    let cases: [(&[&str], &str); 4] = [
        (
            &["run", "deleteCoreV1NamespacedSecret", "--params", r#"{"name": "db", "name": "prod-db"}"#],
            "error: --params: duplicate key `name` at line 1 column 21\n",
        ),
        (
            &["run", "createCoreV1NamespacedSecret", "--params", &at_file],
            "error: --params: duplicate key `body.metadata.name` at line 4 column 37\n",
        ),
        (
            &["run", "createCoreV1NamespacedSecret", "-p", r#"body={"kind": "Secret", "kind": "Secret"}"#],
            "error: invalid `body`: duplicate key `kind` at line 1 column 25\n",
        ),
        (
            &["run", "deleteCoreV1NamespacedSecret", "-p", "name=db", "-p", "name=prod-db"],
            "error: -p name is given twice\n",
        ),
    ];
    for (args, message) in cases {
        let out = k8s_pack(with_config(&config, args)).await;
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out.stderr));
        assert_eq!(text(&out.stderr), message, "{args:?}");
    }
    // -p may still replace what --params gave.
    let out = k8s_pack(with_config(
        &config,
        &["run", "readCoreV1NamespacedSecret", "--params", r#"{"name": "a"}"#, "-p", "name=b"],
    ))
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(server.seen().len(), 1);
    assert_eq!(server.last().path, "/api/v1/namespaces/team-a/secrets/b");
}

/// Runs the binary (built first, so that its build is not timed) and returns what it printed and
/// how long it ran.
async fn timed(args: Vec<String>, env: &[(&str, &str)]) -> (Output, Duration) {
    let binary = tokio::task::spawn_blocking(binary).await.unwrap();
    let env: Vec<(String, String)> = env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let start = Instant::now();
    let child = Command::new(binary)
        .args(args)
        .envs(env)
        .env_remove("KUBECONFIG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id().to_string();
    let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap());
    match tokio::time::timeout(Duration::from_secs(60), out).await {
        Ok(out) => (out.unwrap(), start.elapsed()),
        Err(_) => {
            Command::new("kill").args(["-KILL", &pid]).status().unwrap();
            panic!("k8s-pack did not give up by itself");
        }
    }
}

/// A server that accepts TCP and stays silent, one that completes TLS and never answers, and one
/// that starts a body and stops: each fails within its configured timeout, by flag or variable.
#[tokio::test]
async fn a_silent_server_fails_within_the_configured_timeout() {
    let dir = tempfile::tempdir().unwrap();
    let read = ["run", "readCoreV1NamespacedSecret", "-p", "name=db"];

    let url = format!("https://127.0.0.1:{}", silent_tcp());
    let config = write(dir.path(), "tcp", &kubeconfig(&url, &[&ca_line()], &[]));
    let (out, elapsed) = timed(with_config(&config, &[&["--connect-timeout", "1"][..], &read[..]].concat()), &[]).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stderr),
        format!("error: timeout: GET {url}/api/v1/namespaces/team-a/secrets/db: timed out after 1s waiting for the TLS handshake with {url}\n")
    );
    assert!(elapsed >= Duration::from_secs(1) && elapsed < Duration::from_secs(30), "{elapsed:?}");
    assert!(out.stdout.is_empty());

    let url = silent_tls().await;
    let config = write(dir.path(), "tls", &kubeconfig(&url, &[&ca_line()], &[]));
    let (out, elapsed) = timed(with_config(&config, &read), &[("K8S_PACK_RESPONSE_TIMEOUT", "1.5")]).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stderr),
        format!("error: timeout: GET {url}/api/v1/namespaces/team-a/secrets/db: timed out after 1.5s waiting for the response\n")
    );
    assert!(elapsed >= Duration::from_millis(1500) && elapsed < Duration::from_secs(30), "{elapsed:?}");

    let script = watch::Script::new();
    let stalled =
        watch::Answer::Stream { pieces: vec![watch::Piece::Bytes(b"{\"kind\":".to_vec())], end: watch::End::Hang };
    script.list("/api/v1/namespaces/team-a/secrets/db", stalled);
    let url = watch::serve(script).await;
    let config = write(dir.path(), "body", &kubeconfig(&url, &[&ca_line()], &[]));
    let (out, elapsed) = timed(with_config(&config, &[&["--idle-timeout", "1s"][..], &read[..]].concat()), &[]).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).ends_with("timed out after 1s waiting for more of the response body\n"),
        "{}",
        text(&out.stderr)
    );
    assert!(elapsed < Duration::from_secs(30), "{elapsed:?}");

    let (out, _) = timed(with_config(&config, &[&["--connect-timeout", "soon"][..], &read[..]].concat()), &[]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("\"soon\" is not a number of seconds"), "{}", text(&out.stderr));
}

/// Standard output closed by its reader (`k8s-pack describe X | head`): every command ends
/// quietly, never with a panic.
#[tokio::test]
async fn a_closed_stdout_ends_every_command_quietly() {
    let binary = tokio::task::spawn_blocking(binary).await.unwrap();
    let quiet = |out: &Output, what: &str| {
        assert_eq!(out.status.code(), Some(0), "{what}: {}", text(&out.stderr));
        assert!(out.stderr.is_empty(), "{what}: {}", text(&out.stderr));
    };

    // The reader takes a little of a long listing, then goes away.
    for args in [&["actions"][..], &["actions", "core"]] {
        let mut child = Command::new(binary).args(args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        let mut first = [0u8; 512];
        child.stdout.take().unwrap().read_exact(&mut first).unwrap();
        let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap()).await.unwrap();
        quiet(&out, &format!("{args:?}"));
    }

    // A reader that is gone before anything is written.
    let server = api_server().await;
    let script = watch::Script::new();
    script.list(
        "/api/v1/namespaces/team-a/secrets",
        watch::Answer::json(
            200,
            serde_json::json!({
                "kind": "SecretList", "metadata": {"resourceVersion": "3"},
                "items": [{"metadata": {"name": "db", "namespace": "team-a", "uid": "u", "resourceVersion": "3"}}]
            }),
        ),
    );
    let watch_url = watch::serve(script).await;
    let dir = tempfile::tempdir().unwrap();
    let config = write(dir.path(), "config", &kubeconfig(&server.url(), &[&ca_line()], &[]));
    let watch_config = write(dir.path(), "watch", &kubeconfig(&watch_url, &[&ca_line()], &[]));
    let commands = [
        vec!["describe".to_string(), "createCoreV1NamespacedSecret".into()],
        vec!["sensors".to_string()],
        vec!["actions".to_string()],
        with_config(&config, &["run", "readCoreV1NamespacedSecret", "-p", "name=db"]),
        with_config(&watch_config, &["sense", "secrets", "-n", "team-a"]),
    ];
    for args in commands {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let out = tokio::task::spawn_blocking(move || {
            Command::new(binary).args(&args).stdout(writer).stderr(Stdio::piped()).output().unwrap()
        });
        let out = tokio::time::timeout(Duration::from_secs(60), out).await.expect("ends by itself").unwrap();
        quiet(&out, "a command");
    }
    assert_eq!(server.seen().len(), 1, "run sent its request");
}

/// `insecure-skip-tls-verify: true`, and a token over plain `http://`: the command runs, with
/// one warning on standard error that never shows the token.
#[tokio::test]
async fn insecure_tls_and_credentials_over_http_warn_once() {
    let dir = tempfile::tempdir().unwrap();
    let read = ["run", "readCoreV1NamespacedSecret", "-p", "name=db"];
    let rogue = serve(ServerOptions {
        cert_pem: pki().rogue_cert_pem.clone(),
        key_pem: pki().rogue_key_pem.clone(),
        ..Default::default()
    })
    .await;
    let config = write(dir.path(), "insecure", &kubeconfig(&rogue.url(), &["insecure-skip-tls-verify: true"], &[]));
    let out = k8s_pack(with_config(&config, &read)).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stderr),
        format!(
            "warning: insecure-skip-tls-verify is set: the certificate of {} is not verified, so anyone on the way can pose as the API server\n",
            rogue.url()
        )
    );
    assert_eq!(rogue.seen().len(), 1);

    let token = "s3cr3t-t0ken";
    let plain = serve(ServerOptions { plain_http: true, ..Default::default() }).await;
    assert!(plain.url().starts_with("http://"));
    let config = write(dir.path(), "plain", &kubeconfig(&plain.url(), &[], &[&format!("token: {token}")]));
    let out = k8s_pack(with_config(&config, &read)).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert_eq!(
        stderr,
        format!("warning: a bearer token will be sent unencrypted: the server URL {} is not https\n", plain.url())
    );
    assert!(!stderr.contains(token) && !text(&out.stdout).contains(token));
    assert_eq!(plain.last().header("authorization"), Some(format!("Bearer {token}").as_str()));
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
    let out = k8s_pack(vec!["describe".into(), "createCoreV1NamespacedSecret".into()]).await;
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let kubernetes = &schema["x-kubernetes"];
    assert_eq!(
        (&kubernetes["verb"], &kubernetes["group"], &kubernetes["resource"]),
        (&"create".into(), &"".into(), &"secrets".into())
    );
    let listing = text(&k8s_pack(vec!["actions".into(), "createCoreV1NamespacedSecret".into()]).await.stdout);
    assert_eq!(
        listing.split_whitespace().collect::<Vec<_>>(),
        ["createCoreV1NamespacedSecret", "create", "v1/secrets"]
    );
}
