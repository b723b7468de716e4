//! `--from-cluster` and `fetch-spec` against a real HTTPS server on 127.0.0.1 (the shared test
//! support: an rcgen PKI, a recording API-server stand-in, kubeconfig helpers): the cluster's
//! custom resources come out, fetched files regenerate the same crate offline, and an
//! unreachable cluster, an unknown CA, 401 and 403 are clear errors with exit 2.
//!
//! The generator's client is the emitted crate's own (`templates/runtime/client`), which the
//! test support knows as `k8s_pack::runtime::client`: hence the crate alias.

extern crate k8s_packgen as k8s_pack;

#[path = "support/mod.rs"]
mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use support::*;

const BIN: &str = env!("CARGO_BIN_EXE_k8s-packgen");
const TOKEN: &str = "s3cr3t-t0ken";

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The v1.36.0 spec plus the custom resource group `example.com/v1` (Widget) of the
/// equivalence fixture, as a cluster with that CRD installed serves `/openapi/v2`.
fn cluster_v2() -> String {
    let read =
        |p: PathBuf| -> serde_json::Value { serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap() };
    let mut spec = read(repo().join("../shared/specs/kubernetes/v1.36.0.json"));
    let custom = read(repo().join("specs/equivalence/swagger.json"));
    for (name, def) in custom["definitions"].as_object().unwrap() {
        if name.starts_with("com.example.") {
            spec["definitions"][name] = def.clone();
        }
    }
    for (name, param) in custom["parameters"].as_object().unwrap() {
        if spec["parameters"].get(name).is_none() {
            spec["parameters"][name] = param.clone();
        }
    }
    for (path, item) in custom["paths"].as_object().unwrap() {
        if path.starts_with("/apis/example.com/") {
            spec["paths"][path] = item.clone();
        }
    }
    spec.to_string()
}

/// `/openapi/v3` discovery and its documents (the equivalence fixture's v3 directory).
fn cluster_v3() -> BTreeMap<String, String> {
    let dir = repo().join("specs/equivalence/v3");
    let mut served = BTreeMap::new();
    let mut paths = serde_json::Map::new();
    for (group_version, file) in [("api/v1", "api__v1.json"), ("apis/example.com/v1", "apis__example.com__v1.json")] {
        let url = format!("/openapi/v3/{group_version}");
        paths.insert(group_version.into(), serde_json::json!({"serverRelativeURL": format!("{url}?hash=0123ABCD")}));
        served.insert(url, std::fs::read_to_string(dir.join(file)).unwrap());
    }
    served.insert("/openapi/v3".into(), serde_json::json!({ "paths": paths }).to_string());
    served
}

/// A server that needs the token and serves both OpenAPI versions.
async fn api_server() -> Server {
    let v2 = Arc::new(cluster_v2());
    let v3 = Arc::new(cluster_v3());
    let responder: Responder = Arc::new(move |seen: &Seen| {
        let body = if seen.path == "/openapi/v2" { Some(v2.as_str()) } else { v3.get(&seen.path).map(String::as_str) };
        match body {
            Some(text) => Reply {
                status: 200,
                headers: vec![("content-type", "application/json".into())],
                body: text.as_bytes().to_vec(),
            },
            None => Reply::json(404, status_body(404, "NotFound", "the server could not find the requested resource")),
        }
    });
    serve(ServerOptions {
        authenticate: true,
        tokens: vec![TOKEN.into()],
        responder: Some(responder),
        ..Default::default()
    })
    .await
}

struct Run {
    code: Option<i32>,
    stderr: String,
}

/// Runs the binary off the async runtime, which keeps serving meanwhile.
async fn run(cwd: &Path, args: Vec<String>) -> Run {
    let cwd = cwd.to_path_buf();
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new(BIN).current_dir(cwd).args(args).output().expect("run k8s-packgen")
    })
    .await
    .unwrap();
    Run { code: output.status.code(), stderr: String::from_utf8_lossy(&output.stderr).into_owned() }
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn files(root: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

fn config(dir: &Path, server: &str, user: &[&str]) -> String {
    let ca = ca_line();
    write(dir, "kubeconfig", &kubeconfig(server, &[ca.as_str()], user)).to_string_lossy().into_owned()
}

#[tokio::test]
async fn swagger_from_the_cluster_has_its_custom_resources_and_fetch_spec_regenerates_it() {
    let server = api_server().await;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let token = format!("token: {TOKEN}");
    let kubeconfig = config(dir, &server.url(), &[token.as_str()]);

    let live = dir.join("live");
    let r =
        run(dir, args(&["generate", "--from-cluster", "--kubeconfig", &kubeconfig, "--out", live.to_str().unwrap()]))
            .await;
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let seen = server.seen();
    assert!(seen.iter().all(|s| s.header("authorization") == Some(&format!("Bearer {TOKEN}"))));
    assert_eq!(seen.iter().map(|s| s.path.as_str()).collect::<Vec<_>>(), ["/openapi/v2"]);
    let generated = files(&live);
    let model = String::from_utf8(generated["src/com/example/v1.rs"].clone()).unwrap();
    assert!(model.contains("pub struct Widget {") && model.contains("pub struct WidgetList {"));
    let actions = String::from_utf8(generated["src/actions/example_com/v1/widgets.rs"].clone()).unwrap();
    assert!(
        actions.contains("pub fn list_example_com_v1_widget(")
            && actions.contains("pub fn read_example_com_v1_widget_status(")
    );
    let sensor = String::from_utf8(generated["src/sensors/example_com/v1.rs"].clone()).unwrap();
    assert!(
        sensor.contains("pub mod widgets")
            && sensor.contains("SensorSpec::of::<")
            && sensor.contains("\"example.com/v1/widgets\","),
        "no sensor"
    );
    assert!(generated.contains_key("src/api/apps/v1.rs"), "the built-in groups are there too");

    let spec = dir.join("fetched/openapi-v2.json");
    let r =
        run(dir, args(&["fetch-spec", "--from-cluster", "--kubeconfig", &kubeconfig, "-o", spec.to_str().unwrap()]))
            .await;
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(&spec).unwrap(), cluster_v2(), "fetch-spec changed the document");
    let offline = dir.join("offline");
    let r = run(dir, args(&["generate", "--spec", spec.to_str().unwrap(), "--out", offline.to_str().unwrap()])).await;
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(files(&offline) == generated, "the fetched spec does not regenerate the same crate");

    // inspect reads the cluster the same way, and --resources applies to it.
    let r = run(
        dir,
        args(&[
            "inspect",
            "--from-cluster",
            "--kubeconfig",
            &kubeconfig,
            "--context",
            "test",
            "--resources",
            "widgets",
        ]),
    )
    .await;
    assert_eq!(r.code, Some(0), "{}", r.stderr);
}

#[tokio::test]
async fn openapi_v3_documents_are_fetched_as_a_spec_directory() {
    let server = api_server().await;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let token = format!("token: {TOKEN}");
    let kubeconfig = config(dir, &server.url(), &[token.as_str()]);

    let live = dir.join("live");
    let r = run(
        dir,
        args(&[
            "generate",
            "--from-cluster",
            "--openapi",
            "v3",
            "--kubeconfig",
            &kubeconfig,
            "--out",
            live.to_str().unwrap(),
        ]),
    )
    .await;
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let paths: Vec<String> = server.seen().iter().map(|s| s.path.clone()).collect();
    assert_eq!(paths, ["/openapi/v3", "/openapi/v3/api/v1", "/openapi/v3/apis/example.com/v1"]);
    assert!(server.seen()[1].query.as_deref() == Some("hash=0123ABCD"), "the serverRelativeURL's query is kept");

    let fetched = dir.join("v3");
    let r = run(
        dir,
        args(&[
            "fetch-spec",
            "--from-cluster",
            "--openapi",
            "v3",
            "--kubeconfig",
            &kubeconfig,
            "-o",
            fetched.to_str().unwrap(),
        ]),
    )
    .await;
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let written = files(&fetched);
    assert_eq!(written.keys().collect::<Vec<_>>(), ["api__v1.json", "apis__example.com__v1.json"]);

    // The fetched directory, and the fixture it was served from, give the same crate.
    for spec in [fetched, repo().join("specs/equivalence/v3")] {
        let out = dir.join("offline");
        let r = run(dir, args(&["generate", "--spec", spec.to_str().unwrap(), "--out", out.to_str().unwrap()])).await;
        assert_eq!(r.code, Some(0), "{}", r.stderr);
        assert!(files(&out) == files(&live), "{} does not regenerate the same crate", spec.display());
    }
    assert!(files(&live).contains_key("src/com/example/v1.rs"));
}

/// Runs `generate --from-cluster` expecting exit 2 with every fragment on one `error:` line,
/// the token nowhere, and no output.
async fn expect_error(kubeconfig: &str, dir: &Path, fragments: &[String]) {
    let out = dir.join("out");
    let r = run(dir, args(&["generate", "--from-cluster", "--kubeconfig", kubeconfig, "--out", out.to_str().unwrap()]))
        .await;
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.starts_with("error: ") && r.stderr.lines().count() == 1, "{}", r.stderr);
    assert!(!r.stderr.contains("panicked") && !r.stderr.contains(TOKEN), "{}", r.stderr);
    for f in fragments {
        assert!(r.stderr.contains(f.as_str()), "stderr lacks {f:?}: {}", r.stderr);
    }
    assert!(!out.exists(), "an output was written");
}

#[tokio::test]
async fn cluster_errors_say_what_and_where() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let token = format!("token: {TOKEN}");

    // Nothing listens on a port just released.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let url = format!("https://127.0.0.1:{port}");
    let kc = config(dir, &url, &[token.as_str()]);
    expect_error(&kc, dir, &[format!("cannot reach the cluster at {url}/openapi/v2"), "onnection refused".into()])
        .await;

    // A server whose certificate the kubeconfig's CA did not sign.
    let rogue = serve(ServerOptions {
        cert_pem: pki().rogue_cert_pem.clone(),
        key_pem: pki().rogue_key_pem.clone(),
        ..Default::default()
    })
    .await;
    let kc = config(dir, &rogue.url(), &[token.as_str()]);
    expect_error(&kc, dir, &[format!("TLS failure talking to {}/openapi/v2", rogue.url()), "UnknownIssuer".into()])
        .await;

    // A token the server does not know: 401.
    let server = api_server().await;
    let kc = config(dir, &server.url(), &["token: not-the-token"]);
    expect_error(&kc, dir, &[format!("unauthorized (HTTP 401) fetching {}/openapi/v2", server.url())]).await;

    // Known, but not allowed: 403.
    let forbidden: Responder = Arc::new(|_: &Seen| {
        Reply::json(403, status_body(403, "Forbidden", "forbidden: User \"ci\" cannot get path \"/openapi/v2\""))
    });
    let server = serve(ServerOptions {
        authenticate: true,
        tokens: vec![TOKEN.into()],
        responder: Some(forbidden),
        ..Default::default()
    })
    .await;
    let kc = config(dir, &server.url(), &[token.as_str()]);
    expect_error(
        &kc,
        dir,
        &[format!("forbidden (HTTP 403) fetching {}/openapi/v2", server.url()), "cannot get path".into()],
    )
    .await;

    // fetch-spec fails the same way and writes nothing.
    let spec = dir.join("spec.json");
    let r = run(dir, args(&["fetch-spec", "--from-cluster", "--kubeconfig", &kc, "-o", spec.to_str().unwrap()])).await;
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("forbidden (HTTP 403)") && !spec.exists(), "{}", r.stderr);
}

/// A cluster that accepts TCP and stays silent, one that completes TLS and never answers, and
/// one that starts a body and stops: `inspect`, `fetch-spec` and `generate --from-cluster` fail
/// within the configured timeout (1 s here; the process ends long before 30 s), exit 2.
#[tokio::test]
async fn a_silent_cluster_fails_within_the_configured_timeout() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let timed = |list: Vec<String>| async move {
        let start = std::time::Instant::now();
        let r = tokio::time::timeout(std::time::Duration::from_secs(60), run(dir, list)).await;
        let r = r.expect("k8s-packgen gave up by itself");
        assert!(start.elapsed() < std::time::Duration::from_secs(30), "took {:?}", start.elapsed());
        assert_eq!(r.code, Some(2), "{}", r.stderr);
        assert!(r.stderr.starts_with("error: ") && r.stderr.lines().count() == 1, "{}", r.stderr);
        r.stderr
    };

    let url = format!("https://127.0.0.1:{}", silent_tcp());
    let kc = config(dir, &url, &[]);
    let stderr = timed(args(&["inspect", "--from-cluster", "--kubeconfig", &kc, "--connect-timeout", "1"])).await;
    assert_eq!(
        stderr,
        format!(
            "error: no answer in time from the cluster at {url}/openapi/v2: timeout: GET {url}/openapi/v2: \
             timed out after 1s waiting for the TLS handshake with {url}\n"
        )
    );

    let url = silent_tls().await;
    let kc = config(dir, &url, &[]);
    let spec = dir.join("spec.json");
    let fetch = ["fetch-spec", "--from-cluster", "--kubeconfig", &kc, "-o", spec.to_str().unwrap()];
    let stderr = timed(args(&[&fetch[..], &["--response-timeout", "1"]].concat())).await;
    assert!(stderr.ends_with(": timed out after 1s waiting for the response\n"), "{stderr}");
    assert!(!spec.exists());
    let stderr = timed(args(&["inspect", "--from-cluster", "--kubeconfig", &kc, "--response-timeout", "1"])).await;
    assert!(stderr.ends_with(": timed out after 1s waiting for the response\n"), "{stderr}");

    let script = watch::Script::new();
    let stalled =
        watch::Answer::Stream { pieces: vec![watch::Piece::Bytes(b"{\"swagger\":".to_vec())], end: watch::End::Hang };
    script.list("/openapi/v2", stalled);
    let kc = config(dir, &watch::serve(script).await, &[]);
    let out = dir.join("out");
    let generate = ["generate", "--from-cluster", "--kubeconfig", &kc, "--out", out.to_str().unwrap()];
    let stderr = timed(args(&[&generate[..], &["--idle-timeout", "1"]].concat())).await;
    assert!(stderr.ends_with(": timed out after 1s waiting for more of the response body\n"), "{stderr}");
    assert!(!out.exists());
}

/// `insecure-skip-tls-verify: true` and a token over `http://` proceed with one warning each,
/// without the token.
#[tokio::test]
async fn insecure_tls_and_credentials_over_http_warn_once() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let server = api_server().await;
    let token = format!("token: {TOKEN}");
    let kc = write(dir, "insecure", &kubeconfig(&server.url(), &["insecure-skip-tls-verify: true"], &[&token]));
    let r = run(dir, args(&["inspect", "--from-cluster", "--kubeconfig", kc.to_str().unwrap()])).await;
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let warning =
        format!("warning: insecure-skip-tls-verify is set: the certificate of {} is not verified", server.url());
    assert_eq!(r.stderr.matches(&warning).count(), 1, "{}", r.stderr);

    let plain = serve(ServerOptions { plain_http: true, ..Default::default() }).await;
    let kc = write(dir, "plain", &kubeconfig(&plain.url(), &[], &[&token]));
    let r = run(dir, args(&["inspect", "--from-cluster", "--kubeconfig", kc.to_str().unwrap()])).await;
    assert_eq!(r.code, Some(2), "the plain server serves no spec: {}", r.stderr);
    let warning =
        format!("warning: a bearer token will be sent unencrypted: the server URL {} is not https\n", plain.url());
    assert!(r.stderr.starts_with(&warning) && r.stderr.matches("warning:").count() == 1, "{}", r.stderr);
    assert!(!r.stderr.contains(TOKEN), "{}", r.stderr);
}
