//! Sans-I/O requests: every operation builds a plain `http::Request<Vec<u8>>` (testable without
//! a network) paired with the type its successful response decodes to.

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
use serde::Serialize;
use std::fmt;
use std::marker::PhantomData;

/// A built request and the type of its successful response body.
pub struct Request<T> {
    pub request: http::Request<Vec<u8>>,
    response: PhantomData<fn() -> T>,
}

impl<T> Request<T> {
    pub fn into_inner(self) -> http::Request<Vec<u8>> {
        self.request
    }
}

impl<T> fmt::Debug for Request<T> {
    /// Method and URI only: bodies may hold Secret data.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Request({} {})", self.request.method(), self.request.uri())
    }
}

/// Why a request could not be built.
#[derive(Debug)]
pub enum RequestError {
    /// The body could not be serialized (the message names no values).
    Body(String),
    /// The query could not be encoded.
    Query(String),
    /// The parameters contradict each other (e.g. `force` without an apply patch).
    Invalid(&'static str),
    /// A path parameter cannot be a path segment of the API (`..`, empty, a `/`).
    Segment(SegmentError),
    Http(http::Error),
}

impl fmt::Display for RequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RequestError::Body(e) => write!(f, "cannot serialize the request body: {e}"),
            RequestError::Query(e) => write!(f, "cannot encode the query: {e}"),
            RequestError::Invalid(e) => f.write_str(e),
            RequestError::Segment(e) => e.fmt(f),
            RequestError::Http(e) => write!(f, "invalid request: {e}"),
        }
    }
}

impl std::error::Error for RequestError {}

impl From<SegmentError> for RequestError {
    fn from(error: SegmentError) -> Self {
        RequestError::Segment(error)
    }
}

/// A path parameter the API server could never serve as a name: the values its path segment
/// rule refuses (`.` and `..` would also be resolved away by URL normalization, and an empty
/// name turns `.../secrets/NAME` into the collection).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SegmentError {
    /// The parameter, as the path template names it (`name`, `namespace`).
    pub param: &'static str,
    pub problem: SegmentProblem,
}

/// What is wrong with a path segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SegmentProblem {
    Empty,
    /// `.` or `..`.
    Dots(&'static str),
    /// `/` or `%`.
    Contains(char),
}

impl fmt::Display for SegmentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let param = self.param;
        match self.problem {
            SegmentProblem::Empty => write!(f, "path parameter `{param}` may not be empty"),
            SegmentProblem::Dots(dots) => write!(f, "path parameter `{param}` may not be \"{dots}\""),
            SegmentProblem::Contains(c) => write!(f, "path parameter `{param}` may not contain '{c}'"),
        }
    }
}

impl std::error::Error for SegmentError {}

/// Checks `value` against the API server's path segment rule (`path.IsValidPathSegmentName`):
/// not empty, not `.` or `..`, no `/` or `%`.
pub fn check_segment(param: &'static str, value: &str) -> Result<(), SegmentError> {
    let problem = match value {
        "" => SegmentProblem::Empty,
        "." => SegmentProblem::Dots("."),
        ".." => SegmentProblem::Dots(".."),
        _ => match value.chars().find(|c| matches!(c, '/' | '%')) {
            Some(c) => SegmentProblem::Contains(c),
            None => return Ok(()),
        },
    };
    Err(SegmentError { param, problem })
}

/// Characters escaped in a path segment: everything but unreserved characters and the
/// sub-delimiters Kubernetes names may not contain anyway.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'[')
    .add(b']')
    .add(b'\\')
    .add(b'^')
    .add(b'|');

/// Checks one path segment (a name or namespace, see [`check_segment`]) and percent-encodes it.
pub fn segment(param: &'static str, value: &str) -> Result<String, SegmentError> {
    check_segment(param, value)?;
    Ok(utf8_percent_encode(value, SEGMENT).to_string())
}

/// A patch body with its content type: each kind means something different to the server.
#[derive(Clone, PartialEq)]
pub enum Patch {
    /// RFC 6902 JSON patch: a list of operations (`application/json-patch+json`).
    Json(serde_json::Value),
    /// RFC 7386 merge patch (`application/merge-patch+json`).
    Merge(serde_json::Value),
    /// Kubernetes strategic merge patch (`application/strategic-merge-patch+json`).
    Strategic(serde_json::Value),
    /// Server-side apply of a full or partial object (`application/apply-patch+yaml`; JSON is
    /// YAML); needs `fieldManager`, and is the only kind that allows `force`.
    Apply(serde_json::Value),
}

impl Patch {
    /// A server-side apply patch of a typed object.
    pub fn apply<T: Serialize>(object: &T) -> Result<Patch, RequestError> {
        serde_json::to_value(object).map(Patch::Apply).map_err(|e| RequestError::Body(e.to_string()))
    }

    pub fn content_type(&self) -> &'static str {
        match self {
            Patch::Json(_) => "application/json-patch+json",
            Patch::Merge(_) => "application/merge-patch+json",
            Patch::Strategic(_) => "application/strategic-merge-patch+json",
            Patch::Apply(_) => "application/apply-patch+yaml",
        }
    }

    fn value(&self) -> &serde_json::Value {
        match self {
            Patch::Json(v) | Patch::Merge(v) | Patch::Strategic(v) | Patch::Apply(v) => v,
        }
    }
}

impl fmt::Debug for Patch {
    /// The kind only: patches may carry Secret data.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Patch({})", self.content_type())
    }
}

/// The query of an operation that takes no query parameters.
#[derive(Serialize)]
pub struct NoQuery {}

/// A request body.
pub enum Body<'a, B: Serialize> {
    None,
    Json(&'a B),
    Patch(&'a Patch),
}

/// Builds a request: `path` is already encoded; `query` is a query struct (its `None`
/// fields are left out).
pub fn build<T, Q: Serialize, B: Serialize>(
    method: http::Method,
    path: String,
    query: &Q,
    body: Body<'_, B>,
) -> Result<Request<T>, RequestError> {
    let query = serde_urlencoded::to_string(query).map_err(|e| RequestError::Query(e.to_string()))?;
    let uri = if query.is_empty() { path } else { format!("{path}?{query}") };
    let builder = http::Request::builder().method(method).uri(uri).header(http::header::ACCEPT, "application/json");
    let (builder, bytes) = match body {
        Body::None => (builder, Vec::new()),
        Body::Json(value) => (
            builder.header(http::header::CONTENT_TYPE, "application/json"),
            serde_json::to_vec(value).map_err(|e| RequestError::Body(e.to_string()))?,
        ),
        Body::Patch(patch) => (
            builder.header(http::header::CONTENT_TYPE, patch.content_type()),
            serde_json::to_vec(patch.value()).map_err(|e| RequestError::Body(e.to_string()))?,
        ),
    };
    let request = builder.body(bytes).map_err(RequestError::Http)?;
    Ok(Request { request, response: PhantomData })
}

/// Checks what the server would refuse anyway, before anything is sent.
pub fn check_patch(patch: &Patch, force: Option<bool>, field_manager: Option<&str>) -> Result<(), RequestError> {
    match patch {
        Patch::Apply(_) if field_manager.is_none_or(str::is_empty) => {
            Err(RequestError::Invalid("an apply patch needs fieldManager"))
        }
        Patch::Json(_) | Patch::Merge(_) | Patch::Strategic(_) if force.is_some() => {
            Err(RequestError::Invalid("force is only valid with an apply patch"))
        }
        _ => Ok(()),
    }
}

/// What a delete answers: the object (still there with finalizers, or as it was), or a
/// `Status` (some resources, and collections). Real servers do both.
#[derive(Clone, Debug, PartialEq)]
pub enum DeleteResult<T> {
    Object(T),
    Status(Box<super::status::Status>),
}

impl<'de, T: serde::de::DeserializeOwned> serde::Deserialize<'de> for DeleteResult<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error as _;
        let value = serde_json::Value::deserialize(deserializer)?;
        if value.get("kind").and_then(serde_json::Value::as_str) == Some("Status") {
            serde_json::from_value(value).map(|s| DeleteResult::Status(Box::new(s))).map_err(D::Error::custom)
        } else {
            serde_json::from_value(value).map(DeleteResult::Object).map_err(D::Error::custom)
        }
    }
}

/// A list type: its items and the token of the next page.
pub trait List {
    type Item;
    fn into_page(self) -> (Vec<Self::Item>, Option<String>);
}

#[cfg(feature = "client")]
impl<T: serde::de::DeserializeOwned> Request<T> {
    /// Sends the request and decodes the answer as `T`; a non-2xx answer is an error with the
    /// server's `Status`.
    pub async fn send(self, client: &super::client::Client) -> Result<T, super::client::Error> {
        let response = client.send(self.request).await?;
        super::client::decode(response.body())
    }
}

#[cfg(feature = "client")]
impl<T> Request<T> {
    /// Sends the request and returns the answer as text (pod logs).
    pub async fn send_text(self, client: &super::client::Client) -> Result<String, super::client::Error> {
        let response = client.send(self.request).await?;
        Ok(String::from_utf8_lossy(response.body()).into_owned())
    }
}

/// Every item of a paginated list: `page` builds the request for a `continue` token (`None`
/// for the first page), typically by setting `limit` and `continue` on a `ListWatchQuery`.
#[cfg(feature = "client")]
pub async fn list_all<L, F>(client: &super::client::Client, mut page: F) -> Result<Vec<L::Item>, ListError>
where
    L: List + serde::de::DeserializeOwned,
    F: FnMut(Option<&str>) -> Result<Request<L>, RequestError>,
{
    let mut items = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let request = page(token.as_deref()).map_err(ListError::Request)?;
        let (page_items, next) = request.send(client).await.map_err(ListError::Client)?.into_page();
        items.extend(page_items);
        match next.filter(|t| !t.is_empty()) {
            Some(next) => token = Some(next),
            None => return Ok(items),
        }
    }
}

/// Why [`list_all`] stopped.
#[cfg(feature = "client")]
#[derive(Debug)]
pub enum ListError {
    Request(RequestError),
    Client(super::client::Error),
}

#[cfg(feature = "client")]
impl fmt::Display for ListError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ListError::Request(e) => e.fmt(f),
            ListError::Client(e) => e.fmt(f),
        }
    }
}

#[cfg(feature = "client")]
impl std::error::Error for ListError {}
