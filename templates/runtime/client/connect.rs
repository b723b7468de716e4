//! Connections with deadlines: the TCP connect and the TLS handshake within the connect
//! timeout, then the first byte of each response within the response timeout, so a server that
//! accepts a connection and says nothing fails the request instead of hanging it.
//!
//! The connector is hyper-rustls' `HttpsConnector` taken apart (hyper-util's `HttpConnector`,
//! then tokio-rustls) so that each stage has its own deadline and its own message.

use super::error::BoxError;
use http::uri::Scheme;
use http::Uri;
use hyper::rt::{Read, ReadBufCursor, Write};
use hyper_rustls::MaybeHttpsStream;
use hyper_util::client::legacy::connect::{Connected, Connection, HttpConnector};
use hyper_util::rt::TokioIo;
use rustls::pki_types::ServerName;
use std::fmt;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio::time::{Instant, Sleep};
use tower_service::Service;

/// The client's timeouts; `None` waits forever.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Timeouts {
    /// TCP connect and TLS handshake together.
    pub(crate) connect: Option<Duration>,
    /// From the end of writing a request to the first byte of its response.
    pub(crate) response: Option<Duration>,
    /// Between two pieces of a response body (not for streamed bodies such as watches).
    pub(crate) idle: Option<Duration>,
}

/// What a request was waiting for when its time ran out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Waiting {
    Connect(String),
    Handshake(String),
    Response,
    Body,
}

/// A timeout: which wait, and how long it lasted. Found in an error's chain by
/// [`super::Error::transport`], which makes it [`super::Error::Timeout`].
#[derive(Debug)]
pub(crate) struct TimeoutError {
    pub(crate) after: Duration,
    pub(crate) waiting: Waiting,
}

impl fmt::Display for TimeoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "timed out after {}s ", self.after.as_secs_f64())?;
        match &self.waiting {
            Waiting::Connect(server) => write!(f, "connecting to {server}"),
            Waiting::Handshake(server) => write!(f, "waiting for the TLS handshake with {server}"),
            Waiting::Response => f.write_str("waiting for the response"),
            Waiting::Body => f.write_str("waiting for more of the response body"),
        }
    }
}

impl std::error::Error for TimeoutError {}

/// Opens `http://` and `https://` connections, each stage within the connect timeout.
#[derive(Clone)]
pub(crate) struct Connector {
    pub(crate) http: HttpConnector,
    pub(crate) tls: tokio_rustls::TlsConnector,
    /// `tls-server-name`, else the URL's host.
    pub(crate) server_name: Option<ServerName<'static>>,
    pub(crate) timeouts: Timeouts,
}

pub(crate) type Stream = Timed<MaybeHttpsStream<TokioIo<TcpStream>>>;

impl Service<Uri> for Connector {
    type Response = Stream;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Stream, BoxError>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, uri: Uri) -> Self::Future {
        let this = self.clone();
        Box::pin(async move { this.connect(uri).await })
    }
}

impl Connector {
    async fn connect(self, uri: Uri) -> Result<Stream, BoxError> {
        let server = format!(
            "{}://{}",
            uri.scheme_str().unwrap_or("https"),
            uri.authority().map(|a| a.as_str()).unwrap_or_default()
        );
        let limit = self.timeouts.connect;
        let deadline = limit.map(|limit| Instant::now() + limit);
        let mut http = self.http.clone();
        let https = uri.scheme() == Some(&Scheme::HTTPS);
        let name = match (https, &self.server_name) {
            (false, _) => None,
            (true, Some(name)) => Some(name.clone()),
            (true, None) => Some(host_name(&uri)?),
        };
        let tcp = within(deadline, limit, http.call(uri), || Waiting::Connect(server.clone())).await??;
        let stream = match name {
            None => MaybeHttpsStream::Http(tcp),
            Some(name) => {
                let handshake = self.tls.connect(name, TokioIo::new(tcp));
                MaybeHttpsStream::from(within(deadline, limit, handshake, || Waiting::Handshake(server)).await??)
            }
        };
        Ok(Timed { inner: stream, response: self.timeouts.response, timer: None, waiting: false })
    }
}

/// The URL's host as the name to verify the certificate against (an IP address is one too).
fn host_name(uri: &Uri) -> Result<ServerName<'static>, BoxError> {
    let host = uri.host().unwrap_or_default();
    let host = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host);
    Ok(ServerName::try_from(host.to_string())?)
}

/// `future` if it ends before `deadline`; a [`TimeoutError`] otherwise.
async fn within<F: Future>(
    deadline: Option<Instant>,
    limit: Option<Duration>,
    future: F,
    waiting: impl FnOnce() -> Waiting,
) -> Result<F::Output, TimeoutError> {
    match (deadline, limit) {
        (Some(deadline), Some(after)) => {
            tokio::time::timeout_at(deadline, future).await.map_err(|_| TimeoutError { after, waiting: waiting() })
        }
        _ => Ok(future.await),
    }
}

/// Reads a body to its end, each piece within `idle` of the one before.
pub(crate) async fn collect(mut body: hyper::body::Incoming, idle: Option<Duration>) -> Result<bytes::Bytes, BoxError> {
    use http_body_util::BodyExt as _;
    let mut data = bytes::BytesMut::new();
    loop {
        let frame = match idle {
            Some(after) => tokio::time::timeout(after, body.frame())
                .await
                .map_err(|_| TimeoutError { after, waiting: Waiting::Body })?,
            None => body.frame().await,
        };
        match frame {
            None => return Ok(data.freeze()),
            Some(frame) => {
                if let Ok(chunk) = frame?.into_data() {
                    data.extend_from_slice(&chunk);
                }
            }
        }
    }
}

/// A connection whose reads fail with a [`TimeoutError`] when the response to what was just
/// written does not start within the response timeout. Once a response has started, reads
/// wait as long as it takes: a watch may be quiet for minutes, and bodies have their own idle
/// timeout; an idle pooled connection has written nothing and waits for nothing.
pub(crate) struct Timed<S> {
    inner: S,
    response: Option<Duration>,
    timer: Option<Pin<Box<Sleep>>>,
    /// Written to, and nothing read since.
    waiting: bool,
}

impl<S> Timed<S> {
    /// Starts (or restarts) the wait for the response. The timer is polled here too: hyper may
    /// not read again before the socket wakes it, and only a polled timer wakes it in time.
    fn wrote(&mut self, cx: &mut Context<'_>) {
        let Some(after) = self.response else { return };
        let deadline = Instant::now() + after;
        let timer = self.timer.get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
        timer.as_mut().reset(deadline);
        if timer.as_mut().poll(cx).is_ready() {
            cx.waker().wake_by_ref();
        }
        self.waiting = true;
    }
}

impl<S: Read + Unpin> Read for Timed<S> {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: ReadBufCursor<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(result) => {
                this.waiting = false;
                Poll::Ready(result)
            }
            Poll::Pending => {
                let (Some(timer), Some(after), true) = (&mut this.timer, this.response, this.waiting) else {
                    return Poll::Pending;
                };
                if timer.as_mut().poll(cx).is_pending() {
                    return Poll::Pending;
                }
                this.waiting = false;
                let error = TimeoutError { after, waiting: Waiting::Response };
                Poll::Ready(Err(io::Error::new(io::ErrorKind::TimedOut, error)))
            }
        }
    }
}

impl<S: Write + Unpin> Write for Timed<S> {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.inner).poll_write(cx, buf);
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            this.wrote(cx);
        }
        result
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.inner).poll_write_vectored(cx, bufs);
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            this.wrote(cx);
        }
        result
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

impl<S: Connection> Connection for Timed<S> {
    fn connected(&self) -> Connected {
        self.inner.connected()
    }
}
