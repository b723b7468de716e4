//! The emitted crate's HTTP client against a real HTTPS server on 127.0.0.1: real TCP, real TLS
//! (certificates made here with rcgen), kubeconfig files written to a temporary directory.

use k8s_pack::runtime::client::{
    decode, Auth, Client, ClientCertificate, Config, Error, ExecConfig, KubeconfigOptions, Sensitive,
};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

mod support;

use support::*;

// ---------------------------------------------------------------------------------------------
// Requests

#[tokio::test]
async fn get_post_patch_delete_round_trip() {
    let server = serve(ServerOptions { authenticate: true, tokens: vec!["t0ken".into()], ..Default::default() }).await;
    let dir = tempfile::tempdir().unwrap();
    let client = client_from(dir.path(), &kubeconfig(&server.url(), &[&ca_line()], &["token: t0ken"]));
    assert_eq!(client.default_namespace(), "team-a");

    let response = client.send(get("/api/v1/namespaces/default/secrets?limit=5&labelSelector=a%3Db")).await.unwrap();
    assert_eq!(response.status(), 200);
    let echo: serde_json::Value = decode(response.body()).unwrap();
    assert_eq!(echo["path"], "/api/v1/namespaces/default/secrets");
    let seen = server.last();
    assert_eq!(seen.method, "GET");
    assert_eq!(seen.path, "/api/v1/namespaces/default/secrets");
    assert_eq!(seen.query.as_deref(), Some("limit=5&labelSelector=a%3Db"));
    assert_eq!(seen.header("authorization"), Some("Bearer t0ken"));
    assert_eq!(seen.header("accept"), Some("application/json"));
    assert_eq!(seen.header("host"), Some(format!("127.0.0.1:{}", server.port).as_str()));
    assert!(seen.header("user-agent").unwrap().starts_with("k8s-pack/"));
    assert!(seen.body.is_empty());

    let body = br#"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"db"}}"#.to_vec();
    let post = http::Request::post("/api/v1/namespaces/default/secrets?fieldManager=test").body(body.clone()).unwrap();
    assert_eq!(client.send(post).await.unwrap().status(), 200);
    let seen = server.last();
    assert_eq!((seen.method.as_str(), seen.query.as_deref()), ("POST", Some("fieldManager=test")));
    assert_eq!(seen.header("content-type"), Some("application/json"));
    assert_eq!(seen.body, body);

    let patch = http::Request::patch("/api/v1/namespaces/default/secrets/db")
        .header("content-type", "application/merge-patch+json")
        .header("accept", "application/yaml")
        .body(br#"{"metadata":{"labels":{"a":"b"}}}"#.to_vec())
        .unwrap();
    client.send(patch).await.unwrap();
    let seen = server.last();
    assert_eq!(seen.method, "PATCH");
    assert_eq!(seen.header("content-type"), Some("application/merge-patch+json"), "a caller's content type is kept");
    assert_eq!(seen.header("accept"), Some("application/yaml"), "a caller's Accept is kept");
    assert_eq!(seen.body, br#"{"metadata":{"labels":{"a":"b"}}}"#);

    let delete = http::Request::delete("/api/v1/namespaces/default/secrets/db").body(Vec::new()).unwrap();
    client.send(delete).await.unwrap();
    let seen = server.last();
    assert_eq!((seen.method.as_str(), seen.path.as_str()), ("DELETE", "/api/v1/namespaces/default/secrets/db"));
    assert_eq!(seen.header("content-type"), None, "no body, no content type");
    assert_eq!(server.seen().len(), 4);

    // A server URL with a path (a proxy in front of the API server) prefixes every request.
    let prefixed =
        client_from(dir.path(), &kubeconfig(&format!("{}/k8s/c1/", server.url()), &[&ca_line()], &["token: t0ken"]));
    prefixed.send(get("/version")).await.unwrap();
    assert_eq!(server.last().path, "/k8s/c1/version");

    // Only a path and query is accepted.
    let absolute = prefixed.send(get("https://example.com/version")).await;
    assert!(matches!(absolute, Err(Error::Config(_))), "{absolute:?}");
}

#[tokio::test]
async fn send_streaming_yields_the_body_in_chunks() {
    let responder: Responder = Arc::new(|_: &Seen| Reply {
        status: 200,
        headers: vec![],
        body: b"{\"type\":\"ADDED\"}\n{\"type\":\"DELETED\"}\n".to_vec(),
    });
    let server = serve(ServerOptions { responder: Some(responder), ..Default::default() }).await;
    let dir = tempfile::tempdir().unwrap();
    let client = client_from(dir.path(), &kubeconfig(&server.url(), &[&ca_line()], &[]));
    let response = client.send_streaming(get("/api/v1/pods?watch=true")).await.unwrap();
    assert_eq!(response.status(), 200);
    let mut body = response.into_body();
    let mut all = Vec::new();
    while let Some(chunk) = body.next_chunk().await {
        all.extend_from_slice(&chunk.unwrap());
    }
    assert_eq!(all, b"{\"type\":\"ADDED\"}\n{\"type\":\"DELETED\"}\n");
    assert_eq!(server.last().query.as_deref(), Some("watch=true"));

    // A failure status is an error before any streaming.
    let server = serve(ServerOptions { authenticate: true, ..Default::default() }).await;
    let client = client_from(dir.path(), &kubeconfig(&server.url(), &[&ca_line()], &[]));
    match client.send_streaming(get("/api/v1/pods?watch=true")).await {
        Err(Error::Api(e)) => assert!(e.is_unauthorized()),
        other => panic!("expected 401, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// TLS

#[tokio::test]
async fn a_server_certificate_from_another_ca_is_a_tls_error() {
    let server = serve(ServerOptions {
        cert_pem: pki().rogue_cert_pem.clone(),
        key_pem: pki().rogue_key_pem.clone(),
        ..Default::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let client = client_from(dir.path(), &kubeconfig(&server.url(), &[&ca_line()], &["token: t0ken"]));
    let error = client.send(get("/version")).await.unwrap_err();
    assert!(matches!(error, Error::Tls(_)), "{error:?}");
    assert!(error.to_string().contains("certificate"), "{error}");
    assert!(server.seen().is_empty(), "no request may reach an untrusted server");

    // Without any CA in the kubeconfig the system roots are used, which do not know the test CA.
    let client = client_from(dir.path(), &kubeconfig(&server.url(), &[], &[]));
    match client.send(get("/version")).await {
        Err(Error::Tls(_)) | Err(Error::Config(_)) => {}
        other => panic!("expected a TLS or configuration error, got {other:?}"),
    }
}

#[tokio::test]
async fn insecure_skip_tls_verify_accepts_any_server_certificate() {
    let server = serve(ServerOptions {
        cert_pem: pki().rogue_cert_pem.clone(),
        key_pem: pki().rogue_key_pem.clone(),
        ..Default::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let client = client_from(dir.path(), &kubeconfig(&server.url(), &["insecure-skip-tls-verify: true"], &[]));
    assert_eq!(client.send(get("/version")).await.unwrap().status(), 200);
    // `false` means verify.
    let client =
        client_from(dir.path(), &kubeconfig(&server.url(), &["insecure-skip-tls-verify: false", &ca_line()], &[]));
    assert!(matches!(client.send(get("/version")).await, Err(Error::Tls(_))));
}

#[tokio::test]
async fn tls_server_name_overrides_the_name_verified() {
    let server = serve(ServerOptions::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let client =
        client_from(dir.path(), &kubeconfig(&server.url(), &[&ca_line(), "tls-server-name: kubernetes.test"], &[]));
    assert_eq!(client.send(get("/version")).await.unwrap().status(), 200);
    let client = client_from(dir.path(), &kubeconfig(&server.url(), &[&ca_line(), "tls-server-name: other.test"], &[]));
    assert!(matches!(client.send(get("/version")).await, Err(Error::Tls(_))));
}

#[tokio::test]
async fn a_client_certificate_authenticates() {
    let server =
        serve(ServerOptions { client_auth: ClientAuth::Required, authenticate: true, ..Default::default() }).await;
    let dir = tempfile::tempdir().unwrap();
    // Files named relative to the kubeconfig's directory.
    std::fs::create_dir(dir.path().join("pki")).unwrap();
    write(dir.path(), "pki/ca.crt", &pki().ca_pem);
    write(dir.path(), "pki/alice.crt", &pki().client_cert_pem);
    write(dir.path(), "pki/alice.key", &pki().client_key_pem);
    let client = client_from(
        dir.path(),
        &kubeconfig(
            &server.url(),
            &["certificate-authority: pki/ca.crt"],
            &["client-certificate: pki/alice.crt", "client-key: pki/alice.key"],
        ),
    );
    assert_eq!(client.send(get("/api/v1/namespaces")).await.unwrap().status(), 200);
    let seen = server.last();
    assert_eq!(seen.client_cert.as_deref(), Some(pki().client_cert_der.as_slice()));
    assert_eq!(seen.header("authorization"), None);

    // The same server refuses a client without a certificate at the handshake.
    let client = client_from(dir.path(), &kubeconfig(&server.url(), &[&ca_line()], &["token: t0ken"]));
    let error = client.send(get("/api/v1/namespaces")).await.unwrap_err();
    assert!(matches!(error, Error::Tls(_)), "{error:?}");

    // Inline data works the same.
    let client = client_from(
        dir.path(),
        &kubeconfig(
            &server.url(),
            &[&ca_line()],
            &[
                &format!("client-certificate-data: {}", b64(&pki().client_cert_pem)),
                &format!("client-key-data: {}", b64(&pki().client_key_pem)),
            ],
        ),
    );
    client.send(get("/api/v1/namespaces")).await.unwrap();
    assert_eq!(server.last().client_cert.as_deref(), Some(pki().client_cert_der.as_slice()));
}

// ---------------------------------------------------------------------------------------------
// Credentials

#[tokio::test]
async fn a_bearer_token_reaches_the_server_and_an_empty_one_shadows_nothing() {
    let server = serve(ServerOptions { authenticate: true, tokens: vec!["t0ken".into()], ..Default::default() }).await;
    let dir = tempfile::tempdir().unwrap();
    let client = client_from(dir.path(), &kubeconfig(&server.url(), &[&ca_line()], &["token: t0ken"]));
    client.send(get("/api")).await.unwrap();
    assert_eq!(server.last().header("authorization"), Some("Bearer t0ken"));

    // `token: ""` and `username: ""` next to a client certificate: the certificate authenticates
    // and no empty `Authorization` header is sent.
    let client = client_from(
        dir.path(),
        &kubeconfig(
            &server.url(),
            &[&ca_line()],
            &[
                "token: \"\"",
                "username: \"\"",
                "password: \"\"",
                "client-key: \"\"",
                &format!("client-certificate-data: {}", b64(&pki().client_cert_pem)),
                &format!("client-key-data: {}", b64(&pki().client_key_pem)),
            ],
        ),
    );
    assert_eq!(client.send(get("/api")).await.unwrap().status(), 200);
    let seen = server.last();
    assert_eq!(seen.header("authorization"), None);
    assert_eq!(seen.client_cert.as_deref(), Some(pki().client_cert_der.as_slice()));

    // An empty token next to a token file: the file's token is used.
    let token_file = write(dir.path(), "token", "t0ken\n");
    let client = client_from(
        dir.path(),
        &kubeconfig(&server.url(), &[&ca_line()], &["token: \"\"", &format!("tokenFile: {}", token_file.display())]),
    );
    client.send(get("/api")).await.unwrap();
    assert_eq!(server.last().header("authorization"), Some("Bearer t0ken"));

    // A wrong token is a typed 401.
    let client = client_from(dir.path(), &kubeconfig(&server.url(), &[&ca_line()], &["token: wrong"]));
    assert!(expect_api(client.send(get("/api")).await).is_unauthorized());
}

/// Writes an exec plugin that counts its runs, records its environment and prints
/// `cred-<run>.json` (or `cred.json`).
fn exec_plugin(dir: &Path) -> PathBuf {
    let script = write(
        dir,
        "plugin.sh",
        "#!/bin/sh\n\
         dir=$(dirname \"$0\")\n\
         n=$(( $(cat \"$dir/count\" 2>/dev/null || echo 0) + 1 ))\n\
         echo $n > \"$dir/count\"\n\
         printf '%s' \"$KUBERNETES_EXEC_INFO\" > \"$dir/exec-info\"\n\
         printf '%s %s' \"$PLUGIN_REGION\" \"$*\" > \"$dir/env-and-args\"\n\
         if [ -f \"$dir/fail\" ]; then echo 'token expired: run login first' >&2; exit 3; fi\n\
         if [ -f \"$dir/cred-$n.json\" ]; then cat \"$dir/cred-$n.json\"; else cat \"$dir/cred.json\"; fi\n",
    );
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    script
}

fn credential(api_version: &str, token: &str, expiry: &str) -> String {
    serde_json::json!({
        "apiVersion": api_version, "kind": "ExecCredential",
        "status": { "token": token, "expirationTimestamp": expiry }
    })
    .to_string()
}

fn runs(dir: &Path) -> u32 {
    std::fs::read_to_string(dir.join("count")).map(|c| c.trim().parse().unwrap()).unwrap_or(0)
}

#[tokio::test]
async fn an_exec_plugin_token_is_cached_until_it_expires_and_renewed_after_a_401() {
    let server = serve(ServerOptions {
        authenticate: true,
        tokens: vec!["exec-1".into(), "exec-2".into(), "exec-3".into()],
        ..Default::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    exec_plugin(dir.path());
    let v1 = "client.authentication.k8s.io/v1";
    write(dir.path(), "cred-1.json", &credential(v1, "exec-1", "2000-01-01T00:00:00Z"));
    write(dir.path(), "cred-2.json", &credential(v1, "exec-2", "2999-01-01T00:00:00Z"));
    write(dir.path(), "cred-3.json", &credential(v1, "exec-3", "2999-01-01T00:00:00Z"));
    let client = client_from(
        dir.path(),
        &kubeconfig(
            &server.url(),
            &[&ca_line()],
            &[
                "exec:",
                "  apiVersion: client.authentication.k8s.io/v1",
                "  command: ./plugin.sh",
                "  args: [--cluster, c1]",
                "  env: [{name: PLUGIN_REGION, value: eu-west-1}]",
                "  provideClusterInfo: true",
                "  interactiveMode: IfAvailable",
            ],
        ),
    );
    let tokens = || server.seen().iter().map(|s| s.header("authorization").unwrap().to_string()).collect::<Vec<_>>();

    // Run 1 returns a credential that has already expired: it is used once, then renewed.
    client.send(get("/api")).await.unwrap();
    assert_eq!(runs(dir.path()), 1);
    client.send(get("/api")).await.unwrap();
    assert_eq!(runs(dir.path()), 2);
    // Run 2's credential is valid for years: no more runs.
    client.send(get("/api")).await.unwrap();
    client.clone().send(get("/api")).await.unwrap();
    assert_eq!(runs(dir.path()), 2);
    assert_eq!(tokens(), ["Bearer exec-1", "Bearer exec-2", "Bearer exec-2", "Bearer exec-2"]);

    // The server stops accepting exec-2: the 401 runs the plugin again and the request is retried.
    server.set_tokens(&["exec-3"]);
    assert_eq!(client.send(get("/api")).await.unwrap().status(), 200);
    assert_eq!(runs(dir.path()), 3);
    assert_eq!(tokens()[4..], ["Bearer exec-2", "Bearer exec-3"]);

    // What the plugin saw.
    let info: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("exec-info")).unwrap()).unwrap();
    assert_eq!(info["apiVersion"], v1);
    assert_eq!(info["kind"], "ExecCredential");
    assert_eq!(info["spec"]["interactive"], false);
    assert_eq!(info["spec"]["cluster"]["server"].as_str().unwrap().trim_end_matches('/'), server.url());
    assert_eq!(info["spec"]["cluster"]["certificate-authority-data"], b64(&pki().ca_pem));
    assert_eq!(std::fs::read_to_string(dir.path().join("env-and-args")).unwrap(), "eu-west-1 --cluster c1");

    // A plugin still rejected after renewal: the 401 is returned, after exactly one renewal.
    write(dir.path(), "cred-4.json", &credential(v1, "exec-4", "2999-01-01T00:00:00Z"));
    server.set_tokens(&[]);
    assert!(expect_api(client.send(get("/api")).await).is_unauthorized());
    assert_eq!(runs(dir.path()), 4);
}

#[tokio::test]
async fn an_exec_plugin_can_return_a_client_certificate() {
    let server =
        serve(ServerOptions { client_auth: ClientAuth::Required, authenticate: true, ..Default::default() }).await;
    let dir = tempfile::tempdir().unwrap();
    exec_plugin(dir.path());
    let credential = serde_json::json!({
        "apiVersion": "client.authentication.k8s.io/v1beta1", "kind": "ExecCredential",
        "status": { "clientCertificateData": pki().client_cert_pem, "clientKeyData": pki().client_key_pem }
    });
    write(dir.path(), "cred.json", &credential.to_string());
    let client = client_from(
        dir.path(),
        &kubeconfig(
            &server.url(),
            &[&ca_line()],
            &[
                "exec:",
                "  apiVersion: client.authentication.k8s.io/v1beta1",
                &format!("  command: {}/plugin.sh", dir.path().display()),
            ],
        ),
    );
    client.send(get("/api")).await.unwrap();
    client.send(get("/api")).await.unwrap();
    assert_eq!(runs(dir.path()), 1, "no expiry: cached");
    let seen = server.seen();
    assert!(seen.iter().all(|s| s.client_cert.as_deref() == Some(pki().client_cert_der.as_slice())));
    assert!(seen.iter().all(|s| s.header("authorization").is_none()));
}

#[tokio::test]
async fn exec_plugin_failures_are_auth_errors_with_stderr() {
    let server = serve(ServerOptions::default()).await;
    let dir = tempfile::tempdir().unwrap();
    exec_plugin(dir.path());
    let exec = ["exec:", "  apiVersion: client.authentication.k8s.io/v1", "  command: ./plugin.sh"];
    let client = client_from(dir.path(), &kubeconfig(&server.url(), &[&ca_line()], &exec));

    write(dir.path(), "fail", "");
    let error = client.send(get("/api")).await.unwrap_err();
    let Error::Auth(auth) = &error else { panic!("expected an auth error, got {error:?}") };
    assert_eq!(auth.stderr(), Some("token expired: run login first"));
    assert!(error.to_string().contains("token expired: run login first"), "{error}");
    assert!(error.to_string().contains("plugin.sh"), "{error}");
    std::fs::remove_file(dir.path().join("fail")).unwrap();

    // Output that is not an ExecCredential: the message must not quote it (it may hold a token).
    write(dir.path(), "cred.json", "{\"token\": \"leaked-secret\" oops");
    let error = client.send(get("/api")).await.unwrap_err();
    assert!(matches!(error, Error::Auth(_)), "{error:?}");
    assert!(!format!("{error} {error:?}").contains("leaked-secret"), "{error:?}");

    // The wrong API version.
    write(dir.path(), "cred.json", &credential("client.authentication.k8s.io/v1beta1", "x", ""));
    let error = client.send(get("/api")).await.unwrap_err();
    assert!(error.to_string().contains("v1beta1"), "{error}");

    // A command that does not exist names the install hint.
    let exec = [
        "exec:",
        "  apiVersion: client.authentication.k8s.io/v1",
        "  command: no-such-plugin-k8s-pack",
        "  installHint: install it with brew",
    ];
    let client = client_from(dir.path(), &kubeconfig(&server.url(), &[&ca_line()], &exec));
    let error = client.send(get("/api")).await.unwrap_err();
    assert!(matches!(error, Error::Auth(_)) && error.to_string().contains("install it with brew"), "{error}");
    assert!(server.seen().is_empty());
}

// ---------------------------------------------------------------------------------------------
// Errors and decoding

#[tokio::test]
async fn failure_statuses_become_typed_errors() {
    let responder: Responder = Arc::new(|seen: &Seen| match seen.path.as_str() {
        "/404" => Reply::json(404, status_body(404, "NotFound", "secrets \"db\" not found")),
        "/409" => Reply::json(409, status_body(409, "AlreadyExists", "secrets \"db\" already exists")),
        "/422" => {
            let mut body = status_body(422, "Invalid", "Secret \"Bad\" is invalid: metadata.name: Invalid value");
            body["details"] = serde_json::json!({
                "name": "Bad", "kind": "secrets",
                "causes": [{"reason": "FieldValueInvalid", "message": "Invalid value", "field": "metadata.name"}]
            });
            Reply::json(422, body)
        }
        "/410" => Reply::json(410, status_body(410, "Expired", "too old resource version: 1 (5)")),
        "/403" => Reply::json(403, status_body(403, "Forbidden", "secrets is forbidden: User \"alice\" cannot list")),
        "/429" => {
            let mut reply = Reply::json(429, status_body(429, "TooManyRequests", "too many requests"));
            reply.headers.push(("retry-after", "7".into()));
            reply
        }
        _ => Reply { status: 500, headers: vec![], body: b"panic: runtime error: invalid memory address".to_vec() },
    });
    let server = serve(ServerOptions { responder: Some(responder), ..Default::default() }).await;
    let dir = tempfile::tempdir().unwrap();
    let client = client_from(dir.path(), &kubeconfig(&server.url(), &[&ca_line()], &[]));

    let e = expect_api(client.send(get("/404")).await);
    assert!(e.is_not_found() && !e.is_conflict());
    assert_eq!(e.code(), 404);
    assert_eq!((e.reason(), e.message()), (Some("NotFound"), Some("secrets \"db\" not found")));
    assert_eq!(e.status().unwrap().status.as_deref(), Some("Failure"));
    assert_eq!(e.to_string(), "404 Not Found: secrets \"db\" not found (NotFound)");

    let e = expect_api(client.send(get("/409")).await);
    assert!(e.is_conflict());
    assert_eq!((e.reason(), e.message()), (Some("AlreadyExists"), Some("secrets \"db\" already exists")));

    let e = expect_api(client.send(get("/422")).await);
    assert!(e.is_invalid());
    assert_eq!(e.reason(), Some("Invalid"));
    let details = e.status().unwrap().details.as_ref().unwrap();
    assert_eq!(details.name.as_deref(), Some("Bad"));
    assert_eq!(details.causes[0].field.as_deref(), Some("metadata.name"));
    assert_eq!(details.causes[0].reason.as_deref(), Some("FieldValueInvalid"));
    // The body as sent, every field of it, for callers that print it (`k8s-pack run`).
    let body: serde_json::Value = serde_json::from_slice(e.body()).unwrap();
    assert_eq!(body["details"]["causes"][0]["field"], "metadata.name");
    assert_eq!(body["metadata"], serde_json::json!({}));
    assert!(format!("{e:?}").contains(&format!("<{} bytes>", e.body().len())), "{e:?}");

    assert!(expect_api(client.send(get("/410")).await).is_gone());
    assert!(expect_api(client.send(get("/403")).await).is_forbidden());
    let e = expect_api(client.send(get("/429")).await);
    assert!(e.is_too_many_requests());
    assert_eq!(e.retry_after(), Some(std::time::Duration::from_secs(7)));

    let e = expect_api(client.send(get("/500")).await);
    assert_eq!(e.code(), 500);
    assert!(e.status().is_none());
    assert_eq!(e.text(), Some("panic: runtime error: invalid memory address"));
    assert_eq!(e.body(), b"panic: runtime error: invalid memory address");
    let error = Error::Api(e);
    assert!(error.to_string().contains("500 Internal Server Error: panic: runtime error"), "{error}");
}

#[test]
fn decode_names_the_json_path_that_failed() {
    use k8s_pack::api::apps::v1::Deployment;
    let json = br#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},
        "spec":{"selector":{},"template":{"spec":{"containers":[{"name":"web","ports":[{"containerPort":"eighty"}]}]}}}}"#;
    let error = decode::<Deployment>(json).unwrap_err();
    let Error::Decode(decode_error) = &error else { panic!("expected a decode error, got {error:?}") };
    assert_eq!(decode_error.path(), "spec.template.spec.containers[0].ports[0].containerPort");
    assert!(error.to_string().contains("spec.template.spec.containers[0].ports[0].containerPort"), "{error}");
    assert!(!error.to_string().contains("eighty"), "values are redacted: {error}");

    let ok: Deployment = decode(br#"{"metadata":{"name":"web"}}"#).unwrap();
    assert_eq!(ok.metadata.unwrap().name.as_deref(), Some("web"));
    assert!(matches!(decode::<Deployment>(b"{} trailing"), Err(Error::Decode(_))));
}

// ---------------------------------------------------------------------------------------------
// Timeouts

/// A client of `url` trusting the test CA, with every timeout `limit`.
fn timed_client(url: &str, limit: Duration) -> Client {
    let mut config = Config::new(url.parse().unwrap());
    config.certificate_authority = Some(pki().ca_pem.clone().into_bytes());
    config.connect_timeout = Some(limit);
    config.response_timeout = Some(limit);
    config.idle_timeout = Some(limit);
    Client::new(config).unwrap()
}

/// Sends `request` expecting a timeout after about `limit`; returns its message.
async fn expect_timeout(client: &Client, request: http::Request<Vec<u8>>, limit: Duration) -> String {
    let start = Instant::now();
    let result = tokio::time::timeout(Duration::from_secs(30), client.send(request)).await;
    let error = result.expect("the client gave up by itself").unwrap_err();
    let elapsed = start.elapsed();
    assert!(matches!(error, Error::Timeout(_)), "{error:?}");
    assert!(elapsed >= limit && elapsed < limit * 10, "gave up after {elapsed:?}");
    error.to_string()
}

#[tokio::test]
async fn every_wait_is_bounded_by_its_timeout() {
    let limit = Duration::from_millis(500);

    // Accepts TCP, never says a word: the TLS handshake never completes.
    let url = format!("https://127.0.0.1:{}", silent_tcp());
    let message = expect_timeout(&timed_client(&url, limit), get("/version"), limit).await;
    assert_eq!(
        message,
        format!("timeout: GET {url}/version: timed out after 0.5s waiting for the TLS handshake with {url}")
    );

    // Completes the handshake, never answers.
    let url = silent_tls().await;
    let message = expect_timeout(&timed_client(&url, limit), get("/version"), limit).await;
    assert_eq!(message, format!("timeout: GET {url}/version: timed out after 0.5s waiting for the response"));

    // Starts a body and stops: a plain request gives up, a streamed one (a watch) waits on.
    let script = support::watch::Script::new();
    let stalled = || support::watch::Answer::Stream {
        pieces: vec![support::watch::Piece::Bytes(b"{\"kind\":".to_vec())],
        end: support::watch::End::Hang,
    };
    script.list("/api/v1/configmaps", stalled()).list("/api/v1/configmaps", stalled());
    let url = support::watch::serve(script).await;
    let client = timed_client(&url, limit);
    let message = expect_timeout(&client, get("/api/v1/configmaps"), limit).await;
    assert!(message.ends_with("timed out after 0.5s waiting for more of the response body"), "{message}");
    let response = client.send_streaming(get("/api/v1/configmaps")).await.unwrap();
    let mut body = response.into_body();
    assert_eq!(&body.next_chunk().await.unwrap().unwrap()[..], b"{\"kind\":");
    let quiet = tokio::time::timeout(limit * 4, body.next_chunk()).await;
    assert!(quiet.is_err(), "a streamed body must outlast the idle timeout: {:?}", quiet.map(|c| c.map(|c| c.is_ok())));

    // Without timeouts a request waits: still waiting well past the limit.
    let mut config = Config::new(silent_tls().await.parse().unwrap());
    config.certificate_authority = Some(pki().ca_pem.clone().into_bytes());
    config.response_timeout = None;
    let client = Client::new(config).unwrap();
    assert!(tokio::time::timeout(limit * 3, client.send(get("/version"))).await.is_err());
}

#[test]
fn timeouts_read_as_seconds() {
    use k8s_pack::runtime::client::parse_timeout;
    assert_eq!(parse_timeout("30"), Ok(Some(Duration::from_secs(30))));
    assert_eq!(parse_timeout("1.5"), Ok(Some(Duration::from_millis(1500))));
    assert_eq!(parse_timeout("10s"), Ok(Some(Duration::from_secs(10))));
    assert_eq!(parse_timeout("0"), Ok(None));
    for bad in ["", "-1", "ten", "1e400", "NaN"] {
        let error = parse_timeout(bad).unwrap_err();
        assert!(error.contains("is not a number of seconds"), "{bad}: {error}");
    }
    let config = Config::new("https://10.0.0.1:6443".parse().unwrap());
    assert_eq!(
        (config.connect_timeout, config.response_timeout, config.idle_timeout),
        (Some(Config::CONNECT_TIMEOUT), Some(Config::RESPONSE_TIMEOUT), Some(Config::IDLE_TIMEOUT))
    );
}

// ---------------------------------------------------------------------------------------------
// Warnings

#[test]
fn unsafe_configurations_are_warned_about_without_credentials() {
    let token = "tok-SECRET-4242";
    let mut config = Config::new("https://10.0.0.1:6443".parse().unwrap());
    assert!(config.warnings().is_empty());
    config.insecure_skip_tls_verify = true;
    assert_eq!(
        config.warnings(),
        ["insecure-skip-tls-verify is set: the certificate of https://10.0.0.1:6443 is not verified, so anyone on the way can pose as the API server"]
    );

    let mut config = Config::new("http://10.0.0.1:8080".parse().unwrap());
    assert!(config.warnings().is_empty(), "no credential, nothing to leak");
    config.auth = Auth::Token(Sensitive::new(token.to_string()));
    assert_eq!(
        config.warnings(),
        ["a bearer token will be sent unencrypted: the server URL http://10.0.0.1:8080 is not https"]
    );
    config.auth = Auth::Basic { username: "alice".into(), password: Sensitive::new(token.to_string()) };
    config.client_certificate = Some(ClientCertificate {
        certificate: pki().client_cert_pem.clone().into_bytes(),
        key: Sensitive::new(pki().client_key_pem.clone().into_bytes()),
    });
    let warnings = config.warnings();
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(warnings[0].starts_with("a username and password will be sent unencrypted"), "{warnings:?}");
    assert!(warnings[1].starts_with("the client certificate is not used"), "{warnings:?}");
    assert!(warnings.iter().all(|w| !w.contains(token) && !w.contains("alice")), "{warnings:?}");
    assert_eq!(Client::new(config).unwrap().warnings(), warnings);
}

// ---------------------------------------------------------------------------------------------
// Secrets stay secret

#[tokio::test]
async fn tokens_and_keys_are_absent_from_debug_and_display() {
    let secret_token = "tok-SECRET-4242";
    let server = serve(ServerOptions::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let key_b64 = b64(&pki().client_key_pem);
    let text = kubeconfig(
        &server.url(),
        &[&ca_line()],
        &[
            &format!("token: {secret_token}"),
            &format!("client-certificate-data: {}", b64(&pki().client_cert_pem)),
            &format!("client-key-data: {key_b64}"),
        ],
    );
    let path = write(dir.path(), "config", &text);
    let config = Config::from_kubeconfig(&KubeconfigOptions { path: Some(path.clone()), context: None }).unwrap();
    let client = Client::new(config.clone()).unwrap();
    let key_line = pki().client_key_pem.lines().nth(1).unwrap().to_string();
    let assert_clean = |what: &str, text: &str| {
        assert!(!text.contains(secret_token), "{what} shows the token: {text}");
        assert!(!text.contains(&key_line) && !text.contains(&key_b64[..40]), "{what} shows the key: {text}");
        assert!(!text.contains("PRIVATE KEY"), "{what} shows the key: {text}");
    };
    assert_clean("Config", &format!("{config:?}"));
    assert!(format!("{config:?}").contains("<redacted>"));
    assert_clean("Client", &format!("{client:?}"));

    // Basic credentials, exec env values and args.
    let mut config = Config::new(server.url().parse().unwrap());
    config.auth = Auth::Basic { username: "alice".into(), password: Sensitive::new(secret_token.to_string()) };
    assert_clean("Basic", &format!("{config:?} {:?}", Client::new(config.clone()).unwrap()));
    let mut exec = ExecConfig::new("plugin");
    exec.args = vec!["--password".into(), secret_token.into()];
    exec.env = vec![("PLUGIN_TOKEN".into(), Sensitive::new(secret_token.to_string()))];
    config.auth = Auth::Exec(exec);
    assert_clean("Exec", &format!("{config:?}"));
    assert_clean("Token", &format!("{:?}", Auth::Token(Sensitive::new(secret_token.to_string()))));
    config.client_certificate = Some(ClientCertificate {
        certificate: pki().client_cert_pem.clone().into_bytes(),
        key: Sensitive::new(pki().client_key_pem.clone().into_bytes()),
    });
    assert_clean("ClientCertificate", &format!("{config:?}"));

    // Errors: a 401 after sending the token, a malformed kubeconfig quoting the token, a
    // decode error on a value, an exec plugin printing a token that is not valid JSON.
    let server = serve(ServerOptions { authenticate: true, ..Default::default() }).await;
    let client =
        client_from(dir.path(), &kubeconfig(&server.url(), &[&ca_line()], &[&format!("token: {secret_token}")]));
    let error = client.send(get("/api")).await.unwrap_err();
    assert_clean("401 error", &format!("{error} {error:?}"));

    let broken = format!("current-context: test\nusers:\n- name: test\n  user: \"{secret_token}\"\n");
    let path = write(dir.path(), "broken", &broken);
    let error = Config::from_kubeconfig(&KubeconfigOptions { path: Some(path), context: None }).unwrap_err();
    assert!(matches!(error, Error::Config(_)), "{error:?}");
    assert_clean("kubeconfig error", &error.to_string());

    let error = decode::<std::collections::BTreeMap<String, i32>>(format!("{{\"a\": \"{secret_token}\"}}").as_bytes())
        .unwrap_err();
    assert_clean("decode error", &format!("{error} {error:?}"));

    exec_plugin(dir.path());
    write(
        dir.path(),
        "cred.json",
        &format!("{{\"kind\":\"ExecCredential\",\"status\":{{\"token\":\"{secret_token}\"}}"),
    );
    let exec = ["exec:", "  apiVersion: client.authentication.k8s.io/v1", "  command: ./plugin.sh"];
    let client = client_from(dir.path(), &kubeconfig(&server.url(), &[&ca_line()], &exec));
    let error = client.send(get("/api")).await.unwrap_err();
    assert!(matches!(error, Error::Auth(_)), "{error:?}");
    assert_clean("exec error", &format!("{error} {error:?}"));
    assert_clean("exec client", &format!("{client:?}"));
}

// ---------------------------------------------------------------------------------------------
// Configuration sources

#[test]
fn kubeconfig_files_merge_like_kubectl_and_a_context_can_be_chosen() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    // File a: no current-context, its own cluster `shared` (wins), user `shared` with an empty token.
    let first = write(
        a.path(),
        "config",
        "clusters:\n\
         - name: shared\n  cluster:\n    server: https://first.example:6443\n    certificate-authority: ca.crt\n\
         users:\n- name: shared\n  user:\n    token: first-token\n\
         contexts:\n- name: dev\n  context:\n    cluster: shared\n    user: shared\n    namespace: dev-ns\n",
    );
    write(a.path(), "ca.crt", &pki().ca_pem);
    // File b: sets current-context, redefines `shared` (loses) and defines `prod`.
    let second = write(
        b.path(),
        "config",
        "current-context: prod\n\
         clusters:\n\
         - name: shared\n  cluster:\n    server: https://second.example:6443\n\
         - name: prod\n  cluster:\n    server: prod.example:443\n    certificate-authority: ca.crt\n\
         users:\n- name: shared\n  user:\n    token: second-token\n- name: ops\n  user:\n    tokenFile: token\n\
         contexts:\n\
         - name: prod\n  context:\n    cluster: prod\n    user: ops\n\
         - name: dev\n  context:\n    cluster: prod\n",
    );
    write(b.path(), "ca.crt", &pki().ca_pem);
    let missing = a.path().join("does-not-exist");
    let paths = [missing, first.clone(), second.clone(), first.clone()];

    // The current context comes from b, the only file that sets it; prod's files resolve in b.
    let config = Config::from_kubeconfig_paths(&paths, None).unwrap();
    assert_eq!(config.server.to_string().trim_end_matches('/'), "https://prod.example:443");
    assert_eq!(config.default_namespace, "default");
    assert_eq!(config.certificate_authority.as_deref(), Some(pki().ca_pem.as_bytes()));
    assert!(matches!(&config.auth, Auth::TokenFile(p) if p == &b.path().join("token")), "{:?}", config.auth);

    // `--context dev`: a's definition of dev, a's `shared` cluster and user.
    let config = Config::from_kubeconfig_paths(&paths, Some("dev")).unwrap();
    assert_eq!(config.server.to_string().trim_end_matches('/'), "https://first.example:6443");
    assert_eq!(config.default_namespace, "dev-ns");
    assert!(matches!(&config.auth, Auth::Token(t) if t.expose() == "first-token"));

    // The other order: b's definitions win.
    let config = Config::from_kubeconfig_paths(&[second.clone(), first.clone()], Some("dev")).unwrap();
    assert_eq!(config.server.to_string().trim_end_matches('/'), "https://prod.example:443");
    assert!(matches!(&config.auth, Auth::None));

    let error = Config::from_kubeconfig_paths(&paths, Some("nope")).unwrap_err();
    assert!(error.to_string().contains("context \"nope\" not found"), "{error}");
    // Only file a: no current context.
    let error = Config::from_kubeconfig_paths(std::slice::from_ref(&first), None).unwrap_err();
    assert!(error.to_string().contains("current-context"), "{error}");
    let error = Config::from_kubeconfig_paths(&[a.path().join("nothing")], None).unwrap_err();
    assert!(error.to_string().contains("no kubeconfig"), "{error}");
    // An explicit path must exist.
    let error = Config::from_kubeconfig(&KubeconfigOptions { path: Some(a.path().join("nothing")), context: None })
        .unwrap_err();
    assert!(matches!(error, Error::Config(_)), "{error:?}");
}

/// Runs one test of this binary in a child process with `env`: `KUBECONFIG` and `HOME` are
/// process-wide, and changing them here would race with the other tests.
fn run_child(test: &str, env: &[(&str, &std::ffi::OsStr)], remove: &[&str]) {
    let mut command = std::process::Command::new(std::env::current_exe().unwrap());
    command.args([test, "--exact", "--ignored", "--nocapture", "--test-threads=1"]);
    for (name, value) in env {
        command.env(name, value);
    }
    for name in remove {
        command.env_remove(name);
    }
    let output = command.output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{test} failed:\n{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("1 passed"), "{test} did not run:\n{stdout}");
}

#[test]
fn kubeconfig_env_var_and_home_are_read() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let first = write(a.path(), "config", "clusters:\n- name: c\n  cluster:\n    server: https://from-a:1\n");
    let second = write(
        b.path(),
        "config",
        "current-context: x\nclusters:\n- name: c\n  cluster:\n    server: https://from-b:2\n\
         contexts:\n- name: x\n  context:\n    cluster: c\n    namespace: from-b\n",
    );
    let list = std::env::join_paths([first.as_path(), second.as_path()]).unwrap();
    run_child(
        "child_reads_default_kubeconfig",
        &[
            ("KUBECONFIG", &list),
            ("EXPECT_SERVER", "https://from-a:1".as_ref()),
            ("EXPECT_NAMESPACE", "from-b".as_ref()),
        ],
        &[],
    );
    // No KUBECONFIG: ~/.kube/config.
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir(home.path().join(".kube")).unwrap();
    std::fs::copy(&second, home.path().join(".kube/config")).unwrap();
    run_child(
        "child_reads_default_kubeconfig",
        &[
            ("HOME", home.path().as_os_str()),
            ("EXPECT_SERVER", "https://from-b:2".as_ref()),
            ("EXPECT_NAMESPACE", "from-b".as_ref()),
        ],
        &["KUBECONFIG"],
    );
}

/// The child of [`kubeconfig_env_var_and_home_are_read`]; does nothing when run directly.
#[test]
#[ignore = "run by kubeconfig_env_var_and_home_are_read in a child process"]
fn child_reads_default_kubeconfig() {
    let Ok(server) = std::env::var("EXPECT_SERVER") else { return };
    let config = Config::from_kubeconfig(&KubeconfigOptions::default()).unwrap();
    assert_eq!(config.server.to_string().trim_end_matches('/'), server);
    assert_eq!(config.default_namespace, std::env::var("EXPECT_NAMESPACE").unwrap());
    let inferred = Config::infer().unwrap();
    assert_eq!(inferred.server, config.server);
    let client = Client::try_default().unwrap();
    assert_eq!(client.default_namespace(), config.default_namespace);
}

#[tokio::test]
async fn in_cluster_configuration_from_a_directory() {
    let server =
        serve(ServerOptions { authenticate: true, tokens: vec!["sa-token-1".into()], ..Default::default() }).await;
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "token", "sa-token-1");
    write(dir.path(), "ca.crt", &pki().ca_pem);
    write(dir.path(), "namespace", "team-b\n");
    let config = Config::incluster_at(dir.path(), "127.0.0.1", &server.port.to_string()).unwrap();
    assert_eq!(config.default_namespace, "team-b");
    let client = Client::new(config).unwrap();
    client.send(get("/api/v1/namespaces/team-b/pods")).await.unwrap();
    assert_eq!(server.last().header("authorization"), Some("Bearer sa-token-1"));

    // The kubelet rotates the token: after a 401 the file is read again and the request retried.
    write(dir.path(), "token", "sa-token-2");
    server.set_tokens(&["sa-token-2"]);
    assert_eq!(client.send(get("/api")).await.unwrap().status(), 200);
    let seen = server.seen();
    assert_eq!(seen[seen.len() - 2].header("authorization"), Some("Bearer sa-token-1"));
    assert_eq!(seen[seen.len() - 1].header("authorization"), Some("Bearer sa-token-2"));

    // Without a namespace file: `default`. Without a token: an error naming it.
    std::fs::remove_file(dir.path().join("namespace")).unwrap();
    assert_eq!(Config::incluster_at(dir.path(), "::1", "443").unwrap().default_namespace, "default");
    assert_eq!(Config::incluster_at(dir.path(), "::1", "443").unwrap().server.to_string(), "https://[::1]:443/");
    std::fs::remove_file(dir.path().join("token")).unwrap();
    let error = Config::incluster_at(dir.path(), "127.0.0.1", "443").unwrap_err();
    assert!(error.to_string().contains("token"), "{error}");
}

#[tokio::test]
async fn a_config_built_in_code() {
    let server =
        serve(ServerOptions { authenticate: true, tokens: vec!["code-token".into()], ..Default::default() }).await;
    let mut config = Config::new(server.url().parse().unwrap());
    config.certificate_authority = Some(pki().ca_pem.clone().into_bytes());
    config.auth = Auth::Token(Sensitive::new("code-token".to_string()));
    config.default_namespace = "apps".into();
    let client = Client::new(config).unwrap();
    assert_eq!(client.default_namespace(), "apps");
    client.send(get("/api")).await.unwrap();
    assert_eq!(server.last().header("authorization"), Some("Bearer code-token"));

    // Garbage PEM is a configuration error, found before any request.
    let mut config = Config::new(server.url().parse().unwrap());
    config.certificate_authority = Some(b"not a certificate".to_vec());
    assert!(matches!(Client::new(config), Err(Error::Config(_))));
}
