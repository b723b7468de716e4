//! Actions: every operation as a named, data-described entry that takes a JSON object of
//! parameters, as the StackStorm pack did. One generic runner validates and builds requests
//! from a static descriptor; nothing here grows with the number of actions at start-up.

use serde_json::{Map, Value};
use std::fmt;

/// Where a parameter goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Location {
    Path,
    Query,
}

/// The JSON type a parameter takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamKind {
    String,
    Integer,
    Boolean,
}

/// One path or query parameter of an action.
#[derive(Debug)]
pub struct ParamSpec {
    /// The wire name, which is also the key in the JSON parameters.
    pub name: &'static str,
    pub location: Location,
    pub kind: ParamKind,
    pub required: bool,
    pub description: &'static str,
}

/// How the body of an action is sent.
#[derive(Debug)]
pub enum BodyKind {
    /// JSON of the named type, checked by deserializing it.
    Json { type_name: &'static str, check: fn(&Value) -> Result<(), String> },
    /// One of the four patch kinds, chosen by the `patchType` parameter.
    Patch,
}

/// The body of an action, under the key `body` of its parameters.
#[derive(Debug)]
pub struct BodySpec {
    pub required: bool,
    pub kind: BodyKind,
    pub description: &'static str,
}

/// One action: an API operation described as data.
#[derive(Debug)]
pub struct Action {
    /// The operationId, e.g. `createCoreV1NamespacedSecret`.
    pub name: &'static str,
    /// What it acts on: shared by the actions of one resource.
    pub target: &'static Target,
    /// The Kubernetes verb it is authorized as, as `kubectl auth can-i` and RBAC rules name
    /// it: create, delete, deletecollection, get, list, patch, update or watch.
    pub verb: &'static str,
    pub description: &'static str,
    pub method: &'static str,
    /// The path template, e.g. `/api/v1/namespaces/{namespace}/secrets`.
    pub path: &'static str,
    /// Shared between actions: the same parameter is described once in the crate.
    pub params: &'static [&'static ParamSpec],
    pub body: Option<BodySpec>,
}

/// What an action acts on: the API group (`""` for the core group) and version its path is
/// under, and the plural of the resource (empty for discovery operations, which name the group
/// and version they describe where their path has them). One per resource, in its actions
/// module (`TARGET`), spelled by the resource's kind where the kind's constants describe it.
#[derive(Debug, PartialEq, Eq)]
pub struct Target {
    pub group: &'static str,
    pub version: &'static str,
    pub resource: &'static str,
}

impl Target {
    /// The target of `K`'s actions, from `K`'s own `TypeMeta` and `Resource` constants.
    pub const fn of<K: crate::runtime::Resource>() -> Target {
        Target { group: K::GROUP, version: K::VERSION, resource: K::PLURAL }
    }
}

/// Why parameters were refused (before anything is sent).
#[derive(Debug, PartialEq)]
pub enum ParamsError {
    NotAnObject,
    Missing(String),
    WrongType { name: String, expected: &'static str },
    Unknown { name: String, known: Vec<String> },
    Body { message: String },
    /// A path parameter the server could never serve (`..`, empty, a `/`).
    Segment(super::request::SegmentError),
    Invalid(String),
}

impl fmt::Display for ParamsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParamsError::NotAnObject => f.write_str("parameters must be a JSON object"),
            ParamsError::Missing(name) => write!(f, "missing required parameter `{name}`"),
            ParamsError::WrongType { name, expected } => write!(f, "parameter `{name}` must be {expected}"),
            ParamsError::Unknown { name, known } => {
                write!(f, "unknown parameter `{name}`")?;
                if !known.is_empty() {
                    write!(f, "; did you mean {}?", known.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", "))?;
                }
                Ok(())
            }
            ParamsError::Body { message } => write!(f, "invalid `body`: {message}"),
            ParamsError::Segment(e) => e.fmt(f),
            ParamsError::Invalid(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for ParamsError {}

/// The key of the patch kind of patch actions: `json`, `merge`, `strategic` or `apply`.
pub const PATCH_TYPE: &str = "patchType";

/// Checks a JSON body by deserializing it as `T`; the error names the JSON path, not values.
pub fn check<T: serde::de::DeserializeOwned>(value: &Value) -> Result<(), String> {
    serde_path_to_error::deserialize::<_, T>(value).map(|_| ()).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner().to_string();
        // serde's message may quote the offending value: keep only its kind of complaint.
        let inner = inner.split(':').next().unwrap_or("").to_string();
        format!("at `{path}`: {inner}")
    })
}

impl Action {
    /// A JSON Schema of the parameters: types, required, descriptions.
    pub fn schema(&self) -> Value {
        let mut properties = Map::new();
        let mut required = Vec::new();
        for p in self.params {
            let ty = match p.kind {
                ParamKind::String => "string",
                ParamKind::Integer => "integer",
                ParamKind::Boolean => "boolean",
            };
            properties.insert(
                p.name.to_string(),
                serde_json::json!({"type": ty, "description": p.description, "x-location": match p.location {
                    Location::Path => "path",
                    Location::Query => "query",
                }}),
            );
            if p.required {
                required.push(Value::from(p.name));
            }
        }
        if let Some(body) = &self.body {
            let schema = match &body.kind {
                BodyKind::Json { type_name, .. } => {
                    serde_json::json!({"type": "object", "description": body.description, "x-kubernetes-type": type_name})
                }
                BodyKind::Patch => {
                    properties.insert(
                        PATCH_TYPE.to_string(),
                        serde_json::json!({"type": "string", "enum": ["json", "merge", "strategic", "apply"],
                            "description": "The patch kind: JSON patch, merge patch, strategic merge patch or server-side apply."}),
                    );
                    required.push(Value::from(PATCH_TYPE));
                    serde_json::json!({"description": body.description})
                }
            };
            properties.insert("body".to_string(), schema);
            if body.required {
                required.push(Value::from("body"));
            }
        }
        serde_json::json!({
            "$schema": "http://json-schema.org/draft-07/schema#",
            "title": self.name,
            "description": self.description,
            "type": "object",
            "properties": properties,
            "required": required,
            "additionalProperties": false,
            "x-kubernetes": {
                "verb": self.verb,
                "group": self.target.group,
                "version": self.target.version,
                "resource": self.target.resource,
                "method": self.method,
                "path": self.path,
            },
        })
    }

    /// Validates `params` and builds the request; nothing is sent.
    pub fn request(&self, params: &Value) -> Result<http::Request<Vec<u8>>, ParamsError> {
        let map = params.as_object().ok_or(ParamsError::NotAnObject)?;
        for key in map.keys() {
            let known = self.params.iter().any(|p| p.name == key)
                || (key == "body" && self.body.is_some())
                || (key == PATCH_TYPE && matches!(self.body, Some(BodySpec { kind: BodyKind::Patch, .. })));
            if !known {
                return Err(ParamsError::Unknown { name: key.clone(), known: close_matches(key, self.param_names()) });
            }
        }
        let mut path = self.path.to_string();
        let mut query = url_query();
        for p in self.params {
            let value = match map.get(p.name) {
                None | Some(Value::Null) if p.required => return Err(ParamsError::Missing(p.name.to_string())),
                None | Some(Value::Null) => continue,
                Some(v) => scalar(p, v)?,
            };
            match p.location {
                Location::Path => {
                    let segment = super::request::segment(p.name, &value).map_err(ParamsError::Segment)?;
                    path = path.replace(&format!("{{{}}}", p.name), &segment);
                }
                Location::Query => {
                    query.append_pair(p.name, &value);
                }
            }
        }
        let query = query.finish();
        let uri = if query.is_empty() { path } else { format!("{path}?{query}") };
        let mut builder = http::Request::builder().method(self.method).uri(uri).header(http::header::ACCEPT, "application/json");
        let body = match (&self.body, map.get("body")) {
            (Some(spec), None | Some(Value::Null)) if spec.required => return Err(ParamsError::Missing("body".into())),
            (Some(_), None | Some(Value::Null)) | (None, _) => Vec::new(),
            (Some(spec), Some(value)) => {
                let content_type = match &spec.kind {
                    BodyKind::Json { check, .. } => {
                        check(value).map_err(|message| ParamsError::Body { message })?;
                        "application/json"
                    }
                    BodyKind::Patch => patch_content_type(map.get(PATCH_TYPE), map)?,
                };
                builder = builder.header(http::header::CONTENT_TYPE, content_type);
                serde_json::to_vec(value).map_err(|e| ParamsError::Body { message: e.to_string() })?
            }
        };
        builder.body(body).map_err(|e| ParamsError::Invalid(e.to_string()))
    }

    fn param_names(&self) -> Vec<&'static str> {
        let mut names: Vec<&'static str> = self.params.iter().map(|p| p.name).collect();
        if self.body.is_some() {
            names.push("body");
        }
        names
    }
}

fn url_query() -> form_urlencoded::Serializer<'static, String> {
    form_urlencoded::Serializer::new(String::new())
}

fn scalar(p: &ParamSpec, v: &Value) -> Result<String, ParamsError> {
    let wrong = |expected| ParamsError::WrongType { name: p.name.to_string(), expected };
    match (p.kind, v) {
        (ParamKind::String, Value::String(s)) => Ok(s.clone()),
        (ParamKind::Integer, Value::Number(n)) if n.is_i64() || n.is_u64() => Ok(n.to_string()),
        (ParamKind::Boolean, Value::Bool(b)) => Ok(b.to_string()),
        (ParamKind::String, _) => Err(wrong("a string")),
        (ParamKind::Integer, _) => Err(wrong("an integer")),
        (ParamKind::Boolean, _) => Err(wrong("a boolean")),
    }
}

fn patch_content_type(kind: Option<&Value>, params: &Map<String, Value>) -> Result<&'static str, ParamsError> {
    let kind = match kind {
        None => return Err(ParamsError::Missing(PATCH_TYPE.into())),
        Some(Value::String(k)) => k.as_str(),
        Some(_) => return Err(ParamsError::WrongType { name: PATCH_TYPE.into(), expected: "a string" }),
    };
    let force = params.get("force").and_then(Value::as_bool).is_some();
    let manager = params.get("fieldManager").and_then(Value::as_str).is_some_and(|m| !m.is_empty());
    match kind {
        "json" | "merge" | "strategic" if force => Err(ParamsError::Invalid("force is only valid with an apply patch".into())),
        "json" => Ok("application/json-patch+json"),
        "merge" => Ok("application/merge-patch+json"),
        "strategic" => Ok("application/strategic-merge-patch+json"),
        "apply" if !manager => Err(ParamsError::Invalid("an apply patch needs fieldManager".into())),
        "apply" => Ok("application/apply-patch+yaml"),
        _ => Err(ParamsError::WrongType { name: PATCH_TYPE.into(), expected: "one of json, merge, strategic, apply" }),
    }
}

/// Names within a small edit distance of `name`, closest first: for "did you mean".
pub fn close_matches<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let lower = name.to_ascii_lowercase();
    let mut scored: Vec<(usize, &str)> = candidates
        .into_iter()
        .map(|c| (strsim::levenshtein(&lower, &c.to_ascii_lowercase()), c))
        .filter(|(d, c)| *d <= 3.max(c.len() / 3))
        .collect();
    scored.sort();
    scored.into_iter().take(3).map(|(_, c)| c.to_string()).collect()
}

/// Finds an action by name in a registry sorted by name.
pub fn find<'a>(registry: &'a [&'a Action], name: &str) -> Option<&'a Action> {
    registry.binary_search_by(|a| a.name.cmp(name)).ok().map(|i| registry[i])
}

/// The result of an action, in the StackStorm shape.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct ActionOutput {
    pub status_code: u16,
    /// The response body as JSON, or as a JSON string when it is text (pod logs).
    pub data: Value,
}

impl ActionOutput {
    /// The output for a response: its body as JSON if it is JSON, else as a string; `null`
    /// when empty.
    pub fn new(status_code: u16, body: &[u8]) -> ActionOutput {
        let data = if body.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(body).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(body).into_owned()))
        };
        ActionOutput { status_code, data }
    }
}

/// Why an action failed: its parameters (nothing was sent), or the request.
#[derive(Debug)]
pub enum ActionError {
    Params(ParamsError),
    Client(super::client::Error),
}

impl ActionError {
    /// For an answer outside 2xx, the output as for a success: the status code, and as `data`
    /// the server's whole body (its `Status` with every field: details, causes, metadata).
    pub fn output(&self) -> Option<ActionOutput> {
        match self {
            ActionError::Client(super::client::Error::Api(e)) => Some(ActionOutput::new(e.code().as_u16(), e.body())),
            _ => None,
        }
    }
}

impl fmt::Display for ActionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ActionError::Params(e) => write!(f, "invalid parameters: {e}"),
            ActionError::Client(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for ActionError {}

impl Action {
    /// Validates `params`, sends the request and returns `{status_code, data}`. A non-2xx
    /// answer is an error carrying the server's `Status` (see [`ActionError::output`]).
    ///
    /// A watch (`watch=true`, or the watch verb) and a followed log (`follow=true`) are read to
    /// their end without the client's idle timeout: they are quiet until something happens,
    /// and the server ends them (`timeoutSeconds`, the container's exit).
    pub async fn run(&self, client: &super::client::Client, params: &Value) -> Result<ActionOutput, ActionError> {
        let request = self.request(params).map_err(ActionError::Params)?;
        let flag = |name: &str| params.get(name).and_then(Value::as_bool) == Some(true);
        if self.verb == "watch" || flag("watch") || flag("follow") {
            let response = client.send_streaming(request).await.map_err(ActionError::Client)?;
            let status_code = response.status().as_u16();
            let mut stream = response.into_body();
            let mut body = Vec::new();
            while let Some(chunk) = stream.next_chunk().await {
                body.extend_from_slice(&chunk.map_err(ActionError::Client)?);
            }
            return Ok(ActionOutput::new(status_code, &body));
        }
        let response = client.send(request).await.map_err(ActionError::Client)?;
        Ok(ActionOutput::new(response.status().as_u16(), response.body()))
    }

    /// Reads `key=value` as this action's parameter: integers and booleans by the parameter's
    /// kind, `body` as JSON (see [`parse_json`]), anything else as a string.
    pub fn parse_pair(&self, pair: &str) -> Result<(String, Value), ParamsError> {
        let (key, raw) =
            pair.split_once('=').ok_or_else(|| ParamsError::Invalid(format!("`{pair}` is not key=value")))?;
        let value = match self.params.iter().find(|p| p.name == key).map(|p| p.kind) {
            Some(ParamKind::Integer) => raw
                .parse::<i64>()
                .map(Value::from)
                .map_err(|_| ParamsError::WrongType { name: key.to_string(), expected: "an integer" })?,
            Some(ParamKind::Boolean) => raw
                .parse::<bool>()
                .map(Value::from)
                .map_err(|_| ParamsError::WrongType { name: key.to_string(), expected: "a boolean" })?,
            None if key == "body" => parse_json(raw).map_err(|message| ParamsError::Body { message })?,
            _ => Value::String(raw.to_string()),
        };
        Ok((key.to_string(), value))
    }
}

/// Parses JSON parameters, refusing a key repeated in any object (serde_json would keep the
/// last one silently, so `{"name": "a", "name": "b"}` would act on `b`). The message names
/// the repeated key by its path, with the line and column; it never quotes a value.
pub fn parse_json(text: &str) -> Result<Value, String> {
    use serde::de::DeserializeSeed as _;
    let mut de = serde_json::Deserializer::from_str(text);
    let value = Unique { path: &mut Vec::new() }.deserialize(&mut de).and_then(|v| de.end().map(|()| v));
    value.map_err(|e| match e.classify() {
        serde_json::error::Category::Data => e.to_string(),
        _ => format!("not JSON: {e}"),
    })
}

/// Builds a [`Value`] like its own `Deserialize`, but fails on a repeated key.
struct Unique<'a> {
    /// Where the value is: keys and indexes from the top.
    path: &'a mut Vec<String>,
}

impl<'de> serde::de::DeserializeSeed<'de> for Unique<'_> {
    type Value = Value;

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Unique<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        loop {
            self.path.push(format!("[{}]", items.len()));
            let item = seq.next_element_seed(Unique { path: &mut *self.path })?;
            self.path.pop();
            match item {
                Some(item) => items.push(item),
                None => return Ok(Value::Array(items)),
            }
        }
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                let mut at = self.path.concat();
                if !at.is_empty() {
                    at.push('.');
                }
                return Err(serde::de::Error::custom(format_args!("duplicate key `{at}{key}`")));
            }
            self.path.push(match self.path.is_empty() {
                true => key.clone(),
                false => format!(".{key}"),
            });
            let value = map.next_value_seed(Unique { path: &mut *self.path })?;
            self.path.pop();
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}
