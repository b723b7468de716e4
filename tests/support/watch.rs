//! A scripted API server for sensor tests: HTTP/1.1 over TLS written by hand so a test decides
//! every byte and every fault — chunk boundaries, a connection dropped mid-line, a stream that
//! stays open, an HTTP error with `Retry-After`.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::Notify;

/// One piece of a streamed answer.
pub enum Piece {
    /// Bytes sent as one HTTP chunk (and one TLS write).
    Bytes(Vec<u8>),
    /// Waits until the test notifies.
    Wait(Arc<Notify>),
    /// Waits a little, so the client reads what came before on its own.
    Pause(Duration),
}

/// How a streamed answer ends.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum End {
    /// The last chunk, as a server ending a watch at its timeout.
    Clean,
    /// The connection closes without the last chunk: the client sees the stream break.
    Drop,
    /// The connection stays open with nothing more to say.
    Hang,
}

pub enum Answer {
    Json { status: u16, body: serde_json::Value, headers: Vec<(String, String)> },
    Stream { pieces: Vec<Piece>, end: End },
}

impl Answer {
    pub fn json(status: u16, body: serde_json::Value) -> Answer {
        Answer::Json { status, body, headers: Vec::new() }
    }

    /// A watch stream: each event a line, each line its own chunk, then `end`.
    pub fn events(events: &[serde_json::Value], end: End) -> Answer {
        let pieces = events.iter().map(|e| Piece::Bytes(format!("{e}\n").into_bytes())).collect();
        Answer::Stream { pieces, end }
    }
}

/// A request the server received.
#[derive(Clone, Debug)]
pub struct Request {
    pub path: String,
    pub query: Vec<(String, String)>,
    pub at: Instant,
}

impl Request {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    pub fn is_watch(&self) -> bool {
        self.param("watch") == Some("true")
    }
}

/// Answers by route (`list` or `watch` of a path), in order; a request with no answer left
/// gets a stream that stays open.
#[derive(Default)]
pub struct Script {
    routes: Mutex<Vec<(bool, String, VecDeque<Answer>)>>,
    seen: Mutex<Vec<Request>>,
}

impl Script {
    pub fn new() -> Arc<Script> {
        Arc::new(Script::default())
    }

    pub fn list(&self, path: &str, answer: Answer) -> &Self {
        self.push(false, path, answer)
    }

    pub fn watch(&self, path: &str, answer: Answer) -> &Self {
        self.push(true, path, answer)
    }

    fn push(&self, watch: bool, path: &str, answer: Answer) -> &Self {
        let mut routes = self.routes.lock().unwrap();
        match routes.iter_mut().find(|(w, p, _)| *w == watch && p == path) {
            Some((_, _, answers)) => answers.push_back(answer),
            None => routes.push((watch, path.to_string(), VecDeque::from([answer]))),
        }
        self
    }

    pub fn seen(&self) -> Vec<Request> {
        self.seen.lock().unwrap().clone()
    }

    fn answer(&self, request: &Request) -> Answer {
        let mut routes = self.routes.lock().unwrap();
        let route = routes.iter_mut().find(|(w, p, _)| *w == request.is_watch() && *p == request.path);
        route
            .and_then(|(_, _, answers)| answers.pop_front())
            .unwrap_or(Answer::Stream { pieces: Vec::new(), end: End::Hang })
    }
}

/// Serves `script` on 127.0.0.1 with the test CA's certificate; returns the URL.
pub async fn serve(script: Arc<Script>) -> String {
    super::serve_tls(move |mut tls| {
        let script = script.clone();
        async move {
            let Some(request) = read_head(&mut tls).await else { return };
            script.seen.lock().unwrap().push(request.clone());
            let answer = script.answer(&request);
            let _ = respond(&mut tls, answer).await;
        }
    })
    .await
}

async fn read_head<S: AsyncReadExt + Unpin>(stream: &mut S) -> Option<Request> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte).await.ok()? == 0 {
            return None;
        }
        head.push(byte[0]);
    }
    let head = String::from_utf8(head).ok()?;
    let target = head.split_whitespace().nth(1)?;
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let query = form_urlencoded::parse(query.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    Some(Request { path: path.to_string(), query, at: Instant::now() })
}

async fn respond<S: AsyncWriteExt + Unpin>(stream: &mut S, answer: Answer) -> std::io::Result<()> {
    match answer {
        Answer::Json { status, body, headers } => {
            let body = body.to_string();
            let mut head = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n",
                body.len()
            );
            for (name, value) in headers {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
            stream.write_all(format!("{head}\r\n{body}").as_bytes()).await?;
            stream.flush().await?;
            stream.shutdown().await
        }
        Answer::Stream { pieces, end } => {
            let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n";
            stream.write_all(head.as_bytes()).await?;
            stream.flush().await?;
            for piece in pieces {
                match piece {
                    Piece::Bytes(bytes) => {
                        let mut chunk = format!("{:x}\r\n", bytes.len()).into_bytes();
                        chunk.extend_from_slice(&bytes);
                        chunk.extend_from_slice(b"\r\n");
                        stream.write_all(&chunk).await?;
                        stream.flush().await?;
                    }
                    Piece::Wait(notify) => notify.notified().await,
                    Piece::Pause(duration) => tokio::time::sleep(duration).await,
                }
            }
            match end {
                End::Clean => {
                    stream.write_all(b"0\r\n\r\n").await?;
                    stream.flush().await?;
                    stream.shutdown().await
                }
                End::Drop => stream.shutdown().await,
                End::Hang => {
                    std::future::pending::<()>().await;
                    Ok(())
                }
            }
        }
    }
}
