//! Structured mutations of the project's own specs and CRDs, and the invariant the generator
//! keeps on every input: it either generates, or refuses with an error that names the input's
//! file and a JSON pointer (or line and column) and stays short; it never panics and never
//! reports an internal error. Whether what it generates compiles is checked on samples by the
//! property test (tests/mutations.rs), which shares this crate with the fuzz target (fuzz/).

use arbitrary::Arbitrary;
use k8s_packgen::ir::filter::Selection;
use k8s_packgen::load::Document;
use k8s_packgen::{generate, Options, Output};
use serde_json::{Map, Value};

/// A seed: one or more documents the mutations start from.
pub struct Seed {
    pub name: &'static str,
    /// The documents of the spec, by file name; the mutated one is chosen by [`Input::document`].
    pub spec: &'static [(&'static str, &'static str)],
    /// A CRD file: when set, it is the document mutated, on the unmutated spec.
    pub crd: Option<(&'static str, &'static str)>,
}

macro_rules! file {
    ($path:literal) => {
        ($path, include_str!(concat!("../../", $path)))
    };
}

const EQUIVALENCE: (&str, &str) = file!("specs/equivalence/swagger.json");

/// The project's specs and accepted CRDs, embedded so the fuzz target needs no files.
pub const SEEDS: &[Seed] = &[
    Seed { name: "mapping/names", spec: &[file!("specs/mapping/names.json")], crd: None },
    Seed { name: "mapping/special-types", spec: &[file!("specs/mapping/special-types.json")], crd: None },
    Seed { name: "mapping/required", spec: &[file!("specs/mapping/required.json")], crd: None },
    Seed { name: "mapping/docs", spec: &[file!("specs/mapping/docs.json")], crd: None },
    Seed { name: "mapping/resources", spec: &[file!("specs/mapping/resources.json")], crd: None },
    Seed { name: "mapping/st2-pack", spec: &[file!("specs/mapping/st2-pack.json")], crd: None },
    Seed { name: "equivalence/swagger", spec: &[EQUIVALENCE], crd: None },
    Seed {
        name: "equivalence/v3",
        spec: &[file!("specs/equivalence/v3/api__v1.json"), file!("specs/equivalence/v3/apis__example.com__v1.json")],
        crd: None,
    },
    Seed { name: "real-inputs/no-extensions", spec: &[file!("specs/real-inputs/no-extensions.json")], crd: None },
    Seed {
        name: "real-inputs/aggregated",
        spec: &[
            file!("specs/real-inputs/aggregated/api__v1.json"),
            file!("specs/real-inputs/aggregated/apis__metrics.k8s.io__v1beta1.json"),
        ],
        crd: None,
    },
    Seed { name: "adversarial/names", spec: &[file!("specs/adversarial/names.json")], crd: None },
    Seed { name: "adversarial/operations", spec: &[file!("specs/adversarial/operations.json")], crd: None },
    Seed { name: "adversarial/resources", spec: &[file!("specs/adversarial/resources.json")], crd: None },
    Seed {
        name: "crd/same-kind-dashed-and-dotted-groups",
        spec: &[EQUIVALENCE],
        crd: Some(file!("specs/adversarial/crds/same-kind-dashed-and-dotted-groups.yaml")),
    },
    Seed {
        name: "crd/other-kinds-dashed-and-dotted-groups",
        spec: &[EQUIVALENCE],
        crd: Some(file!("specs/adversarial/crds/other-kinds-dashed-and-dotted-groups.yaml")),
    },
    Seed {
        name: "crd/kind-lowercase-start",
        spec: &[EQUIVALENCE],
        crd: Some(file!("specs/adversarial/crds/kind-lowercase-start.yaml")),
    },
];

/// What the fuzzer (or the seeded test) chooses: a seed, a document of it and the mutations.
#[derive(Arbitrary, Debug, Clone)]
pub struct Input {
    pub seed: u8,
    pub document: u8,
    pub mutations: Vec<Mutation>,
}

/// One change to a document's JSON tree. Nodes are numbered in document order (`at` is taken
/// modulo their count), so any number names a node.
#[derive(Arbitrary, Debug, Clone)]
pub enum Mutation {
    /// Removes the node from its object or array.
    Remove { at: u16 },
    /// Puts another value in its place.
    Replace { at: u16, with: Atom },
    /// Moves a member of an object to another key.
    Rename { at: u16, to: Text },
    /// Copies one node over another (a schema into a parameter, a path into a definition...).
    Copy { from: u16, to: u16 },
    /// Nests the node `depth` levels deep in object schemas or arrays.
    Nest { at: u16, depth: u8, arrays: bool },
    /// Adds a member to an object.
    Insert { at: u16, key: Text, with: Atom },
}

#[derive(Arbitrary, Debug, Clone)]
pub enum Atom {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(Text),
    EmptyObject,
    EmptyArray,
    /// A `$ref` to the n-th definition (or schema) of the document.
    Ref(u16),
    /// A `type` array such as third-party swaggers write.
    Types(Vec<Text>),
}

#[derive(Arbitrary, Debug, Clone)]
pub enum Text {
    /// One of [`TRICKY`]: names and values that once broke the generator or a peer's.
    Tricky(u8),
    /// Any string (cut to 64 characters).
    Free(String),
    /// `x` repeated (up to 1 MiB): huge values must not be echoed whole.
    Long(u16),
}

/// Strings that collide with Rust, the emitted crate's own names, Kubernetes' vocabulary or
/// the shapes of JSON pointers and paths.
pub const TRICKY: &[&str] = &[
    "",
    "_",
    "-",
    "é",
    "Été",
    "ü",
    "1x",
    "9deleteWidget",
    "self",
    "Self",
    "crate",
    "super",
    "type",
    "r#type",
    "query",
    "body",
    "runtime",
    "actions",
    "sensors",
    "bin",
    "lib",
    "main",
    "Resource",
    "TypeMeta",
    "Quantity",
    "IntOrString",
    "Time",
    "MicroTime",
    "Kind",
    "Scope",
    "param_watch",
    "registry",
    "{name}",
    "{namespace}",
    "/",
    "..",
    ".",
    "a b",
    "\"",
    "\n",
    "~1",
    "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
    "io.k8s.apimachinery.pkg.api.resource.Quantity",
    "#/definitions/",
    "#/components/schemas/",
    "string",
    "integer",
    "number",
    "boolean",
    "object",
    "array",
    "null",
    "int-or-string",
    "date-time",
    "byte",
    "watch",
    "list",
    "get",
    "patch",
    "deletecollection",
    "watchList",
    "x-kubernetes-group-version-kind",
    "x-kubernetes-action",
    "x-kubernetes-int-or-string",
    "x-kubernetes-preserve-unknown-fields",
    "x-kubernetes-embedded-resource",
    "Namespaced",
    "Cluster",
    "my-app.io",
    "my.app.io",
    "v1",
    "v1beta1",
    "V1",
    "items",
    "metadata",
    "apiVersion",
    "kind",
    "status",
    "scale",
    "required",
    "properties",
    "additionalProperties",
    "oneOf",
    "allOf",
    "anyOf",
    "$ref",
    "application/json;stream=watch",
    "apis",
    "namespaces",
    "/apis/example.com/v1/widgets/{name}",
    "/api/v1/namespaces/{namespace}/pods/{name}/{name}",
];

impl Text {
    fn value(&self) -> String {
        match self {
            Text::Tricky(i) => TRICKY[usize::from(*i) % TRICKY.len()].to_string(),
            Text::Free(s) => s.chars().take(64).collect(),
            Text::Long(n) => "x".repeat(usize::from(*n) * 16),
        }
    }
}

/// The documents of a case: the spec and the CRD files, one of them mutated.
pub struct Case {
    pub seed: &'static str,
    pub spec: Vec<Document>,
    pub crds: Vec<Document>,
}

impl Input {
    /// Applies the mutations (at most 8) to the chosen document of the chosen seed.
    pub fn case(&self) -> Case {
        let seed = &SEEDS[usize::from(self.seed) % SEEDS.len()];
        let chosen = usize::from(self.document) % seed.spec.len();
        let mutations = &self.mutations[..self.mutations.len().min(8)];
        let doc = |(name, text): (&str, &str)| Document { name: name.to_string(), text: text.to_string() };
        let mut spec: Vec<Document> = seed.spec.iter().copied().map(doc).collect();
        let mut crds: Vec<Document> = seed.crd.into_iter().map(doc).collect();
        let target = match crds.first_mut() {
            Some(crd) => crd,
            None => &mut spec[chosen],
        };
        if !mutations.is_empty() {
            let mut value: Value = if target.name.ends_with(".yaml") {
                yaml_serde::from_str(&target.text).unwrap_or(Value::Null)
            } else {
                serde_json::from_str(&target.text).unwrap_or(Value::Null)
            };
            for m in mutations {
                apply(&mut value, m);
            }
            target.text = serde_json::to_string_pretty(&value).unwrap_or_default();
        }
        Case { seed: seed.name, spec, crds }
    }
}

/// Every node's JSON pointer, in document order.
fn pointers(value: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![(String::new(), value)];
    while let Some((pointer, v)) = stack.pop() {
        match v {
            Value::Object(map) => {
                for (k, child) in map.iter().rev() {
                    stack.push((format!("{pointer}/{}", k.replace('~', "~0").replace('/', "~1")), child));
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate().rev() {
                    stack.push((format!("{pointer}/{i}"), child));
                }
            }
            _ => {}
        }
        out.push(pointer);
    }
    out
}

fn pick(value: &Value, at: u16) -> String {
    let all = pointers(value);
    all[usize::from(at) % all.len()].clone()
}

/// The parent's pointer and the last key of a pointer (`None` for the root).
fn split(pointer: &str) -> Option<(&str, String)> {
    let i = pointer.rfind('/')?;
    Some((&pointer[..i], pointer[i + 1..].replace("~1", "/").replace("~0", "~")))
}

fn atom(value: &Value, atom: &Atom) -> Value {
    match atom {
        Atom::Null => Value::Null,
        Atom::Bool(b) => Value::Bool(*b),
        Atom::Int(i) => Value::from(*i),
        Atom::Float(f) => serde_json::Number::from_f64(*f).map(Value::Number).unwrap_or(Value::Null),
        Atom::Text(t) => Value::String(t.value()),
        Atom::EmptyObject => Value::Object(Map::new()),
        Atom::EmptyArray => Value::Array(Vec::new()),
        Atom::Ref(n) => {
            let (prefix, names) = match (value.get("definitions"), value.pointer("/components/schemas")) {
                (Some(Value::Object(d)), _) => ("#/definitions/", d.keys().cloned().collect::<Vec<_>>()),
                (_, Some(Value::Object(s))) => ("#/components/schemas/", s.keys().cloned().collect()),
                _ => ("#/definitions/", vec!["Missing".to_string()]),
            };
            let name = names.get(usize::from(*n) % names.len().max(1)).cloned().unwrap_or_default();
            serde_json::json!({ "$ref": format!("{prefix}{name}") })
        }
        Atom::Types(types) => Value::Array(types.iter().take(4).map(|t| Value::String(t.value())).collect()),
    }
}

fn apply(value: &mut Value, mutation: &Mutation) {
    match mutation {
        Mutation::Remove { at } => {
            let pointer = pick(value, *at);
            if let Some((parent, key)) = split(&pointer) {
                match value.pointer_mut(parent) {
                    Some(Value::Object(map)) => {
                        map.remove(&key);
                    }
                    Some(Value::Array(items)) => {
                        if let Ok(i) = key.parse::<usize>() {
                            if i < items.len() {
                                items.remove(i);
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        Mutation::Replace { at, with } => {
            let pointer = pick(value, *at);
            let new = atom(value, with);
            if let Some(node) = value.pointer_mut(&pointer) {
                *node = new;
            }
        }
        Mutation::Rename { at, to } => {
            let pointer = pick(value, *at);
            if let Some((parent, key)) = split(&pointer) {
                if let Some(Value::Object(map)) = value.pointer_mut(parent) {
                    if let Some(moved) = map.remove(&key) {
                        map.insert(to.value(), moved);
                    }
                }
            }
        }
        Mutation::Copy { from, to } => {
            let from = pick(value, *from);
            let to = pick(value, *to);
            let copied = value.pointer(&from).cloned();
            if let (Some(copied), Some(node)) = (copied, value.pointer_mut(&to)) {
                *node = copied;
            }
        }
        Mutation::Nest { at, depth, arrays } => {
            let pointer = pick(value, *at);
            if let Some(node) = value.pointer_mut(&pointer) {
                let mut nested = node.take();
                for _ in 0..*depth {
                    nested = match arrays {
                        true => Value::Array(vec![nested]),
                        false => serde_json::json!({ "type": "object", "properties": { "x": nested } }),
                    };
                }
                *node = nested;
            }
        }
        Mutation::Insert { at, key, with } => {
            let pointer = pick(value, *at);
            let new = atom(value, with);
            if let Some(Value::Object(map)) = value.pointer_mut(&pointer) {
                map.insert(key.value(), new);
            }
        }
    }
}

/// What the generator did with a case.
pub enum Outcome {
    Generated(Box<Output>),
    Refused(String),
}

/// The longest error message: quoted input is cut, never echoed whole.
pub const MAX_MESSAGE: usize = 4096;

/// Runs the generator on a case; `Err` says which invariant failed. (A panic is a failure too:
/// the fuzzer reports it, the property test catches it.)
pub fn run(case: &Case, crate_name: &str) -> Result<Outcome, String> {
    let options = Options {
        crate_name: crate_name.to_string(),
        crds: case.crds.clone(),
        selection: Selection::default(),
        ..Options::default()
    };
    match generate(&case.spec, &options) {
        Ok(output) => Ok(Outcome::Generated(Box::new(output))),
        Err(error) => {
            let message = error.to_string();
            check_message(&message, case)?;
            Ok(Outcome::Refused(message))
        }
    }
}

/// A refusal names a file of the case and a place in it, is short and is not internal.
pub fn check_message(message: &str, case: &Case) -> Result<(), String> {
    let cut: String = message.chars().take(300).collect();
    if message.starts_with("internal error") {
        return Err(format!("an internal error instead of a refusal at the input: {cut}"));
    }
    if message.len() > MAX_MESSAGE {
        return Err(format!("a message of {} bytes: {cut}...", message.len()));
    }
    let names_file = case.spec.iter().chain(&case.crds).any(|d| message.contains(&d.name));
    let places = [" at /", " at line ", "not a Swagger 2.0 or OpenAPI 3.0 document"];
    if !names_file || !places.iter().any(|p| message.contains(p)) {
        return Err(format!("a refusal that names no file and place: {cut}"));
    }
    Ok(())
}
