//! Shared by the integration tests that talk to a real HTTPS server on 127.0.0.1: a throwaway
//! PKI made with rcgen, a recording API-server stand-in, and kubeconfig helpers.
#![allow(dead_code)]

use base64::Engine as _;
use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use k8s_pack::runtime::client::{Client, Error, KubeconfigOptions};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex, OnceLock};

pub mod watch;

// ---------------------------------------------------------------------------------------------
// Certificates

pub struct Pki {
    pub ca_pem: String,
    pub server_cert_pem: String,
    pub server_key_pem: String,
    pub client_cert_pem: String,
    pub client_key_pem: String,
    pub client_cert_der: Vec<u8>,
    /// A certificate for 127.0.0.1 signed by a CA the client is never told about.
    pub rogue_cert_pem: String,
    pub rogue_key_pem: String,
}

pub fn pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(|| {
        use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair, KeyUsagePurpose};
        let ca_params = |name: &str| {
            let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
            params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
            params.distinguished_name.push(DnType::CommonName, name);
            params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::DigitalSignature];
            params
        };
        let ca = CertifiedIssuer::self_signed(ca_params("test CA"), KeyPair::generate().unwrap()).unwrap();
        let rogue_ca = CertifiedIssuer::self_signed(ca_params("rogue CA"), KeyPair::generate().unwrap()).unwrap();
        let server_names = vec!["localhost".to_string(), "127.0.0.1".to_string(), "kubernetes.test".to_string()];

        let server_key = KeyPair::generate().unwrap();
        let server = CertificateParams::new(server_names.clone()).unwrap().signed_by(&server_key, &ca).unwrap();
        let rogue_key = KeyPair::generate().unwrap();
        let rogue = CertificateParams::new(server_names).unwrap().signed_by(&rogue_key, &rogue_ca).unwrap();
        let client_key = KeyPair::generate().unwrap();
        let mut client_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        client_params.distinguished_name.push(DnType::CommonName, "alice");
        let client = client_params.signed_by(&client_key, &ca).unwrap();
        Pki {
            ca_pem: ca.pem(),
            server_cert_pem: server.pem(),
            server_key_pem: server_key.serialize_pem(),
            client_cert_pem: client.pem(),
            client_key_pem: client_key.serialize_pem(),
            client_cert_der: client.der().to_vec(),
            rogue_cert_pem: rogue.pem(),
            rogue_key_pem: rogue_key.serialize_pem(),
        }
    })
}

pub fn b64(data: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(data)
}

// ---------------------------------------------------------------------------------------------
// The test server: records every request, authenticates like an API server (a verified client
// certificate or a known bearer token), and answers through a per-test responder.

#[derive(Clone, Debug)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub headers: http::HeaderMap,
    pub body: Vec<u8>,
    pub client_cert: Option<Vec<u8>>,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

pub struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(status: u16, body: serde_json::Value) -> Reply {
        Reply {
            status,
            headers: vec![("content-type", "application/json".into())],
            body: body.to_string().into_bytes(),
        }
    }
}

pub type Responder = Arc<dyn Fn(&Seen) -> Reply + Send + Sync>;

#[derive(Clone, Copy, PartialEq)]
pub enum ClientAuth {
    /// A client certificate is checked if presented.
    Optional,
    /// The handshake fails without a client certificate signed by the test CA.
    Required,
}

pub struct ServerOptions {
    pub cert_pem: String,
    pub key_pem: String,
    pub client_auth: ClientAuth,
    /// Answer 401 unless a client certificate or one of `tokens` came with the request.
    pub authenticate: bool,
    pub tokens: Vec<String>,
    pub responder: Option<Responder>,
    /// Plain `http://`, no TLS at all.
    pub plain_http: bool,
}

impl Default for ServerOptions {
    fn default() -> Self {
        ServerOptions {
            cert_pem: pki().server_cert_pem.clone(),
            key_pem: pki().server_key_pem.clone(),
            client_auth: ClientAuth::Optional,
            authenticate: false,
            tokens: Vec::new(),
            responder: None,
            plain_http: false,
        }
    }
}

pub struct Server {
    pub port: u16,
    pub seen: Arc<Mutex<Vec<Seen>>>,
    pub tokens: Arc<Mutex<HashSet<String>>>,
    plain_http: bool,
}

impl Server {
    pub fn url(&self) -> String {
        let scheme = if self.plain_http { "http" } else { "https" };
        format!("{scheme}://127.0.0.1:{}", self.port)
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    pub fn last(&self) -> Seen {
        self.seen().last().cloned().expect("the server saw a request")
    }

    pub fn set_tokens(&self, tokens: &[&str]) {
        *self.tokens.lock().unwrap() = tokens.iter().map(|t| t.to_string()).collect();
    }
}

pub fn status_body(code: u16, reason: &str, message: &str) -> serde_json::Value {
    serde_json::json!({
        "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
        "message": message, "reason": reason, "code": code
    })
}

/// The TLS side of a test API server: the test CA's server certificate, client certificates
/// verified when presented (or required).
pub fn tls_acceptor(options: &ServerOptions) -> tokio_rustls::TlsAcceptor {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    roots.add(CertificateDer::from_pem_slice(pki().ca_pem.as_bytes()).unwrap()).unwrap();
    let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider.clone());
    let verifier = match options.client_auth {
        ClientAuth::Optional => verifier.allow_unauthenticated().build().unwrap(),
        ClientAuth::Required => verifier.build().unwrap(),
    };
    let certs = CertificateDer::pem_slice_iter(options.cert_pem.as_bytes()).collect::<Result<Vec<_>, _>>().unwrap();
    let key = PrivateKeyDer::from_pem_slice(options.key_pem.as_bytes()).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_client_cert_verifier(verifier)
        .with_single_cert(certs, key)
        .unwrap();
    tokio_rustls::TlsAcceptor::from(Arc::new(config))
}

pub async fn serve(options: ServerOptions) -> Server {
    let acceptor = (!options.plain_http).then(|| tls_acceptor(&options));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let tokens = Arc::new(Mutex::new(options.tokens.iter().cloned().collect::<HashSet<_>>()));
    let responder = options.responder.clone().unwrap_or_else(|| {
        Arc::new(|seen: &Seen| Reply::json(200, serde_json::json!({"kind": "Echo", "path": seen.path})))
    });
    let authenticate = options.authenticate;
    let (seen2, tokens2) = (seen.clone(), tokens.clone());
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else { return };
            let (acceptor, seen, tokens, responder) =
                (acceptor.clone(), seen2.clone(), tokens2.clone(), responder.clone());
            tokio::spawn(async move {
                let state = Answering { seen, tokens, responder, authenticate };
                match acceptor {
                    None => state.serve(tcp, None).await,
                    Some(acceptor) => {
                        let Ok(tls) = acceptor.accept(tcp).await else { return };
                        let client_cert =
                            tls.get_ref().1.peer_certificates().and_then(|c| c.first()).map(|c| c.to_vec());
                        state.serve(tls, client_cert).await
                    }
                }
            });
        }
    });
    Server { port, seen, tokens, plain_http: options.plain_http }
}

/// What one connection of the test server needs to record and answer its requests.
struct Answering {
    seen: Arc<Mutex<Vec<Seen>>>,
    tokens: Arc<Mutex<HashSet<String>>>,
    responder: Responder,
    authenticate: bool,
}

impl Answering {
    async fn serve<IO>(self, io: IO, client_cert: Option<Vec<u8>>)
    where
        IO: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
    {
        let Answering { seen, tokens, responder, authenticate } = self;
        let service = service_fn(move |request: http::Request<hyper::body::Incoming>| {
            let (seen, tokens, responder, client_cert) =
                (seen.clone(), tokens.clone(), responder.clone(), client_cert.clone());
            async move {
                let (parts, body) = request.into_parts();
                let body = body.collect().await.map(|b| b.to_bytes().to_vec()).unwrap_or_default();
                let request = Seen {
                    method: parts.method.to_string(),
                    path: parts.uri.path().to_string(),
                    query: parts.uri.query().map(str::to_string),
                    headers: parts.headers,
                    body,
                    client_cert,
                };
                seen.lock().unwrap().push(request.clone());
                let token = request.header("authorization").and_then(|a| a.strip_prefix("Bearer "));
                let known = token.is_some_and(|t| tokens.lock().unwrap().contains(t));
                let reply = if authenticate && request.client_cert.is_none() && !known {
                    Reply::json(401, status_body(401, "Unauthorized", "Unauthorized"))
                } else {
                    responder(&request)
                };
                let mut response = http::Response::new(Full::new(Bytes::from(reply.body)));
                *response.status_mut() = http::StatusCode::from_u16(reply.status).unwrap();
                for (name, value) in reply.headers {
                    response.headers_mut().insert(name, value.parse().unwrap());
                }
                Ok::<_, std::convert::Infallible>(response)
            }
        });
        let _ = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(io), service).await;
    }
}

// ---------------------------------------------------------------------------------------------
// Servers that say nothing: for the timeouts

/// A port on 127.0.0.1 that accepts TCP connections and never sends a byte (no TLS handshake).
/// A thread of its own, so it serves tests with and without an async runtime.
pub fn silent_tcp() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut open = Vec::new();
        for stream in listener.incoming() {
            open.push(stream);
        }
    });
    port
}

/// An HTTPS server on 127.0.0.1 that completes the TLS handshake and then never answers.
pub async fn silent_tls() -> String {
    serve_tls(|tls| async move {
        std::future::pending::<()>().await;
        drop(tls);
    })
    .await
}

/// Accepts TLS connections on 127.0.0.1 with the test CA's server certificate and hands each
/// to `handle`, in a task of its own; returns the URL.
pub async fn serve_tls<F, Fut>(handle: F) -> String
where
    F: Fn(tokio_rustls::server::TlsStream<tokio::net::TcpStream>) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let acceptor = tls_acceptor(&ServerOptions::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = Arc::new(handle);
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else { return };
            let (acceptor, handle) = (acceptor.clone(), handle.clone());
            tokio::spawn(async move {
                if let Ok(tls) = acceptor.accept(tcp).await {
                    handle(tls).await;
                }
            });
        }
    });
    format!("https://127.0.0.1:{port}")
}

// ---------------------------------------------------------------------------------------------
// Helpers

pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// A kubeconfig with one context `test` whose cluster and user get the given YAML lines.
pub fn kubeconfig(server: &str, cluster: &[&str], user: &[&str]) -> String {
    let indent = |lines: &[&str]| lines.iter().map(|l| format!("\n    {l}")).collect::<String>();
    format!(
        "apiVersion: v1\nkind: Config\ncurrent-context: test\nclusters:\n- name: test\n  cluster:\n    server: {server}{}\n\
         users:\n- name: test\n  user:{}\ncontexts:\n- name: test\n  context:\n    cluster: test\n    user: test\n    namespace: team-a\n",
        indent(cluster),
        if user.is_empty() { " {}".to_string() } else { indent(user) }
    )
}

pub fn ca_line() -> String {
    format!("certificate-authority-data: {}", b64(&pki().ca_pem))
}

pub fn client_from(dir: &Path, text: &str) -> Client {
    let path = write(dir, "config", text);
    Client::from_kubeconfig(KubeconfigOptions { path: Some(path), context: None }).unwrap()
}

pub fn get(path: &str) -> http::Request<Vec<u8>> {
    http::Request::get(path).body(Vec::new()).unwrap()
}

pub fn expect_api(result: Result<http::Response<Bytes>, Error>) -> k8s_pack::runtime::client::ApiError {
    match result {
        Err(Error::Api(e)) => e,
        other => panic!("expected an API error, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// The emitted crate's `k8s-pack` binary

/// Builds the `k8s-pack` binary once, in a target directory of its own (the outer `cargo test`
/// holds the workspace's lock), and returns its path.
pub fn binary() -> &'static PathBuf {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
        let target = root.join("target/pack-cli");
        let status = Command::new(env!("CARGO"))
            .args(["build", "--quiet", "-p", "k8s-pack", "--bin", "k8s-pack"])
            .current_dir(&root)
            .env("CARGO_TARGET_DIR", &target)
            .status()
            .unwrap();
        assert!(status.success(), "building k8s-pack failed");
        target.join("debug/k8s-pack")
    })
}
