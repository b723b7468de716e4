//! [`Config`]: where the API server is and how to trust and authenticate to it; read from a
//! kubeconfig, from a pod's service account, or built in code.

use super::error::Error;
use super::kubeconfig::{self, KubeconfigOptions};
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A value that must not be printed: its `Debug` is `<redacted>` and it has no `Display`.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Sensitive<T>(T);

impl<T> Sensitive<T> {
    pub fn new(value: T) -> Self {
        Sensitive(value)
    }

    /// The value itself, for the one place that needs it.
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T> From<T> for Sensitive<T> {
    fn from(value: T) -> Self {
        Sensitive(value)
    }
}

impl<T> fmt::Debug for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Where the service account's files are mounted in a pod.
pub const SERVICE_ACCOUNT_DIR: &str = "/var/run/secrets/kubernetes.io/serviceaccount";

/// Everything a [`super::Client`] needs. Read with [`Config::infer`],
/// [`Config::from_kubeconfig`] or [`Config::incluster`], or start from [`Config::new`] and set
/// the fields.
#[derive(Clone)]
#[non_exhaustive]
pub struct Config {
    /// The API server's base URL (`https://10.0.0.1:6443`); a path is kept as a prefix.
    pub server: http::Uri,
    /// The namespace of the context (or of the pod's service account); `default` otherwise.
    pub default_namespace: String,
    /// PEM bundle of the CAs that sign the server's certificate; the system's roots if `None`.
    pub certificate_authority: Option<Vec<u8>>,
    /// Accept any server certificate. Only ever set from `insecure-skip-tls-verify: true`.
    pub insecure_skip_tls_verify: bool,
    /// The name to verify the server's certificate against (and send as SNI) instead of the
    /// URL's host, from `tls-server-name`.
    pub tls_server_name: Option<String>,
    /// A client certificate to present.
    pub client_certificate: Option<ClientCertificate>,
    /// How requests authenticate, besides any client certificate.
    pub auth: Auth,
    /// The longest opening a connection may take: the TCP connect and the TLS handshake.
    /// `None` waits forever.
    pub connect_timeout: Option<Duration>,
    /// The longest the server may take to start answering a request once it is sent (watches
    /// included: the API server sends their headers at once).
    pub response_timeout: Option<Duration>,
    /// The longest a response body may pause between two pieces. Streamed bodies
    /// ([`super::Client::send_streaming`], as watches use) are exempt: they may be quiet for
    /// minutes, and a sensor bounds each watch with a deadline of its own.
    pub idle_timeout: Option<Duration>,
}

impl Config {
    /// A configuration for `server`, with nothing else set: namespace `default`, the system's
    /// root certificates, no credentials, the default timeouts.
    pub fn new(server: http::Uri) -> Config {
        Config {
            server,
            default_namespace: "default".to_string(),
            certificate_authority: None,
            insecure_skip_tls_verify: false,
            tls_server_name: None,
            client_certificate: None,
            auth: Auth::None,
            connect_timeout: Some(Config::CONNECT_TIMEOUT),
            response_timeout: Some(Config::RESPONSE_TIMEOUT),
            idle_timeout: Some(Config::IDLE_TIMEOUT),
        }
    }

    /// The default [`Config::connect_timeout`]: 30 s, kubectl's dial timeout.
    pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);
    /// The default [`Config::response_timeout`]: 90 s, past the API server's own 60 s request
    /// timeout, so that the server's answer to a slow request arrives first.
    pub const RESPONSE_TIMEOUT: Duration = Duration::from_secs(90);
    /// The default [`Config::idle_timeout`]: 90 s.
    pub const IDLE_TIMEOUT: Duration = Duration::from_secs(90);

    /// What is unsafe in this configuration, though usable: `insecure-skip-tls-verify`, and
    /// credentials sent over plain `http://`. The messages never hold a credential.
    pub fn warnings(&self) -> Vec<String> {
        let mut warnings = Vec::new();
        let server = format!(
            "{}://{}",
            self.server.scheme_str().unwrap_or(""),
            self.server.authority().map(|a| a.as_str()).unwrap_or("")
        );
        let plain = self.server.scheme() == Some(&http::uri::Scheme::HTTP);
        if self.insecure_skip_tls_verify && !plain {
            warnings.push(format!(
                "insecure-skip-tls-verify is set: the certificate of {server} is not verified, so anyone on the way can pose as the API server"
            ));
        }
        let credential = match &self.auth {
            Auth::None => None,
            Auth::Token(_) => Some("a bearer token"),
            Auth::TokenFile(_) => Some("a bearer token (from a token file)"),
            Auth::Basic { .. } => Some("a username and password"),
            Auth::Exec(_) => Some("the exec plugin's credentials"),
        };
        if let (true, Some(credential)) = (plain, credential) {
            warnings.push(format!("{credential} will be sent unencrypted: the server URL {server} is not https"));
        }
        if plain && self.client_certificate.is_some() {
            warnings.push(format!("the client certificate is not used: the server URL {server} is not https"));
        }
        warnings
    }

    /// Like kubectl: the kubeconfig (`KUBECONFIG`, else `~/.kube/config`) if there is one, else
    /// the pod's service account.
    pub fn infer() -> Result<Config, Error> {
        if kubeconfig::default_paths().iter().any(|p| p.is_file()) {
            return Config::from_kubeconfig(&KubeconfigOptions::default());
        }
        Config::incluster().map_err(|e| {
            Error::config(format!(
                "no kubeconfig found (KUBECONFIG is unset or names no existing file, and ~/.kube/config does not exist), and not in a cluster: {e}"
            ))
        })
    }

    /// Reads the kubeconfig: `options.path` alone if given, else every file `KUBECONFIG` lists
    /// (merged), else `~/.kube/config`; then the context `options.context`, else the current one.
    pub fn from_kubeconfig(options: &KubeconfigOptions) -> Result<Config, Error> {
        match &options.path {
            Some(path) => kubeconfig::load(std::slice::from_ref(path), true, options.context.as_deref()),
            None => kubeconfig::load(&kubeconfig::default_paths(), false, options.context.as_deref()),
        }
    }

    /// Merges the kubeconfig files as if `KUBECONFIG` listed them (files that do not exist are
    /// skipped) and selects `context`, else the current context.
    pub fn from_kubeconfig_paths(paths: &[PathBuf], context: Option<&str>) -> Result<Config, Error> {
        kubeconfig::load(paths, false, context)
    }

    /// The pod's service account: the API server from `KUBERNETES_SERVICE_HOST` and
    /// `KUBERNETES_SERVICE_PORT`, files from [`SERVICE_ACCOUNT_DIR`].
    pub fn incluster() -> Result<Config, Error> {
        let host = std::env::var("KUBERNETES_SERVICE_HOST").unwrap_or_default();
        let port = std::env::var("KUBERNETES_SERVICE_PORT").unwrap_or_default();
        if host.is_empty() || port.is_empty() {
            return Err(Error::config("KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set"));
        }
        Config::incluster_at(Path::new(SERVICE_ACCOUNT_DIR), &host, &port)
    }

    /// The service account whose `token`, `ca.crt` and `namespace` are in `dir`, for the API
    /// server at `host:port`. The token is read again as the kubelet rotates it.
    pub fn incluster_at(dir: &Path, host: &str, port: &str) -> Result<Config, Error> {
        let host = if host.contains(':') && !host.starts_with('[') { format!("[{host}]") } else { host.to_string() };
        let server = format!("https://{host}:{port}")
            .parse::<http::Uri>()
            .map_err(|e| Error::config_with(format!("in-cluster server https://{host}:{port} is not a URL"), e))?;
        let read = |name: &str| {
            let path = dir.join(name);
            std::fs::read(&path).map_err(|e| Error::config_with(format!("cannot read {}", path.display()), e))
        };
        let ca = read("ca.crt")?;
        let token = dir.join("token");
        if !token.is_file() {
            return Err(Error::config(format!("service account token {} does not exist", token.display())));
        }
        let namespace = read("namespace").ok().map(|n| String::from_utf8_lossy(&n).trim().to_string());
        let mut config = Config::new(server);
        config.certificate_authority = Some(ca);
        config.auth = Auth::TokenFile(token);
        if let Some(namespace) = namespace.filter(|n| !n.is_empty()) {
            config.default_namespace = namespace;
        }
        Ok(config)
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("server", &self.server)
            .field("default_namespace", &self.default_namespace)
            .field("certificate_authority", &self.certificate_authority.as_ref().map(|c| Length(c.len())))
            .field("insecure_skip_tls_verify", &self.insecure_skip_tls_verify)
            .field("tls_server_name", &self.tls_server_name)
            .field("client_certificate", &self.client_certificate)
            .field("auth", &self.auth)
            .field("connect_timeout", &self.connect_timeout)
            .field("response_timeout", &self.response_timeout)
            .field("idle_timeout", &self.idle_timeout)
            .finish()
    }
}

/// Reads a timeout as command lines and environment variables give it: seconds, with decimals
/// and an `s` allowed (`30`, `1.5`, `10s`); `0` means no timeout.
pub fn parse_timeout(text: &str) -> Result<Option<Duration>, String> {
    let number = text.trim().strip_suffix('s').unwrap_or(text.trim());
    let seconds = number.parse::<f64>().ok().filter(|s| s.is_finite() && *s >= 0.0);
    let duration = seconds.and_then(|s| Duration::try_from_secs_f64(s).ok());
    match duration {
        Some(d) if d.is_zero() => Ok(None),
        Some(d) => Ok(Some(d)),
        None => Err(format!("{text:?} is not a number of seconds (e.g. 30, 1.5 or 10s; 0 for none)")),
    }
}

/// Prints a length instead of the bytes.
struct Length(usize);

impl fmt::Debug for Length {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{} bytes>", self.0)
    }
}

/// A client certificate (chain) and its key, both PEM.
#[derive(Clone)]
pub struct ClientCertificate {
    pub certificate: Vec<u8>,
    pub key: Sensitive<Vec<u8>>,
}

impl fmt::Debug for ClientCertificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCertificate")
            .field("certificate", &Length(self.certificate.len()))
            .field("key", &self.key)
            .finish()
    }
}

/// How requests authenticate. A kubeconfig user with a token, token file, basic credentials or
/// client certificate does not use its exec plugin, as in kubectl.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub enum Auth {
    /// No `Authorization` header (a client certificate may still authenticate).
    #[default]
    None,
    /// `Authorization: Bearer <token>`.
    Token(Sensitive<String>),
    /// A bearer token read from a file, read again every minute and after a 401 (service
    /// account tokens are rotated).
    TokenFile(PathBuf),
    /// `Authorization: Basic`.
    Basic { username: String, password: Sensitive<String> },
    /// A credential plugin run on demand.
    Exec(ExecConfig),
}

/// A `client.authentication.k8s.io` exec credential plugin, as in a kubeconfig user's `exec`.
#[derive(Clone)]
#[non_exhaustive]
pub struct ExecConfig {
    /// `client.authentication.k8s.io/v1` or `/v1beta1`.
    pub api_version: String,
    /// The program; a relative path with a `/` was resolved against the kubeconfig's directory.
    pub command: String,
    /// Redacted in `Debug`: some plugins take a secret as an argument.
    pub args: Vec<String>,
    /// Added to the plugin's environment. Values are redacted in `Debug`: they may be secrets.
    pub env: Vec<(String, Sensitive<String>)>,
    /// Shown when the command cannot be found.
    pub install_hint: Option<String>,
    /// Pass the cluster (server, CA) to the plugin in `KUBERNETES_EXEC_INFO`.
    pub provide_cluster_info: bool,
    /// `Never`, `IfAvailable` or `Always`. This client has no terminal to offer, so `Always`
    /// fails and the others run the plugin without one.
    pub interactive_mode: Option<String>,
}

impl ExecConfig {
    /// A `client.authentication.k8s.io/v1` plugin running `command` with no arguments.
    pub fn new(command: impl Into<String>) -> ExecConfig {
        ExecConfig {
            api_version: "client.authentication.k8s.io/v1".to_string(),
            command: command.into(),
            args: Vec::new(),
            env: Vec::new(),
            install_hint: None,
            provide_cluster_info: false,
            interactive_mode: None,
        }
    }
}

impl fmt::Debug for ExecConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExecConfig")
            .field("api_version", &self.api_version)
            .field("command", &self.command)
            .field("args", &format_args!("<{} redacted>", self.args.len()))
            .field("env", &self.env.iter().map(|(name, _)| name).collect::<Vec<_>>())
            .field("provide_cluster_info", &self.provide_cluster_info)
            .field("interactive_mode", &self.interactive_mode)
            .finish()
    }
}
