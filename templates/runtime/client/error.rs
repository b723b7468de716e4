//! The client's errors, the Kubernetes `Status` of failed requests, and [`decode`].
//!
//! No message here ever carries a credential: values quoted by serde (`invalid type: string
//! "..."`) are replaced by `<redacted>`, since the text decoded may be a Secret or a kubeconfig.

pub use super::super::status::{Status, StatusCause, StatusDetails};
use super::connect::TimeoutError;
use serde::de::DeserializeOwned;
use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

/// A boxed error source: hyper, rustls and I/O errors, none of which hold credentials.
pub type BoxError = Box<dyn StdError + Send + Sync>;

/// Everything that can go wrong between building a request and decoding its response.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The server answered with a status outside 2xx.
    Api(ApiError),
    /// Connecting, sending or receiving failed below TLS or HTTP (refused, reset, timed out).
    Transport(TransportError),
    /// The TLS handshake failed, e.g. the server's certificate is not signed by the configured CA.
    Tls(TransportError),
    /// A wait took longer than its timeout: connecting, the TLS handshake, the first byte of
    /// the response, or the next piece of its body (see [`super::Config`]).
    Timeout(TransportError),
    /// The configuration cannot be used: kubeconfig, in-cluster files, PEM data, a request URI.
    Config(ConfigError),
    /// No credentials could be obtained: an exec plugin failed, a token file is unreadable.
    Auth(AuthError),
    /// A body did not decode as the expected type.
    Decode(DecodeError),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(e) => write!(f, "API error: {e}"),
            Error::Transport(e) => write!(f, "transport error: {e}"),
            Error::Tls(e) => write!(f, "TLS error: {e}"),
            Error::Timeout(e) => write!(f, "timeout: {e}"),
            Error::Config(e) => write!(f, "configuration error: {e}"),
            Error::Auth(e) => write!(f, "authentication error: {e}"),
            Error::Decode(e) => write!(f, "decode error: {e}"),
        }
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            Error::Api(e) => Some(e),
            Error::Transport(e) | Error::Tls(e) | Error::Timeout(e) => Some(e),
            Error::Config(e) => Some(e),
            Error::Auth(e) => Some(e),
            Error::Decode(e) => Some(e),
        }
    }
}

impl Error {
    /// The API error, if the server answered with a failure status.
    pub fn as_api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// A certificate was refused in the TLS handshake: the server's (signed by another CA,
    /// issued for another name, expired) or this client's (the server does not accept it).
    /// Retrying cannot help until the configuration or the server changes.
    pub fn is_certificate_rejected(&self) -> bool {
        matches!(self, Error::Tls(e) if e.certificate)
    }

    pub(crate) fn config(message: impl Into<String>) -> Error {
        Error::Config(ConfigError { message: message.into(), source: None })
    }

    pub(crate) fn config_with(message: impl Into<String>, source: impl Into<BoxError>) -> Error {
        Error::Config(ConfigError { message: message.into(), source: Some(source.into()) })
    }

    pub(crate) fn auth(message: impl Into<String>) -> Error {
        Error::Auth(AuthError { message: message.into(), stderr: None })
    }

    /// Classifies a failure of the HTTP stack: one of the client's timeouts anywhere in the
    /// chain makes it [`Error::Timeout`], a rustls error [`Error::Tls`].
    pub(crate) fn transport(message: &str, error: BoxError) -> Error {
        let timeout = find::<TimeoutError>(error.as_ref()).map(|e| e.to_string());
        let tls = find::<rustls::Error>(error.as_ref()).map(|e| (e.to_string(), is_certificate_error(e)));
        let mut error =
            TransportError { message: message.to_string(), detail: None, certificate: false, source: Some(error) };
        match (timeout, tls) {
            (Some(detail), _) => {
                error.detail = Some(detail);
                Error::Timeout(error)
            }
            (None, Some((detail, certificate))) => {
                error.detail = Some(detail);
                error.certificate = certificate;
                Error::Tls(error)
            }
            (None, None) => Error::Transport(error),
        }
    }
}

/// The first `T` in an error's chain. `io::Error` hides its inner error from `source()`, so
/// it is opened by hand.
fn find<'a, T: StdError + 'static>(error: &'a (dyn StdError + 'static)) -> Option<&'a T> {
    let mut next = Some(error);
    while let Some(e) = next {
        if let Some(found) = e.downcast_ref::<T>() {
            return Some(found);
        }
        if let Some(inner) = e.downcast_ref::<std::io::Error>().and_then(|io| io.get_ref()) {
            if let Some(found) = find::<T>(inner) {
                return Some(found);
            }
        }
        next = e.source();
    }
    None
}

/// A certificate refused by this side (the server's) or by the server (ours, by its alert).
fn is_certificate_error(error: &rustls::Error) -> bool {
    use rustls::AlertDescription as Alert;
    match error {
        rustls::Error::InvalidCertificate(_) | rustls::Error::NoCertificatesPresented => true,
        rustls::Error::AlertReceived(alert) => matches!(
            alert,
            Alert::BadCertificate
                | Alert::UnsupportedCertificate
                | Alert::CertificateRevoked
                | Alert::CertificateExpired
                | Alert::CertificateUnknown
                | Alert::UnknownCA
                | Alert::CertificateRequired
        ),
        _ => false,
    }
}

/// A connection, protocol or TLS failure.
#[derive(Debug)]
pub struct TransportError {
    message: String,
    detail: Option<String>,
    /// A TLS error over a certificate (see [`Error::is_certificate_rejected`]).
    certificate: bool,
    source: Option<BoxError>,
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(detail) = &self.detail {
            write!(f, ": {detail}")?;
        } else {
            // The innermost cause says what happened ("connection refused"); the outer ones
            // only say where ("client error (Connect)").
            let mut cause = self.source.as_deref().map(|e| e as &(dyn StdError + 'static));
            let mut last = None;
            while let Some(e) = cause {
                last = Some(e);
                cause = e.source();
            }
            if let Some(e) = last {
                write!(f, ": {e}")?;
            }
        }
        Ok(())
    }
}

impl StdError for TransportError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source.as_deref().map(|e| e as &(dyn StdError + 'static))
    }
}

/// A configuration that cannot be used.
#[derive(Debug)]
pub struct ConfigError {
    message: String,
    source: Option<BoxError>,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(source) = &self.source {
            write!(f, ": {}", redact_quoted(&source.to_string()))?;
        }
        Ok(())
    }
}

impl StdError for ConfigError {}

/// Credentials could not be obtained. For an exec plugin, [`AuthError::stderr`] holds what the
/// command wrote to standard error (plugins explain themselves there, e.g. "run aws sso login").
#[derive(Debug)]
pub struct AuthError {
    pub(crate) message: String,
    pub(crate) stderr: Option<String>,
}

impl AuthError {
    /// The exec plugin's standard error, trimmed, if it ran.
    pub fn stderr(&self) -> Option<&str> {
        self.stderr.as_deref()
    }
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        match self.stderr.as_deref() {
            Some(stderr) if !stderr.is_empty() => write!(f, "; stderr: {stderr}"),
            _ => Ok(()),
        }
    }
}

impl StdError for AuthError {}

/// A body that did not decode: the JSON path of the failure and serde's message.
#[derive(Debug)]
pub struct DecodeError {
    path: String,
    message: String,
}

impl DecodeError {
    /// Where decoding failed, as a dotted path (`spec.template.spec.containers[0].ports`).
    pub fn path(&self) -> &str {
        &self.path
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at `{}`: {}", self.path, self.message)
    }
}

impl StdError for DecodeError {}

/// Decodes JSON as `T`; on failure the error names the path of the offending value.
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Error> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        Error::Decode(DecodeError { path: e.path().to_string(), message: redact_quoted(&e.inner().to_string()) })
    })?;
    de.end().map_err(|e| Error::Decode(DecodeError { path: ".".to_string(), message: e.to_string() }))?;
    Ok(value)
}

/// Replaces every double-quoted string in a serde message with `"<redacted>"`: serde quotes
/// the offending value, which may be a token or Secret data. Field names are in backticks.
pub(crate) fn redact_quoted(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(start) = rest.find('"') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let mut end = None;
        let mut escaped = false;
        for (i, c) in after.char_indices() {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => {
                    end = Some(i);
                    break;
                }
                _ => escaped = false,
            }
        }
        match end {
            Some(end) => {
                out.push_str("\"<redacted>\"");
                rest = &after[end + 1..];
            }
            None => {
                out.push_str("\"<redacted>");
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// A failed request: the HTTP status and the Kubernetes `Status` the server sent, or the body
/// as text when it was not a `Status` (a proxy's HTML page, a plain-text panic); and the body
/// itself, whole.
#[derive(Clone)]
pub struct ApiError {
    code: http::StatusCode,
    status: Option<Box<Status>>,
    text: Option<String>,
    retry_after: Option<Duration>,
    body: bytes::Bytes,
}

impl fmt::Debug for ApiError {
    /// The body by its length: what the server echoes back may be Secret data.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("code", &self.code)
            .field("status", &self.status)
            .field("text", &self.text)
            .field("retry_after", &self.retry_after)
            .field("body", &format_args!("<{} bytes>", self.body.len()))
            .finish()
    }
}

/// The most of a non-`Status` error body kept in an [`ApiError`].
const MAX_TEXT: usize = 4096;

impl ApiError {
    /// Reads a failed response: a `Status` body is decoded, anything else is kept as text.
    pub(crate) fn from_response(code: http::StatusCode, headers: &http::HeaderMap, body: bytes::Bytes) -> ApiError {
        let status = match serde_json::from_slice::<serde_json::Value>(&body) {
            Ok(value) if value.get("kind").and_then(|k| k.as_str()) == Some("Status") => {
                serde_json::from_value::<Status>(value).ok()
            }
            _ => None,
        };
        let text = match status {
            Some(_) => None,
            None => {
                let mut text = String::from_utf8_lossy(&body).trim().to_string();
                if text.len() > MAX_TEXT {
                    let mut cut = MAX_TEXT;
                    while !text.is_char_boundary(cut) {
                        cut -= 1;
                    }
                    text.truncate(cut);
                    text.push_str("...");
                }
                Some(text)
            }
        };
        let header = headers
            .get(http::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let detail = status
            .as_ref()
            .and_then(|s| s.details.as_ref())
            .and_then(|d| d.retry_after_seconds)
            .and_then(|s| u64::try_from(s).ok())
            .map(Duration::from_secs);
        ApiError { code, status: status.map(Box::new), text, retry_after: header.or(detail), body }
    }

    /// The response body as the server sent it: every field of its `Status` (details, causes,
    /// metadata), or whatever else it was.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The HTTP status code.
    pub fn code(&self) -> http::StatusCode {
        self.code
    }

    /// The decoded `Status` body, when the body was one.
    pub fn status(&self) -> Option<&Status> {
        self.status.as_deref()
    }

    /// The body as text when it was not a `Status` (at most 4 KiB).
    pub fn text(&self) -> Option<&str> {
        self.text.as_deref()
    }

    /// The `Status` reason (`NotFound`, `AlreadyExists`, `Conflict`, `Invalid`, `Expired`...).
    pub fn reason(&self) -> Option<&str> {
        self.status().and_then(|s| s.reason.as_deref())
    }

    /// The `Status` message, or the text of a non-`Status` body.
    pub fn message(&self) -> Option<&str> {
        self.status().and_then(|s| s.message.as_deref()).or(self.text())
    }

    /// 401: the credentials were missing, wrong or expired.
    pub fn is_unauthorized(&self) -> bool {
        self.code == http::StatusCode::UNAUTHORIZED
    }

    /// 403: authenticated, but RBAC does not allow the request.
    pub fn is_forbidden(&self) -> bool {
        self.code == http::StatusCode::FORBIDDEN
    }

    /// 404: no such object (or no such resource type on this server).
    pub fn is_not_found(&self) -> bool {
        self.code == http::StatusCode::NOT_FOUND
    }

    /// 409: a stale `resourceVersion`, or (reason `AlreadyExists`) a create of an existing name.
    pub fn is_conflict(&self) -> bool {
        self.code == http::StatusCode::CONFLICT
    }

    /// 410: the `resourceVersion` asked for is too old; list again and watch from there.
    pub fn is_gone(&self) -> bool {
        self.code == http::StatusCode::GONE
    }

    /// 422: the object failed validation; the causes are in `status.details.causes`.
    pub fn is_invalid(&self) -> bool {
        self.code == http::StatusCode::UNPROCESSABLE_ENTITY
    }

    /// 429: throttled by API priority and fairness; wait [`ApiError::retry_after`].
    pub fn is_too_many_requests(&self) -> bool {
        self.code == http::StatusCode::TOO_MANY_REQUESTS
    }

    /// How long the server asked to wait: the `Retry-After` header, else
    /// `status.details.retryAfterSeconds`.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.code)?;
        if let Some(message) = self.message().filter(|m| !m.is_empty()) {
            write!(f, ": {message}")?;
        }
        if let Some(reason) = self.reason().filter(|r| !r.is_empty()) {
            write!(f, " ({reason})")?;
        }
        Ok(())
    }
}

impl StdError for ApiError {}
