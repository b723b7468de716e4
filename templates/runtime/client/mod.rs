//! An async HTTPS client for the Kubernetes API (feature `client`): hyper over rustls with the
//! ring provider, configured like kubectl from a kubeconfig or a pod's service account.
//!
//! ```no_run
//! # async fn run() -> Result<(), k8s_pack::runtime::client::Error> {
//! use k8s_pack::runtime::client::{decode, Client};
//!
//! let client = Client::try_default()?;
//! let path = format!("/api/v1/namespaces/{}/configmaps?limit=5", client.default_namespace());
//! let response = client.send(http::Request::get(path).body(Vec::new()).unwrap()).await?;
//! let list: serde_json::Value = decode(response.body())?;
//! # Ok(()) }
//! ```
//!
//! Credentials never reach `Debug`, `Display` or error messages, and this module logs nothing.

mod auth;
mod config;
mod connect;
mod error;
mod exec;
mod kubeconfig;
mod tls;

pub use config::{parse_timeout, Auth, ClientCertificate, Config, ExecConfig, Sensitive, SERVICE_ACCOUNT_DIR};
pub use error::{
    decode, ApiError, AuthError, BoxError, ConfigError, DecodeError, Error, Status, StatusCause, StatusDetails,
    TransportError,
};
pub use kubeconfig::KubeconfigOptions;

use auth::{Applied, Authenticator};
use bytes::Bytes;
use connect::{Connector, Timeouts};
use futures_core::Stream as _;
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use http::{HeaderValue, StatusCode};
use http_body_util::Full;
use hyper::body::{Body as _, Incoming};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use rustls::pki_types::ServerName;
use std::fmt;
use std::pin::Pin;
use std::sync::{Arc, PoisonError, RwLock};
use std::task::{Context, Poll};
use tls::{Identity, TlsSettings};

type HyperClient = hyper_util::client::legacy::Client<Connector, Full<Bytes>>;

/// A Kubernetes API client. Cheap to clone: clones share connections and credentials.
/// Requests must be sent from within a tokio runtime with its time driver enabled (as
/// `#[tokio::main]` and `enable_all` do): the timeouts of [`Config`] run on it.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    server: http::Uri,
    scheme: http::uri::Scheme,
    authority: http::uri::Authority,
    /// The server URL's path without its trailing `/`, put before every request's path.
    prefix: String,
    default_namespace: String,
    tls: TlsSettings,
    server_name: Option<ServerName<'static>>,
    timeouts: Timeouts,
    static_identity: Option<Arc<Identity>>,
    /// The connection pool and which exec-provided identity (if any) it presents; replaced
    /// when an exec plugin returns a new client certificate.
    transport: RwLock<(Option<u64>, HyperClient)>,
    auth: Authenticator,
    user_agent: HeaderValue,
    warnings: Vec<String>,
}

impl Client {
    /// A client for `config`. Fails on unusable TLS material, never on the network.
    pub fn new(config: Config) -> Result<Client, Error> {
        let scheme = config.server.scheme().cloned().ok_or_else(|| Error::config("the server URL has no scheme"))?;
        if scheme != http::uri::Scheme::HTTPS && scheme != http::uri::Scheme::HTTP {
            return Err(Error::config(format!("the server URL's scheme must be https, not {scheme}")));
        }
        let authority =
            config.server.authority().cloned().ok_or_else(|| Error::config("the server URL has no host"))?;
        let prefix = config.server.path().trim_end_matches('/').to_string();
        let tls = TlsSettings {
            certificate_authority: config.certificate_authority.clone(),
            insecure_skip_tls_verify: config.insecure_skip_tls_verify,
        };
        let server_name = config.tls_server_name.as_deref().map(tls::server_name).transpose()?;
        let static_identity = match &config.client_certificate {
            Some(c) => Some(Arc::new(Identity::from_pem(&c.certificate, c.key.expose())?)),
            None => None,
        };
        let timeouts =
            Timeouts { connect: config.connect_timeout, response: config.response_timeout, idle: config.idle_timeout };
        let http = build_transport(&tls, server_name.as_ref(), timeouts, static_identity.as_deref())?;
        let auth = Authenticator::new(&config)?;
        let warnings = config.warnings();
        let user_agent = HeaderValue::from_static(concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")));
        Ok(Client {
            inner: Arc::new(Inner {
                server: config.server,
                scheme,
                authority,
                prefix,
                default_namespace: config.default_namespace,
                tls,
                server_name,
                timeouts,
                static_identity,
                transport: RwLock::new((None, http)),
                auth,
                user_agent,
                warnings,
            }),
        })
    }

    /// The kubeconfig if there is one (`KUBECONFIG`, else `~/.kube/config`), else the pod's
    /// service account: see [`Config::infer`].
    pub fn try_default() -> Result<Client, Error> {
        Client::new(Config::infer()?)
    }

    /// A kubeconfig file and context: see [`Config::from_kubeconfig`].
    pub fn from_kubeconfig(options: KubeconfigOptions) -> Result<Client, Error> {
        Client::new(Config::from_kubeconfig(&options)?)
    }

    /// The namespace of the context or service account; `default` if it names none.
    pub fn default_namespace(&self) -> &str {
        &self.inner.default_namespace
    }

    /// The API server's base URL.
    pub fn server(&self) -> &http::Uri {
        &self.inner.server
    }

    /// What is unsafe in the configuration, though usable (see [`Config::warnings`]): for a
    /// program to show its user once. This crate logs nothing itself.
    pub fn warnings(&self) -> &[String] {
        &self.inner.warnings
    }

    /// Sends a request whose URI is a path and query (`/api/v1/namespaces/default/secrets?limit=5`); the client
    /// prefixes the cluster's server URL, adds authentication and `Accept: application/json` unless set.
    ///
    /// A non-empty body without `Content-Type` is sent as `application/json`. A status outside
    /// 2xx is [`Error::Api`]. After a 401, credentials that can be renewed (exec plugin, token
    /// file) are renewed and the request is sent once more. Each wait is bounded by the
    /// timeouts of [`Config`]: connecting, the first byte of the response, each piece of the body.
    pub async fn send(&self, request: http::Request<Vec<u8>>) -> Result<http::Response<Bytes>, Error> {
        let (response, what) = self.execute(request).await?;
        let (parts, body) = response.into_parts();
        let body = connect::collect(body, self.inner.timeouts.idle).await.map_err(|e| Error::transport(&what, e))?;
        Ok(http::Response::from_parts(parts, body))
    }

    /// Same, but returns the body as a stream of chunks (for watches), read as they come with
    /// no idle timeout: a watch may be quiet for minutes, so its reader bounds the wait itself.
    pub async fn send_streaming(&self, request: http::Request<Vec<u8>>) -> Result<http::Response<BodyStream>, Error> {
        Ok(self.execute(request).await?.0.map(|body| BodyStream { body }))
    }

    /// Sends the request; returns the response with its body unread, and the request as
    /// messages name it (`GET https://host:port/path`).
    async fn execute(&self, request: http::Request<Vec<u8>>) -> Result<(http::Response<Incoming>, String), Error> {
        let inner = &self.inner;
        let (parts, body) = request.into_parts();
        let uri = inner.full_uri(&parts.uri)?;
        // The query is left out of messages: it may be long.
        let what = format!("{} {}://{}{}", parts.method, inner.scheme, inner.authority, uri.path());
        let body = Bytes::from(body);
        let mut headers = parts.headers;
        headers.entry(ACCEPT).or_insert(HeaderValue::from_static("application/json"));
        headers.entry(USER_AGENT).or_insert(inner.user_agent.clone());
        if !body.is_empty() {
            headers.entry(CONTENT_TYPE).or_insert(HeaderValue::from_static("application/json"));
        }
        // A caller's own Authorization header is left alone, and never renewed.
        let mut applied = match headers.contains_key(AUTHORIZATION) {
            true => None,
            false => Some(inner.auth.current().await?),
        };
        let mut renewed = false;
        loop {
            let transport = inner.transport_for(applied.as_ref())?;
            let mut request = http::Request::new(Full::new(body.clone()));
            *request.method_mut() = parts.method.clone();
            *request.uri_mut() = uri.clone();
            *request.headers_mut() = headers.clone();
            if let Some(header) = applied.as_ref().and_then(|a| a.header.clone()) {
                request.headers_mut().insert(AUTHORIZATION, header);
            }
            let response = transport.request(request).await.map_err(|e| Error::transport(&what, e.into()))?;
            let status = response.status();
            if status == StatusCode::UNAUTHORIZED && !renewed {
                if let Some(used) = &applied {
                    if let Some(fresh) = inner.auth.refresh(used).await? {
                        applied = Some(fresh);
                        renewed = true;
                        continue;
                    }
                }
            }
            if !status.is_success() {
                let (parts, body) = response.into_parts();
                let body = connect::collect(body, inner.timeouts.idle).await.map_err(|e| Error::transport(&what, e))?;
                return Err(Error::Api(ApiError::from_response(status, &parts.headers, body)));
            }
            return Ok((response, what));
        }
    }
}

impl Inner {
    /// The server URL followed by the request's path and query.
    fn full_uri(&self, uri: &http::Uri) -> Result<http::Uri, Error> {
        let path = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
        if uri.scheme().is_some() || uri.authority().is_some() || !path.starts_with('/') {
            return Err(Error::config(format!("a request URI must be a path and query starting with /, not {uri}")));
        }
        http::Uri::builder()
            .scheme(self.scheme.clone())
            .authority(self.authority.clone())
            .path_and_query(format!("{}{path}", self.prefix))
            .build()
            .map_err(|e| Error::config_with("invalid request URI", e))
    }

    /// The connection pool for the identity of `applied`, built anew when an exec plugin has
    /// returned a different client certificate.
    fn transport_for(&self, applied: Option<&Applied>) -> Result<HyperClient, Error> {
        let exec_identity = applied.and_then(|a| a.identity.clone());
        let wanted = exec_identity.as_ref().map(|(id, _)| *id);
        {
            let current = self.transport.read().unwrap_or_else(PoisonError::into_inner);
            if current.0 == wanted {
                return Ok(current.1.clone());
            }
        }
        let identity = exec_identity.map(|(_, i)| i).or_else(|| self.static_identity.clone());
        let http = build_transport(&self.tls, self.server_name.as_ref(), self.timeouts, identity.as_deref())?;
        *self.transport.write().unwrap_or_else(PoisonError::into_inner) = (wanted, http.clone());
        Ok(http)
    }
}

fn build_transport(
    tls: &TlsSettings,
    server_name: Option<&ServerName<'static>>,
    timeouts: Timeouts,
    identity: Option<&Identity>,
) -> Result<HyperClient, Error> {
    let mut http = HttpConnector::new();
    http.enforce_http(false);
    http.set_nodelay(true);
    let tls = tokio_rustls::TlsConnector::from(Arc::new(tls::client_config(tls, identity)?));
    let connector = Connector { http, tls, server_name: server_name.cloned(), timeouts };
    Ok(hyper_util::client::legacy::Client::builder(TokioExecutor::new()).pool_timer(TokioTimer::new()).build(connector))
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("server", &self.inner.server)
            .field("default_namespace", &self.inner.default_namespace)
            .field("insecure_skip_tls_verify", &self.inner.tls.insecure_skip_tls_verify)
            .field("client_certificate", &self.inner.static_identity.is_some())
            .field("auth", &self.inner.auth.describe())
            .finish()
    }
}

/// A response body as it arrives, chunk by chunk: a watch's events, for instance. Chunks do
/// not follow line boundaries. Also a [`futures_core::Stream`].
pub struct BodyStream {
    body: Incoming,
}

impl BodyStream {
    /// The next chunk; `None` at the end of the body.
    pub async fn next_chunk(&mut self) -> Option<Result<Bytes, Error>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }
}

impl futures_core::Stream for BodyStream {
    type Item = Result<Bytes, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            return match Pin::new(&mut self.body).poll_frame(cx) {
                Poll::Ready(Some(Ok(frame))) => match frame.into_data() {
                    Ok(data) if data.is_empty() => continue,
                    Ok(data) => Poll::Ready(Some(Ok(data))),
                    Err(_trailers) => continue,
                },
                Poll::Ready(Some(Err(e))) => {
                    Poll::Ready(Some(Err(Error::transport("cannot read the response body", e.into()))))
                }
                Poll::Ready(None) => Poll::Ready(None),
                Poll::Pending => Poll::Pending,
            };
        }
    }
}

impl fmt::Debug for BodyStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BodyStream").field("is_end_stream", &self.body.is_end_stream()).finish()
    }
}
