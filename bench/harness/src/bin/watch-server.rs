//! A fake API server on 127.0.0.1 for the watch benchmarks (plain HTTP).
//!
//! - `GET /api/v1/pods` (no `watch`): an empty PodList at resourceVersion "1".
//! - `GET /api/v1/pods?watch=true...` (also `watch=1`): `--events` newline-delimited watch events
//!   (`ADDED` the first time a pod name appears, `MODIFIED` after), realistic pods from a pool of
//!   `--pool` distinct pods, resourceVersions increasing from 2; then the stream ends.
//!
//! Prints `PORT <n>` on stdout once listening, then serves until killed.
//! `watch-server [--port 0] [--events 100000] [--pool 1000] [--seed 7]`

use bench_harness::{arg, pod, Rng};
use bytes::Bytes;
use http_body_util::{combinators::BoxBody, BodyExt, Full, StreamBody};
use hyper::body::Frame;
use hyper::{Request, Response};
use std::convert::Infallible;
use std::io::Write;
use std::sync::Arc;
use tokio::net::TcpListener;

/// One pool pod as the bytes before and after its resourceVersion value.
struct Template {
    before: Vec<u8>,
    after: Vec<u8>,
}

const RV_MARK: &str = "@@RV@@";
const CHUNK: usize = 256 * 1024;

fn templates(pool: usize, seed: u64) -> Vec<Template> {
    let mut rng = Rng::new(seed);
    (0..pool)
        .map(|i| {
            let mut p = pod(&mut rng, i, RV_MARK);
            p["apiVersion"] = "v1".into();
            p["kind"] = "Pod".into();
            let s = serde_json::to_string(&p).unwrap();
            let at = s.find(RV_MARK).unwrap();
            Template { before: s[..at].as_bytes().to_vec(), after: s[at + RV_MARK.len()..].as_bytes().to_vec() }
        })
        .collect()
}

fn list_body() -> Bytes {
    Bytes::from_static(br#"{"apiVersion":"v1","kind":"PodList","metadata":{"resourceVersion":"1"},"items":[]}"#)
}

type Body = BoxBody<Bytes, Infallible>;

fn watch_body(templates: Arc<Vec<Template>>, events: usize) -> Body {
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Frame<Bytes>, Infallible>>(8);
    tokio::spawn(async move {
        let mut buf = Vec::with_capacity(CHUNK + 8192);
        for i in 0..events {
            let t = &templates[i % templates.len()];
            let kind = if i < templates.len() { "ADDED" } else { "MODIFIED" };
            write!(buf, r#"{{"type":"{kind}","object":"#).unwrap();
            buf.extend_from_slice(&t.before);
            write!(buf, "{}", i + 2).unwrap();
            buf.extend_from_slice(&t.after);
            buf.extend_from_slice(b"}\n");
            if buf.len() >= CHUNK || i + 1 == events {
                let chunk = Bytes::from(std::mem::replace(&mut buf, Vec::with_capacity(CHUNK + 8192)));
                if tx.send(Ok(Frame::data(chunk))).await.is_err() {
                    return; // the client went away
                }
            }
        }
    });
    BodyExt::boxed(StreamBody::new(tokio_stream::wrappers::ReceiverStream::new(rx)))
}

async fn handle(req: Request<hyper::body::Incoming>, templates: Arc<Vec<Template>>, events: usize) -> Result<Response<Body>, Infallible> {
    let query = req.uri().query().unwrap_or("");
    let watch = query.split('&').any(|kv| kv == "watch=true" || kv == "watch=1");
    let path = req.uri().path();
    eprintln!("watch-server: {} {}", req.method(), req.uri());
    let response = if path != "/api/v1/pods" {
        Response::builder().status(404).body(BodyExt::boxed(Full::new(Bytes::from_static(
            br#"{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"NotFound","code":404}"#,
        ))))
    } else if watch {
        Response::builder().header("content-type", "application/json").body(watch_body(templates, events))
    } else {
        Response::builder().header("content-type", "application/json").body(BodyExt::boxed(Full::new(list_body())))
    };
    Ok(response.unwrap())
}

#[tokio::main]
async fn main() {
    let port: u16 = arg("--port", 0);
    let events: usize = arg("--events", 100_000);
    let pool: usize = arg("--pool", 1000);
    let seed: u64 = arg("--seed", 7);
    let templates = Arc::new(templates(pool, seed));
    let listener = TcpListener::bind(("127.0.0.1", port)).await.expect("bind 127.0.0.1");
    let port = listener.local_addr().unwrap().port();
    let avg = templates.iter().map(|t| t.before.len() + t.after.len()).sum::<usize>() / templates.len();
    println!("PORT {port}");
    eprintln!("watch-server: 127.0.0.1:{port}, {events} events per watch, {pool} distinct pods of ~{avg} bytes");
    std::io::stdout().flush().unwrap();
    loop {
        let (stream, _) = match listener.accept().await {
            Ok(s) => s,
            Err(_) => continue,
        };
        let _ = stream.set_nodelay(true);
        let templates = templates.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req| handle(req, templates.clone(), events));
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                .await;
        });
    }
}
